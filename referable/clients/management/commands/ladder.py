"""``referable ladder``: recompute and store every client's next ask.

The services recompute a client whenever they change one of its inputs, and the book
refreshes rows marked stale or computed before today. Run this after a bulk import, or
nightly from cron so that time-based guardrails (cool-downs, request caps) move on even
for books nobody opened."""

import time

from django.core.management.base import BaseCommand, CommandError

from referable.clients import services
from referable.clients.models import Client
from referable.practices.models import Practice
from referable.practices.tenancy import practice_scope


class Command(BaseCommand):
    help = "Recompute the next best ask of every client (of one practice with --practice)."

    def add_arguments(self, parser):
        parser.add_argument("--practice", help="Slug of one practice (default: all).")
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only clients marked stale or computed before today.",
        )

    def handle(self, *args, practice=None, stale=False, **options):
        practices = Practice.objects.order_by("id")
        if practice:
            practices = practices.filter(slug=practice)
            if not practices.exists():
                raise CommandError(f"No practice with the slug “{practice}”.")
        for each in practices:
            started = time.perf_counter()
            with practice_scope(each):
                settings = services.ladder_settings_for(each)
                done = services.refresh_ladder(
                    Client.objects.all(), only_stale=stale, settings=settings
                )
            self.stdout.write(
                f"{each.slug}: {done:,} client(s) in {time.perf_counter() - started:.1f} s"
            )
