"""The outbox's own background work."""

from datetime import timedelta

from django.db import connection

from referable.outbox import jobs, services
from referable.outbox.jobs import periodic, task
from referable.outbox.queue import DatabaseQueue
from referable.practices import bulk


@task(services.DELIVER_TASK)
def deliver(payload: dict) -> None:
    services.deliver(payload["email_id"])


@periodic("outbox.resume_overdue", every=timedelta(minutes=5))
def resume_overdue(payload: dict) -> None:
    services.resume_overdue(jobs.now())


@periodic("outbox.prune_jobs", every=timedelta(days=1))
def prune_jobs(payload: dict) -> None:
    """Finished jobs are kept a month (to show what ran, and so their dedupe keys hold
    for that long), then deleted."""
    DatabaseQueue().prune(jobs.now() - timedelta(days=30))


@periodic("outbox.refresh_planner_statistics", every=timedelta(days=1))
def refresh_planner_statistics(payload: dict) -> None:
    """A large practice's pages depend on the planner knowing how rows are spread
    (a practice's index is not selective in a one-practice database)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA optimize")
        if sqlite_tables_grew():
            bulk.analyze()
    else:
        bulk.analyze()


def sqlite_tables_grew(factor: float = 1.25) -> bool:
    """Whether a table holds markedly more rows than the statistics last measured (or
    has none measured). ``max(rowid)`` is a cheap stand-in for the row count."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return True
        cursor.execute("SELECT tbl, MAX(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")
        measured = dict(cursor.fetchall())
        tables = [
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_")
        ]
        for table in tables:
            quoted = connection.ops.quote_name(table)
            try:
                cursor.execute(f"SELECT MAX(rowid) FROM {quoted}")  # noqa: S608
            except Exception:  # a WITHOUT ROWID table
                continue
            rows = cursor.fetchone()[0] or 0
            if rows > 1000 and rows > factor * (measured.get(table) or 0):
                return True
    return False
