"""Entering a practice's scope. Everything that touches domain rows outside a web
request (commands, the worker, tests) goes through ``practice_scope``."""

from contextlib import contextmanager

from django_scopes import scope


@contextmanager
def practice_scope(practice):
    """Scope queries to one practice. ``None`` is refused: in django-scopes a ``None``
    scope means "no filter", which would show every practice's rows."""
    practice_id = getattr(practice, "pk", practice)
    if not practice_id:
        raise ValueError("A practice is required to enter its scope")
    with scope(practice=practice_id):
        yield
