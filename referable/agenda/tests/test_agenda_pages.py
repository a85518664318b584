"""Today, the process board and the settings pages, through the real middleware."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.agenda import services
from referable.agenda.models import AgendaItemState, Task, TouchRule
from referable.agenda.tests.factories import make_rule, make_task
from referable.clients.models import ServiceTier
from referable.clients.tests.factories import make_client
from referable.introductions.tests.factories import make_referral
from referable.practices.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _in_scope(in_practice):
    """Assertions read rows in the practice's scope, as the pages do."""


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def test_today_is_the_home_page_after_login(web, client_for, make_user):
    assert web.get("/").url == reverse("agenda:today")
    assert client_for(make_user(Role.COMPLIANCE)).get("/").url == reverse("agenda:today")
    page = web.get(reverse("agenda:today"))
    assert '<a href="/today/" aria-current="page">Today</a>' in page.text


def test_today_lists_items_with_why_and_the_stated_rule(web, practice, professional):
    make_client(practice, professional)
    make_task(practice, professional, title="Send the checklist")
    page = web.get(reverse("agenda:today"))
    assert page.status_code == 200
    assert "Send the checklist" in page.text
    assert "what they expect of you" in page.text
    assert "no expectation recorded" in page.text
    assert "How this list is ordered" in page.text
    assert "same-day first contact is overdue" in page.text


def test_today_takes_the_same_queries_however_many_items(web, practice, professional):
    tier = make_client(practice, professional).tier
    make_rule(practice, tier, "touch", 30)
    make_task(practice, professional)
    make_referral(practice, by=professional)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(reverse("agenda:today")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(8):
        make_client(practice, professional, tier=tier)
        make_task(practice, professional)
        make_referral(practice, by=professional)
    assert count() == few


def test_done_from_today_swaps_the_item_for_a_confirmation(web, practice, professional):
    task = make_task(practice, professional, title="Call the bank")
    page = web.post(
        reverse("agenda:act"), {"key": f"task:{task.pk}", "action": "done"}, headers=HTMX
    )
    assert page.status_code == 200
    assert 'role="status"' in page.text and "Call the bank" in page.text
    task.refresh_from_db()
    assert task.done_at is not None


def test_a_snooze_into_the_past_shows_a_clear_error_in_the_item(web, practice, professional):
    task = make_task(practice, professional)
    yesterday = services.user_today(professional) - timedelta(days=1)
    page = web.post(
        reverse("agenda:act"),
        {"key": f"task:{task.pk}", "action": "snooze", "until": yesterday.isoformat()},
        headers=HTMX,
    )
    assert page.status_code == 200
    assert "Snooze to a day after today" in page.text and 'role="alert"' in page.text
    task.refresh_from_db()
    assert task.due_on == services.user_today(professional)


def test_without_htmx_an_action_redirects_back_to_today(web, practice, professional):
    task = make_task(practice, professional)
    tomorrow = services.user_today(professional) + timedelta(days=1)
    page = web.post(
        reverse("agenda:act"),
        {"key": f"task:{task.pk}", "action": "snooze", "until": tomorrow.isoformat()},
    )
    assert page.status_code == 302 and page.url == reverse("agenda:today")


def test_the_reassign_form_lists_colleagues_and_hands_the_item_over(
    web, practice, professional, make_user
):
    colleague = make_user(Role.PROFESSIONAL)
    make_client(practice, professional)
    with_key = web.get(reverse("agenda:today")).text
    key = with_key.split('name="key" value="')[1].split('"')[0]
    form = web.get(reverse("agenda:reassign"), {"key": key}, headers=HTMX)
    assert str(colleague) in form.text
    page = web.post(
        reverse("agenda:act"),
        {"key": key, "action": "reassign", "assignee": colleague.pk},
        headers=HTMX,
    )
    assert f"Handed to {colleague}" in page.text
    assert AgendaItemState.objects.get(key=key).assignee == colleague


def test_another_practice_cannot_act_on_an_item(client_for, practice, professional, outsider):
    task = make_task(practice, professional)
    stranger = client_for(outsider)
    page = stranger.post(reverse("agenda:act"), {"key": f"task:{task.pk}", "action": "done"})
    assert page.status_code == 404
    assert stranger.get(reverse("agenda:reassign"), {"key": f"task:{task.pk}"}).status_code == 404
    task.refresh_from_db()
    assert task.done_at is None


def test_a_compliance_reviewer_reads_today_but_cannot_act(client_for, practice, make_user):
    reviewer = make_user(Role.COMPLIANCE)
    professional = make_user(Role.PROFESSIONAL)
    task = make_task(practice, professional, title="Their task")
    web = client_for(reviewer)
    page = web.get(reverse("agenda:today"))
    assert "Their task" in page.text and 'name="action"' not in page.text
    assert (
        web.post(reverse("agenda:act"), {"key": f"task:{task.pk}", "action": "done"}).status_code
        == 403
    )


def test_a_manager_filters_the_firm_agenda_by_professional(client_for, practice, make_user):
    manager = make_user(Role.MANAGER)
    one, two = make_user(Role.PROFESSIONAL), make_user(Role.PROFESSIONAL)
    make_task(practice, one, title="Task of the first")
    make_task(practice, two, title="Task of the second")
    web = client_for(manager)
    firm = web.get(reverse("agenda:today")).text
    assert "Task of the first" in firm and "Task of the second" in firm
    only = web.get(reverse("agenda:today"), {"professional": two.pk}).text
    assert "Task of the first" not in only and "Task of the second" in only


def test_tasks_are_added_and_edited(web, practice, professional):
    today = services.user_today(professional)
    page = web.post(
        reverse("agenda:task-create"),
        {"title": "Book the venue", "due_on": today.isoformat(), "assignee": professional.pk},
    )
    assert page.status_code == 302
    task = Task.objects.get(title="Book the venue")
    assert web.get(reverse("agenda:task-edit", args=[task.pk])).status_code == 200
    web.post(
        reverse("agenda:task-edit", args=[task.pk]),
        {"title": "Book the wine venue", "due_on": today.isoformat(), "assignee": professional.pk},
    )
    task.refresh_from_db()
    assert task.title == "Book the wine venue"
    bad = web.post(reverse("agenda:task-create"), {"title": "", "due_on": "soon"})
    assert bad.status_code == 200 and "This field is required." in bad.text


def test_cadence_settings_show_a_tier_without_cadence_and_take_a_new_rule(
    client_for, practice, owner
):
    web = client_for(owner)
    tier = ServiceTier.objects.create(practice=practice, name="Gold", position=0)
    page = web.get(reverse("agenda:cadence"))
    assert "No cadence: no touches are ever due" in page.text
    assert "What resets the clock" in page.text
    web.post(reverse("agenda:cadence"), {"tier": tier.pk, "kind": "review", "every_days": 90})
    rule = TouchRule.objects.get(tier=tier)
    assert (rule.kind, rule.every_days) == ("review", 90)
    bad = web.post(reverse("agenda:cadence"), {"tier": tier.pk, "kind": "review", "every_days": 0})
    assert "greater than or equal to 1" in bad.text
    web.post(reverse("agenda:rule-delete", args=[rule.pk]))
    assert not TouchRule.objects.filter(tier=tier).exists()


def test_a_professional_cannot_change_the_cadence(web, practice):
    tier = ServiceTier.objects.create(practice=practice, name="Gold", position=0)
    page = web.post(reverse("agenda:cadence"), {"tier": tier.pk, "kind": "review", "every_days": 9})
    assert page.status_code == 403
    assert not TouchRule.objects.exists()


def test_digest_preferences_turn_it_off_or_move_the_hour(web, professional):
    page = web.get(reverse("agenda:digest"))
    assert "America/New_York" in page.text and "the practice's time zone" in page.text
    web.post(reverse("agenda:digest"), {"hour": "6"})
    preference = professional.digest_preference
    assert (preference.enabled, preference.hour) == (False, 6)
    bad = web.post(reverse("agenda:digest"), {"enabled": "on", "hour": "25"})
    assert "less than or equal to 23" in bad.text


def test_a_missing_or_malformed_key_is_not_found(web):
    assert web.get(reverse("agenda:reassign")).status_code == 404
    assert web.get(reverse("agenda:reassign"), {"key": "nothing:1"}).status_code == 404
    assert web.post(reverse("agenda:act"), {"key": "", "action": "done"}).status_code == 404


def test_today_draws_fifty_items_counts_them_all_and_shows_the_rest_on_request(
    web, practice, professional
):
    today = services.user_today(professional)
    for n in range(55):
        make_task(practice, professional, title=f"Task {n:02}", due_on=today - timedelta(n % 3))
    page = web.get(reverse("agenda:today")).text
    assert page.count('class="agenda-item') == 50
    assert '<span class="n">55</span> Tasks' in page
    assert "Show the 5 more" in page
    # the oldest first, then by title within a day
    assert page.index("Task 02") < page.index("Task 05") < page.index("Task 01")
    everything = web.get(reverse("agenda:today"), {"all": "1"}).text
    assert everything.count('class="agenda-item') == 55 and "more</a>" not in everything
