"""The worker keeps the firm dashboard's monthly summary current (summary.py): the
months marked changed within a minute, new months within the hour, and every month
once a day for the writes that send no signal (bulk loads, imports, merges)."""

from datetime import timedelta

from django.db.models import F

from referable.insight import summary
from referable.insight.models import SummarizedMonth
from referable.outbox.jobs import now, periodic
from referable.practices.models import Practice
from referable.practices.tenancy import practice_scope


def _refresh(practice_ids, *, everything: bool = False) -> None:
    for practice in Practice.objects.filter(pk__in=list(practice_ids)):
        with practice_scope(practice):
            summary.refresh(practice, everything=everything, now=now())


@periodic("insight.refresh_changed_months", every=timedelta(minutes=1))
def refresh_changed_months(payload: dict) -> None:
    changed = (
        SummarizedMonth._base_manager.exclude(summarized_changes=F("changes"))
        .values_list("practice_id", flat=True)
        .distinct()
    )
    _refresh(changed)


@periodic("insight.add_new_months", every=timedelta(hours=1))
def add_new_months(payload: dict) -> None:
    _refresh(Practice.objects.values_list("pk", flat=True))


@periodic("insight.summarize_every_month", every=timedelta(days=1))
def summarize_every_month(payload: dict) -> None:
    _refresh(Practice.objects.values_list("pk", flat=True), everything=True)
