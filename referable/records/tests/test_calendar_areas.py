"""The calendar feed with the areas' real providers: a professional's exact-time calls,
the partner lunches they keep up, and the practice's events — nobody else's."""

from datetime import date, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from referable.events.tests.factories import make_event
from referable.introductions import services as introductions
from referable.introductions.tests.factories import make_referral
from referable.partners import services as partners
from referable.partners.tests.factories import make_partner
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db


def _feed(client_for, client, user) -> dict:
    page = client_for(user).post(reverse("records:calendar-issue"))
    url = page.context["new_url"].removeprefix("http://testserver")
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


def _call(practice, user, *, at):
    prospect = make_person(practice, category="prospect", first_name="Paul", last_name="Lee")
    referral = make_referral(practice, prospect=prospect, by=user)
    with practice_scope(practice):
        return introductions.schedule_call(
            referral, kind="exact_time_call", at=at, by=user, invite=False
        )


def test_the_feed_has_the_users_calls_lunches_due_and_held_and_the_events(
    client_for, client, practice, professional
):
    at = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    call = _call(practice, professional, at=at)
    partner = make_partner(practice, owner=professional, cadence_days=90)
    with practice_scope(practice):
        partners.log_meeting(partner, kind="lunch", held_on=practice_today() - timedelta(days=20))
    event = make_event(practice, days=10, title="Cinema night")

    items = _feed(client_for, client, professional)

    exact = items["Call Paul Lee (promised in the letter of introduction)"]
    assert str(exact["uid"]) == call.uid
    assert exact.decoded("dtstart") == at
    assert exact.decoded("dtend") - exact.decoded("dtstart") == timedelta(minutes=30)
    due = next(e for s, e in items.items() if s.startswith("Lunch due with"))
    assert due.decoded("dtstart") == practice_today() + timedelta(days=70)
    held = next(e for s, e in items.items() if s.startswith("Lunch with"))
    assert isinstance(held.decoded("dtstart"), date)
    assert str(items["Cinema night"]["uid"]) == event.uid
    assert str(items["Cinema night"]["location"]) == "Harbor Cellars"


def test_another_professionals_calls_and_partners_and_another_practice_stay_out(
    client_for, client, practice, other_practice, professional, make_user
):
    colleague = make_user(Role.PROFESSIONAL)
    _call(practice, colleague, at=timezone.now() + timedelta(days=1))
    make_partner(practice, owner=colleague)
    stranger = make_user(Role.PROFESSIONAL, in_practice=other_practice)
    _call(other_practice, stranger, at=timezone.now() + timedelta(days=1))
    make_event(other_practice, title="Their gala")

    assert _feed(client_for, client, professional) == {}


def test_a_cancelled_call_leaves_the_feed(client_for, client, practice, professional):
    call = _call(practice, professional, at=timezone.now() + timedelta(days=3))
    with practice_scope(practice):
        introductions.cancel_call(call, by=professional)
    assert not any(s.startswith("Call ") for s in _feed(client_for, client, professional))


def test_items_outside_the_window_are_left_out(client_for, client, practice, professional):
    make_event(practice, days=500, title="Far away")
    make_event(practice, days=-200, title="Long ago")
    assert _feed(client_for, client, professional) == {}


def test_touches_fall_due_on_their_day_by_the_tiers_cadence(
    client_for, client, practice, professional, make_user
):
    from referable.agenda import services as agenda
    from referable.clients.tests.factories import make_client

    started = practice_today() - timedelta(days=400)
    overdue = make_client(
        practice,
        professional,
        person=make_person(practice, first_name="Olga", last_name="Overdue"),
        start_date=started,
    )
    touched = make_client(
        practice,
        professional,
        person=make_person(practice, first_name="Tina", last_name="Touched"),
        start_date=started,
        tier=overdue.tier,
    )
    make_client(practice, make_user(Role.PROFESSIONAL), tier=overdue.tier, start_date=started)
    reviewed_at = timezone.now() - timedelta(days=10)
    with practice_scope(practice):
        agenda.save_touch_rule(practice, tier=overdue.tier, kind="review", every_days=365)
        agenda.log_touch(touched, "review", at=reviewed_at)

    items = _feed(client_for, client, professional)

    reviews = {s: e for s, e in items.items() if s.startswith("Review:")}
    assert set(reviews) == {"Review: Olga Overdue", "Review: Tina Touched"}
    assert reviews["Review: Olga Overdue"].decoded("dtstart") == started + timedelta(days=365)
    # the cadence counts the professional's calendar days
    reviewed_on = reviewed_at.astimezone(professional.zone).date()
    assert reviews["Review: Tina Touched"].decoded("dtstart") == reviewed_on + timedelta(days=365)
