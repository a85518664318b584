"""The second pillar: the client's experience against what they said they expect.

Pure. Meeting expectations is not remarkable; exceeding them is (seed 002). A client
with no recorded expectations is flagged: ask, never guess (seed 001)."""

from collections.abc import Iterable
from dataclasses import dataclass

from referable.clients.ladder import BELOW, EXCEEDING, MEETING, ExpectationFact

NO_EXPECTATIONS = "no_expectations"
UNRATED = "unrated"
STATUS_LABELS = {
    NO_EXPECTATIONS: "No expectations recorded",
    BELOW: "Below expectations",
    UNRATED: "Not yet checked",
    MEETING: "Meeting expectations",
    EXCEEDING: "Exceeding expectations",
}


@dataclass(frozen=True)
class Experience:
    status: str
    reasons: tuple[str, ...]
    counts: dict

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def flagged(self) -> bool:
        return self.status in (NO_EXPECTATIONS, BELOW)


def experience_summary(expectations: Iterable[ExpectationFact]) -> Experience:
    items = sorted(expectations, key=lambda e: (e.priority, e.id, e.text))
    counts = dict.fromkeys((BELOW, MEETING, EXCEEDING, UNRATED), 0)
    for e in items:
        counts[e.latest_rating or UNRATED] += 1
    if not items:
        return Experience(
            NO_EXPECTATIONS,
            ("Ask what they expect of you and write it down in their words; do not guess.",),
            counts,
        )
    reasons = []
    below = [e for e in items if e.latest_rating == BELOW]
    if below:
        reasons.append("Below: " + "; ".join(f"“{e.text}”" for e in below) + ".")
    if counts[EXCEEDING]:
        reasons.append(f"{counts[EXCEEDING]} of {len(items)} exceeded at the latest check-in.")
    if counts[MEETING]:
        reasons.append(f"{counts[MEETING]} of {len(items)} met — not yet remarkable.")
    if counts[UNRATED]:
        reasons.append(f"{counts[UNRATED]} not yet checked with them.")
    if below:
        status = BELOW
    elif counts[UNRATED] == len(items):
        status = UNRATED
    elif counts[EXCEEDING] * 2 >= len(items) and not counts[UNRATED]:
        status = EXCEEDING
    elif counts[UNRATED]:
        status = UNRATED
    else:
        status = MEETING
    return Experience(status, tuple(reasons), counts)
