"""What a benchmark module gets: data sets, clients and a stopwatch."""

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from referable.practices.models import Practice
from referable.practices.roles import Role


@dataclass
class Result:
    name: str
    median_ms: float
    p95_ms: float
    runs: int
    target_ms: float | None = None
    queries: int | None = None
    small_queries: int | None = None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.target_ms is None:
            return ""
        return "ok" if self.median_ms <= self.target_ms else "SLOW"


@dataclass
class Context:
    big: Practice
    small: Practice
    results: list[Result] = field(default_factory=list)

    def user(self, practice: Practice, role: str = Role.PROFESSIONAL):
        return practice.users.filter(role=role).order_by("id").first()

    def client(self, practice: Practice, role: str = Role.PROFESSIONAL) -> Client:
        client = Client()
        client.force_login(self.user(practice, role))
        return client

    def api(self, practice: Practice, role: str = Role.PROFESSIONAL) -> Client:
        """An HTTP client sending a fresh API token of the practice's first user of ``role``."""
        from referable.practices.services import issue_token

        _token, key = issue_token(self.user(practice, role), "benchmark")
        return Client(headers={"Authorization": f"Bearer {key}"})

    def queries(self, fn: Callable[[], object]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    def measure(
        self,
        name: str,
        fn: Callable[[], object],
        *,
        runs: int = 30,
        warmup: int = 3,
        target_ms: float | None = None,
        small_fn: Callable[[], object] | None = None,
        note: str = "",
    ) -> Result:
        for _ in range(warmup):
            fn()
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        result = Result(
            name=name,
            median_ms=statistics.median(timings),
            p95_ms=timings[min(len(timings) - 1, int(len(timings) * 0.95))],
            runs=runs,
            target_ms=target_ms,
            queries=self.queries(fn),
            small_queries=self.queries(small_fn) if small_fn else None,
            note=note,
        )
        self.results.append(result)
        return result

    def record(self, name: str, seconds: float, *, target_s: float | None = None, note: str = ""):
        result = Result(
            name=name,
            median_ms=seconds * 1000,
            p95_ms=seconds * 1000,
            runs=1,
            target_ms=target_s * 1000 if target_s else None,
            note=note,
        )
        self.results.append(result)
        return result


def ok(response) -> None:
    """A benchmark of a page that fails would measure an error page: refuse to."""
    if response.status_code != 200:
        raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")
