"""The retention period: how long archived communications are kept, and when each
may go (SPEC, regulated practices: SEC rule 204-2 five years, FINRA 4511 six)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from referable.records.models import Communication, CommunicationAttachment, RecordsSettings

DEFAULT_YEARS = 6


def settings_for(practice) -> RecordsSettings:
    """The practice's settings, or unsaved defaults: reading never writes."""
    practice_id = getattr(practice, "pk", practice)
    found = RecordsSettings.objects.filter(practice_id=practice_id).first()
    return found or RecordsSettings(practice_id=practice_id, retention_years=DEFAULT_YEARS)


@transaction.atomic
def set_retention(practice, years: int, *, by=None) -> RecordsSettings:
    settings = settings_for(practice)
    settings.retention_years = years
    settings.full_clean(exclude=["practice"], validate_constraints=False)
    settings.save()
    return settings


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def may_go_on(produced_at, years: int, zone=None) -> date:
    """The first day an item produced at ``produced_at`` may be disposed of."""
    local = timezone.localtime(produced_at, zone) if zone else produced_at
    return add_years(local.date(), years)


def under_retention(communication: Communication, years: int, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return today < may_go_on(communication.produced_at, years)


@transaction.atomic
def dispose_expired(practice, *, today: date | None = None, by=None) -> int:
    """Deletes the communications whose retention period has ended, and only those.
    Nothing under retention can be deleted: ``Communication.delete`` refuses always, and
    this is the one way out, past the practice's period."""
    years = settings_for(practice).retention_years
    today = today or timezone.localdate()
    cutoff = add_years(today, -years)
    expired = Communication.objects.filter(produced_at__date__lt=cutoff)
    ids = list(expired.values_list("pk", flat=True))
    if not ids:
        return 0
    if any(under_retention(c, years, today=today) for c in expired):
        raise ValidationError({"retention": "An item under retention cannot be deleted."})
    # ``Model.delete`` refuses; a queryset delete does not call it, and is audited
    CommunicationAttachment.objects.filter(communication_id__in=ids).delete()
    Communication.objects.filter(pk__in=ids).delete()
    return len(ids)
