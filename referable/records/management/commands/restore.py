"""``referable restore FILE``: checks the backup, then replaces the database with it."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referable.records.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `referable backup`. The file is checked first; a "
        "damaged one is refused and nothing changes. Everything in the database is replaced."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--database-url",
            help="Restore into this PostgreSQL database instead of the configured one.",
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, file: Path, database_url, yes, **options):
        if not yes and options.get("interactive", True):
            answer = input(f"Replace everything in the database with {file}? [y/N] ")
            if answer.strip().lower() not in {"y", "yes"}:
                raise CommandError("Nothing restored.")
        try:
            manifest = restore(file, database_url=database_url)
        except BackupError as exc:
            raise CommandError(f"Refused: {exc} Nothing was changed.") from None
        self.stdout.write(
            f"Restored {sum(manifest.counts.values()):,} rows in {len(manifest.counts)} tables "
            f"from the backup of {manifest.data['created_at']}."
        )
