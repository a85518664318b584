"""Exporting the practice's data: people, clients, referrals, partners and events as
CSV, people as vCard, and everything of the practice as one JSON archive.

Which tables exist depends on which areas are installed, so the data sets are found
from the apps rather than listed: every practice-owned model of the clients,
introductions, partners and events areas can be exported as CSV, the main one of
each first. Everything streams, so a firm of 200,000 people exports in constant
memory."""

import base64
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass

import vobject
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from referable.people.models import EmailAddress, Person, Phone
from referable.practices.models import PracticeOwned, User

CHUNK = 2000
AREAS = {
    "clients": "Clients",
    "introductions": "Referrals and introductions",
    "partners": "Referral partners",
    "events": "Events",
}
#: the main table of each area, shown first
MAIN = {"clients": "client", "introductions": "referral", "partners": "partner", "events": "event"}


@dataclass(frozen=True)
class DataSet:
    key: str  # "people" or "<app_label>.<model_name>"
    label: str
    area: str


def datasets() -> list[DataSet]:
    found = [DataSet("people", "People (with e-mails and phones)", "People")]
    for label, area in AREAS.items():
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        owned = [m for m in config.get_models() if issubclass(m, PracticeOwned)]
        owned.sort(key=lambda m: (m._meta.model_name != MAIN[label], m._meta.verbose_name))
        found += [
            DataSet(m._meta.label_lower, str(m._meta.verbose_name_plural).capitalize(), area)
            for m in owned
        ]
    return found


def dataset(key: str) -> DataSet | None:
    return next((d for d in datasets() if d.key == key), None)


# --- CSV -------------------------------------------------------------------------------


class _Echo:
    def write(self, value: str) -> str:
        return value


PEOPLE_COLUMNS = [
    "id",
    "first_name",
    "last_name",
    "title",
    "organization",
    "industry",
    "city",
    "category",
    "emails",
    "phones",
    "owner",
    "do_not_contact",
    "do_not_contact_since",
    "legal_basis",
    "source",
    "source_detail",
    "notes",
    "created_at",
]


def people_with_contact_points() -> models.QuerySet[Person]:
    return Person.objects.select_related("owner").prefetch_related(
        Prefetch("emails", queryset=EmailAddress.objects.order_by("position", "id")),
        Prefetch("phones", queryset=Phone.objects.order_by("position", "id")),
    )


def _people_rows() -> Iterator[list]:
    yield PEOPLE_COLUMNS
    for person in people_with_contact_points().order_by("id").iterator(chunk_size=CHUNK):
        yield [
            person.pk,
            person.first_name,
            person.last_name,
            person.title,
            person.organization,
            person.industry,
            person.city,
            person.category,
            "; ".join(e.address for e in person.emails.all()),
            "; ".join(p.number for p in person.phones.all()),
            person.owner.email if person.owner else "",
            "yes" if person.do_not_contact else "",
            person.do_not_contact_since or "",
            person.legal_basis,
            person.source,
            person.source_detail,
            person.notes,
            timezone.localtime(person.created_at).isoformat(),
        ]


def _model_rows(model: type[models.Model]) -> Iterator[list]:
    fields = [f for f in model._meta.concrete_fields if f.name != "practice"]
    yield [f.attname for f in fields]
    for row in (
        model._default_manager.order_by("pk")
        .values_list(*[f.attname for f in fields])
        .iterator(chunk_size=CHUNK)
    ):
        yield [_cell(v) for v in row]


def _cell(value):
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else value


def csv_stream(key: str) -> Iterator[str]:
    """The rows of one data set as CSV text, a chunk at a time (UTF-8 with a BOM, so
    Excel opens accents correctly)."""
    rows = _people_rows() if key == "people" else _model_rows(apps.get_model(key))
    writer = csv.writer(_Echo())
    yield "\ufeff"
    buffer: list[str] = []
    for row in rows:
        buffer.append(writer.writerow(row))
        if len(buffer) >= CHUNK:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)


# --- vCard -----------------------------------------------------------------------------


def vcard_of(person: Person) -> str:
    card = vobject.vCard()
    card.add("n").value = vobject.vcard.Name(family=person.last_name, given=person.first_name)
    card.add("fn").value = person.full_name
    if person.organization:
        card.add("org").value = [person.organization]
    if person.title:
        card.add("title").value = person.title
    for email in person.emails.all():
        entry = card.add("email")
        entry.value = email.address
        entry.type_param = "INTERNET"
    for phone in person.phones.all():
        card.add("tel").value = phone.number
    if person.city:
        card.add("adr").value = vobject.vcard.Address(city=person.city)
    if person.notes:
        card.add("note").value = person.notes
    card.add("uid").value = f"person-{person.pk}@referable"
    return card.serialize()


def vcard_stream(people: models.QuerySet[Person] | None = None) -> Iterator[str]:
    people = people if people is not None else people_with_contact_points()
    buffer: list[str] = []
    for person in people.order_by("id").iterator(chunk_size=CHUNK):
        buffer.append(vcard_of(person))
        if len(buffer) >= 500:
            yield "".join(buffer)
            buffer = []
    yield "".join(buffer)


# --- the JSON archive of everything ---------------------------------------------------


def archive_models() -> list[type[models.Model]]:
    """Every table of practice rows, but for derived ones (``archived = False``): a
    summary is rebuilt from the rows the archive holds."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, PracticeOwned) and not m._meta.proxy and getattr(m, "archived", True)
    ]


def row_of(obj: models.Model) -> dict:
    fields = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name == "practice":
            continue
        value = field.value_from_object(obj)
        if isinstance(value, bytes | memoryview):
            value = {"base64": base64.b64encode(bytes(value)).decode()}
        fields[field.attname] = value
    return {"id": obj.pk, **fields}


def json_archive_stream(practice) -> Iterator[str]:
    """``{"format": …, "practice": …, "users": […], "tables": {"app.model": [rows]}}``,
    written table by table so that its size never sits in memory."""
    encoder = DjangoJSONEncoder()
    head = {
        "format": "referable-archive",
        "version": 1,
        "exported_at": timezone.now(),
        "practice": {
            "id": practice.pk,
            "name": practice.name,
            "slug": practice.slug,
            "time_zone": practice.time_zone,
        },
        "users": [
            {
                "id": u.pk,
                "email": u.email,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "role": u.role,
                "is_active": u.is_active,
            }
            for u in User.objects.filter(practice=practice).order_by("id")
        ],
    }
    yield encoder.encode(head)[:-1] + ', "tables": {'
    for number, model in enumerate(archive_models()):
        prefix = ", " if number else ""
        yield f'{prefix}"{model._meta.label_lower}": ['
        first = True
        buffer: list[str] = []
        for obj in model._default_manager.order_by("pk").iterator(chunk_size=CHUNK):
            buffer.append(("" if first else ", ") + encoder.encode(row_of(obj)))
            first = False
            if len(buffer) >= CHUNK:
                yield "".join(buffer)
                buffer = []
        yield "".join(buffer) + "]"
    yield "}}"


def collect(stream: Iterator[str]) -> str:
    out = io.StringIO()
    for part in stream:
        out.write(part)
    return out.getvalue()
