"""``referable ladder``: recompute and store every client's next ask.

The services recompute a client whenever they change one of its inputs, and the book
refreshes rows marked stale or computed before today. Run this after a bulk import, or
nightly from cron so that time-based guardrails (cool-downs, request caps) move on even
for books nobody opened."""

from referable.clients import services
from referable.clients.models import Client
from referable.practices.management.per_practice import PerPracticeCommand


class Command(PerPracticeCommand):
    help = "Recompute the next best ask of every client (of one practice with --practice)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--stale",
            action="store_true",
            help="Only clients marked stale or computed before today.",
        )

    def handle_practice(self, practice, *, stale=False, **options) -> str:
        settings = services.ladder_settings_for(practice)
        done = services.refresh_ladder(Client.objects.all(), only_stale=stale, settings=settings)
        return f"{done:,} client(s)"
