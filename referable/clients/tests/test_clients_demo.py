"""The demo builder and the bulk ladder, on a small practice of people and clients."""

import pytest

from referable.clients import demo as clients_demo
from referable.clients import ladder, queries, services
from referable.clients.models import Client
from referable.people import demo as people_demo
from referable.practices import demo as practices_demo
from referable.practices.demo import DemoPlan
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_practice(practice):
    plan = DemoPlan(people=400, seed=3, today=practice_today())
    plan.practice = practice
    with practice_scope(practice):
        practices_demo.build(practice, plan)
        people_demo.build(practice, plan)
        clients_demo.build(practice, plan)
    return practice, plan


def test_the_demo_shows_every_rung_and_every_guardrail(demo_practice):
    practice, plan = demo_practice
    shared = plan.shared["clients"]
    assert all(shared["by_rung"][rung] for rung in ladder.RUNGS), {
        rung: len(ids) for rung, ids in shared["by_rung"].items()
    }
    assert all(shared["by_guardrail"][g] for g in ladder.GUARDRAILS), {
        g: len(ids) for g, ids in shared["by_guardrail"].items()
    }
    with practice_scope(practice):
        assert Client.objects.count() == len(plan.shared["people"]["client"])
        answers = set(
            Client.objects.values_list("agreements__answer", flat=True).exclude(
                agreements__answer=None
            )
        )
    assert answers == {"agreed", "conditional", "declined"}


def test_reading_connections_only_where_they_matter_gives_the_same_answers(demo_practice):
    practice, _plan = demo_practice
    with practice_scope(practice):
        quick = queries.compute(Client.objects.all(), today=practice_today())
        full = queries.compute(Client.objects.all(), today=practice_today(), all_connections=True)
    assert {k: a.ask for k, a in quick.items()} == {k: a.ask for k, a in full.items()}
    assert any(a.ask.proposal for a in quick.values())


def test_the_stored_ladder_matches_a_fresh_computation(demo_practice):
    practice, _plan = demo_practice
    with practice_scope(practice):
        services.refresh_ladder(Client.objects.all())
        fresh = queries.next_asks_for(Client.objects.all())
        stored = dict(Client.objects.values_list("id", "rung"))
    assert {k: a.rung for k, a in fresh.items()} == stored
