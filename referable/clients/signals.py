"""Changes made by other areas to people and connections change the ladder's inputs
(do-not-contact, who knows whom, titles that match a profile). Rather than reach into
their services, the clients concerned are marked stale here and recomputed by the book
on its next read (see services.mark_stale)."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save

from referable.people.models import Connection, Person


def _person_changed(sender, instance: Person, raw=False, **kwargs) -> None:
    if not raw and instance.pk:
        from referable.clients.services import mark_stale

        mark_stale([instance.pk])


def _connection_changed(sender, instance: Connection, raw=False, origin=None, **kwargs) -> None:
    # A whole practice being deleted (origin: the practice) has nobody left to refresh.
    if raw or not _concerns_people(origin):
        return
    from referable.clients.services import mark_stale

    mark_stale([instance.person_a_id, instance.person_b_id])


def _concerns_people(origin) -> bool:
    if origin is None:
        return True
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model in (Connection, Person)


def connect() -> None:
    post_save.connect(_person_changed, sender=Person, dispatch_uid="clients_person_changed")
    post_save.connect(
        _connection_changed, sender=Connection, dispatch_uid="clients_connection_saved"
    )
    post_delete.connect(
        _connection_changed, sender=Connection, dispatch_uid="clients_connection_deleted"
    )
