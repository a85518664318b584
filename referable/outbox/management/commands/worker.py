from datetime import timedelta
from importlib import import_module

from django.core.management.base import BaseCommand

from referable.outbox import jobs
from referable.outbox.worker import Worker


class Command(BaseCommand):
    help = (
        "Runs queued and scheduled background work (e-mail, reminders, digests) until "
        "SIGTERM or Ctrl-C; run as many as you like. The queue is in the database, or in "
        "Redis when REDIS_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once",
            action="store_true",
            help="queue the periodic scans whose period began, run every due job, then exit",
        )
        parser.add_argument("--concurrency", type=int, default=1, help="jobs run at once")
        parser.add_argument(
            "--lease",
            type=float,
            default=60.0,
            help="seconds before a job of a worker that stopped answering is run elsewhere",
        )
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--import",
            dest="imports",
            action="append",
            default=[],
            metavar="MODULE",
            help="import more task modules (beside every app's tasks.py)",
        )
        parser.add_argument(
            "--no-scheduler", action="store_true", help="do not queue periodic tasks"
        )

    def handle(self, *args, once, concurrency, lease, poll, imports, no_scheduler, **options):
        jobs.autodiscover()
        for module in imports:
            import_module(module)
        worker = Worker(
            concurrency=concurrency,
            lease=timedelta(seconds=lease),
            poll=poll,
            once=once,
            scheduler=not no_scheduler,
        )
        worker.install_signal_handlers()
        verbosity = options["verbosity"]
        if verbosity > 0 and not once:
            self.stdout.write(f"worker {worker.name} started ({concurrency} at once)")
        count = worker.run()
        if verbosity > 0:
            self.stdout.write(f"worker {worker.name} stopped after {count} job(s)")
