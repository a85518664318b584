"""``referable import FILE``: people from a CSV or vCard file, with the same preview,
dedupe and reports as the page, and a progress bar."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from referable.practices.tenancy import acting_as, practice_scope
from referable.records import importing, imports
from referable.records.management.commands._common import acting_user


class Command(BaseCommand):
    help = "Import people from a CSV or vCard (.vcf) file, without duplicates."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="email", help="The user importing (default: the owner).")
        parser.add_argument("--practice", help="Practice slug, when --as is not given.")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="COLUMN=FIELD",
            help="Which field a CSV column holds, by heading; repeat. Fields: "
            + ", ".join(t for t in importing.TARGETS if t),
        )
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="Import nothing if any row is bad."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only show what would happen.")

    def handle(self, *args, file: Path, email, practice, map, all_or_nothing, dry_run, **options):
        console = Console(stderr=True)
        if not file.is_file():
            raise CommandError(f"{file} does not exist.")
        size = file.stat().st_size
        user = acting_user(email, practice)
        with practice_scope(user.practice_id), acting_as(user):
            try:
                data = file.read_bytes() if size <= importing.MAX_BYTES else b""
                job = imports.start_import(user.practice, file.name, data, by=user, size=size)
                mapping = self._mapping(job, map)
                imports.preview(job, mapping, all_or_nothing=all_or_nothing)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from None
            self._report(job, "Preview" if dry_run else "Plan")
            if dry_run:
                return
            try:
                with _bar(console, job.total) as progress:
                    job = imports.run(job, by=user, progress=progress)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from None
            self._report(job, "Done")

    def _mapping(self, job, pairs: list[str]) -> dict[str, str] | None:
        if not pairs or job.format != "csv":
            return None
        headers = [h.lower() for h in imports.headers_of(job)]
        mapping = dict(job.mapping)
        for pair in pairs:
            column, _, target = pair.partition("=")
            if column.strip().lower() not in headers:
                raise CommandError(
                    f"No column “{column}” in the file (found: {', '.join(headers)})."
                )
            mapping[str(headers.index(column.strip().lower()))] = target.strip()
        return mapping

    def _report(self, job, title: str) -> None:
        verb = "to create" if title != "Done" else "created"
        self.stdout.write(
            f"{title}: {job.created} {verb}, {job.updated} updated, {job.skipped} skipped, "
            f"{job.failed} with errors ({job.total} rows)."
        )
        for problem in job.problems[:50]:
            self.stdout.write(f"  line {problem['line']}: {problem['reason']}")
        if len(job.problems) > 50:
            self.stdout.write(f"  … and {len(job.problems) - 50} more (see the import's page)")


def _message(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


class _bar:
    def __init__(self, console: Console, total: int):
        self.progress = Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        )
        self.task = self.progress.add_task("import", total=total)

    def __enter__(self):
        self.progress.start()
        return self

    def __exit__(self, *exc):
        self.progress.stop()

    def __call__(self, job) -> None:
        self.progress.update(self.task, completed=job.position, total=job.total)
