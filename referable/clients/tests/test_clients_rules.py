"""The services: engagements, check-ins, trust, the relationship, profiles and asks — and
the bad inputs, which must leave nothing half-saved."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from referable.clients import ladder, queries, services
from referable.clients.models import (
    CheckIn,
    Client,
    Expectation,
    ExpectationRating,
    LadderSettings,
    RelationshipAgreement,
    Script,
    ServiceTier,
)
from referable.clients.tests.factories import (
    check_in,
    days_ago,
    make_client,
    make_expectation,
    make_profile,
    ready_client,
)
from referable.people import services as people_services
from referable.people.models import Person
from referable.people.tests.factories import make_connection, make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db


def test_a_person_becomes_a_client_with_the_default_tiers(practice, professional):
    client = make_client(practice, professional)
    with practice_scope(practice):
        assert [t.name for t in ServiceTier.objects.all()] == ["Top", "A", "B", "C"]
        assert client.tier.name == "C"
        assert Person.objects.get(pk=client.person_id).category == "client"


def test_a_person_cannot_become_a_client_twice(practice, professional):
    client = make_client(practice, professional)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.create_client(practice, client.person, {"owner": professional})
    assert "already a client" in exc.value.message_dict["person"][0]


def test_the_owner_must_be_a_professional_of_the_practice(practice, make_user, outsider):
    person = make_person(practice)
    assistant = make_user(Role.ASSISTANT)
    for owner in (assistant, outsider):
        with practice_scope(practice), pytest.raises(ValidationError) as exc:
            services.create_client(practice, person, {"owner": owner})
        assert "owner" in exc.value.message_dict
    with practice_scope(practice):
        assert not Client.objects.exists()
        assert Person.objects.get(pk=person.pk).category == "contact"


def test_a_check_in_rates_each_expectation_and_keeps_the_latest(practice, professional):
    client = make_client(practice, professional)
    first = make_expectation(client, "A call back within a day")
    second = make_expectation(client, "Plain-language reports")
    check_in(client, {first.pk: "meeting", second.pk: "below"}, held_on=days_ago(60))
    check_in(client, {first.pk: "exceeding"}, overall="exceeding", held_on=days_ago(5))
    # an older check-in entered later does not overwrite the newer rating
    check_in(client, {first.pk: "below"}, held_on=days_ago(90))
    with practice_scope(practice):
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.latest_rating, second.latest_rating) == ("exceeding", "below")
        client.refresh_from_db()
        assert client.rung == ladder.EARN_TRUST and client.next_ask["guardrail"] == "below"


def test_removing_a_check_in_restores_the_previous_rating(practice, professional):
    client = make_client(practice, professional)
    expectation = make_expectation(client)
    check_in(client, {expectation.pk: "meeting"}, held_on=days_ago(60))
    latest = check_in(client, {expectation.pk: "below"}, held_on=days_ago(5))
    with practice_scope(practice):
        services.remove_check_in(latest)
        expectation.refresh_from_db()
        assert expectation.latest_rating == "meeting"


def test_a_rating_for_another_clients_expectation_is_refused_and_nothing_saved(
    practice, professional
):
    mine, theirs = make_client(practice, professional), make_client(practice, professional)
    own = make_expectation(mine)
    foreign = make_expectation(theirs)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.record_check_in(mine, {own.pk: "meeting", foreign.pk: "below"}, overall="meeting")
    assert "not one of" in exc.value.message_dict["ratings"][0]
    with practice_scope(practice):
        assert not CheckIn.objects.exists() and not ExpectationRating.objects.exists()


def test_a_check_in_dated_in_the_future_is_refused(practice, professional):
    client = make_client(practice, professional)
    expectation = make_expectation(client)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.record_check_in(
            client,
            {expectation.pk: "meeting"},
            overall="meeting",
            held_on=practice_today() + timedelta(days=3),
        )
    assert "future" in exc.value.message_dict["held_on"][0]
    with practice_scope(practice):
        assert not CheckIn.objects.exists()
        assert Expectation.objects.get().latest_rating == ""


def test_an_unknown_rating_is_refused(practice, professional):
    client = make_client(practice, professional)
    expectation = make_expectation(client)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.record_check_in(client, {expectation.pk: "superb"}, overall="meeting")
    assert "not a rating" in exc.value.message_dict["ratings"][0]


def test_a_threshold_out_of_range_is_refused_and_nothing_changes(practice, owner):
    with practice_scope(practice):
        services.ladder_settings_for(practice)
        for bad in ({"trust_threshold": 101}, {"trust_threshold": -1}, {"max_requests": 0}):
            with pytest.raises(ValidationError) as exc:
                services.save_settings(practice, bad)
            assert set(exc.value.message_dict) == set(bad)
        with pytest.raises(ValidationError) as exc:
            services.save_settings(practice, {"recommendation_trust": 90, "introduction_trust": 80})
        assert "introduction_trust" in exc.value.message_dict
        assert LadderSettings.objects.get().trust_threshold == 50


def test_an_agreement_for_a_non_client_is_refused(practice, professional):
    person = make_person(practice)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.record_agreement(person, answer="agreed")
    assert "make this person a client first" in exc.value.message_dict["client"][0]
    with practice_scope(practice):
        assert not RelationshipAgreement.objects.exists()


def test_the_relationship_answer_moves_the_client_up_the_ladder(practice, professional):
    client = ready_client(practice, professional)
    assert client.rung == ladder.ASK_RELATIONSHIP
    with practice_scope(practice):
        services.record_agreement(client, answer="agreed", asked_on=days_ago(200))
        client.refresh_from_db()
        assert client.rung == ladder.SHARE_PROFILE


def test_a_decline_starts_the_cool_down(practice, professional):
    client = ready_client(practice, professional)
    with practice_scope(practice):
        services.record_agreement(client, answer="declined")
        client.refresh_from_db()
    assert client.rung == ladder.NONE and client.next_ask["guardrail"] == "cooldown"


def test_an_introduction_to_a_do_not_contact_person_cannot_be_recorded(practice, professional):
    client = ready_client(practice, professional)
    friend = make_person(practice, do_not_contact=True, do_not_contact_reason="Moved abroad")
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.record_ask(client, kind="introduction", answer="agreed", person=friend)
    assert "asked not to be contacted" in exc.value.message_dict["person"][0]


def test_the_full_ladder_ends_with_a_named_introduction(practice, professional):
    client = ready_client(practice, professional)
    profile = make_profile(practice)
    friend = make_person(practice, first_name="Amy", last_name="Lewis", title="Controller")
    make_connection(client.person, friend, sentiment="positive", closeness=5)
    with practice_scope(practice):
        services.record_agreement(client, answer="agreed", asked_on=days_ago(300))
        services.share_profile(client, profile, shared_on=days_ago(200))
        client.refresh_from_db()
        assert client.rung == ladder.PROPOSE_INTRODUCTION
        assert client.next_ask["proposal"]["name"] == "Amy Lewis"
        assert client.next_ask["proposal"]["method"] == "lunch"
        services.record_ask(
            client, kind="introduction", answer="agreed", person=friend, method="lunch"
        )
        client.refresh_from_db()
        assert client.next_ask["proposal"] is None


def test_people_changes_mark_clients_stale_and_the_book_refreshes_them(practice, professional):
    client = ready_client(practice, professional)
    friend = make_person(practice, title="Controller")
    with practice_scope(practice):
        assert Client.objects.get().rung_computed_on is not None
    make_connection(client.person, friend)
    with practice_scope(practice):
        assert Client.objects.get().rung_computed_on is None
        assert services.refresh_ladder(Client.objects.all(), only_stale=True) == 1
        assert services.refresh_ladder(Client.objects.all(), only_stale=True) == 0
        people_services.update_person(friend, {"do_not_contact": True})
        assert Client.objects.get().rung_computed_on is None


def test_a_script_that_says_referral_or_corners_is_refused(practice, owner):
    with practice_scope(practice):
        for text in ("Any referrals for me?", "Who do you know who needs us?"):
            with pytest.raises(ValidationError) as exc:
                services.save_script(
                    practice, {"name": "Bad", "purpose": "relationship", "text": text}
                )
            assert "text" in exc.value.message_dict
        assert not Script.objects.filter(name="Bad").exists()


def test_one_default_script_per_purpose(practice):
    with practice_scope(practice):
        services.ensure_scripts(practice)
        services.save_script(
            practice,
            {
                "name": "Mine",
                "purpose": "relationship",
                "text": "{client}, shall we?",
                "is_default": True,
            },
        )
        assert list(
            Script.objects.filter(purpose="relationship", is_default=True).values_list(
                "name", flat=True
            )
        ) == ["Mine"]
        assert queries.default_scripts()["relationship"] == "{client}, shall we?"


def test_a_tier_in_use_cannot_be_removed(practice, professional):
    client = make_client(practice, professional)
    with practice_scope(practice), pytest.raises(ValidationError) as exc:
        services.remove_tier(client.tier)
    assert "move them to another tier" in exc.value.message_dict["tier"][0]


def test_promises_from_the_introductions_area_count_when_it_offers_them(
    practice, professional, monkeypatch
):
    client = make_client(practice, professional)
    monkeypatch.setattr(queries, "promises_for", lambda ids: {client.person_id: (0, 3)})
    with practice_scope(practice):
        assessment = queries.assess(client, today=practice_today())
    assert any(r.text == "3 promise(s) missed" for r in assessment.trust.reasons)


def test_the_ladder_command_recomputes_every_client(practice, professional, capsys):
    make_client(practice, professional)
    with practice_scope(practice):
        Client.objects.update(rung_computed_on=None)
    call_command("ladder", practice=practice.slug)
    assert "1 client(s)" in capsys.readouterr().out
    with practice_scope(practice):
        assert Client.objects.get().rung_computed_on is not None


def test_next_asks_for_answers_many_clients_in_constant_queries(
    practice, professional, django_assert_max_num_queries
):
    for _ in range(3):
        ready_client(practice, professional)
    with practice_scope(practice), django_assert_max_num_queries(14):
        asks = queries.next_asks_for(Client.objects.all(), today=practice_today())
    assert {a.rung for a in asks.values()} == {ladder.ASK_RELATIONSHIP}
    for _ in range(5):
        ready_client(practice, professional)
    with practice_scope(practice), django_assert_max_num_queries(14):
        assert len(queries.next_asks_for(Client.objects.all(), today=practice_today())) == 8


def test_a_whole_practice_can_be_deleted_with_its_clients(practice, professional):
    ready_client(practice, professional)
    with practice_scope(practice):
        practice.delete()
        assert not Client.objects.exists()
