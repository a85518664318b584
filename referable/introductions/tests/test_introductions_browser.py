"""In headless Chromium: from a new introduction to a signed letter and a promised call."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from referable.introductions.models import Letter, ScheduledCall
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()


def test_record_an_introduction_draft_the_letter_and_have_it_signed(
    page: Page, live_server, professional, practice
):
    make_person(practice, category="client", first_name="Clara", last_name="Whitmore")
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/introductions/")
    page.get_by_role("link", name="Record an introduction").click()

    page.get_by_label("Introduced by").fill("whitm")
    page.get_by_label("Clara Whitmore").check()
    page.get_by_label("New prospect: first name").fill("Carl")
    page.get_by_label("Last name").fill("Fenwick")
    page.get_by_label("E-mail").fill("carl@fenwick.example")
    page.get_by_label("How they know each other").select_option("coworker")
    page.get_by_label("How close").select_option("5")
    page.get_by_label("On what terms").select_option("positive")
    page.get_by_label("Reason given").fill("Their CFO would like to meet us.")
    page.get_by_role("button", name="Record it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Carl Fenwick")
    expect(page.locator("main")).to_contain_text("Lends trust")
    page.get_by_role("link", name="Draft a letter of introduction").click()

    call = (timezone.now() + timedelta(days=3)).astimezone(professional.zone)
    page.get_by_label("What we did for the client").fill("They reorganised our savings.")
    page.get_by_label("Why meeting is worthwhile").fill("You are planning to sell the company.")
    page.get_by_label("The call is at").fill(call.strftime("%Y-%m-%dT10:30"))
    page.get_by_role("button", name="Draft the letter").click()

    preview = page.locator(".letter-preview")
    expect(preview).to_contain_text("Dear Carl,")
    expect(preview).to_contain_text("10:30 am")
    expect(page.locator("#findings")).to_contain_text("nothing to suggest")

    # the coach reads along as the letter is edited
    page.get_by_label("Body").fill("Dear {prospect_first_name}, who do you know who needs us?")
    expect(page.locator("#findings")).to_contain_text("corners the client")

    page.get_by_role("button", name="Signed in person").click()
    expect(page.locator(".flash")).to_contain_text("The call is on your calendar")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signed")
    with practice_scope(practice):
        letter = Letter.objects.get()
        call_row = ScheduledCall.objects.get()
    assert letter.state == "signed"
    assert call_row.at == letter.call_at
    assert call_row.at.astimezone(professional.zone).strftime("%H:%M") == "10:30"
