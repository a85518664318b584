import pytest
from django.test import Client

from referable.insight import charts
from referable.insight.tests.helpers import PERIOD, login, tables_of
from referable.practices.roles import Role
from referable.practices.services import issue_token

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _token, key = issue_token(user, "tests")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def owner(figures):
    return figures.practice.users.get(role=Role.OWNER)


def test_the_api_returns_the_numbers_of_the_tables(figures, owner):
    body = api(owner).get("/api/v1/insight", PERIOD).json()
    assert body["filters"] == {
        "start": "2025-01-01",
        "end": "2025-03-31",
        "owner_id": None,
        "tier_id": None,
    }
    assert [c["key"] for c in body["charts"]] == [key for key, _title in charts.CHARTS]
    by_key = {c["key"]: c for c in body["charts"]}
    assert by_key["sources"]["rows"][0] == ["2025-01", 1, 1, 1, 0, 0, 3]
    assert by_key["funnel"]["rows"][1] == ["Contacted", 4, 66.7, 66.7]
    assert by_key["value"]["rows"][0] == ["2025-01", 2, "6000.00"]
    assert by_key["first_contact"]["rows"][2] == ["2025-03", 0, None]
    tables = tables_of(login(owner).get("/insight/", PERIOD).text)
    for chart in body["charts"]:
        table = tables[chart["key"]]
        assert table[0] == chart["columns"]
        assert table[1:] == [[charts.cell(v) for v in row] for row in chart["rows"]]
    assert {"label": "Introductions received", "value": "6", "detail": ""} in body["headlines"]


def test_each_chart_has_its_own_route(figures, owner):
    client = api(owner)
    for key, title in charts.CHARTS:
        chart = client.get(f"/api/v1/insight/{key}", PERIOD).json()
        assert chart["key"] == key and chart["title"] == title
    loop = client.get("/api/v1/insight/loop", PERIOD).json()
    assert loop["rows"][0] == ["2025-01", 6, 1, 3, 2, 33.3, 2.0]


def test_the_api_filters_by_professional_and_tier(figures, owner):
    client = api(owner)
    mine = client.get("/api/v1/insight/sources", {**PERIOD, "owner": figures.pro.pk}).json()
    assert [row[-1] for row in mine["rows"]] == [3, 2, 0]
    top = client.get("/api/v1/insight/sources", {**PERIOD, "tier": figures.tiers["Top"].pk})
    assert [row[-1] for row in top.json()["rows"]] == [1, 1, 0]


def test_a_professional_gets_only_their_own_numbers_from_the_api(figures):
    client = api(figures.other_pro)
    body = client.get("/api/v1/insight", PERIOD).json()
    assert body["filters"]["owner_id"] == figures.other_pro.pk
    refused = client.get("/api/v1/insight", {**PERIOD, "owner": "all"})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "owner"]


def test_bad_dates_are_refused_naming_the_field(figures, owner):
    response = api(owner).get("/api/v1/insight", {"start": "2025-03-01", "end": "2025-01-01"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "end"]
    too_long = api(owner).get("/api/v1/insight", {"start": "2015-01-01", "end": "2025-01-01"})
    assert too_long.status_code == 422


def test_another_practices_token_sees_only_its_own_numbers(figures):
    stranger = figures.other_practice.users.get(role=Role.OWNER)
    body = api(stranger).get("/api/v1/insight/funnel", PERIOD).json()
    assert body["rows"][0] == ["Received", 1, 100.0, None]
    asked = api(stranger).get("/api/v1/insight/funnel", {**PERIOD, "owner": figures.pro.pk})
    assert asked.status_code == 422


def test_the_api_needs_a_token(figures):
    assert Client().get("/api/v1/insight").status_code == 401
