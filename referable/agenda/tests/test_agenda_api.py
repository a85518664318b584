"""/api/v1/agenda through the real middleware (a bearer token)."""

from datetime import timedelta

import pytest

from referable.agenda import services
from referable.agenda.models import Task
from referable.agenda.tests.factories import make_task
from referable.clients.tests.factories import make_client
from referable.practices.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_scope(in_practice):
    """Assertions read rows in the practice's scope."""


def test_the_agenda_lists_items_in_order_with_why_and_their_actions(
    api_client_for, practice, professional
):
    make_client(practice, professional)
    make_task(practice, professional, title="Call the bank")
    api = api_client_for(professional)
    body = api.get("/api/v1/agenda").json()
    assert body["total"] == 2 and len(body["rule"]) == 10
    assert [i["source"] for i in body["items"]] == ["task", "expectations"]
    assert all(i["why"] for i in body["items"])
    assert body["items"][0]["title"] == "Call the bank"


def test_act_on_an_item_by_its_key(api_client_for, practice, professional):
    task = make_task(practice, professional)
    api = api_client_for(professional)
    tomorrow = services.user_today(professional) + timedelta(days=1)
    response = api.post(
        "/api/v1/agenda/act",
        {"key": f"task:{task.pk}", "action": "snooze", "until": tomorrow.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 200 and "Snoozed" in response.json()["message"]
    task.refresh_from_db()
    assert task.due_on == tomorrow


def test_a_snooze_into_the_past_is_a_422_naming_the_field(api_client_for, practice, professional):
    task = make_task(practice, professional)
    api = api_client_for(professional)
    yesterday = services.user_today(professional) - timedelta(days=1)
    response = api.post(
        "/api/v1/agenda/act",
        {"key": f"task:{task.pk}", "action": "snooze", "until": yesterday.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "until"]


def test_bad_keys_and_other_practices_items_are_not_found(
    api_client_for, practice, professional, outsider
):
    task = make_task(practice, professional)
    for user, key, status in (
        (professional, "nothing:1", 422),
        (outsider, f"task:{task.pk}", 404),
    ):
        response = api_client_for(user).post(
            "/api/v1/agenda/act", {"key": key, "action": "done"}, content_type="application/json"
        )
        assert response.status_code == status


def test_create_a_task_for_a_colleague(api_client_for, practice, professional, make_user):
    colleague = make_user(Role.PROFESSIONAL)
    api = api_client_for(professional)
    response = api.post(
        "/api/v1/agenda/tasks",
        {
            "title": "Prepare the review",
            "due_on": services.user_today(professional).isoformat(),
            "assignee_id": colleague.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Task.objects.get(pk=response.json()["id"]).assignee == colleague
    bad = api.post(
        "/api/v1/agenda/tasks",
        {"title": "x", "due_on": "2026-01-01", "assignee_id": 999999},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "assignee_id"]


def test_a_compliance_reviewer_reads_but_cannot_act(api_client_for, practice, make_user):
    reviewer = make_user(Role.COMPLIANCE)
    task = make_task(practice, make_user(Role.PROFESSIONAL))
    api = api_client_for(reviewer)
    assert api.get("/api/v1/agenda").json()["total"] == 1
    response = api.post(
        "/api/v1/agenda/act",
        {"key": f"task:{task.pk}", "action": "done"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_the_agenda_gives_the_first_fifty_and_counts_them_all(
    api_client_for, practice, professional
):
    for n in range(55):
        make_task(practice, professional, title=f"Task {n:02d}")
    api = api_client_for(professional)
    first = api.get("/api/v1/agenda").json()
    assert first["total"] == 55 and len(first["items"]) == 50
    everything = api.get("/api/v1/agenda", {"limit": 100}).json()
    assert len(everything["items"]) == 55
    assert [i["key"] for i in everything["items"][:50]] == [i["key"] for i in first["items"]]
