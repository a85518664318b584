"""The long-running worker behind ``referable worker``.

One process runs ``concurrency`` threads that each claim a job, run it and claim the
next; a heartbeat thread renews the leases of the jobs running; the main thread queues
periodic scans and waits for SIGTERM/SIGINT, after which every thread finishes the job
in hand and the process exits (healthchecks' ``sendalerts`` works the same way)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from datetime import timedelta

from django.db import close_old_connections, connection
from django.utils import timezone

from referable.outbox import jobs
from referable.outbox.queue import ClaimedJob, Queue, get_queue

logger = logging.getLogger("referable.outbox")


class Worker:
    def __init__(
        self,
        *,
        concurrency: int = 1,
        lease: timedelta = timedelta(seconds=60),
        poll: float = 1.0,
        once: bool = False,
        scheduler: bool = True,
    ) -> None:
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.poll = poll
        self.once = once
        self.scheduler = scheduler
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self.running: dict[str, tuple[ClaimedJob, Queue]] = {}
        self.lock = threading.Lock()
        self.done = 0

    # ---- signals -------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        def stop(signum, _frame):
            logger.warning("worker %s: %s received, finishing", self.name, signal.strsignal(signum))
            self.stopping.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)

    # ---- the loops -----------------------------------------------------------------
    def run(self) -> int:
        done_slots: dict[str, str] = {}
        if self.once and self.scheduler:
            # for cron: the periods that have begun are queued, then everything due runs
            self._schedule(done_slots)
        threads = [
            threading.Thread(target=self._loop, args=(f"{self.name}:{i}",), daemon=True)
            for i in range(self.concurrency)
        ]
        heartbeat = threading.Thread(target=self._heartbeat, daemon=True)
        for thread in threads:
            thread.start()
        heartbeat.start()
        while any(thread.is_alive() for thread in threads):
            if self.scheduler and not self.once and not self.stopping.is_set():
                self._schedule(done_slots)
            self.stopping.wait(min(self.poll, 1.0))
            if self.stopping.is_set():
                break
        for thread in threads:
            thread.join()
        self.stopping.set()
        heartbeat.join(timeout=5)
        connection.close()
        return self.done

    def _schedule(self, done_slots: dict[str, str]) -> None:
        try:
            jobs.schedule_periodic(timezone.now(), done_slots)
        except Exception:
            logger.exception("worker %s: could not queue periodic tasks", self.name)
        finally:
            close_old_connections()

    def _loop(self, name: str) -> None:
        try:
            while not self.stopping.is_set():
                queue = get_queue()
                try:
                    job = queue.claim(name, timezone.now(), self.lease)
                except Exception:
                    logger.exception("worker %s: could not claim a job", name)
                    job = None
                    self.stopping.wait(self.poll)
                    continue
                finally:
                    close_old_connections()
                if job is None:
                    if self.once:
                        return
                    self.stopping.wait(self.poll)
                    continue
                with self.lock:
                    self.running[name] = (job, queue)
                try:
                    jobs.run_job(job, queue, name)
                finally:
                    with self.lock:
                        self.running.pop(name, None)
                        self.done += 1
                    close_old_connections()
        finally:
            connection.close()

    def _heartbeat(self) -> None:
        interval = max(self.lease.total_seconds() / 3, 0.2)
        try:
            while True:
                if self.stopping.is_set():
                    with self.lock:
                        if not self.running:
                            return
                    time.sleep(interval)
                else:
                    self.stopping.wait(interval)
                with self.lock:
                    running = list(self.running.items())
                for name, (job, queue) in running:
                    try:
                        queue.extend(job, name, timezone.now() + self.lease)
                    except Exception:
                        logger.exception("worker %s: could not renew the lease of %s", name, job.id)
                close_old_connections()
        finally:
            connection.close()
