"""In headless Chromium, on a phone-sized screen: check in arrivals at the door."""

import re

import pytest
from playwright.sync_api import Page, expect

from referable.events.models import Invitation
from referable.events.tests.factories import make_event, make_invitation
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def test_check_in_arrivals_at_the_door_and_add_a_guest(
    page: Page, live_server, professional, practice
):
    event = make_event(practice, days=0, title="Wine tasting")
    ann = make_invitation(event, make_person(practice, first_name="Ann", last_name="Lee"))
    make_invitation(event, make_person(practice, first_name="Bob", last_name="Ray"))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/events/{event.pk}/door/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Arrivals")
    page.get_by_label("Find a name").fill("lee")
    expect(page.locator("#arrivals")).not_to_contain_text("Bob Ray")
    page.get_by_role("button", name="Arrived: Ann Lee").click()
    expect(page.locator(f"#arrival-{ann.pk}")).to_have_class("door-row arrived")
    expect(page.get_by_role("button", name="Undo arrival of Ann Lee")).to_be_visible()

    page.get_by_role("link", name="+ Guest of Ann Lee").click()
    page.get_by_label("Guest's first name").fill("Gus")
    page.get_by_label("Guest's last name").fill("Guest")
    page.get_by_label("Guest's e-mail").fill("gus@guest.example")
    page.get_by_role("button", name="Add guest").click()
    expect(page.locator("#arrivals")).to_contain_text("guest of Ann Lee")

    with practice_scope(practice):
        arrived = set(
            Invitation.objects.filter(attended=True).values_list("person__first_name", flat=True)
        )
    assert arrived == {"Ann", "Gus"}
