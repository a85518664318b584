"""What each role may do with people, enforced by the server."""

import pytest
from django.urls import reverse

from referable.people.models import Person
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db

EDIT = {
    "first_name": "Ann",
    "last_name": "Changed",
    "emails": "",
    "phones": "",
    "category": "contact",
    "legal_basis": "",
    "source": "",
}


@pytest.mark.parametrize(
    "role,can_edit,can_delete",
    [
        (Role.OWNER, True, True),
        (Role.MANAGER, True, True),
        (Role.PROFESSIONAL, True, True),
        (Role.ASSISTANT, True, False),
        (Role.COMPLIANCE, False, False),
    ],
)
def test_each_role_reads_edits_and_deletes_people_as_allowed(
    client_for, make_user, practice, role, can_edit, can_delete
):
    user = practice.users.get(role=Role.OWNER) if role == Role.OWNER else make_user(role)
    web = client_for(user)
    person = make_person(practice, first_name="Ann", last_name="Lee")
    assert web.get(reverse("people:detail", args=[person.pk])).status_code == 200
    assert web.get(reverse("people:list")).status_code == 200

    edited = web.post(reverse("people:edit", args=[person.pk]), EDIT)
    assert edited.status_code == (302 if can_edit else 403)
    created = web.post(reverse("people:create"), {**EDIT, "last_name": "New"})
    assert created.status_code == (302 if can_edit else 403)
    merged = web.post(reverse("people:merge", args=[person.pk]), {"duplicate": person.pk})
    assert merged.status_code == (200 if can_delete else 403)
    deleted = web.post(reverse("people:delete", args=[person.pk]))
    assert deleted.status_code == (302 if can_delete else 403)
    with practice_scope(practice):
        assert Person.objects.filter(pk=person.pk).exists() != can_delete
        assert Person.objects.filter(last_name="New").exists() == can_edit


def test_pages_hide_what_the_role_may_not_do(client_for, make_user, practice):
    person = make_person(practice)
    reviewer = (
        client_for(make_user(Role.COMPLIANCE)).get(reverse("people:detail", args=[person.pk])).text
    )
    assistant = (
        client_for(make_user(Role.ASSISTANT)).get(reverse("people:detail", args=[person.pk])).text
    )
    assert "Add a connection" not in reviewer and ">Edit<" not in reviewer
    assert "Add a connection" in assistant and "Merge a duplicate" not in assistant


def test_anonymous_visitors_are_sent_to_log_in(client, practice):
    person = make_person(practice)
    response = client.get(reverse("people:detail", args=[person.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
