from datetime import date, datetime

from ninja import Field, Schema

from referable.people.models import Connection, Person


class PersonIn(Schema):
    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    title: str = Field("", max_length=150)
    organization: str = Field("", max_length=200)
    industry: str = Field("", max_length=100)
    city: str = Field("", max_length=100)
    notes: str = Field("", max_length=10000)
    category: Person.Category = Person.Category.CONTACT
    owner_id: int | None = None
    do_not_contact: bool = False
    do_not_contact_reason: str = Field("", max_length=300)
    legal_basis: Person.LegalBasis = Person.LegalBasis.NOT_RECORDED
    source: Person.Source = Person.Source.UNKNOWN
    source_detail: str = Field("", max_length=300)
    source_person_id: int | None = None
    emails: list[str] = Field(default_factory=list, max_length=20)
    phones: list[str] = Field(default_factory=list, max_length=20)


class PersonPatch(Schema):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=150)
    organization: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    city: str | None = Field(None, max_length=100)
    notes: str | None = Field(None, max_length=10000)
    category: Person.Category | None = None
    owner_id: int | None = None
    do_not_contact: bool | None = None
    do_not_contact_reason: str | None = Field(None, max_length=300)
    legal_basis: Person.LegalBasis | None = None
    source: Person.Source | None = None
    source_detail: str | None = Field(None, max_length=300)
    source_person_id: int | None = None
    emails: list[str] | None = Field(None, max_length=20)
    phones: list[str] | None = Field(None, max_length=20)


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    title: str
    organization: str
    industry: str
    city: str
    notes: str
    category: str
    owner_id: int | None
    do_not_contact: bool
    do_not_contact_since: date | None
    do_not_contact_reason: str
    legal_basis: str
    source: str
    source_detail: str
    source_person_id: int | None
    emails: list[str]
    phones: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_emails(person: Person) -> list[str]:
        return [e.address for e in person.emails.all()]

    @staticmethod
    def resolve_phones(person: Person) -> list[str]:
        return [p.number for p in person.phones.all()]


class BriefIn(Schema):
    industry: str = Field("", max_length=5000)
    market: str = Field("", max_length=5000)
    competitors: str = Field("", max_length=5000)
    notes: str = Field("", max_length=10000)


class BriefOut(BriefIn):
    person_id: int
    updated_at: datetime | None = None


class MergeIn(Schema):
    duplicate_id: int


class ConnectionIn(Schema):
    person_id: int
    other_id: int
    kind: Connection.Kind
    closeness: int = Field(3, ge=1, le=5)
    sentiment: Connection.Sentiment = Connection.Sentiment.NEUTRAL
    told_by_id: int | None = None
    notes: str = Field("", max_length=5000)
    noted_on: date | None = None


class ConnectionPatch(Schema):
    kind: Connection.Kind | None = None
    closeness: int | None = Field(None, ge=1, le=5)
    sentiment: Connection.Sentiment | None = None
    told_by_id: int | None = None
    notes: str | None = Field(None, max_length=5000)
    noted_on: date | None = None


class ConnectionOut(Schema):
    id: int
    person_a_id: int
    person_b_id: int
    kind: str
    closeness: int
    sentiment: str
    told_by_id: int | None
    notes: str
    noted_on: date
    created_at: datetime
