"""Running background work inside a test, without a worker process.

    send_email(...)            # queued on commit
    drain()                    # runs it (and any other due job) right here

pytest-django wraps each test in a transaction that never commits, so callbacks
registered with ``transaction.on_commit`` (how ``send_email`` queues its delivery)
would never run; ``drain`` first runs those the test's transaction holds back, as if
the test's work had committed."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from referable.outbox import jobs
from referable.outbox.queue import get_queue

WORKER = "drain"
#: more would mean a job that keeps re-queueing itself as due
LIMIT = 10_000


def run_on_commit_callbacks() -> int:
    if not connection.in_atomic_block:
        return 0
    ran = 0
    while connection.run_on_commit:
        _sids, callback, robust = connection.run_on_commit.pop(0)
        callback()
        ran += 1
    return ran


def drain(now: datetime | None = None) -> int:
    """Runs every job due at ``now`` (default: the present), including those the jobs
    queue as due on the way; returns how many ran."""
    queue = get_queue()
    ran = 0
    run_on_commit_callbacks()
    while ran < LIMIT:
        job = queue.claim(WORKER, now or timezone.now(), timedelta(minutes=5))
        if job is None:
            break
        jobs.run_job(job, queue, WORKER, at=now)
        run_on_commit_callbacks()
        ran += 1
    return ran


def tick(now: datetime) -> int:
    """What the workers' scheduler does at ``now`` (queue each periodic task's current
    period), then ``drain(now)``."""
    jobs.schedule_periodic(now)
    return drain(now)
