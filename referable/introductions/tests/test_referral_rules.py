"""Recording referrals, their stages, the same-day clock and the feedback debt."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.introductions import queries, services
from referable.introductions.models import FeedbackDebt, Referral, StageChange
from referable.introductions.tests.factories import make_referral
from referable.people.models import Connection, Person
from referable.people.tests.factories import make_connection, make_person

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def test_a_new_prospect_is_created_with_the_referral_and_the_connection_records_their_relationship(
    in_practice, practice, professional
):
    client = make_person(practice, category="client", first_name="Clara", last_name="Client")
    referral = services.record_referral(
        practice,
        referrer=client,
        new_prospect={"first_name": "Carl", "last_name": "Cfo", "title": "CFO"},
        prospect_emails=["carl@acme.example"],
        kind="introduction",
        connection={"kind": "coworker", "closeness": 5, "sentiment": "positive"},
        reason="Wants to talk about the pension plan.",
        by=professional,
    )
    prospect = referral.prospect
    assert (prospect.category, prospect.source, prospect.source_person) == (
        "prospect",
        "introduction",
        client,
    )
    assert list(prospect.emails.values_list("address", flat=True)) == ["carl@acme.example"]
    connection = referral.connection
    assert (connection.kind, connection.closeness, connection.sentiment) == (
        "coworker",
        5,
        "positive",
    )
    assert connection.told_by == client
    assert referral.approach == "lends trust" and referral.method == "letter"
    assert referral.referrer_kind == "client" and referral.owner == professional
    assert referral.stage == "received" and referral.privacy_notice_due


def test_a_negative_relationship_suggests_starting_from_weakness_with_a_stronger_method(
    in_practice, practice
):
    client, prospect = make_person(practice, category="client"), make_person(practice)
    make_connection(client, prospect, sentiment="neutral", closeness=2)
    referral = services.record_referral(
        practice, referrer=client, prospect=prospect, connection={"sentiment": "negative"}
    )
    assert referral.approach == "start from weakness; choose a stronger method"
    assert referral.suggested_method == referral.method == "three_way_meeting"
    assert Connection.objects.get().sentiment == "negative"  # updated, not duplicated


def test_the_method_chosen_by_the_professional_wins_over_the_suggestion(in_practice, practice):
    referral = make_referral(practice, method="email_introduction")
    assert referral.method == "email_introduction" and referral.suggested_method == "letter"


def test_a_prospect_who_asked_not_to_be_contacted_is_refused_with_the_reason_and_nothing_is_saved(
    in_practice, practice
):
    prospect = make_person(
        practice, do_not_contact=True, do_not_contact_reason="Asked by phone on 2 March"
    )
    client = make_person(practice, category="client")
    with pytest.raises(ValidationError) as caught:
        services.record_referral(
            practice, referrer=client, prospect=prospect, connection={"sentiment": "positive"}
        )
    message = caught.value.message_dict["prospect"][0]
    assert "asked not to be contacted" in message and "Asked by phone on 2 March" in message
    assert not Referral.objects.exists() and not Connection.objects.exists()


def test_a_new_prospect_with_a_bad_email_saves_nothing(in_practice, practice):
    client = make_person(practice, category="client")
    before = Person.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.record_referral(
            practice,
            referrer=client,
            new_prospect={"first_name": "Ann"},
            prospect_emails=["broken@"],
        )
    assert "prospect_emails" in caught.value.message_dict
    assert Person.objects.count() == before and not Referral.objects.exists()


def test_a_referrer_cannot_introduce_themselves(in_practice, practice):
    client = make_person(practice)
    with pytest.raises(ValidationError, match="cannot introduce themselves"):
        services.record_referral(practice, referrer=client, prospect=client)


def test_each_stage_change_is_timestamped_with_who_moved_it(in_practice, referral, professional):
    services.move_stage(referral, "contacted", by=professional)
    services.move_stage(referral, "meeting_set", by=professional)
    changes = list(
        StageChange.objects.filter(referral=referral).values_list("from_stage", "to_stage", "by")
    )
    assert changes == [
        ("", "received", professional.pk),
        ("received", "contacted", professional.pk),
        ("contacted", "meeting_set", professional.pk),
    ]
    times = list(StageChange.objects.filter(referral=referral).values_list("at", flat=True))
    assert times == sorted(times)


def test_moving_backwards_needs_a_reason_and_changes_nothing_without_one(in_practice, referral):
    services.move_stage(referral, "met")
    with pytest.raises(ValidationError) as caught:
        services.move_stage(referral, "contacted")
    assert "needs a reason" in caught.value.message_dict["reason"][0]
    referral.refresh_from_db()
    assert referral.stage == "met" and StageChange.objects.filter(referral=referral).count() == 2
    services.move_stage(referral, "contacted", reason="The meeting was cancelled")
    assert (
        StageChange.objects.filter(referral=referral).last().reason == "The meeting was cancelled"
    )


def test_leaving_an_outcome_counts_as_going_back(in_practice, referral):
    services.move_stage(referral, "not_a_fit")
    with pytest.raises(ValidationError, match="needs a reason"):
        services.move_stage(referral, "engaged")


def test_moving_to_the_same_stage_or_an_unknown_one_is_refused(in_practice, referral):
    with pytest.raises(ValidationError, match="already"):
        services.move_stage(referral, "received")
    with pytest.raises(ValidationError, match="not a stage"):
        services.move_stage(referral, "won")


def test_the_time_to_first_contact_is_recorded_at_the_first_move(in_practice, practice):
    now = timezone.now()
    received = now - timedelta(hours=3)
    referral = make_referral(practice, received_at=received)
    contacted = now - timedelta(hours=1)
    services.move_stage(referral, "contacted", at=contacted)
    services.move_stage(referral, "meeting_set")
    referral.refresh_from_db()
    assert referral.first_contacted_at == contacted
    assert referral.time_to_first_contact == timedelta(hours=2)


def test_a_late_first_contact_is_flagged_on_the_referral_and_in_lists(in_practice, practice):
    # received on a Monday morning in New York: due by 17:30 that day
    received = datetime(2026, 11, 16, 9, 30, tzinfo=NEW_YORK)
    late = make_referral(practice, received_at=received)
    assert late.first_contact_due_at == datetime(2026, 11, 16, 17, 30, tzinfo=NEW_YORK)
    services.move_stage(late, "contacted", at=datetime(2026, 11, 17, 10, 0, tzinfo=NEW_YORK))
    on_time = make_referral(practice, received_at=received)
    services.move_stage(on_time, "contacted", at=datetime(2026, 11, 16, 12, 0, tzinfo=NEW_YORK))
    waiting = make_referral(practice, received_at=received)
    fresh = make_referral(practice)
    late.refresh_from_db()
    assert late.contacted_late and late.first_contact_overdue()
    assert waiting.first_contact_overdue() and not fresh.first_contact_overdue(
        now=fresh.received_at
    )
    overdue = set(queries.filtered(overdue=True).values_list("pk", flat=True))
    assert overdue == {late.pk, waiting.pk}


def test_the_practice_policy_and_time_zone_set_the_due_time(in_practice, practice):
    services.save_pipeline_settings(practice, {"policy": "hours", "amount": 2})
    practice.time_zone = "Europe/London"
    practice.save()
    london = ZoneInfo("Europe/London")
    referral = make_referral(practice, received_at=datetime(2026, 11, 20, 16, 45, tzinfo=london))
    assert referral.first_contact_due_at == datetime(2026, 11, 23, 10, 15, tzinfo=london)


def test_a_contact_time_in_the_future_or_before_receipt_is_refused(in_practice, referral):
    with pytest.raises(ValidationError, match="future"):
        services.move_stage(referral, "contacted", at=timezone.now() + timedelta(hours=1))
    with pytest.raises(ValidationError, match="before"):
        services.move_stage(referral, "contacted", at=referral.received_at - timedelta(hours=1))


def test_each_outcome_owes_the_referrer_feedback_and_a_thank_you_is_owed_once(
    in_practice, referral
):
    assert list(FeedbackDebt.objects.values_list("kind", "outcome")) == [("thank_you", "")]
    for stage in ("contacted", "meeting_set", "met", "engaged"):
        services.move_stage(referral, stage)
    owed = set(FeedbackDebt.objects.values_list("kind", "outcome"))
    assert owed == {
        ("thank_you", ""),
        ("feedback", "contacted"),
        ("feedback", "met"),
        ("feedback", "engaged"),
    }
    # back and forth does not owe the same news twice
    services.move_stage(referral, "met", reason="Mistake")
    assert FeedbackDebt.objects.filter(outcome="met").count() == 1


def test_not_a_fit_and_no_response_are_owed_too(in_practice, practice):
    one, two = make_referral(practice), make_referral(practice)
    services.move_stage(one, "no_response")
    services.move_stage(two, "contacted")
    services.move_stage(two, "not_a_fit")
    outcomes = set(FeedbackDebt.objects.filter(kind="feedback").values_list("outcome", flat=True))
    assert outcomes == {"no_response", "contacted", "not_a_fit"}


def test_paying_a_debt_by_a_note_closes_it_and_open_debts_are_listed_per_referrer(
    in_practice, practice, professional
):
    first = make_referral(practice, by=professional)
    second = make_referral(practice, referrer=first.referrer, by=professional)
    services.move_stage(first, "contacted")
    grouped = queries.open_debts_by_referrer()
    assert [(referrer, len(debts)) for referrer, debts in grouped] == [(first.referrer, 3)]
    debt = FeedbackDebt.objects.get(referral=first, outcome="contacted")
    services.pay_debt(debt, by=professional, how="note", note="Told her on the phone.")
    debt.refresh_from_db()
    assert debt.is_paid and debt.paid_by == professional and debt.paid_how == "note"
    assert [len(debts) for _r, debts in queries.open_debts_by_referrer()] == [2]
    with pytest.raises(ValidationError, match="Already paid"):
        services.pay_debt(debt, note="again")
    assert second.debts.count() == 1


def test_a_debt_needs_a_note_and_an_email_needs_an_address(in_practice, practice):
    referrer = make_person(practice, category="client", emails=[])
    referral = make_referral(practice, referrer=referrer)
    debt = referral.debts.get()
    with pytest.raises(ValidationError, match="Write what you told them"):
        services.pay_debt(debt, note="  ")
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.pay_debt(debt, how="email", note="Thank you!")
    debt.refresh_from_db()
    assert not debt.is_paid


def test_a_value_is_recorded_when_the_prospect_engages(in_practice, referral):
    with pytest.raises(ValidationError, match="when the prospect engages"):
        services.move_stage(referral, "contacted", value=Decimal("10"))
    services.move_stage(referral, "engaged", value=Decimal("4500.00"), currency="eur")
    referral.refresh_from_db()
    assert (referral.value, referral.currency) == (Decimal("4500.00"), "EUR")


def test_outreach_stops_when_the_prospect_later_asks_not_to_be_contacted(in_practice, referral):
    prospect = referral.prospect
    prospect.do_not_contact = True
    prospect.do_not_contact_reason = "Wrote to us"
    prospect.save()
    with pytest.raises(ValidationError, match="Outreach is refused"):
        services.move_stage(referral, "contacted")
    services.move_stage(referral, "no_response")  # closing it is still allowed


def test_the_privacy_notice_is_tracked_and_flagged_after_a_month(in_practice, practice):
    old = make_referral(practice, received_at=timezone.now() - timedelta(days=31))
    assert old.privacy_notice_overdue()
    services.move_stage(old, "contacted", privacy_notice_given=True)
    old.refresh_from_db()
    assert old.privacy_notice_given_at is not None and not old.privacy_notice_overdue()
    recent = make_referral(practice)
    assert not recent.privacy_notice_overdue()
    services.record_privacy_notice(recent, how="in the first e-mail")
    with pytest.raises(ValidationError, match="Already told"):
        services.record_privacy_notice(recent, how="again")


def test_a_prospect_who_came_to_us_directly_needs_no_privacy_notice(in_practice, practice):
    prospect = make_person(practice, source="direct")
    referral = make_referral(practice, prospect=prospect)
    assert not referral.privacy_notice_due and not referral.privacy_notice_overdue()


def test_the_board_counts_every_stage_and_shows_one_professionals_cards(
    in_practice, practice, professional, make_user
):
    other = make_user()
    mine = [make_referral(practice, by=professional) for _ in range(3)]
    make_referral(practice, by=other)
    services.move_stage(mine[0], "contacted")
    columns = {c.stage: c for c in queries.board(professional.pk)}
    assert columns["received"].count == 2 and columns["contacted"].count == 1
    assert columns["engaged"].count == 0 and len(columns) == 7
    assert {c.count for c in queries.board(None)} >= {3}


def test_a_referral_can_be_attributed_to_the_introduction_profile_it_matched(in_practice, practice):
    from referable.clients.models import IntroductionProfile

    profile = IntroductionProfile.objects.create(
        practice=practice, name="Owners selling", positions="Owner", why="We plan exits."
    )
    referral = make_referral(practice, source_profile=profile)
    assert referral.source == "profile" and referral.source_profile == profile
