"""The audit trail: who created, changed or deleted what, when, with the values before
and after (SPEC §12, books and records: "an audit trail that can re-create the
original").

Every subclass of ``PracticeOwned`` is followed through Django's model signals, found
when the apps are ready, so models other areas add later are covered without them
doing anything. A model opts out with ``audit_trail = False`` (e.g. a job's progress
counters). Bulk loads (``bulk_create``, ``insert_rows``) bypass signals on purpose;
the importer writes its own entries for the people it creates in bulk.
"""

import base64
import datetime
import decimal
import uuid
from contextvars import ContextVar

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from referable.practices.models import Practice, PracticeOwned
from referable.practices.tenancy import current_user

#: fields whose change is noise, not a change of the record
IGNORED_FIELDS = {"updated_at", "created_at", "practice"}
REPR_LENGTH = 300
VALUE_LENGTH = 2000

#: set while a whole practice is being deleted: its rows vanish with their trail
_quiet: ContextVar[bool] = ContextVar("audit_quiet", default=False)


def audited_models() -> list[type[models.Model]]:
    from referable.records.models import AuditEntry

    return [
        model
        for model in apps.get_models()
        if issubclass(model, PracticeOwned)
        and model is not AuditEntry
        and getattr(model, "audit_trail", True)
        and not model._meta.proxy
    ]


def connect() -> None:
    for model in audited_models():
        uid = f"records-audit-{model._meta.label_lower}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}-pre")
        post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-post")
        post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}-delete")


def plain(value):
    """A JSON-safe form of a field value, short enough to keep."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        data = bytes(value)
        return f"<{len(data)} bytes, base64 {base64.b64encode(data[:24]).decode()}…>"
    if isinstance(value, list | dict):
        return value
    text = str(value)
    return text if len(text) <= VALUE_LENGTH else text[:VALUE_LENGTH] + "…"


def field_values(instance: models.Model) -> dict:
    return {
        field.attname: plain(field.value_from_object(instance))
        for field in instance._meta.concrete_fields
        if field.name not in IGNORED_FIELDS and not field.primary_key
    }


def _remember_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance._audit_before = None
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = field_values(stored) if stored is not None else None


def _on_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw or _quiet.get():
        return
    after = field_values(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        changes = {k: [None, v] for k, v in after.items() if v not in (None, "", [], {})}
        action = "created"
    else:
        changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changes:
            return
        action = "changed"
    _write(instance, action, changes)


def _on_delete(sender, instance, origin=None, **kwargs) -> None:
    if _quiet.get() or _deleting_a_practice(origin):
        return
    before = field_values(instance)
    changes = {k: [v, None] for k, v in before.items() if v not in (None, "", [], {})}
    _write(instance, "deleted", changes)


def _deleting_a_practice(origin) -> bool:
    if isinstance(origin, Practice):
        return True
    return isinstance(origin, models.QuerySet) and origin.model is Practice


def _write(instance, action: str, changes: dict) -> None:
    from referable.records.models import AuditEntry

    actor = current_user.get()
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    AuditEntry._base_manager.create(
        practice_id=instance.practice_id,
        actor_id=actor_id,
        actor_label=(actor.email if actor_id else "system"),
        action=action,
        model_label=instance._meta.label_lower,
        object_id=instance.pk,
        object_repr=_repr(instance),
        changes=changes,
    )


def _repr(instance) -> str:
    try:
        text = str(instance)
    except Exception:  # a __str__ that follows a deleted relation must not stop a delete
        text = f"{instance._meta.verbose_name} #{instance.pk}"
    return text[:REPR_LENGTH]


class quiet:
    """No audit entries inside this block (used by restore, which replaces the whole
    database including its trail)."""

    def __enter__(self):
        self._token = _quiet.set(True)

    def __exit__(self, *exc):
        _quiet.reset(self._token)
