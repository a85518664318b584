"""The cadence of touches: when a client is next due a touch of some kind.

Seed 000: keep the introduction expectation top of mind with a steady cadence of
touches. Each service tier has rules ("a review every 90 days"); a rule is due again
``every_days`` calendar days after the last touch that counts for it. What users of
personal CRMs ask for more than anything: ANY logged touch of a matching kind resets
the clock — a call, a meeting, an e-mail sent, an event attended — not only the one the
reminder asked for. ``RESETS`` says which touches count for which rule; a client never
touched counts from the start of the engagement.

Days are the user's: a touch at 23:30 in New York is on that New York day, and "every
90 days" is 90 days on the calendar of that zone, whatever daylight-saving time does
in between (a day is not always 24 hours). Pure: no database, no Django.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# kinds of touch that can be logged (or are seen in other areas)
CALL = "call"
MEETING = "meeting"
EMAIL = "email"
EVENT = "event"
REVIEW = "review"
CHECK_IN = "check_in"
EVENT_INVITATION = "event_invitation"
LUNCH = "lunch"

TOUCH_CHOICES = [
    (CALL, "Call"),
    (MEETING, "Meeting"),
    (EMAIL, "E-mail sent"),
    (EVENT, "Event attended"),
    (REVIEW, "Review meeting"),
    (CHECK_IN, "Check-in"),
    (EVENT_INVITATION, "Event invitation"),
    (LUNCH, "Lunch or coffee"),
]
TOUCH_LABELS = dict(TOUCH_CHOICES)

# kinds of rule a tier can have
KEEP_IN_TOUCH = "touch"
RULE_CHOICES = [
    (KEEP_IN_TOUCH, "Keep in touch"),
    (CHECK_IN, "Check-in"),
    (REVIEW, "Review"),
    (LUNCH, "Lunch or coffee"),
    (EVENT_INVITATION, "Event invitation"),
]
RULE_LABELS = dict(RULE_CHOICES)

#: which touches reset the clock of which rule
RESETS: dict[str, frozenset[str]] = {
    KEEP_IN_TOUCH: frozenset(TOUCH_LABELS),
    # "are we meeting your expectations?" can be asked in any real conversation
    CHECK_IN: frozenset({CHECK_IN, CALL, MEETING, REVIEW, LUNCH, EMAIL, EVENT}),
    REVIEW: frozenset({REVIEW, MEETING}),
    LUNCH: frozenset({LUNCH, MEETING, EVENT}),
    EVENT_INVITATION: frozenset({EVENT_INVITATION, EVENT}),
}


@dataclass(frozen=True)
class Rule:
    kind: str
    every_days: int

    def __post_init__(self) -> None:
        if self.kind not in RESETS:
            raise ValueError(f"Unknown kind of rule {self.kind!r}")
        if self.every_days < 1:
            raise ValueError("A cadence is at least one day")

    @property
    def label(self) -> str:
        return RULE_LABELS[self.kind]


@dataclass(frozen=True)
class TouchSeen:
    """A touch as the cadence sees it: its kind and when (an instant, or a day when the
    area records only the day, like a check-in)."""

    kind: str
    at: datetime | date


@dataclass(frozen=True)
class Due:
    rule: Rule
    due_on: date
    last_touch: TouchSeen | None
    last_day: date | None

    def overdue_days(self, today: date) -> int:
        return (today - self.due_on).days

    def is_due(self, today: date) -> bool:
        return self.due_on <= today


def local_day(at: datetime | date, zone: ZoneInfo) -> date:
    """The day on the wall calendar of ``zone`` when ``at`` happened."""
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("A touch's time must be aware")
        return at.astimezone(zone).date()
    return at


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The first instant (UTC) of ``day`` in ``zone``; a midnight skipped by a change of
    daylight-saving time resolves to the first instant after the gap."""
    local = datetime.combine(day, time(0, 0)).replace(tzinfo=zone, fold=0)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).date() != day:  # midnight did not exist that day
        instant = datetime.combine(day, time(1, 0)).replace(tzinfo=zone).astimezone(UTC)
    return instant


def last_counting(touches: Iterable[TouchSeen], rule: Rule, zone: ZoneInfo) -> TouchSeen | None:
    """The latest touch (by local day, then instant) that resets ``rule``'s clock."""
    counting = [t for t in touches if t.kind in RESETS[rule.kind]]
    if not counting:
        return None

    def order(t: TouchSeen):
        day = local_day(t.at, zone)
        return (day, t.at if isinstance(t.at, datetime) else start_of_day(day, zone))

    return max(counting, key=order)


def next_due(rule: Rule, touches: Iterable[TouchSeen], *, since: date, zone: ZoneInfo) -> Due:
    """When ``rule`` is next due for a client touched by ``touches`` and engaged
    ``since``: ``every_days`` calendar days (in ``zone``) after the last counting touch,
    or after the start of the engagement when there was none."""
    last = last_counting(touches, rule, zone)
    last_day = local_day(last.at, zone) if last else None
    return Due(
        rule=rule,
        due_on=(last_day or since) + timedelta(days=rule.every_days),
        last_touch=last,
        last_day=last_day,
    )


def due_now(
    rules: Iterable[Rule],
    touches: Iterable[TouchSeen],
    *,
    since: date,
    today: date,
    zone: ZoneInfo,
) -> list[Due]:
    """The rules of a tier that are due on ``today``, most overdue first. A tier without
    rules has nothing due: no cadence is a choice, not an error.

    The same answer as ``next_due`` for each rule, computed for a whole book of clients
    on every read of Today: each touch's local day is found once, not once per rule."""
    days = [(local_day(t.at, zone), t) for t in touches]
    found = []
    for rule in rules:
        resets = RESETS[rule.kind]
        last_day, latest = None, []
        for day, t in days:
            if t.kind in resets:
                if last_day is None or day > last_day:
                    last_day, latest = day, [t]
                elif day == last_day:
                    latest.append(t)
        due_on = (last_day or since) + timedelta(days=rule.every_days)
        if due_on <= today:
            last = latest[0] if len(latest) == 1 else last_counting(latest, rule, zone)
            found.append(Due(rule=rule, due_on=due_on, last_touch=last, last_day=last_day))
    return sorted(found, key=lambda d: (d.due_on, d.rule.kind))


def describe(due: Due, today: date) -> str:
    """Why the touch is on the agenda, in words."""
    rule = due.rule
    if due.last_touch is None:
        since = "no touch since they became a client"
    else:
        what = TOUCH_LABELS.get(due.last_touch.kind, due.last_touch.kind).lower()
        since = f"last counting touch: {what} on {due.last_day:%-d %b %Y}"
    late = due.overdue_days(today)
    when = "due today" if late == 0 else f"{late} day{'s' if late != 1 else ''} overdue"
    return f"{rule.label} every {rule.every_days} days — {since}; {when}."
