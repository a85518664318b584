"""Appreciation events (SPEC §7, seed 002): going above and beyond for the best clients
is where most introductions are born. An event, who was invited and how, their
answers, who came, the guests each client brought, what it cost, and the
introductions that followed it."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from referable.practices.models import PracticeOwned


class EventSettings(PracticeOwned):
    """One row per practice, created on first use."""

    attribution_window_days = models.PositiveSmallIntegerField(
        "introductions count for an event within (days)",
        default=180,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text="A referral whose referrer attended, or whose prospect was a guest, "
        "within this many days after the event is proposed as born there.",
    )

    class Meta:
        verbose_name_plural = "event settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_event_settings_per_practice")
        ]

    def __str__(self) -> str:
        return "Event settings"


class Event(PracticeOwned):
    class Kind(models.TextChoices):
        WINE_TASTING = "wine_tasting", "Wine tasting"
        DINNER = "dinner", "Dinner"
        CINEMA = "cinema", "Cinema"
        SEMINAR = "seminar", "Seminar"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DINNER)
    starts_at = models.DateTimeField("starts")
    ends_at = models.DateTimeField("ends")
    venue = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True, max_length=5000)
    budget = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    actual_cost = models.DecimalField(
        "actual cost",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(max_length=3, default="USD")
    capacity = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Places, guests included. Leave blank for no limit.",
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who the invitations come from.",
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE")

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["practice", "starts_at"], name="event_when")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="event_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(actual_cost__isnull=True) | Q(actual_cost__gte=0),
                name="event_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="event_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def uid(self) -> str:
        return f"event-{self.pk}@referable"

    @property
    def cost(self):
        """What it cost, or what it was budgeted to cost until the bills are in."""
        return self.actual_cost if self.actual_cost is not None else self.budget

    def is_past(self, now=None) -> bool:
        return self.ends_at < (now or timezone.now())

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at


class Invitation(PracticeOwned):
    """One person invited to one event, how they were chosen, their answer, whether
    they came; a guest's invitation names the client who brought them."""

    class Answer(models.TextChoices):
        NONE = "none", "No answer yet"
        YES = "yes", "Yes"
        NO = "no", "No"
        MAYBE = "maybe", "Maybe"

    class Method(models.TextChoices):
        TIER = "tier", "By service tier"
        RUNG = "rung", "By ladder rung"
        HAND_PICK = "hand_pick", "Hand-picked"
        GUEST = "guest", "Guest of an invitee"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="invitations"
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=Method.HAND_PICK)
    answer = models.CharField(max_length=10, choices=Answer.choices, default=Answer.NONE)
    answered_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(default=False)
    arrived_at = models.DateTimeField(null=True, blank=True)
    brought_by = models.ForeignKey(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a guest: the invitee who brought them.",
    )
    sent_at = models.DateTimeField("invitation e-mailed", null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # denormalized for the check-in list at the door (ordered by name, searched by it)
    sort_name = models.CharField(max_length=210, default="", editable=False)

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(fields=["event", "sort_name", "id"], name="invitation_list"),
            models.Index(fields=["practice", "person"], name="invitation_person"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_invitation_per_person"),
            models.CheckConstraint(
                condition=~Q(brought_by=F("person")), name="guest_not_brought_by_themselves"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.event}"

    @property
    def is_guest(self) -> bool:
        return self.brought_by_id is not None

    @property
    def takes_a_place(self) -> bool:
        return self.answer != self.Answer.NO


class EventAttribution(PracticeOwned):
    """An introduction born at an event: set by hand, or proposed by the rule
    (attribution.py) and confirmed by the professional."""

    class How(models.TextChoices):
        MANUAL = "manual", "Set by hand"
        PROPOSED = "proposed", "Proposed"

    referral = models.OneToOneField(
        "introductions.Referral", on_delete=models.CASCADE, related_name="event_attribution"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attributions")
    how = models.CharField(max_length=10, choices=How.choices, default=How.MANUAL)
    reason = models.CharField(max_length=300, blank=True)
    confirmed = models.BooleanField(default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    dismissed = models.BooleanField(
        default=False, help_text="A proposal the professional turned down; never proposed again."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "confirmed"], name="attribution_event")]

    def __str__(self) -> str:
        return f"{self.referral} born at {self.event}"
