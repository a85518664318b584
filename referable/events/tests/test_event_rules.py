"""Event rules against the database: costs, capacity, do-not-contact, guests who become
prospects, answers and arrivals, and introductions attributed to the event."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.clients.models import ServiceTier
from referable.clients.tests.factories import make_client
from referable.events import services
from referable.events.models import Event, EventAttribution, Invitation
from referable.events.tests.factories import make_event, make_invitation
from referable.introductions.tests.factories import make_referral
from referable.people.models import Connection, EmailAddress, Person
from referable.people.services import existing_connection
from referable.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def test_negative_costs_and_an_end_before_the_start_are_refused(in_practice):
    starts = timezone.now() + timedelta(days=3)
    with pytest.raises(ValidationError) as err:
        services.create_event(
            in_practice,
            {
                "title": "Dinner",
                "starts_at": starts,
                "ends_at": starts - timedelta(hours=1),
                "budget": Decimal("-1"),
                "actual_cost": Decimal("-20"),
            },
        )
    assert set(err.value.message_dict) == {"budget", "actual_cost", "ends_at"}
    assert "cannot be negative" in err.value.message_dict["actual_cost"][0]
    assert not Event.objects.exists()


def test_inviting_a_do_not_contact_person_is_refused_with_the_reason(in_practice):
    event = make_event(in_practice)
    blocked = make_person(
        in_practice,
        first_name="Dora",
        last_name="Quiet",
        do_not_contact=True,
        do_not_contact_reason="Prefers no invitations",
    )
    with pytest.raises(ValidationError) as err:
        services.invite(event, [blocked])
    message = err.value.message_dict["person"][0]
    assert "Dora Quiet asked not to be contacted" in message and "Prefers no invitations" in message
    assert not Invitation.objects.exists()


def test_inviting_over_capacity_is_refused_and_nobody_is_invited(in_practice):
    event = make_event(in_practice, capacity=2)
    people = [make_person(in_practice) for _ in range(3)]
    with pytest.raises(ValidationError) as err:
        services.invite(event, people, method="tier")
    assert "2 places" in err.value.message_dict["capacity"][0]
    assert not Invitation.objects.exists()
    services.invite(event, people[:2])
    services.record_answer(Invitation.objects.get(person=people[0]), "no")
    services.invite(event, [people[2]])  # a decline frees a place
    with pytest.raises(ValidationError):
        services.record_answer(Invitation.objects.get(person=people[0]), "yes")


def test_the_same_person_is_not_invited_twice(in_practice):
    event = make_event(in_practice)
    person = make_person(in_practice)
    services.invite(event, [person])
    with pytest.raises(ValidationError) as err:
        services.invite(event, [person])
    assert "already invited" in err.value.message_dict["person"][0]


def test_by_tier_invites_current_clients_and_says_whom_it_passed_over(in_practice, professional):
    top = ServiceTier.objects.create(practice=in_practice, name="Platinum", position=0)
    keen = make_client(in_practice, professional, tier=top)
    quiet = make_client(
        in_practice,
        professional,
        tier=top,
        person=make_person(in_practice, do_not_contact=True, last_name="Quiet"),
    )
    make_client(in_practice, professional, tier=top, stage="former")
    event = make_event(in_practice)
    result = services.invite_by_tier(event, top)
    assert [i.person_id for i in result.invited] == [keen.person_id]
    assert result.invited[0].method == "tier"
    assert [p.pk for p, _reason in result.skipped] == [quiet.person_id]
    assert "asked not to be contacted" in result.skipped[0][1]


def test_by_rung_invites_the_clients_on_that_rung(in_practice, professional):
    client = make_client(in_practice, professional)
    event = make_event(in_practice)
    result = services.invite_by_rung(event, client.rung)
    assert [i.person_id for i in result.invited] == [client.person_id]
    with pytest.raises(ValidationError) as err:
        services.invite_by_rung(event, "bogus")
    assert "rung" in err.value.message_dict


def test_a_guest_becomes_a_prospect_connected_to_the_client_in_one_step(in_practice):
    event = make_event(in_practice, days=-0.01)
    host = make_invitation(event)
    guest = services.add_guest(
        host,
        new_person={"first_name": "Nora", "last_name": "Bancroft"},
        emails=["nora@bancroft.example"],
    )
    person = guest.person
    assert person.category == Person.Category.PROSPECT
    assert person.source == Person.Source.EVENT and person.source_person_id == host.person_id
    connection = existing_connection(host.person, person)
    assert connection is not None and connection.told_by_id == host.person_id
    assert guest.brought_by_id == host.person_id and guest.attended and guest.answer == "yes"


def test_a_guest_who_is_already_a_person_is_linked_not_duplicated(in_practice):
    event = make_event(in_practice)
    host = make_invitation(event)
    known = make_person(
        in_practice, first_name="Felix", last_name="Ellison", emails=["felix@x.example"]
    )
    guest = services.add_guest(
        host, new_person={"first_name": "Felix", "last_name": "E."}, emails=["FELIX@x.example"]
    )
    assert guest.person_id == known.pk
    assert Person.objects.filter(first_name="Felix").count() == 1
    known.refresh_from_db()
    assert known.category == Person.Category.PROSPECT  # a contact becomes a prospect
    with pytest.raises(ValidationError) as err:
        services.add_guest(host, person=known)
    assert "already on the list" in err.value.message_dict["person"][0]


def test_a_guest_over_capacity_leaves_nothing_half_saved(in_practice):
    event = make_event(in_practice, capacity=1)
    host = make_invitation(event)
    people_before, connections_before = Person.objects.count(), Connection.objects.count()
    with pytest.raises(ValidationError) as err:
        services.add_guest(host, new_person={"first_name": "Extra"}, emails=["extra@x.example"])
    assert "capacity" in err.value.message_dict
    assert Person.objects.count() == people_before
    assert Connection.objects.count() == connections_before
    assert not EmailAddress.objects.filter(address="extra@x.example").exists()
    assert Invitation.objects.count() == 1


def test_a_do_not_contact_guest_is_refused_with_the_reason(in_practice):
    event = make_event(in_practice)
    host = make_invitation(event)
    make_person(
        in_practice, emails=["no@x.example"], do_not_contact=True, do_not_contact_reason="Asked us"
    )
    with pytest.raises(ValidationError) as err:
        services.add_guest(host, new_person={"first_name": "No"}, emails=["no@x.example"])
    assert "Asked us" in err.value.message_dict["person"][0]


def test_arriving_at_the_door_answers_yes_and_can_be_undone(in_practice):
    event = make_event(in_practice, days=0)
    invitation = make_invitation(event)
    services.check_in(invitation)
    assert invitation.attended and invitation.answer == "yes" and invitation.arrived_at
    services.check_in(invitation, arrived=False)
    assert not invitation.attended and invitation.arrived_at is None


def test_a_referral_from_a_guests_introduction_is_proposed_for_the_event(in_practice):
    event = make_event(in_practice, days=-10)
    host = make_invitation(event)
    guest = services.add_guest(host, new_person={"first_name": "Irene", "last_name": "Marsh"})
    referral = make_referral(in_practice, referrer=host.person, prospect=guest.person)
    found = EventAttribution.objects.get(referral=referral)
    assert found.event_id == event.pk and found.how == "proposed" and not found.confirmed
    assert services.results(event).introductions == 0
    services.confirm_attribution(found)
    assert services.results(event).introductions == 1


def test_the_practice_sets_the_window(in_practice):
    event = make_event(in_practice, days=-40)
    host = make_invitation(event)
    services.check_in(host)
    services.save_event_settings(in_practice, {"attribution_window_days": 30})
    late = make_referral(in_practice, referrer=host.person)
    assert not EventAttribution.objects.filter(referral=late).exists()
    services.save_event_settings(in_practice, {"attribution_window_days": 60})
    assert [a.referral_id for a in services.propose_attributions(event)] == [late.pk]
    assert services.propose_attributions(event) == []  # nothing proposed twice


def test_attribute_by_hand_dismiss_and_cost_per_introduction(in_practice):
    event = make_event(in_practice, days=-5, actual_cost=Decimal("3000"))
    first = make_referral(in_practice)
    second = make_referral(in_practice, prospect=make_person(in_practice))
    services.attribute(first, event)
    found = services.attribute(second, event)
    assert found.how == "manual" and found.confirmed
    assert services.results(event).cost_per_introduction == Decimal("1500.00")
    services.dismiss_attribution(found)
    assert services.results(event).cost_per_introduction == Decimal("3000.00")
    before = make_referral(in_practice, prospect=make_person(in_practice))
    later = make_event(in_practice, days=1)
    with pytest.raises(ValidationError) as err:
        services.attribute(before, later)
    assert "before" in err.value.message_dict["event"][0]


def test_capacity_cannot_drop_below_the_places_taken(in_practice):
    event = make_event(in_practice, capacity=5)
    services.invite(event, [make_person(in_practice) for _ in range(3)])
    with pytest.raises(ValidationError) as err:
        services.update_event(event, {"capacity": 2})
    assert "capacity" in err.value.message_dict


def test_the_agenda_learns_when_each_client_last_came_to_an_event(in_practice, professional):
    from referable.events.queries import attended_by_clients

    client = make_client(in_practice, professional)
    older, newer = make_event(in_practice, days=-90), make_event(in_practice, days=-10)
    for event in (older, newer):
        services.check_in(make_invitation(event, client.person))
    make_invitation(make_event(in_practice, days=-5), client.person)  # invited, did not come
    assert attended_by_clients([client.pk]) == [(client.pk, newer.starts_at)]
