import io
import json
import zipfile

import pytest
from django.urls import reverse

from referable.people import services as people_services
from referable.people.models import Connection, Person, ResearchBrief, SearchTerm
from referable.people.tests.factories import make_connection, make_person
from referable.practices.tenancy import acting_as, practice_scope
from referable.records.models import AuditEntry, Communication, ErasureRecord
from referable.records.privacy import erase_person, export_person
from referable.records.tests.factories import make_communication

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann(practice, owner):
    with practice_scope(practice), acting_as(owner):
        ann = make_person(
            practice,
            first_name="Ann",
            last_name="Lee",
            organization="Lee Park",
            emails=["ann@leepark.example"],
            phones=["+1 617 555 0101"],
            notes="Two children in college.",
        )
        people_services.save_research_brief(ann, {"industry": "Dentistry"})
        make_connection(ann, make_person(practice, first_name="Bo", last_name="Ray"))
        people_services.update_person(ann, {"city": "Boston"})
    return ann


def test_everything_held_about_a_person_exports_with_their_communications(practice, ann, owner):
    letter = make_communication(
        practice,
        person=ann,
        subject="Letter about Ann",
        attachments=[("a.pdf", b"%PDF", "application/pdf")],
    )
    with practice_scope(practice):
        data = export_person(ann)
    archive = zipfile.ZipFile(io.BytesIO(data))
    held = json.loads(archive.read("person.json"))
    assert held["person"]["last_name"] == "Lee" and held["emails"] == ["ann@leepark.example"]
    assert "people.researchbrief" in held["related_rows"]
    assert "people.connection" in held["related_rows"]
    assert any(e["changes"].get("city") == ["", "Boston"] for e in held["audit_trail"])
    assert held["communications"][0]["id"] == letter.pk
    assert "index.csv" in archive.namelist()
    assert any(name.endswith("/attachments/a.pdf") for name in archive.namelist())


def test_erasure_removes_personal_data_keeps_retained_records_and_says_so(practice, ann, owner):
    letter = make_communication(practice, person=ann, subject="Letter to Ann Lee")
    with practice_scope(practice), acting_as(owner):
        record = erase_person(ann, by=owner, reason="Asked by e-mail on 3 May")
        ann.refresh_from_db()
        assert ann.full_name == f"Erased person #{ann.pk}" and ann.do_not_contact
        assert not ann.emails.exists() and not ann.phones.exists() and not ann.notes
        assert not ResearchBrief.objects.filter(person=ann).exists()
        assert not Connection.objects.filter(person_a=ann).exists()
        assert not Connection.objects.filter(person_b=ann).exists()
        assert not SearchTerm.objects.filter(person=ann, term="lee").exists()
        kept = Communication.objects.get(pk=letter.pk)
        assert kept.is_unaltered and kept.person_id == ann.pk
        trail = AuditEntry.objects.filter(model_label="people.person", object_id=ann.pk)
        assert "Lee" not in json.dumps([e.changes for e in trail])
        assert "Boston" not in json.dumps([e.changes for e in trail])
    assert record.removed["e-mails"] == 1 and record.removed["connections"] == 1
    assert "1 archived communication(s)" in record.kept and "retention" in record.kept


def test_erasure_needs_a_reason(practice, ann, owner):
    from django.core.exceptions import ValidationError

    with practice_scope(practice), pytest.raises(ValidationError):
        erase_person(ann, by=owner, reason="  ")


def test_the_erase_page_states_the_choice_and_records_it(client_for, practice, ann, owner):
    make_communication(practice, person=ann)
    web = client_for(owner)
    page = web.get(reverse("records:person-erase", args=[ann.pk]))
    assert "1 archived communication about them, unaltered, until" in page.text
    done = web.post(
        reverse("records:person-erase", args=[ann.pk]),
        {"reason": "Written request", "confirm": "on"},
    )
    assert done.status_code == 302
    listing = web.get(reverse("records:erasures"))
    assert f"Person #{ann.pk}" in listing.text and "Written request" in listing.text
    with practice_scope(practice):
        assert ErasureRecord.objects.get().erased_by == owner
        assert Person.objects.get(pk=ann.pk).last_name == f"person #{ann.pk}"


def test_privacy_pages_refuse_other_roles_and_other_practices(
    client_for, practice, ann, make_user, outsider
):
    assistant = make_user("assistant")
    assert (
        client_for(assistant).get(reverse("records:person-erase", args=[ann.pk])).status_code == 403
    )
    stranger = client_for(outsider)
    assert stranger.get(reverse("records:person-export", args=[ann.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("records:person-erase", args=[ann.pk]), {"reason": "x", "confirm": "on"}
        ).status_code
        == 404
    )
