"""The digest with real worker processes (``referable worker``), on a database of their
own: the embedded queue, then a real Redis server on 127.0.0.1. One worker is killed
outright (SIGKILL) while two others run; the digest still arrives, once, at a real
SMTP server."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from referable.outbox.tests.conftest import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[3]
REFERABLE = [sys.executable, "-m", "referable.cli"]

SET_UP = """
from datetime import timedelta
from django.utils import timezone
from referable.agenda import services
from referable.practices.services import add_user, create_practice
from referable.practices.tenancy import practice_scope

practice, _owner = create_practice("Worker Test", owner_email="boss@worker.test",
                                   owner_password="pw-worker-1")
user = add_user(practice, email="pro@worker.test", password="pw-worker-1",
                role="professional", first_name="Pat", last_name="Pro")
with practice_scope(practice):
    services.save_digest_preference(user, enabled=True, hour=0)
    services.create_task(practice, {"title": "Renew the lease on the office",
                                    "due_on": timezone.localdate(timezone=user.zone)}, by=user)
"""


def run(env, *args, timeout=120):
    return subprocess.run(
        [*REFERABLE, *args], env=env, cwd=ROOT, check=True, capture_output=True, timeout=timeout
    )


def start_worker(env):
    return subprocess.Popen(
        [*REFERABLE, "worker", "--poll", "0.2", "--lease", "3", "-v", "0"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture
def smtp():
    server = SmtpServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    """A migrated SQLite database, made once and copied for each test."""
    var = tmp_path_factory.mktemp("migrated")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "referable.settings"}
    env["REFERABLE_VAR_DIR"] = str(var)
    env.pop("DATABASE_URL", None)
    run(env, "migrate", "-v", "0")
    return var / "referable.sqlite3"


@pytest.fixture(params=["database", "redis"])
def worker_env(request, tmp_path, smtp, migrated):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "referable.settings",
        "REFERABLE_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if request.param == "redis":
        env["REDIS_URL"] = request.getfixturevalue("redis_url")
    shutil.copy(migrated, tmp_path / "referable.sqlite3")
    run(env, "shell", "-c", SET_UP)
    return env


def test_the_digest_arrives_once_although_a_worker_is_killed(worker_env, smtp):
    doomed = start_worker(worker_env)
    time.sleep(1.5)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    workers = [start_worker(worker_env), start_worker(worker_env)]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not smtp.inbox.messages:
            time.sleep(0.2)
        time.sleep(3)  # time enough for a duplicate to show, if there were one
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            assert worker.wait(timeout=30) == 0, "a worker did not stop cleanly on SIGTERM"
    digests = [m for m in smtp.inbox.messages if "pro@worker.test" in m["To"]]
    assert len(digests) == 1
    assert digests[0]["Subject"].startswith("Today, ")
    [text] = [p for p in digests[0].walk() if p.get_content_type() == "text/plain"]
    assert "Renew the lease on the office" in text.get_payload(decode=True).decode()
