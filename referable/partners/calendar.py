"""The partner meetings a professional keeps up, for their calendar feed
(records.calendar): the next one each cadence asks for, and the ones held."""

from datetime import timedelta

from django.db.models import Max
from django.urls import reverse

from referable.partners import ledger
from referable.partners.models import PartnerMeeting, PartnerProfile
from referable.records.calendar import FeedItem


def feed_items(user, start, end) -> list[FeedItem]:
    first, last = start.date(), end.date()
    profiles = (
        PartnerProfile.objects.filter(owner=user)
        .select_related("person")
        .annotate(last_met=Max("meetings__held_on"))
    )
    items = []
    for profile in profiles:
        due_on = ledger.next_meeting_due(profile.last_met, profile.since, profile.cadence_days)
        if first <= due_on < last:
            items.append(
                FeedItem(
                    uid=f"partner-{profile.pk}-due-{due_on:%Y%m%d}@referable",
                    summary=f"Lunch due with {profile.person} (every {profile.cadence_days} days)",
                    start=due_on,
                    end=due_on + timedelta(days=1),
                    url=reverse("partners:detail", args=[profile.pk]),
                )
            )
    held = (
        PartnerMeeting.objects.filter(partner__owner=user, held_on__gte=first, held_on__lt=last)
        .select_related("partner__person")
        .order_by("held_on")
    )
    items += [
        FeedItem(
            uid=f"partner-meeting-{meeting.pk}@referable",
            summary=f"{meeting.get_kind_display()} with {meeting.partner.person}",
            start=meeting.held_on,
            end=meeting.held_on + timedelta(days=1),
            description=meeting.notes,
            url=reverse("partners:detail", args=[meeting.partner_id]),
        )
        for meeting in held
    ]
    return items
