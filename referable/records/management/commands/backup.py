"""``referable backup FILE``: a consistent snapshot of the database, while it runs."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from referable.records.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup (database snapshot and manifest) to FILE, e.g. backup.zip."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if file.exists():
            raise CommandError(f"{file} exists; choose another name.")
        start = time.perf_counter()
        try:
            manifest = backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest.counts.values())
        self.stdout.write(
            f"Backed up {len(manifest.counts)} tables, {rows:,} rows ({manifest.engine}) "
            f"to {file} ({file.stat().st_size / 2**20:,.1f} MB) in {time.perf_counter() - start:.1f} s."
        )
