"""The same-day clock: when first contact with a new referral is due.

Seed 003: "Referrals should be called right away. Responding the same day increases
the chances of an engagement because the topic is still top of mind." The practice
chooses the rule (the same working day, a number of working hours, or a number of
working days) in its own time zone and working hours. Pure functions: no database.

All arithmetic on instants is done in UTC; wall-clock times (the end of the working
day) are built in the practice's zone, so a day of 23 or 25 hours around a change of
daylight-saving time still ends at 17:30 local time.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SAME_DAY = "same_day"
HOURS = "hours"
BUSINESS_DAYS = "business_days"
POLICIES = (SAME_DAY, HOURS, BUSINESS_DAYS)


@dataclass(frozen=True)
class Policy:
    mode: str = SAME_DAY
    amount: int = 1
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/New_York"))
    day_starts: time = time(9, 0)
    day_ends: time = time(17, 30)
    #: 0 = Monday … 6 = Sunday
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})

    def __post_init__(self) -> None:
        if self.mode not in POLICIES:
            raise ValueError(f"Unknown policy {self.mode!r}; use one of {', '.join(POLICIES)}")
        if not self.working_days:
            raise ValueError("At least one working day is needed")
        if not self.day_starts < self.day_ends:
            raise ValueError("The working day must start before it ends")
        if self.mode != SAME_DAY and self.amount < 1:
            raise ValueError("The number of hours or days must be at least 1")


def _local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The instant (in UTC) at which the wall clock in ``zone`` shows ``day`` ``at``.
    PEP 495: a time skipped by a spring-forward change resolves to the instant just
    after the gap; a repeated time (fall back) to its first occurrence."""
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def working_windows(start: datetime, policy: Policy) -> Iterator[tuple[datetime, datetime]]:
    """Working periods (UTC start, UTC end), in order, from the day ``start`` falls on.
    Periods already over at ``start`` are skipped; the first may begin at ``start``."""
    start = start.astimezone(UTC)
    day = start.astimezone(policy.zone).date()
    for _ in range(3700):  # ten years: a policy with one working day a week still ends
        if day.weekday() in policy.working_days:
            opens = _local(day, policy.day_starts, policy.zone)
            closes = _local(day, policy.day_ends, policy.zone)
            if closes > start:
                yield max(opens, start), closes
        day += timedelta(days=1)


def first_contact_due(received_at: datetime, policy: Policy) -> datetime:
    """When first contact is due, as an aware UTC datetime.

    - same day: the end of the working day it arrived on; after hours, on a day off or
      at a weekend, the end of the next working day;
    - hours: that many working hours after it arrived (counted within working hours);
    - working days: the end of the N-th working day after the day it counts as received.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be an aware datetime")
    windows = working_windows(received_at, policy)
    if policy.mode == HOURS:
        remaining = timedelta(hours=policy.amount)
        for opens, closes in windows:
            if closes - opens >= remaining:
                return opens + remaining
            remaining -= closes - opens
    days = 0 if policy.mode == SAME_DAY else policy.amount
    for index, (_opens, closes) in enumerate(windows):
        if index == days:
            return closes
    raise AssertionError("unreachable: working_windows is practically endless")


def working_time_between(start: datetime, end: datetime, policy: Policy) -> timedelta:
    """Working time elapsed from ``start`` to ``end`` (zero when ``end`` is earlier)."""
    total = timedelta(0)
    end = end.astimezone(UTC)
    for opens, closes in working_windows(start, policy):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def is_late(due_at: datetime, contacted_at: datetime | None, now: datetime) -> bool:
    """Contacted after the due time, or not contacted and the due time has passed."""
    return (contacted_at or now) > due_at


def minutes_left(due_at: datetime, now: datetime) -> int:
    return int((due_at - now).total_seconds() // 60)
