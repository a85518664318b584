"""Issue 7: the firm dashboard at 200,000 people and 100,000 referrals (< 300 ms median).

The firm-scale demo makes about 40,000 referrals; the missing ones are added once
(idempotently: only up to 100,000) with full histories — stage changes, first contacts
on time and late, feedback and thank-yous owed and paid, values when engaged — spread
over the same eighteen months, so every chart of the dashboard has work to do. Loaded in
bulk, they send no signal: the monthly summary is then rebuilt, as the worker's daily
pass would, and timed."""

import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bench.harness import Context, ok
from referable.clients.models import Client
from referable.insight import summary
from referable.insight.filters import add_months
from referable.introductions.models import FeedbackDebt, Method, Referral, StageChange
from referable.people.models import Person
from referable.practices.bulk import analyze, insert_rows, inserted_ids
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

TARGET_REFERRALS = 100_000
DAYS = 548
PATHS = [
    (["contacted", "meeting_set", "met", "engaged"], 4),
    (["contacted", "meeting_set", "met", "not_a_fit"], 3),
    (["no_response"], 2),
    (["contacted", "meeting_set", "met"], 1),
    (["contacted", "meeting_set"], 1),
    (["contacted"], 1),
]
FEEDBACK_AT = {"contacted", "met", "engaged", "not_a_fit", "no_response"}


def run(ctx: Context) -> None:
    added = _top_up(ctx.big)
    _summarize(ctx, everything=bool(added))
    owner, small_owner = ctx.client(ctx.big, Role.OWNER), ctx.client(ctx.small, Role.OWNER)
    with practice_scope(ctx.big):
        total = Referral.objects.count()
        people = Person.objects.count()
    note = f"{people:,} people, {total:,} referrals" + (
        f" ({added:,} added for the benchmark)" if added else ""
    )
    today = timezone.localdate(timezone=ctx.big.zone)
    everything = {"start": add_months(today, -19).isoformat(), "end": today.isoformat()}
    ctx.measure(
        "insight: firm dashboard, all 18 months of referrals",
        lambda: ok(owner.get("/insight/", everything)),
        small_fn=lambda: ok(small_owner.get("/insight/", everything)),
        target_ms=300,
        note=note,
    )
    ctx.measure(
        "insight: firm dashboard, default period (12 months)",
        lambda: ok(owner.get("/insight/")),
        small_fn=lambda: ok(small_owner.get("/insight/")),
        target_ms=300,
    )
    professional = ctx.client(ctx.big)
    ctx.measure(
        "insight: one professional's dashboard (12 months)",
        lambda: ok(professional.get("/insight/")),
        target_ms=300,
    )
    ctx.measure(
        "insight: firm dashboard swapped by the filters (htmx)",
        lambda: ok(owner.get("/insight/", everything, headers={"HX-Request": "true"})),
        target_ms=300,
    )
    ctx.measure(
        "insight: CSV of one chart (conversion by method)",
        lambda: ok(
            owner.get("/insight/", {**everything, "format": "csv", "chart": "conversion_by_method"})
        ),
    )
    api = ctx.api(ctx.big, Role.OWNER)
    ctx.measure(
        "API: GET /api/v1/insight (all charts)",
        lambda: ok(api.get("/api/v1/insight", everything)),
        target_ms=300,
    )


def _summarize(ctx: Context, *, everything: bool) -> None:
    """Brings the monthly summary up to date, as the worker does: every month after a
    bulk load (which sends no signal), else the months missing or changed, if any."""
    start = time.perf_counter()
    with practice_scope(ctx.big):
        months = summary.refresh(ctx.big, everything=everything)
    if months:
        ctx.record(
            "insight: summarize the firm's months (worker)",
            time.perf_counter() - start,
            note=f"{months} months",
        )


def _top_up(practice) -> int:
    """Adds referrals (with their stage changes and debts) until the firm has 100,000."""
    with practice_scope(practice):
        missing = TARGET_REFERRALS - Referral.objects.count()
        if missing <= 0:
            return 0
        referrers = list(
            Client.objects.order_by("person_id").values_list("person_id", flat=True)[:20000]
        )
        prospects = list(
            Person.objects.filter(category=Person.Category.PROSPECT, do_not_contact=False)
            .order_by("id")
            .values_list("id", flat=True)[:20000]
        )
        owners = list(
            practice.users.filter(role__in=[Role.PROFESSIONAL, Role.OWNER, Role.MANAGER])
            .order_by("id")
            .values_list("id", flat=True)
        )
    rng = random.Random(7)
    now = timezone.now()
    plans = [_plan(rng, now, referrers, prospects, owners) for _ in range(missing)]
    with practice_scope(practice), transaction.atomic():
        insert_rows(Referral, REFERRAL_FIELDS, (_referral_row(practice, p) for p in plans))
        ids = inserted_ids(Referral, practice, missing)
        insert_rows(
            StageChange,
            ("practice", "created_at", "updated_at", "referral", "at", "by", "from_stage", "to_stage", "reason"),
            _stage_rows(practice, ids, plans),
        )  # fmt: skip
        insert_rows(
            FeedbackDebt,
            ("practice", "created_at", "updated_at", "referral", "referrer", "kind", "outcome", "owed_since", "paid_at", "paid_by", "paid_how", "note", "owner"),
            _debt_rows(practice, rng, ids, plans, now),
        )  # fmt: skip
    analyze()
    return missing


REFERRAL_FIELDS = (
    "practice", "created_at", "updated_at", "referrer", "referrer_kind", "prospect", "kind",
    "method", "approach", "suggested_method", "reason", "source", "source_detail", "owner",
    "solicited", "stage", "stage_changed_at", "received_at", "first_contact_due_at",
    "first_contacted_at", "contacted_late", "value", "currency", "privacy_notice_due",
    "privacy_notice_how", "notes",
)  # fmt: skip


def _plan(rng, now, referrers, prospects, owners) -> dict:
    received = now - timedelta(days=rng.randint(0, DAYS), minutes=rng.randint(0, 600))
    due = received + timedelta(hours=rng.choice([4, 6, 8, 30]))
    path = rng.choices([p for p, _w in PATHS], weights=[w for _p, w in PATHS])[0]
    steps, at = [], received
    for n, stage in enumerate(path):
        at += (
            timedelta(
                minutes=rng.randint(15, 300) if rng.random() < 0.85 else rng.randint(1500, 3000)
            )
            if n == 0
            else timedelta(days=rng.randint(1, 12))
        )
        if at > now:
            break
        steps.append((stage, at))
    return {
        "received": received,
        "due": due,
        "steps": steps,
        "referrer": rng.choice(referrers),
        "prospect": rng.choice(prospects),
        "owner": rng.choice(owners),
        "method": rng.choice(Method.values),
        "kind": rng.choice(["introduction", "introduction", "recommendation"]),
        "source": rng.choice(["direct", "direct", "direct", "event", "profile"]),
        "value": Decimal(rng.choice([1500, 2500, 4000, 7500, 12000])),
    }


def _referral_row(practice, p: dict) -> tuple:
    stage = p["steps"][-1][0] if p["steps"] else "received"
    first = p["steps"][0][1] if p["steps"] else None
    return (
        practice.pk, p["received"], p["received"], p["referrer"], "client", p["prospect"],
        p["kind"], p["method"], "", p["method"], "", p["source"], "", p["owner"], False, stage,
        p["steps"][-1][1] if p["steps"] else p["received"], p["received"], p["due"], first,
        bool(first and first > p["due"]), p["value"] if stage == "engaged" else None, "USD",
        True, "", "",
    )  # fmt: skip


def _stage_rows(practice, ids, plans):
    for referral_id, p in zip(ids, plans, strict=True):
        yield (practice.pk, p["received"], p["received"], referral_id, p["received"], p["owner"], "", "received", "")  # fmt: skip
        previous = "received"
        for stage, at in p["steps"]:
            yield (practice.pk, at, at, referral_id, at, p["owner"], previous, stage, "")
            previous = stage


def _debt_rows(practice, rng, ids, plans, now):
    for referral_id, p in zip(ids, plans, strict=True):
        thanked = p["received"] + timedelta(days=1)
        paid = thanked < now and rng.random() < 0.8
        yield (
            practice.pk, p["received"], p["received"], referral_id, p["referrer"], "thank_you", "",
            p["received"], thanked if paid else None, p["owner"] if paid else None,
            "note" if paid else "", "Thanked them." if paid else "", p["owner"],
        )  # fmt: skip
        for stage, at in p["steps"]:
            if stage not in FEEDBACK_AT:
                continue
            told = at + timedelta(hours=rng.randint(2, 120))
            paid = told < now and rng.random() < 0.75
            yield (
                practice.pk, at, at, referral_id, p["referrer"], "feedback", stage, at,
                told if paid else None, p["owner"] if paid else None, "note" if paid else "",
                "Told them." if paid else "", p["owner"],
            )  # fmt: skip
