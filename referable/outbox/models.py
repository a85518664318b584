"""The background queue (when it lives in the database) and outgoing e-mail.

``Job`` is infrastructure, not practice data: workers claim jobs of every practice,
so it is not scoped; a job that belongs to a practice names it and runs inside its
scope. ``OutgoingEmail`` is the delivery state of one archived e-mail (the content is
frozen in records.Communication; a status is not content)."""

import uuid

from django.db import models
from django.utils import timezone

from referable.practices.models import Practice, PracticeOwned


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    task = models.CharField(max_length=100)
    payload = models.JSONField(default=dict, blank=True)
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)
    #: a job with a key is scheduled at most once, however many callers or workers try
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    #: the worker holding the job and until when; an expired lease means that worker
    #: died, and the job is claimed again
    locked_by = models.CharField(max_length=200, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_at", "id"]
        indexes = [
            models.Index(fields=["status", "run_at"], name="job_due"),
            models.Index(fields=["status", "locked_until"], name="job_lease"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.status})"


def new_message_id() -> str:
    return f"<{uuid.uuid4().hex}@referable>"


class OutgoingEmail(PracticeOwned):
    """Whether and when one archived e-mail reached the mail server.

    ``message_id`` is fixed when the e-mail is created and sent with every attempt, so
    a copy delivered twice (see services.deliver for the one window where that can
    happen) is recognisable as the same message by any mail client."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    communication = models.OneToOneField(
        "records.Communication", on_delete=models.PROTECT, related_name="outgoing"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    #: when the next attempt is due; empty once sent, or when retries were given up
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    #: while sending: until when the attempt is presumed alive
    sending_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, unique=True, default=new_message_id)
    from_address = models.CharField(max_length=300)
    reply_to = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-created_at"], name="outgoing_time"),
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_due"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.status})"

    @property
    def will_retry(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is not None

    @property
    def gave_up(self) -> bool:
        return self.status == self.Status.FAILED and self.next_attempt_at is None
