import pytest

from referable.people.models import Connection, Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for, professional):
    return api_client_for(professional)


def test_requests_without_a_valid_token_are_refused(client, api_client_for, professional):
    assert client.get("/api/v1/people").status_code == 401
    bad = client.get("/api/v1/people", headers={"Authorization": "Bearer rf_nope"})
    assert bad.status_code == 401 and "revoked" in bad.json()["detail"]


def test_a_revoked_token_stops_working(api_client_for, professional, practice):
    from referable.practices.models import ApiToken
    from referable.practices.services import revoke_token

    api = api_client_for(professional)
    assert api.get("/api/v1/people").status_code == 200
    with practice_scope(practice):
        revoke_token(ApiToken.objects.get())
    assert api.get("/api/v1/people").status_code == 401


def test_list_people_with_search_and_paging(api, practice):
    for i in range(55):
        make_person(practice, first_name=f"P{i}", last_name="Paged")
    make_person(practice, first_name="Ada", last_name="Lovelace", emails=["ada@engines.example"])
    body = api.get("/api/v1/people", {"q": "paged"}).json()
    assert body["count"] == 55 and len(body["items"]) == 50
    assert len(api.get("/api/v1/people", {"q": "paged", "page": 2}).json()["items"]) == 5
    found = api.get("/api/v1/people", {"q": "engines"}).json()["items"]
    assert [p["emails"] for p in found] == [["ada@engines.example"]]


def test_create_read_update_delete_a_person(api, practice):
    created = api.post(
        "/api/v1/people",
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "emails": ["ann@example.com"],
            "phones": ["+1 202 555 0100"],
            "category": "prospect",
            "legal_basis": "legitimate_interest",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    person_id = created.json()["id"]
    assert api.get(f"/api/v1/people/{person_id}").json()["emails"] == ["ann@example.com"]
    patched = api.patch(
        f"/api/v1/people/{person_id}",
        {"organization": "Acme", "emails": ["a@acme.example"]},
        content_type="application/json",
    )
    assert patched.json()["organization"] == "Acme" and patched.json()["emails"] == [
        "a@acme.example"
    ]
    assert patched.json()["phones"] == ["+1 202 555 0100"], (
        "phones untouched by a PATCH without them"
    )
    assert api.delete(f"/api/v1/people/{person_id}").status_code == 204
    assert api.get(f"/api/v1/people/{person_id}").status_code == 404


def test_invalid_email_gets_a_json_error_naming_the_field(api, practice):
    response = api.post(
        "/api/v1/people", {"last_name": "Lee", "emails": ["nope"]}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "emails"]
    with practice_scope(practice):
        assert not Person.objects.exists()


def test_over_long_field_gets_a_json_error_naming_the_field(api):
    response = api.post("/api/v1/people", {"last_name": "x" * 200}, content_type="application/json")
    assert response.status_code == 422
    assert "last_name" in response.json()["detail"][0]["loc"]


def test_malformed_json_is_a_clear_error(api):
    response = api.post("/api/v1/people", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_connections_through_the_api(api, practice):
    a, b = make_person(practice), make_person(practice)
    created = api.post(
        "/api/v1/connections",
        {
            "person_id": b.pk,
            "other_id": a.pk,
            "kind": "family",
            "closeness": 5,
            "sentiment": "positive",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    connection_id = created.json()["id"]
    assert [c["id"] for c in api.get(f"/api/v1/people/{a.pk}/connections").json()] == [
        connection_id
    ]
    dup = api.post(
        "/api/v1/connections",
        {"person_id": a.pk, "other_id": b.pk, "kind": "friend"},
        content_type="application/json",
    )
    assert dup.status_code == 422 and dup.json()["detail"][0]["loc"] == ["body", "other"]
    selfie = api.post(
        "/api/v1/connections",
        {"person_id": a.pk, "other_id": a.pk, "kind": "friend"},
        content_type="application/json",
    )
    assert selfie.status_code == 422 and "themselves" in selfie.json()["detail"][0]["msg"]
    bad_closeness = api.patch(
        f"/api/v1/connections/{connection_id}", {"closeness": 9}, content_type="application/json"
    )
    assert (
        bad_closeness.status_code == 422 and "closeness" in bad_closeness.json()["detail"][0]["loc"]
    )
    assert (
        api.patch(
            f"/api/v1/connections/{connection_id}",
            {"closeness": 2},
            content_type="application/json",
        ).json()["closeness"]
        == 2
    )
    assert api.delete(f"/api/v1/connections/{connection_id}").status_code == 204


def test_a_foreign_id_in_a_body_is_a_field_error(api, practice, other_practice):
    mine = make_person(practice)
    theirs = make_person(other_practice)
    response = api.post(
        "/api/v1/connections",
        {"person_id": mine.pk, "other_id": theirs.pk, "kind": "friend"},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == [
        "body",
        "other_id",
    ]
    merge = api.post(
        f"/api/v1/people/{mine.pk}/merge",
        {"duplicate_id": theirs.pk},
        content_type="application/json",
    )
    assert merge.status_code == 422
    with practice_scope(other_practice):
        assert Person.objects.filter(pk=theirs.pk).exists()


def test_brief_and_merge_through_the_api(api, practice):
    keep, dup = make_person(practice), make_person(practice, emails=["dup@x.example"])
    saved = api.put(
        f"/api/v1/people/{keep.pk}/brief",
        {"industry": "Dental", "market": "", "competitors": "", "notes": ""},
        content_type="application/json",
    )
    assert saved.json()["industry"] == "Dental"
    merged = api.post(
        f"/api/v1/people/{keep.pk}/merge", {"duplicate_id": dup.pk}, content_type="application/json"
    )
    assert "dup@x.example" in merged.json()["emails"]


def test_compliance_reviewer_reads_but_cannot_write_through_the_api(
    api_client_for, make_user, practice
):
    person = make_person(practice)
    reviewer = api_client_for(make_user(Role.COMPLIANCE))
    assert reviewer.get(f"/api/v1/people/{person.pk}").status_code == 200
    assert (
        reviewer.patch(
            f"/api/v1/people/{person.pk}", {"city": "X"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert reviewer.delete(f"/api/v1/people/{person.pk}").status_code == 403


def test_openapi_schema_and_docs_are_published(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert (
        "/api/v1/people" in schema["paths"]
        and "/api/v1/connections/{connection_id}" in schema["paths"]
    )
    assert client.get("/api/v1/docs").status_code == 200


def test_me_names_the_user_and_practice(api, professional):
    me = api.get("/api/v1/account/me").json()
    assert me["email"] == professional.email and me["practice"] == "Northwind Advisors"


def test_connection_list_filters_by_kind(api, practice):
    a, b, c = make_person(practice), make_person(practice), make_person(practice)
    make_connection(a, b, kind=Connection.Kind.FAMILY)
    make_connection(a, c, kind=Connection.Kind.FRIEND)
    assert api.get("/api/v1/connections", {"kind": "family"}).json()["count"] == 1


def test_connection_list_searches_either_side(api, practice):
    ada = make_person(practice, first_name="Ada", last_name="Lovelace")
    a, b = make_person(practice), make_person(practice)
    make_connection(a, ada)
    make_connection(a, b)
    body = api.get("/api/v1/connections", {"q": "lovelace"}).json()
    assert body["count"] == 1 and body["items"][0]["person_b_id"] in (ada.pk, a.pk)
