"""Issue 3: the book of a professional with 2,000 clients, the ladder for every client of a
200,000-person firm (about 40,000 clients), and the client page."""

import time
from datetime import date

from django.db.models import Count

from bench.harness import Context, ok
from referable.clients import queries, services
from referable.clients.models import CheckIn, Client
from referable.practices.demo import DemoPlan
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

BOOK_SIZE = 2_000


def run(ctx: Context) -> None:
    professional = ctx.user(ctx.big)
    notes = []
    for practice in (ctx.big, ctx.small):
        if built := _ensure_clients(practice):
            notes.append(f"clients added to {practice.slug} in {built:.1f} s")
    moved = _top_up(ctx.big, professional)
    with practice_scope(ctx.big):
        total = Client.objects.count()
        theirs = Client.objects.filter(owner=professional).count()
        settings = services.ladder_settings_for(ctx.big)
        start = time.perf_counter()
        done = services.refresh_ladder(Client.objects.all(), settings=settings)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        queries.compute(Client.objects.all(), today=queries.practice_today(ctx.big))
        compute_only = time.perf_counter() - start
    ctx.record(
        f"the ladder for every client ({done:,}), computed and stored",
        seconds,
        target_s=20,
        note=f"compute alone {compute_only:.1f} s; " + "; ".join(notes),
    )

    web, small_web = ctx.client(ctx.big), ctx.client(ctx.small)
    note = f"{theirs:,} of {total:,} clients are this professional's"
    if moved:
        note += f" ({moved:,} moved to them for the benchmark)"
    ctx.measure(
        "the book, one professional (page 1)",
        lambda: ok(web.get("/clients/")),
        small_fn=lambda: ok(small_web.get("/clients/")),
        target_ms=150,
        note=note,
    )
    ctx.measure(
        "the book, ready to move up",
        lambda: ok(web.get("/clients/", {"ready": "1"})),
        small_fn=lambda: ok(small_web.get("/clients/", {"ready": "1"})),
        target_ms=150,
    )
    ctx.measure(
        "the book, whole firm, one tier",
        lambda: ok(web.get("/clients/", {"owner": "", "tier": _a_tier(ctx.big)})),
        target_ms=150,
    )
    busiest, n = _most_check_ins(ctx.big)
    small_client, _ = _most_check_ins(ctx.small)
    ctx.measure(
        f"client page (most check-ins: {n})",
        lambda: ok(web.get(f"/clients/{busiest}/")),
        small_fn=lambda: ok(small_web.get(f"/clients/{small_client}/")),
        target_ms=150,
    )
    api, small_api = ctx.api(ctx.big), ctx.api(ctx.small)
    ctx.measure(
        "API: GET /api/v1/clients/{id}/next-ask",
        lambda: ok(api.get(f"/api/v1/clients/{busiest}/next-ask")),
        small_fn=lambda: ok(small_api.get(f"/api/v1/clients/{small_client}/next-ask")),
    )
    ctx.measure(
        "API: GET /api/v1/book",
        lambda: ok(api.get("/api/v1/book", {"owner_id": professional.pk})),
        small_fn=lambda: ok(small_api.get("/api/v1/book")),
    )


def _ensure_clients(practice) -> float | None:
    """A data set built before the clients area existed gets its clients now, from the
    same demo builder (it reads the client persons already there)."""
    from referable.clients import demo

    with practice_scope(practice):
        if Client.objects.exists():
            return None
        plan = DemoPlan(today=date.today())
        plan.practice = practice
        plan.users = {
            Role.PROFESSIONAL: list(practice.users.filter(role=Role.PROFESSIONAL).order_by("id"))
        }
        start = time.perf_counter()
        demo.build(practice, plan)
        return time.perf_counter() - start


def _top_up(practice, professional) -> int:
    """Give the first professional a book of 2,000 clients (the demo spreads them evenly)."""
    with practice_scope(practice):
        missing = BOOK_SIZE - Client.objects.filter(owner=professional).count()
        if missing <= 0:
            return 0
        ids = list(
            Client.objects.exclude(owner=professional)
            .order_by("id")
            .values_list("id", flat=True)[:missing]
        )
        return Client.objects.filter(pk__in=ids).update(owner=professional, rung_computed_on=None)


def _a_tier(practice) -> str:
    with practice_scope(practice):
        return str(queries.tiers().values_list("id", flat=True).first())


def _most_check_ins(practice) -> tuple[int, int]:
    with practice_scope(practice):
        return (
            CheckIn.objects.values("client")
            .annotate(n=Count("id"))
            .order_by("-n", "client")
            .values_list("client", "n")
            .first()
        )
