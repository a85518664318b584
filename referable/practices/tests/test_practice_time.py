"""A practice's day is its own. In New York, from seven every evening, UTC is already
on tomorrow: a date left to its default must still be the practice's today."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from referable.clients.tests.factories import make_client, make_expectation
from referable.partners.models import Gift
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import PRACTICE_TIME_ZONE

pytestmark = pytest.mark.django_db

#: 01:30 UTC on the 25th
EVENING_IN_NEW_YORK = datetime(2026, 11, 24, 20, 30, tzinfo=ZoneInfo(PRACTICE_TIME_ZONE))


def test_a_scope_makes_its_practice_time_zone_the_current_one(practice, other_practice):
    with practice_scope(practice.pk):
        assert timezone.get_current_timezone_name() == PRACTICE_TIME_ZONE
        with practice_scope(other_practice):
            assert timezone.get_current_timezone_name() == "Europe/London"
        assert timezone.get_current_timezone_name() == PRACTICE_TIME_ZONE
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_date_left_to_its_default_is_the_practice_today(practice, professional):
    client = make_client(practice, professional)
    with time_machine.travel(EVENING_IN_NEW_YORK, tick=False):
        expectation = make_expectation(client)
    assert expectation.asked_on == date(2026, 11, 24)


def test_in_the_evening_a_form_offers_the_practice_today_and_accepts_it(
    client_for, practice, professional
):
    person = make_person(practice, first_name="Gil", last_name="Gifted")
    url = reverse("partners:person-gifts", args=[person.pk])
    web = client_for(professional)
    with time_machine.travel(EVENING_IN_NEW_YORK, tick=False):
        assert 'value="2026-11-24"' in web.get(url).text
        response = web.post(
            url,
            {
                "direction": "given",
                "kind": "gift",
                "value": "40",
                "currency": "USD",
                "given_on": "2026-11-24",
                "description": "A bottle of wine",
            },
        )
    assert response.status_code == 302
    with practice_scope(practice):
        assert Gift.objects.get().given_on == date(2026, 11, 24)
