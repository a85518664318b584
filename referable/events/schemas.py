from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema

from referable.events.models import Event, Invitation


class EventIn(Schema):
    title: str = Field(..., max_length=200)
    kind: Event.Kind = Event.Kind.DINNER
    starts_at: datetime
    ends_at: datetime
    venue: str = Field("", max_length=300)
    description: str = Field("", max_length=5000)
    budget: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    actual_cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    currency: str = Field("USD", min_length=3, max_length=3)
    capacity: int | None = None
    host_id: int | None = None


class EventPatch(Schema):
    title: str | None = Field(None, max_length=200)
    kind: Event.Kind | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    venue: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    budget: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    actual_cost: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    currency: str | None = Field(None, min_length=3, max_length=3)
    capacity: int | None = None
    host_id: int | None = None


class ResultsOut(Schema):
    invited: int
    attendees: int
    guests: int
    introductions: int
    proposed: int
    value: Decimal
    cost: Decimal | None
    cost_per_introduction: Decimal | None


class EventOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    description: str
    budget: Decimal | None
    actual_cost: Decimal | None
    currency: str
    capacity: int | None
    host_id: int | None
    created_at: datetime


class EventDetailOut(EventOut):
    results: ResultsOut


class InviteIn(Schema):
    person_ids: list[int] = Field(default_factory=list, max_length=5000)
    tier_id: int | None = None
    rung: str | None = None


class SkippedOut(Schema):
    person_id: int
    reason: str


class InvitationOut(Schema):
    id: int
    event_id: int
    person_id: int
    name: str
    method: str
    answer: str
    answered_at: datetime | None
    attended: bool
    arrived_at: datetime | None
    brought_by_id: int | None
    sent_at: datetime | None

    @staticmethod
    def resolve_name(invitation) -> str:
        return invitation.person.full_name


class InviteOut(Schema):
    invited: list[InvitationOut]
    skipped: list[SkippedOut]


class AnswerIn(Schema):
    answer: Invitation.Answer


class CheckInIn(Schema):
    arrived: bool = True


class GuestIn(Schema):
    person_id: int | None = None
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    emails: list[str] = Field(default_factory=list, max_length=5)
    phones: list[str] = Field(default_factory=list, max_length=5)
    attended: bool = True


class SendOut(Schema):
    sent: int
    skipped: list[SkippedOut]


class AttributionIn(Schema):
    referral_id: int


class AttributionOut(Schema):
    id: int
    referral_id: int
    event_id: int
    how: str
    reason: str
    confirmed: bool
    dismissed: bool


class DecisionIn(Schema):
    confirm: bool = True


class SettingsIO(Schema):
    attribution_window_days: int = Field(180, ge=1, le=730)
