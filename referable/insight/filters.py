"""What a dashboard is about: whose work, which service tier, which months.

Pure: the months of a period and their boundaries are computed in the practice's time
zone, so a referral received at 23:30 on 31 March in New York counts in March even
though it is already April in UTC. No database here."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

#: a period longer than this is refused: every chart has a bar per month
MAX_MONTHS = 60
DEFAULT_MONTHS = 12


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def default_period(today: date) -> tuple[date, date]:
    """The current month and the eleven before it, up to today."""
    return add_months(today, -(DEFAULT_MONTHS - 1)), today


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) at which ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0, 0)).replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Month:
    """One bar of a chart: the part of a calendar month inside the period."""

    first: date
    starts: datetime  # aware, UTC: inclusive
    ends: datetime  # aware, UTC: exclusive

    @property
    def label(self) -> str:
        return f"{self.first:%Y-%m}"


@dataclass(frozen=True)
class Filters:
    """Whose work (``owner_id``; ``None`` for the whole firm), which tier of client, and
    the period from ``start`` to ``end``, both days included, in ``zone``."""

    start: date
    end: date
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("America/New_York"))
    owner_id: int | None = None
    tier_id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("The period must end on or after its start")
        if len(self.months) > MAX_MONTHS:
            raise ValueError(f"A period of at most {MAX_MONTHS} months")

    @property
    def starts(self) -> datetime:
        return local_midnight(self.start, self.zone)

    @property
    def ends(self) -> datetime:
        """The instant the day after ``end`` begins: the period excludes it."""
        return local_midnight(self.end + timedelta(days=1), self.zone)

    @cached_property
    def months(self) -> list[Month]:
        found = []
        first = month_start(self.start)
        while first <= self.end:
            following = add_months(first, 1)
            found.append(
                Month(
                    first=first,
                    starts=max(self.starts, local_midnight(first, self.zone)),
                    ends=min(self.ends, local_midnight(following, self.zone)),
                )
            )
            first = following
        return found

    def month_of(self, instant: datetime) -> int | None:
        """The index of the month ``instant`` falls in, or ``None`` outside the period
        (what the SQL bucket computes, for tests and for rows built in Python)."""
        for index, month in enumerate(self.months):
            if month.starts <= instant < month.ends:
                return index
        return None

    def as_params(self) -> dict[str, str]:
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.owner_id:
            params["owner"] = str(self.owner_id)
        if self.tier_id:
            params["tier"] = str(self.tier_id)
        return params
