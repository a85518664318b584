"""A command that works through every practice, or one named with ``--practice``, each
inside its own scope, and says how long each took."""

import time

from django.core.management.base import BaseCommand, CommandError

from referable.practices.models import Practice
from referable.practices.tenancy import practice_scope


class PerPracticeCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--practice", help="Slug of one practice (default: all).")

    def handle(self, *args, practice=None, **options):
        practices = Practice.objects.order_by("id")
        if practice:
            practices = practices.filter(slug=practice)
            if not practices.exists():
                raise CommandError(f"No practice with the slug “{practice}”.")
        for each in practices:
            started = time.perf_counter()
            with practice_scope(each):
                done = self.handle_practice(each, **options)
            self.stdout.write(f"{each.slug}: {done} in {time.perf_counter() - started:.1f} s")

    def handle_practice(self, practice: Practice, **options) -> str:
        """What was done for ``practice``, in a few words ("120 client(s)")."""
        raise NotImplementedError
