import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.people.models import Connection, Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def test_people_list_searches_and_pages(web, practice):
    for i in range(30):
        make_person(practice, first_name=f"Zed{i:02d}", last_name="Quinn")
    make_person(practice, first_name="Ada", last_name="Lovelace")
    page = web.get(reverse("people:list"), {"q": "quinn"})
    assert page.status_code == 200
    assert "30 people" in page.text and "Lovelace" not in page.text
    assert "Page 1 of 2" in page.text
    second = web.get(reverse("people:list"), {"q": "quinn", "page": 2})
    assert "Zed29" in second.text


def test_people_search_swaps_only_the_results_with_htmx(web, practice):
    make_person(practice, first_name="Ada", last_name="Lovelace")
    page = web.get(reverse("people:list"), {"q": "ada"}, headers={"HX-Request": "true"})
    assert page.text.lstrip().startswith('<section id="results"')
    assert "Lovelace" in page.text


def test_create_person_shows_errors_next_to_the_field_and_saves_nothing(web, practice):
    page = web.post(
        reverse("people:create"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "emails": "ann@example.com\nbroken@",
            "phones": "",
            "category": "contact",
            "legal_basis": "",
            "source": "",
        },
    )
    assert page.status_code == 200
    assert "“broken@” is not a valid e-mail address." in page.text
    with practice_scope(practice):
        assert not Person.objects.exists()


def test_create_then_edit_a_person(web, practice):
    page = web.post(
        reverse("people:create"),
        {
            "first_name": "Ann",
            "last_name": "Lee",
            "emails": "ann@example.com",
            "phones": "+1 202 555 0100",
            "category": "prospect",
            "legal_basis": "legitimate_interest",
            "source": "introduction",
        },
    )
    with practice_scope(practice):
        person = Person.objects.get()
    assert page.status_code == 302 and page.url == reverse("people:detail", args=[person.pk])
    web.post(
        reverse("people:edit", args=[person.pk]),
        {
            "first_name": "Ann",
            "last_name": "Lee-Smith",
            "emails": "ann@example.com",
            "phones": "",
            "category": "client",
            "legal_basis": "contract",
            "source": "introduction",
        },
    )
    detail = web.get(reverse("people:detail", args=[person.pk]))
    assert "Ann Lee-Smith" in detail.text and "ann@example.com" in detail.text


def test_add_a_connection_with_htmx_and_see_it_from_both_sides(web, practice):
    a = make_person(practice, first_name="Ann", last_name="Lee")
    b = make_person(practice, first_name="Bob", last_name="Ray")
    form = web.get(reverse("people:connection-add", args=[a.pk]), headers={"HX-Request": "true"})
    assert 'name="other_q"' in form.text
    panel = web.post(
        reverse("people:connection-add", args=[a.pk]),
        {
            "other": b.pk,
            "kind": "coworker",
            "closeness": 4,
            "sentiment": "positive",
            "noted_on": "2026-01-05",
        },
        headers={"HX-Request": "true"},
    )
    assert panel.status_code == 200 and panel.text.lstrip().startswith('<section id="connections"')
    assert "Bob Ray" in panel.text
    assert "Ann Lee" in web.get(reverse("people:detail", args=[b.pk])).text


def test_a_duplicate_connection_is_refused_inline(web, practice):
    a, b = make_person(practice), make_person(practice)
    make_connection(a, b)
    page = web.post(
        reverse("people:connection-add", args=[a.pk]),
        {
            "other": b.pk,
            "kind": "friend",
            "closeness": 3,
            "sentiment": "neutral",
            "noted_on": "2026-01-05",
        },
        headers={"HX-Request": "true"},
    )
    assert "already connected" in page.text
    with practice_scope(practice):
        assert Connection.objects.count() == 1


def test_edit_and_remove_a_connection(web, practice):
    a, b = make_person(practice), make_person(practice)
    connection = make_connection(a, b, closeness=2)
    web.post(
        reverse("people:connection-edit", args=[b.pk, connection.pk]),
        {"kind": "family", "closeness": 5, "sentiment": "negative", "noted_on": "2026-01-05"},
        headers={"HX-Request": "true"},
    )
    connection.refresh_from_db()
    assert (connection.kind, connection.closeness, connection.sentiment) == (
        "family",
        5,
        "negative",
    )
    web.post(
        reverse("people:connection-delete", args=[a.pk, connection.pk]),
        headers={"HX-Request": "true"},
    )
    with practice_scope(practice):
        assert not Connection.objects.exists()


def test_edit_the_research_brief_in_place(web, practice):
    person = make_person(practice)
    form = web.get(reverse("people:brief-edit", args=[person.pk]), headers={"HX-Request": "true"})
    assert "Their industry" in form.text
    shown = web.post(
        reverse("people:brief-edit", args=[person.pk]),
        {"industry": "Dental groups", "market": "Regional", "competitors": "", "notes": ""},
        headers={"HX-Request": "true"},
    )
    assert "Dental groups" in shown.text and shown.text.lstrip().startswith('<section id="brief"')


def test_merge_from_the_page(web, practice):
    keep, dup = make_person(practice, last_name="Keep"), make_person(practice, last_name="Dup")
    refused = web.post(reverse("people:merge", args=[keep.pk]), {"duplicate": keep.pk})
    assert "cannot be merged with themselves" in refused.text
    done = web.post(reverse("people:merge", args=[keep.pk]), {"duplicate": dup.pk})
    assert done.status_code == 302
    with practice_scope(practice):
        assert not Person.objects.filter(pk=dup.pk).exists()


def test_lookup_lists_matching_people_as_choices(web, practice):
    make_person(practice, first_name="Ada", last_name="Lovelace")
    page = web.get(reverse("people:lookup"), {"q": "love", "field": "other"})
    assert 'type="radio" name="other"' in page.text and "Ada Lovelace" in page.text


def _queries(web, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        assert web.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_query_count_does_not_grow_with_connections(web, practice):
    person = make_person(practice, phones=["+1 202 555 0100"])
    few = _queries(web, reverse("people:detail", args=[person.pk]))
    for _ in range(25):
        make_connection(person, make_person(practice), told_by=make_person(practice))
    with practice_scope(practice):
        from referable.people import services

        services.save_research_brief(person, {"market": "x"})
    many = _queries(web, reverse("people:detail", args=[person.pk]))
    assert many == few


def test_people_list_query_count_does_not_grow_with_people(web, practice):
    for _ in range(3):
        make_person(practice, phones=["+1 202 555 0100"])
    few = _queries(web, reverse("people:list"))
    for _ in range(40):
        make_person(practice, emails=["a@x.example", "b@x.example"], phones=["+1 202 555 0101"])
    assert _queries(web, reverse("people:list")) == few


def test_choosing_a_duplicate_previews_the_merge_side_by_side(web, practice):
    keep = make_person(practice, first_name="Ann", last_name="Lee", emails=["ann@a.example"])
    dup = make_person(practice, first_name="Ann", last_name="Lee", emails=["ann@b.example"])
    preview = web.get(
        reverse("people:merge", args=[keep.pk]),
        {"duplicate": dup.pk},
        headers={"HX-Request": "true"},
    )
    assert "Merged in, then deleted" in preview.text
    assert "ann@a.example" in preview.text and "ann@b.example" in preview.text
    with practice_scope(practice):
        assert Person.objects.filter(pk=dup.pk).exists(), "a preview changes nothing"
