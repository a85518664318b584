import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

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
            models.Index(fields=["related_type", "related_id"], name="communication_related"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def compute_hash(self) -> str:
        content = {field: getattr(self, field) for field in self.CONTENT_FIELDS}
        content["produced_at"] = self.produced_at.isoformat()
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
