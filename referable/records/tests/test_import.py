import pytest
from django.core.exceptions import ValidationError

from referable.people.models import Person, SearchTerm
from referable.people.queries import search_people
from referable.people.tests.factories import make_person
from referable.records import importing
from referable.records.imports import preview, run, start_import
from referable.records.models import AuditEntry, ImportJob
from referable.records.tests.factories import (
    APPLE_VCF,
    EUROPEAN_CSV,
    EXCEL_CSV,
    NAMELESS_VCF,
)

pytestmark = pytest.mark.django_db


def _import(practice, user, name, data, **kwargs):
    job = start_import(practice, name, data, by=user)
    outcomes = preview(job, **kwargs)
    return job, outcomes


def test_an_excel_csv_with_a_bom_quotes_and_two_email_columns_is_read_as_written(
    in_practice, as_professional
):
    job, outcomes = _import(in_practice, as_professional, "contacts.csv", EXCEL_CSV)
    assert job.encoding == "utf-8-sig" and job.delimiter == ","
    assert [o.action for o in outcomes] == ["create", "create", "create"]
    assert [o.line for o in outcomes] == [2, 3, 5]  # Bob's notes span two lines
    run(job, by=as_professional)
    ann = Person.objects.get(last_name="Lee")
    assert ann.organization == "Lee, Park & Co" and ann.title == "CFO"
    assert ann.notes == 'Met at the "Harbor" breakfast'
    assert list(ann.emails.values_list("address", flat=True)) == [
        "ann@leepark.example",
        "ann.lee@home.example",
    ]
    assert ann.phones.get().normalized == "+16175550101"
    assert Person.objects.get(last_name="Stone").notes == "Two lines\nof notes"
    assert Person.objects.get(first_name="Carla").last_name == "Díaz"
    assert ann.source == Person.Source.IMPORT
    assert list(search_people("leepark")) == [ann]


def test_a_semicolon_latin1_csv_is_decoded_and_its_columns_guessed(in_practice, as_professional):
    job, outcomes = _import(in_practice, as_professional, "export.csv", EUROPEAN_CSV)
    assert job.delimiter == ";" and job.encoding == "windows-1252"
    assert job.mapping == {
        "0": "last_name",
        "1": "first_name",
        "2": "organization",
        "3": "email",
        "4": "phone",
    }
    run(job, by=as_professional)
    assert Person.objects.filter(first_name="Jörg", last_name="Müller").exists()
    assert Person.objects.get(last_name="Léger").first_name == "Françoise"


def test_vcards_with_folded_lines_and_several_emails_and_phones(in_practice, as_professional):
    job, outcomes = _import(in_practice, as_professional, "contacts.vcf", APPLE_VCF)
    assert job.format == "vcard"
    assert [(o.line, o.action) for o in outcomes] == [(1, "create"), (14, "create")]
    run(job, by=as_professional)
    ngozi = Person.objects.get(last_name="Okafor")
    assert ngozi.organization == "Bluewater Logistics" and ngozi.city == "Boston"
    assert "long-standing friend" in ngozi.notes  # the folded line joined up again
    assert ngozi.emails.count() == 2 and ngozi.phones.get().number == "+1 (617) 555-0199"
    assert Person.objects.get(last_name="Novak").phones.get().normalized == "+420601123456"


def test_reimporting_the_same_file_changes_nothing(in_practice, as_professional):
    job, _ = _import(in_practice, as_professional, "contacts.csv", EXCEL_CSV)
    run(job, by=as_professional)
    before = (Person.objects.count(), AuditEntry.objects.count(), SearchTerm.objects.count())
    again, outcomes = _import(in_practice, as_professional, "contacts.csv", EXCEL_CSV)
    assert {o.action for o in outcomes} == {"unchanged"}
    run(again, by=as_professional)
    again.refresh_from_db()
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    assert (
        Person.objects.count(),
        AuditEntry.objects.count(),
        SearchTerm.objects.count(),
    ) == before


def test_duplicates_are_matched_by_email_phone_or_name_and_organization(
    in_practice, as_professional
):
    by_email = make_person(
        in_practice, first_name="Ann", last_name="Lee", emails=["ann@leepark.example"]
    )
    by_phone = make_person(
        in_practice, first_name="Robert", last_name="Stone", emails=[], phones=["(617) 555-0102"]
    )
    by_name = make_person(in_practice, first_name="carla", last_name="DÍAZ", emails=[])
    job, outcomes = _import(in_practice, as_professional, "contacts.csv", EXCEL_CSV)
    assert [(o.action, o.person_id) for o in outcomes] == [
        ("update", by_email.pk),
        ("update", by_phone.pk),
        ("update", by_name.pk),
    ]
    assert "by e-mail ann@leepark.example" in outcomes[0].reason
    assert "by phone" in outcomes[1].reason and "name and organization" in outcomes[2].reason
    run(job, by=as_professional)
    by_email.refresh_from_db()
    assert by_email.organization == "Lee, Park & Co"
    assert by_email.emails.count() == 2
    assert Person.objects.count() == 3


def test_the_same_person_twice_in_one_file_is_created_once(in_practice, as_professional):
    data = b'Name,Email\nAnn Lee,ann@x.example\n"Lee, Ann",ANN@x.example\n'
    job, outcomes = _import(in_practice, as_professional, "twice.csv", data)
    assert [o.action for o in outcomes] == ["create", "duplicate"]
    assert outcomes[1].reason.startswith("Same person as line 2")
    run(job, by=as_professional)
    assert Person.objects.count() == 1


def test_a_bad_row_is_reported_with_its_line_and_does_not_stop_the_good_ones(
    in_practice, as_professional
):
    data = b"First,Last,Email,Category\nAnn,Lee,ann@x.example,client\n,,nobody@x.example,\nBo,Ray,broken@,\nCy,Fox,cy@x.example,vip\nDee,Park,dee@x.example,Prospect\n"
    job, outcomes = _import(in_practice, as_professional, "mixed.csv", data)
    problems = {(p["line"], p["reason"]) for p in job.problems}
    assert (3, "No name: give at least a first or a last name.") in problems
    assert (4, "“broken@” is not a valid e-mail address.") in problems
    assert (5, "“vip” is not a category: use contact, prospect, client or partner.") in problems
    run(job, by=as_professional)
    job.refresh_from_db()
    assert (job.created, job.failed, job.status) == (2, 3, ImportJob.Status.DONE)
    assert Person.objects.get(last_name="Lee").category == "client"
    assert Person.objects.get(last_name="Park").category == "prospect"


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(in_practice, as_professional):
    data = b"First,Last,Email\nAnn,Lee,ann@x.example\nBo,Ray,broken@\n"
    job, _ = _import(in_practice, as_professional, "mixed.csv", data, all_or_nothing=True)
    with pytest.raises(ValidationError) as refused:
        run(job, by=as_professional)
    assert "nothing was imported" in str(refused.value)
    assert not Person.objects.exists()


def test_all_or_nothing_imports_everything_when_every_row_is_good(in_practice, as_professional):
    job, _ = _import(in_practice, as_professional, "c.csv", EXCEL_CSV, all_or_nothing=True)
    run(job, by=as_professional)
    assert Person.objects.count() == 3


def test_a_csv_without_a_name_column_is_refused_naming_the_columns_found(
    in_practice, as_professional
):
    job = start_import(
        in_practice, "odd.csv", b"Email,Phone\na@x.example,123\n", by=as_professional
    )
    with pytest.raises(ValidationError) as refused:
        preview(job)
    assert "needs a name" in str(refused.value) and "“Email”, “Phone”" in str(refused.value)
    assert not Person.objects.exists()


def test_a_vcard_with_no_name_is_reported_and_skipped(in_practice, as_professional):
    job, outcomes = _import(in_practice, as_professional, "x.vcf", NAMELESS_VCF + APPLE_VCF)
    assert outcomes[0].action == "error" and "no name" in outcomes[0].reason
    run(job, by=as_professional)
    assert Person.objects.count() == 2


def test_a_huge_file_is_refused_before_it_is_read(in_practice, as_professional):
    with pytest.raises(ValidationError) as refused:
        start_import(in_practice, "big.csv", b"Name\nAnn\n", by=as_professional, size=200 * 2**20)
    assert "is 200 MB; files up to 50 MB can be imported" in str(refused.value)
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4, bytes(range(256)) * 40],
    ids=["xlsx", "random-bytes"],
)
def test_a_binary_file_named_csv_is_refused(in_practice, as_professional, data):
    with pytest.raises(ValidationError) as refused:
        start_import(in_practice, "contacts.csv", data, by=as_professional)
    assert "is not a text file" in str(refused.value)


def test_imported_people_have_an_audit_entry_each(in_practice, as_professional):
    job, _ = _import(in_practice, as_professional, "contacts.csv", EXCEL_CSV)
    run(job, by=as_professional)
    ann = Person.objects.get(last_name="Lee")
    entry = AuditEntry.objects.get(model_label="people.person", object_id=ann.pk)
    assert entry.action == "created" and entry.actor == as_professional
    assert entry.changes["organization"] == [None, "Lee, Park & Co"]


@pytest.mark.parametrize(
    ("full", "expected"),
    [
        ("Ann Lee", ("Ann", "Lee")),
        ("Lee, Ann", ("Ann", "Lee")),
        ("Cher", ("", "Cher")),
        ("Mary Ann  van Dyke", ("Mary Ann van", "Dyke")),
    ],
)
def test_full_names_are_split_into_first_and_last(full, expected):
    assert importing.split_name(full) == expected
