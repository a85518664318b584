"""Which event an introduction was born at (seed 002: most introductions are born at
the events where a practice goes above and beyond). Pure: facts in, proposal out.

A referral is proposed for an event when its prospect was a guest there, or its
referrer attended, and it arrived after the event started and within the practice's
window. A guest match is the stronger evidence; among equals the latest event wins."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class EventFacts:
    event_id: int
    title: str
    starts_at: datetime
    attendees: frozenset[int] = field(default_factory=frozenset)
    guests: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ReferralFacts:
    referral_id: int
    referrer_id: int
    prospect_id: int
    received_at: datetime


@dataclass(frozen=True)
class Proposal:
    referral_id: int
    event_id: int
    reason: str


def in_window(event: EventFacts, received_at: datetime, window_days: int) -> bool:
    return event.starts_at <= received_at <= event.starts_at + timedelta(days=window_days)


def propose(
    referral: ReferralFacts, events: Iterable[EventFacts], window_days: int
) -> Proposal | None:
    best: tuple[int, datetime, int, str] | None = None
    for event in events:
        if not in_window(event, referral.received_at, window_days):
            continue
        if referral.prospect_id in event.guests:
            rank, reason = 2, f"The prospect was a guest at {event.title}."
        elif referral.referrer_id in event.attendees:
            rank, reason = 1, f"The referrer attended {event.title}."
        else:
            continue
        candidate = (rank, event.starts_at, event.event_id, reason)
        if best is None or candidate[:3] > best[:3]:
            best = candidate
    if best is None:
        return None
    return Proposal(referral_id=referral.referral_id, event_id=best[2], reason=best[3])


@dataclass(frozen=True)
class EventResults:
    """What an event achieved, per SPEC §7 and §11."""

    invited: int
    attendees: int
    guests: int
    introductions: int
    proposed: int
    value: Decimal
    cost: Decimal | None

    @property
    def cost_per_introduction(self) -> Decimal | None:
        if self.cost is None or not self.introductions:
            return None
        return (self.cost / self.introductions).quantize(Decimal("0.01"))
