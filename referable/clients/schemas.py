from datetime import date, datetime

from ninja import Field, Schema

from referable.clients.models import (
    Answer,
    Ask,
    CheckIn,
    Client,
    Expectation,
    LadderSettings,
    Method,
    ProfileShare,
    Rating,
    Rung,
    Script,
)


class ClientIn(Schema):
    person_id: int
    owner_id: int
    tier_id: int | None = None
    stage: Client.Stage = Client.Stage.ONBOARDING
    start_date: date | None = None


class ClientPatch(Schema):
    owner_id: int | None = None
    tier_id: int | None = None
    stage: Client.Stage | None = None
    start_date: date | None = None


class ClientOut(Schema):
    id: int
    person_id: int
    full_name: str
    owner_id: int
    tier_id: int
    tier: str
    stage: str
    start_date: date
    rung: str
    trust_score: int
    reasons: list[str]
    created_at: datetime

    @staticmethod
    def resolve_full_name(client: Client) -> str:
        return client.person.full_name

    @staticmethod
    def resolve_tier(client: Client) -> str:
        return client.tier.name


class TrustReasonOut(Schema):
    text: str
    points: int


class ProposalOut(Schema):
    person_id: int
    name: str
    method: str
    method_label: str
    sentiment: str
    closeness: int
    matches: list[str]


class NextAskOut(Schema):
    client_id: int
    rung: Rung
    label: str
    reasons: list[str]
    script: str
    guardrail: str
    proposal: ProposalOut | None
    trust_score: int
    trust_reasons: list[TrustReasonOut]
    experience: str
    experience_reasons: list[str]


class ExpectationIn(Schema):
    client_id: int
    text: str = Field(..., min_length=1, max_length=300)
    category: Expectation.Category = Expectation.Category.OTHER
    priority: int = Field(2, ge=1, le=3)
    asked_on: date | None = None


class ExpectationPatch(Schema):
    text: str | None = Field(None, min_length=1, max_length=300)
    category: Expectation.Category | None = None
    priority: int | None = Field(None, ge=1, le=3)
    asked_on: date | None = None


class ExpectationOut(Schema):
    id: int
    client_id: int
    text: str
    category: str
    priority: int
    asked_on: date
    latest_rating: str
    latest_rated_on: date | None


class RatingIn(Schema):
    expectation_id: int
    rating: Rating


class CheckInIn(Schema):
    client_id: int
    overall: Rating
    held_on: date | None = None
    channel: CheckIn.Channel = CheckIn.Channel.PHONE
    notes: str = Field("", max_length=5000)
    introductions_discussed: bool = False
    ratings: list[RatingIn] = Field(default_factory=list, max_length=100)


class RatingOut(Schema):
    expectation_id: int
    rating: str


class CheckInOut(Schema):
    id: int
    client_id: int
    held_on: date
    channel: str
    overall: str
    notes: str
    introductions_discussed: bool
    by_id: int | None
    ratings: list[RatingOut]

    @staticmethod
    def resolve_ratings(check_in: CheckIn) -> list[dict]:
        return [
            {"expectation_id": r.expectation_id, "rating": r.rating} for r in check_in.ratings.all()
        ]


class TrustRatingIn(Schema):
    client_id: int
    score: int = Field(..., ge=1, le=5)
    rated_on: date | None = None
    notes: str = Field("", max_length=500)


class TrustRatingOut(Schema):
    id: int
    client_id: int
    score: int
    rated_on: date
    notes: str
    by_id: int | None


class AgreementIn(Schema):
    client_id: int
    answer: Answer
    asked_on: date | None = None
    script_id: int | None = None
    notes: str = Field("", max_length=1000)


class AgreementOut(Schema):
    id: int
    client_id: int
    answer: str
    asked_on: date
    asked_by_id: int | None
    script_id: int | None
    notes: str


class AskIn(Schema):
    client_id: int
    kind: Ask.Kind
    answer: Answer
    asked_on: date | None = None
    person_id: int | None = None
    method: Method | None = None
    notes: str = Field("", max_length=1000)


class AskOut(Schema):
    id: int
    client_id: int
    kind: str
    answer: str
    asked_on: date
    person_id: int | None
    method: str
    notes: str


class ProfileIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    positions: list[str] = Field(..., min_length=1, max_length=50)
    industries: list[str] = Field(default_factory=list, max_length=50)
    traits: list[str] = Field(default_factory=list, max_length=50)
    why: str = Field(..., min_length=1, max_length=2000)
    active: bool = True


class ProfilePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    positions: list[str] | None = Field(None, min_length=1, max_length=50)
    industries: list[str] | None = Field(None, max_length=50)
    traits: list[str] | None = Field(None, max_length=50)
    why: str | None = Field(None, min_length=1, max_length=2000)
    active: bool | None = None


class ProfileOut(Schema):
    id: int
    name: str
    positions: list[str]
    industries: list[str]
    traits: list[str]
    why: str
    active: bool

    @staticmethod
    def resolve_positions(profile) -> list[str]:
        return profile.position_list

    @staticmethod
    def resolve_industries(profile) -> list[str]:
        return profile.industry_list

    @staticmethod
    def resolve_traits(profile) -> list[str]:
        return profile.trait_list


class ShareIn(Schema):
    client_id: int
    profile_id: int
    shared_on: date | None = None
    how: ProfileShare.How = ProfileShare.How.IN_PERSON
    notes: str = Field("", max_length=1000)


class ShareOut(Schema):
    id: int
    client_id: int
    profile_id: int
    shared_on: date
    how: str
    notes: str
    by_id: int | None


class TierIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    position: int = Field(0, ge=0, le=1000)
    description: str = Field("", max_length=300)


class TierPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    position: int | None = Field(None, ge=0, le=1000)
    description: str | None = Field(None, max_length=300)


class TierOut(Schema):
    id: int
    name: str
    position: int
    description: str


class ScriptIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    purpose: Script.Purpose
    text: str = Field(..., min_length=1, max_length=5000)
    is_default: bool = False


class ScriptPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    purpose: Script.Purpose | None = None
    text: str | None = Field(None, min_length=1, max_length=5000)
    is_default: bool | None = None


class ScriptOut(Schema):
    id: int
    name: str
    purpose: str
    text: str
    is_default: bool


class LadderSettingsIn(Schema):
    """Thresholds are checked by the service, so that an out-of-range value gets the
    same message on the page and over the API."""

    trust_threshold: int
    recommendation_trust: int
    introduction_trust: int
    cooldown_days: int
    max_requests: int
    period_days: int
    negative_connections: LadderSettings.NegativePolicy = LadderSettings.NegativePolicy.STRONGEST


class LadderSettingsOut(Schema):
    trust_threshold: int
    recommendation_trust: int
    introduction_trust: int
    cooldown_days: int
    max_requests: int
    period_days: int
    negative_connections: str


class BookOut(Schema):
    total: int
    ready: int
    counts: dict[str, int]
