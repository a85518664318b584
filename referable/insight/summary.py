"""The firm dashboard's monthly summary: summarizing months, and reading them back.

A month of the period is read from the summary when its figures are current (no
source row of the month changed since it was summarized), it was summarized in the
time zone the dashboard uses, and every row it counts falls inside the period (so the
period's first and last month may be partial: the current month, up to today, usually
is). Every other month is read from the source rows, with the very queries the summary
is built from, grouped by one more dimension (the referring client's tier) and
aggregated so that nothing in them depends on the hour they ran. What does depend on
the hour (which introductions still waiting to be contacted are late) is completed at
read time from the few that are still waiting.

Whose work (one professional's dashboard) is not a dimension of the summary: it reads
the source rows, few and indexed by owner.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from referable.insight import queries
from referable.insight.filters import MAX_MONTHS, Filters, Month, add_months, local_midnight
from referable.insight.models import (
    ContactMedian,
    ContactMinutes,
    DebtFigures,
    ReferralFigures,
    SummarizedMonth,
    ValueFigures,
)
from referable.introductions.models import Referral

REFERRAL_KEYS = queries.REFERRAL_GROUPS


@dataclass
class MonthlyFigures:
    """The grouped rows the dashboard's monthly charts are drawn from: the shapes of
    ``queries.referral_counts``, ``first_contact_minutes``, ``debt_counts`` and
    ``value_won``, whichever months came from the summary."""

    counts: list[dict] = field(default_factory=list)
    minutes: list[tuple] = field(default_factory=list)
    #: the summarized months' medians to first contact (minutes, by month index), and
    #: how many were first contacted after each number of minutes in them all
    medians: dict[int, float] = field(default_factory=dict)
    histogram: list[tuple] = field(default_factory=list)
    debts: list[dict] = field(default_factory=list)
    won: list[dict] = field(default_factory=list)
    #: indexes of the period's months read from the summary
    summarized: frozenset[int] = frozenset()


# --- reading --------------------------------------------------------------------------


def monthly_figures(filters: Filters, *, now: datetime | None = None) -> MonthlyFigures:
    """The period's monthly figures: from the summary where it holds them, from the
    source rows for the other months."""
    now = now or timezone.now()
    summarized = summarized_months(filters)
    if not summarized:
        return _from_source(filters, now, None)
    live = [m for i, m in enumerate(filters.months) if i not in summarized]
    found = _from_source(filters, now, live) if live else MonthlyFigures()
    read = _from_summary(filters, now, summarized)
    return MonthlyFigures(
        counts=found.counts + read.counts,
        minutes=found.minutes,
        medians=read.medians,
        histogram=read.histogram,
        debts=found.debts + read.debts,
        won=found.won + read.won,
        summarized=frozenset(summarized),
    )


def summarized_months(filters: Filters) -> dict[int, SummarizedMonth]:
    """The period's months (by index) whose figures the summary holds for it."""
    if filters.owner_id:
        return {}
    months = filters.months
    stored = {
        m.first: m
        for m in SummarizedMonth.objects.filter(
            first__gte=months[0].first, first__lte=months[-1].first, zone=filters.zone.key
        )
    }
    found = {}
    for index, month in enumerate(months):
        row = stored.get(month.first)
        if row is not None and row.is_current and _fits(row, month):
            found[index] = row
    return found


def _fits(row: SummarizedMonth, month: Month) -> bool:
    """Whether every row the summary counts in the month falls in the period's part of
    it (all of the month, or from the period's first day, or up to its last)."""
    if row.starts != month.starts and row.earliest and row.earliest < month.starts:
        return False
    return not (row.ends != month.ends and row.latest and row.latest >= month.ends)


def _from_source(filters: Filters, now: datetime, months: Sequence[Month] | None):
    return MonthlyFigures(
        counts=queries.referral_counts(filters, now=now, months=months),
        minutes=queries.first_contact_minutes(filters, months=months),
        debts=queries.debt_counts(filters, months=months),
        won=queries.value_won(filters, months=months),
    )


def _from_summary(filters: Filters, now: datetime, months: dict[int, SummarizedMonth]):
    index = {row.pk: i for i, row in months.items()}
    chosen = Q(month__in=list(index))
    if filters.tier_id:
        chosen &= Q(tier_id=filters.tier_id)
    counts = (
        ReferralFigures.objects.filter(chosen)
        .values("month", *REFERRAL_KEYS)
        .annotate(
            received=Sum("received"),
            contacted=Sum("contacted"),
            on_time=Sum("on_time"),
            late_contacts=Sum("late_contacts"),
            waiting=Sum("waiting"),
        )
        .order_by()
    )
    open_parts = [_open_part(row, filters.months[i], now) for i, row in months.items()]
    not_due = _not_yet_due(filters, now, [part for part in open_parts if part])
    found = MonthlyFigures()
    for row in counts:
        row["month"] = index[row["month"]]
        key = tuple(row[k] for k in ("month", *REFERRAL_KEYS))
        # those still waiting are late, but for the ones not due yet
        row["late"] = row.pop("late_contacts") + row.pop("waiting") - not_due.get(key, 0)
        found.counts.append(row)
    medians = ContactMedian.objects.filter(
        Q(month__in=list(index), tier_id=filters.tier_id)
        if filters.tier_id
        else Q(month__in=list(index), all_tiers=True)
    )
    found.medians = {
        index[month]: value for month, value in medians.values_list("month", "minutes")
    }
    found.histogram = list(
        ContactMinutes.objects.filter(chosen)
        .values_list("minutes")
        .annotate(n=Sum("contacted"))
        .order_by()
    )
    found.debts = _reindexed(
        DebtFigures.objects.filter(chosen)
        .values("month", "kind")
        .annotate(owed=Sum("owed"), paid=Sum("paid"), seconds_to_pay=Sum("seconds_to_pay"))
        .order_by(),
        index,
    )
    found.won = _reindexed(
        ValueFigures.objects.filter(chosen)
        .values("month", "currency")
        .annotate(engaged=Sum("engaged"), value=Sum("value"))
        .order_by(),
        index,
    )
    return found


def _open_part(row: SummarizedMonth, month: Month, now: datetime) -> Month | None:
    """The part of the month where introductions may be waiting and not due yet at
    ``now`` (none once the latest due time has passed)."""
    if row.open_until is None or row.open_until < now:
        return None
    if row.summarized_at is None or now < row.summarized_at:
        return month
    if row.open_since is None:
        return None
    return Month(first=month.first, starts=max(month.starts, row.open_since), ends=month.ends)


def _not_yet_due(filters: Filters, now: datetime, months: Sequence[Month]) -> dict:
    if not months:
        return {}
    return {
        tuple(row[k] for k in ("month", *REFERRAL_KEYS)): row["n"]
        for row in queries.not_yet_due(filters, now=now, months=months)
    }


def _reindexed(rows, index: dict[int, int]) -> list[dict]:
    found = []
    for row in rows:
        row["month"] = index[row["month"]]
        found.append(row)
    return found


# --- summarizing ----------------------------------------------------------------------


def refresh(practice, *, everything: bool = False, now: datetime | None = None) -> int:
    """Summarizes the practice's months whose source rows changed, and the months it
    has had since it first received an introduction that were never summarized;
    ``everything``: every month again (after writes that send no signal, such as bulk
    loads). Runs inside the practice's scope; returns how many months it summarized."""
    months = _ensure_months(practice, now or timezone.now())
    stale = [m for m in months if everything or not m.is_current]
    for run in _runs(stale):
        _summarize(practice, run)
    return len(stale)


def _ensure_months(practice, now: datetime) -> list[SummarizedMonth]:
    """A row for each month from the first introduction's (or the longest period a
    dashboard shows, when that reaches further back: empty months are figures too) to
    the present one, in the practice's time zone (a month summarized in another zone is
    summarized again)."""
    zone = practice.zone
    first = Referral.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return []
    current = timezone.localdate(now, timezone=zone).replace(day=1)
    start = min(first.astimezone(zone).date().replace(day=1), add_months(current, 1 - MAX_MONTHS))
    stored = {m.first: m for m in SummarizedMonth.objects.all()}
    missing, moved = [], []
    month = start
    while month <= current:
        starts = local_midnight(month, zone)
        ends = local_midnight(add_months(month, 1), zone)
        row = stored.get(month)
        if row is None:
            missing.append(
                SummarizedMonth(
                    practice=practice, first=month, zone=zone.key, starts=starts, ends=ends
                )
            )
        elif row.zone != zone.key:
            row.zone, row.starts, row.ends, row.summarized_changes = zone.key, starts, ends, -1
            moved.append(row)
        month = add_months(month, 1)
    SummarizedMonth.objects.bulk_create(missing)
    SummarizedMonth.objects.bulk_update(moved, ["zone", "starts", "ends", "summarized_changes"])
    return sorted(
        (m for m in SummarizedMonth.objects.all() if start <= m.first <= current),
        key=lambda m: m.first,
    )


def _runs(months: list[SummarizedMonth]) -> list[list[SummarizedMonth]]:
    """The months in groups spanning at most the longest period a dashboard shows."""
    runs: list[list[SummarizedMonth]] = []
    for month in months:
        if runs and add_months(runs[-1][0].first, MAX_MONTHS) > month.first:
            runs[-1].append(month)
        else:
            runs.append([month])
    return runs


@transaction.atomic
def _summarize(practice, months: list[SummarizedMonth]) -> None:
    """Rebuilds the figures of ``months`` (of one zone, within MAX_MONTHS) from the
    source rows, all in one pass per kind of figure."""
    rows = {
        m.first: m
        for m in SummarizedMonth.objects.select_for_update().filter(pk__in=[m.pk for m in months])
    }
    # what the figures will reflect: a change counted after this stays to summarize
    changes = {m.pk: m.changes for m in rows.values()}
    span = Filters(
        start=months[0].first,
        end=add_months(months[-1].first, 1) - timedelta(days=1),
        zone=practice.zone,
    )
    chosen = [(i, m) for i, m in enumerate(span.months) if m.first in rows]
    by_index = {i: rows[m.first] for i, m in chosen}
    wanted = [m for _i, m in chosen]
    for model in (ReferralFigures, ContactMinutes, ContactMedian, DebtFigures, ValueFigures):
        # straight in SQL: the ORM's delete would load every row to send its signal
        # (an audit entry each) for figures about to be written again
        stale = model.objects.filter(month__in=list(rows.values()))
        stale._raw_delete(stale.db)
    bounds: dict = defaultdict(lambda: {name: [] for name in BOUNDS})
    stamp = timezone.now()
    _referral_figures(practice, span, wanted, by_index, bounds, stamp)
    for builder in (_contact_minutes, _debt_figures, _value_figures):
        builder(practice, span, wanted, by_index, bounds)
    for index, row in by_index.items():
        found = bounds[index]
        row.earliest = min(found["earliest"], default=None)
        row.latest = max(found["latest"], default=None)
        row.open_until = max(found["open_until"], default=None)
        row.open_since = min(found["open_since"], default=None)
        row.summarized_changes = changes[row.pk]
        row.summarized_at = stamp
    SummarizedMonth.objects.bulk_update(
        list(by_index.values()),
        [*BOUNDS, "summarized_changes", "summarized_at"],
    )


#: what a month's summary knows of the instants it counts
BOUNDS = ("earliest", "latest", "open_until", "open_since")


def _note_bounds(bounds, index: int, row: dict) -> None:
    for name in BOUNDS:
        value = row.pop(name, None)
        if value is not None:
            bounds[index][name].append(value)


def _referral_figures(practice, span, months, by_index, bounds, stamp: datetime) -> None:
    waiting = Q(first_contacted_at__isnull=True, contacted_late=False)
    not_due = waiting & Q(first_contact_due_at__gte=stamp)
    found = queries.referrals(span, months).annotate(tier=F("referrer__client__tier_id"))
    grouped = (
        queries.grouped_referrals(found, span, "tier")
        .annotate(
            received=Count("id"),
            contacted=Count("id", filter=Q(first_contacted_at__isnull=False)),
            on_time=Count("id", filter=Q(first_contacted_at__isnull=False, contacted_late=False)),
            late_contacts=Count("id", filter=Q(contacted_late=True)),
            waiting=Count("id", filter=waiting),
            open_until=Max("first_contact_due_at", filter=waiting),
            open_since=Min("received_at", filter=not_due),
            earliest=Min("received_at"),
            latest=Max("received_at"),
        )
        .order_by()
    )
    _store(ReferralFigures, practice, grouped, by_index, bounds)


def _contact_minutes(practice, span, months, by_index, bounds) -> None:
    grouped = (
        queries.referrals(span, months)
        .filter(first_contacted_at__isnull=False)
        .annotate(
            month=queries.month_bucket("received_at", span),
            tier=F("referrer__client__tier_id"),
            minutes=queries.minutes_to_first_contact(),
        )
        .values("month", "tier", "minutes")
        .annotate(contacted=Count("id"))
        .order_by()
    )
    rows = list(grouped)
    _store_medians(practice, rows, by_index)
    _store(ContactMinutes, practice, rows, by_index, bounds)


def _store_medians(practice, rows: list[dict], by_index: dict[int, SummarizedMonth]) -> None:
    """Each month's median minutes to first contact, by tier and for all tiers."""
    by_tier: dict = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for tier, everyone in ((row["tier"], False), (None, True)):
            by_tier[row["month"], tier, everyone][row["minutes"]] += row["contacted"]
    ContactMedian.objects.bulk_create(
        ContactMedian(
            practice=practice,
            month=by_index[index],
            tier_id=tier,
            all_tiers=everyone,
            minutes=queries.median_of(list(counts.items())),
        )
        for (index, tier, everyone), counts in by_tier.items()
    )


def _debt_figures(practice, span, months, by_index, bounds) -> None:
    paid = Q(paid_at__isnull=False)
    grouped = (
        queries.debts(span, months)
        .annotate(
            month=queries.month_bucket("owed_since", span),
            tier=F("referral__referrer__client__tier_id"),
        )
        .values("month", "tier", "kind")
        .annotate(
            owed=Count("id"),
            paid=Count("id", filter=paid),
            seconds_to_pay=Sum(queries.Seconds("paid_at", "owed_since"), filter=paid),
            earliest=Min("owed_since"),
            latest=Max("owed_since"),
        )
        .order_by()
    )
    _store(DebtFigures, practice, grouped, by_index, bounds)


def _value_figures(practice, span, months, by_index, bounds) -> None:
    grouped = (
        queries.engagements(span, months)
        .annotate(
            month=queries.month_bucket("stage_changed_at", span),
            tier=F("referrer__client__tier_id"),
        )
        .values("month", "tier", "currency")
        .annotate(
            engaged=Count("id"),
            value=Sum("value"),
            earliest=Min("stage_changed_at"),
            latest=Max("stage_changed_at"),
        )
        .order_by()
    )
    _store(ValueFigures, practice, grouped, by_index, bounds)


def _store(model, practice, grouped, by_index: dict[int, SummarizedMonth], bounds) -> None:
    found = []
    for row in grouped:
        index = row.pop("month")
        _note_bounds(bounds, index, row)
        found.append(
            model(practice=practice, month=by_index[index], tier_id=row.pop("tier"), **row)
        )
    model.objects.bulk_create(found, batch_size=2000)
