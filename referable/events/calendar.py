"""The practice's appreciation events, for every user's calendar feed
(records.calendar): the whole team is there to greet the clients. The uid is the one
the event's invitations carry."""

from django.urls import reverse

from referable.events.models import Event
from referable.records.calendar import FeedItem


def feed_items(user, start, end) -> list[FeedItem]:
    events = Event.objects.filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at")
    return [
        FeedItem(
            uid=event.uid,
            summary=event.title if event.host_id != user.pk else f"{event.title} (you host)",
            start=event.starts_at,
            end=event.ends_at,
            description=event.description,
            url=reverse("events:detail", args=[event.pk]),
            location=event.venue,
        )
        for event in events
    ]
