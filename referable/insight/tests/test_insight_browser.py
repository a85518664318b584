"""In headless Chromium: the charts are drawn by the locally served Chart.js, and the
filters swap the dashboard in place and draw its charts again."""

import pytest
from playwright.sync_api import Page, expect

from referable.clients import services as client_services
from referable.introductions.tests.factories import make_referral
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ALL_DRAWN = """() => {
  const canvases = [...document.querySelectorAll("canvas[data-spec]")];
  return canvases.length > 0 && canvases.every((c) => window.Chart.getChart(c) !== undefined);
}"""


def test_charts_are_drawn_and_the_filters_redraw_them(page: Page, live_server, practice, make_user):
    manager = make_user(Role.MANAGER)
    professional = make_user(Role.PROFESSIONAL)
    with practice_scope(practice):
        client_services.ensure_tiers(practice)
    for _ in range(3):
        make_referral(practice, by=professional, method="letter")
    requested = []
    page.on("request", lambda r: requested.append(r.url))

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("E-mail").fill(manager.email)
    page.get_by_label("Password").fill("pw-test-1")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}/insight/")

    expect(page.locator("#dashboard")).to_contain_text("the whole firm")
    expect(page.locator(".tile").first).to_contain_text("3")
    page.wait_for_function(ALL_DRAWN)
    assert all(url.startswith(live_server.url) for url in requested), "nothing from a CDN"

    page.get_by_label("Whose work").select_option(label=str(professional))
    expect(page.locator("#dashboard")).to_contain_text(str(professional))
    page.wait_for_function(ALL_DRAWN)
    assert f"owner={professional.pk}" in page.url

    page.get_by_label("Service tier").select_option(label="Top")
    expect(page.locator("#dashboard")).to_contain_text("tier Top")
    expect(page.locator(".tile").first).to_contain_text("0")
    expect(page.locator("#chart-sources")).to_contain_text("Nothing to draw for this period.")
