"""Reads shared by the pages and the API, each with its joins decided once."""

from django.db.models import Prefetch, Q, QuerySet

from referable.people.models import Connection, EmailAddress, Person, Phone


def search_people(query: str = "", category: str = "") -> QuerySet[Person]:
    """People whose name, organization or e-mail contains every word of ``query``.

    ``search_text`` is a lower-cased copy of those fields kept by the services, so one
    indexed column is scanned rather than a join per e-mail address."""
    people = Person.objects.all()
    for word in query.lower().split()[:5]:
        people = people.filter(search_text__contains=word)
    if category:
        people = people.filter(category=category)
    return people.order_by("sort_name", "id")


def with_contact_points(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.prefetch_related(
        Prefetch("emails", queryset=EmailAddress.objects.order_by("position", "id")),
        Prefetch("phones", queryset=Phone.objects.order_by("position", "id")),
    )


def person_detail(person_id: int) -> Person:
    """One person with everything the person page shows, in a fixed number of queries."""
    return with_contact_points(
        Person.objects.select_related("owner", "source_person", "brief")
    ).get(pk=person_id)


def connections_of(person: Person) -> QuerySet[Connection]:
    return (
        Connection.objects.filter(Q(person_a=person) | Q(person_b=person))
        .select_related("person_a", "person_b", "told_by")
        .order_by("-closeness", "id")
    )


def connection_of(person: Person, connection_id: int) -> Connection:
    return connections_of(person).get(pk=connection_id)
