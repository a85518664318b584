"""Import jobs: upload → map columns → preview → run, for the page and the command
line alike. The run goes in chunks, each its own transaction, so a large file shows
its progress and a failure half-way keeps what was already imported; with
all-or-nothing the whole file is one transaction and any bad row stops it."""

from collections import Counter
from collections.abc import Callable
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from referable.records import importing
from referable.records.models import ImportJob

CHUNK = 5000


@transaction.atomic
def start_import(practice, filename: str, data: bytes, *, by, size: int | None = None) -> ImportJob:
    """Reads the file (refusing what cannot be imported) and proposes a mapping."""
    source = importing.read_upload(filename, data, size=size)
    mapping: dict[str, str] = {}
    if source.format == "csv":
        headers = importing.csv_headers(source)
        if not headers:
            raise importing.refuse(f"“{filename}” has no heading row.")
        mapping = importing.guess_mapping(headers)
    job = ImportJob(
        practice_id=getattr(practice, "pk", practice),
        created_by=by,
        filename=filename[:255],
        format=source.format,
        encoding=source.encoding,
        delimiter=source.delimiter,
        text=source.text,
        mapping=mapping,
        total=importing.count_records(source),
    )
    job.save()
    return job


def source_of(job: ImportJob) -> importing.Source:
    return importing.Source(job.filename, job.format, job.encoding, job.delimiter, job.text)


def headers_of(job: ImportJob) -> list[str]:
    return importing.csv_headers(source_of(job)) if job.format == "csv" else []


@transaction.atomic
def preview(job: ImportJob, mapping: dict[str, str] | None = None, *, all_or_nothing=None):
    """Checks the mapping and works out, without writing any person, what the import
    would do to every row. Returns the outcomes; the job keeps the counts and problems."""
    if job.status != ImportJob.Status.PREVIEWED:
        raise ValidationError({"mapping": "This import has already run."})
    if mapping is not None and job.format == "csv":
        job.mapping = importing.check_mapping(mapping, headers_of(job))
    elif job.format == "csv":
        job.mapping = importing.check_mapping(job.mapping, headers_of(job))
    if all_or_nothing is not None:
        job.all_or_nothing = all_or_nothing
    rows = list(importing.records(source_of(job), job.mapping))
    outcomes = importing.plan(rows, importing.KnownPeople())
    counts = Counter(o.action for o in outcomes)
    job.total = len(rows)
    job.created, job.updated = counts["create"], counts["update"]
    job.skipped = counts["unchanged"] + counts["duplicate"]
    job.failed = counts["error"]
    job.problems = [o.as_row() for o in outcomes if o.is_problem][: importing.PROBLEMS_KEPT]
    job.save()
    return outcomes


def run(job: ImportJob, *, by, progress: Callable[[ImportJob], None] = lambda job: None):
    """Runs the whole import (the command line and the benchmark)."""
    if job.all_or_nothing:
        return run_all_or_nothing(job, by=by)
    known = importing.KnownPeople()  # one index for the whole run, kept up to date by plan()
    rows = importing.records(source_of(job), job.mapping, job.position)  # read once
    while job.status != ImportJob.Status.DONE:
        job = run_chunk(job, by=by, known=known, rows=list(islice(rows, CHUNK)))
        progress(job)
    return job


def _begin(job: ImportJob) -> None:
    if job.status == ImportJob.Status.PREVIEWED:
        if job.all_or_nothing and job.failed:
            raise ValidationError(
                {
                    "all_or_nothing": f"{job.failed} row(s) have errors and you chose all-or-nothing: "
                    "nothing was imported. Fix those rows, or untick all-or-nothing to import the "
                    "good ones."
                }
            )
        job.status = ImportJob.Status.RUNNING
        job.position = job.created = job.updated = job.skipped = job.failed = 0
        job.problems = []


@transaction.atomic
def run_chunk(job: ImportJob, *, by, size: int | None = None, known=None, rows=None) -> ImportJob:
    """Imports the next ``size`` rows. Safe to call twice at once: the second waits for
    the first and continues where it stopped."""
    size = size or CHUNK
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.status == ImportJob.Status.DONE:
        return job
    _begin(job)
    if rows is None:
        rows = list(
            importing.records(source_of(job), job.mapping, job.position, job.position + size)
        )
    _import_rows(job, rows, by=by, known=known)
    job.position += len(rows)
    if not rows or job.position >= job.total:
        job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
    job.save()
    return job


@transaction.atomic
def run_all_or_nothing(job: ImportJob, *, by) -> ImportJob:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _begin(job)
    rows = list(importing.records(source_of(job), job.mapping))
    failed_before = job.failed
    _import_rows(job, rows, by=by)
    if job.failed > failed_before:
        transaction.set_rollback(True)
        raise ValidationError(
            {"all_or_nothing": f"{job.failed} row(s) have errors: nothing was imported."}
        )
    job.position = len(rows)
    job.status, job.finished_at = ImportJob.Status.DONE, timezone.now()
    job.save()
    return job


def _import_rows(job: ImportJob, rows, *, by, known=None) -> None:
    outcomes = importing.plan(rows, known or importing.KnownPeople())
    applied = importing.apply(
        job.practice, outcomes, by=by, source_detail=f"Imported from {job.filename}"
    )
    counts = Counter(o.action for o in outcomes)
    job.created += applied.created
    job.updated += applied.updated
    job.skipped += counts["unchanged"] + counts["duplicate"]
    job.failed += counts["error"]
    room = importing.PROBLEMS_KEPT - len(job.problems)
    if room > 0:
        job.problems = job.problems + [o.as_row() for o in outcomes if o.is_problem][:room]
