import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from referable.people import services
from referable.people.models import Connection, EmailAddress, Person, ResearchBrief
from referable.people.queries import connections_of, search_people
from referable.people.tests.factories import make_connection, make_person
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


def test_a_person_needs_a_first_or_last_name(in_practice):
    with pytest.raises(ValidationError) as exc:
        services.create_person(in_practice, {"first_name": " ", "last_name": ""})
    assert "last_name" in exc.value.message_dict
    assert Person.objects.count() == 0


def test_an_invalid_email_is_refused_naming_the_address_and_nothing_is_saved(in_practice):
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            in_practice, {"last_name": "Ng"}, emails=["ok@example.com", "not-an-email"]
        )
    assert "not-an-email" in exc.value.message_dict["emails"][0]
    assert Person.objects.count() == 0 and EmailAddress.objects.count() == 0


@pytest.mark.parametrize("phone", ["12", "call me maybe", "+1 555 0100 0000 0000 0000"])
def test_an_invalid_phone_is_refused(in_practice, phone):
    with pytest.raises(ValidationError) as exc:
        services.create_person(in_practice, {"last_name": "Ng"}, phones=[phone])
    assert "phones" in exc.value.message_dict
    assert Person.objects.count() == 0


def test_over_long_fields_are_refused(in_practice):
    with pytest.raises(ValidationError) as exc:
        services.create_person(in_practice, {"last_name": "x" * 101})
    assert "last_name" in exc.value.message_dict


def test_emails_are_lowercased_and_deduplicated(in_practice):
    person = services.create_person(
        in_practice,
        {"last_name": "Ng"},
        emails=["A@Example.com", "a@example.com "],
        phones=["+1 (202) 555-0143 ext. 12"],
    )
    assert [e.address for e in person.emails.all()] == ["a@example.com"]
    assert person.phones.get().normalized == "+12025550143"


def test_search_matches_name_organization_and_email_in_any_case(in_practice):
    ada = make_person(
        in_practice,
        first_name="Ada",
        last_name="Lovelace",
        organization="Analytical Engines",
        emails=["ada@engines.example"],
    )
    make_person(in_practice, first_name="Charles", last_name="Babbage")
    assert list(search_people("lovelace")) == [ada]
    assert list(search_people("ANALYTICAL")) == [ada]
    assert list(search_people("engines.example")) == [ada]
    assert list(search_people("ada analytical")) == [ada]
    assert list(search_people("nobody")) == []


def test_a_connection_is_one_row_shown_from_both_sides(in_practice):
    a, b = make_person(in_practice), make_person(in_practice)
    connection = make_connection(b, a, kind=Connection.Kind.COWORKER)
    assert list(connections_of(a)) == [connection] == list(connections_of(b))
    assert connection.other(a) == b and connection.other(b) == a
    assert connection.person_a_id < connection.person_b_id


def test_a_second_connection_for_the_same_pair_is_refused(in_practice):
    a, b = make_person(in_practice), make_person(in_practice)
    make_connection(a, b)
    with pytest.raises(ValidationError) as exc:
        make_connection(b, a)
    assert "already connected" in exc.value.message_dict["other"][0]
    assert Connection.objects.count() == 1


def test_a_person_cannot_be_connected_to_themselves(in_practice):
    a = make_person(in_practice)
    with pytest.raises(ValidationError) as exc:
        make_connection(a, a)
    assert "themselves" in exc.value.message_dict["other"][0]


def test_closeness_must_be_between_1_and_5(in_practice):
    a, b = make_person(in_practice), make_person(in_practice)
    with pytest.raises(ValidationError) as exc:
        make_connection(a, b, closeness=6)
    assert "closeness" in exc.value.message_dict
    assert Connection.objects.count() == 0


def test_people_of_two_practices_cannot_be_connected(in_practice, other_practice):
    a = make_person(in_practice)
    stranger = make_person(other_practice)
    with pytest.raises(ValidationError):
        services.connect(a, stranger, {"kind": "friend"})


def test_merge_moves_contact_points_connections_and_brief_and_deletes_the_duplicate(in_practice):
    keep = make_person(in_practice, first_name="Ann", last_name="Lee", emails=["ann@a.example"])
    dup = make_person(
        in_practice,
        first_name="Ann",
        last_name="Lee",
        organization="Acme",
        emails=["ANN@a.example", "ann@b.example"],
        phones=["+1 202 555 0100"],
        do_not_contact=True,
        do_not_contact_reason="Asked by phone",
    )
    friend, colleague, source = (
        make_person(in_practice),
        make_person(in_practice),
        make_person(in_practice),
    )
    make_connection(keep, friend, closeness=2)
    make_connection(dup, friend, closeness=5)
    make_connection(dup, colleague, told_by=source)
    make_connection(keep, dup)
    services.save_research_brief(dup, {"market": "Regional"})

    result = services.merge_people(keep, dup)

    keep.refresh_from_db()
    assert not Person.objects.filter(pk=dup.pk).exists()
    assert sorted(e.address for e in keep.emails.all()) == ["ann@a.example", "ann@b.example"]
    assert keep.phones.count() == 1 and keep.organization == "Acme"
    assert keep.do_not_contact and keep.do_not_contact_reason == "Asked by phone"
    others = {c.other(keep): c for c in connections_of(keep)}
    assert set(others) == {friend, colleague}
    assert others[friend].closeness == 5, "the closer of two connections survives"
    assert others[colleague].told_by == source
    assert ResearchBrief.objects.get(person=keep).market == "Regional"
    assert result.moved_connections == 2
    assert list(search_people("ann@b.example")) == [keep]


def test_a_person_cannot_be_merged_with_themselves(in_practice):
    a = make_person(in_practice)
    with pytest.raises(ValidationError) as exc:
        services.merge_people(a, a)
    assert "duplicate" in exc.value.message_dict


def test_merge_repoints_rows_that_name_the_duplicate_as_source(in_practice):
    keep, dup = make_person(in_practice), make_person(in_practice)
    passed_on = make_person(in_practice, source_person=dup)
    services.merge_people(keep, dup)
    passed_on.refresh_from_db()
    assert passed_on.source_person == keep


def test_do_not_contact_records_since_when(in_practice):
    person = make_person(in_practice, do_not_contact=True, do_not_contact_reason="By letter")
    assert person.do_not_contact_since is not None
    assert "asked not to be contacted (since" in person.do_not_contact_message()
    services.update_person(person, {"do_not_contact": False})
    assert person.do_not_contact_since is None


def test_deleting_a_person_deletes_their_connections_but_not_the_other_person(in_practice):
    a, b = make_person(in_practice), make_person(in_practice)
    make_connection(a, b)
    services.delete_person(a)
    assert Connection.objects.count() == 0
    assert Person.objects.filter(pk=b.pk).exists()


def test_research_brief_is_created_then_updated(in_practice):
    person = make_person(in_practice)
    services.save_research_brief(person, {"industry": "Dental", "competitors": "Two chains"})
    brief = services.save_research_brief(person, {"industry": "Dental groups"})
    assert ResearchBrief.objects.count() == 1
    assert brief.industry == "Dental groups" and brief.competitors == "Two chains"


def test_domain_queries_outside_a_practice_scope_fail_loudly(practice):
    from django_scopes.exceptions import ScopeError

    with pytest.raises(ScopeError):
        list(Person.objects.all())
    with pytest.raises(ValueError), practice_scope(None):
        pass


def test_a_practice_scope_never_shows_another_practices_people(practice, other_practice):
    mine = make_person(practice)
    make_person(other_practice)
    with practice_scope(practice):
        assert list(Person.objects.all()) == [mine]


def test_search_finds_words_inside_names_accents_and_punctuation(in_practice):
    jose = make_person(
        in_practice, first_name="José", last_name="O'Brien", organization="Pioneer Dental Group"
    )
    assert list(search_people("jose")) == [jose]
    assert list(search_people("obrien")) == [jose]
    assert list(search_people("o'brien")) == [jose]
    assert list(search_people("dental pio")) == [jose]
    assert list(search_people("dental zzz")) == []


def test_a_narrow_search_sorts_its_matches_as_a_broad_one_walks_them(in_practice, monkeypatch):
    from referable.people import queries

    for first, last in [("Zoe", "Smith"), ("Adam", "Smithers"), ("Bea", "Smith"), ("Al", "Jones")]:
        make_person(in_practice, first_name=first, last_name=last)
    assert queries._few_matching_ids(["smith"]) is not None
    sorted_matches = list(search_people("smith"))
    two_words = list(search_people("smith b"))
    monkeypatch.setattr(queries, "NARROW", 3)
    assert queries._few_matching_ids(["smith"]) is None
    assert queries._few_matching_ids(["jones"]) is not None
    walked = list(search_people("smith"))
    assert [p.sort_name for p in sorted_matches] == ["smith bea", "smith zoe", "smithers adam"]
    assert walked == sorted_matches
    # "smith" alone finds too many people here, but not together with "b"
    assert queries._few_matching_ids(["smith", "b"]) == [two_words[0].pk]
    assert [p.sort_name for p in two_words] == ["smith bea"]


def test_search_follows_edits_and_merges(in_practice):
    person = make_person(in_practice, last_name="Before", emails=["old@x.example"])
    services.update_person(person, {"last_name": "After"}, emails=["new@y.example"])
    assert list(search_people("before")) == [] and list(search_people("old")) == []
    assert list(search_people("after new")) == [person]


@given(
    first=st.text(max_size=20),
    last=st.text(min_size=1, max_size=20),
    cut=st.integers(min_value=1, max_value=6),
)
def test_every_prefix_of_every_name_word_is_found(first, last, cut):
    from referable.people.search import prefix_range, query_words, terms_for

    terms = terms_for(first, last, "", [])
    for word in query_words(f"{first} {last}"):
        low, high = prefix_range(word[:cut])
        assert any(low <= term < high for term in terms)
