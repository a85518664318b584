"""People and connections over HTTP. Endpoints parse, check the role, and call the
same services and queries as the pages."""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from referable.people import queries, services
from referable.people.models import Connection, Person
from referable.people.schemas import (
    BriefIn,
    BriefOut,
    ConnectionIn,
    ConnectionOut,
    ConnectionPatch,
    MergeIn,
    PersonIn,
    PersonOut,
    PersonPatch,
)
from referable.practices.models import User
from referable.practices.permissions import api_require

router = Router()


class PersonFilters(Schema):
    q: str = ""
    category: Person.Category | None = None


def _person(person_id: int) -> Person:
    return get_object_or_404(queries.with_contact_points(Person.objects.all()), pk=person_id)


def _resolve_ids(request, data: dict) -> dict:
    """Turns ``*_id`` fields into rows of the caller's practice, or a field error."""
    resolved = {}
    for key, value in data.items():
        if key == "owner_id":
            owner = (
                User.objects.filter(pk=value, practice_id=request.user.practice_id).first()
                if value
                else None
            )
            if value and owner is None:
                raise ValidationError({"owner_id": f"No user {value} in this practice."})
            resolved["owner"] = owner
        elif key in ("source_person_id", "told_by_id"):
            person = Person.objects.filter(pk=value).first() if value else None
            if value and person is None:
                raise ValidationError({key: f"No person {value} in this practice."})
            resolved[key.removesuffix("_id")] = person
        else:
            resolved[key] = value
    return resolved


@router.get("/people", response=list[PersonOut], tags=["people"], summary="List and search people")
@paginate(PageNumberPagination, page_size=50)
def list_people(request, filters: PersonFilters = Query(...)):
    return queries.with_contact_points(queries.search_people(filters.q, filters.category or ""))


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request, payload: PersonIn):
    api_require(request, "edit")
    data = payload.dict()
    emails, phones = data.pop("emails"), data.pop("phones")
    person = services.create_person(
        request.user.practice,
        _resolve_ids(request, data),
        emails=emails,
        phones=phones,
        by=request.user,
    )
    return Status(201, _person(person.pk))


@router.get("/people/{int:person_id}", response=PersonOut, tags=["people"])
def read_person(request, person_id: int):
    return _person(person_id)


@router.patch("/people/{int:person_id}", response=PersonOut, tags=["people"])
def update_person(request, person_id: int, payload: PersonPatch):
    api_require(request, "edit")
    person = _person(person_id)
    data = payload.dict(exclude_unset=True)
    emails, phones = data.pop("emails", None), data.pop("phones", None)
    services.update_person(
        person, _resolve_ids(request, data), emails=emails, phones=phones, by=request.user
    )
    return _person(person_id)


@router.delete("/people/{int:person_id}", response={204: None}, tags=["people"])
def delete_person(request, person_id: int):
    api_require(request, "delete")
    services.delete_person(_person(person_id), by=request.user)
    return Status(204, None)


@router.post(
    "/people/{int:person_id}/merge",
    response=PersonOut,
    tags=["people"],
    summary="Merge a duplicate into this person",
)
def merge_person(request, person_id: int, payload: MergeIn):
    api_require(request, "delete")
    keep = _person(person_id)
    duplicate = Person.objects.filter(pk=payload.duplicate_id).first()
    if duplicate is None:
        raise ValidationError(
            {"duplicate_id": f"No person {payload.duplicate_id} in this practice."}
        )
    services.merge_people(keep, duplicate, by=request.user)
    return _person(person_id)


@router.get("/people/{int:person_id}/brief", response=BriefOut, tags=["people"])
def read_brief(request, person_id: int):
    person = _person(person_id)
    brief = getattr(person, "brief", None)
    if brief is None:
        return BriefOut(person_id=person.pk)
    return brief


@router.put("/people/{int:person_id}/brief", response=BriefOut, tags=["people"])
def save_brief(request, person_id: int, payload: BriefIn):
    api_require(request, "edit")
    return services.save_research_brief(_person(person_id), payload.dict(), by=request.user)


@router.get(
    "/people/{int:person_id}/connections", response=list[ConnectionOut], tags=["connections"]
)
def person_connections(request, person_id: int):
    return list(queries.connections_of(_person(person_id)))


@router.get("/connections", response=list[ConnectionOut], tags=["connections"])
@paginate(PageNumberPagination, page_size=50)
def list_connections(
    request,
    q: str = "",
    kind: Connection.Kind | None = None,
    sentiment: Connection.Sentiment | None = None,
):
    """Connections, optionally only those of the people a search ``q`` finds."""
    connections = Connection.objects.order_by("id")
    if q.strip():
        found = queries.matching_person_ids(q)
        connections = connections.filter(Q(person_a__in=found) | Q(person_b__in=found))
    if kind:
        connections = connections.filter(kind=kind)
    if sentiment:
        connections = connections.filter(sentiment=sentiment)
    return connections


@router.post("/connections", response={201: ConnectionOut}, tags=["connections"])
def create_connection(request, payload: ConnectionIn):
    api_require(request, "edit")
    data = payload.dict()
    person = Person.objects.filter(pk=data.pop("person_id")).first()
    other = Person.objects.filter(pk=data.pop("other_id")).first()
    if person is None:
        raise ValidationError({"person_id": f"No person {payload.person_id} in this practice."})
    if other is None:
        raise ValidationError({"other_id": f"No person {payload.other_id} in this practice."})
    if data["noted_on"] is None:
        data.pop("noted_on")
    return Status(
        201, services.connect(person, other, _resolve_ids(request, data), by=request.user)
    )


def _connection(connection_id: int) -> Connection:
    return get_object_or_404(Connection.objects.all(), pk=connection_id)


@router.get("/connections/{int:connection_id}", response=ConnectionOut, tags=["connections"])
def read_connection(request, connection_id: int):
    return _connection(connection_id)


@router.patch("/connections/{int:connection_id}", response=ConnectionOut, tags=["connections"])
def update_connection(request, connection_id: int, payload: ConnectionPatch):
    api_require(request, "edit")
    data = _resolve_ids(request, payload.dict(exclude_unset=True))
    return services.update_connection(_connection(connection_id), data, by=request.user)


@router.delete("/connections/{int:connection_id}", response={204: None}, tags=["connections"])
def delete_connection(request, connection_id: int):
    api_require(request, "edit")
    services.remove_connection(_connection(connection_id), by=request.user)
    return Status(204, None)
