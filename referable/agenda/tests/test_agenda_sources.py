"""Every source of the agenda, the urgency order across them, and what users decide
about items: done, snooze, reassign, and each item's own action."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referable.agenda import queries, services, urgency
from referable.agenda.models import AgendaItemState, Touch
from referable.agenda.tests.factories import make_rule, make_task
from referable.clients.models import ServiceTier
from referable.clients.tests.factories import make_client, make_expectation, ready_client
from referable.introductions import services as intro
from referable.introductions.models import FeedbackDebt, Letter, ScheduledCall, Stage
from referable.introductions.tests.factories import make_letter, make_referral
from referable.partners.tests.factories import make_partner

pytestmark = pytest.mark.django_db


def agenda(user, *, now=None, owners=None):
    return queries.agenda_for(owners or {user.pk}, zone=user.zone, now=now)


def keys(found, source=None):
    return [i.key for i in found.items if source is None or i.source == source]


def test_an_introduction_is_due_the_same_day_then_overdue_and_first(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    due = referral.first_contact_due_at
    before = agenda(professional, now=due - timedelta(minutes=1))
    [item] = [i for i in before.items if i.source == urgency.CONTACT]
    assert item.group == urgency.CONTACT and not item.overdue
    assert "first contact is due by" in item.why and "Clara Client" in item.why
    make_task(in_practice, professional, due_on=before.today)
    after = agenda(professional, now=due + timedelta(minutes=1))
    assert after.items[0].key == f"contact:{referral.pk}"
    assert after.items[0].group == urgency.OVERDUE_CONTACT
    assert "Call every introduction the same day" in after.items[0].why


def test_a_call_at_an_exact_time_shows_its_minute(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    at = (timezone.now() + timedelta(hours=2)).replace(minute=37, second=0, microsecond=0)
    call = intro.schedule_call(
        referral, kind=ScheduledCall.Kind.EXACT_TIME_CALL, at=at, by=professional, invite=False
    )
    found = agenda(professional, now=at - timedelta(minutes=1))
    [item] = [i for i in found.items if i.source == urgency.CALL]
    local = at.astimezone(professional.zone)
    assert f"at {local:%H:%M}" in item.title and item.title.endswith(":37")
    assert "this minute: be on time" in item.why
    # the minute passed and nobody logged it
    late = agenda(professional, now=at + timedelta(minutes=20))
    assert "missed?" in [i for i in late.items if i.source == urgency.CALL][0].when
    services.act(item, "log_call", {}, by=professional)
    call.refresh_from_db()
    assert call.logged_at is not None
    assert not keys(agenda(professional, now=at + timedelta(minutes=20)), urgency.CALL)


def test_letters_awaiting_signature_and_signing_from_today(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    letter = make_letter(referral, by=professional)
    assert not keys(agenda(professional), urgency.LETTER)
    intro.request_signature(letter, by=professional, send_email=False)
    [item] = [i for i in agenda(professional).items if i.source == urgency.LETTER]
    assert "Clara Client" in item.title and "promises a call" in item.why
    message = services.act(item, "signed", {}, by=professional)
    letter.refresh_from_db()
    assert letter.state == Letter.State.SIGNED and "signed" in message
    assert ScheduledCall.objects.filter(letter=letter).exists()


def test_feedback_owed_to_the_referrer_until_they_are_told(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    [item] = [i for i in agenda(professional).items if i.source == urgency.FEEDBACK]
    assert item.title.startswith("Thank Clara Client")
    with pytest.raises(ValidationError) as error:
        services.act(item, "told", {"note": ""}, by=professional)
    assert "note" in error.value.message_dict
    services.act(item, "told", {"note": "Thanked her on the phone."}, by=professional)
    assert FeedbackDebt.objects.get(referral=referral, kind="thank_you").paid_at is not None
    assert not keys(agenda(professional), urgency.FEEDBACK)


def test_feedback_owed_follows_the_referral_to_its_new_owner(in_practice, professional, colleague):
    referral = make_referral(in_practice, by=professional)
    intro.move_stage(referral, Stage.CONTACTED, by=professional)
    intro.move_stage(referral, Stage.NOT_A_FIT, by=professional, reason="Not a fit")
    owed = keys(agenda(professional), urgency.FEEDBACK)
    assert len(owed) == FeedbackDebt.objects.filter(referral=referral).count() > 1
    intro.update_referral(referral, {"owner": colleague}, by=professional)
    assert set(FeedbackDebt.objects.filter(referral=referral).values_list("owner", flat=True)) == {
        colleague.pk
    }
    assert not keys(agenda(professional), urgency.FEEDBACK)
    assert keys(agenda(colleague), urgency.FEEDBACK) == owed


def test_mark_contacted_moves_the_referral_in_its_own_area(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    found = agenda(professional, now=referral.first_contact_due_at - timedelta(minutes=5))
    [item] = [i for i in found.items if i.source == urgency.CONTACT]
    services.act(item, "contacted", {}, by=professional)
    referral.refresh_from_db()
    assert referral.stage == Stage.CONTACTED


def test_touches_due_by_the_tier_cadence_and_any_matching_touch_resets_it(
    in_practice, professional
):
    client = make_client(in_practice, professional)
    make_expectation(client)
    make_rule(in_practice, client.tier, "check_in", 30)
    make_rule(in_practice, client.tier, "review", 90)
    found = agenda(professional)
    touch_items = [i for i in found.items if i.source == urgency.TOUCH]
    assert {i.extra["rule"] for i in touch_items} == {"check_in", "review"}
    check_in_item = next(i for i in touch_items if i.extra["rule"] == "check_in")
    assert "no touch since they became a client" in check_in_item.why
    # the reminder asked for a check-in; a call was what happened, and it counts
    services.act(check_in_item, "log_touch", {"kind": "call"}, by=professional)
    remaining = [i.extra["rule"] for i in agenda(professional).items if i.source == urgency.TOUCH]
    assert remaining == ["review"]
    services.log_touch(client, "meeting", by=professional)
    assert not keys(agenda(professional), urgency.TOUCH)


def test_an_email_sent_to_the_client_through_the_outbox_counts_as_a_touch(
    in_practice, professional
):
    from referable.outbox.services import send_email
    from referable.outbox.testing import drain

    client = make_client(in_practice, professional)
    make_expectation(client)
    make_rule(in_practice, client.tier, "check_in", 30)
    assert keys(agenda(professional), urgency.TOUCH)
    send_email(
        practice=in_practice,
        to=["client@example.com"],
        subject="Your review",
        text="Hello",
        person=client.person,
    )
    assert keys(agenda(professional), urgency.TOUCH), "queued is not sent"
    drain()
    assert not keys(agenda(professional), urgency.TOUCH)


def test_a_tier_without_a_cadence_has_no_touches_due(in_practice, professional):
    tier = ServiceTier.objects.create(practice=in_practice, name="Unplanned", position=9)
    make_client(in_practice, professional, tier=tier)
    assert not keys(agenda(professional), urgency.TOUCH)


def test_expectations_never_asked_until_they_are(in_practice, professional):
    client = make_client(in_practice, professional)
    [item] = [i for i in agenda(professional).items if i.source == urgency.EXPECTATIONS]
    assert "no expectation recorded" in item.why and item.url.endswith("#expectations")
    make_expectation(client)
    assert not keys(agenda(professional), urgency.EXPECTATIONS)


def test_clients_ready_for_their_next_ask_come_from_the_ladder(in_practice, professional):
    client = ready_client(in_practice, professional)
    [item] = [i for i in agenda(professional).items if i.source == urgency.ASK]
    assert item.key == f"ask:{client.pk}:{client.rung}"
    assert item.why


def test_partners_due_a_meeting_and_logging_the_lunch(in_practice, professional):
    partner = make_partner(in_practice, owner=professional)
    [item] = [i for i in agenda(professional).items if i.source == urgency.PARTNER]
    assert "never met yet" in item.why
    services.act(item, "log_meeting", {}, by=professional)
    assert partner.meetings.count() == 1
    assert not keys(agenda(professional), urgency.PARTNER)


def test_manual_tasks_due_today_or_late_and_not_before(in_practice, professional):
    today = services.user_today(professional)
    make_task(in_practice, professional, title="Late one", due_on=today - timedelta(days=2))
    make_task(in_practice, professional, title="Future one", due_on=today + timedelta(days=2))
    titles = [i.title for i in agenda(professional).items if i.source == urgency.TASK]
    assert titles == ["Late one"]


def test_every_item_says_why_it_is_there_and_the_order_follows_the_rule(in_practice, professional):
    referral = make_referral(in_practice, by=professional)
    client = make_client(in_practice, professional)
    make_rule(in_practice, client.tier, "touch", 30)
    make_task(in_practice, professional)
    found = agenda(professional, now=referral.first_contact_due_at + timedelta(minutes=1))
    assert {urgency.OVERDUE_CONTACT, urgency.FEEDBACK, urgency.TOUCH, urgency.TASK} <= set(
        found.counts
    )
    assert all(item.why for item in found.items)
    ranks = [urgency.GROUPS.index(i.group) for i in found.items]
    assert ranks == sorted(ranks)


def test_snooze_hides_until_the_day_chosen_and_never_into_the_past(in_practice, professional):
    make_client(in_practice, professional)
    [item] = [i for i in agenda(professional).items if i.source == urgency.EXPECTATIONS]
    today = services.user_today(professional)
    for bad in (today, today - timedelta(days=3)):
        with pytest.raises(ValidationError) as error:
            services.snooze(in_practice, item, bad, today=today, by=professional)
        assert "after today" in error.value.message_dict["until"][0]
    with pytest.raises(ValidationError):
        services.snooze(in_practice, item, "next tuesday", today=today, by=professional)
    services.snooze(in_practice, item, today + timedelta(days=2), today=today, by=professional)
    assert not keys(agenda(professional), urgency.EXPECTATIONS)
    back = agenda(professional, now=timezone.now() + timedelta(days=2))
    assert keys(back, urgency.EXPECTATIONS) == [item.key]


def test_a_snoozed_task_moves_its_due_day(in_practice, professional):
    task = make_task(in_practice, professional)
    [item] = agenda(professional).items
    today = services.user_today(professional)
    services.snooze(in_practice, item, today + timedelta(days=1), today=today, by=professional)
    task.refresh_from_db()
    assert task.due_on == today + timedelta(days=1)


def test_done_takes_the_item_off_and_a_task_is_done(in_practice, professional):
    make_client(in_practice, professional)
    task = make_task(in_practice, professional)
    for item in agenda(professional).items:
        services.mark_done(in_practice, item, by=professional)
    assert agenda(professional).items == []
    task.refresh_from_db()
    assert task.done_at is not None
    assert AgendaItemState.objects.filter(done_at__isnull=False).count() == 1


def test_reassign_hands_an_item_to_a_colleague_and_the_client_keeps_its_owner(
    in_practice, professional, colleague
):
    client = make_client(in_practice, professional)
    [item] = agenda(professional).items
    services.reassign(in_practice, item, colleague, by=professional)
    assert agenda(professional).items == []
    [handed] = agenda(colleague).items
    assert handed.key == item.key and handed.assignee_id == colleague.pk
    client.refresh_from_db()
    assert client.owner == professional
    # and back again
    services.reassign(in_practice, handed, professional, by=colleague)
    assert keys(agenda(professional)) == [item.key]


def test_reassign_a_task_and_refuse_someone_of_another_practice(
    in_practice, professional, colleague, outsider
):
    task = make_task(in_practice, professional)
    [item] = agenda(professional).items
    with pytest.raises(ValidationError) as error:
        services.reassign(in_practice, item, outsider, by=professional)
    assert "assignee" in error.value.message_dict
    services.reassign(in_practice, item, colleague, by=professional)
    task.refresh_from_db()
    assert task.assignee == colleague


def test_an_assistant_sees_the_agendas_of_the_professionals_they_act_for(
    in_practice, professional, assistant, colleague, manager
):
    make_task(in_practice, professional, title="Theirs")
    make_task(in_practice, colleague, title="Someone else's")
    seen = agenda(assistant, owners=queries.visible_owners(assistant))
    assert [i.title for i in seen.items] == ["Theirs"]
    assert [
        i.title for i in agenda(professional, owners=queries.visible_owners(professional)).items
    ] == ["Theirs"]
    firm = agenda(manager, owners=queries.visible_owners(manager))
    assert {i.title for i in firm.items} == {"Theirs", "Someone else's"}
    one = agenda(manager, owners=queries.visible_owners(manager, colleague.pk))
    assert [i.title for i in one.items] == ["Someone else's"]
    # a professional cannot look into a colleague's agenda by asking for it
    assert queries.visible_owners(professional, colleague.pk) == {professional.pk}


def test_a_malformed_or_foreign_key_is_not_an_item(in_practice, professional):
    for key in ("", "nothing:1", "touch:abc", "task:"):
        with pytest.raises(ValidationError):
            services.parse_key(key)
    assert queries.find_any_item("task:999999", {professional.pk}, zone=professional.zone) is None


def test_building_the_agenda_takes_the_same_queries_for_one_client_or_many(
    in_practice, professional
):
    tier = make_client(in_practice, professional).tier
    make_rule(in_practice, tier, "touch", 30)
    make_referral(in_practice, by=professional)
    make_task(in_practice, professional)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            found = agenda(professional)
        return len(ctx.captured_queries), found.total

    few, few_items = count()
    for _ in range(6):
        make_client(in_practice, professional, tier=tier)
        make_referral(in_practice, by=professional)
        make_task(in_practice, professional)
    many, many_items = count()
    assert many_items > few_items + 12
    assert many == few
    assert Touch.objects.count() == 0
