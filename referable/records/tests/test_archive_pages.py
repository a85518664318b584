import csv
import io
import json
import zipfile
from datetime import datetime, timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope
from referable.records.models import Communication
from referable.records.retention import dispose_expired, set_retention
from referable.records.tests.factories import make_communication

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.COMPLIANCE)


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_reviewer_finds_communications_by_person_kind_period_and_words(
    client_for, practice, reviewer, professional
):
    ann = make_person(practice, first_name="Ann", last_name="Lee")
    make_communication(
        practice, person=ann, sender=professional, kind="letter", subject="Introduction to Bo"
    )
    make_communication(practice, kind="email", subject="Quarterly review", body_text="Pension")
    old = make_communication(
        practice,
        kind="email",
        subject="Old news",
        produced_at=timezone.now() - timedelta(days=400),
    )
    web = client_for(reviewer)
    by_person = web.get(reverse("records:archive"), {"person": "lee"})
    assert "Introduction to Bo" in by_person.text and "Quarterly review" not in by_person.text
    by_kind = web.get(reverse("records:archive"), {"kind": "email"})
    assert "Quarterly review" in by_kind.text and "Introduction to Bo" not in by_kind.text
    by_words = web.get(reverse("records:archive"), {"text": "pension"})
    assert "Quarterly review" in by_words.text and "Old news" not in by_words.text
    recent = web.get(
        reverse("records:archive"),
        {"since": (timezone.localdate() - timedelta(days=30)).isoformat()},
    )
    assert "Old news" not in recent.text and "3 communications" not in recent.text
    assert old.subject in web.get(reverse("records:archive")).text


def test_a_communication_page_shows_the_frozen_content_proof_and_when_it_may_go(
    client_for, practice, reviewer
):
    produced = datetime(2026, 3, 2, 15, 0, tzinfo=practice.zone)
    c = make_communication(
        practice,
        subject="Letter to Ann",
        body_text="Dear Ann,",
        produced_at=produced,
        attachments=[("letter.pdf", b"%PDF-1.4 x", "application/pdf")],
    )
    web = client_for(reviewer)
    page = web.get(reverse("records:communication", args=[c.pk]))
    assert "Unaltered." in page.text and c.content_sha256 in page.text
    assert "may go on 2 Mar 2032" in page.text
    with practice_scope(practice):
        attachment = c.attachments.get()
    download = web.get(reverse("records:attachment", args=[attachment.pk]))
    assert download.content == b"%PDF-1.4 x"
    with practice_scope(practice):
        Communication.objects.filter(pk=c.pk).update(body_text="Forged")
    assert "Altered." in web.get(reverse("records:communication", args=[c.pk])).text


def test_the_export_is_a_zip_of_documents_with_an_index_and_reviews(
    client_for, practice, reviewer, professional
):
    ann = make_person(practice, first_name="Ann", last_name="Lee")
    letter = make_communication(
        practice,
        person=ann,
        sender=professional,
        kind="letter",
        subject="Introduction to Bo",
        related=ann,
        attachments=[("letter.pdf", b"%PDF-1.4 letter", "application/pdf")],
    )
    make_communication(practice, subject="Other")
    _review(practice, reviewer, ann, "approved", "Fine to send")
    response = client_for(reviewer).get(reverse("records:archive-export"), {"person": "lee"})
    assert response["Content-Type"] == "application/zip"
    archive = _zip(response)
    assert archive.testzip() is None
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
    assert [row["subject"] for row in index] == ["Introduction to Bo"]
    row = index[0]
    assert row["content_sha256"] == letter.content_sha256 and row["unaltered"] == "yes"
    assert row["sender_address"] == professional.email and row["person"] == "Ann Lee"
    assert row["may_go_on"] and row["attachments"] == "letter.pdf"
    assert row["reviews"].startswith("Approved by ") and "Fine to send" in row["reviews"]
    folder = row["folder"]
    assert archive.read(f"{folder}/attachments/letter.pdf") == b"%PDF-1.4 letter"
    assert "Subject: Introduction to Bo" in archive.read(f"{folder}/message.txt").decode()
    assert json.loads(archive.read(f"{folder}/record.json"))["reviews"][0]["action"] == "Approved"
    reviews = list(csv.DictReader(io.StringIO(archive.read("reviews.csv").decode("utf-8-sig"))))
    assert reviews[0]["reviewer_email"] == reviewer.email and reviews[0]["action"] == "Approved"
    assert "Retention: 6 years" in archive.read("README.txt").decode()


def _review(practice, reviewer, item, action, comment):
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    model = apps.get_model("introductions", "ReviewRecord")
    with practice_scope(practice):
        return model.objects.create(
            practice=practice,
            reviewer=reviewer,
            item_type=ContentType.objects.get_for_model(item),
            item_id=item.pk,
            item_label=str(item),
            action=action,
            comment=comment,
        )


def test_only_roles_that_export_records_may_export(client_for, practice, professional):
    make_communication(practice)
    assert client_for(professional).get(reverse("records:archive-export")).status_code == 403


def test_the_archive_page_query_count_does_not_grow_with_communications(
    client_for, practice, reviewer
):
    make_communication(practice, person=make_person(practice))
    web = client_for(reviewer)
    web.get(reverse("records:archive"))

    def count():
        with CaptureQueriesContext(db_connection) as ctx:
            assert web.get(reverse("records:archive")).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(8):
        make_communication(practice, person=make_person(practice))
    assert count() == few


def test_nothing_under_retention_can_be_deleted_and_expired_items_can_be_disposed_of(
    in_practice, owner
):
    now = timezone.now()
    young = make_communication(in_practice, produced_at=now - timedelta(days=365 * 5))
    old = make_communication(in_practice, produced_at=now - timedelta(days=365 * 7))
    set_retention(in_practice, 6)
    assert dispose_expired(in_practice, by=owner) == 1
    assert list(Communication.objects.values_list("pk", flat=True)) == [young.pk]
    set_retention(in_practice, 10)
    assert dispose_expired(in_practice, by=owner) == 0
    assert old.pk not in Communication.objects.values_list("pk", flat=True)


def test_the_retention_period_is_set_by_the_owner_only(client_for, practice, owner, professional):
    assert client_for(professional).get(reverse("records:settings")).status_code == 403
    web = client_for(owner)
    page = web.get(reverse("records:settings"))
    assert 'value="6"' in page.text
    assert web.post(reverse("records:settings"), {"retention_years": "5"}).status_code == 302
    refused = web.post(reverse("records:settings"), {"retention_years": "0"})
    assert refused.status_code == 200 and "greater than or equal to 1" in refused.text
