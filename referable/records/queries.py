"""Reads for the records pages, each with its joins decided once."""

import csv
import io

from django.db.models import QuerySet
from django.utils import timezone

from referable.people.models import Person
from referable.records import archive, calendar, exporting
from referable.records.models import (
    AuditEntry,
    Communication,
    ErasureRecord,
    ImportJob,
)
from referable.records.retention import add_years, settings_for

HISTORY_LIMIT = 200


def history_of(label: str, object_id: int) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(model_label=label, object_id=object_id)
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_LIMIT]
    )


def overview(user) -> dict:
    settings = settings_for(user.practice_id)
    return {
        "communications": Communication.objects.count(),
        "years": settings.retention_years,
        "imports": list(ImportJob.objects.select_related("created_by").defer("text")[:5]),
        "feed": calendar.active_feed(user),
        "erasures": ErasureRecord.objects.count(),
        "reviews_kept": archive.review_model() is not None,
        "recent": list(AuditEntry.objects.select_related("actor").order_by("-at", "-id")[:12]),
    }


def sample_rows(job: ImportJob, count: int = 5) -> list[list[str]]:
    reader = csv.reader(io.StringIO(job.text[:200_000]), delimiter=job.delimiter or ",")
    rows = []
    for row in reader:
        if any(cell.strip() for cell in row):
            rows.append(row)
        if len(rows) > count:
            break
    return rows[1:]


def export_counts() -> dict[str, int]:
    counts = {"people": Person.objects.count()}
    for found in exporting.datasets()[1:]:
        from django.apps import apps

        counts[found.key] = apps.get_model(found.key)._default_manager.count()
    return counts


def expired_count(years: int) -> int:
    cutoff = add_years(timezone.localdate(), -years)
    return Communication.objects.filter(produced_at__date__lt=cutoff).count()


def jobs() -> QuerySet[ImportJob]:
    return ImportJob.objects.select_related("created_by").defer("text")
