"""Tasks and set-up for the worker-process tests (test_worker_process.py).

Workers import this module with ``referable worker --import referable.outbox.tests.harness``;
the tests run ``python -m referable.outbox.tests.harness <command>`` to put work in the
test's own database and to read what became of it. Test processes never import it
(its periodic task would join theirs)."""

import json
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "referable.settings")
    django.setup()

from referable.outbox.jobs import enqueue, periodic, task  # noqa: E402


def _append(path: str, line: str) -> None:
    with open(path, "a") as handle:
        handle.write(line + "\n")
        handle.flush()
        os.fsync(handle.fileno())


@task("harness.slow", max_attempts=1)
def slow(payload: dict) -> None:
    _append(payload["path"], f"start {os.getpid()}")
    time.sleep(payload["seconds"])
    _append(payload["path"], f"done {os.getpid()}")


@periodic("harness.tick", every=timedelta(seconds=1))
def tick(payload: dict) -> None:
    _append(str(Path(os.environ["HARNESS_DIR"]) / "ticks"), payload["scheduled_for"])


def enqueue_slow(path: str, seconds: str) -> None:
    enqueue("harness.slow", {"path": path, "seconds": float(seconds)})


def send_emails(count: str) -> None:
    from referable.outbox.services import send_email
    from referable.practices.models import Practice
    from referable.practices.services import create_practice
    from referable.practices.tenancy import practice_scope

    practice = Practice.objects.filter(slug="harness").first()
    if practice is None:
        practice, _owner = create_practice(
            "Harness", owner_email="owner@harness.test", owner_password="pw-harness-1"
        )
    ids = []
    with practice_scope(practice):
        for n in range(int(count)):
            email = send_email(
                practice=practice,
                to=[f"client{n}@example.com"],
                subject=f"Message {n}",
                text=f"Message number {n}.",
            )
            ids.append(email.message_id)
    print(json.dumps(ids))


def status() -> None:
    from django.db.models import Count

    from referable.outbox.models import OutgoingEmail
    from referable.outbox.queue import get_queue

    emails = (
        OutgoingEmail.objects.with_scopes_disabled()
        .order_by()
        .values("status")
        .annotate(n=Count("id"))
    )
    print(
        json.dumps(
            {
                "jobs": get_queue().counts(),
                "emails": {row["status"]: row["n"] for row in emails},
            }
        )
    )


COMMANDS = {"enqueue-slow": enqueue_slow, "send-emails": send_emails, "status": status}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](*sys.argv[2:])
