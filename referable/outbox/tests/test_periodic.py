"""The outbox's own periodic work: planner statistics, the overdue-mail safety net."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from referable.outbox import jobs
from referable.outbox.models import Job, OutgoingEmail
from referable.outbox.testing import drain
from referable.outbox.tests.factories import make_email

pytestmark = pytest.mark.django_db


def test_the_planner_statistics_are_refreshed_daily(practice):
    for _ in range(3):
        make_email(practice)
    table = OutgoingEmail._meta.db_table
    day = jobs.PERIODIC["outbox.refresh_planner_statistics"]
    assert day.every == timedelta(days=1)
    enqueue_now = timezone.now()
    assert jobs.enqueue(
        "outbox.refresh_planner_statistics",
        {},
        dedupe_key=day.dedupe_key(day.slot(enqueue_now)),
    )
    drain()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
            assert cursor.fetchone() is not None
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            assert cursor.fetchone()[0] == 3
    # once a day, however many workers' schedulers ask
    assert jobs.schedule_periodic(enqueue_now) == len(jobs.PERIODIC) - 1


def test_a_delivery_lost_before_it_was_queued_is_picked_up_by_the_sweep(practice):
    email = make_email(practice)
    # the process died between its commit and queueing the delivery
    connection.run_on_commit.clear()
    assert drain() == 0
    later = timezone.now() + timedelta(minutes=6)
    jobs.schedule_periodic(later)
    drain(now=later)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


def test_finished_jobs_are_pruned_after_a_month(practice):
    make_email(practice)
    drain()
    assert Job.objects.filter(status=Job.Status.DONE).count() == 1
    jobs.schedule_periodic(timezone.now() + timedelta(days=31))
    drain(now=timezone.now() + timedelta(days=31))
    assert not Job.objects.filter(task="outbox.deliver").exists()
