"""The touches a professional's clients are due, by their tier's cadence, for the
calendar feed (records.calendar): one all-day entry per client and kind of touch, on
the day it falls due (overdue ones stay on the day they fell due)."""

from collections import defaultdict
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from referable.agenda import cadence
from referable.agenda.models import TouchRule
from referable.agenda.sources import ACTIVE_STAGES, Moment, last_touches
from referable.clients.models import Client
from referable.records.calendar import FeedItem


def feed_items(user, start, end) -> list[FeedItem]:
    rules: dict[int, list[cadence.Rule]] = defaultdict(list)
    for tier_id, kind, every in TouchRule.objects.values_list("tier_id", "kind", "every_days"):
        rules[tier_id].append(cadence.Rule(kind, every))
    clients = list(
        Client.objects.filter(owner=user, stage__in=ACTIVE_STAGES, tier_id__in=list(rules))
        .order_by()
        .values_list("id", "tier_id", "start_date", "person__first_name", "person__last_name")
    )
    if not clients:
        return []
    zone = user.zone
    seen = last_touches([c[0] for c in clients], Moment(now=timezone.now(), zone=zone))
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    items = []
    for pk, tier_id, since, first_name, last_name in clients:
        name = " ".join(p for p in (first_name, last_name) if p)
        for rule in rules[tier_id]:
            due = cadence.next_due(rule, seen.get(pk, ()), since=since, zone=zone)
            if first <= due.due_on < last:
                items.append(_item(pk, name, due))
    return items


def _item(client_id: int, name: str, due: cadence.Due) -> FeedItem:
    return FeedItem(
        uid=f"touch-{client_id}-{due.rule.kind}-{due.due_on:%Y%m%d}@referable",
        summary=f"{due.rule.label}: {name}",
        start=due.due_on,
        end=due.due_on + timedelta(days=1),
        description=f"Due every {due.rule.every_days} days by the client's service tier.",
        url=reverse("clients:detail", args=[client_id]),
    )
