"""Background jobs: register tasks, queue them, run them.

Put ``@task`` and ``@periodic`` functions in ``<app>/tasks.py``: every app's tasks
module is imported when Django starts, so the worker knows them all.

    from referable.outbox.jobs import enqueue, periodic, task

    @task("agenda.send_digest")
    def send_digest(payload: dict) -> None: ...

    enqueue("agenda.send_digest", {"user_id": 5}, practice=practice,
            dedupe_key=f"digest:5:{day}")

A job runs at least once and, with a dedupe key, is scheduled at most once. If a worker
is killed mid-job the job runs again after its lease expires, so a task must make a
second run harmless (check the state it is about to change, as e-mail delivery does).
A job that has a practice runs inside that practice's scope, acting as nobody.
Tasks read the time with ``jobs.now()`` (the present; in a test, the ``now`` given to
``testing.drain``).
A task that raises is retried with backoff, then marked failed with its error.

The queue sits in the project's database, or in Redis when REDIS_URL is set. Calling
``enqueue`` inside a transaction: with the database queue the job commits or rolls
back with it; with Redis it is visible at once. When a job reads rows you are writing,
enqueue it with ``transaction.on_commit`` (``send_email`` does).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from contextlib import ExitStack
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from referable.outbox.queue import ClaimedJob, Queue, get_queue
from referable.practices.tenancy import acting_as, practice_scope

logger = logging.getLogger("referable.outbox")

TaskFunction = Callable[[dict], None]


@dataclass(frozen=True)
class Task:
    name: str
    fn: TaskFunction
    max_attempts: int


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta

    def slot(self, now: datetime) -> datetime:
        """The start of the period ``now`` falls in, counted from the Unix epoch (UTC),
        so every worker computes the same slot without talking to the others."""
        seconds = self.every.total_seconds()
        start = (now.timestamp() // seconds) * seconds
        return datetime.fromtimestamp(start, tz=UTC)

    def dedupe_key(self, slot: datetime) -> str:
        return f"periodic:{self.name}:{int(slot.timestamp())}"


#: the time a job runs "at": the present in a worker, the ``now`` given to
#: ``testing.drain(now)`` in a test; tasks read it through ``now()``
_clock: ContextVar[datetime | None] = ContextVar("outbox_clock", default=None)


def now() -> datetime:
    """The present, as the running job sees it (tasks use this, not timezone.now)."""
    return _clock.get() or timezone.now()


TASKS: dict[str, Task] = {}
PERIODIC: dict[str, Periodic] = {}


def task(name: str, *, max_attempts: int = 5) -> Callable[[TaskFunction], TaskFunction]:
    def register(fn: TaskFunction) -> TaskFunction:
        TASKS[name] = Task(name, fn, max_attempts)
        return fn

    return register


def periodic(
    name: str, *, every: timedelta, max_attempts: int = 3
) -> Callable[[TaskFunction], TaskFunction]:
    """A scan the workers' scheduler queues once per period (``every``), however many
    workers run. Its payload is ``{"scheduled_for": <ISO start of the period>}``."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic task runs at most once a second")

    def register(fn: TaskFunction) -> TaskFunction:
        task(name, max_attempts=max_attempts)(fn)
        PERIODIC[name] = Periodic(name, every)
        return fn

    return register


def enqueue(
    task: str,
    payload: dict,
    *,
    practice=None,
    run_at: datetime | None = None,
    dedupe_key: str | None = None,
) -> bool:
    """Queues ``task(payload)`` to run at ``run_at`` (now by default). Returns False,
    and queues nothing, when a job with ``dedupe_key`` already exists or ran."""
    if task not in TASKS:
        raise LookupError(f"No task named {task!r} (is it in an app's tasks.py?)")
    payload = json.loads(json.dumps(payload))  # refuse what would not survive the queue
    return get_queue().push(
        task=task,
        payload=payload,
        practice_id=getattr(practice, "pk", practice),
        run_at=run_at or now(),
        dedupe_key=dedupe_key,
    )


def retry_delay(attempt: int) -> timedelta:
    """30 s, 2 min, 8 min, … after the first, second, third failure."""
    return timedelta(seconds=30 * 4 ** (attempt - 1))


def run_job(job: ClaimedJob, queue: Queue, worker: str, at: datetime | None = None) -> bool:
    """Runs one claimed job and records the outcome. True when it succeeded. ``at``
    sets the time the job sees through ``now()`` (for tests)."""
    registered = TASKS.get(job.task)
    if registered is None:
        queue.fail(job, worker, timezone.now(), f"No task named {job.task!r} in this worker.")
        logger.error("job %s: unknown task %s", job.id, job.task)
        return False
    clock = _clock.set(at)
    try:
        with ExitStack() as stack:
            if job.practice_id:
                stack.enter_context(practice_scope(job.practice_id))
            stack.enter_context(acting_as(None))
            registered.fn(job.payload)
    except Exception:
        error = traceback.format_exc(limit=8)
        now = at or timezone.now()
        if job.attempts >= registered.max_attempts:
            queue.fail(job, worker, now, error)
            logger.exception("job %s (%s) failed for good", job.id, job.task)
        else:
            queue.retry(job, worker, now + retry_delay(job.attempts), error)
            logger.warning("job %s (%s) failed; will retry", job.id, job.task, exc_info=True)
        return False
    finally:
        _clock.reset(clock)
    queue.complete(job, worker, at or timezone.now())
    return True


def schedule_periodic(now: datetime, done: dict[str, str] | None = None) -> int:
    """Queues the current period of every periodic task (deduplicated, so any number of
    workers may call this). ``done`` remembers the slots this caller already queued, so
    a worker tries each slot once. Returns how many were newly queued."""
    queued = 0
    for item in PERIODIC.values():
        slot = item.slot(now)
        key = item.dedupe_key(slot)
        if done is not None and done.get(item.name) == key:
            continue
        if enqueue(item.name, {"scheduled_for": slot.isoformat()}, run_at=slot, dedupe_key=key):
            queued += 1
        if done is not None:
            done[item.name] = key
    return queued


def autodiscover() -> None:
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")
