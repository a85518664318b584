"""``make bench``: build the firm-scale data set once, then run every bench_*.py."""

import argparse
import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--only", help="run one module, e.g. people")
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--rebuild", action="store_true", help="rebuild and time the data set")
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("REFERABLE_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referable.settings")
    os.environ.setdefault(
        "STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    import django

    django.setup()
    from django.core.management import call_command

    from bench.harness import Context
    from referable.practices.models import Practice

    call_command("migrate", verbosity=0)
    build_seconds = _ensure(call_command, Practice, "bench", args.people, args.rebuild)
    _ensure(call_command, Practice, "bench-small", 100, args.rebuild)
    big, small = Practice.objects.get(slug="bench"), Practice.objects.get(slug="bench-small")
    ctx = Context(big=big, small=small)
    if build_seconds is not None:
        ctx.record(f"referable demo --people {args.people:,}", build_seconds, target_s=120)

    from referable.practices.tenancy import practice_scope

    for module_info in pkgutil.iter_modules([str(ROOT / "bench")]):
        name = module_info.name
        if not name.startswith("bench_") or (args.only and name != f"bench_{args.only}"):
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"… {name}", file=sys.stderr)
        with practice_scope(big):
            module.run(ctx)
    _print(ctx)


def _ensure(call_command, Practice, slug: str, people: int, rebuild: bool) -> float | None:
    """Builds the data set when missing (or asked), and returns how long that took."""
    exists = Practice.objects.filter(slug=slug).exists()
    if exists and not rebuild:
        return None
    start = time.perf_counter()
    call_command("demo", people=people, slug=slug, reset=exists)
    return time.perf_counter() - start


def _print(ctx) -> None:
    from django.db import connection

    print(f"\nDatabase: {connection.vendor}; firm: {ctx.big.name}")
    header = f"{'measurement':<58} {'median':>10} {'p95':>10} {'target':>9} {'':>4} {'queries (100 people)':>21}"
    print(header)
    print("-" * len(header))
    for r in ctx.results:
        target = f"{r.target_ms:,.0f} ms" if r.target_ms else ""
        queries = (
            ""
            if r.queries is None
            else f"{r.queries}" + (f" ({r.small_queries})" if r.small_queries is not None else "")
        )
        print(
            f"{r.name:<58} {r.median_ms:>7,.1f} ms {r.p95_ms:>7,.1f} ms {target:>9} {r.verdict:>4} {queries:>21}"
        )
        if r.note:
            print(f"    {r.note}")


if __name__ == "__main__":
    main()
