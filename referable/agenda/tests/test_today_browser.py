"""In headless Chromium: act on three items of Today without leaving the page."""

import pytest
from playwright.sync_api import Page, expect

from referable.agenda.models import Task, Touch
from referable.agenda.tests.factories import make_rule, make_task
from referable.clients.tests.factories import make_client, make_expectation
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()


def test_done_snooze_and_log_a_touch_from_today(page: Page, live_server, practice, professional):
    task = make_task(practice, professional, title="Call the bank about the transfer")
    make_client(
        practice, professional, person=make_person(practice, first_name="Nora", last_name="New")
    )
    regular = make_client(
        practice, professional, person=make_person(practice, first_name="Rita", last_name="Regular")
    )
    make_expectation(regular)
    make_rule(practice, regular.tier, "check_in", 30)

    log_in(page, live_server, professional)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    url = page.url

    # 1. a task: done
    item = page.locator(".agenda-item", has_text="Call the bank about the transfer")
    item.get_by_role("button", name="Done").click()
    expect(page.locator(".agenda-item.acted", has_text="Call the bank")).to_contain_text("Done.")

    # 2. expectations never asked: snooze until tomorrow (the date offered)
    item = page.locator(".agenda-item", has_text="Ask Nora New what they expect")
    item.get_by_role("button", name="Snooze").click()
    expect(page.locator(".agenda-item.acted", has_text="Nora New")).to_contain_text("Snoozed until")

    # 3. a check-in due: log a meeting instead, which resets the clock too
    item = page.locator(".agenda-item", has_text="Check-in: Rita Regular")
    item.get_by_label("Kind of touch").select_option("meeting")
    item.get_by_role("button", name="Log a touch").click()
    expect(page.locator(".agenda-item.acted", has_text="Rita Regular")).to_contain_text(
        "Meeting with Rita Regular logged."
    )
    assert page.url == url  # never left the page

    with practice_scope(practice):
        assert Task.objects.get(pk=task.pk).done_at is not None
        assert Touch.objects.get(client=regular).kind == "meeting"
    page.reload()
    for gone in ("Call the bank", "Ask Nora New what they expect", "Check-in: Rita Regular"):
        expect(page.locator(".agenda-item", has_text=gone)).to_have_count(0)
    expect(page.locator(".agenda-item", has_text="Check-in: Nora New")).to_have_count(1)
