"""The outbox over HTTP: messages and their delivery, and "retry now"."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from referable.outbox import queries, services
from referable.outbox.models import OutgoingEmail
from referable.outbox.schemas import OutgoingEmailOut
from referable.practices.permissions import api_require

router = Router(tags=["outbox"])


class OutboxFilters(Schema):
    status: OutgoingEmail.Status | None = None


@router.get("/outbox", response=list[OutgoingEmailOut], summary="Outgoing e-mail, newest first")
@paginate(PageNumberPagination, page_size=50)
def list_outbox(request, filters: OutboxFilters = Query(...)):
    return queries.outbox(filters.status or "")


@router.get("/outbox/{email_id}", response=OutgoingEmailOut, summary="One message's delivery")
def get_email(request, email_id: int):
    return get_object_or_404(queries.outbox(), pk=email_id)


@router.post(
    "/outbox/{email_id}/retry", response=OutgoingEmailOut, summary="Retry a failed message now"
)
def retry_email(request, email_id: int):
    api_require(request, "edit")
    email = get_object_or_404(queries.outbox(), pk=email_id)
    if not services.retry_now(email):
        raise ValidationError({"status": "This message is not waiting for a retry."})
    return email
