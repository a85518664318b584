from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from referable.introductions.models import (
    FeedbackDebt,
    Letter,
    Method,
    Referral,
    ScheduledCall,
    Stage,
)
from referable.people.models import Connection


class NewProspectIn(Schema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    title: str = Field("", max_length=150)
    organization: str = Field("", max_length=200)
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)


class ConnectionFactsIn(Schema):
    kind: Connection.Kind | None = None
    closeness: int | None = Field(None, ge=1, le=5)
    sentiment: Connection.Sentiment | None = None


class ReferralIn(Schema):
    referrer_id: int
    prospect_id: int | None = None
    new_prospect: NewProspectIn | None = None
    kind: Referral.Kind = Referral.Kind.INTRODUCTION
    method: Method | None = None
    connection: ConnectionFactsIn | None = None
    reason: str = Field("", max_length=5000)
    source: Referral.Source = Referral.Source.DIRECT
    source_detail: str = Field("", max_length=300)
    source_profile_id: int | None = None
    owner_id: int | None = None
    solicited: bool = False
    received_at: datetime | None = None
    notes: str = Field("", max_length=10000)


class ReferralPatch(Schema):
    kind: Referral.Kind | None = None
    method: Method | None = None
    reason: str | None = Field(None, max_length=5000)
    source: Referral.Source | None = None
    source_detail: str | None = Field(None, max_length=300)
    solicited: bool | None = None
    notes: str | None = Field(None, max_length=10000)


class ReferralOut(Schema):
    id: int
    referrer_id: int
    referrer_name: str
    referrer_kind: str
    prospect_id: int
    prospect_name: str
    kind: str
    method: str
    suggested_method: str
    approach: str
    connection_id: int | None
    reason: str
    source: str
    source_detail: str
    source_profile_id: int | None
    owner_id: int | None
    solicited: bool
    stage: str
    stage_changed_at: datetime
    received_at: datetime
    first_contact_due_at: datetime
    first_contacted_at: datetime | None
    first_contact_late: bool
    value: Decimal | None
    currency: str
    privacy_notice_due: bool
    privacy_notice_given_at: datetime | None
    notes: str

    @staticmethod
    def resolve_referrer_name(r: Referral) -> str:
        return r.referrer.full_name

    @staticmethod
    def resolve_prospect_name(r: Referral) -> str:
        return r.prospect.full_name

    @staticmethod
    def resolve_first_contact_late(r: Referral) -> bool:
        return r.first_contact_overdue()


class MoveIn(Schema):
    stage: Stage
    reason: str = Field("", max_length=500)
    at: datetime | None = None
    value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    privacy_notice_given: bool = False


class StageChangeOut(Schema):
    at: datetime
    by_id: int | None
    from_stage: str
    to_stage: str
    reason: str


class TimelineOut(Schema):
    at: datetime
    what: str
    detail: str
    by: str


class DebtOut(Schema):
    id: int
    referral_id: int
    referrer_id: int
    kind: str
    outcome: str
    owed_since: datetime
    paid_at: datetime | None
    paid_how: str
    note: str


class PayIn(Schema):
    how: FeedbackDebt.PaidHow = FeedbackDebt.PaidHow.NOTE
    note: str = Field(..., max_length=5000)


class LetterIn(Schema):
    what_we_did: str = Field(..., max_length=3000)
    why_meet: str = Field(..., max_length=3000)
    call_at: datetime
    template_id: int | None = None


class LetterPatch(Schema):
    what_we_did: str | None = Field(None, max_length=3000)
    why_meet: str | None = Field(None, max_length=3000)
    call_at: datetime | None = None
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=20000)
    prospect_address: str | None = Field(None, max_length=500)


class FindingOut(Schema):
    code: str
    start: int
    end: int
    excerpt: str
    explanation: str
    suggestion: str


class LetterOut(Schema):
    id: int
    referral_id: int
    template_id: int | None
    state: str
    version: int
    what_we_did: str
    why_meet: str
    call_at: datetime
    subject: str
    body: str
    disclosure: str
    prospect_address: str
    signed_at: datetime | None
    delivered_at: datetime | None
    delivered_how: str


class SignatureIn(Schema):
    send_email: bool = True


class DeliverIn(Schema):
    how: Letter.DeliveredHow


class CallIn(Schema):
    kind: ScheduledCall.Kind
    at: datetime
    minutes: int = Field(30, ge=5, le=480)
    location: str = Field("", max_length=300)
    invite: bool = True


class CallLogIn(Schema):
    called_at: datetime | None = None
    note: str = Field("", max_length=5000)


class CallOut(Schema):
    id: int
    referral_id: int
    letter_id: int | None
    kind: str
    at: datetime
    duration_minutes: int
    location: str
    professional_id: int | None
    status: str
    grace_minutes: int
    called_at: datetime | None
    promise_missed: bool

    @staticmethod
    def resolve_promise_missed(call: ScheduledCall) -> bool:
        return call.is_missed()


class CoachIn(Schema):
    text: str = Field(..., max_length=20000)


class HeldEmailOut(Schema):
    id: int
    referral_id: int
    letter_id: int | None
    purpose: str
    to: list[str]
    subject: str
    text: str
    state: str
    created_at: datetime


class ReviewIn(Schema):
    comment: str = Field("", max_length=3000)


class ReferralFilters(Schema):
    owner_id: int | None = None
    stage: Stage | None = None
    kind: Referral.Kind | None = None
    method: Method | None = None
    referrer_kind: Referral.ReferrerKind | None = None
    overdue: bool = False
    q: str = ""
