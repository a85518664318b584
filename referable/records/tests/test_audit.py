import pytest
from django.urls import reverse

from referable.people import services as people_services
from referable.people.models import Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.models import PracticeOwned
from referable.practices.tenancy import acting_as, practice_scope
from referable.records.audit import audited_models
from referable.records.models import AuditEntry, ImportJob

pytestmark = pytest.mark.django_db


def _entries(person_or_label, object_id=None):
    if object_id is None:
        label, object_id = "people.person", person_or_label.pk
    else:
        label = person_or_label
    return list(AuditEntry.objects.filter(model_label=label, object_id=object_id).order_by("id"))


def test_creating_a_person_records_who_and_the_values(in_practice, professional):
    with acting_as(professional):
        person = make_person(in_practice, first_name="Ann", last_name="Lee", organization="Acme")
    [entry] = _entries(person)
    assert entry.action == "created" and entry.actor == professional
    assert entry.changes["first_name"] == [None, "Ann"]
    assert entry.changes["organization"] == [None, "Acme"]
    assert "updated_at" not in entry.changes and entry.object_repr == "Ann Lee"


def test_changing_a_person_records_the_values_before_and_after_and_only_those(
    in_practice, professional
):
    person = make_person(in_practice, first_name="Ann", last_name="Lee", city="Boston")
    with acting_as(professional):
        people_services.update_person(person, {"city": "Salem", "title": "CFO"})
    entry = _entries(person)[-1]
    assert entry.action == "changed" and entry.actor == professional
    assert entry.changes == {"city": ["Boston", "Salem"], "title": ["", "CFO"]}


def test_saving_without_a_change_records_nothing(in_practice):
    person = make_person(in_practice)
    before = AuditEntry.objects.count()
    Person.objects.get(pk=person.pk).save()
    assert AuditEntry.objects.count() == before


def test_a_deleted_person_keeps_their_trail_with_the_last_values(in_practice, owner):
    person = make_person(in_practice, first_name="Ann", last_name="Lee")
    other = make_person(in_practice)
    connection_id, person_id = make_connection(person, other).pk, person.pk
    with acting_as(owner):
        people_services.delete_person(person)
    entries = _entries("people.person", person_id)
    assert [e.action for e in entries] == ["created", "deleted"]
    assert entries[-1].actor == owner and entries[-1].changes["last_name"] == ["Lee", None]
    assert _entries("people.connection", connection_id)[-1].action == "deleted"


def test_a_command_without_a_user_is_recorded_as_the_system(in_practice):
    person = make_person(in_practice)
    assert _entries(person)[0].actor is None and _entries(person)[0].actor_label == "system"


def test_every_practice_owned_model_is_followed_except_the_trail_itself_and_job_progress():
    followed = set(audited_models())
    owned = {m for m in __import__("django").apps.apps.get_models() if issubclass(m, PracticeOwned)}
    assert owned - followed == {AuditEntry, ImportJob}


def test_deleting_a_whole_practice_writes_no_trail_for_it(practice):
    make_person(practice)
    with practice_scope(practice):
        practice.delete()
    assert not AuditEntry.objects.with_scopes_disabled().filter(practice_id=practice.pk).exists()


def test_the_history_page_shows_each_change_with_before_and_after(
    client_for, practice, professional
):
    person = make_person(practice, first_name="Ann", last_name="Lee", city="Boston")
    with practice_scope(practice), acting_as(professional):
        people_services.update_person(person, {"city": "Salem"})
    web = client_for(professional)
    page = web.get(reverse("records:history"), {"model": "people.person", "id": person.pk})
    assert page.status_code == 200
    assert "Boston" in page.text and "Salem" in page.text and str(professional) in page.text
    partial = web.get(
        reverse("records:history"),
        {"model": "people.person", "id": person.pk},
        headers={"HX-Request": "true"},
    )
    assert partial.text.lstrip().startswith('<div id="history"')


def test_the_person_page_links_to_their_history(client_for, practice, professional):
    person = make_person(practice)
    page = client_for(professional).get(reverse("people:detail", args=[person.pk]))
    assert f"/records/history/?model=people.person&amp;id={person.pk}" in page.text


def test_a_deleted_objects_history_stays_readable(client_for, practice, owner):
    person = make_person(practice, first_name="Gone", last_name="Away")
    person_id = person.pk
    with practice_scope(practice), acting_as(owner):
        people_services.delete_person(person)
    page = client_for(owner).get(
        reverse("records:history"), {"model": "people.person", "id": person_id}
    )
    assert page.status_code == 200 and "deleted" in page.text and "Away" in page.text


def test_another_practices_history_is_not_found(client_for, practice, outsider):
    person = make_person(practice)
    stranger = client_for(outsider)
    page = stranger.get(reverse("records:history"), {"model": "people.person", "id": person.pk})
    assert page.status_code == 404
    assert (
        stranger.get(reverse("records:history"), {"model": "auth.group", "id": 1}).status_code
        == 404
    )
