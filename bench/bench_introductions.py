"""Issue 4: the pipeline board for one professional with 100,000 referrals in the firm,
and a letter of introduction rendered as PDF."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from bench.harness import Context, ok
from referable.introductions import services
from referable.introductions.models import Letter, Referral, Stage
from referable.people.models import Person
from referable.practices.bulk import insert_rows
from referable.practices.tenancy import practice_scope

TARGET_REFERRALS = 100_000
STAGES = [s.value for s in Stage]


def run(ctx: Context) -> None:
    professional = ctx.user(ctx.big)
    added = _top_up(ctx.big, professional)
    web, small_web = ctx.client(ctx.big), ctx.client(ctx.small)
    with practice_scope(ctx.big):
        total = Referral.objects.count()
        theirs = Referral.objects.filter(owner=professional).count()
    note = f"{total:,} referrals in the firm, {theirs:,} of them this professional's"
    if added:
        note += f" ({added:,} added for the benchmark)"
    ctx.measure(
        "introductions board, one professional",
        lambda: ok(web.get("/introductions/")),
        small_fn=lambda: ok(small_web.get("/introductions/")),
        target_ms=100,
        note=note,
    )
    ctx.measure(
        "introductions list, first contact late (page 1)",
        lambda: ok(web.get("/introductions/list/", {"overdue": "on"})),
        small_fn=lambda: ok(small_web.get("/introductions/list/", {"overdue": "on"})),
    )
    with practice_scope(ctx.big):
        referral_id = (
            Referral.objects.filter(owner=professional)
            .annotate(n=Count("stage_changes"))
            .order_by("-n", "id")
            .values_list("id", flat=True)
            .first()
        )
    ctx.measure(
        "referral page",
        lambda: ok(web.get(f"/introductions/{referral_id}/")),
        target_ms=100,
    )
    letter = _a_letter(ctx.big, professional)
    with practice_scope(ctx.big):
        rendered = services.render_letter(letter)
    ctx.measure(
        "letter of introduction as PDF (render only)", rendered.pdf, runs=15, target_ms=1000
    )
    ctx.measure(
        "letter of introduction as PDF (page download)",
        lambda: ok(web.get(f"/introductions/letters/{letter.pk}/letter.pdf")),
        runs=15,
        target_ms=1000,
    )
    api = ctx.api(ctx.big)
    ctx.measure(
        "API: GET /api/v1/referrals?overdue=true",
        lambda: ok(api.get("/api/v1/referrals", {"overdue": "true"})),
    )


def _top_up(practice, professional) -> int:
    """The demo makes about one referral per five people; the issue asks for 100,000.
    The missing ones are copies of plain referrals spread over 18 months, a third of
    them the professional's (the busiest board)."""
    with practice_scope(practice):
        missing = TARGET_REFERRALS - Referral.objects.count()
        if missing <= 0:
            return 0
        people = list(Person.objects.order_by("id").values_list("id", flat=True)[:20000])
        owners = list(
            practice.users.filter(role__in=["professional", "owner", "manager"]).values_list(
                "id", flat=True
            )
        )
    now = timezone.now()
    fields = (
        "practice", "created_at", "updated_at", "referrer", "referrer_kind", "prospect", "kind",
        "method", "approach", "suggested_method", "reason", "source", "source_detail", "owner",
        "solicited", "stage", "stage_changed_at", "received_at", "first_contact_due_at",
        "first_contacted_at", "contacted_late", "currency", "privacy_notice_due",
        "privacy_notice_how", "notes",
    )  # fmt: skip

    def rows():
        for i in range(missing):
            received = now - timedelta(minutes=(i * 7919) % (548 * 24 * 60))
            stage = STAGES[i % len(STAGES)]
            a, b = people[i % len(people)], people[(i * 31 + 7) % len(people)]
            if a == b:
                b = people[(i + 1) % len(people)]
            owner = professional.pk if i % 3 == 0 else owners[i % len(owners)]
            contacted = received + timedelta(hours=2) if stage != Stage.RECEIVED else None
            yield (
                practice.pk, received, received, a, "client", b, "introduction", "letter",
                "lends trust", "letter", "", "direct", "", owner, False, stage,
                contacted or received, received, received + timedelta(hours=6), contacted,
                False, "USD", True, "", "",
            )  # fmt: skip

    return insert_rows(Referral, fields, rows())


def _a_letter(practice, professional) -> Letter:
    with practice_scope(practice):
        letter = Letter.objects.order_by("id").first()
        if letter is None:
            referral = Referral.objects.filter(owner=professional).order_by("id").first()
            letter = services.draft_letter(
                referral,
                what_we_did="They reorganised our savings and the children's education fund.",
                why_meet="You are thinking of selling the company; they ask the right questions.",
                call_at=timezone.now() + timedelta(days=3),
                by=professional,
            )
        return letter
