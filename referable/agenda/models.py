"""The practice's process, the cadence of touches per service tier, manual tasks, the
state of agenda items (snoozed, done, reassigned) and the daily digest (SPEC.md §8–9).

The agenda itself is not stored: it is computed from every area's data on each read
(see sources.py and queries.py). Only what a user decided about an item is kept, under
the item's stable key."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referable.agenda import cadence
from referable.practices.models import PracticeOwned


class ProcessStep(PracticeOwned):
    """One step of the practice's own referral process, in order (seed 000: be
    process-driven). A step with an ``evidence`` rule ticks itself for each client when
    the other areas' data shows it happened; the others are ticked by hand. A step is
    archived, never deleted, so the clients who went through it keep their history."""

    class Evidence(models.TextChoices):
        NONE = "", "Ticked by hand"
        EXPECTATIONS_RECORDED = "expectations_recorded", "Their expectations are recorded"
        CHECKIN_DONE = "checkin_done", "A check-in is recorded"
        AGREEMENT_ASKED = "agreement_asked", "The relationship was asked for"
        PROFILE_SHARED = "profile_shared", "The introduction profile was shared"
        EVENT_INVITED = "event_invited", "They were invited to an event"
        INTRODUCTION_RECEIVED = "introduction_received", "They made an introduction"
        LOOP_CLOSED = "loop_closed", "They were thanked for an introduction"

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    evidence = models.CharField(
        "ticks itself when",
        max_length=30,
        choices=Evidence.choices,
        blank=True,
        help_text="Leave on “ticked by hand” for steps the system cannot see.",
    )
    archived_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["practice", "archived_at", "position"], name="step_order")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class StepCompletion(PracticeOwned):
    """A step ticked by hand for one client. Kept when the step is archived."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="step_completions"
    )
    step = models.ForeignKey(ProcessStep, on_delete=models.RESTRICT, related_name="completions")
    done_on = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["step__position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "step"], name="one_completion_per_step")
        ]


class TouchRule(PracticeOwned):
    """One rhythm of a service tier: a touch of ``kind`` every ``every_days`` days
    (seed 000: a steady cadence keeps the introduction expectation top of mind)."""

    tier = models.ForeignKey("clients.ServiceTier", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=cadence.RULE_CHOICES)
    every_days = models.PositiveSmallIntegerField(
        "every (days)",
        validators=[MinValueValidator(1), MaxValueValidator(1830)],
        help_text="e.g. 90 for a review every quarter.",
    )

    class Meta:
        ordering = ["tier__position", "tier_id", "every_days", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "kind"], name="one_rule_per_kind_per_tier"),
            models.CheckConstraint(
                condition=Q(every_days__gte=1) & Q(every_days__lte=1830),
                name="touch_every_1_to_1830_days",
            ),
        ]

    def __str__(self) -> str:
        return f"{cadence.RULE_LABELS[self.kind]} every {self.every_days} days"


class Touch(PracticeOwned):
    """A contact with a client logged from Today or the API: a call, a meeting, an
    e-mail, an event… Check-ins, e-mails sent through the outbox and events attended
    count as touches too without being copied here (see queries.last_touches)."""

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="touches")
    kind = models.CharField(max_length=20, choices=cadence.TOUCH_CHOICES)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["client", "kind", "-at"], name="touch_latest")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.client_id} at {self.at:%Y-%m-%d %H:%M}"


class Task(PracticeOwned):
    """Something to do that no other area knows about, with a day (and maybe a time)."""

    title = models.CharField(max_length=200)
    due_on = models.DateField("due on")
    due_time = models.TimeField("at", null=True, blank=True, help_text="Optional.")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.RESTRICT, related_name="agenda_tasks"
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="about client",
    )
    notes = models.TextField(blank=True, max_length=3000)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "due_time", "id"]
        indexes = [
            models.Index(fields=["practice", "assignee", "done_at", "due_on"], name="task_due")
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItemState(PracticeOwned):
    """What a user decided about an item derived from another area (a referral to call,
    a touch due…): done, snoozed until a day, or handed to a colleague. Keyed by the
    item's stable key (see sources.py), which names the occurrence: a touch due on
    another day is another item."""

    key = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose agenda the item came from.",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    snoozed_until = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "key"], name="one_state_per_item")
        ]
        indexes = [
            models.Index(fields=["practice", "owner"], name="item_state_owner"),
            models.Index(fields=["practice", "assignee"], name="item_state_assignee"),
        ]

    def __str__(self) -> str:
        return self.key


class DigestPreference(PracticeOwned):
    """A user's daily digest: on or off, and the hour of their morning it arrives."""

    DEFAULT_HOUR = 7

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_preference"
    )
    enabled = models.BooleanField("send me the daily digest", default=True)
    hour = models.PositiveSmallIntegerField(
        "at (hour of my morning)",
        default=DEFAULT_HOUR,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="In your own time zone (or the practice's when you have none).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(hour__gte=0, hour__lte=23), name="digest_hour_0_23")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.user_id} at {self.hour}:00"


class DigestDelivery(PracticeOwned):
    """One day's digest of one user, and the e-mail that carries it: its state (queued,
    sent, failed and retrying, given up) is read from the outbox, never guessed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    email = models.ForeignKey(
        "outbox.OutgoingEmail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.user_id} for {self.day}"
