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
from collections.abc import Iterable, Sequence
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
from referable.events.models import EventAttribution
from referable.insight.filters import Filters, Month
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
    are filtered out before). ``dates``: the field is a date, not an instant. The latest
    month is tried first: a summary of five years holds most rows in its last months."""
    months = filters.months
    return Case(
        *[
            When(
                **{f"{field}__gte": month.first if dates else month.starts},
                then=Value(index),
            )
            for index, month in reversed(list(enumerate(months)))
            if index
        ],
        default=Value(0),
        output_field=IntegerField(),
    )


def in_months(field: str, months: Sequence[Month]) -> Q:
    """Rows whose ``field`` falls in one of ``months`` (adjacent months read as one
    range, so the database walks its index once per run of months)."""
    ranges: list[list] = []
    for month in months:
        if ranges and ranges[-1][1] == month.starts:
            ranges[-1][1] = month.ends
        else:
            ranges.append([month.starts, month.ends])
    found = Q(pk__in=[])
    for starts, ends in ranges:
        found |= Q(**{f"{field}__gte": starts, f"{field}__lt": ends})
    return found


def within(field: str, filters: Filters, months: Sequence[Month] | None = None) -> Q:
    """Rows whose ``field`` falls in the period, or only in ``months`` of it (one range
    per run of months, so the database's index on the field is walked over them only)."""
    if months is None:
        return Q(**{f"{field}__gte": filters.starts, f"{field}__lt": filters.ends})
    return in_months(field, months)


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


def sentiment() -> Coalesce:
    """How the referrer and the prospect get on, "unknown" when nobody recorded it."""
    return Coalesce("connection__sentiment", Value("unknown"), output_field=CharField())


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
        if not referral:
            # every referral is at one of the stages: naming them all lets the database
            # walk the board's index (owner, stage, received) to the professional's own
            # referrals of the period, instead of every referral of the period
            found = found.filter(stage__in=Stage.values)
    if filters.tier_id:
        found = found.filter(**{f"{referral}referrer__client__tier_id": filters.tier_id})
    return found


def referrals(filters: Filters, months: Sequence[Month] | None = None) -> QuerySet[Referral]:
    """Referrals received in the period (or ``months`` of it), for the chosen
    professional and tier."""
    return _whose(Referral.objects.filter(within("received_at", filters, months)), filters)


#: what introductions are grouped by, besides their month
REFERRAL_GROUPS = ("origin", "kind", "method", "sentiment", "reached")


def grouped_referrals(found: QuerySet, filters: Filters, *also: str) -> QuerySet:
    """Referrals grouped by month received, origin, kind, method, the referrer–prospect
    sentiment and the furthest stage reached (and the annotations named in ``also``)."""
    return found.annotate(
        month=month_bucket("received_at", filters),
        origin=origin(),
        sentiment=sentiment(),
        reached=reached(),
    ).values("month", *also, *REFERRAL_GROUPS)


def referral_counts(
    filters: Filters, *, now: datetime | None = None, months: Sequence[Month] | None = None
) -> list[dict]:
    """One query: referrals grouped (``grouped_referrals``), with how many were
    contacted, contacted by the due time, and late (contacted late, or still waiting
    past the due time). ``months``: only those of the period (all by default)."""
    now = now or timezone.now()
    return list(
        grouped_referrals(referrals(filters, months), filters)
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


def not_yet_due(filters: Filters, *, now: datetime, months: Sequence[Month]) -> list[dict]:
    """Referrals waiting for their first contact, neither late nor due yet, grouped
    (``grouped_referrals``): how many (``n``)."""
    waiting = referrals(filters, months).filter(
        first_contacted_at__isnull=True, contacted_late=False, first_contact_due_at__gte=now
    )
    return list(grouped_referrals(waiting, filters).annotate(n=Count("id")).order_by())


def minutes_to_first_contact() -> Cast:
    """Minutes from receipt to first contact, to the nearest whole minute."""
    return Cast(Round(Seconds("first_contacted_at", "received_at") / 60), IntegerField())


def first_contact_minutes(filters: Filters, *, months: Sequence[Month] | None = None) -> list:
    """One query: (month, minutes, how many) for the referrals first contacted after each
    whole number of minutes, per month received."""
    return list(
        referrals(filters, months)
        .filter(first_contacted_at__isnull=False)
        .annotate(month=month_bucket("received_at", filters), minutes=minutes_to_first_contact())
        .values_list("month", "minutes")
        .annotate(n=Count("id"))
        .order_by()
    )


def first_contact_medians(
    minutes: Iterable, *, histogram: Iterable = (), medians: dict[int, float] | None = None
) -> tuple[dict[int, float], float | None]:
    """Median seconds from receipt to first contact, per month received and overall, to
    the minute, read off the counts of ``first_contact_minutes``. Months summarized
    come as their ``medians`` (in minutes) and a ``histogram`` of (minutes, how many)
    of them all."""
    by_month: dict = defaultdict(lambda: defaultdict(int))
    overall: dict = defaultdict(int)
    for month, value, n in minutes:
        by_month[month][value] += n
        overall[value] += n
    for value, n in histogram:
        overall[value] += n
    found = {month: median_of(list(counts.items())) * 60 for month, counts in by_month.items()}
    found.update({month: value * 60 for month, value in (medians or {}).items()})
    return found, median_of(list(overall.items())) * 60 if overall else None


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


def debts(filters: Filters, months: Sequence[Month] | None = None) -> QuerySet[FeedbackDebt]:
    """Feedback and thank-yous owed to referrers, that became owed in the period (or
    ``months`` of it)."""
    return _whose(
        FeedbackDebt.objects.filter(within("owed_since", filters, months)), filters, "referral__"
    )


def debt_counts(filters: Filters, *, months: Sequence[Month] | None = None) -> list[dict]:
    """Debts by month owed and kind: how many were owed, how many are paid, and the
    total time they took to pay (for the average)."""
    return list(
        debts(filters, months)
        .annotate(month=month_bucket("owed_since", filters))
        .values("month", "kind")
        .annotate(
            owed=Count("id"),
            paid=Count("id", filter=Q(paid_at__isnull=False)),
            seconds_to_pay=Sum(Seconds("paid_at", "owed_since"), filter=Q(paid_at__isnull=False)),
        )
        .order_by()
    )


def value_won(filters: Filters, *, months: Sequence[Month] | None = None) -> list[dict]:
    """Engagements by the month the prospect engaged, with their value per currency."""
    return list(
        engagements(filters, months)
        .annotate(month=month_bucket("stage_changed_at", filters))
        .values("month", "currency")
        .annotate(engaged=Count("id"), value=Sum("value"))
        .order_by()
    )


def engagements(filters: Filters, months: Sequence[Month] | None = None) -> QuerySet[Referral]:
    """Referrals whose prospect engaged in the period (or ``months`` of it)."""
    return _whose(
        Referral.objects.filter(within("stage_changed_at", filters, months), stage=Stage.ENGAGED),
        filters,
    )


def events(filters: Filters, *, limit: int = 20) -> list[dict]:
    """Introductions received in the period that were born at an event (attributions
    confirmed), by event: how many, how many engaged and the value won, with the
    event's cost. Read from the attributions, few beside the referrals."""
    born = _whose(
        EventAttribution.objects.filter(
            confirmed=True,
            dismissed=False,
            referral__received_at__gte=filters.starts,
            referral__received_at__lt=filters.ends,
        ),
        filters,
        "referral__",
    )
    engaged = Q(referral__stage=Stage.ENGAGED)
    return list(
        born.values(
            "event",
            title=F("event__title"),
            starts_at=F("event__starts_at"),
            cost=Coalesce("event__actual_cost", "event__budget"),
        )
        .annotate(
            introductions=Count("referral"),
            engaged=Count("referral", filter=engaged),
            value=Sum("referral__value", filter=engaged),
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


def book_health(filters: Filters) -> tuple[dict[str, int], list[dict]]:
    """One pass over the book: clients on each rung of the ladder (the stored answers
    the book shows), and those with no request to make now grouped by what holds them
    back (the guardrail the ladder named, their rung and stage)."""
    asking = Q(rung__in=ladder.ASKING_RUNGS)
    rows = (
        book(filters)
        .annotate(
            guardrail=Case(
                When(asking, then=Value("")),
                default=Coalesce(KT("next_ask__guardrail"), Value(""), output_field=CharField()),
                output_field=CharField(),
            )
        )
        .values("rung", "stage", "guardrail")
        .annotate(clients=Count("id"))
        .order_by()
    )
    counts = dict.fromkeys(ladder.RUNGS, 0)
    held = []
    for row in rows:
        counts[row["rung"]] = counts.get(row["rung"], 0) + row["clients"]
        if row["rung"] not in ladder.ASKING_RUNGS:
            held.append(row)
    return counts, held


def totals(rows: Iterable[dict], key: str, *fields: str) -> dict:
    """Sums ``fields`` of grouped rows by ``key`` (a helper for pivoting)."""
    found: dict = defaultdict(lambda: dict.fromkeys(fields, 0))
    for row in rows:
        for name in fields:
            found[row[key]][name] += row[name] or 0
    return found
