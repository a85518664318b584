"""The first pillar, trust, as one 0–100 score with its reasons (seed 001: clients give
quality introductions only when they trust you will not embarrass them).

Pure: plain values in, a ``TrustScore`` out. Each reason states its contribution in
points, and the contributions add up to the score (a cap at 0 or 100 is a reason too).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

RATING_WEIGHTS = (1.0, 0.5, 0.25, 0.125, 0.0625)  # latest rating counts most
CHECK_IN_POINTS = {"exceeding": 5, "meeting": 2, "below": -10}
RECENT_CHECK_INS = 4


@dataclass(frozen=True)
class TrustReason:
    text: str
    points: int

    def __str__(self) -> str:
        return f"{self.text} ({self.points:+d})"


@dataclass(frozen=True)
class TrustScore:
    score: int
    reasons: tuple[TrustReason, ...]


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def trust_score(
    *,
    today: date,
    start_date: date | None,
    stage: str = "active",
    ratings: Iterable[tuple[date, int]] = (),
    check_ins: Iterable[tuple[date, str]] = (),
    kept: int = 0,
    missed: int = 0,
) -> TrustScore:
    """``ratings`` are the professional's explicit 1–5 ratings; ``check_ins`` the overall
    answers (below/meeting/exceeding); ``kept``/``missed`` the promises (calls at the
    exact time, feedback to the referrer) from the introductions area."""
    reasons: list[TrustReason] = []
    if stage == "prospect":
        reasons.append(TrustReason("Not a client yet", 25))
    else:
        reasons.append(TrustReason("They placed their business with you", 50))

    past = sorted((r for r in ratings if r[0] <= today), key=lambda r: (r[0], r[1]), reverse=True)
    if past:
        used = past[: len(RATING_WEIGHTS)]
        weights = RATING_WEIGHTS[: len(used)]
        average = sum(w * score for w, (_d_, score) in zip(weights, used, strict=True)) / sum(
            weights
        )
        points = round((average - 3) * 12.5 + 5)
        latest_day, latest = used[0]
        earlier = f", weighted with {len(used) - 1} earlier" if len(used) > 1 else ""
        reasons.append(
            TrustReason(f"Your latest rating: {latest}/5 on {_d(latest_day)}{earlier}", points)
        )
    else:
        reasons.append(TrustReason("No explicit rating yet", 0))

    if start_date and start_date <= today and stage != "prospect":
        months = (today.year - start_date.year) * 12 + today.month - start_date.month
        months -= today.day < start_date.day
        points = min(10, 2 * (max(months, 0) // 6))
        reasons.append(TrustReason(f"Client for {max(months, 0)} months", points))

    recent = sorted(
        (c for c in check_ins if c[0] <= today and c[1] in CHECK_IN_POINTS),
        key=lambda c: (c[0], c[1]),
        reverse=True,
    )[:RECENT_CHECK_INS]
    if recent:
        counts = {k: sum(1 for _d_, overall in recent if overall == k) for k in CHECK_IN_POINTS}
        parts = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
        points = sum(CHECK_IN_POINTS[overall] for _d_, overall in recent)
        reasons.append(TrustReason(f"Last {len(recent)} check-in(s): {parts}", points))

    if kept:
        reasons.append(TrustReason(f"{kept} promise(s) kept", min(10, 2 * kept)))
    if missed:
        reasons.append(TrustReason(f"{missed} promise(s) missed", -min(24, 6 * missed)))

    total = sum(r.points for r in reasons)
    score = max(0, min(100, total))
    if score != total:
        reasons.append(TrustReason(f"Capped at {score}", score - total))
    return TrustScore(score=score, reasons=tuple(reasons))
