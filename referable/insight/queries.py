"""The numbers behind the dashboards, aggregated in the database.

Every function takes the dashboard's ``Filters`` and returns plain rows (dicts), in a
fixed number of queries whatever the number of referrals or clients: grouping, counting
and summing happen in SQL; Python only pivots the few grouped rows into charts
(charts.py). Months are bucketed by boundaries computed in the practice's time zone
(filters.py), as plain comparisons the database evaluates without a time-zone library.

Referrals count in the month they were received (a cohort): "of March's introductions,
how many were contacted the same day, how many engaged". Value won counts in the month
the prospect engaged; feedback debts in the month they became owed; the book of clients
is as it stands today.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Round
from django.utils import timezone

from referable.clients import ladder
from referable.clients.models import Client
from referable.insight.filters import Filters
from referable.introductions.models import FeedbackDebt, Referral, Stage, StageChange
from referable.partners.models import OutboundReferral, PartnerProfile

#: the steps forward of a referral, in order; "reached" counts a referral at every step
#: up to the furthest it got to, so a prospect who went straight from contacted to met
#: also counts as having had a meeting set
FUNNEL = (
    (Stage.RECEIVED, "Received"),
    (Stage.CONTACTED, "Contacted"),
    (Stage.MEETING_SET, "Meeting set"),
    (Stage.MET, "Met"),
    (Stage.ENGAGED, "Engaged"),
)
#: how far each stage shows a referral got; "not a fit" is only known after talking to
#: the prospect, "no response" means nobody was reached
REACH = {
    Stage.RECEIVED: 0,
    Stage.NO_RESPONSE: 0,
    Stage.CONTACTED: 1,
    Stage.NOT_A_FIT: 1,
    Stage.MEETING_SET: 2,
    Stage.MET: 3,
    Stage.ENGAGED: 4,
}

ORIGINS = (
    ("client", "Client"),
    ("partner", "Partner"),
    ("event", "Event"),
    ("profile", "Profile"),
    ("other", "Other"),
)
SENTIMENTS = (
    ("positive", "Positive"),
    ("neutral", "Neutral"),
    ("negative", "Negative"),
    ("unknown", "Not recorded"),
)


class Seconds(Func):
    """``end - start`` in seconds, as a float, without Django's per-row Python function
    on SQLite."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra,
        )


def month_bucket(field: str, filters: Filters, *, dates: bool = False) -> Case:
    """The index of the period's month that ``field`` falls in (rows outside the period
    are filtered out before). ``dates``: the field is a date, not an instant."""
    months = filters.months
    return Case(
        *[
            When(
                **{f"{field}__lt": months[index + 1].first if dates else month.ends},
                then=Value(index),
            )
            for index, month in enumerate(months[:-1])
        ],
        default=Value(len(months) - 1),
        output_field=IntegerField(),
    )


def origin() -> Case:
    """Where an introduction came from: an event (marked so, or attributed to one and
    confirmed) or a shared profile says more than who made it; otherwise a partner, a
    client, or someone else."""
    return Case(
        When(
            Q(source=Referral.Source.EVENT)
            | Q(event_attribution__confirmed=True, event_attribution__dismissed=False),
            then=Value("event"),
        ),
        When(source=Referral.Source.PROFILE, then=Value("profile")),
        When(
            Q(source=Referral.Source.PARTNER) | Q(referrer_kind=Referral.ReferrerKind.PARTNER),
            then=Value("partner"),
        ),
        When(referrer_kind=Referral.ReferrerKind.CLIENT, then=Value("client")),
        default=Value("other"),
    )


def _reach_case(field: str) -> Case:
    return Case(
        *[When(**{field: stage}, then=Value(rank)) for stage, rank in REACH.items() if rank],
        default=Value(0),
        output_field=IntegerField(),
    )


def furthest_reached() -> Subquery:
    """How far along each referral ever got, from its stage history (a referral moved
    back still counts as having reached where it had been)."""
    return Subquery(
        StageChange.objects.filter(referral=OuterRef("pk"))
        .order_by()
        .values("referral")
        .annotate(rank=Max(_reach_case("to_stage")))
        .values("rank"),
        output_field=IntegerField(),
    )


def reached() -> Case:
    """How far a referral got: its stage says so, except for "not a fit" (known only
    after talking, but perhaps after meeting too), where the history is read. Reading
    the history of the other rows too would cost a lookup per referral."""
    return Case(
        *[
            When(stage=stage, then=Value(rank))
            for stage, rank in REACH.items()
            if stage != Stage.NOT_A_FIT
        ],
        When(stage=Stage.NOT_A_FIT, then=Coalesce(furthest_reached(), Value(1))),
        default=Value(0),
        output_field=IntegerField(),
    )


def _whose(found: QuerySet, filters: Filters, referral: str = "") -> QuerySet:
    """Whose work and which tier, for referrals (or rows reached through ``referral``).
    The tier is the referring client's."""
    if filters.owner_id:
        found = found.filter(**{f"{referral}owner_id": filters.owner_id})
    if filters.tier_id:
        found = found.filter(**{f"{referral}referrer__client__tier_id": filters.tier_id})
    return found


def referrals(filters: Filters) -> QuerySet[Referral]:
    """Referrals received in the period, for the chosen professional and tier."""
    return _whose(
        Referral.objects.filter(received_at__gte=filters.starts, received_at__lt=filters.ends),
        filters,
    )


def referral_counts(filters: Filters, *, now: datetime | None = None) -> list[dict]:
    """One query: referrals grouped by month received, origin, kind, method, the
    referrer–prospect sentiment and the furthest stage reached, with how many were
    contacted, contacted by the due time, and late (contacted late, or still waiting
    past the due time)."""
    now = now or timezone.now()
    return list(
        referrals(filters)
        .annotate(
            month=month_bucket("received_at", filters),
            origin=origin(),
            sentiment=Coalesce("connection__sentiment", Value("unknown"), output_field=CharField()),
            reached=reached(),
        )
        .values("month", "origin", "kind", "method", "sentiment", "reached")
        .annotate(
            received=Count("id"),
            contacted=Count("id", filter=Q(first_contacted_at__isnull=False)),
            on_time=Count("id", filter=Q(first_contacted_at__isnull=False, contacted_late=False)),
            late=Count(
                "id",
                filter=Q(contacted_late=True)
                | Q(first_contacted_at__isnull=True, first_contact_due_at__lt=now),
            ),
        )
        .order_by()
    )


def first_contact_medians(filters: Filters) -> tuple[dict[int, float], float | None]:
    """Median seconds from receipt to first contact, per month received and overall, to
    the minute: one query counts the referrals first contacted after each whole number
    of minutes, and the medians are read off those counts."""
    rows = (
        referrals(filters)
        .filter(first_contacted_at__isnull=False)
        .annotate(
            month=month_bucket("received_at", filters),
            minutes=Cast(Round(Seconds("first_contacted_at", "received_at") / 60), IntegerField()),
        )
        .values_list("month", "minutes")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_month: dict = defaultdict(list)
    overall: list = []
    for month, minutes, n in rows:
        by_month[month].append((minutes, n))
        overall.append((minutes, n))
    return (
        {month: median_of(counts) * 60 for month, counts in by_month.items()},
        median_of(overall) * 60 if overall else None,
    )


def median_of(counts: list[tuple[float, int]]) -> float:
    """The median of values given with how many times each occurs."""
    ordered = sorted(counts)
    size = sum(n for _v, n in ordered)
    wanted = {(size + 1) // 2, (size + 2) // 2}  # the middle position(s), from 1
    found, seen = [], 0
    for value, n in ordered:
        for position in sorted(wanted):
            if seen < position <= seen + n:
                found.append(value)
        seen += n
    return sum(found) / len(found)


def debts(filters: Filters) -> QuerySet[FeedbackDebt]:
    """Feedback and thank-yous owed to referrers, that became owed in the period."""
    return _whose(
        FeedbackDebt.objects.filter(owed_since__gte=filters.starts, owed_since__lt=filters.ends),
        filters,
        "referral__",
    )


def debt_counts(filters: Filters) -> list[dict]:
    """Debts by month owed and kind: how many were owed, how many are paid, and the
    total time they took to pay (for the average)."""
    return list(
        debts(filters)
        .annotate(month=month_bucket("owed_since", filters))
        .values("month", "kind")
        .annotate(
            owed=Count("id"),
            paid=Count("id", filter=Q(paid_at__isnull=False)),
            seconds_to_pay=Sum(Seconds("paid_at", "owed_since"), filter=Q(paid_at__isnull=False)),
        )
        .order_by()
    )


def value_won(filters: Filters) -> list[dict]:
    """Engagements by the month the prospect engaged, with their value per currency."""
    engaged = _whose(
        Referral.objects.filter(
            stage=Stage.ENGAGED,
            stage_changed_at__gte=filters.starts,
            stage_changed_at__lt=filters.ends,
        ),
        filters,
    )
    return list(
        engaged.annotate(month=month_bucket("stage_changed_at", filters))
        .values("month", "currency")
        .annotate(engaged=Count("id"), value=Sum("value"))
        .order_by()
    )


def events(filters: Filters, *, limit: int = 20) -> list[dict]:
    """Introductions received in the period that were born at an event (attributions
    confirmed), by event: how many, how many engaged and the value won, with the
    event's cost."""
    return list(
        referrals(filters)
        .filter(event_attribution__confirmed=True, event_attribution__dismissed=False)
        .values(
            event=F("event_attribution__event_id"),
            title=F("event_attribution__event__title"),
            starts_at=F("event_attribution__event__starts_at"),
            cost=Coalesce(
                "event_attribution__event__actual_cost", "event_attribution__event__budget"
            ),
        )
        .annotate(
            introductions=Count("id"),
            engaged=Count("id", filter=Q(stage=Stage.ENGAGED)),
            value=Sum("value", filter=Q(stage=Stage.ENGAGED)),
        )
        .order_by("-starts_at", "-event")[:limit]
    )


def partner_flows(filters: Filters) -> tuple[list[dict], list[dict]]:
    """Referrals received from each referral partner and sent to each, by month, with
    how many became engagements. Whose work is the partners the professional keeps up;
    the service tier does not apply to partners."""
    received = Referral.objects.filter(
        received_at__gte=filters.starts,
        received_at__lt=filters.ends,
        referrer_id__in=PartnerProfile.objects.values("person_id"),
    )
    sent = OutboundReferral.objects.filter(sent_on__gte=filters.start, sent_on__lte=filters.end)
    if filters.owner_id:
        received = received.filter(referrer__partner_profile__owner_id=filters.owner_id)
        sent = sent.filter(partner__owner_id=filters.owner_id)
    engaged = Q(stage=Stage.ENGAGED)
    return (
        list(
            received.annotate(month=month_bucket("received_at", filters))
            .values(
                "month",
                partner=F("referrer__partner_profile"),
                first_name=F("referrer__first_name"),
                last_name=F("referrer__last_name"),
            )
            .annotate(n=Count("id"), engaged=Count("id", filter=engaged))
            .order_by()
        ),
        list(
            sent.annotate(month=month_bucket("sent_on", filters, dates=True))
            .values(
                "month",
                "partner",
                first_name=F("partner__person__first_name"),
                last_name=F("partner__person__last_name"),
            )
            .annotate(n=Count("id"), engaged=Count("id", filter=engaged))
            .order_by()
        ),
    )


def book(filters: Filters) -> QuerySet[Client]:
    """The clients of the chosen professional and tier, as the book stands (former
    clients left out: the ladder asks nothing of them)."""
    found = Client.objects.exclude(stage=Client.Stage.FORMER)
    if filters.owner_id:
        found = found.filter(owner_id=filters.owner_id)
    if filters.tier_id:
        found = found.filter(tier_id=filters.tier_id)
    return found


def rung_counts(filters: Filters) -> dict[str, int]:
    """Clients on each rung of the ladder (the stored answers the book shows)."""
    counts = dict.fromkeys(ladder.RUNGS, 0)
    for rung, n in book(filters).order_by().values_list("rung").annotate(n=Count("id")):
        counts[rung] = counts.get(rung, 0) + n
    return counts


def held_back(filters: Filters) -> list[dict]:
    """Clients with no request to make now, grouped by what holds them back: the
    guardrail the ladder named, their rung and stage."""
    return list(
        book(filters)
        .exclude(rung__in=ladder.ASKING_RUNGS)
        .annotate(
            guardrail=Coalesce(KT("next_ask__guardrail"), Value(""), output_field=CharField())
        )
        .values("guardrail", "rung", "stage")
        .annotate(clients=Count("id"))
        .order_by()
    )


def totals(rows: Iterable[dict], key: str, *fields: str) -> dict:
    """Sums ``fields`` of grouped rows by ``key`` (a helper for pivoting)."""
    found: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    for row in rows:
        for name in fields:
            found[row[key]][name] += row[name] or 0
    return found
