"""The introductions API, through Django's client (middleware and tokens included)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referable.introductions.models import Referral
from referable.introductions.tests.factories import make_letter, make_referral
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for, professional):
    return api_client_for(professional)


def test_record_a_referral_with_a_new_prospect_and_read_it_back(api, practice, professional):
    client = make_person(practice, category="client", first_name="Clara", last_name="Client")
    created = api.post(
        "/api/v1/referrals",
        {
            "referrer_id": client.pk,
            "new_prospect": {
                "first_name": "Carl",
                "last_name": "Cfo",
                "emails": ["carl@acme.example"],
            },
            "connection": {"kind": "coworker", "closeness": 4, "sentiment": "positive"},
            "reason": "Pension plan",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["prospect_name"] == "Carl Cfo" and body["approach"] == "lends trust"
    assert body["owner_id"] == professional.pk and body["stage"] == "received"
    read = api.get(f"/api/v1/referrals/{body['id']}").json()
    assert read["first_contact_due_at"] == body["first_contact_due_at"]


def test_errors_name_the_field(api, practice):
    client = make_person(practice)
    prospect = make_person(practice, do_not_contact=True)
    refused = api.post(
        "/api/v1/referrals",
        {"referrer_id": client.pk, "prospect_id": prospect.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "prospect"]
    missing = api.post("/api/v1/referrals", {"referrer_id": 99999}, content_type="application/json")
    assert missing.json()["detail"][0]["loc"] == ["body", "referrer_id"]


def test_move_a_stage_and_read_the_timeline(api, practice, professional):
    referral = make_referral(practice, by=professional)
    moved = api.post(
        f"/api/v1/referrals/{referral.pk}/stage",
        {"stage": "contacted"},
        content_type="application/json",
    )
    assert moved.json()["stage"] == "contacted"
    back = api.post(
        f"/api/v1/referrals/{referral.pk}/stage",
        {"stage": "received"},
        content_type="application/json",
    )
    assert back.status_code == 422 and back.json()["detail"][0]["loc"] == ["body", "reason"]
    stages = api.get(f"/api/v1/referrals/{referral.pk}/stages").json()
    assert [s["to_stage"] for s in stages] == ["received", "contacted"]
    timeline = api.get(f"/api/v1/referrals/{referral.pk}/timeline").json()
    assert timeline[-1]["what"] == "Received → Contacted"


def test_list_filters_and_pages(api, practice, professional):
    for _ in range(3):
        make_referral(practice, by=professional)
    late = make_referral(practice, by=professional, received_at=timezone.now() - timedelta(days=4))
    listed = api.get("/api/v1/referrals", {"overdue": "true"}).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == late.pk
    assert api.get("/api/v1/referrals").json()["count"] == 4


def test_feedback_debts_are_listed_and_paid(api, practice, professional):
    referral = make_referral(practice, by=professional)
    owed = api.get("/api/v1/feedback-debts").json()["items"]
    assert [d["kind"] for d in owed] == ["thank_you"]
    paid = api.post(
        f"/api/v1/feedback-debts/{owed[0]['id']}/pay",
        {"how": "note", "note": "Thanked him."},
        content_type="application/json",
    )
    assert paid.json()["paid_at"] is not None
    assert api.get(f"/api/v1/referrals/{referral.pk}/debts").json()[0]["paid_how"] == "note"


def test_letters_over_the_api(api, practice, professional):
    referral = make_referral(practice, by=professional)
    call_at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    drafted = api.post(
        f"/api/v1/referrals/{referral.pk}/letters",
        {
            "what_we_did": "Saved us tax.",
            "why_meet": "Who do you know who needs it?",
            "call_at": call_at.isoformat(),
        },
        content_type="application/json",
    )
    assert drafted.status_code == 201
    letter_id = drafted.json()["id"]
    findings = api.get(f"/api/v1/letters/{letter_id}/coach").json()
    assert [f["code"] for f in findings] == ["cornering"]
    bad = api.patch(
        f"/api/v1/letters/{letter_id}", {"body": "{nope}"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "{nope}" in bad.json()["detail"][0]["msg"]
    assert api.get(f"/api/v1/letters/{letter_id}/pdf").content.startswith(b"%PDF")
    assert api.get(f"/api/v1/letters/{letter_id}/docx").content.startswith(b"PK")


def test_coach_check_for_other_areas(api):
    found = api.post(
        "/api/v1/coach/check", {"text": "Thanks for the referral."}, content_type="application/json"
    ).json()
    assert found[0]["suggestion"] == "introduction"


def test_a_compliance_reviewer_reads_but_cannot_write(api_client_for, make_user, practice):
    reviewer = api_client_for(make_user(Role.COMPLIANCE))
    referral = make_referral(practice)
    assert reviewer.get(f"/api/v1/referrals/{referral.pk}").status_code == 200
    refused = reviewer.post(
        f"/api/v1/referrals/{referral.pk}/stage",
        {"stage": "contacted"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_another_practices_referral_is_not_found(api_client_for, outsider, practice):
    referral = make_referral(practice)
    letter = make_letter(referral)
    stranger = api_client_for(outsider)
    assert stranger.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert stranger.get(f"/api/v1/letters/{letter.pk}").status_code == 404
    with practice_scope(practice):
        assert Referral.objects.count() == 1
