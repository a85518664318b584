"""Outgoing e-mail: archived when written, delivered by the worker, never twice.

``send_email`` freezes the message in the communications archive (books and records)
and queues its delivery; ``deliver`` runs in the worker and talks to the mail server
through Django's e-mail backend (SMTP in production).

Why nothing is sent twice: an attempt first claims the message (queued/failed →
sending) with a conditional UPDATE, so two workers never hold it at once, and marks it
sent right after the server accepted it. One window cannot be closed by any client: a
worker killed after the server accepted the message and before that row was marked
sent. The attempt's claim then expires and the message is sent again, with the same
fixed Message-ID and Date, so mail clients and the recipient recognise the copy.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import format_datetime, formataddr, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from referable.outbox import jobs
from referable.outbox.jobs import enqueue
from referable.outbox.models import OutgoingEmail
from referable.records.models import Communication
from referable.records.services import archive_communication

logger = logging.getLogger("referable.outbox")

DELIVER_TASK = "outbox.deliver"
#: how long one attempt may take before it is presumed dead (the SMTP timeout is 20 s)
SEND_LEASE = timedelta(minutes=2)
#: waits after the 1st, 2nd, 3rd, 4th failure; then every 6 hours
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
BACKOFF_AFTER = timedelta(hours=6)
#: about two days of trying before a message is given up (and shown as such)
MAX_ATTEMPTS = 12
EMAIL_KINDS = (Communication.Kind.EMAIL, Communication.Kind.INVITATION)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return BACKOFF[attempts - 1] if attempts <= len(BACKOFF) else BACKOFF_AFTER


def _clean_addresses(field: str, addresses, *, required: bool) -> list[str]:
    if isinstance(addresses, str):
        addresses = [addresses]
    cleaned = [a.strip() for a in addresses if a and a.strip()]
    if required and not cleaned:
        raise ValidationError({field: "Give at least one e-mail address."})
    for address in cleaned:
        try:
            validate_email(parseaddr(address)[1] or address)
        except ValidationError:
            raise ValidationError({field: f"“{address}” is not a valid e-mail address."}) from None
    return cleaned


def _from_address(practice, sent_by) -> str:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    if sent_by is not None:
        name = f"{sent_by.get_full_name() or sent_by.email} at {practice.name}"
    return formataddr((name, address)) if name else address


@transaction.atomic
def send_email(
    *,
    practice,
    to: list[str],
    subject: str,
    text: str,
    html: str | None = None,
    attachments: list[tuple[str, bytes, str]] = (),
    cc: list[str] = (),
    reply_to: str | None = None,
    sent_by=None,
    person=None,
    related=None,
    kind: str = "email",
) -> OutgoingEmail:
    """Archives an e-mail as written and queues its delivery once the caller's
    transaction commits. Attachments are (filename, bytes, MIME type)."""
    to = _clean_addresses("to", to, required=True)
    cc = _clean_addresses("cc", cc, required=False)
    if reply_to:
        reply_to = _clean_addresses("reply_to", [reply_to], required=True)[0]
    elif sent_by is not None and sent_by.email:
        reply_to = sent_by.email
    if not subject.strip():
        raise ValidationError({"subject": "An e-mail needs a subject."})
    if kind not in EMAIL_KINDS:
        raise ValidationError({"kind": "Only e-mails and invitations go through the outbox."})
    if person is not None and person.do_not_contact:
        raise ValidationError({"to": person.do_not_contact_message()})
    from_address = _from_address(practice, sent_by)
    communication = archive_communication(
        practice,
        kind=kind,
        subject=subject,
        body_text=text,
        body_html=html or "",
        recipients=to,
        cc=cc,
        sender=sent_by,
        sender_address=from_address,
        person=person,
        related=related,
        attachments=attachments,
    )
    email = OutgoingEmail.objects.create(
        practice=practice,
        communication=communication,
        next_attempt_at=communication.produced_at,
        from_address=from_address,
        reply_to=reply_to or "",
    )
    email_id, practice_id = email.pk, email.practice_id
    transaction.on_commit(
        lambda: enqueue(
            DELIVER_TASK,
            {"email_id": email_id},
            practice=practice_id,
            dedupe_key=f"email:{email_id}:0",
        )
    )
    return email


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    communication = email.communication
    message = EmailMultiAlternatives(
        subject=communication.subject,
        body=communication.body_text,
        from_email=email.from_address,
        to=communication.recipients,
        cc=communication.cc,
        reply_to=[email.reply_to] if email.reply_to else None,
        headers={
            "Message-ID": email.message_id,
            "Date": format_datetime(communication.produced_at),
        },
    )
    if communication.body_html:
        message.attach_alternative(communication.body_html, "text/html")
    for attachment in communication.attachments.all():
        message.attach(attachment.filename, bytes(attachment.data), attachment.content_type)
    return message


def _is_permanent(exc: Exception) -> bool:
    """The server refused the message itself (5xx): trying again will not help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return True
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 500 <= code < 600


def _due(now: datetime) -> Q:
    S = OutgoingEmail.Status
    return Q(status__in=[S.QUEUED, S.FAILED], next_attempt_at__lte=now) | Q(
        status=S.SENDING, sending_until__lt=now
    )


def deliver(email_id: int) -> str:
    """One delivery attempt of one message, if it is due; returns what happened
    ("sent", "failed", "not due"). Runs in the worker, inside the practice's scope."""
    S = OutgoingEmail.Status
    now = jobs.now()
    claimed = (
        OutgoingEmail.objects.filter(pk=email_id)
        .filter(_due(now))
        .update(
            status=S.SENDING,
            sending_until=now + SEND_LEASE,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    )
    if not claimed:
        _follow_up(email_id)
        return "not due"
    email = OutgoingEmail.objects.select_related("communication").get(pk=email_id)
    try:
        build_message(email).send(fail_silently=False)
    except Exception as exc:  # any failure of the server or the network is kept and retried
        _record_failure(email, exc)
        return "failed"
    # marked in the same step that succeeded: nothing runs between the server's
    # acceptance and this update (see the module docstring for the window that remains)
    OutgoingEmail.objects.filter(pk=email_id, status=S.SENDING).update(
        status=S.SENT,
        sent_at=jobs.now(),
        next_attempt_at=None,
        sending_until=None,
        last_error="",
        updated_at=jobs.now(),
    )
    return "sent"


def _record_failure(email: OutgoingEmail, exc: Exception) -> None:
    now = jobs.now()
    error = f"{type(exc).__name__}: {exc}"[:2000]
    gave_up = _is_permanent(exc) or email.attempts >= MAX_ATTEMPTS
    next_attempt = None if gave_up else now + retry_delay(email.attempts)
    OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.SENDING).update(
        status=OutgoingEmail.Status.FAILED,
        last_error=error,
        next_attempt_at=next_attempt,
        sending_until=None,
        updated_at=now,
    )
    logger.warning("e-mail %s: attempt %s failed: %s", email.pk, email.attempts, error)
    if next_attempt is not None:
        enqueue(
            DELIVER_TASK,
            {"email_id": email.pk},
            practice=email.practice_id,
            run_at=next_attempt,
            dedupe_key=f"email:{email.pk}:{email.attempts}",
        )


def _follow_up(email_id: int) -> None:
    """A delivery job found its message not due: make sure a later job exists when the
    message still needs one (another worker is sending it, or it waits for a retry)."""
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None or email.status == OutgoingEmail.Status.SENT:
        return
    if email.status == OutgoingEmail.Status.SENDING and email.sending_until:
        when, key = (
            email.sending_until + timedelta(seconds=1),
            f"email:{email_id}:{email.attempts}:stale",
        )
    elif email.next_attempt_at:
        when, key = email.next_attempt_at, f"email:{email_id}:{email.attempts}"
    else:
        return
    enqueue(
        DELIVER_TASK,
        {"email_id": email_id},
        practice=email.practice_id,
        run_at=when,
        dedupe_key=key,
    )


@transaction.atomic
def retry_now(email: OutgoingEmail) -> bool:
    """Staff's "retry now" on a failed message: queued for an attempt at once. False
    when the message is not failed (sent, or being sent)."""
    now = timezone.now()
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
        next_attempt_at=now, updated_at=now
    )
    if not updated:
        return False
    email_id, practice_id, attempts = email.pk, email.practice_id, email.attempts
    transaction.on_commit(
        lambda: enqueue(
            DELIVER_TASK,
            {"email_id": email_id},
            practice=practice_id,
            dedupe_key=f"email:{email_id}:{attempts}:now:{int(now.timestamp())}",
        )
    )
    email.refresh_from_db()
    return True


def resume_overdue(now: datetime, *, grace: timedelta = timedelta(minutes=5)) -> int:
    """Queues a delivery for every message overdue by more than ``grace`` in every
    practice: the safety net for a job lost between a commit and its queueing (the
    Redis queue) or an attempt whose worker died. Keys are per quarter hour, so a
    message stuck for another reason is tried again four times an hour at most."""
    S = OutgoingEmail.Status
    late = now - grace
    overdue = (
        OutgoingEmail.objects.with_scopes_disabled()
        .filter(
            Q(status__in=[S.QUEUED, S.FAILED], next_attempt_at__lte=late)
            | Q(status=S.SENDING, sending_until__lt=late)
        )
        .values_list("pk", "practice_id", "attempts")
    )
    slot = int(now.timestamp()) // 900
    queued = 0
    for email_id, practice_id, attempts in overdue.iterator():
        queued += enqueue(
            DELIVER_TASK,
            {"email_id": email_id},
            practice=practice_id,
            dedupe_key=f"email:{email_id}:{attempts}:sweep:{slot}",
        )
    return queued
