"""The rules about referral partners. Every write is one transaction that either
succeeds whole or raises ``ValidationError`` naming the field at fault."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from referable.partners.models import (
    OUTBOUND_OPEN,
    CompensationAgreement,
    Gift,
    OutboundReferral,
    OutboundStage,
    PartnerMeeting,
    PartnerProfile,
    PartnerSettings,
)
from referable.partners.terms import Terms, TermsCheck, check_terms
from referable.people import services as people_services
from referable.people.models import Person

PROFILE_FIELDS = (
    "profession",
    "firm",
    "niche",
    "good_referral",
    "criteria_industries",
    "criteria_client_size",
    "criteria_needs",
    "same_day_response",
    "same_day_response_on",
    "feedback_every_referral",
    "feedback_every_referral_on",
    "reciprocity",
    "reciprocity_on",
    "other_terms",
    "other_terms_on",
    "fee_or_compensation",
    "fee_description",
    "clients_told",
    "not_exclusive",
    "cadence_days",
    "since",
    "owner",
)
#: each agreed term and the date it was agreed
TERM_DATES = {
    "same_day_response": "same_day_response_on",
    "feedback_every_referral": "feedback_every_referral_on",
    "reciprocity": "reciprocity_on",
    "other_terms": "other_terms_on",
}
SETTINGS_FIELDS = ("gift_threshold", "currency", "default_cadence_days")
GIFT_FIELDS = ("direction", "kind", "value", "currency", "given_on", "description")


def _apply(instance, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    for name, value in data.items():
        setattr(instance, name, value)


def _today(practice_id) -> date:
    from referable.practices.models import Practice

    return timezone.localdate(timezone=Practice.objects.get(pk=practice_id).zone)


# -- settings ------------------------------------------------------------------------


def partner_settings(practice) -> PartnerSettings:
    practice_id = getattr(practice, "pk", practice)
    found = PartnerSettings.objects.filter(practice_id=practice_id).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return PartnerSettings.objects.create(practice_id=practice_id)
    except IntegrityError:  # created meanwhile by a concurrent request
        return PartnerSettings.objects.get(practice_id=practice_id)


@transaction.atomic
def save_partner_settings(practice, data: dict, *, by=None) -> PartnerSettings:
    found = partner_settings(practice)
    _apply(found, data, SETTINGS_FIELDS)
    found.currency = (found.currency or "USD").upper()
    found.full_clean(exclude=["practice"])
    found.save()
    return found


# -- partner profile -----------------------------------------------------------------


def terms_of(profile: PartnerProfile) -> Terms:
    return Terms(
        profession=profile.profession,
        reciprocity=profile.reciprocity,
        fee_or_compensation=profile.fee_or_compensation,
        fee_description=profile.fee_description,
        clients_told=profile.clients_told,
        not_exclusive=profile.not_exclusive,
    )


def terms_check(profile: PartnerProfile) -> TermsCheck:
    return check_terms(terms_of(profile))


def _clean_profile(profile: PartnerProfile) -> None:
    today = _today(profile.practice_id)
    for term, agreed_on in TERM_DATES.items():
        if getattr(profile, term):
            if getattr(profile, agreed_on) is None:
                setattr(profile, agreed_on, today)
            elif getattr(profile, agreed_on) > today:
                raise ValidationError({agreed_on: "A term cannot be agreed in the future."})
        else:
            setattr(profile, agreed_on, None)
    if not profile.fee_or_compensation:
        profile.fee_description = ""
    check = terms_check(profile)
    if check.errors:
        raise ValidationError(check.errors)
    profile.full_clean(exclude=["practice", "person", "owner"])


@transaction.atomic
def make_partner(person: Person, data: dict, *, by=None) -> PartnerProfile:
    """Records a person as a referral partner; they become a partner in People too."""
    if person is None:
        raise ValidationError({"person": "Choose the person who is the partner."})
    if PartnerProfile.objects.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already a referral partner."})
    settings = partner_settings(person.practice_id)
    profile = PartnerProfile(
        practice_id=person.practice_id,
        person=person,
        cadence_days=settings.default_cadence_days,
        since=_today(person.practice_id),
    )
    _apply(profile, data, PROFILE_FIELDS)
    profile.since = profile.since or _today(person.practice_id)
    profile.cadence_days = profile.cadence_days or settings.default_cadence_days
    if not profile.firm:
        profile.firm = person.organization
    _clean_profile(profile)
    profile.save()
    if person.category != Person.Category.PARTNER:
        people_services.update_person(person, {"category": Person.Category.PARTNER}, by=by)
    return profile


@transaction.atomic
def update_partner(profile: PartnerProfile, data: dict, *, by=None) -> PartnerProfile:
    _apply(profile, data, PROFILE_FIELDS)
    _clean_profile(profile)
    profile.save()
    return profile


# -- gifts and compensation ----------------------------------------------------------


@dataclass(frozen=True)
class GiftSummary:
    """Gifts and fees to and from one person over the last twelve months."""

    given: Decimal
    received: Decimal
    threshold: Decimal
    currency: str
    agreement: CompensationAgreement | None

    @property
    def at_threshold(self) -> bool:
        return self.given >= self.threshold

    @property
    def warning(self) -> str:
        if not self.at_threshold:
            return ""
        if self.agreement is not None:
            return (
                f"{self.given} {self.currency} given in twelve months, at or above the "
                f"practice's threshold of {self.threshold}; a written agreement is on file "
                f"(signed {self.agreement.signed_on:%-d %B %Y})."
            )
        return (
            f"{self.given} {self.currency} given in twelve months, at or above the "
            f"practice's threshold of {self.threshold}, and no written agreement is on "
            "file: the SEC marketing rule requires one to compensate a promoter beyond "
            "a de minimis amount."
        )


def gift_summary(person: Person, *, today: date | None = None) -> GiftSummary:
    today = today or _today(person.practice_id)
    settings = partner_settings(person.practice_id)
    since = today - timedelta(days=365)
    sums = dict(
        Gift.objects.filter(person=person, given_on__gt=since, given_on__lte=today)
        .values("direction")
        .annotate(total=Sum("value"))
        .values_list("direction", "total")
    )
    return GiftSummary(
        given=sums.get(Gift.Direction.GIVEN) or Decimal("0"),
        received=sums.get(Gift.Direction.RECEIVED) or Decimal("0"),
        threshold=settings.gift_threshold,
        currency=settings.currency,
        agreement=CompensationAgreement.objects.filter(person=person).first(),
    )


@transaction.atomic
def record_gift(person: Person, data: dict, *, by=None) -> tuple[Gift, GiftSummary]:
    """Records a gift or fee and returns it with the person's twelve-month summary, whose
    ``warning`` says when the practice's threshold is reached."""
    if person is None:
        raise ValidationError({"person": "Choose the person."})
    gift = Gift(practice_id=person.practice_id, person=person, by=by)
    gift.currency = partner_settings(person.practice_id).currency
    _apply(gift, {k: v for k, v in data.items() if v is not None}, GIFT_FIELDS)
    if gift.value is not None and gift.value < 0:
        raise ValidationError({"value": "A value cannot be negative."})
    if gift.given_on and gift.given_on > _today(person.practice_id):
        raise ValidationError({"given_on": "Record a gift once it is given."})
    gift.currency = (gift.currency or "USD").upper()
    gift.full_clean(exclude=["practice", "person", "by"])
    gift.save()
    return gift, gift_summary(person)


@transaction.atomic
def delete_gift(gift: Gift, *, by=None) -> None:
    gift.delete()


@transaction.atomic
def record_agreement(
    person: Person, *, signed_on: date | None, description: str = "", by=None
) -> CompensationAgreement:
    if signed_on is None:
        raise ValidationError({"signed_on": "When was it signed?"})
    if signed_on > _today(person.practice_id):
        raise ValidationError({"signed_on": "An agreement cannot be signed in the future."})
    agreement = CompensationAgreement.objects.filter(person=person).first() or (
        CompensationAgreement(practice_id=person.practice_id, person=person)
    )
    agreement.signed_on, agreement.description = signed_on, description
    agreement.full_clean(exclude=["practice", "person"])
    agreement.save()
    return agreement


# -- outbound referrals --------------------------------------------------------------


def partner_of(person: Person | None, field: str = "partner") -> PartnerProfile:
    """The partner profile of ``person``, or a field error when they are not a partner."""
    if person is None:
        raise ValidationError({field: "Choose the partner to send them to."})
    profile = PartnerProfile.objects.filter(person=person).select_related("person").first()
    if profile is None:
        raise ValidationError(
            {field: f"{person} is not a referral partner: record them as one first."}
        )
    return profile


@transaction.atomic
def send_referral(
    partner: Person | PartnerProfile | None,
    person: Person | None,
    *,
    need: str,
    sent_on: date | None = None,
    notes: str = "",
    by=None,
) -> OutboundReferral:
    """The practice sends a client or contact to a partner; the partner owes us word of
    what came of it."""
    profile = partner if isinstance(partner, PartnerProfile) else partner_of(partner)
    if person is None:
        raise ValidationError({"person": "Choose who you are sending to the partner."})
    if person.pk == profile.person_id:
        raise ValidationError({"person": "A partner cannot be referred to themselves."})
    if person.do_not_contact:
        raise ValidationError(
            {"person": f"{person.do_not_contact_message()} Their details are not passed on."}
        )
    if not need.strip():
        raise ValidationError({"need": "Say what they need from the partner."})
    today = _today(profile.practice_id)
    sent_on = sent_on or today
    if sent_on > today:
        raise ValidationError({"sent_on": "This cannot be in the future."})
    referral = OutboundReferral(
        practice_id=profile.practice_id,
        partner=profile,
        person=person,
        need=need.strip(),
        sent_on=sent_on,
        stage_changed_on=sent_on,
        notes=notes,
        by=by,
    )
    referral.full_clean(exclude=["practice", "partner", "person", "by"])
    referral.save()
    return referral


@transaction.atomic
def record_partner_feedback(
    referral: OutboundReferral,
    *,
    stage: str,
    feedback: str = "",
    value: Decimal | None = None,
    on: date | None = None,
    by=None,
) -> OutboundReferral:
    """What the partner told us of a referral we sent: its stage, and their words."""
    if stage not in OutboundStage.values:
        raise ValidationError({"stage": "Choose a stage."})
    if value is not None and value < 0:
        raise ValidationError({"value": "A value cannot be negative."})
    today = _today(referral.practice_id)
    on = on or today
    if on > today:
        raise ValidationError({"on": "This cannot be in the future."})
    if on < referral.sent_on:
        raise ValidationError({"on": f"This cannot be before it was sent ({referral.sent_on})."})
    if stage != referral.stage:
        referral.stage, referral.stage_changed_on = stage, on
    if value is not None:
        referral.value = value
    referral.last_feedback_on = on
    if feedback.strip():
        entry = f"{on:%-d %b %Y}: {feedback.strip()}"
        referral.feedback = f"{referral.feedback}\n{entry}".strip()
    referral.full_clean(exclude=["practice", "partner", "person", "by"])
    referral.save()
    return referral


def open_outbound(profile: PartnerProfile):
    return profile.outbound_referrals.filter(stage__in=OUTBOUND_OPEN)


# -- meetings ------------------------------------------------------------------------


@transaction.atomic
def log_meeting(
    profile: PartnerProfile, *, kind: str, held_on: date | None, notes: str = "", by=None
) -> PartnerMeeting:
    if kind not in PartnerMeeting.Kind.values:
        raise ValidationError({"kind": "Choose lunch, coffee, call, event or other."})
    held_on = held_on or _today(profile.practice_id)
    if held_on > _today(profile.practice_id):
        raise ValidationError({"held_on": "Log a meeting once it has happened."})
    meeting = PartnerMeeting(
        practice_id=profile.practice_id,
        partner=profile,
        kind=kind,
        held_on=held_on,
        notes=notes,
        by=by,
    )
    meeting.full_clean(exclude=["practice", "partner", "by"])
    meeting.save()
    return meeting
