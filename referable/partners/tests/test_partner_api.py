import pytest

from referable.introductions.tests.factories import make_referral
from referable.partners.tests.factories import make_partner
from referable.people.tests.factories import make_person
from referable.practices.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for, professional):
    return api_client_for(professional)


def test_record_a_partner_send_them_someone_and_read_the_ledger(api, practice):
    person = make_person(practice, first_name="Cara", last_name="Cpa")
    created = api.post(
        "/api/v1/partners",
        {
            "person_id": person.pk,
            "profession": "accountant",
            "niche": "Dentists",
            "criteria_needs": "tax",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    partner_id = created.json()["id"]
    client = make_person(practice)
    sent = api.post(
        "/api/v1/outbound-referrals",
        {"partner_person_id": person.pk, "person_id": client.pk, "need": "Tax return"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["feedback_owed"] is True
    make_referral(practice, referrer=person)
    line = api.get(f"/api/v1/partners/{partner_id}/ledger", {"period": "all"}).json()
    assert (line["received"]["total"], line["sent"]["total"], line["balance"]) == (1, 1, 0)
    assert line["we_owe_feedback"] == 1 and line["they_owe_feedback"] == 1
    news = api.post(
        f"/api/v1/outbound-referrals/{sent.json()['id']}/feedback",
        {"stage": "not_a_fit", "feedback": "Too small for them"},
        content_type="application/json",
    )
    assert news.json()["feedback_owed"] is False
    card = api.get("/api/v1/partners/scorecard", {"sort": "received", "descending": True}).json()
    assert card["partners"][0]["partner_id"] == partner_id
    fits = api.get("/api/v1/partners/suggestions", {"keywords": "tax"}).json()
    assert fits[0]["partner_id"] == partner_id


def test_errors_name_the_field(api, practice):
    stranger, client = make_person(practice), make_person(practice)
    refused = api.post(
        "/api/v1/outbound-referrals",
        {"partner_person_id": stranger.pk, "person_id": client.pk, "need": "x"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "partner_person_id"]
    negative = api.post(
        "/api/v1/gifts",
        {"person_id": client.pk, "value": "-1", "description": "x"},
        content_type="application/json",
    )
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"][-1] == "value"
    lawyer = api.post(
        "/api/v1/partners",
        {"person_id": client.pk, "profession": "attorney", "not_exclusive": False},
        content_type="application/json",
    )
    assert lawyer.status_code == 422
    assert lawyer.json()["detail"][0]["loc"] == ["body", "not_exclusive"]
    assert api.get("/api/v1/partners/scorecard", {"period": "decade"}).status_code == 422


def test_gifts_meetings_and_settings_over_the_api(api, api_client_for, make_user, practice):
    partner = make_partner(practice)
    gift = api.post(
        "/api/v1/gifts",
        {
            "person_id": partner.person_id,
            "value": "1200.00",
            "kind": "referral_fee",
            "description": "Fee",
        },
        content_type="application/json",
    )
    assert gift.status_code == 201 and gift.json()["summary"]["at_threshold"] is True
    assert "written agreement" in gift.json()["summary"]["warning"]
    met = api.post(
        f"/api/v1/partners/{partner.pk}/meetings",
        {"kind": "lunch"},
        content_type="application/json",
    )
    assert met.status_code == 201
    assert api.get("/api/v1/partners/meetings-due").json() == []
    assert (
        api.put(
            "/api/v1/partner-settings", {"gift_threshold": "500"}, content_type="application/json"
        ).status_code
        == 403
    )
    manager = api_client_for(make_user(Role.MANAGER))
    saved = manager.put(
        "/api/v1/partner-settings",
        {"gift_threshold": "5000", "currency": "usd", "default_cadence_days": 60},
        content_type="application/json",
    )
    assert saved.json()["currency"] == "USD"
    summary = api.get(f"/api/v1/gifts/summary/{partner.person_id}").json()
    assert summary["at_threshold"] is False and summary["threshold"] == "5000.00"
