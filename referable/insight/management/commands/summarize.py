"""``referable summarize``: bring the firm dashboard's monthly summary up to date.

The worker does this on its own (tasks.py): months changed within a minute, every
month once a day. Run it with ``--everything`` after loading rows in bulk (a demo, an
import straight into the database, a restore), which sends no signal to mark the
months they fall in."""

import time

from django.core.management.base import BaseCommand, CommandError

from referable.insight import summary
from referable.practices.models import Practice
from referable.practices.tenancy import practice_scope


class Command(BaseCommand):
    help = "Summarize the months of the dashboards (of one practice with --practice)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", help="Slug of one practice (default: all).")
        parser.add_argument(
            "--everything",
            action="store_true",
            help="Every month again, not only those changed or new.",
        )

    def handle(self, *args, practice=None, everything=False, **options):
        practices = Practice.objects.order_by("id")
        if practice:
            practices = practices.filter(slug=practice)
            if not practices.exists():
                raise CommandError(f"No practice with the slug “{practice}”.")
        for each in practices:
            started = time.perf_counter()
            with practice_scope(each):
                months = summary.refresh(each, everything=everything)
            self.stdout.write(
                f"{each.slug}: {months} month(s) in {time.perf_counter() - started:.1f} s"
            )
