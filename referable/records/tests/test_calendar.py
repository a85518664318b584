from datetime import date, datetime, timedelta

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from referable.practices.tenancy import practice_scope
from referable.records import calendar
from referable.records.calendar import FeedItem
from referable.records.models import CalendarFeed

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider():
    """A stand-in for an area's ``calendar.feed_items``: an exact-time call of the
    user and a touch due on a day, and nothing for anyone else."""
    seen = []

    def feed_items(user, start, end):
        seen.append((user, start, end))
        if user.email.startswith("owner"):
            return []
        return [
            FeedItem(
                uid="call-1@referable",
                summary="Call Bo Ray at the time promised",
                start=datetime(2030, 5, 6, 10, 0, tzinfo=user.zone),
                end=datetime(2030, 5, 6, 10, 30, tzinfo=user.zone),
                description="Promised in Ann's letter of introduction.",
                url="/introductions/1/",
            ),
            FeedItem(uid="touch-9@referable", summary="Check in with Ann", start=date(2030, 5, 7)),
        ]

    calendar.register_provider(feed_items)
    feed_items.seen = seen
    yield feed_items
    calendar.unregister_provider(feed_items)


def _subscribe(web):
    page = web.post(reverse("records:calendar-issue"))
    url = page.context["new_url"]
    assert url.startswith("http://testserver/records/feed.ics?key=cal_")
    return url.removeprefix("http://testserver")


def test_a_calendar_app_reads_the_users_calls_and_touches_without_logging_in(
    client_for, client, professional, provider
):
    url = _subscribe(client_for(professional))
    response = client.get(url)  # anonymous, as a calendar app
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    call = events["call-1@referable"]
    assert str(call["summary"]) == "Call Bo Ray at the time promised"
    assert call.decoded("dtstart") == datetime(2030, 5, 6, 10, 0, tzinfo=professional.zone)
    assert str(call["url"]).endswith("/introductions/1/")
    assert events["touch-9@referable"].decoded("dtstart") == date(2030, 5, 7)
    user, start, end = provider.seen[-1]
    assert user == professional and start < timezone.now() < end


def test_the_key_is_stored_hashed_and_shown_once(client_for, practice, professional):
    web = client_for(professional)
    url = _subscribe(web)
    key = url.split("key=")[1]
    with practice_scope(practice):
        feed = CalendarFeed.objects.get(user=professional)
    assert feed.key_hash == CalendarFeed.hash_key(key) and key not in feed.key_hash
    assert key not in web.get(reverse("records:calendar")).text


def test_a_revoked_feed_answers_gone_with_the_date(client_for, client, professional, provider):
    web = client_for(professional)
    url = _subscribe(web)
    web.post(reverse("records:calendar-revoke"))
    response = client.get(url)
    assert response.status_code == 410
    assert "was revoked on" in response.text and "Create a new one" in response.text


def test_a_new_address_replaces_the_old_one(client_for, client, professional, provider):
    web = client_for(professional)
    first = _subscribe(web)
    second = _subscribe(web)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200


def test_an_unknown_key_is_not_found(client):
    assert client.get(reverse("records:feed"), {"key": "cal_nonsense"}).status_code == 404
    assert client.get(reverse("records:feed")).status_code == 404


def test_each_user_sees_only_their_own_items(client_for, client, owner, professional, provider):
    url = _subscribe(client_for(owner))
    parsed = icalendar.Calendar.from_ical(client.get(url).content)
    assert list(parsed.walk("VEVENT")) == []


def test_area_modules_named_calendar_are_found_by_convention(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        calendar,
        "find_spec",
        lambda name: (
            real("referable.records.tests.fake_area_calendar")
            if name == "referable.events.calendar"
            else real(name)
        ),
    )
    monkeypatch.setattr(
        calendar,
        "import_module",
        lambda name: importlib.import_module(
            "referable.records.tests.fake_area_calendar"
            if name == "referable.events.calendar"
            else name
        ),
    )
    names = {p.__module__ for p in calendar.providers()}
    assert "referable.records.tests.fake_area_calendar" in names


def test_the_feed_window_reaches_back_and_ahead():
    now = timezone.now()
    assert timedelta(days=30) <= calendar.PAST and timedelta(days=365) <= calendar.AHEAD
    assert now - calendar.PAST < now < now + calendar.AHEAD
