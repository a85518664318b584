"""The exact-time call, invitations, reminders, alerts and review before sending."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from referable.introductions import queries, services
from referable.introductions.models import HeldEmail, ReviewRecord, ScheduledCall
from referable.introductions.tests.factories import make_letter, make_referral
from referable.outbox.testing import drain
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _first_contact_warned_only_when_late(practice):
    """The owner is warned an hour before first contact is late. In the last hour of the
    practice's working day that warning is due at once and would join the mail these
    tests count, so here it comes only when contact is late (never, in these tests)."""
    with practice_scope(practice):
        services.save_pipeline_settings(practice, {"alert_minutes_before_due": 0})


def _ics(message) -> Calendar:
    for name, content, mimetype in message.attachments:
        if name.endswith(".ics"):
            assert mimetype.startswith("text/calendar")
            return Calendar.from_ical(content)
    raise AssertionError("no .ics attached")


def _event(calendar: Calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")


@pytest.fixture
def signed(in_practice, practice, professional):
    letter = make_letter(make_referral(practice, by=professional), by=professional)
    services.sign_letter(letter, by=professional)
    drain()
    return letter


def test_signing_sends_the_professional_an_ics_at_the_exact_minute(signed, professional):
    [message] = mail.outbox
    assert message.to == [professional.email] and "Call Paul Prospect" in message.subject
    event = _event(_ics(message))
    assert event.decoded("dtstart") == signed.call_at
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=30)
    assert str(event["uid"]) == f"call-{ScheduledCall.objects.get().pk}@referable"


def test_the_ics_download_parses_back(signed, client_for, professional):
    from django.urls import reverse

    call = ScheduledCall.objects.get()
    response = client_for(professional).get(reverse("introductions:call-ics", args=[call.pk]))
    event = _event(Calendar.from_ical(response.content))
    assert event.decoded("dtstart") == call.at and "Paul Prospect" in str(event["summary"])


def test_a_three_way_lunch_invites_every_party(in_practice, practice, professional):
    referral = make_referral(practice, by=professional)
    at = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    services.schedule_call(
        referral,
        kind="three_way_meeting",
        at=at,
        minutes=60,
        location="Café Aurora",
        by=professional,
    )
    drain()
    recipients = sorted(address for m in mail.outbox for address in m.to)
    expected = sorted(
        [
            professional.email,
            *(e.address for e in referral.referrer.emails.all()),
            *(e.address for e in referral.prospect.emails.all()),
        ]
    )
    assert recipients == expected
    for message in mail.outbox:
        event = _event(_ics(message))
        assert event.decoded("dtstart") == at
        assert str(event["location"]) == "Café Aurora"
        assert len(event.get("attendee")) == 2


def test_a_lunch_with_a_party_without_email_is_refused_unless_invitations_are_off(
    in_practice, practice, professional
):
    prospect = make_person(practice, emails=[], first_name="Nora", last_name="Nomail")
    referral = make_referral(practice, prospect=prospect, by=professional)
    at = timezone.now() + timedelta(days=2)
    with pytest.raises(ValidationError, match="Nora Nomail has no e-mail address"):
        services.schedule_call(referral, kind="introductory_call", at=at, by=professional)
    assert not ScheduledCall.objects.exists()
    services.schedule_call(referral, kind="introductory_call", at=at, by=professional, invite=False)
    assert ScheduledCall.objects.count() == 1


def test_a_call_in_the_past_is_refused(in_practice, practice):
    referral = make_referral(practice)
    with pytest.raises(ValidationError, match="has passed"):
        services.schedule_call(
            referral, kind="exact_time_call", at=timezone.now() - timedelta(minutes=1)
        )


def test_a_call_made_away_from_the_promised_minute_is_a_promise_missed_but_counts_as_contact(
    signed, professional
):
    call = ScheduledCall.objects.get()  # promised three days from now
    services.log_call(call, by=professional, note="Called early")
    call.refresh_from_db()
    assert call.status == "missed" and call.outcome_note == "Called early"
    referral = signed.referral
    referral.refresh_from_db()
    assert referral.stage == "contacted"


def test_promises_kept_and_missed_are_counted_per_referrer(in_practice, practice, professional):
    referral = make_referral(practice, by=professional)
    kept = services.schedule_call(
        referral, kind="exact_time_call", at=timezone.now() + timedelta(minutes=30), by=professional
    )
    missed = services.schedule_call(
        referral, kind="exact_time_call", at=timezone.now() + timedelta(minutes=40), by=professional
    )
    ScheduledCall.objects.filter(pk=kept.pk).update(at=timezone.now() - timedelta(minutes=5))
    kept.refresh_from_db()
    services.log_call(kept, by=professional)
    ScheduledCall.objects.filter(pk=missed.pk).update(at=timezone.now() - timedelta(hours=2))
    assert services.flag_missed_calls(practice) == 1
    missed.refresh_from_db()
    assert missed.status == "missed"
    services.pay_debt(referral.debts.get(kind="thank_you"), note="Thanks!")
    debt = referral.debts.get(outcome="contacted")
    services.pay_debt(debt, note="Spoke to him")
    assert queries.promises_for([referral.referrer_id, 999]) == {
        referral.referrer_id: (2, 1),
        999: (0, 0),
    }


def test_feedback_left_unpaid_for_a_week_counts_as_a_promise_missed(in_practice, practice):
    referral = make_referral(practice, received_at=timezone.now() - timedelta(days=10))
    services.move_stage(referral, "no_response", at=timezone.now() - timedelta(days=9))
    assert queries.promises_for([referral.referrer_id]) == {referral.referrer_id: (0, 1)}


def test_the_professional_is_reminded_before_the_call_once(in_practice, practice, professional):
    referral = make_referral(practice, by=professional)
    at = timezone.now() + timedelta(hours=2)
    services.schedule_call(referral, kind="exact_time_call", at=at, by=professional)
    drain()
    mail.outbox.clear()
    drain(now=at - timedelta(minutes=14))
    [reminder] = [m for m in mail.outbox if m.subject.startswith("At ")]
    assert reminder.to == [professional.email] and "Call Paul Prospect" in reminder.subject
    call = ScheduledCall.objects.get()
    from referable.introductions.tasks import call_reminder

    call_reminder({"call_id": call.pk, "sequence": call.sequence})  # a second run sends nothing
    drain(now=at - timedelta(minutes=5))
    assert len([m for m in mail.outbox if m.subject.startswith("At ")]) == 1


def test_an_alert_goes_out_before_a_same_day_contact_is_missed(in_practice, practice, professional):
    services.save_pipeline_settings(practice, {"alert_minutes_before_due": 60})
    referral = make_referral(practice, by=professional)
    due = referral.first_contact_due_at
    drain()
    if due - timedelta(minutes=60) > timezone.now():
        assert not mail.outbox
    drain(now=due - timedelta(minutes=59))
    [alert] = mail.outbox
    assert alert.to == [professional.email] and "Paul Prospect" in alert.subject
    from referable.introductions.tasks import first_contact_alert

    first_contact_alert({"referral_id": referral.pk})
    drain(now=due)
    assert len(mail.outbox) == 1


def test_no_alert_once_the_prospect_was_contacted(in_practice, practice, professional):
    referral = make_referral(practice, by=professional)
    services.move_stage(referral, "contacted")
    drain(now=referral.first_contact_due_at)
    assert not mail.outbox


def test_the_client_receives_the_letter_for_signature_with_the_pdf(
    in_practice, practice, professional
):
    letter = make_letter(make_referral(practice, by=professional), by=professional)
    services.request_signature(letter, by=professional)
    drain()
    [message] = mail.outbox
    assert message.to == [letter.referral.referrer.emails.first().address]
    assert "For your signature" in message.subject and "referral" not in message.body.lower()
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content.startswith(b"%PDF")


def test_a_client_without_email_gets_the_letter_in_person(in_practice, practice, professional):
    client = make_person(practice, category="client", emails=[])
    letter = make_letter(make_referral(practice, referrer=client, by=professional))
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.request_signature(letter)
    letter.refresh_from_db()
    assert letter.state == "draft"
    services.request_signature(letter, send_email=False)
    letter.refresh_from_db()
    assert letter.state == "awaiting_signature"


def test_with_review_required_letters_and_emails_wait_for_the_reviewer(
    in_practice, practice, professional, make_user
):
    services.save_compliance_settings(practice, {"require_review": True})
    reviewer = make_user(Role.COMPLIANCE)
    letter = make_letter(make_referral(practice, by=professional), by=professional)
    services.request_signature(letter, by=professional)
    debt = letter.referral.debts.get()
    services.pay_debt(debt, by=professional, how="email", note="Thank you for thinking of us.")
    drain()
    assert not mail.outbox
    held = list(HeldEmail.objects.order_by("id"))
    assert [h.purpose for h in held] == ["letter_for_signature", "feedback"]
    debt.refresh_from_db()
    assert not debt.is_paid
    with pytest.raises(ValidationError, match="Only a compliance reviewer"):
        services.approve_held_email(held[0], reviewer=professional)
    services.approve_held_email(held[0], reviewer=reviewer, comment="Fine")
    with pytest.raises(ValidationError, match="Say what must change"):
        services.reject_held_email(held[1], reviewer=reviewer, comment="")
    services.approve_held_email(held[1], reviewer=reviewer)
    drain()
    assert len(mail.outbox) == 2 and mail.outbox[0].attachments
    debt.refresh_from_db()
    assert debt.is_paid and debt.paid_how == "email"
    records = list(ReviewRecord.objects.order_by("id").values_list("reviewer", "action", "comment"))
    assert records == [(reviewer.pk, "approved", "Fine"), (reviewer.pk, "approved", "")]


def test_a_rejected_letter_goes_back_to_draft_as_a_new_version(
    in_practice, practice, professional, make_user
):
    services.save_compliance_settings(practice, {"require_review": True})
    letter = make_letter(make_referral(practice, by=professional), by=professional)
    services.request_signature(letter, by=professional)
    held = HeldEmail.objects.get()
    services.reject_held_email(
        held, reviewer=make_user(Role.COMPLIANCE), comment="Add the disclosure"
    )
    letter.refresh_from_db()
    assert (letter.state, letter.version) == ("draft", 2)
    assert ReviewRecord.objects.get().comment == "Add the disclosure"


def test_the_first_contact_email_tells_the_prospect_where_their_details_came_from(
    in_practice, practice, professional
):
    referral = make_referral(practice, by=professional)
    subject, text = services.first_contact_draft(referral, by=professional)
    assert "We received your name and contact details from Clara Client" in text
    services.send_first_contact_email(
        referral, subject=subject, text="Dear Paul, shall we talk on Tuesday?", by=professional
    )
    drain()
    [message] = mail.outbox
    assert message.to == [referral.prospect.emails.first().address]
    assert "from Clara Client" in message.body  # added although the text left it out
    referral.refresh_from_db()
    assert referral.privacy_notice_given_at is not None and referral.stage == "contacted"
    assert referral.privacy_notice_how == "in the first-contact e-mail"


def test_a_first_contact_email_needs_the_prospects_address(in_practice, practice):
    prospect = make_person(practice, emails=[], first_name="Nora", last_name="Nomail")
    referral = make_referral(practice, prospect=prospect)
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.send_first_contact_email(referral, subject="Hello", text="Hi")
    referral.refresh_from_db()
    assert referral.stage == "received" and referral.privacy_notice_given_at is None
