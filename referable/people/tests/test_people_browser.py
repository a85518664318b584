"""In headless Chromium: log in, search, add a connection, see it from both sides."""

import pytest
from playwright.sync_api import Page, expect

from referable.people.tests.factories import make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()


def test_search_then_connect_two_people_and_see_it_from_both_pages(
    page: Page, live_server, professional, practice
):
    make_person(practice, first_name="Ada", last_name="Lovelace", organization="Analytical Engines")
    make_person(
        practice, first_name="Charles", last_name="Babbage", organization="Difference Works"
    )
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/people/")

    page.get_by_label("Search by name, organization or e-mail").fill("lovelace")
    expect(page.locator("#results")).to_contain_text("1 person")
    page.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")

    page.get_by_role("link", name="Add a connection").click()
    # htmx focuses the search box once it has wired up the new form
    expect(page.get_by_label("Connected to")).to_be_focused()
    page.get_by_label("Connected to").press_sequentially("babb", delay=50)
    page.get_by_label("Charles Babbage").check()
    page.get_by_label("Kind").select_option("business")
    page.get_by_label("Sentiment").select_option("positive")
    page.get_by_role("button", name="Add connection").click()
    expect(page.locator("#connections")).to_contain_text("Charles Babbage")
    expect(page.locator("#connections")).to_contain_text("Business associate")

    expect(page.locator("#connections")).to_have_count(1)
    page.locator("#connections").get_by_role("link", name="Charles Babbage", exact=True).click()
    expect(page.locator("#connections")).to_contain_text("Ada Lovelace")


def test_a_self_or_missing_choice_shows_an_error_in_the_form(
    page: Page, live_server, professional, practice
):
    person = make_person(practice, first_name="Ada", last_name="Lovelace")
    log_in(page, live_server, professional)
    page.goto(f"{live_server.url}/people/{person.pk}/")
    page.get_by_role("link", name="Add a connection").click()
    expect(page.get_by_label("Connected to")).to_be_focused()
    page.get_by_role("button", name="Add connection").click()
    expect(page.locator(".connection-form")).to_contain_text("choose them from the list")
