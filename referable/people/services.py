"""The rules about people and their connections. Every write is one transaction that
either succeeds whole or raises ``ValidationError`` naming the field at fault."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction

from referable.people.models import (
    Connection,
    EmailAddress,
    Person,
    Phone,
    ResearchBrief,
    SearchTerm,
)
from referable.people.search import terms_for

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "title",
    "organization",
    "industry",
    "city",
    "notes",
    "category",
    "owner",
    "do_not_contact",
    "do_not_contact_since",
    "do_not_contact_reason",
    "legal_basis",
    "source",
    "source_detail",
    "source_person",
)
CONNECTION_FIELDS = ("kind", "closeness", "sentiment", "told_by", "notes", "noted_on")
BRIEF_FIELDS = ("industry", "market", "competitors", "notes")


def clean_emails(values: Iterable[str]) -> list[str]:
    """Lower-cased, de-duplicated, each one valid; errors name the offending address."""
    cleaned: list[str] = []
    for raw in values:
        address = raw.strip().lower()
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                {"emails": f"“{raw.strip()}” is not a valid e-mail address."}
            ) from None
        if len(address) > 254:
            raise ValidationError({"emails": f"“{address[:40]}…” is longer than 254 characters."})
        if address not in cleaned:
            cleaned.append(address)
    return cleaned


def clean_phones(values: Iterable[str]) -> list[str]:
    from referable.people.models import validate_phone

    cleaned: list[str] = []
    for raw in values:
        number = raw.strip()
        if not number:
            continue
        try:
            validate_phone(number)
        except ValidationError as exc:
            raise ValidationError({"phones": exc.messages[0]}) from None
        if number not in cleaned:
            cleaned.append(number)
    return cleaned


def _apply(instance: models.Model, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    for field, value in data.items():
        setattr(instance, field, value)


def _replace_contact_points(person: Person, emails: list[str], phones: list[str]) -> None:
    person.emails.all().delete()
    person.phones.all().delete()
    EmailAddress.objects.bulk_create(
        EmailAddress(practice_id=person.practice_id, person=person, address=a, position=i)
        for i, a in enumerate(emails)
    )
    for i, number in enumerate(phones):
        Phone(practice_id=person.practice_id, person=person, number=number, position=i).save()


def _save_person(person: Person, emails: list[str] | None, phones: list[str] | None) -> Person:
    """Saves the person, replaces the contact points given (None keeps them) and
    re-indexes the person for search."""
    email_list = clean_emails(emails) if emails is not None else None
    phone_list = clean_phones(phones) if phones is not None else None
    person.refresh_denormalized()
    person.full_clean(exclude=["practice"])
    person.save()
    if email_list is None:
        email_list = list(person.emails.values_list("address", flat=True))
    if phone_list is None:
        phone_list = list(person.phones.values_list("number", flat=True))
    if emails is not None or phones is not None:
        _replace_contact_points(person, email_list, phone_list)
    index_for_search(person, email_list)
    return person


def index_for_search(person: Person, emails: list[str]) -> None:
    person.search_terms.all().delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(practice_id=person.practice_id, person=person, term=term)
        for term in sorted(
            terms_for(person.first_name, person.last_name, person.organization, emails)
        )
    )


@transaction.atomic
def create_person(
    practice, data: dict, *, emails: list[str] = (), phones: list[str] = (), by=None
) -> Person:
    person = Person(practice=practice)
    _apply(person, data, PERSON_FIELDS)
    return _save_person(person, list(emails), list(phones))


@transaction.atomic
def update_person(
    person: Person,
    data: dict,
    *,
    emails: list[str] | None = None,
    phones: list[str] | None = None,
    by=None,
) -> Person:
    _apply(person, data, PERSON_FIELDS)
    return _save_person(person, emails, phones)


@transaction.atomic
def delete_person(person: Person, *, by=None) -> None:
    person.delete()


@transaction.atomic
def save_research_brief(person: Person, data: dict, *, by=None) -> ResearchBrief:
    brief = ResearchBrief.objects.filter(person=person).first() or ResearchBrief(
        practice_id=person.practice_id, person=person
    )
    _apply(brief, data, BRIEF_FIELDS)
    brief.updated_by = by
    brief.full_clean(exclude=["practice", "person"])
    brief.save()
    return brief


def _ordered_pair(a: Person, b: Person) -> tuple[Person, Person]:
    return (a, b) if a.pk < b.pk else (b, a)


def existing_connection(a: Person, b: Person) -> Connection | None:
    first, second = _ordered_pair(a, b)
    return Connection.objects.filter(person_a=first, person_b=second).first()


@transaction.atomic
def connect(person: Person, other: Person, data: dict, *, by=None) -> Connection:
    if other is None:
        raise ValidationError({"other": "Choose the person they are connected to."})
    if person.pk == other.pk:
        raise ValidationError({"other": "A person cannot be connected to themselves."})
    if person.practice_id != other.practice_id:
        raise ValidationError({"other": "That person is not in this practice."})
    if existing := existing_connection(person, other):
        raise ValidationError(
            {
                "other": f"{person} and {other} are already connected ({existing.get_kind_display().lower()}); edit that connection instead."
            }
        )
    first, second = _ordered_pair(person, other)
    connection = Connection(practice_id=person.practice_id, person_a=first, person_b=second)
    _apply(connection, data, CONNECTION_FIELDS)
    connection.full_clean(exclude=["practice"], validate_unique=False)
    try:
        with transaction.atomic():
            connection.save()
    except IntegrityError:  # a concurrent request made the same pair first
        raise ValidationError({"other": f"{person} and {other} are already connected."}) from None
    return connection


@transaction.atomic
def update_connection(connection: Connection, data: dict, *, by=None) -> Connection:
    _apply(connection, data, CONNECTION_FIELDS)
    connection.full_clean(exclude=["practice", "person_a", "person_b"], validate_unique=False)
    connection.save()
    return connection


@transaction.atomic
def remove_connection(connection: Connection, *, by=None) -> None:
    connection.delete()


@dataclass(frozen=True)
class MergeResult:
    kept: Person
    moved_connections: int
    dropped_connections: int


@transaction.atomic
def merge_people(keep: Person, duplicate: Person, *, by=None) -> MergeResult:
    """Folds ``duplicate`` into ``keep``: contact details, connections, brief and every
    row elsewhere that points at the duplicate move over; then the duplicate is deleted.
    Where both were connected to the same person, the closer connection survives."""
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "A person cannot be merged with themselves."})
    if keep.practice_id != duplicate.practice_id:
        raise ValidationError({"duplicate": "That person is not in this practice."})
    moved, dropped = _merge_connections(keep, duplicate)
    _merge_contact_points(keep, duplicate)
    _merge_brief(keep, duplicate)
    _merge_fields(keep, duplicate)
    _repoint_references(keep, duplicate)
    duplicate.delete()
    _save_person(keep, None, None)
    return MergeResult(kept=keep, moved_connections=moved, dropped_connections=dropped)


def _merge_connections(keep: Person, duplicate: Person) -> tuple[int, int]:
    moved = dropped = 0
    connections = Connection.objects.filter(
        models.Q(person_a=duplicate) | models.Q(person_b=duplicate)
    ).select_related("person_a", "person_b")
    for connection in connections:
        other = connection.other(duplicate)
        if other.pk == keep.pk:
            connection.delete()
            dropped += 1
            continue
        existing = existing_connection(keep, other)
        if existing and existing.closeness >= connection.closeness:
            connection.delete()
            dropped += 1
            continue
        if existing:
            existing.delete()
            dropped += 1
        connection.person_a, connection.person_b = _ordered_pair(keep, other)
        connection.save()
        moved += 1
    return moved, dropped


def _merge_contact_points(keep: Person, duplicate: Person) -> None:
    emails = list(keep.emails.values_list("address", flat=True))
    emails += [a for a in duplicate.emails.values_list("address", flat=True) if a not in emails]
    phones = list(keep.phones.values_list("number", flat=True))
    known = set(keep.phones.values_list("normalized", flat=True))
    for phone in duplicate.phones.all():
        if phone.normalized not in known:
            phones.append(phone.number)
            known.add(phone.normalized)
    _replace_contact_points(keep, emails, phones)


def _merge_brief(keep: Person, duplicate: Person) -> None:
    theirs = ResearchBrief.objects.filter(person=duplicate).first()
    if theirs is None:
        return
    ours = ResearchBrief.objects.filter(person=keep).first()
    if ours is None:
        theirs.person = keep
        theirs.save()
        return
    for field in BRIEF_FIELDS:
        mine, other = getattr(ours, field), getattr(theirs, field)
        if other and other not in mine:
            setattr(ours, field, f"{mine}\n\n{other}".strip())
    ours.save()
    theirs.delete()


def _merge_fields(keep: Person, duplicate: Person) -> None:
    """Blank fields of the kept person take the duplicate's value; notes are joined;
    do-not-contact wins, because a wish not to be contacted must never be lost."""
    for field in (
        "title",
        "organization",
        "industry",
        "city",
        "legal_basis",
        "source",
        "source_detail",
        "owner_id",
        "source_person_id",
    ):
        if not getattr(keep, field) and getattr(duplicate, field):
            setattr(keep, field, getattr(duplicate, field))
    if duplicate.notes and duplicate.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n\n{duplicate.notes}".strip()
    if duplicate.do_not_contact and not keep.do_not_contact:
        keep.do_not_contact = True
        keep.do_not_contact_since = duplicate.do_not_contact_since
        keep.do_not_contact_reason = duplicate.do_not_contact_reason
    if keep.source_person_id in (keep.pk, duplicate.pk):
        keep.source_person_id = None


def _repoint_references(keep: Person, duplicate: Person) -> None:
    """Every foreign key to Person in any app follows the merge, including those with
    no reverse accessor. A one-to-one the kept person already has stays as it is."""
    handled = {
        (EmailAddress, "person"),
        (Phone, "person"),
        (ResearchBrief, "person"),
        (Connection, "person_a"),
        (Connection, "person_b"),
    }
    for model in django_apps.get_models():
        for field in model._meta.concrete_fields:
            if field.related_model is not Person or (model, field.name) in handled:
                continue
            manager = model._default_manager
            if field.one_to_one and manager.filter(**{field.name: keep}).exists():
                continue
            manager.filter(**{field.name: duplicate}).update(**{field.name: keep})
