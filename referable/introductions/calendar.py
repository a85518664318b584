"""The user's calls at a stated minute, for their calendar feed (records.calendar). The
uid and summary are the ones the call's own invitation carries, so a calendar that has
both keeps one entry."""

from datetime import timedelta

from django.urls import reverse

from referable.introductions.models import ScheduledCall
from referable.introductions.services import call_summary
from referable.records.calendar import FeedItem


def feed_items(user, start, end) -> list[FeedItem]:
    calls = (
        ScheduledCall.objects.filter(professional=user, at__gte=start, at__lt=end)
        .exclude(status=ScheduledCall.Status.CANCELLED)
        .select_related("referral__prospect", "referral__referrer")
        .order_by("at")
    )
    return [_item(call) for call in calls]


def _item(call: ScheduledCall) -> FeedItem:
    referral = call.referral
    description = f"{referral.referrer.full_name} introduced {referral.prospect.full_name}."
    if call.kind == ScheduledCall.Kind.EXACT_TIME_CALL:
        description += " The letter of introduction promised this minute."
    return FeedItem(
        uid=call.uid,
        summary=call_summary(call),
        start=call.at,
        end=call.at + timedelta(minutes=call.duration_minutes or 30),
        description=description,
        url=reverse("introductions:detail", args=[referral.pk]),
        location=call.location,
    )
