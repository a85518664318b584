"""The queue's promises, checked against the database queue and a real Redis server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referable.outbox import jobs
from referable.outbox.jobs import enqueue, periodic, schedule_periodic, task
from referable.outbox.models import OutgoingEmail
from referable.outbox.queue import get_queue
from referable.outbox.testing import drain, tick
from referable.outbox.tests.factories import make_email
from referable.people.models import Person
from referable.people.tests.factories import make_person
from referable.practices.tenancy import current_user

pytestmark = pytest.mark.django_db

ran: list = []


@task("tests.record")
def record(payload: dict) -> None:
    ran.append(payload)


@task("tests.scoped")
def scoped(payload: dict) -> None:
    ran.append({"people": Person.objects.count(), "user": current_user.get()})


@task("tests.broken", max_attempts=3)
def broken(payload: dict) -> None:
    raise RuntimeError("the partner's server said no")


@periodic("tests.every_minute", every=timedelta(minutes=1))
def every_minute(payload: dict) -> None:
    ran.append(payload)


@pytest.fixture(autouse=True)
def _clean():
    ran.clear()
    yield
    ran.clear()


def test_a_job_runs_once_when_due_and_not_before(queue_backend):
    later = timezone.now() + timedelta(hours=1)
    assert enqueue("tests.record", {"n": 1})
    assert enqueue("tests.record", {"n": 2}, run_at=later)
    assert drain() == 1 and ran == [{"n": 1}]
    assert drain() == 0
    assert drain(now=later) == 1 and ran == [{"n": 1}, {"n": 2}]


def test_a_dedupe_key_schedules_a_job_once_even_after_it_ran(queue_backend):
    assert enqueue("tests.record", {"n": 1}, dedupe_key="reminder:call:7")
    assert not enqueue("tests.record", {"n": 2}, dedupe_key="reminder:call:7")
    drain()
    assert not enqueue("tests.record", {"n": 3}, dedupe_key="reminder:call:7")
    drain()
    assert ran == [{"n": 1}]


def test_an_unknown_task_or_a_payload_that_is_not_json_is_refused(queue_backend):
    with pytest.raises(LookupError):
        enqueue("tests.no_such_task", {})
    with pytest.raises(TypeError):
        enqueue("tests.record", {"when": object()})


def test_a_claimed_job_is_held_by_one_worker_under_its_lease(queue_backend):
    queue = get_queue()
    enqueue("tests.record", {"n": 1})
    now = timezone.now()
    first = queue.claim("worker-a", now, timedelta(seconds=30))
    assert first is not None and first.attempts == 1
    assert queue.claim("worker-b", now, timedelta(seconds=30)) is None
    # the holder renews its lease while it works: still nobody else's
    assert queue.extend(first, "worker-a", now + timedelta(seconds=90))
    assert queue.claim("worker-b", now + timedelta(seconds=60), timedelta(seconds=30)) is None


def test_the_job_of_a_worker_that_died_is_taken_up_by_another(queue_backend):
    queue = get_queue()
    enqueue("tests.record", {"n": 1})
    now = timezone.now()
    lost = queue.claim("worker-a", now, timedelta(seconds=30))
    # worker-a is killed: no renewal, no acknowledgement; its lease expires
    again = queue.claim("worker-b", now + timedelta(seconds=31), timedelta(seconds=30))
    assert again is not None and again.id == lost.id and again.attempts == 2
    assert not queue.extend(lost, "worker-a", now + timedelta(minutes=5))
    jobs.run_job(again, queue, "worker-b")
    assert ran == [{"n": 1}]
    # a late acknowledgement of the dead worker changes nothing
    queue.complete(lost, "worker-a", now)
    assert queue.claim("worker-c", now + timedelta(hours=1), timedelta(seconds=30)) is None
    assert queue.counts()["done"] == 1


def test_a_failing_task_is_retried_with_backoff_then_marked_failed(queue_backend):
    enqueue("tests.broken", {})
    now = timezone.now()
    assert drain() == 1
    assert get_queue().counts()["queued"] == 1  # waiting for its retry, not lost
    drain(now=now + timedelta(minutes=1))
    drain(now=now + timedelta(minutes=10))
    counts = get_queue().counts()
    assert counts["failed"] == 1 and counts["queued"] == 0
    assert drain(now=now + timedelta(days=1)) == 0


def test_a_job_of_a_practice_runs_in_its_scope_acting_as_nobody(
    queue_backend, practice, other_practice
):
    make_person(practice)
    make_person(practice)
    make_person(other_practice)
    enqueue("tests.scoped", {}, practice=practice)
    drain()
    assert ran == [{"people": 2, "user": None}]


def test_periodic_work_is_queued_once_per_period_however_many_workers(queue_backend):
    now = timezone.now().replace(second=10)
    worker_a, worker_b = {}, {}
    queued = sum(
        [
            schedule_periodic(now, worker_a),
            schedule_periodic(now, worker_b),
            schedule_periodic(now + timedelta(seconds=30), worker_b),
            schedule_periodic(now + timedelta(seconds=30)),
        ]
    )
    assert queued == len(jobs.PERIODIC)
    drain(now=now)
    minute = now.replace(second=0, microsecond=0)
    assert [p for p in ran if p] == [{"scheduled_for": minute.isoformat()}]
    ran.clear()
    tick(now + timedelta(minutes=1))
    assert ran == [{"scheduled_for": (minute + timedelta(minutes=1)).isoformat()}]


def test_email_goes_out_through_either_queue_exactly_once(queue_backend, in_practice, smtp_server):
    emails = [make_email(in_practice) for _ in range(3)]
    smtp_server.stop()
    assert drain() == 3
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"failed"}
    smtp_server.start()
    drain(now=timezone.now() + timedelta(minutes=2))
    assert sorted(smtp_server.inbox.message_ids()) == sorted(e.message_id for e in emails)
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
