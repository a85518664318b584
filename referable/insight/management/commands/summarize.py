"""``referable summarize``: bring the firm dashboard's monthly summary up to date.

The worker does this on its own (tasks.py): months changed within a minute, every
month once a day. Run it with ``--everything`` after loading rows in bulk (a demo, an
import straight into the database, a restore), which sends no signal to mark the
months they fall in."""

from referable.insight import summary
from referable.practices.management.per_practice import PerPracticeCommand


class Command(PerPracticeCommand):
    help = "Summarize the months of the dashboards (of one practice with --practice)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--everything",
            action="store_true",
            help="Every month again, not only those changed or new.",
        )

    def handle_practice(self, practice, *, everything=False, **options) -> str:
        return f"{summary.refresh(practice, everything=everything)} month(s)"
