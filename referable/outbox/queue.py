"""Where jobs wait: the project's database (default) or Redis (when REDIS_URL is set).

Both backends keep the same promises, which the same tests check against each:

- a job with a dedupe key is scheduled at most once, whoever tries and how often;
- a job is claimed by one worker at a time, under a lease the worker renews while the
  job runs (``extend``); a worker killed mid-job stops renewing, its lease expires and
  the job is claimed again by another worker or by the same one after a restart. So a
  job is never lost; tasks make a second run harmless (e-mail delivery claims the
  message before sending, see services.deliver).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from referable.outbox.models import Job

#: a job whose worker died this many times while running it is given up (a job that
#: kills its worker would otherwise take every worker down in turn)
MAX_CRASHES = 5


@dataclass
class ClaimedJob:
    id: str
    task: str
    payload: dict
    practice_id: int | None
    attempts: int


class Queue(Protocol):
    def push(
        self,
        *,
        task: str,
        payload: dict,
        practice_id: int | None,
        run_at: datetime,
        dedupe_key: str | None,
    ) -> bool: ...

    def claim(self, worker: str, now: datetime, lease: timedelta) -> ClaimedJob | None: ...

    def extend(self, job: ClaimedJob, worker: str, until: datetime) -> bool: ...

    def complete(self, job: ClaimedJob, worker: str, now: datetime) -> None: ...

    def retry(self, job: ClaimedJob, worker: str, run_at: datetime, error: str) -> None: ...

    def fail(self, job: ClaimedJob, worker: str, now: datetime, error: str) -> None: ...

    def counts(self) -> dict[str, int]: ...

    def failures(self, practice_id: int, limit: int = 20) -> list[dict]: ...


class DatabaseQueue:
    """Jobs as rows of ``outbox.Job``. A claim is one short write transaction: on
    PostgreSQL ``SELECT … FOR UPDATE SKIP LOCKED`` lets workers pass each other; on
    SQLite the transaction is IMMEDIATE (settings), so claims simply queue up."""

    def push(self, *, task, payload, practice_id, run_at, dedupe_key) -> bool:
        if dedupe_key and Job.objects.filter(dedupe_key=dedupe_key).exists():
            return False
        try:
            with transaction.atomic():
                Job.objects.create(
                    task=task,
                    payload=payload,
                    practice_id=practice_id,
                    run_at=run_at,
                    dedupe_key=dedupe_key,
                )
        except IntegrityError:
            # another process inserted the same key between our check and insert
            return False
        return True

    @staticmethod
    def _claimable(now: datetime) -> Q:
        return Q(status=Job.Status.QUEUED, run_at__lte=now) | Q(
            status=Job.Status.RUNNING, locked_until__lt=now
        )

    def claim(self, worker: str, now: datetime, lease: timedelta) -> ClaimedJob | None:
        # a plain read first: an idle worker's poll then never takes SQLite's write lock
        if not Job.objects.filter(self._claimable(now)).exists():
            return None
        while True:
            with transaction.atomic():
                job = (
                    Job.objects.select_for_update(skip_locked=True)
                    .filter(self._claimable(now))
                    .order_by("run_at", "id")
                    .first()
                )
                if job is None:
                    return None
                if job.status == Job.Status.RUNNING and job.attempts >= MAX_CRASHES:
                    Job.objects.filter(pk=job.pk).update(
                        status=Job.Status.FAILED,
                        finished_at=now,
                        locked_by="",
                        locked_until=None,
                        last_error=f"The worker stopped {job.attempts} times while running it.",
                    )
                    continue
                Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.RUNNING,
                    locked_by=worker,
                    locked_until=now + lease,
                    attempts=F("attempts") + 1,
                )
                return ClaimedJob(
                    id=str(job.pk),
                    task=job.task,
                    payload=job.payload,
                    practice_id=job.practice_id,
                    attempts=job.attempts + 1,
                )

    def _mine(self, job: ClaimedJob, worker: str):
        return Job.objects.filter(pk=int(job.id), locked_by=worker, status=Job.Status.RUNNING)

    def extend(self, job, worker, until) -> bool:
        return bool(self._mine(job, worker).update(locked_until=until))

    def complete(self, job, worker, now) -> None:
        self._mine(job, worker).update(
            status=Job.Status.DONE, finished_at=now, locked_by="", locked_until=None
        )

    def retry(self, job, worker, run_at, error) -> None:
        self._mine(job, worker).update(
            status=Job.Status.QUEUED,
            run_at=run_at,
            locked_by="",
            locked_until=None,
            last_error=error,
        )

    def fail(self, job, worker, now, error) -> None:
        self._mine(job, worker).update(
            status=Job.Status.FAILED,
            finished_at=now,
            locked_by="",
            locked_until=None,
            last_error=error,
        )

    def counts(self) -> dict[str, int]:
        rows = Job.objects.order_by().values("status").annotate(n=Count("id"))
        counts = dict.fromkeys(Job.Status.values, 0)
        counts.update({row["status"]: row["n"] for row in rows})
        return counts

    def failures(self, practice_id: int, limit: int = 20) -> list[dict]:
        """The practice's jobs that failed for good, newest first."""
        return list(
            Job.objects.filter(practice_id=practice_id, status=Job.Status.FAILED)
            .order_by("-finished_at", "-id")
            .values("task", "attempts", "last_error", "finished_at")[:limit]
        )

    def prune(self, before: datetime) -> int:
        deleted, _ = Job.objects.filter(status=Job.Status.DONE, finished_at__lt=before).delete()
        return deleted


_redis_queues: dict[str, Queue] = {}


def get_queue() -> Queue:
    """The queue of this process's configuration (read each time, so tests can switch)."""
    url = settings.REDIS_URL
    if not url:
        return DatabaseQueue()
    if url not in _redis_queues:
        from referable.outbox.redis_queue import RedisQueue

        _redis_queues[url] = RedisQueue(url)
    return _redis_queues[url]
