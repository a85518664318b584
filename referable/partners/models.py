"""Referral partners (SPEC §6, seed 003): the attorney, the CPA, the planner. Their
profile and agreed terms, the referrals the practice sends them, gifts and fees to
or from anyone, and the lunches that keep each relationship up.

Referrals *received* from a partner are ``introductions.Referral`` rows whose referrer
is the partner's person; the two-way ledger (ledger.py) reads both directions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from referable.practices.models import PracticeOwned

#: The SEC marketing rule (206(4)-1) treats compensation of a promoter of $1,000 or
#: less over the preceding twelve months as de minimis; above it a written agreement is
#: needed. Issue 5 makes that limit the default; a broker-dealer bound by FINRA rule
#: 3220 ($100 a person a year) sets its own.
DEFAULT_GIFT_THRESHOLD = Decimal("1000.00")


class PartnerSettings(PracticeOwned):
    """The practice's partner rules, one row per practice, created on first use."""

    gift_threshold = models.DecimalField(
        "warn when gifts and fees to one person reach",
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_GIFT_THRESHOLD,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=(
            "Total given to one person over the last twelve months. The SEC marketing "
            "rule needs a written agreement to compensate a promoter beyond a de minimis "
            "amount ($1,000 in twelve months); FINRA rule 3220 caps gifts at $100 a "
            "person a year. The default warns at $1,000; set your compliance officer's figure."
        ),
    )
    currency = models.CharField(max_length=3, default="USD")
    default_cadence_days = models.PositiveSmallIntegerField(
        "default meeting cadence (days)",
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="How often to meet a new partner, e.g. lunch every 90 days.",
    )

    class Meta:
        verbose_name_plural = "partner settings"
        constraints = [
            models.UniqueConstraint(fields=["practice"], name="one_partner_settings_per_practice"),
            models.CheckConstraint(
                condition=Q(gift_threshold__gte=0), name="gift_threshold_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return "Partner settings"


class Profession(models.TextChoices):
    ATTORNEY = "attorney", "Attorney"
    ACCOUNTANT = "accountant", "Accountant (CPA)"
    FINANCIAL_PLANNER = "financial_planner", "Financial planner"
    INSURANCE = "insurance", "Insurance agent"
    BANKER = "banker", "Banker"
    REAL_ESTATE = "real_estate", "Real-estate agent"
    CONSULTANT = "consultant", "Consultant"
    OTHER = "other", "Other"


class PartnerProfile(PracticeOwned):
    """A person who is a referral partner, with what they do, what a good referral is
    for them, and the terms both sides agreed (seed 003: set expectations up front)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="partner_profile"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)
    firm = models.CharField(max_length=200, blank=True)
    niche = models.CharField(
        max_length=300, blank=True, help_text="e.g. estate planning for business owners"
    )
    good_referral = models.TextField(
        "what makes a good referral for them",
        blank=True,
        max_length=5000,
        help_text="In their words: ask them (seed 003).",
    )
    criteria_industries = models.CharField(
        "industries they serve",
        max_length=500,
        blank=True,
        help_text="Comma-separated, e.g. dentistry, construction.",
    )
    criteria_client_size = models.CharField(
        "client size", max_length=200, blank=True, help_text="e.g. estates over $2M"
    )
    criteria_needs = models.CharField(
        "needs they meet",
        max_length=500,
        blank=True,
        help_text="Comma-separated, e.g. trusts, succession, probate.",
    )

    same_day_response = models.BooleanField("they call every referral the same day", default=False)
    same_day_response_on = models.DateField("agreed on", null=True, blank=True)
    feedback_every_referral = models.BooleanField(
        "feedback on every referral, both ways", default=False
    )
    feedback_every_referral_on = models.DateField("agreed on", null=True, blank=True)
    reciprocity = models.BooleanField("reciprocity (no volume promised)", default=False)
    reciprocity_on = models.DateField("agreed on", null=True, blank=True)
    other_terms = models.TextField("other terms", blank=True, max_length=3000)
    other_terms_on = models.DateField("agreed on", null=True, blank=True)

    fee_or_compensation = models.BooleanField(
        "a fee or other compensation flows for referrals", default=False
    )
    fee_description = models.CharField("fee or compensation", max_length=300, blank=True)
    clients_told = models.BooleanField(
        "clients are told about the arrangement",
        default=False,
        help_text="Lawyers must tell clients of a reciprocal referral arrangement; "
        "accountants disclose referral fees.",
    )
    not_exclusive = models.BooleanField(
        "the arrangement is not exclusive",
        default=True,
        help_text="Lawyers' reciprocal referral arrangements may not be exclusive.",
    )
    cadence_days = models.PositiveSmallIntegerField(
        "meet every (days)",
        default=90,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="e.g. lunch every 90 days.",
    )
    since = models.DateField("partner since", default=timezone.localdate)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The professional who keeps up this relationship.",
    )

    class Meta:
        ordering = ["person__sort_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=7) & Q(cadence_days__lte=730),
                name="partner_cadence_7_to_730_days",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)


class CompensationAgreement(PracticeOwned):
    """A written agreement with a person the practice compensates for referrals (the
    SEC marketing rule requires one above the de minimis amount)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="compensation_agreement"
    )
    signed_on = models.DateField()
    description = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Written agreement with {self.person} ({self.signed_on})"


class Gift(PracticeOwned):
    """A thank-you gift or referral fee, given to or received from anyone."""

    class Direction(models.TextChoices):
        GIVEN = "given", "Given by us"
        RECEIVED = "received", "Received by us"

    class Kind(models.TextChoices):
        GIFT = "gift", "Thank-you gift"
        REFERRAL_FEE = "referral_fee", "Referral fee"
        OTHER = "other", "Other compensation"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="gifts")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.GIVEN)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GIFT)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    given_on = models.DateField("date", default=timezone.localdate)
    description = models.CharField(max_length=300)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["practice", "person", "given_on"], name="gift_by_person")]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="gift_value_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} {self.currency} ({self.person})"


class OutboundStage(models.TextChoices):
    SENT = "sent", "Sent"
    CONTACTED = "contacted", "Contacted"
    MET = "met", "Met"
    ENGAGED = "engaged", "Engaged"
    NOT_A_FIT = "not_a_fit", "Not a fit"
    NO_RESPONSE = "no_response", "No response"


OUTBOUND_OPEN = (OutboundStage.SENT, OutboundStage.CONTACTED, OutboundStage.MET)
OUTBOUND_OUTCOMES = (OutboundStage.ENGAGED, OutboundStage.NOT_A_FIT, OutboundStage.NO_RESPONSE)
#: a referral we sent whose outcome the partner still owes us; queries filter with this
#: very condition so that the database can use the partial index below
OUTBOUND_IS_OPEN = Q(stage__in=OUTBOUND_OPEN)


class OutboundReferral(PracticeOwned):
    """The practice sends a client or contact who needs a partner's service. While it is
    open, the partner owes us word of what came of it (closing the loop, seed 003)."""

    Stage = OutboundStage

    partner = models.ForeignKey(
        PartnerProfile, on_delete=models.CASCADE, related_name="outbound_referrals"
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="sent_to_partners",
        verbose_name="who we sent",
    )
    need = models.CharField("what they need", max_length=300)
    sent_on = models.DateField(default=timezone.localdate)
    stage = models.CharField(max_length=20, choices=OutboundStage.choices, default="sent")
    stage_changed_on = models.DateField(default=timezone.localdate)
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="What the engagement is worth to the partner, when they tell us.",
    )
    currency = models.CharField(max_length=3, default="USD")
    last_feedback_on = models.DateField("last heard from them", null=True, blank=True)
    feedback = models.TextField("what they told us", blank=True, max_length=5000)
    notes = models.TextField(blank=True, max_length=5000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [
            # covering for the scorecard: the stage and value of each, without the table
            models.Index(
                fields=["practice", "partner", "sent_on", "stage", "value"],
                name="outbound_ledger",
            ),
            models.Index(fields=["practice", "sent_on"], name="outbound_recent"),
            # the feedback each partner owes: only the open few, counted per partner from
            # the index alone (the stage in it spares a look at the table)
            models.Index(
                fields=["practice", "partner", "stage"],
                condition=OUTBOUND_IS_OPEN,
                name="outbound_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="outbound_value_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} to {self.partner}"

    @property
    def is_open(self) -> bool:
        return self.stage in OUTBOUND_OPEN

    @property
    def feedback_owed(self) -> bool:
        """The partner owes us word of the outcome until there is one."""
        return self.is_open


class PartnerMeeting(PracticeOwned):
    class Kind(models.TextChoices):
        LUNCH = "lunch", "Lunch"
        COFFEE = "coffee", "Coffee"
        CALL = "call", "Call"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LUNCH)
    held_on = models.DateField(default=timezone.localdate)
    notes = models.TextField(blank=True, max_length=5000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["partner", "-held_on"], name="meeting_by_partner")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.partner} on {self.held_on}"
