import csv
import io
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.insight import charts
from referable.insight.tests.conftest import _referral, at
from referable.insight.tests.helpers import PERIOD, headline, login, tables_of
from referable.practices.roles import Role
from referable.practices.services import add_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(figures):
    return figures.practice.users.get(role=Role.OWNER)


def test_the_firm_dashboard_shows_every_chart_with_its_table_and_download(figures, owner):
    page = login(owner).get(reverse("insight:dashboard"), PERIOD)
    assert page.status_code == 200
    html = page.text
    tables = tables_of(html)
    assert list(tables) == [key for key, _title in charts.CHARTS]
    for key, title in charts.CHARTS:
        assert title in html
        assert f"format=csv&amp;chart={key}" in html
    assert 'data-spec="spec-sources"' in html and 'id="spec-sources"' in html
    assert tables["sources"][1] == ["2025-01", "1", "1", "1", "0", "0", "3"]
    assert headline(html, "Introductions received") == "6"
    assert "insight/chart.umd.js" in html and "cdn" not in html.lower()


def test_every_csv_download_holds_exactly_the_numbers_of_its_table(figures, owner):
    web = login(owner)
    tables = tables_of(web.get(reverse("insight:dashboard"), PERIOD).text)
    for key, _title in charts.CHARTS:
        response = web.get(reverse("insight:dashboard"), {**PERIOD, "format": "csv", "chart": key})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert f"insight-{key}-2025-01-01-2025-03-31.csv" in response["Content-Disposition"]
        assert list(csv.reader(io.StringIO(response.content.decode()))) == tables[key], key


def test_an_unknown_chart_has_no_csv(figures, owner):
    response = login(owner).get(reverse("insight:dashboard"), {"format": "csv", "chart": "nope"})
    assert response.status_code == 404


def test_the_filters_swap_only_the_dashboard_with_htmx(figures, owner):
    page = login(owner).get(
        reverse("insight:dashboard"),
        {**PERIOD, "tier": figures.tiers["Top"].pk},
        headers={"HX-Request": "true"},
    )
    assert page.text.lstrip().startswith('<section id="dashboard"')
    assert headline(page.text, "Introductions received") == "2"
    assert "tier Top" in page.text


def test_a_period_that_ends_before_it_starts_is_refused_and_the_default_shown(figures, owner):
    page = login(owner).get(
        reverse("insight:dashboard"), {"start": "2025-03-01", "end": "2025-01-01"}
    )
    assert page.status_code == 200
    assert "The period must end on or after the day it starts." in page.text
    assert len(tables_of(page.text)["sources"]) == 1 + 12  # the last twelve months


def test_managers_owners_and_the_compliance_reviewer_see_the_whole_firm(figures, owner):
    manager = add_user(figures.practice, email="m@figures.test", password=None, role=Role.MANAGER)
    reviewer = add_user(
        figures.practice, email="c@figures.test", password=None, role=Role.COMPLIANCE
    )
    for user in (owner, manager, reviewer):
        page = login(user).get(reverse("insight:dashboard"), PERIOD)
        assert headline(page.text, "Introductions received") == "6", user.role
    mine = login(manager).get(reverse("insight:dashboard"), {**PERIOD, "owner": figures.pro.pk})
    assert headline(mine.text, "Introductions received") == "5"


def test_a_professional_sees_only_their_own_work_whatever_they_ask_for(figures):
    web = login(figures.other_pro)
    own = web.get(reverse("insight:dashboard"), PERIOD)
    assert headline(own.text, "Introductions received") == "1"
    for asked in ("all", str(figures.pro.pk)):
        page = web.get(reverse("insight:dashboard"), {**PERIOD, "owner": asked})
        assert headline(page.text, "Introductions received") == "1"
        assert "The whole firm" not in page.text
    exported = web.get(
        reverse("insight:dashboard"), {**PERIOD, "owner": "all", "format": "csv", "chart": "value"}
    )
    assert "2025-01,0,0.00" in exported.content.decode()


def test_an_assistant_sees_the_books_of_the_professionals_they_work_for(figures):
    assistant = add_user(
        figures.practice,
        email="a@figures.test",
        password=None,
        role=Role.ASSISTANT,
        acts_for=[figures.pro],
    )
    web = login(assistant)
    page = web.get(reverse("insight:dashboard"), PERIOD)
    assert headline(page.text, "Introductions received") == "5"
    refused = web.get(reverse("insight:dashboard"), {**PERIOD, "owner": figures.other_pro.pk})
    assert headline(refused.text, "Introductions received") == "5"


def test_the_dashboard_makes_the_same_number_of_queries_however_much_data(figures, owner):
    web = login(owner)

    def count() -> int:
        with CaptureQueriesContext(db_connection) as ctx:
            assert web.get(reverse("insight:dashboard"), PERIOD).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(6):
        _referral(
            figures.practice,
            f"more{n}",
            owner=figures.pro,
            tier=figures.tiers["C"],
            received=at(f"2025-03-{10 + n:02d}"),
            method=["letter", "introductory_call", "three_way_meeting"][n % 3],
            sentiment=["positive", "neutral", "negative"][n % 3],
            steps=[("contacted", at(f"2025-03-{10 + n:02d}", "11:00"))],
        )
    assert count() == before
    assert before <= 20


def test_the_insight_entry_is_in_the_navigation(figures, owner):
    page = login(owner).get(reverse("home"), follow=True)
    assert reverse("insight:dashboard") in page.text


def test_the_dashboard_needs_a_login(figures):
    response = Client().get(reverse("insight:dashboard"))
    assert response.status_code == 302 and "/login/" in response.url


def test_money_is_written_with_two_decimals_in_the_table(figures, owner):
    html = login(owner).get(reverse("insight:dashboard"), PERIOD).text
    assert tables_of(html)["value"][1] == ["2025-01", "2", f"{Decimal('6000'):.2f}"]
