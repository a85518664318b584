"""Reads shared by the pages and the API, each with its joins decided once."""

from django.db.models import Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from referable.people.models import Connection, EmailAddress, Person, Phone, SearchTerm
from referable.people.search import prefix_range, query_words


def _matching(people: QuerySet[Person], query: str) -> QuerySet[Person]:
    """People with, for every word of ``query``, a word of their name, organization or
    e-mail starting with it (see people/search.py): one indexed range per word."""
    for word in query_words(query):
        low, high = prefix_range(word)
        matching = SearchTerm.objects.filter(term__gte=low, term__lt=high).values("person_id")
        people = people.filter(pk__in=matching)
    return people


def matching_person_ids(query: str) -> QuerySet[Person]:
    """For other areas' search boxes:
    ``Client.objects.filter(person__in=matching_person_ids(q))``."""
    return _matching(Person.objects.all(), query).values("pk")


#: a query whose rarest word starts fewer terms than this is answered by sorting its matches
NARROW = 5_000


def search_people(query: str = "", category: str = "") -> QuerySet[Person]:
    people = _matching(Person.objects.all(), query)
    if category:
        people = people.filter(category=category)
    if _is_narrow(query):
        # A planner that assumes matches are spread evenly through the alphabet walks
        # the name index expecting to meet a page of them soon; the Smiths come after
        # 160,000 names (1 s on PostgreSQL). Ordering by an expression that no index
        # gives makes it gather the few matches first and sort them.
        return people.order_by(Concat("sort_name", Value("")), "id")
    return people.order_by("sort_name", "id")


def _is_narrow(query: str) -> bool:
    """Whether few people can match: the longest word of the query (the likeliest
    to be rare) starts fewer than NARROW terms. Counted on the term index, capped."""
    words = query_words(query)
    if not words:
        return False
    low, high = prefix_range(max(words, key=len))
    return SearchTerm.objects.filter(term__gte=low, term__lt=high)[:NARROW].count() < NARROW


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
