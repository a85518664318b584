"""The attribution rule, without the database."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referable.events.attribution import EventFacts, EventResults, ReferralFacts, propose

T0 = datetime(2026, 3, 1, 19, tzinfo=UTC)


def event(event_id, days=0, attendees=(), guests=()):
    return EventFacts(
        event_id,
        f"Event {event_id}",
        T0 + timedelta(days=days),
        frozenset(attendees),
        frozenset(guests),
    )


def referral(referrer=1, prospect=2, days=10):
    return ReferralFacts(99, referrer, prospect, T0 + timedelta(days=days))


def test_a_referral_from_someone_who_attended_is_proposed_within_the_window():
    found = propose(referral(days=30), [event(1, attendees={1})], 180)
    assert found.event_id == 1 and "referrer attended" in found.reason
    assert propose(referral(days=181), [event(1, attendees={1})], 180) is None
    assert propose(referral(days=180), [event(1, attendees={1})], 180) is not None


def test_an_introduction_that_came_before_the_event_was_not_born_there():
    assert propose(referral(days=-1), [event(1, attendees={1}, guests={2})], 180) is None


def test_a_prospect_who_was_a_guest_is_stronger_evidence_than_a_referrer_who_came():
    events = [event(1, days=0, guests={2}), event(2, days=5, attendees={1})]
    found = propose(referral(days=10), events, 180)
    assert found.event_id == 1 and "was a guest" in found.reason


def test_among_equals_the_latest_event_wins():
    events = [event(1, days=0, attendees={1}), event(2, days=5, attendees={1})]
    assert propose(referral(days=10), events, 180).event_id == 2


def test_someone_invited_who_did_not_come_proves_nothing():
    assert propose(referral(), [event(1, attendees={7}, guests={8})], 180) is None


def test_cost_per_introduction():
    results = EventResults(30, 20, 4, 3, 1, Decimal("9000"), Decimal("4350"))
    assert results.cost_per_introduction == Decimal("1450.00")
    assert (
        EventResults(30, 20, 4, 0, 1, Decimal("0"), Decimal("4350")).cost_per_introduction is None
    )
    assert EventResults(30, 20, 4, 2, 0, Decimal("0"), None).cost_per_introduction is None


@given(
    st.lists(
        st.tuples(st.integers(-30, 400), st.booleans(), st.booleans()), min_size=0, max_size=6
    ),
    st.integers(-50, 500),
    st.integers(1, 365),
)
def test_a_proposal_always_names_an_event_that_matches_and_is_in_the_window(shape, day, window):
    events = [
        event(i, days=d, attendees={1} if came else (), guests={2} if guest else ())
        for i, (d, came, guest) in enumerate(shape)
    ]
    found = propose(referral(days=day), events, window)
    matching = [
        e
        for e in events
        if e.starts_at <= T0 + timedelta(days=day) <= e.starts_at + timedelta(days=window)
        and (1 in e.attendees or 2 in e.guests)
    ]
    assert (found is None) == (not matching)
    if found:
        assert found.event_id in {e.event_id for e in matching}
