"""In headless Chromium: enter a check-in on the client page and watch the next ask change."""

import pytest
from playwright.sync_api import Page, expect

from referable.clients.tests.factories import make_expectation, ready_client

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()


def test_a_check_in_below_expectations_turns_the_next_ask_into_earning_trust(
    page: Page, live_server, professional, practice
):
    client = ready_client(practice, professional)
    make_expectation(client, "Plain-language reports")
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/clients/{client.pk}/")
    next_ask = page.locator("#next-ask")
    expect(next_ask).to_contain_text("Ask for the relationship")

    page.locator("#check-in-form > summary").click()
    page.get_by_role("group", name="Plain-language reports").get_by_label("Below").check()
    page.get_by_role("group", name="A call back within a day").get_by_label("Exceeding").check()
    page.get_by_role("group", name="Are we meeting or exceeding").get_by_label("Meeting").check()
    page.get_by_label("What they said").fill("Still too much jargon in the reports.")
    page.get_by_role("button", name="Save check-in").click()

    expect(page.locator("#next-ask")).to_contain_text("Earn first")
    expect(page.locator("#next-ask")).to_contain_text("Below their expectations")
    expect(page.locator("#check-ins")).to_contain_text("Still too much jargon")

    # put right, the next check-in lifts the guardrail again
    page.locator("#check-in-form > summary").click()
    page.get_by_role("group", name="Plain-language reports").get_by_label("Meeting").check()
    page.get_by_role("group", name="Are we meeting or exceeding").get_by_label("Exceeding").check()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("#next-ask")).to_contain_text("Ask for the relationship")
