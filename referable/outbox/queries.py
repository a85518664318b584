from django.db.models import QuerySet

from referable.outbox.models import OutgoingEmail


def outbox(status: str = "") -> QuerySet[OutgoingEmail]:
    """The practice's outgoing e-mail, newest first, with what the list shows."""
    emails = OutgoingEmail.objects.select_related(
        "communication", "communication__sender", "communication__person"
    ).order_by("-created_at", "-id")
    if status:
        emails = emails.filter(status=status)
    return emails


def email_detail(email_id: int) -> OutgoingEmail:
    return (
        OutgoingEmail.objects.select_related(
            "communication", "communication__sender", "communication__person"
        )
        .prefetch_related("communication__attachments")
        .get(pk=email_id)
    )
