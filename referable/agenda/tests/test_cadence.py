"""The cadence arithmetic: pure, across time zones and changes of daylight-saving time."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referable.agenda import cadence
from referable.agenda.cadence import Rule, TouchSeen

ZONES = [
    ZoneInfo(name)
    for name in (
        "America/New_York",
        "Europe/London",
        "Australia/Sydney",
        "Asia/Kolkata",
        "Pacific/Chatham",
        "America/Sao_Paulo",
        "UTC",
    )
]
zones = st.sampled_from(ZONES)
instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.replace(tzinfo=UTC)
)
rules = st.builds(Rule, st.sampled_from(list(cadence.RESETS)), st.integers(1, 1830))
kinds = st.sampled_from(list(cadence.TOUCH_LABELS))
touches = st.lists(st.builds(TouchSeen, kinds, instants), max_size=8)
NY = ZoneInfo("America/New_York")


@given(rules, touches, zones, st.dates(date(2000, 1, 1), date(2039, 1, 1)))
def test_due_is_every_days_calendar_days_after_the_local_day_of_the_last_counting_touch(
    rule, seen, zone, since
):
    due = cadence.next_due(rule, seen, since=since, zone=zone)
    counting = [t for t in seen if t.kind in cadence.RESETS[rule.kind]]
    if counting:
        last_day = max(t.at.astimezone(zone).date() for t in counting)
        assert due.last_day == last_day
        assert due.due_on == last_day + timedelta(days=rule.every_days)
    else:
        assert due.last_touch is None
        assert due.due_on == since + timedelta(days=rule.every_days)


@given(rules, touches, kinds, instants, zones)
def test_any_matching_touch_resets_the_clock_and_others_do_not(rule, seen, kind, at, zone):
    since = date(1999, 1, 1)
    before = cadence.next_due(rule, seen, since=since, zone=zone).due_on
    after = cadence.next_due(rule, [*seen, TouchSeen(kind, at)], since=since, zone=zone).due_on
    if kind in cadence.RESETS[rule.kind]:
        assert after >= before
        assert after >= at.astimezone(zone).date() + timedelta(days=rule.every_days)
    else:
        assert after == before


@given(instants, zones)
def test_the_start_of_a_day_is_on_that_day_in_the_zone(at, zone):
    day = at.astimezone(zone).date()
    start = cadence.start_of_day(day, zone)
    assert start.astimezone(zone).date() == day
    assert start <= at or start.astimezone(zone).date() == day
    # nothing earlier on the same local day
    assert (start - timedelta(minutes=1)).astimezone(zone).date() < day


def test_a_call_late_in_the_evening_counts_on_the_local_day_not_the_utc_one():
    # 23:30 in New York on 3 March is 04:30 UTC on 4 March
    call = TouchSeen(cadence.CALL, datetime(2026, 3, 4, 4, 30, tzinfo=UTC))
    due = cadence.next_due(Rule(cadence.CHECK_IN, 30), [call], since=date(2025, 1, 1), zone=NY)
    assert due.last_day == date(2026, 3, 3)
    assert due.due_on == date(2026, 4, 2)


def test_ninety_days_across_the_spring_change_are_ninety_calendar_days():
    # a review on 1 March, before the clocks go forward on 8 March 2026
    review = TouchSeen(cadence.REVIEW, datetime(2026, 3, 1, 23, 30, tzinfo=NY))
    due = cadence.next_due(Rule(cadence.REVIEW, 90), [review], since=date(2025, 1, 1), zone=NY)
    assert due.due_on == date(2026, 5, 30)
    # 90 × 24 h later would already be 31 May, 00:30 local: the calendar wins
    elapsed = review.at.astimezone(UTC) + timedelta(hours=90 * 24)
    assert elapsed.astimezone(NY).date() == date(2026, 5, 31)


def test_a_day_that_starts_after_a_midnight_gap_still_has_a_start():
    # Santiago moved its clocks forward at midnight: 00:00 on 7 Sep 2025 did not exist
    santiago = ZoneInfo("America/Santiago")
    start = cadence.start_of_day(date(2025, 9, 7), santiago)
    assert start.astimezone(santiago).date() == date(2025, 9, 7)


def test_a_review_is_reset_by_a_meeting_but_not_by_an_email():
    since = date(2026, 1, 1)
    meeting = TouchSeen(cadence.MEETING, datetime(2026, 6, 1, 10, tzinfo=NY))
    email = TouchSeen(cadence.EMAIL, datetime(2026, 8, 1, 10, tzinfo=NY))
    rule = Rule(cadence.REVIEW, 90)
    assert cadence.next_due(rule, [meeting, email], since=since, zone=NY).due_on == date(
        2026, 8, 30
    )
    check_in = Rule(cadence.CHECK_IN, 90)
    assert cadence.next_due(check_in, [meeting, email], since=since, zone=NY).due_on == date(
        2026, 10, 30
    )


def test_a_tier_without_a_cadence_has_nothing_due():
    assert cadence.due_now([], [], since=date(2000, 1, 1), today=date(2026, 1, 1), zone=NY) == []


def test_check_ins_recorded_as_a_day_count_on_that_day():
    day = TouchSeen(cadence.CHECK_IN, date(2026, 2, 10))
    due = cadence.next_due(Rule(cadence.CHECK_IN, 10), [day], since=date(2025, 1, 1), zone=NY)
    assert due.due_on == date(2026, 2, 20)


def test_due_now_lists_the_most_overdue_first_and_says_why():
    rules_ = [Rule(cadence.REVIEW, 30), Rule(cadence.CHECK_IN, 10)]
    found = cadence.due_now(rules_, [], since=date(2026, 1, 1), today=date(2026, 3, 1), zone=NY)
    assert [d.rule.kind for d in found] == [cadence.CHECK_IN, cadence.REVIEW]
    assert "no touch since they became a client" in cadence.describe(found[0], date(2026, 3, 1))
    assert "49 days overdue" in cadence.describe(found[0], date(2026, 3, 1))


def test_bad_rules_and_naive_times_are_refused():
    with pytest.raises(ValueError):
        Rule("fortnightly", 14)
    with pytest.raises(ValueError):
        Rule(cadence.REVIEW, 0)
    with pytest.raises(ValueError):
        cadence.local_day(datetime(2026, 1, 1, 12), NY)


days_or_instants = st.one_of(instants, st.dates(date(2000, 1, 1), date(2039, 1, 1)))


@given(
    st.lists(rules, max_size=5, unique_by=lambda r: r.kind),
    st.lists(st.builds(TouchSeen, kinds, days_or_instants), max_size=8),
    zones,
    st.dates(date(2000, 1, 1), date(2039, 1, 1)),
    st.dates(date(2000, 1, 1), date(2045, 1, 1)),
)
def test_the_rules_due_today_are_those_next_due_finds_due(tier, seen, zone, since, today):
    expected = [
        due
        for due in (cadence.next_due(rule, seen, since=since, zone=zone) for rule in tier)
        if due.is_due(today)
    ]
    expected.sort(key=lambda d: (d.due_on, d.rule.kind))
    assert cadence.due_now(tier, seen, since=since, today=today, zone=zone) == expected
