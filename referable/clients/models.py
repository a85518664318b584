"""Clients, the first two pillars (trust and the experience against stated expectations)
and the requests of the introduction ladder (SPEC.md §2–3, seeds 000, 001, 004)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referable.practices.models import PracticeOwned

DEFAULT_TIERS = ("Top", "A", "B", "C")


class Rating(models.TextChoices):
    BELOW = "below", "Below"
    MEETING = "meeting", "Meeting"
    EXCEEDING = "exceeding", "Exceeding"


class Answer(models.TextChoices):
    AGREED = "agreed", "Agreed"
    CONDITIONAL = "conditional", "Conditional (“let's see how it goes”)"
    DECLINED = "declined", "Declined"


class Method(models.TextChoices):
    LETTER = "letter", "Letter of introduction"
    CALL = "call", "Introductory phone call"
    LUNCH = "lunch", "Three-way lunch or coffee"


class Rung(models.TextChoices):
    EARN_TRUST = "earn_trust", "Earn first"
    ASK_RELATIONSHIP = "ask_relationship", "Ask for the relationship"
    SHARE_PROFILE = "share_profile", "Share the profile"
    INVITE_RECOMMENDATION = "invite_recommendation", "Invite a recommendation"
    PROPOSE_INTRODUCTION = "propose_introduction", "Propose an introduction"
    NONE = "none", "No ask now"


class ServiceTier(PracticeOwned):
    """The practice's own service levels (default Top, A, B, C)."""

    name = models.CharField(max_length=50)
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="tier_name_once_per_practice")
        ]

    def __str__(self) -> str:
        return self.name


class LadderSettings(PracticeOwned):
    """The guardrails of the ladder, one row per practice, created on first use."""

    class NegativePolicy(models.TextChoices):
        STRONGEST = "strongest", "Propose them with the strongest method (a three-way lunch)"
        SKIP = "skip", "Never propose them"

    trust_threshold = models.PositiveSmallIntegerField(
        "trust needed for any request",
        default=50,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="0–100. Below it, the next step is always to earn trust first.",
    )
    recommendation_trust = models.PositiveSmallIntegerField(
        "trust needed to invite a recommendation",
        default=60,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    introduction_trust = models.PositiveSmallIntegerField(
        "trust needed to propose an introduction",
        default=75,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cooldown_days = models.PositiveSmallIntegerField(
        "cool-down after a decline (days)",
        default=90,
        validators=[MinValueValidator(0), MaxValueValidator(3650)],
    )
    max_requests = models.PositiveSmallIntegerField(
        "at most this many requests per client",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    period_days = models.PositiveSmallIntegerField(
        "within this many days",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    negative_connections = models.CharField(
        "people the client has a negative relationship with",
        max_length=10,
        choices=NegativePolicy.choices,
        default=NegativePolicy.STRONGEST,
    )

    class Meta:
        verbose_name_plural = "ladder settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_ladder_settings_per_practice"),
            models.CheckConstraint(
                condition=Q(trust_threshold__lte=100)
                & Q(recommendation_trust__lte=100)
                & Q(introduction_trust__lte=100),
                name="ladder_thresholds_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return "Ladder settings"


class Client(PracticeOwned):
    """A person's engagement with the practice. ``rung``, ``trust_score`` and
    ``next_ask`` are the ladder's answer stored for the book; they are recomputed by
    every service that changes an input, marked stale by changes to people and
    connections, and refreshed at least daily (see ``services.refresh_ladder``)."""

    class Stage(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        FORMER = "former", "Former client"

    person = models.OneToOneField("people.Person", on_delete=models.CASCADE, related_name="client")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # RESTRICT, not PROTECT: a user with clients cannot be deleted on their own, but a
        # whole practice (users and clients together) can
        on_delete=models.RESTRICT,
        related_name="+",
        help_text="The professional responsible for this client.",
    )
    start_date = models.DateField(default=timezone.localdate)
    tier = models.ForeignKey(ServiceTier, on_delete=models.RESTRICT, related_name="clients")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.ONBOARDING)

    rung = models.CharField(max_length=30, choices=Rung.choices, default=Rung.EARN_TRUST)
    trust_score = models.PositiveSmallIntegerField(default=0)
    next_ask = models.JSONField(default=dict, blank=True, editable=False)
    rung_computed_on = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["person__sort_name", "id"]
        indexes = [
            models.Index(fields=["practice", "owner", "rung"], name="client_book"),
            models.Index(fields=["practice", "rung"], name="client_rung"),
            models.Index(fields=["practice", "rung_computed_on"], name="client_staleness"),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def reasons(self) -> list[str]:
        return list(self.next_ask.get("reasons", []))


class Expectation(PracticeOwned):
    """What the client said they expect, in their own words (seed 001: ask, never guess).
    ``latest_rating`` mirrors the newest check-in rating of it, kept by the services."""

    class Category(models.TextChoices):
        RESPONSIVENESS = "responsiveness", "Responsiveness"
        COMMUNICATION = "communication", "Communication"
        REPORTING = "reporting", "Reporting"
        REVIEWS = "reviews", "Reviews and meetings"
        RESULTS = "results", "Results"
        FEES = "fees", "Fees"
        OTHER = "other", "Other"

    class Priority(models.IntegerChoices):
        HIGH = 1, "High"
        MEDIUM = 2, "Medium"
        LOW = 3, "Low"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="expectations")
    text = models.CharField("in their words", max_length=300)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.OTHER)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    asked_on = models.DateField("when we asked", default=timezone.localdate)
    latest_rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    latest_rated_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["priority", "id"]
        # the scope filters on practice too: lead with it, or SQLite scans the practice
        indexes = [models.Index(fields=["practice", "client"], name="expectation_client")]

    def __str__(self) -> str:
        return self.text


class CheckIn(PracticeOwned):
    """“Are we meeting or exceeding your expectations?” — asked, answered, recorded."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        EMAIL = "email", "E-mail"
        EVENT = "event", "At an event"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField("date", default=timezone.localdate)
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PHONE)
    overall = models.CharField(
        "their overall answer",
        max_length=10,
        choices=Rating.choices,
        help_text="“Are we meeting or exceeding your expectations?”",
    )
    notes = models.TextField(blank=True, max_length=5000)
    introductions_discussed = models.BooleanField("introductions came up", default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["client", "-held_on"], name="checkin_client_date"),
            models.Index(fields=["practice", "client", "held_on"], name="checkin_scoped_client"),
        ]

    def __str__(self) -> str:
        return f"Check-in on {self.held_on}"


class ExpectationRating(PracticeOwned):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="ratings")
    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="ratings")
    rating = models.CharField(max_length=10, choices=Rating.choices)

    class Meta:
        ordering = ["expectation__priority", "expectation_id"]
        indexes = [
            models.Index(fields=["practice", "check_in"], name="rating_check_in"),
            models.Index(fields=["practice", "expectation"], name="rating_expectation"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "expectation"], name="one_rating_per_expectation_per_check_in"
            )
        ]


class TrustRating(PracticeOwned):
    """The professional's own reading of how much the client trusts them, over time."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="trust_ratings")
    rated_on = models.DateField(default=timezone.localdate)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = wary, 3 = some trust, 5 = complete trust.",
    )
    notes = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-rated_on", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="trustrating_client")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="trust_rating_1_to_5"
            )
        ]


class Script(PracticeOwned):
    """The practice's words for each request. Client-facing: says “introduction”, never
    “referral”, and never corners (“who do you know…”)."""

    class Purpose(models.TextChoices):
        RELATIONSHIP = "relationship", "Asking for the relationship (at the close)"
        CHECK_IN = "check_in", "Check-in"
        PROFILE = "profile", "Sharing the profile"
        RECOMMENDATION = "recommendation", "Inviting a recommendation"
        INTRODUCTION = "introduction", "Proposing an introduction"

    name = models.CharField(max_length=100)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    text = models.TextField(max_length=5000)
    is_default = models.BooleanField(
        "the default for its purpose",
        default=False,
        help_text="The ladder suggests the default script of each purpose.",
    )

    class Meta:
        ordering = ["purpose", "-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "purpose"],
                condition=Q(is_default=True),
                name="one_default_script_per_purpose",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RelationshipAgreement(PracticeOwned):
    """The referral-based relationship asked for at the close of the sale (seed 004)."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="agreements")
    asked_on = models.DateField(default=timezone.localdate)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    script = models.ForeignKey(
        Script, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(max_length=12, choices=Answer.choices)
    notes = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="agreement_client")]


class IntroductionProfile(PracticeOwned):
    """The people the practice would like to meet (seed 004: share the profile and the
    position or title of the people you would like to be introduced to)."""

    name = models.CharField(max_length=100)
    positions = models.TextField(
        "positions and titles", max_length=2000, help_text="One per line, e.g. Controller."
    )
    industries = models.TextField(max_length=2000, blank=True, help_text="One per line.")
    traits = models.TextField(max_length=2000, blank=True, help_text="One per line.")
    why = models.TextField("why we would like to meet them", max_length=2000)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-active", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def _lines(value: str) -> list[str]:
        return [line.strip() for line in value.splitlines() if line.strip()]

    @property
    def position_list(self) -> list[str]:
        return self._lines(self.positions)

    @property
    def industry_list(self) -> list[str]:
        return self._lines(self.industries)

    @property
    def trait_list(self) -> list[str]:
        return self._lines(self.traits)


class ProfileShare(PracticeOwned):
    class How(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        LETTER = "letter", "Printed copy"
        EVENT = "event", "At an event"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="profile_shares")
    profile = models.ForeignKey(
        IntroductionProfile, on_delete=models.CASCADE, related_name="shares"
    )
    shared_on = models.DateField(default=timezone.localdate)
    how = models.CharField(max_length=20, choices=How.choices, default=How.IN_PERSON)
    notes = models.CharField(max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-shared_on", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="share_client")]


class Ask(PracticeOwned):
    """A later request of the ladder actually made: inviting a recommendation, or
    proposing an introduction to a named connection by a given method."""

    class Kind(models.TextChoices):
        RECOMMENDATION = "recommendation", "Invited a recommendation"
        INTRODUCTION = "introduction", "Proposed an introduction"

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="asks")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    asked_on = models.DateField(default=timezone.localdate)
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="introduction to",
    )
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    answer = models.CharField(max_length=12, choices=Answer.choices)
    notes = models.CharField(max_length=1000, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-asked_on", "-id"]
        indexes = [models.Index(fields=["practice", "client"], name="ask_client")]
