import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from referable.practices.models import PracticeOwned


class ImmutableRecordError(Exception):
    """Raised on any attempt to alter or delete a record kept for the books."""


class Communication(PracticeOwned):
    """Every letter, e-mail and invitation the system produced or sent, frozen as it was
    (SEC rule 204-2 and FINRA 4511 books-and-records duties). The content never changes
    after creation; ``content_sha256`` proves it. Delivery state lives elsewhere
    (e.g. outbox.OutgoingEmail), because a status is not content."""

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "E-mail"
        INVITATION = "invitation", "Invitation"
        DOCUMENT = "document", "Document"

    CONTENT_FIELDS = (
        "kind",
        "subject",
        "body_text",
        "body_html",
        "recipients",
        "cc",
        "sender_id",
        "sender_address",
        "person_id",
        "related_type_id",
        "related_id",
        "produced_at",
    )

    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    recipients = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sender_address = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The client or prospect it concerns.",
    )
    related_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    related_id = models.BigIntegerField(null=True, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    produced_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["-produced_at", "-id"]
        indexes = [
            models.Index(fields=["practice", "-produced_at"], name="communication_time"),
            # Today's cadence: the last e-mail each client was sent
            models.Index(
                fields=["practice", "person", "kind", "produced_at"], name="communication_person"
            ),
            models.Index(fields=["related_type", "related_id"], name="communication_related"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def compute_hash(self) -> str:
        content = {field: getattr(self, field) for field in self.CONTENT_FIELDS}
        # in UTC, as the database gives it back, whatever zone it was produced in
        content["produced_at"] = self.produced_at.astimezone(datetime.UTC).isoformat()
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode())
        for attachment in self.attachments.order_by("id") if self.pk else ():
            digest.update(attachment.sha256.encode())
        return digest.hexdigest()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = (
                type(self)._base_manager.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            )
            if stored and any(stored[f] != getattr(self, f) for f in self.CONTENT_FIELDS):
                raise ImmutableRecordError("An archived communication cannot be altered.")
        else:
            self.content_sha256 = self.compute_hash()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("An archived communication cannot be deleted.")

    @property
    def is_unaltered(self) -> bool:
        """Whether the stored content still matches the hash taken when it was archived."""
        return self.content_sha256 == self.compute_hash()


class CommunicationAttachment(PracticeOwned):
    communication = models.ForeignKey(
        Communication, on_delete=models.PROTECT, related_name="attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableRecordError("An archived attachment cannot be altered.")
        self.sha256 = hashlib.sha256(bytes(self.data)).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("An archived attachment cannot be deleted.")


class RecordsSettings(PracticeOwned):
    """How long the practice keeps its books and records (SPEC, regulated practices:
    advisers about five years, broker-dealers six; the default is the longer)."""

    retention_years = models.PositiveSmallIntegerField(
        "retention period (years)",
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text="Archived communications are kept at least this long after they were produced.",
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice"], name="one_records_settings")]

    def __str__(self) -> str:
        return f"Records kept {self.retention_years} years"


class AuditEntry(PracticeOwned):
    """Who created, changed or deleted which row, when, and the values before and
    after. Written by the signal handlers in records/audit.py for every domain model;
    it names the object by label and id rather than by a foreign key, so it outlives
    the object."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    model_label = models.CharField(max_length=100)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["practice", "model_label", "object_id"], name="audit_object"),
            models.Index(fields=["practice", "-at"], name="audit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model_label} #{self.object_id}"


class ImportJob(PracticeOwned):
    """One uploaded file of people, from preview to the end of its run. The decoded
    text is kept so the run (in chunks, request after request, or in the worker) reads
    exactly what was previewed."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        VCARD = "vcard", "vCard"

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=Format.choices)
    encoding = models.CharField(max_length=20, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    text = models.TextField()
    mapping = models.JSONField(default=dict, blank=True)
    all_or_nothing = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEWED)
    total = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    #: rows that were not created, with their line and reason: [{line, outcome, name, reason}]
    problems = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    # progress is written every chunk; the audit trail would only repeat it
    audit_trail = False

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.filename}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.position / self.total))


class CalendarFeed(PracticeOwned):
    """A user's private iCalendar feed. The key travels in the URL (calendar apps
    cannot send headers), so only its SHA-256 is stored, as for API tokens."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key_prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user} ({self.key_prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class ErasureRecord(PracticeOwned):
    """That a person's data was erased, by whom and why, and what was kept because the
    records duty requires it. It names the person only by id: the name is gone."""

    person_id_erased = models.BigIntegerField("person id")
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=500)
    removed = models.JSONField(default=dict)
    kept = models.TextField()

    class Meta:
        ordering = ["-erased_at", "-id"]

    def __str__(self) -> str:
        return f"Erasure of person #{self.person_id_erased}"
