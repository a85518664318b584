"""Books and records: the communications archive.

Producers (the outbox for e-mails and invitations, introductions for letters) call
``archive_communication`` inside their own transaction, so a communication is archived
exactly when it is produced, and never changes afterwards."""

from collections.abc import Iterable
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from referable.records.models import Communication, CommunicationAttachment


@transaction.atomic
def archive_communication(
    practice,
    *,
    kind: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    recipients: Iterable[str],
    cc: Iterable[str] = (),
    sender=None,
    sender_address: str = "",
    person=None,
    related=None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    produced_at: datetime | None = None,
) -> Communication:
    """Freezes one communication with its attachments (filename, bytes, MIME type)."""
    communication = Communication(
        practice_id=getattr(practice, "pk", practice),
        kind=kind,
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        recipients=list(recipients),
        cc=list(cc),
        sender=sender,
        sender_address=sender_address or (sender.email if sender else ""),
        person=person,
        related_type=ContentType.objects.get_for_model(related) if related is not None else None,
        related_id=related.pk if related is not None else None,
        produced_at=produced_at or timezone.now(),
    )
    communication.full_clean(exclude=["practice", "content_sha256"])
    communication.save()
    for filename, data, content_type in attachments:
        CommunicationAttachment(
            practice_id=communication.practice_id,
            communication=communication,
            filename=filename,
            data=data,
            content_type=content_type,
        ).save()
    # the hash covers the attachments too, so it is taken once they are stored
    communication.content_sha256 = communication.compute_hash()
    Communication.objects.filter(pk=communication.pk).update(
        content_sha256=communication.content_sha256
    )
    return communication


def communications_about(obj) -> "list[Communication]":
    return list(
        Communication.objects.filter(
            related_type=ContentType.objects.get_for_model(obj), related_id=obj.pk
        ).prefetch_related("attachments")
    )
