"""What every app's tests share about the practice they run in (conftest.py builds it)."""

from datetime import date
from zoneinfo import ZoneInfo

from django.utils import timezone

PRACTICE_TIME_ZONE = "America/New_York"


def practice_today() -> date:
    """The test practice's today, the day its rules call today. Not ``date.today()``:
    on a machine on UTC, every New York evening from seven is already tomorrow."""
    return timezone.localdate(timezone=ZoneInfo(PRACTICE_TIME_ZONE))
