"""Bulk loading for demo and benchmark data: rows read back exactly as the ORM would
have stored them, on SQLite and PostgreSQL alike."""

import datetime
import zoneinfo

import pytest

from referable.clients.models import CheckIn, Client
from referable.clients.tests.factories import make_client
from referable.practices.bulk import insert_instances, insert_rows, inserted_ids
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_insert_instances_gives_each_instance_its_id_and_stores_every_kind_of_value(
    practice, professional
):
    with practice_scope(practice):
        client = make_client(practice, professional)
        check_ins = [
            CheckIn(
                practice=practice,
                client=client,
                held_on=datetime.date(2026, 3, day),
                channel=CheckIn.Channel.VIDEO,
                overall="meeting",
                notes=f"note {day}",
                by=professional,
            )
            for day in (1, 2, 3)
        ]
        insert_instances(check_ins)

        stored = {c.pk: c for c in CheckIn.objects.filter(client=client)}
        assert [c.pk for c in check_ins] == sorted(stored)
        first = stored[check_ins[0].pk]
        assert first.channel == "video" and first.held_on == datetime.date(2026, 3, 1)
        assert first.by_id == professional.pk and first.updated_at is not None


def test_insert_rows_converts_aware_times_dates_and_choices(practice, professional):
    moment = datetime.datetime(2026, 7, 4, 9, 30, 15, 123456, tzinfo=NEW_YORK)
    with practice_scope(practice):
        client = make_client(practice, professional)
        insert_rows(
            CheckIn,
            (
                "practice",
                "client",
                "held_on",
                "channel",
                "overall",
                "notes",
                "introductions_discussed",
                "created_at",
                "updated_at",
            ),
            [
                (
                    practice.pk,
                    client.pk,
                    datetime.date(2026, 7, 4),
                    CheckIn.Channel.EVENT,
                    "below",
                    "",
                    True,
                    moment,
                    moment,
                ),
                (
                    practice.pk,
                    client.pk,
                    datetime.date(2026, 7, 5),
                    "phone",
                    "meeting",
                    "",
                    False,
                    moment,
                    moment,
                ),
            ],
        )
        ids = inserted_ids(CheckIn, practice, 2)
        first, second = (CheckIn.objects.get(pk=pk) for pk in ids)
    assert first.channel == "event" and second.channel == "phone"
    assert first.created_at == moment and second.updated_at == moment
    assert first.held_on == datetime.date(2026, 7, 4)


def test_json_fields_go_through_the_database_conversion(practice, professional):
    with practice_scope(practice):
        first = make_client(practice, professional)
        person, tier = first.person, first.tier
        Client.objects.filter(pk=first.pk).delete()
        client = Client(
            tier=tier,
            practice=practice,
            person=person,
            owner=professional,
            next_ask={"rung": "ready", "why": ["trust"]},
        )
        insert_instances([client])
        assert Client.objects.get(pk=client.pk).next_ask == {"rung": "ready", "why": ["trust"]}
