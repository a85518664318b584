"""Entering a practice's scope. Everything that touches domain rows outside a web
request (commands, the worker, tests) goes through ``practice_scope``."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django_scopes import scope

#: who is acting right now (the request's user, or the user a command acts as); read by
#: the audit trail so that services need not pass it down through every call
current_user: ContextVar = ContextVar("current_user", default=None)


@contextmanager
def acting_as(user):
    token = current_user.set(user)
    try:
        yield
    finally:
        current_user.reset(token)


@contextmanager
def practice_scope(practice):
    """Scope queries to one practice. ``None`` is refused: in django-scopes a ``None``
    scope means "no filter", which would show every practice's rows.

    Inside, the practice's time zone is the current one: a date left to its default
    (``timezone.localdate``) is the practice's today, not UTC's, which in New York
    is already tomorrow every evening from seven."""
    practice_id = getattr(practice, "pk", practice)
    if not practice_id:
        raise ValueError("A practice is required to enter its scope")
    zone = getattr(practice, "time_zone", None) or _time_zone_of(practice_id)
    with scope(practice=practice_id), timezone.override(zone):
        yield


def _time_zone_of(practice_id: int) -> str | None:
    from referable.practices.models import Practice

    return Practice.objects.filter(pk=practice_id).values_list("time_zone", flat=True).first()
