"""Factories build rows through the same services the app uses, inside the scope of
the practice they belong to."""

from datetime import date, timedelta

from referable.clients import services
from referable.clients.models import Client, Expectation, IntroductionProfile
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today


def days_ago(n: int) -> date:
    return practice_today() - timedelta(days=n)


def make_client(practice, owner, *, person=None, **fields) -> Client:
    person = person or make_person(practice)
    data = {"owner": owner, "start_date": days_ago(400), "stage": "active", **fields}
    with practice_scope(practice):
        return services.create_client(practice, person, data)


def make_expectation(
    client: Client, text: str = "A call back within a day", **fields
) -> Expectation:
    data = {"text": text, "priority": 1, "category": "responsiveness", **fields}
    with practice_scope(client.practice_id):
        return services.add_expectation(client, data)


def check_in(client: Client, ratings: dict, overall: str = "meeting", **fields):
    with practice_scope(client.practice_id):
        return services.record_check_in(client, ratings, overall=overall, **fields)


def make_profile(practice, **fields) -> IntroductionProfile:
    data = {
        "name": "Finance leaders",
        "positions": "Chief Financial Officer\nController",
        "industries": "Technology",
        "traits": "",
        "why": "We look after the people who look after everyone else's plan.",
        "active": True,
        **fields,
    }
    with practice_scope(practice):
        return services.save_profile(practice, data)


def ready_client(practice, owner, **fields) -> Client:
    """A client whose pillars are sound: an expectation exceeded, trust rated 5."""
    client = make_client(practice, owner, **fields)
    expectation = make_expectation(client)
    check_in(client, {expectation.pk: "exceeding"}, overall="exceeding", held_on=days_ago(20))
    with practice_scope(practice):
        services.rate_trust(client, 5, rated_on=days_ago(10))
        client.refresh_from_db()
    return client
