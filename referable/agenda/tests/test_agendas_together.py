"""The morning's agendas read together (queries.own_agendas, digest.build_digests) are
each user's own agenda, exactly: same counts, same items in the same order."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referable.agenda import digest, queries, services
from referable.agenda.tests.factories import make_rule, make_task
from referable.clients.tests.factories import make_client
from referable.introductions.tests.factories import make_referral
from referable.practices.roles import Role

pytestmark = pytest.mark.django_db


def alone(user, now, limit):
    return queries.agenda_for(queries.own_owners(user), zone=user.zone, now=now, limit=limit)


def assert_same(users, now, limit):
    together = queries.own_agendas(users, now=now, limit=limit)
    for user in users:
        expected = alone(user, now, limit)
        assert together[user.pk].counts == expected.counts
        assert [i.key for i in together[user.pk].items] == [i.key for i in expected.items]
        assert together[user.pk].items == expected.items


@pytest.fixture
def firm(in_practice, professional, make_user):
    """A professional with ties at the last item shown, a colleague who snoozed an
    item, an assistant, someone in Tokyo, and a manager with an empty agenda."""
    today = services.user_today(professional)
    for title in ("Pay the invoice", "Book the room", "Call the bank", "Draft the memo"):
        make_task(in_practice, professional, title=title, due_on=today)
    make_task(in_practice, professional, title="Late one", due_on=today - timedelta(days=3))
    # overdue, so that it is on the agenda whatever the hour or the day of the week
    make_referral(in_practice, by=professional, received_at=timezone.now() - timedelta(days=5))
    tier = make_client(in_practice, professional).tier
    make_rule(in_practice, tier, "touch", 30)
    colleague = make_user(Role.PROFESSIONAL)
    for days in (5, 2, 1):
        make_task(in_practice, colleague, title=f"{days} days ago", due_on=today - timedelta(days))
    make_client(in_practice, colleague)
    [item] = [i for i in alone(colleague, None, None).items if i.source == "expectations"]
    services.snooze(in_practice, item, today + timedelta(days=2), today=today, by=colleague)
    make_client(in_practice, colleague)
    tokyo = make_user(Role.PROFESSIONAL)
    tokyo.time_zone = "Asia/Tokyo"
    tokyo.save(update_fields=["time_zone"])
    make_task(in_practice, tokyo, title="Tokyo task")
    assistant = make_user(Role.ASSISTANT, acts_for=[professional])
    make_task(in_practice, assistant, title="Assistant's own")
    return [professional, colleague, tokyo, assistant, make_user(Role.MANAGER)]


@pytest.mark.parametrize("limit", [1, 2, 3, 5, 40, None])
def test_each_agenda_read_together_is_the_users_own(firm, limit):
    assert_same(firm, timezone.now(), limit)


def test_an_item_handed_over_is_on_the_new_agenda_only(in_practice, firm):
    professional, colleague = firm[0], firm[1]
    [task] = [i for i in alone(professional, None, 40).items if i.title == "Late one"]
    services.reassign(in_practice, task, colleague, by=professional)
    [contact] = [i for i in alone(professional, None, 40).items if i.source == "contact"]
    services.reassign(in_practice, contact, colleague, by=professional)
    assert_same(firm, timezone.now(), 40)
    together = queries.own_agendas(firm, limit=40)
    assert contact.key in [i.key for i in together[colleague.pk].items]
    assert contact.key not in [i.key for i in together[professional.pk].items]


def test_the_digests_built_together_are_those_built_one_by_one(firm):
    now = timezone.now()
    together = digest.build_digests(firm, now=now)
    for user in firm:
        one = digest.build_digest(user, now=now)
        assert (together[user.pk].subject, together[user.pk].text) == (one.subject, one.text)
        assert together[user.pk].html == one.html


def test_reading_more_agendas_together_takes_no_more_queries(in_practice, make_user):
    def professionals(n):
        users = []
        for _ in range(n):
            user = make_user(Role.PROFESSIONAL)
            make_task(in_practice, user, title="Call the bank")
            make_referral(in_practice, by=user)
            make_client(in_practice, user)
            users.append(user)
        return users

    def count(users):
        with CaptureQueriesContext(connection) as ctx:
            queries.own_agendas(users, limit=40)
        return len(ctx.captured_queries)

    few = count(professionals(2))
    assert count(professionals(6)) == few
