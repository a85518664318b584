import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django_scopes import ScopedManager

from referable.practices.models import PracticeOwned

PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().\-/]+(\s*(x|ext\.?)\s*[0-9]{1,6})?$", re.IGNORECASE)


_EXTENSION = re.compile(r"\s*(?:x|ext\.?)\s*", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D")


def normalize_phone(raw: str) -> str:
    """Digits only (with a leading + kept), the form duplicates are matched on."""
    main = _EXTENSION.split(raw.strip(), maxsplit=1)[0]
    digits = _NOT_DIGIT.sub("", main)
    return ("+" if main.strip().startswith("+") else "") + digits


def validate_phone(raw: str) -> None:
    digits = _NOT_DIGIT.sub("", _EXTENSION.split(raw.strip(), maxsplit=1)[0])
    if not PHONE_ALLOWED.match(raw.strip()) or not 7 <= len(digits) <= 15:
        raise ValidationError(
            f"“{raw}” is not a phone number: use digits, spaces, ( ) - . and an optional "
            "leading +, 7 to 15 digits."
        )


class Person(PracticeOwned):
    """Everyone the practice knows: clients, prospects, partners and their contacts."""

    class Category(models.TextChoices):
        CONTACT = "contact", "Contact"
        PROSPECT = "prospect", "Prospect"
        CLIENT = "client", "Client"
        PARTNER = "partner", "Referral partner"

    class LegalBasis(models.TextChoices):
        # GDPR art. 6 bases; a prospect passed on by a client is usually "legitimate interest"
        NOT_RECORDED = "", "Not recorded"
        CONSENT = "consent", "Consent"
        CONTRACT = "contract", "Contract (client)"
        LEGITIMATE_INTEREST = "legitimate_interest", "Legitimate interest"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"

    class Source(models.TextChoices):
        UNKNOWN = "", "Not recorded"
        DIRECT = "direct", "Came to us directly"
        INTRODUCTION = "introduction", "Introduced or recommended by someone"
        PARTNER = "partner", "Sent by a referral partner"
        EVENT = "event", "Guest at an event"
        IMPORT = "import", "Imported"
        OTHER = "other", "Other"

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    title = models.CharField("position / title", max_length=150, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    industry = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True, max_length=10000)
    category = models.CharField(max_length=20, choices=Category.choices, default=Category.CONTACT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The professional responsible for this person.",
    )

    do_not_contact = models.BooleanField("do not contact", default=False)
    do_not_contact_since = models.DateField(null=True, blank=True)
    do_not_contact_reason = models.CharField(max_length=300, blank=True)
    legal_basis = models.CharField(
        "legal basis for holding their data",
        max_length=30,
        choices=LegalBasis.choices,
        blank=True,
    )
    source = models.CharField(
        "how they came to us", max_length=20, choices=Source.choices, blank=True
    )
    source_detail = models.CharField("source details", max_length=300, blank=True)
    source_person = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="details passed on by",
        help_text="Who gave us this person's details, when it was not the person themselves.",
    )

    # Denormalized for ordering at firm scale; search uses SearchTerm (people/search.py).
    sort_name = models.CharField(max_length=210, editable=False, default="")

    class Meta:
        ordering = ["sort_name", "id"]
        indexes = [
            models.Index(fields=["practice", "sort_name", "id"], name="person_sort"),
            models.Index(fields=["practice", "category", "sort_name"], name="person_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(first_name="", last_name=""), name="person_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def clean(self) -> None:
        if not (self.first_name.strip() or self.last_name.strip()):
            raise ValidationError({"last_name": "Give at least a first or a last name."})
        if self.do_not_contact and not self.do_not_contact_since:
            self.do_not_contact_since = timezone.localdate()
        if not self.do_not_contact:
            self.do_not_contact_since = None
        if self.source_person_id and self.source_person_id == self.pk:
            raise ValidationError({"source_person": "A person cannot pass on their own details."})

    def do_not_contact_message(self) -> str:
        since = self.do_not_contact_since
        when = f" (since {since:%-d %B %Y})" if isinstance(since, date) else ""
        reason = f": {self.do_not_contact_reason}" if self.do_not_contact_reason else ""
        return f"{self.full_name} asked not to be contacted{when}{reason}."

    def refresh_denormalized(self) -> None:
        self.sort_name = f"{self.last_name} {self.first_name}".strip().lower()[:210]


class SearchTerm(models.Model):
    """One word a person is found under (see people/search.py). Derived from the
    person's fields by the services; it carries the practice like every domain row but
    no timestamps, as there are millions of them at firm scale."""

    practice = models.ForeignKey(
        "practices.Practice", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_terms")
    term = models.CharField(max_length=64)

    objects = ScopedManager(practice="practice")

    class Meta:
        indexes = [models.Index(fields=["practice", "term", "person"], name="search_term")]

    def __str__(self) -> str:
        return self.term


class EmailAddress(PracticeOwned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField("e-mail", max_length=254)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["practice", "address"], name="email_lookup")]
        constraints = [
            models.UniqueConstraint(fields=["person", "address"], name="email_once_per_person")
        ]

    def __str__(self) -> str:
        return self.address


class Phone(PracticeOwned):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=40, validators=[validate_phone])
    normalized = models.CharField(max_length=20, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["practice", "normalized"], name="phone_lookup")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.normalized = normalize_phone(self.number)
        super().save(*args, **kwargs)


class ResearchBrief(PracticeOwned):
    """What a professional learns before meeting a prospect (seed 004: be well informed
    about their industry, their market and their competition)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="brief")
    industry = models.TextField("industry", blank=True, max_length=5000)
    market = models.TextField(blank=True, max_length=5000)
    competitors = models.TextField(blank=True, max_length=5000)
    notes = models.TextField(blank=True, max_length=10000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    def __str__(self) -> str:
        return f"Research brief on {self.person}"

    @property
    def is_empty(self) -> bool:
        return not any((self.industry, self.market, self.competitors, self.notes))


class Connection(PracticeOwned):
    """Two people who know each other. Stored once per pair, with the lower id first,
    and shown from both sides (the third pillar of seed 001)."""

    class Kind(models.TextChoices):
        FAMILY = "family", "Family"
        FRIEND = "friend", "Friend"
        COWORKER = "coworker", "Co-worker"
        BUSINESS = "business", "Business associate"
        NEIGHBOUR = "neighbour", "Neighbour"
        OTHER = "other", "Other"

    class Sentiment(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEUTRAL = "neutral", "Neutral"
        NEGATIVE = "negative", "Negative"

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="connections_a")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="connections_b")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    closeness = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 = barely know each other, 5 = very close.",
    )
    sentiment = models.CharField(
        max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    told_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="who told us",
    )
    notes = models.TextField(blank=True, max_length=5000)
    noted_on = models.DateField("when we learned of it", default=timezone.localdate)

    class Meta:
        ordering = ["-closeness", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person_a", "person_b"], name="one_connection_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(person_a__lt=F("person_b")), name="connection_ordered_pair"
            ),
            models.CheckConstraint(
                condition=Q(closeness__gte=1, closeness__lte=5), name="connection_closeness_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["person_b", "person_a"], name="connection_reverse")]

    def __str__(self) -> str:
        return f"{self.person_a} – {self.person_b} ({self.get_kind_display()})"

    def other(self, person: Person) -> Person:
        return self.person_b if person.pk == self.person_a_id else self.person_a

    def involves(self, person: Person) -> bool:
        return person.pk in (self.person_a_id, self.person_b_id)
