from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referable.events import services
from referable.events.models import Event, EventAttribution, Invitation
from referable.events.tests.factories import make_event, make_invitation
from referable.introductions.tests.factories import make_referral
from referable.people.models import Person
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def _queries(web, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        assert web.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_plan_an_event_in_my_time_zone_and_refuse_negative_costs(web, practice, professional):
    form = {
        "title": "Wine tasting",
        "kind": "wine_tasting",
        "starts_at": "2027-03-04T18:00",
        "ends_at": "2027-03-04T21:00",
        "venue": "Cellars",
        "capacity": "40",
        "budget": "4000",
        "actual_cost": "-5",
        "currency": "USD",
        "host": professional.pk,
    }
    refused = web.post(reverse("events:create"), form)
    assert refused.status_code == 200 and "A cost cannot be negative." in refused.text
    with practice_scope(practice):
        assert not Event.objects.exists()
    done = web.post(reverse("events:create"), {**form, "actual_cost": ""})
    with practice_scope(practice):
        event = Event.objects.get()
    assert done.status_code == 302
    # 18:00 in New York is 23:00 UTC in March (before daylight saving time)
    assert event.starts_at.astimezone(practice.zone).hour == 18
    assert event.starts_at.hour == 23


def test_the_event_page_lists_invitations_and_results_and_its_queries_do_not_grow(web, practice):
    event = make_event(practice, days=-1, actual_cost=1000)
    make_invitation(event, make_person(practice, first_name="Ann", last_name="Lee"))
    url = reverse("events:detail", args=[event.pk])
    page = web.get(url)
    assert "Ann Lee" in page.text and "Cost per introduction" in page.text
    few = _queries(web, url)
    with practice_scope(practice):
        people = [make_person(practice) for _ in range(30)]
        services.invite(event, people)
    assert _queries(web, url) == few


def test_invite_by_hand_pick_from_the_page_and_refuse_a_do_not_contact_person(web, practice):
    event = make_event(practice)
    ok = make_person(practice, first_name="Ok", last_name="Person")
    blocked = make_person(practice, first_name="No", last_name="Thanks", do_not_contact=True)
    web.post(reverse("events:invite", args=[event.pk]), {"how": "hand_pick", "person": ok.pk})
    refused = web.post(
        reverse("events:invite", args=[event.pk]),
        {"how": "hand_pick", "person": blocked.pk},
        follow=True,
    )
    assert "No Thanks asked not to be contacted" in refused.text
    with practice_scope(practice):
        assert list(Invitation.objects.values_list("person_id", flat=True)) == [ok.pk]


def test_the_guest_list_searches_by_name_with_htmx(web, practice):
    event = make_event(practice)
    make_invitation(event, make_person(practice, first_name="Ann", last_name="Lee"))
    make_invitation(event, make_person(practice, first_name="Bob", last_name="Ray"))
    found = web.get(
        reverse("events:detail", args=[event.pk]), {"q": "ray"}, headers={"HX-Request": "true"}
    )
    assert found.text.lstrip().startswith('<section id="guest-list"')
    assert "Bob Ray" in found.text and "Ann Lee" not in found.text


def test_check_in_at_the_door_and_add_a_guest_with_htmx(web, practice):
    event = make_event(practice, days=0)
    host = make_invitation(event, make_person(practice, first_name="Ann", last_name="Lee"))
    door = web.get(reverse("events:door", args=[event.pk]))
    assert "Arrived" in door.text
    row = web.post(
        reverse("events:check-in", args=[host.pk]), {"arrived": "1"}, headers={"HX-Request": "true"}
    )
    assert row.text.lstrip().startswith(f'<li id="arrival-{host.pk}" class="door-row arrived"')
    form = web.get(reverse("events:guest", args=[host.pk]), headers={"HX-Request": "true"})
    assert "Guest of Ann Lee" in form.text
    added = web.post(
        reverse("events:guest", args=[host.pk]),
        {"first_name": "Gus", "last_name": "Guest", "email": "gus@guest.example", "phone": ""},
        headers={"HX-Request": "true"},
    )
    assert "Gus Guest" in added.text and "guest of Ann Lee" in added.text
    with practice_scope(practice):
        gus = Person.objects.get(first_name="Gus")
        assert gus.category == "prospect"
        assert Invitation.objects.get(person=gus).brought_by_id == host.person_id
    nameless = web.post(
        reverse("events:guest", args=[host.pk]),
        {"first_name": "", "last_name": "", "email": "", "phone": ""},
        headers={"HX-Request": "true"},
    )
    assert "Give the guest&#x27;s name." in nameless.text


def test_confirm_a_proposed_introduction_from_the_page(web, practice):
    event = make_event(practice, days=-3)
    host = make_invitation(event)
    with practice_scope(practice):
        services.check_in(host)
    referral = make_referral(practice, referrer=host.person)
    with practice_scope(practice):
        found = EventAttribution.objects.get(referral=referral)
    page = web.get(reverse("events:detail", args=[event.pk]))
    assert "proposed" in page.text and "The referrer attended" in page.text
    web.post(reverse("events:decide", args=[found.pk]), {"decision": "confirm"})
    found.refresh_from_db()
    assert found.confirmed


def test_the_calendar_file_downloads(web, practice):
    event = make_event(practice, starts_at=timezone.now() + timedelta(days=3))
    response = web.get(reverse("events:ics", args=[event.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VEVENT" in response.content


def test_the_compliance_reviewer_reads_but_cannot_check_in(client_for, make_user, practice):
    reviewer = client_for(make_user(Role.COMPLIANCE))
    event = make_event(practice)
    invitation = make_invitation(event)
    assert reviewer.get(reverse("events:door", args=[event.pk])).status_code == 200
    assert reviewer.post(reverse("events:check-in", args=[invitation.pk])).status_code == 403
    invitation.refresh_from_db()
    assert not invitation.attended


def test_the_door_query_count_does_not_grow_with_the_guest_list(web, practice):
    event = make_event(practice, days=0)
    make_invitation(event)
    url = reverse("events:door", args=[event.pk])
    few = _queries(web, url)
    with practice_scope(practice):
        services.invite(event, [make_person(practice) for _ in range(25)])
        host = Invitation.objects.order_by("id").first()
        services.add_guest(host, new_person={"first_name": "Gus"})
    assert _queries(web, url) == few
