"""Issue 2: people search and the person page at 200,000 people and 500,000 connections."""

from django.db.models import Count

from bench.harness import Context, ok
from referable.people.models import Connection, Person
from referable.practices.tenancy import practice_scope

SEARCHES = ["smith", "pioneer dental", "kowalczyk", "jennifer.lee", "zzz-nobody"]


def run(ctx: Context) -> None:
    web, small_web = ctx.client(ctx.big), ctx.client(ctx.small)
    # queries are compared with a search that finds people in the small practice too
    with practice_scope(ctx.small):
        small_name = Person.objects.order_by("id").values_list("last_name", flat=True).first()
    for query in SEARCHES:
        ctx.measure(
            f"people search “{query}” (page 1)",
            lambda q=query: ok(web.get("/people/", {"q": q})),
            small_fn=lambda: ok(small_web.get("/people/", {"q": small_name})),
            target_ms=50,
        )
    ctx.measure(
        "people list, no search (page 1)",
        lambda: ok(web.get("/people/")),
        small_fn=lambda: ok(small_web.get("/people/")),
        target_ms=50,
    )
    busiest = _most_connected(ctx.big)
    small_person = _most_connected(ctx.small)
    ctx.measure(
        f"person page (most connected: {busiest[1]} connections)",
        lambda: ok(web.get(f"/people/{busiest[0]}/")),
        small_fn=lambda: ok(small_web.get(f"/people/{small_person[0]}/")),
        target_ms=50,
    )
    sample = list(Person.objects.order_by("?").values_list("id", flat=True)[:40])
    cursor = iter(sample * 10)
    ctx.measure(
        "person page (random people)",
        lambda: ok(web.get(f"/people/{next(cursor)}/")),
        runs=40,
        target_ms=50,
    )
    api, small_api = ctx.api(ctx.big), ctx.api(ctx.small)
    ctx.measure(
        "API: GET /api/v1/people?q=smith",
        lambda: ok(api.get("/api/v1/people", {"q": "smith"})),
        small_fn=lambda: ok(small_api.get("/api/v1/people", {"q": "smith"})),
    )


def _most_connected(practice) -> tuple[int, int]:
    """The person with the most connections on the lower-id side: a good worst case."""
    with practice_scope(practice):
        return (
            Connection.objects.values("person_a")
            .annotate(n=Count("id"))
            .order_by("-n")
            .values_list("person_a", "n")
            .first()
        )
