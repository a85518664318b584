"""The same-day clock across time zones, weekends, working hours and DST."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from referable.introductions.clock import (
    BUSINESS_DAYS,
    HOURS,
    SAME_DAY,
    Policy,
    first_contact_due,
    is_late,
    working_time_between,
)

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
ZONES = [NEW_YORK, LONDON, SYDNEY, ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Los_Angeles")]


def local(zone, *args):
    return datetime(*args, tzinfo=zone)


def test_a_referral_received_in_working_hours_is_due_by_the_end_of_that_day():
    due = first_contact_due(local(NEW_YORK, 2026, 11, 18, 10, 15), Policy(zone=NEW_YORK))
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 18, 17, 30)


def test_a_referral_received_after_hours_is_due_by_the_end_of_the_next_working_day():
    due = first_contact_due(local(NEW_YORK, 2026, 11, 18, 19, 0), Policy(zone=NEW_YORK))
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 19, 17, 30)


def test_a_referral_received_on_friday_evening_or_at_the_weekend_is_due_on_monday():
    policy = Policy(zone=NEW_YORK)
    for received in (
        local(NEW_YORK, 2026, 11, 20, 18, 0),
        local(NEW_YORK, 2026, 11, 21, 11, 0),
        local(NEW_YORK, 2026, 11, 22, 23, 59),
    ):
        assert first_contact_due(received, policy).astimezone(NEW_YORK) == local(
            NEW_YORK, 2026, 11, 23, 17, 30
        )


def test_a_referral_received_before_opening_is_due_the_same_day():
    due = first_contact_due(local(LONDON, 2026, 11, 18, 6, 0), Policy(zone=LONDON))
    assert due.astimezone(LONDON) == local(LONDON, 2026, 11, 18, 17, 30)


def test_the_same_instant_is_due_on_different_days_in_different_zones():
    received = datetime(2026, 11, 18, 23, 0, tzinfo=UTC)  # 18:00 in New York, 10:00 in Sydney
    assert first_contact_due(received, Policy(zone=NEW_YORK)).astimezone(NEW_YORK).date() == (
        local(NEW_YORK, 2026, 11, 19).date()
    )
    assert first_contact_due(received, Policy(zone=SYDNEY)).astimezone(SYDNEY) == local(
        SYDNEY, 2026, 11, 19, 17, 30
    )


def test_working_hours_policy_counts_only_working_time():
    policy = Policy(mode=HOURS, amount=4, zone=NEW_YORK)
    due = first_contact_due(local(NEW_YORK, 2026, 11, 20, 16, 0), policy)  # a Friday
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 23, 11, 30)


def test_business_days_policy_ends_with_the_nth_working_day():
    policy = Policy(mode=BUSINESS_DAYS, amount=2, zone=NEW_YORK)
    due = first_contact_due(local(NEW_YORK, 2026, 11, 19, 12, 0), policy)  # Thursday
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 23, 17, 30)


def test_working_days_and_hours_are_the_practices_own():
    policy = Policy(
        zone=NEW_YORK, day_starts=time(8), day_ends=time(13), working_days=frozenset({5})
    )  # Saturdays only, 8 to 1
    due = first_contact_due(local(NEW_YORK, 2026, 11, 18, 9, 0), policy)
    assert due.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 21, 13, 0)


def test_the_end_of_day_stays_at_local_time_across_a_dst_change():
    # Clocks go back in New York on 1 November 2026, forward in London on 29 March 2026
    autumn = first_contact_due(local(NEW_YORK, 2026, 10, 30, 20, 0), Policy(zone=NEW_YORK))
    assert autumn.astimezone(NEW_YORK) == local(NEW_YORK, 2026, 11, 2, 17, 30)
    assert autumn.utcoffset() == timedelta(0) and autumn.astimezone(
        NEW_YORK
    ).utcoffset() == timedelta(hours=-5)
    hours = Policy(mode=HOURS, amount=3, zone=LONDON, working_days=frozenset(range(7)))
    spring = first_contact_due(local(LONDON, 2026, 3, 28, 16, 0), hours)
    assert spring.astimezone(LONDON) == local(LONDON, 2026, 3, 29, 10, 30)


def test_lateness_is_judged_against_the_due_time():
    due = datetime(2026, 11, 18, 22, 30, tzinfo=UTC)
    assert not is_late(due, due - timedelta(minutes=1), due + timedelta(days=3))
    assert is_late(due, due + timedelta(minutes=1), due + timedelta(days=3))
    assert is_late(due, None, due + timedelta(seconds=1))
    assert not is_late(due, None, due)


def test_a_policy_with_no_working_day_or_an_inverted_day_is_refused():
    with pytest.raises(ValueError, match="working day"):
        Policy(working_days=frozenset())
    with pytest.raises(ValueError, match="start before"):
        Policy(day_starts=time(18), day_ends=time(9))


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(tzinfo=UTC)
)
policies = st.builds(
    Policy,
    mode=st.sampled_from([SAME_DAY, HOURS, BUSINESS_DAYS]),
    amount=st.integers(1, 30),
    zone=st.sampled_from(ZONES),
    day_starts=st.sampled_from([time(7), time(8, 30), time(9)]),
    day_ends=st.sampled_from([time(16), time(17, 30), time(19)]),
    working_days=st.frozensets(st.integers(0, 6), min_size=1),
)


@settings(max_examples=300, deadline=None)
@given(received=instants, policy=policies)
def test_first_contact_is_never_due_before_receipt_nor_outside_working_time(received, policy):
    due = first_contact_due(received, policy)
    assert due > received
    local_due = due.astimezone(policy.zone)
    assert local_due.weekday() in policy.working_days
    assert (
        policy.day_starts < local_due.time() <= policy.day_ends
        or local_due.time() == policy.day_ends
    )


@settings(max_examples=200, deadline=None)
@given(received=instants, policy=policies.filter(lambda p: p.mode == HOURS))
def test_the_hours_policy_allows_exactly_that_much_working_time(received, policy):
    due = first_contact_due(received, policy)
    assert working_time_between(received, due, policy) == timedelta(hours=policy.amount)


@settings(max_examples=200, deadline=None)
@given(received=instants, later=st.timedeltas(timedelta(0), timedelta(days=20)), policy=policies)
def test_a_later_referral_is_never_due_earlier(received, later, policy):
    assert first_contact_due(received + later, policy) >= first_contact_due(received, policy)


@settings(max_examples=200, deadline=None)
@given(received=instants, policy=policies)
def test_same_day_in_working_hours_means_the_same_local_date(received, policy):
    same_day = Policy(
        mode=SAME_DAY,
        zone=policy.zone,
        day_starts=policy.day_starts,
        day_ends=policy.day_ends,
        working_days=policy.working_days,
    )
    local_received = received.astimezone(policy.zone)
    due = first_contact_due(received, same_day).astimezone(policy.zone)
    if local_received.weekday() in policy.working_days and local_received.time() < policy.day_ends:
        assert due.date() == local_received.date()
    else:
        assert due.date() > local_received.date()
