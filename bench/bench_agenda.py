"""Issue 6: Today for a professional with 2,000 clients in a firm of 200,000 people
(< 100 ms median, queries not growing with the data), and the daily digest of every
user of that firm (< 30 s)."""

import time

from django.db.models import Count

from bench.harness import Context, ok
from referable.agenda import digest
from referable.clients.models import Client
from referable.practices.models import User
from referable.practices.roles import Role

BOOK = 2000


def run(ctx: Context) -> None:
    pro = _with_a_book_of(ctx.big, BOOK)
    small_pro = ctx.user(ctx.small)
    web, small_web = _client(pro), _client(small_pro)
    api, small_api = _api(pro), _api(small_pro)
    clients = Client.objects.filter(owner=pro).count()
    ctx.measure(
        f"Today, a professional with {clients:,} clients",
        lambda: ok(web.get("/today/")),
        small_fn=lambda: ok(small_web.get("/today/")),
        target_ms=100,
    )
    ctx.measure(
        f"API: GET /api/v1/agenda ({clients:,} clients)",
        lambda: ok(api.get("/api/v1/agenda")),
        small_fn=lambda: ok(small_api.get("/api/v1/agenda")),
        target_ms=100,
    )
    ctx.measure(
        "process board (page 1 of the firm), as the owner",
        lambda: ok(_client(ctx.user(ctx.big, Role.OWNER)).get("/today/process/")),
        runs=10,
        target_ms=100,
    )
    users = list(
        User.objects.filter(
            practice=ctx.big,
            is_active=True,
            role__in=[Role.OWNER, Role.MANAGER, Role.PROFESSIONAL, Role.ASSISTANT],
        ).select_related("practice")
    )
    start = time.perf_counter()
    items = sum(d.count for d in digest.build_digests(users).values())
    ctx.record(
        f"daily digest of all {len(users)} users built",
        time.perf_counter() - start,
        target_s=30,
        note=f"{items:,} items in all, the agendas read together (digest.build_digests)",
    )
    start = time.perf_counter()
    for user in users[:20]:
        digest.build_digest(user)
    ctx.record(
        "daily digest, one user at a time (20 users)",
        time.perf_counter() - start,
        note="as the worker's per-user job builds it",
    )


def _client(user):
    from django.test import Client as HttpClient

    web = HttpClient()
    web.force_login(user)
    return web


def _api(user):
    from django.test import Client as HttpClient

    from referable.practices.services import issue_token

    _token, key = issue_token(user, "benchmark")
    return HttpClient(headers={"Authorization": f"Bearer {key}"})


def _with_a_book_of(practice, size: int) -> User:
    """The first professional, given ``size`` clients (others' clients are handed over
    once; the data set keeps them)."""
    pro = practice.users.filter(role=Role.PROFESSIONAL).order_by("id").first()
    have = Client.objects.filter(owner=pro).count()
    if have < size:
        donors = (
            Client.objects.exclude(owner=pro)
            .values("owner")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("owner", flat=True)
        )
        ids = list(
            Client.objects.filter(owner__in=list(donors))
            .order_by("id")
            .values_list("id", flat=True)[: size - have]
        )
        Client.objects.filter(pk__in=ids).update(owner=pro)
    return pro
