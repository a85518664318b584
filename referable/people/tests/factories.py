"""Factories build rows through the same services the app uses, inside the scope of
the practice they belong to."""

import itertools

from referable.people import services
from referable.people.models import Connection, Person
from referable.practices.tenancy import practice_scope

_numbers = itertools.count(1)


def make_person(practice, *, emails=None, phones=(), **fields) -> Person:
    n = next(_numbers)
    data = {"first_name": f"Pat{n}", "last_name": "Example", **fields}
    if emails is None:
        emails = [f"pat{n}@example.com"]
    with practice_scope(practice):
        return services.create_person(practice, data, emails=emails, phones=list(phones))


def make_connection(a: Person, b: Person, **fields) -> Connection:
    data = {"kind": Connection.Kind.FRIEND, "closeness": 3, "sentiment": "positive", **fields}
    with practice_scope(a.practice_id):
        return services.connect(a, b, data)
