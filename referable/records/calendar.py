"""Each user's private calendar feed (SPEC §5 and §12: "iCalendar invitations and a
subscribable calendar feed").

The feed does not know what a call, a lunch or an event is. Each area that has dated
things for a user says so in ``referable/<area>/calendar.py``::

    from referable.records.calendar import FeedItem

    def feed_items(user, start, end) -> list[FeedItem]:
        ...

and the feed calls every such module it finds (inside the user's practice scope).
Tests, or an area that prefers it, can also ``register_provider(fn)``.
"""

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from referable.practices.registry import areas
from referable.records.models import CalendarFeed

KEY_PREFIX = "cal_"
PAST = timedelta(days=60)
AHEAD = timedelta(days=400)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a user's calendar. ``start``/``end`` are aware datetimes, or dates
    for all-day items (a touch due on a day). ``uid`` must stay the same for the same
    thing across feeds, so calendar apps update it rather than duplicate it."""

    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    description: str = ""
    url: str = ""
    location: str = ""


Provider = Callable[[object, datetime, datetime], Iterable[FeedItem]]
_registered: list[Provider] = []


def register_provider(provider: Provider) -> Provider:
    if provider not in _registered:
        _registered.append(provider)
    return provider


def unregister_provider(provider: Provider) -> None:
    if provider in _registered:
        _registered.remove(provider)


def providers() -> list[Provider]:
    found: list[Provider] = []
    for area in areas():
        module_name = f"{area.name}.calendar"
        if area.label == "records" or find_spec(module_name) is None:
            continue
        provider = getattr(import_module(module_name), "feed_items", None)
        if callable(provider):
            found.append(provider)
    return found + list(_registered)


def items_for(user, *, now: datetime | None = None) -> list[FeedItem]:
    now = now or timezone.now()
    start, end = now - PAST, now + AHEAD
    items: list[FeedItem] = []
    for provider in providers():
        items.extend(provider(user, start, end))
    return sorted(items, key=lambda i: (_sort_key(i.start), i.uid))


def _sort_key(moment: datetime | date) -> datetime:
    if isinstance(moment, datetime):
        return moment
    return datetime.combine(moment, datetime.min.time(), tzinfo=timezone.get_current_timezone())


def render_ics(user, items: Iterable[FeedItem]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Referable//Calendar feed//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Referable – {user.get_full_name() or user.email}")
    calendar.add("x-wr-timezone", str(user.zone))
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    stamp = timezone.now()
    for item in items:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        if item.end is not None:
            event.add("dtend", item.end)
        elif isinstance(item.start, datetime):
            event.add("dtend", item.start + timedelta(minutes=30))
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url if "://" in item.url else settings.SITE_URL + item.url)
        calendar.add_component(event)
    return calendar.to_ical()


# --- the feed's key --------------------------------------------------------------------


@transaction.atomic
def issue_feed(user) -> tuple[CalendarFeed, str]:
    """A new feed key for ``user``; any earlier one stops working. The key is shown once."""
    revoke_feeds(user)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        practice_id=user.practice_id,
        user=user,
        key_prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=CalendarFeed.hash_key(key),
    )
    return feed, key


def revoke_feeds(user) -> int:
    now = timezone.now()
    count = 0
    for feed in CalendarFeed.objects.filter(user=user, revoked_at__isnull=True):
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at", "updated_at"])
        count += 1
    return count


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def find_feed(key: str) -> CalendarFeed | None:
    """The feed of ``key``, revoked or not (the caller says which), found before any
    practice scope exists: a calendar app does not log in."""
    if not key.startswith(KEY_PREFIX):
        return None
    return (
        CalendarFeed.objects.with_scopes_disabled()
        .select_related("user", "user__practice")
        .filter(key_hash=CalendarFeed.hash_key(key))
        .first()
    )
