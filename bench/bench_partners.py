"""Issue 5: the partner scorecard for a firm with 500 partners and 100,000 referrals each
way (received from partners, and sent to them), and a partner's page.

The firm-scale demo makes up to 500 partner profiles but far fewer referrals; the rest
is added here, in a transaction that is rolled back once measured, so that the other
benchmarks (and the next run) measure the firm their issues name: 100,000 referrals
received in all, not 200,000."""

import time
from datetime import datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bench.harness import Context, ok
from referable.introductions.models import Referral
from referable.partners.models import OutboundReferral, PartnerProfile
from referable.people.models import Person
from referable.practices.bulk import analyze, insert_rows
from referable.practices.tenancy import practice_scope

PARTNERS = 500
EACH_WAY = 100_000
RECEIVED_STAGES = [
    "received",
    "contacted",
    "meeting_set",
    "met",
    "engaged",
    "not_a_fit",
    "no_response",
]
SENT_STAGES = ["sent", "contacted", "met", "engaged", "not_a_fit", "no_response"]


def run(ctx: Context) -> None:
    with transaction.atomic():
        _measure(ctx, _ensure_data(ctx.big))
        transaction.set_rollback(True)


def _measure(ctx: Context, note: str) -> None:
    web, small_web = ctx.client(ctx.big), ctx.client(ctx.small)
    with practice_scope(ctx.big):
        partners = PartnerProfile.objects.count()
        received = Referral.objects.filter(
            referrer_id__in=PartnerProfile.objects.values("person_id")
        ).count()
        sent = OutboundReferral.objects.count()
        busiest = (
            PartnerProfile.objects.filter(person__referrals_given__isnull=False)
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
    with practice_scope(ctx.small):
        small_partner = PartnerProfile.objects.order_by("id").values_list("id", flat=True).first()
    shape = f"{partners} partners, {received:,} received, {sent:,} sent"
    for period in ("year", "all"):
        ctx.measure(
            f"partner scorecard, period “{period}” ({shape})"[:58],
            lambda p=period: ok(web.get("/partners/", {"period": p})),
            small_fn=lambda p=period: ok(small_web.get("/partners/", {"period": p})),
            target_ms=200,
            note=note if period == "year" else "",
        )
    ctx.measure(
        "partner scorecard sorted by balance (all time)",
        lambda: ok(web.get("/partners/", {"period": "all", "sort": "balance", "dir": "desc"})),
        target_ms=200,
    )
    api, small_api = ctx.api(ctx.big), ctx.api(ctx.small)
    ctx.measure(
        "API: GET /api/v1/partners/scorecard?period=12m",
        lambda: ok(api.get("/api/v1/partners/scorecard", {"period": "12m"})),
        small_fn=lambda: ok(small_api.get("/api/v1/partners/scorecard", {"period": "12m"})),
        target_ms=200,
    )
    if busiest and small_partner:
        ctx.measure(
            "partner page (ledger, sent, received)",
            lambda: ok(web.get(f"/partners/{busiest}/")),
            small_fn=lambda: ok(small_web.get(f"/partners/{small_partner}/")),
            target_ms=200,
        )


def _ensure_data(practice) -> str:
    """500 partner profiles and 100,000 referrals each way, spread over three years."""
    with practice_scope(practice):
        profiles = list(
            PartnerProfile.objects.order_by("id").values_list("id", "person_id")[:PARTNERS]
        )
        if len(profiles) < PARTNERS:
            return f"only {len(profiles)} partner profiles in the data set"
        person_ids = [person for _pk, person in profiles]
        have_received = Referral.objects.filter(referrer_id__in=person_ids).count()
        have_sent = OutboundReferral.objects.filter(
            partner_id__in=[pk for pk, _p in profiles]
        ).count()
        if have_received >= EACH_WAY and have_sent >= EACH_WAY:
            return ""
        start = time.perf_counter()
        others = list(
            Person.objects.exclude(category=Person.Category.PARTNER)
            .filter(do_not_contact=False)
            .order_by("id")
            .values_list("id", flat=True)[:50_000]
        )
        _add_received(practice, person_ids, others, EACH_WAY - have_received)
        _add_sent(practice, [pk for pk, _p in profiles], others, EACH_WAY - have_sent)
        analyze()
        return f"referrals added in {time.perf_counter() - start:.1f} s"


def _spread(index: int, total: int, zone) -> datetime:
    days = (index * 1093) % 1095  # three years, evenly but not in order
    day = timezone.localdate() - timedelta(days=days)
    return datetime.combine(day, clock_time(9 + index % 9, (index * 7) % 60), tzinfo=zone)


def _add_received(practice, partner_people, others, count: int) -> None:
    if count <= 0:
        return
    # every non-null column of the referral, from its field's default unless given here
    fields = [f for f in Referral._meta.concrete_fields if not f.primary_key]
    names = [f.name for f in fields]

    def row(i: int):
        at = _spread(i, count, practice.zone)
        stage = RECEIVED_STAGES[i % len(RECEIVED_STAGES)]
        given = {
            "practice": practice.pk,
            "referrer": partner_people[i % len(partner_people)],
            "referrer_kind": "partner",
            "prospect": others[(i * 31) % len(others)],
            "stage": stage,
            "stage_changed_at": at,
            "received_at": at,
            "first_contact_due_at": at + timedelta(hours=6),
            "first_contacted_at": at + timedelta(hours=2) if stage != "received" else None,
            "value": Decimal(1000 + (i % 40) * 250) if stage == "engaged" else None,
            "source": "partner",
            "created_at": at,
            "updated_at": at,
        }
        values = []
        for field in fields:
            if field.name in given:
                values.append(given[field.name])
            elif field.null:
                values.append(None)
            else:
                values.append(field.get_default())
        return values

    insert_rows(Referral, names, (row(i) for i in range(count)))


def _add_sent(practice, partner_ids, others, count: int) -> None:
    if count <= 0:
        return
    fields = (
        "practice",
        "partner",
        "person",
        "need",
        "sent_on",
        "stage",
        "stage_changed_on",
        "value",
        "currency",
        "last_feedback_on",
        "feedback",
        "notes",
        "created_at",
        "updated_at",
    )

    def row(i: int):
        at = _spread(i + 7, count, practice.zone)
        stage = SENT_STAGES[i % len(SENT_STAGES)]
        day = at.date()
        return (
            practice.pk,
            partner_ids[(i * 3) % len(partner_ids)],
            others[(i * 17) % len(others)],
            "Estate plan",
            day,
            stage,
            day,
            Decimal(2000 + (i % 30) * 100) if stage == "engaged" else None,
            "USD",
            day if stage != "sent" else None,
            "",
            "",
            at,
            at,
        )

    insert_rows(OutboundReferral, fields, (row(i) for i in range(count)))
