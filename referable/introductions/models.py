"""Referrals and introductions, their stages, the feedback owed to referrers, letters of
introduction, the calls they promise, and the settings of a regulated practice.

Rules that span rows (moving a stage, signing a letter, paying a debt) live in
services.py; the same-day clock and the language coach are pure modules."""

from datetime import time, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referable.practices.models import PracticeOwned


class ImmutableVersionError(Exception):
    """A frozen letter version was about to be changed or deleted."""


class PipelineSettings(PracticeOwned):
    """How fast first contact is due (seed 003: call every referral the same day), in
    the practice's own time zone and working hours. One row per practice."""

    class Policy(models.TextChoices):
        SAME_DAY = "same_day", "The same working day"
        HOURS = "hours", "Within a number of working hours"
        BUSINESS_DAYS = "business_days", "Within a number of working days"

    policy = models.CharField(max_length=20, choices=Policy.choices, default=Policy.SAME_DAY)
    amount = models.PositiveSmallIntegerField(
        "hours or days",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text="For the hours or working-days policies.",
    )
    day_starts = models.TimeField("working day starts", default=time(9, 0))
    day_ends = models.TimeField("working day ends", default=time(17, 30))
    working_days = models.CharField(
        max_length=7,
        default="01234",
        help_text="Days of the week worked: 0 = Monday … 6 = Sunday.",
    )
    call_grace_minutes = models.PositiveSmallIntegerField(
        "grace after a promised call (minutes)",
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    alert_minutes_before_due = models.PositiveSmallIntegerField(
        "warn before first contact is late (minutes)", default=60
    )
    reminder_minutes_before_call = models.PositiveSmallIntegerField(
        "remind before a promised call (minutes)", default=15
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_pipeline_settings_per_practice"),
            models.CheckConstraint(
                condition=Q(day_starts__lt=models.F("day_ends")),
                name="workday_starts_before_it_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"Pipeline settings of practice {self.practice_id}"


DEFAULT_DISCLOSURE = (
    "{referrer_name} was asked by {practice_name} whether they would make this "
    "introduction. {referrer_name} is {referrer_status} of {practice_name} and receives "
    "no payment for it. Their view may differ from that of other clients."
)
DEFAULT_PRIVACY_NOTICE = (
    "We received your name and contact details from {referrer_name}, who thought we "
    "might be useful to you. We hold them only to arrange this first conversation; tell "
    "us at any time and we will delete them and not contact you again."
)


class ComplianceSettings(PracticeOwned):
    """What a regulated practice must do before anything reaches a client or prospect."""

    require_review = models.BooleanField(
        "letters and e-mails wait for a compliance reviewer's approval", default=False
    )
    disclosure_text = models.TextField(
        "disclosure for testimonials and endorsements",
        default=DEFAULT_DISCLOSURE,
        max_length=3000,
        help_text="Placed in a letter when the practice asked for the introduction. "
        "Placeholders: {referrer_name}, {practice_name}, {referrer_status}.",
    )
    privacy_notice_text = models.TextField(
        "privacy notice at first contact",
        default=DEFAULT_PRIVACY_NOTICE,
        max_length=3000,
        help_text="Told to a prospect whose details came from someone else. "
        "Placeholders: {referrer_name}, {practice_name}.",
    )
    privacy_notice_days = models.PositiveSmallIntegerField(
        "days allowed for the privacy notice",
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="GDPR art. 14: within a month at the latest.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice"], name="one_compliance_settings_per_practice"
            )
        ]

    def __str__(self) -> str:
        return f"Compliance settings of practice {self.practice_id}"


class Stage(models.TextChoices):
    RECEIVED = "received", "Received"
    CONTACTED = "contacted", "Contacted"
    MEETING_SET = "meeting_set", "Meeting set"
    MET = "met", "Met"
    ENGAGED = "engaged", "Engaged"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    NO_RESPONSE = "no_response", "No response"


class Method(models.TextChoices):
    LETTER = "letter", "Letter of introduction"
    INTRODUCTORY_CALL = "introductory_call", "Introductory phone call"
    THREE_WAY_MEETING = "three_way_meeting", "Three-way lunch or coffee"
    EMAIL_INTRODUCTION = "email_introduction", "E-mail introduction"


class Referral(PracticeOwned):
    """Someone put a prospect in touch with the practice (SPEC §4)."""

    class ReferrerKind(models.TextChoices):
        CLIENT = "client", "Client"
        PARTNER = "partner", "Referral partner"
        OTHER = "other", "Someone else"

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Recommendation (passed our name on)"
        INTRODUCTION = "introduction", "Introduction (introduced us directly)"

    class Source(models.TextChoices):
        DIRECT = "direct", "Came from the referrer directly"
        EVENT = "event", "Born at an event"
        PROFILE = "profile", "Matched a shared introduction profile"
        PARTNER = "partner", "Sent by a referral partner"

    Stage = Stage
    Method = Method

    referrer = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_given"
    )
    referrer_kind = models.CharField(max_length=10, choices=ReferrerKind.choices)
    prospect = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="referrals_received"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTRODUCTION)
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.LETTER)
    connection = models.ForeignKey(
        "people.Connection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="How the referrer and the prospect know each other.",
    )
    approach = models.CharField(max_length=300, blank=True)
    suggested_method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    reason = models.TextField("reason given", blank=True, max_length=5000)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DIRECT)
    source_detail = models.CharField(max_length=300, blank=True)
    source_profile = models.ForeignKey(
        "clients.IntroductionProfile",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="introduction profile it matched",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The professional who follows it up.",
    )
    solicited = models.BooleanField(
        "the practice asked for it",
        default=False,
        help_text="A solicited introduction is a testimonial or endorsement: a disclosure is due.",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.RECEIVED)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    received_at = models.DateTimeField(default=timezone.now)
    first_contact_due_at = models.DateTimeField()
    first_contacted_at = models.DateTimeField(null=True, blank=True)
    contacted_late = models.BooleanField(default=False)
    value = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, help_text="When engaged."
    )
    currency = models.CharField(max_length=3, default="USD")
    first_contact_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    privacy_notice_due = models.BooleanField(
        default=True, help_text="The prospect's details came from someone else."
    )
    privacy_notice_given_at = models.DateTimeField(null=True, blank=True)
    privacy_notice_how = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True, max_length=10000)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["practice", "owner", "stage", "-received_at"], name="referral_board"
            ),
            models.Index(fields=["practice", "-received_at"], name="referral_recent"),
            models.Index(fields=["practice", "referrer"], name="referral_by_referrer"),
            # covering for the partner scorecard: each partner's referrals in a period,
            # with their stage and value, read from the index alone
            models.Index(
                fields=["practice", "referrer", "received_at", "stage", "value"],
                name="referral_ledger",
            ),
            # insight: a month changed since its summary is read by when stages moved
            models.Index(
                fields=["practice", "stage", "stage_changed_at"], name="referral_stage_changed"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(referrer=models.F("prospect")), name="referrer_is_not_prospect"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="referral_value_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prospect} from {self.referrer}"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    def first_contact_overdue(self, now=None) -> bool:
        """Late already, or still waiting and past the due time."""
        if self.first_contacted_at is not None:
            return self.contacted_late
        return (now or timezone.now()) > self.first_contact_due_at

    @property
    def time_to_first_contact(self):
        if self.first_contacted_at is None:
            return None
        return self.first_contacted_at - self.received_at

    def privacy_notice_overdue(self, days: int = 30, now=None) -> bool:
        if not self.privacy_notice_due or self.privacy_notice_given_at is not None:
            return False
        return (now or timezone.now()) - self.received_at > timedelta(days=days)


OPEN_STAGES = (Stage.RECEIVED, Stage.CONTACTED, Stage.MEETING_SET, Stage.MET)
OUTCOME_STAGES = (Stage.ENGAGED, Stage.NOT_A_FIT, Stage.NO_RESPONSE)
#: position on the way forward; the three outcomes share the last place
STAGE_RANK = {
    Stage.RECEIVED: 0,
    Stage.CONTACTED: 1,
    Stage.MEETING_SET: 2,
    Stage.MET: 3,
    Stage.ENGAGED: 4,
    Stage.NOT_A_FIT: 4,
    Stage.NO_RESPONSE: 4,
}


class StageChange(PracticeOwned):
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="stage_changes")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage or 'new'} → {self.to_stage}"


class FeedbackDebt(PracticeOwned):
    """What the practice owes a referrer: news at each outcome, and one thank-you
    (seed 003: the referrer always hears what came of it, even when nothing did)."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", "Feedback"
        THANK_YOU = "thank_you", "Thank-you"

    class PaidHow(models.TextChoices):
        NOTE = "note", "Told them (note logged)"
        EMAIL = "email", "E-mail sent"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="debts")
    referrer = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    owed_since = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_how = models.CharField(max_length=10, choices=PaidHow.choices, blank=True)
    note = models.TextField(blank=True, max_length=5000)
    # the referral's owner, kept in step with it (services.update_referral): Today counts
    # a professional's open debts from their own index, not by joining the firm's referrals
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
    )

    class Meta:
        ordering = ["owed_since", "id"]
        indexes = [
            models.Index(fields=["practice", "referrer", "paid_at"], name="debt_by_referrer"),
            # without the practice first, so that the board's lookup of open debts by
            # referral is not drawn to it by "practice = … AND paid_at IS NULL"
            models.Index(
                fields=["owner", "owed_since"],
                condition=models.Q(paid_at__isnull=True),
                name="debt_open_by_owner",
            ),
            models.Index(fields=["referral", "paid_at"], name="debt_open_by_referral"),
            # insight: the debts of a month, by when they became owed
            models.Index(fields=["practice", "owed_since"], name="debt_owed_since"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["referral", "kind", "outcome"], name="one_debt_per_outcome"
            )
        ]

    def __str__(self) -> str:
        what = self.get_kind_display()
        if self.outcome:
            what += f" ({self.get_outcome_display().lower()})"
        return f"{what} owed to {self.referrer}"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class LetterTemplate(PracticeOwned):
    name = models.CharField(max_length=120)
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice"],
                condition=Q(is_default=True),
                name="one_default_letter_template",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Letter(PracticeOwned):
    """A letter of introduction the professional drafts for the client's signature
    (seed 001). The working copy is ``subject``/``body``; every copy sent for
    signature or signed is frozen in a LetterVersion."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_SIGNATURE = "awaiting_signature", "Awaiting signature"
        SIGNED = "signed", "Signed"
        DELIVERED = "delivered", "Delivered"

    class DeliveredHow(models.TextChoices):
        EMAIL = "email", "E-mailed to the prospect"
        POST = "post", "Posted"
        BY_CLIENT = "by_client", "The client sent it"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="letters")
    template = models.ForeignKey(
        LetterTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    what_we_did = models.TextField("what we did for the client", max_length=3000)
    why_meet = models.TextField("why meeting is worthwhile", max_length=3000)
    call_at = models.DateTimeField("the call is at")
    subject = models.CharField(max_length=200)
    body = models.TextField(max_length=20000)
    disclosure = models.TextField(blank=True, max_length=3000)
    prospect_address = models.TextField("prospect's postal address", blank=True, max_length=500)
    version = models.PositiveIntegerField(default=1)
    signed_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    delivered_how = models.CharField(max_length=10, choices=DeliveredHow.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["practice", "state"], name="letter_state")]

    def __str__(self) -> str:
        return f"Letter introducing us to {self.referral.prospect}"

    @property
    def is_frozen(self) -> bool:
        return self.state in (self.State.SIGNED, self.State.DELIVERED)


class LetterVersion(PracticeOwned):
    """A copy of a letter exactly as it went out for signature or was signed. Never
    changed, never deleted (books and records)."""

    class Event(models.TextChoices):
        SENT_FOR_SIGNATURE = "sent_for_signature", "Sent for signature"
        SIGNED = "signed", "Signed"

    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    event = models.CharField(max_length=20, choices=Event.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    call_at = models.DateTimeField()
    frozen_at = models.DateTimeField(default=timezone.now)
    communication = models.ForeignKey(
        "records.Communication", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number", "frozen_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["letter", "number", "event"], name="one_version_per_event"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number} ({self.get_event_display().lower()})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ImmutableVersionError("A frozen letter version cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableVersionError("A frozen letter version cannot be deleted.")


class ScheduledCall(PracticeOwned):
    """A call or meeting at a stated minute: the promise a signed letter makes."""

    class Kind(models.TextChoices):
        EXACT_TIME_CALL = "exact_time_call", "Call at the exact time promised"
        INTRODUCTORY_CALL = "introductory_call", "Introductory call by the client"
        THREE_WAY_MEETING = "three_way_meeting", "Three-way lunch or coffee"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        KEPT = "kept", "Kept"
        MISSED = "missed", "Promise missed"
        CANCELLED = "cancelled", "Cancelled"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="calls")
    letter = models.ForeignKey(
        Letter, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(max_length=300, blank=True)
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    grace_minutes = models.PositiveSmallIntegerField(default=15)
    called_at = models.DateTimeField(null=True, blank=True)
    logged_at = models.DateTimeField(null=True, blank=True)
    outcome_note = models.TextField(blank=True, max_length=5000)
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")
    reminded_sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["practice", "status", "at"], name="call_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.referral.prospect}"

    @property
    def uid(self) -> str:
        return f"call-{self.pk}@referable"

    @property
    def deadline(self):
        return self.at + timedelta(minutes=self.grace_minutes)

    def is_missed(self, now=None) -> bool:
        if self.status == self.Status.MISSED:
            return True
        return self.status == self.Status.SCHEDULED and (now or timezone.now()) > self.deadline


class CoachRule(PracticeOwned):
    """A practice's own addition to the language coach."""

    phrase = models.CharField(max_length=200, help_text="Flagged wherever it appears.")
    suggestion = models.CharField(max_length=300)
    explanation = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["phrase", "id"]

    def __str__(self) -> str:
        return self.phrase


class HeldEmail(PracticeOwned):
    """An e-mail to a client or prospect waiting for the compliance reviewer."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved and sent"
        REJECTED = "rejected", "Rejected"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="held_emails")
    letter = models.ForeignKey(
        Letter, on_delete=models.CASCADE, null=True, blank=True, related_name="held_emails"
    )
    debt = models.ForeignKey(
        FeedbackDebt, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=30)
    kind = models.CharField(max_length=20, default="email")
    to = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    text = models.TextField()
    attachment_name = models.CharField(max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_data = models.BinaryField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["practice", "state"], name="held_email_state")]

    def __str__(self) -> str:
        return self.subject


class ReviewRecord(PracticeOwned):
    """Evidence of review: who reviewed what, when, and what they did (SPEC, books and
    records)."""

    class Action(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    #: kept as it was, so the evidence outlives the reviewer's account
    reviewer_name = models.CharField(max_length=300, blank=True)
    item_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    item_id = models.BigIntegerField()
    item = GenericForeignKey("item_type", "item_id")
    item_label = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, choices=Action.choices)
    comment = models.TextField(blank=True, max_length=3000)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.item_label}"


class DisclosureRecord(PracticeOwned):
    """A testimonial or endorsement disclosure given (SEC marketing rule 206(4)-1)."""

    class Kind(models.TextChoices):
        TESTIMONIAL = "testimonial", "Testimonial (from a client)"
        ENDORSEMENT = "endorsement", "Endorsement (from someone else)"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="disclosures")
    letter = models.ForeignKey(
        Letter, on_delete=models.SET_NULL, null=True, blank=True, related_name="disclosures"
    )
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    text = models.TextField()
    given_at = models.DateTimeField(default=timezone.now)
    how = models.CharField(max_length=100)

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} disclosure to {self.referral.prospect}"
