import csv
import io
import json

import pytest
import vobject
from django.urls import reverse

from referable.people.models import Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.roles import Role
from referable.records import exporting
from referable.records.imports import preview, run, start_import

pytestmark = pytest.mark.django_db


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def exporter(make_user):
    return make_user(Role.COMPLIANCE)


def test_people_export_as_csv_with_every_email_and_phone(client_for, practice, exporter):
    make_person(
        practice,
        first_name="Ann",
        last_name="Lee",
        organization="Lee, Park & Co",
        emails=["ann@x.example", "ann@home.example"],
        phones=["+1 617 555 0101"],
    )
    response = client_for(exporter).get(reverse("records:export-csv"), {"set": "people"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(_body(response).lstrip("\ufeff"))))
    assert rows[0]["organization"] == "Lee, Park & Co"
    assert rows[0]["emails"] == "ann@x.example; ann@home.example"
    assert rows[0]["phones"] == "+1 617 555 0101"


def test_people_export_as_vcard_that_an_address_book_reads_back(client_for, practice, exporter):
    make_person(
        practice,
        first_name="Jörg",
        last_name="Müller",
        organization="Bäckerei Süd",
        title="Owner",
        emails=["jorg@example.de", "j@home.example"],
        phones=["+49 30 1234567"],
        notes=" ".join(["A long note that folds."] * 12),
    )
    response = client_for(exporter).get(reverse("records:export-vcard"))
    cards = list(vobject.readComponents(response.content.decode()))
    assert len(cards) == 1
    card = cards[0]
    assert card.n.value.family == "Müller" and card.n.value.given == "Jörg"
    assert card.org.value == ["Bäckerei Süd"] and card.title.value == "Owner"
    assert [e.value for e in card.contents["email"]] == ["jorg@example.de", "j@home.example"]
    assert card.tel.value == "+49 30 1234567"
    assert card.note.value == " ".join(["A long note that folds."] * 12)


def test_a_vcard_export_imports_back_without_duplicates(in_practice, owner):
    make_person(in_practice, first_name="Ann", last_name="Lee", emails=["ann@x.example"])
    text = exporting.collect(exporting.vcard_stream())
    job = start_import(in_practice, "roundtrip.vcf", text.encode(), by=owner)
    assert [o.action for o in preview(job)] == ["unchanged"]
    run(job, by=owner)
    assert Person.objects.count() == 1


def test_every_table_of_the_practice_is_in_the_json_archive(client_for, practice, exporter):
    a = make_person(practice, first_name="Ann", last_name="Lee")
    b = make_person(practice, first_name="Bo", last_name="Ray")
    make_connection(a, b)
    response = client_for(exporter).get(reverse("records:export-json"))
    archive = json.loads(_body(response))
    assert archive["format"] == "referable-archive" and archive["practice"]["id"] == practice.pk
    assert {p["last_name"] for p in archive["tables"]["people.person"]} == {"Lee", "Ray"}
    assert len(archive["tables"]["people.connection"]) == 1
    assert "records.auditentry" in archive["tables"]
    assert all("password" not in user for user in archive["users"])
    # derived figures are rebuilt from these rows, not archived
    assert "insight.summarizedmonth" not in archive["tables"]
    assert "insight.referralfigures" not in archive["tables"]


def test_the_other_areas_tables_are_offered_as_csv_main_table_first():
    keys = [d.key for d in exporting.datasets()]
    assert keys[0] == "people"
    assert keys.index("clients.client") < keys.index("clients.expectation")
    assert keys.index("introductions.referral") < keys.index("introductions.letter")


def test_an_area_table_exports_as_csv(client_for, practice, exporter, owner):
    from referable.clients.tests.factories import make_client

    client = make_client(practice, owner)
    response = client_for(exporter).get(reverse("records:export-csv"), {"set": "clients.client"})
    rows = list(csv.DictReader(io.StringIO(_body(response).lstrip("\ufeff"))))
    assert [int(r["id"]) for r in rows] == [client.pk] and rows[0]["person_id"] == str(
        client.person_id
    )


def test_exports_are_for_roles_that_export_records(client_for, practice, professional, outsider):
    make_person(practice, first_name="Secret", last_name="Person")
    assert client_for(professional).get(reverse("records:export-json")).status_code == 403
    outside = client_for(outsider).get(reverse("records:export-csv"), {"set": "people"})
    assert "Secret" not in _body(outside)
    assert (
        client_for(outsider).get(reverse("records:export-csv"), {"set": "nope"}).status_code == 404
    )
