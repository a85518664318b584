"""Reads shared by the pages and the API, each with its joins decided once."""

from django.db.models import Lookup, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat

from referable.people.models import Connection, EmailAddress, Person, Phone, SearchTerm
from referable.people.search import prefix_range, query_words


def _matching(people: QuerySet[Person], words: list[str]) -> QuerySet[Person]:
    """People with, for every one of ``words``, a word of their name, organization or
    e-mail starting with it (see people/search.py): one indexed range per word."""
    for word in words:
        low, high = prefix_range(word)
        matching = SearchTerm.objects.filter(term__gte=low, term__lt=high).values("person_id")
        people = people.filter(pk__in=matching)
    return people


def matching_person_ids(query: str) -> QuerySet[Person]:
    """For other areas' search boxes:
    ``Client.objects.filter(person__in=matching_person_ids(q))``."""
    return _matching(Person.objects.all(), query_words(query)).values("pk")


#: a query that fewer people than this match is answered from their ids
NARROW = 5_000


class _Among(Lookup):
    """``pk__among=ids``: the ids written into the SQL as numbers. Bound one by one,
    thousands of them cost PostgreSQL's driver 10 ms a query; each goes through
    ``int()``, so nothing but digits reaches the SQL."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        numbers = ",".join(str(int(i)) for i in self.rhs) or "NULL"
        return f"{lhs} IN ({numbers})", params


Person._meta.pk.register_lookup(_Among)


def search_people(query: str = "", category: str = "") -> QuerySet[Person]:
    words = query_words(query)
    few = _few_matching_ids(words) if words else None
    if few is None:
        people = _matching(Person.objects.all(), words)
        order = ("sort_name", "id")
    else:
        # Planners misjudge how many people a query finds: SQLite walked the name index
        # looking for the Smiths, who come after 160,000 names, and PostgreSQL read every
        # person to meet the 300 who are both "pioneer" and "dental" (1 s and 100 ms).
        # Given the ids, both fetch just those; ordering by an expression that no index
        # gives makes them sort the few rather than walk the many.
        people = Person.objects.filter(pk__among=few)
        order = (Concat("sort_name", Value("")), "id")
    if category:
        people = people.filter(category=category)
    return people.order_by(*order)


def _few_matching_ids(words: list[str]) -> list[int] | None:
    """The people matching every word, read from the term index alone (the intersection
    of each word's range), when fewer than NARROW do; otherwise None."""
    ranges = []
    for word in words:
        low, high = prefix_range(word)
        terms = SearchTerm.objects.filter(term__gte=low, term__lt=high)
        ranges.append(terms.values_list("person_id", flat=True))
    # one word needs no set operation: its few duplicates (a name also in an e-mail
    # address) are dropped here
    matching = ranges[0].intersection(*ranges[1:]) if len(ranges) > 1 else ranges[0]
    person_ids = set(matching[:NARROW])
    return None if len(person_ids) >= NARROW else sorted(person_ids)


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
