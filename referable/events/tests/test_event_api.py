from datetime import timedelta

import pytest
from django.utils import timezone

from referable.events.tests.factories import make_event
from referable.introductions.tests.factories import make_referral
from referable.people.tests.factories import make_person
from referable.practices.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api_client_for, professional):
    return api_client_for(professional)


def test_plan_invite_answer_check_in_bring_a_guest_and_attribute(api, practice):
    starts = (timezone.now() - timedelta(hours=1)).replace(microsecond=0)
    created = api.post(
        "/api/v1/events",
        {
            "title": "Founders' dinner",
            "kind": "dinner",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=3)).isoformat(),
            "capacity": 10,
            "actual_cost": "2000.00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    event_id = created.json()["id"]
    ann = make_person(practice, first_name="Ann", last_name="Lee")
    invited = api.post(
        f"/api/v1/events/{event_id}/invitations",
        {"person_ids": [ann.pk]},
        content_type="application/json",
    )
    assert invited.status_code == 201
    invitation_id = invited.json()["invited"][0]["id"]
    answered = api.post(
        f"/api/v1/invitations/{invitation_id}/answer",
        {"answer": "maybe"},
        content_type="application/json",
    )
    assert answered.json()["answer"] == "maybe"
    arrived = api.post(
        f"/api/v1/invitations/{invitation_id}/check-in", {}, content_type="application/json"
    )
    assert arrived.json()["attended"] is True and arrived.json()["answer"] == "yes"
    guest = api.post(
        f"/api/v1/invitations/{invitation_id}/guests",
        {"first_name": "Gus", "last_name": "Guest", "emails": ["gus@guest.example"]},
        content_type="application/json",
    )
    assert guest.status_code == 201 and guest.json()["brought_by_id"] == ann.pk
    referral = make_referral(practice, referrer=ann)
    proposed = api.get(f"/api/v1/events/{event_id}/attributions").json()
    assert [a["referral_id"] for a in proposed] == [referral.pk]
    decided = api.post(
        f"/api/v1/attributions/{proposed[0]['id']}",
        {"confirm": True},
        content_type="application/json",
    )
    assert decided.json()["confirmed"] is True
    detail = api.get(f"/api/v1/events/{event_id}").json()
    assert detail["results"]["attendees"] == 2 and detail["results"]["guests"] == 1
    assert detail["results"]["introductions"] == 1
    assert detail["results"]["cost_per_introduction"] == "2000.00"
    listed = api.get(f"/api/v1/events/{event_id}/invitations", {"q": "gus"}).json()
    assert [i["name"] for i in listed["items"]] == ["Gus Guest"]


def test_bad_input_names_the_field(api, practice):
    event = make_event(practice, capacity=1)
    starts = timezone.now() + timedelta(days=2)
    negative = api.post(
        "/api/v1/events",
        {
            "title": "x",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "budget": "-10",
        },
        content_type="application/json",
    )
    assert negative.status_code == 422 and negative.json()["detail"][0]["loc"] == ["body", "budget"]
    blocked = make_person(practice, do_not_contact=True)
    refused = api.post(
        f"/api/v1/events/{event.pk}/invitations",
        {"person_ids": [blocked.pk]},
        content_type="application/json",
    )
    assert (
        refused.status_code == 422
        and "asked not to be contacted" in refused.json()["detail"][0]["msg"]
    )
    two = [make_person(practice).pk, make_person(practice).pk]
    over = api.post(
        f"/api/v1/events/{event.pk}/invitations",
        {"person_ids": two},
        content_type="application/json",
    )
    assert over.status_code == 422 and over.json()["detail"][0]["loc"] == ["body", "capacity"]


def test_settings_need_the_configure_role(api, api_client_for, make_user):
    assert (
        api.put(
            "/api/v1/event-settings",
            {"attribution_window_days": 90},
            content_type="application/json",
        ).status_code
        == 403
    )
    manager = api_client_for(make_user(Role.MANAGER))
    saved = manager.put(
        "/api/v1/event-settings", {"attribution_window_days": 90}, content_type="application/json"
    )
    assert saved.json() == {"attribution_window_days": 90}
