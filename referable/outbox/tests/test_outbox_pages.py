"""The outbox page: the practice's messages and their delivery, retry for staff."""

import smtplib
from datetime import date

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.outbox.models import OutgoingEmail
from referable.outbox.testing import drain
from referable.outbox.tests.factories import make_email
from referable.practices.demo import DemoPlan
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


def _failed_email(practice, monkeypatch) -> OutgoingEmail:
    def refused(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    email = make_email(practice, subject="The letter for Ada")
    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", refused)
    with practice_scope(practice):
        drain()
    monkeypatch.undo()
    email.refresh_from_db()
    return email


def test_the_outbox_lists_messages_with_their_delivery_and_errors(
    client_for, professional, practice, monkeypatch
):
    sent = make_email(practice, subject="Thank you, Grace")
    with practice_scope(practice):
        drain()
    failed = _failed_email(practice, monkeypatch)
    page = client_for(professional).get(reverse("outbox:list"))
    assert page.status_code == 200
    assert "Thank you, Grace" in page.text and "The letter for Ada" in page.text
    assert "Connection unexpectedly closed" in page.text
    assert "failed, will retry" in page.text
    only_failed = client_for(professional).get(reverse("outbox:list"), {"status": "failed"})
    assert "The letter for Ada" in only_failed.text and "Thank you, Grace" not in only_failed.text
    detail = client_for(professional).get(reverse("outbox:detail", args=[failed.pk]))
    assert "Retry now" in detail.text and failed.message_id.strip("<>") in detail.text
    assert "unaltered" in detail.text
    assert (
        "Retry now"
        not in client_for(professional).get(reverse("outbox:detail", args=[sent.pk])).text
    )


def test_the_outbox_answers_in_a_constant_number_of_queries(client_for, professional, practice):
    web = client_for(professional)
    make_email(practice)
    web.get(reverse("outbox:list"))
    with CaptureQueriesContext(db_connection) as few:
        web.get(reverse("outbox:list"))
    for _ in range(10):
        make_email(practice)
    with CaptureQueriesContext(db_connection) as many:
        web.get(reverse("outbox:list"))
    assert len(many) == len(few)


def test_staff_can_retry_a_failed_message_now(client_for, professional, practice, monkeypatch):
    failed = _failed_email(practice, monkeypatch)
    response = client_for(professional).post(reverse("outbox:retry", args=[failed.pk]))
    assert response.status_code == 302
    with practice_scope(practice):
        drain()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT and failed.attempts == 2


def test_a_compliance_reviewer_sees_the_outbox_but_cannot_retry(
    client_for, make_user, practice, monkeypatch
):
    failed = _failed_email(practice, monkeypatch)
    reviewer = client_for(make_user(Role.COMPLIANCE))
    assert reviewer.get(reverse("outbox:detail", args=[failed.pk])).status_code == 200
    assert "Retry now" not in reviewer.get(reverse("outbox:detail", args=[failed.pk])).text
    assert reviewer.post(reverse("outbox:retry", args=[failed.pk])).status_code == 403
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED


def test_another_practices_messages_are_not_found(client_for, outsider, practice, monkeypatch):
    failed = _failed_email(practice, monkeypatch)
    stranger = client_for(outsider)
    assert stranger.get(reverse("outbox:detail", args=[failed.pk])).status_code == 404
    assert stranger.post(reverse("outbox:retry", args=[failed.pk])).status_code == 404
    assert "The letter for Ada" not in stranger.get(reverse("outbox:list")).text
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.FAILED and failed.attempts == 1


def test_the_outbox_needs_a_login(client):
    response = client.get(reverse("outbox:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_demo_has_sent_messages_and_one_failed(practice):
    from referable.outbox import demo
    from referable.people import demo as people_demo
    from referable.practices import demo as practice_demo

    plan = DemoPlan(people=60, seed=3, today=date(2026, 3, 2), practice=practice)
    with practice_scope(practice):
        practice_demo.build(practice, plan)
        people_demo.build(practice, plan)
        demo.build(practice, plan)
        statuses = list(OutgoingEmail.objects.values_list("status", flat=True))
        assert statuses.count("failed") == 1 and statuses.count("sent") >= 3
        assert all(e.communication.is_unaltered for e in OutgoingEmail.objects.all())
        assert drain() == 0  # nothing was queued: the demo sends nothing


def test_background_work_that_failed_is_shown_to_managers(
    queue_backend, client_for, owner, professional, practice, other_practice
):
    from referable.outbox.jobs import enqueue, task

    @task("tests.pages.broken", max_attempts=1)
    def broken(payload: dict) -> None:
        raise RuntimeError("the digest template is missing")

    enqueue("tests.pages.broken", {}, practice=practice)
    enqueue("tests.pages.broken", {"elsewhere": True}, practice=other_practice)
    drain()
    page = client_for(owner).get(reverse("outbox:list"))
    assert "tests.pages.broken" in page.text
    assert page.text.count("RuntimeError: the digest template is missing") == 1
    assert "tests.pages.broken" not in client_for(professional).get(reverse("outbox:list")).text


def test_the_api_lists_messages_and_retries_a_failed_one(
    api_client_for, professional, make_user, outsider, practice, monkeypatch
):
    failed = _failed_email(practice, monkeypatch)
    api = api_client_for(professional)
    listing = api.get("/api/v1/outbox", {"status": "failed"}).json()
    assert [item["id"] for item in listing["items"]] == [failed.pk]
    assert listing["items"][0]["subject"] == "The letter for Ada"
    assert "SMTPServerDisconnected" in listing["items"][0]["last_error"]
    assert api_client_for(outsider).get(f"/api/v1/outbox/{failed.pk}").status_code == 404
    reviewer = api_client_for(make_user(Role.COMPLIANCE))
    assert reviewer.post(f"/api/v1/outbox/{failed.pk}/retry").status_code == 403
    assert api.post(f"/api/v1/outbox/{failed.pk}/retry").status_code == 200
    with practice_scope(practice):
        drain()
    sent = api.get(f"/api/v1/outbox/{failed.pk}").json()
    assert sent["status"] == "sent" and sent["attempts"] == 2
    again = api.post(f"/api/v1/outbox/{failed.pk}/retry")
    assert again.status_code == 422 and "not waiting" in again.text
