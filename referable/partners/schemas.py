from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from referable.partners.models import Gift, OutboundStage, PartnerMeeting, Profession


class PartnerFields(Schema):
    firm: str = Field("", max_length=200)
    niche: str = Field("", max_length=300)
    good_referral: str = Field("", max_length=5000)
    criteria_industries: str = Field("", max_length=500)
    criteria_client_size: str = Field("", max_length=200)
    criteria_needs: str = Field("", max_length=500)
    same_day_response: bool = False
    same_day_response_on: date | None = None
    feedback_every_referral: bool = False
    feedback_every_referral_on: date | None = None
    reciprocity: bool = False
    reciprocity_on: date | None = None
    other_terms: str = Field("", max_length=3000)
    other_terms_on: date | None = None
    fee_or_compensation: bool = False
    fee_description: str = Field("", max_length=300)
    clients_told: bool = False
    not_exclusive: bool = True
    cadence_days: int | None = Field(None, ge=7, le=730)
    since: date | None = None
    owner_id: int | None = None


class PartnerIn(PartnerFields):
    person_id: int
    profession: Profession


class PartnerPatch(Schema):
    profession: Profession | None = None
    firm: str | None = Field(None, max_length=200)
    niche: str | None = Field(None, max_length=300)
    good_referral: str | None = Field(None, max_length=5000)
    criteria_industries: str | None = Field(None, max_length=500)
    criteria_client_size: str | None = Field(None, max_length=200)
    criteria_needs: str | None = Field(None, max_length=500)
    same_day_response: bool | None = None
    same_day_response_on: date | None = None
    feedback_every_referral: bool | None = None
    feedback_every_referral_on: date | None = None
    reciprocity: bool | None = None
    reciprocity_on: date | None = None
    other_terms: str | None = Field(None, max_length=3000)
    other_terms_on: date | None = None
    fee_or_compensation: bool | None = None
    fee_description: str | None = Field(None, max_length=300)
    clients_told: bool | None = None
    not_exclusive: bool | None = None
    cadence_days: int | None = Field(None, ge=7, le=730)
    since: date | None = None
    owner_id: int | None = None


class PartnerOut(Schema):
    id: int
    person_id: int
    name: str
    profession: str
    firm: str
    niche: str
    good_referral: str
    criteria_industries: str
    criteria_client_size: str
    criteria_needs: str
    same_day_response: bool
    same_day_response_on: date | None
    feedback_every_referral: bool
    feedback_every_referral_on: date | None
    reciprocity: bool
    reciprocity_on: date | None
    other_terms: str
    other_terms_on: date | None
    fee_or_compensation: bool
    fee_description: str
    clients_told: bool
    not_exclusive: bool
    cadence_days: int
    since: date
    owner_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_name(profile) -> str:
        return profile.person.full_name


class FlowOut(Schema):
    total: int
    open: int
    engaged: int
    not_a_fit: int
    no_response: int
    value: Decimal


class LedgerOut(Schema):
    partner_id: int
    person_id: int
    name: str
    profession: str
    received: FlowOut
    sent: FlowOut
    balance: int
    reciprocity: str
    we_owe_feedback: int
    they_owe_feedback: int
    last_met: date | None
    days_since_meeting: int | None
    next_meeting_due: date
    meeting_due: bool


class ScorecardOut(Schema):
    period: str
    start: date | None
    end: date | None
    partners: list[LedgerOut]


class MatchOut(Schema):
    partner_id: int
    name: str
    score: int
    reasons: list[str]


class MeetingIn(Schema):
    kind: PartnerMeeting.Kind = PartnerMeeting.Kind.LUNCH
    held_on: date | None = None
    notes: str = Field("", max_length=5000)


class MeetingOut(Schema):
    id: int
    partner_id: int
    kind: str
    held_on: date
    notes: str


class MeetingDueOut(Schema):
    partner_id: int
    name: str
    last_met: date | None
    due_on: date


class OutboundIn(Schema):
    partner_person_id: int = Field(..., description="The person id of the partner.")
    person_id: int
    need: str = Field(..., max_length=300)
    sent_on: date | None = None
    notes: str = Field("", max_length=5000)


class FeedbackIn(Schema):
    stage: OutboundStage
    feedback: str = Field("", max_length=2000)
    value: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    on: date | None = None


class OutboundOut(Schema):
    id: int
    partner_id: int
    person_id: int
    need: str
    sent_on: date
    stage: str
    stage_changed_on: date
    value: Decimal | None
    currency: str
    feedback_owed: bool
    last_feedback_on: date | None
    feedback: str
    notes: str


class GiftIn(Schema):
    person_id: int
    direction: Gift.Direction = Gift.Direction.GIVEN
    kind: Gift.Kind = Gift.Kind.GIFT
    value: Decimal = Field(..., max_digits=12, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    given_on: date | None = None
    description: str = Field(..., max_length=300)


class GiftOut(Schema):
    id: int
    person_id: int
    direction: str
    kind: str
    value: Decimal
    currency: str
    given_on: date
    description: str


class GiftSummaryOut(Schema):
    person_id: int
    given: Decimal
    received: Decimal
    threshold: Decimal
    currency: str
    at_threshold: bool
    written_agreement_on: date | None
    warning: str


class GiftRecordedOut(Schema):
    gift: GiftOut
    summary: GiftSummaryOut


class SettingsIO(Schema):
    gift_threshold: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)
    currency: str = Field("USD", min_length=3, max_length=3)
    default_cadence_days: int = Field(90, ge=7, le=730)
