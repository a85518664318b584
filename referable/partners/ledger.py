"""The two-way ledger with each referral partner: pure arithmetic over counts the
database already aggregated (queries.scorecard), so it is tested without the ORM.

Reciprocity is shown, never demanded (seed 003: expect reciprocity without asking for
volume): nothing here produces a message to the partner."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

#: stages of a received referral (introductions.Stage) and of one we sent
#: (partners.OutboundStage), sorted into what came of them
OPEN = frozenset({"received", "sent", "contacted", "meeting_set", "met"})
ENGAGED = "engaged"
NOT_A_FIT = "not_a_fit"
NO_RESPONSE = "no_response"

PERIODS = {
    "year": "This year",
    "12m": "Last 12 months",
    "quarter": "This quarter",
    "last_year": "Last year",
    "all": "All time",
}


@dataclass(frozen=True)
class Flow:
    """Referrals in one direction over a period, by what came of them."""

    total: int = 0
    open: int = 0
    engaged: int = 0
    not_a_fit: int = 0
    no_response: int = 0
    value: Decimal = Decimal("0")

    @property
    def closed(self) -> int:
        return self.engaged + self.not_a_fit + self.no_response

    @property
    def conversion(self) -> float | None:
        """Engaged among those with an outcome; None before any outcome."""
        return self.engaged / self.closed if self.closed else None


NO_FLOW = Flow()


def flow_from_counts(
    total: int, engaged: int, not_a_fit: int, no_response: int, value: Decimal | None
) -> Flow:
    """Counts as aggregated in SQL → a Flow. Whatever has no outcome yet is open, an
    unknown stage included, rather than vanishing; ``value`` is that of the engaged."""
    return Flow(
        total=total,
        open=total - engaged - not_a_fit - no_response,
        engaged=engaged,
        not_a_fit=not_a_fit,
        no_response=no_response,
        value=value or Decimal("0"),
    )


def next_meeting_due(last_met: date | None, since: date, cadence_days: int) -> date:
    """The cadence runs from the last meeting; a partner never met is due from the day
    they became a partner."""
    if last_met is None:
        return since
    return last_met + timedelta(days=cadence_days)


def reciprocity(received: int, sent: int) -> str:
    """A description for the page, never a demand."""
    if received == sent:
        return "Balanced"
    larger = max(received, sent)
    if abs(received - sent) <= max(1, larger // 5):
        return "About even"
    return "They send more" if received > sent else "We send more"


@dataclass(frozen=True)
class LedgerLine:
    partner_id: int
    person_id: int
    name: str
    profession: str
    received: Flow
    sent: Flow
    we_owe_feedback: int
    they_owe_feedback: int
    last_met: date | None
    since: date
    cadence_days: int
    today: date = field(repr=False, default_factory=date.today)

    @property
    def balance(self) -> int:
        """Positive: they sent us more than we sent them in the period."""
        return self.received.total - self.sent.total

    @property
    def value_balance(self) -> Decimal:
        return self.received.value - self.sent.value

    @property
    def reciprocity(self) -> str:
        return reciprocity(self.received.total, self.sent.total)

    @property
    def days_since_meeting(self) -> int | None:
        return None if self.last_met is None else (self.today - self.last_met).days

    @property
    def next_meeting_due(self) -> date:
        return next_meeting_due(self.last_met, self.since, self.cadence_days)

    @property
    def meeting_due(self) -> bool:
        return self.next_meeting_due <= self.today


SORT_KEYS = {
    "name": lambda line: line.name.lower(),
    "received": lambda line: line.received.total,
    "sent": lambda line: line.sent.total,
    "balance": lambda line: line.balance,
    "value": lambda line: line.received.value,
    "sent_value": lambda line: line.sent.value,
    "we_owe": lambda line: line.we_owe_feedback,
    "they_owe": lambda line: line.they_owe_feedback,
    # days since the last meeting; never met sorts as the longest wait
    "last_met": lambda line: 10**6 if line.days_since_meeting is None else line.days_since_meeting,
}


def sort_lines(lines: Iterable[LedgerLine], key: str, *, descending: bool) -> list[LedgerLine]:
    if key not in SORT_KEYS:
        key = "name"
    # stable: ties keep name order
    by_name = sorted(lines, key=SORT_KEYS["name"])
    return sorted(by_name, key=SORT_KEYS[key], reverse=descending)


@dataclass(frozen=True)
class Totals:
    received: int
    sent: int
    received_value: Decimal
    sent_value: Decimal
    we_owe_feedback: int
    they_owe_feedback: int
    meetings_due: int

    @property
    def balance(self) -> int:
        return self.received - self.sent


def totals(lines: Iterable[LedgerLine]) -> Totals:
    lines = list(lines)
    return Totals(
        received=sum(line.received.total for line in lines),
        sent=sum(line.sent.total for line in lines),
        received_value=sum((line.received.value for line in lines), Decimal("0")),
        sent_value=sum((line.sent.value for line in lines), Decimal("0")),
        we_owe_feedback=sum(line.we_owe_feedback for line in lines),
        they_owe_feedback=sum(line.they_owe_feedback for line in lines),
        meetings_due=sum(1 for line in lines if line.meeting_due),
    )


def period_bounds(period: str, today: date) -> tuple[date | None, date | None]:
    """``[start, end)`` of a named period in the practice's calendar; None is open."""
    if period == "12m":
        return today - timedelta(days=365), today + timedelta(days=1)
    if period == "quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        return date(today.year, first_month, 1), today + timedelta(days=1)
    if period == "last_year":
        return date(today.year - 1, 1, 1), date(today.year, 1, 1)
    if period == "all":
        return None, None
    return date(today.year, 1, 1), today + timedelta(days=1)
