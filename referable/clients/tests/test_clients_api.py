import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext

from referable.clients import ladder
from referable.clients.models import CheckIn, Client, ExpectationRating, RelationshipAgreement
from referable.clients.tests.factories import (
    days_ago,
    make_client,
    make_expectation,
    ready_client,
)
from referable.people.tests.factories import make_connection, make_person
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def api(api_client_for, professional):
    return api_client_for(professional)


@pytest.fixture
def owner_api(api_client_for, owner):
    return api_client_for(owner)


def test_make_a_person_a_client_and_read_it_back(api, practice, professional):
    person = make_person(practice, first_name="Ann", last_name="Lee")
    created = api.post(
        "/api/v1/clients",
        {"person_id": person.pk, "owner_id": professional.pk, "stage": "onboarding"},
        content_type=JSON,
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["full_name"] == "Ann Lee" and body["tier"] == "C"
    assert body["rung"] == ladder.EARN_TRUST and body["reasons"]
    again = api.post(
        "/api/v1/clients", {"person_id": person.pk, "owner_id": professional.pk}, content_type=JSON
    )
    assert again.status_code == 422 and again.json()["detail"][0]["loc"] == ["body", "person_id"]
    patched = api.patch(f"/api/v1/clients/{body['id']}", {"stage": "active"}, content_type=JSON)
    assert patched.json()["stage"] == "active"


def test_expectations_check_ins_and_the_next_ask_through_the_api(api, practice, professional):
    client = make_client(practice, professional)
    expectation = api.post(
        "/api/v1/expectations",
        {"client_id": client.pk, "text": "A review every quarter", "priority": 1},
        content_type=JSON,
    ).json()
    check = api.post(
        "/api/v1/check-ins",
        {
            "client_id": client.pk,
            "overall": "exceeding",
            "held_on": days_ago(3).isoformat(),
            "ratings": [{"expectation_id": expectation["id"], "rating": "exceeding"}],
        },
        content_type=JSON,
    )
    assert check.status_code == 201, check.json()
    assert check.json()["ratings"] == [{"expectation_id": expectation["id"], "rating": "exceeding"}]
    api.post("/api/v1/trust-ratings", {"client_id": client.pk, "score": 5}, content_type=JSON)
    ask = api.get(f"/api/v1/clients/{client.pk}/next-ask").json()
    assert ask["rung"] == ladder.ASK_RELATIONSHIP and ask["script"]
    assert ask["experience"] == "exceeding"
    assert sum(r["points"] for r in ask["trust_reasons"]) == ask["trust_score"]
    listed = api.get(f"/api/v1/clients/{client.pk}/check-ins").json()
    assert listed["count"] == 1


def test_a_rating_of_another_clients_expectation_is_a_422_and_saves_nothing(
    api, practice, professional
):
    mine, theirs = make_client(practice, professional), make_client(practice, professional)
    foreign = make_expectation(theirs)
    response = api.post(
        "/api/v1/check-ins",
        {
            "client_id": mine.pk,
            "overall": "meeting",
            "ratings": [{"expectation_id": foreign.pk, "rating": "below"}],
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "ratings"]
    with practice_scope(practice):
        assert not CheckIn.objects.exists() and not ExpectationRating.objects.exists()


def test_a_check_in_dated_in_the_future_is_a_422(api, practice, professional):
    client = make_client(practice, professional)
    response = api.post(
        "/api/v1/check-ins",
        {"client_id": client.pk, "overall": "meeting", "held_on": "2999-01-01"},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "held_on"]


def test_an_agreement_for_a_non_client_is_a_422_naming_the_client(api, practice):
    person = make_person(practice)
    response = api.post(
        "/api/v1/agreements", {"client_id": person.pk, "answer": "agreed"}, content_type=JSON
    )
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "client_id"] and "make them a client first" in detail["msg"]
    with practice_scope(practice):
        assert not RelationshipAgreement.objects.exists()


def test_a_threshold_out_of_range_is_a_422_and_configuration_needs_the_role(
    api, owner_api, practice
):
    settings = {
        "trust_threshold": 50,
        "recommendation_trust": 60,
        "introduction_trust": 75,
        "cooldown_days": 90,
        "max_requests": 2,
        "period_days": 90,
    }
    assert api.put("/api/v1/ladder-settings", settings, content_type=JSON).status_code == 403
    bad = owner_api.put(
        "/api/v1/ladder-settings", {**settings, "trust_threshold": 250}, content_type=JSON
    )
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "trust_threshold"]
    good = owner_api.put(
        "/api/v1/ladder-settings", {**settings, "cooldown_days": 30}, content_type=JSON
    )
    assert good.status_code == 200 and good.json()["cooldown_days"] == 30


def test_the_whole_ladder_through_the_api(api, owner_api, practice, professional):
    client = ready_client(practice, professional)
    friend = make_person(practice, first_name="Amy", last_name="Lewis", title="Controller")
    make_connection(client.person, friend, sentiment="neutral", closeness=2)
    profile = owner_api.post(
        "/api/v1/profiles",
        {"name": "Finance leaders", "positions": ["Controller"], "why": "We know their world."},
        content_type=JSON,
    ).json()
    api.post(
        "/api/v1/agreements",
        {"client_id": client.pk, "answer": "agreed", "asked_on": days_ago(300).isoformat()},
        content_type=JSON,
    )
    share = api.post(
        "/api/v1/profile-shares",
        {
            "client_id": client.pk,
            "profile_id": profile["id"],
            "how": "email",
            "shared_on": days_ago(200).isoformat(),
        },
        content_type=JSON,
    )
    assert share.status_code == 201
    ask = api.get(f"/api/v1/clients/{client.pk}/next-ask").json()
    assert ask["rung"] == ladder.PROPOSE_INTRODUCTION
    assert ask["proposal"]["name"] == "Amy Lewis" and ask["proposal"]["method"] == "letter"
    recorded = api.post(
        "/api/v1/asks",
        {
            "client_id": client.pk,
            "kind": "introduction",
            "answer": "agreed",
            "person_id": friend.pk,
            "method": "letter",
        },
        content_type=JSON,
    )
    assert recorded.status_code == 201
    assert api.get(f"/api/v1/profiles/{profile['id']}/shares").json()["count"] == 1
    book = api.get("/api/v1/book").json()
    assert book["total"] == 1 and sum(book["counts"].values()) == 1


def test_an_introduction_to_a_do_not_contact_person_is_a_422(api, practice, professional):
    client = ready_client(practice, professional)
    friend = make_person(practice, do_not_contact=True)
    response = api.post(
        "/api/v1/asks",
        {
            "client_id": client.pk,
            "kind": "introduction",
            "answer": "agreed",
            "person_id": friend.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "person_id"]


def test_scripts_and_tiers_over_the_api(owner_api, practice):
    assert [t["name"] for t in owner_api.get("/api/v1/tiers").json()] == ["Top", "A", "B", "C"]
    refused = owner_api.post(
        "/api/v1/scripts",
        {"name": "Old", "purpose": "profile", "text": "Who do you know who needs us?"},
        content_type=JSON,
    )
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "text"]
    scripts = owner_api.get("/api/v1/scripts").json()
    assert {s["purpose"] for s in scripts if s["is_default"]} == {
        "relationship",
        "check_in",
        "profile",
        "recommendation",
        "introduction",
    }
    tier = owner_api.post("/api/v1/tiers", {"name": "Platinum"}, content_type=JSON)
    assert tier.status_code == 201


def test_the_client_list_filters_by_rung_and_takes_constant_queries(api, practice, professional):
    ready_client(practice, professional)
    make_client(practice, professional)

    def count() -> int:
        with CaptureQueriesContext(db_connection) as ctx:
            assert api.get("/api/v1/clients").status_code == 200
        return len(ctx.captured_queries)

    count()  # the first call also notes when the token was used
    few = count()
    for _ in range(4):
        ready_client(practice, professional)
    assert count() == few
    ready = api.get("/api/v1/clients", {"ready": "true"}).json()
    assert ready["count"] == 5
    assert api.get("/api/v1/clients", {"rung": "earn_trust"}).json()["count"] == 1


def test_another_practices_client_answers_404(api_client_for, outsider, practice, professional):
    client = ready_client(practice, professional)
    stranger = api_client_for(outsider)
    assert stranger.get(f"/api/v1/clients/{client.pk}/next-ask").status_code == 404
    refused = stranger.post(
        "/api/v1/trust-ratings", {"client_id": client.pk, "score": 1}, content_type=JSON
    )
    assert refused.status_code == 422
    with practice_scope(practice):
        assert Client.objects.get().trust_ratings.count() == 1


def test_a_profile_needs_a_position(owner_api, practice):
    response = owner_api.post(
        "/api/v1/profiles", {"name": "Empty", "positions": [" "], "why": "?"}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "positions"]
