"""`referable worker` as a real process, against a database of its own (pytest's
in-memory SQLite is invisible to other processes) and, in the Redis variant, a real
Redis server: a job survives a killed worker, nothing is done twice, periodic work is
not scheduled twice, SIGTERM stops a worker cleanly."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from referable.outbox.tests.conftest import SmtpServer, free_port

BIN = Path(sys.executable).parent
HARNESS = "referable.outbox.tests.harness"
TIMEOUT = 30


def _run(env: dict, *args: str) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _postgres_admin(url: str):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    return psycopg.connect(admin, autocommit=True)


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One migrated database for the session, copied for each test: SQLite (a file
    under a var dir of its own) or, when DATABASE_URL is set, a PostgreSQL template."""
    base = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    base["DJANGO_SETTINGS_MODULE"] = "referable.settings"
    var = tmp_path_factory.mktemp("worker-template")
    env = {**base, "REFERABLE_VAR_DIR": str(var)}
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        name = f"referable_outbox_tpl_{uuid.uuid4().hex[:8]}"
        with _postgres_admin(url) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = _with_database(url, name)
        _run(env, str(BIN / "referable"), "migrate", "-v0", "--no-input")
        yield {"kind": "postgres", "url": url, "name": name, "var": var, "env": base}
        with _postgres_admin(url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        _run(env, str(BIN / "referable"), "migrate", "-v0", "--no-input")
        yield {"kind": "sqlite", "var": var, "env": base}


@pytest.fixture(params=["database", "redis"])
def worker_env(request, migrated_template, tmp_path):
    """The environment of the test's processes: their own copy of the migrated
    database, the queue (database or a real Redis), a real SMTP server."""
    template = migrated_template
    var = tmp_path / "var"
    shutil.copytree(template["var"], var)
    smtp = SmtpServer(free_port())
    smtp.start()
    env = {
        **template["env"],
        "REFERABLE_VAR_DIR": str(var),
        "HARNESS_DIR": str(tmp_path),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    clone = None
    if template["kind"] == "postgres":
        clone = f"referable_outbox_w_{uuid.uuid4().hex[:8]}"
        with _postgres_admin(template["url"]) as admin:
            admin.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{template["name"]}"')
        env["DATABASE_URL"] = _with_database(template["url"], clone)
    if request.param == "redis":
        url = request.getfixturevalue("redis_url")
        redis.Redis.from_url(url).flushdb()
        env["REDIS_URL"] = url
    workers = Workers(env, tmp_path)
    yield workers, smtp
    workers.stop_all()
    smtp.stop()
    if clone:
        with _postgres_admin(template["url"]) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')


class Workers:
    def __init__(self, env: dict, directory: Path) -> None:
        self.env = env
        self.directory = directory
        self.processes: list[subprocess.Popen] = []

    def start(self, *extra: str) -> subprocess.Popen:
        log = open(self.directory / f"worker-{len(self.processes)}.log", "w")  # noqa: SIM115
        process = subprocess.Popen(
            [
                str(BIN / "referable"),
                "worker",
                "--skip-checks",
                "--lease=2",
                "--poll=0.1",
                f"--import={HARNESS}",
                *extra,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def harness(self, *args: str) -> str:
        return _run(self.env, sys.executable, "-m", HARNESS, *args)

    def status(self) -> dict:
        return json.loads(self.harness("status"))

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.directory.glob("worker-*.log")))

    def wait_for(self, condition, what: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}\n{self.logs()}")
            time.sleep(0.05)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def test_a_job_survives_a_worker_killed_mid_way_and_runs_to_the_end_once(worker_env, tmp_path):
    workers, _smtp = worker_env
    marker = tmp_path / "slow"
    both = [workers.start(), workers.start()]
    workers.harness("enqueue-slow", str(marker), "1.5")
    workers.wait_for(lambda: _lines(marker), "a worker to start the job")
    [killed] = [p for p in both if _lines(marker) == [f"start {p.pid}"]]
    [survivor] = [p for p in both if p is not killed]
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    workers.wait_for(lambda: any(line.startswith("done") for line in _lines(marker)), "the job")
    survivor.terminate()
    assert survivor.wait(timeout=TIMEOUT) == 0
    # the killed worker's lease expired and the other one ran the job, to the end, once
    assert _lines(marker) == [
        f"start {killed.pid}",
        f"start {survivor.pid}",
        f"done {survivor.pid}",
    ]
    jobs = workers.status()["jobs"]
    assert jobs["running"] == 0 and jobs["failed"] == 0


def test_sigterm_lets_the_worker_finish_its_job_then_stop(worker_env, tmp_path):
    workers, _smtp = worker_env
    marker = tmp_path / "slow"
    workers.harness("enqueue-slow", str(marker), "1")
    worker = workers.start()
    workers.wait_for(lambda: _lines(marker), "the worker to start the job")
    worker.terminate()
    assert worker.wait(timeout=TIMEOUT) == 0
    assert _lines(marker) == [f"start {worker.pid}", f"done {worker.pid}"]
    assert workers.status()["jobs"]["running"] == 0


def test_two_workers_send_every_email_exactly_once(worker_env):
    workers, smtp = worker_env
    expected = json.loads(workers.harness("send-emails", "12"))
    workers.start("--concurrency=2")
    workers.start("--concurrency=2")
    workers.wait_for(lambda: len(smtp.inbox.messages) >= len(expected), "every e-mail")
    time.sleep(0.5)  # room for a duplicate to show up, if there were one
    for process in workers.processes:
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0
    assert sorted(smtp.inbox.message_ids()) == sorted(expected)
    assert workers.status()["emails"] == {"sent": len(expected)}


def test_two_workers_schedule_periodic_work_once_per_period(worker_env, tmp_path):
    workers, _smtp = worker_env
    ticks = tmp_path / "ticks"
    workers.start()
    workers.start()
    workers.wait_for(lambda: len(_lines(ticks)) >= 3, "three periods")
    for process in workers.processes:
        process.terminate()
        assert process.wait(timeout=TIMEOUT) == 0
    periods = _lines(ticks)
    assert len(periods) == len(set(periods)) >= 3
