"""The first two pillars as pure functions: trust 0–100 with reasons, and the experience
against stated expectations."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from referable.clients.experience import experience_summary
from referable.clients.ladder import ExpectationFact
from referable.clients.trust import trust_score

TODAY = date(2026, 6, 1)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_a_new_client_without_ratings_starts_from_having_chosen_you():
    score = trust_score(today=TODAY, start_date=TODAY)
    assert score.score == 50
    assert [r.text for r in score.reasons][:2] == [
        "They placed their business with you",
        "No explicit rating yet",
    ]


def test_the_latest_explicit_rating_weighs_most():
    rising = trust_score(today=TODAY, start_date=TODAY, ratings=[(ago(200), 1), (ago(10), 5)])
    falling = trust_score(today=TODAY, start_date=TODAY, ratings=[(ago(200), 5), (ago(10), 1)])
    assert rising.score > 50 > falling.score
    assert "latest rating: 5/5" in rising.reasons[1].text


def test_tenure_adds_up_to_ten_points():
    two_years = trust_score(today=TODAY, start_date=ago(730))
    assert any(r.text == "Client for 24 months" and r.points == 8 for r in two_years.reasons)
    ten_years = trust_score(today=TODAY, start_date=ago(3650))
    assert max(r.points for r in ten_years.reasons if "Client for" in r.text) == 10


def test_check_in_results_move_trust_and_a_below_costs_most():
    good = trust_score(
        today=TODAY, start_date=TODAY, check_ins=[(ago(10), "exceeding"), (ago(100), "meeting")]
    )
    bad = trust_score(today=TODAY, start_date=TODAY, check_ins=[(ago(10), "below")])
    assert good.score == 57 and bad.score == 40
    assert "1 exceeding, 1 meeting" in good.reasons[-1].text


def test_promises_kept_and_missed_are_evidence():
    score = trust_score(today=TODAY, start_date=TODAY, kept=3, missed=1)
    assert [(r.text, r.points) for r in score.reasons[-2:]] == [
        ("3 promise(s) kept", 6),
        ("1 promise(s) missed", -6),
    ]


def test_a_prospect_starts_lower_than_a_client():
    assert trust_score(today=TODAY, start_date=None, stage="prospect").score == 25


ratings_st = st.lists(st.tuples(st.integers(0, 900).map(ago), st.integers(1, 5)), max_size=8)
check_ins_st = st.lists(
    st.tuples(st.integers(0, 900).map(ago), st.sampled_from(["below", "meeting", "exceeding"])),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    ratings_st,
    check_ins_st,
    st.integers(0, 20),
    st.integers(0, 20),
    st.integers(0, 4000),
    st.sampled_from(["prospect", "onboarding", "active"]),
)
def test_trust_is_0_to_100_and_its_reasons_add_up_to_it(
    ratings, check_ins, kept, missed, tenure, stage
):
    score = trust_score(
        today=TODAY,
        start_date=ago(tenure),
        stage=stage,
        ratings=ratings,
        check_ins=check_ins,
        kept=kept,
        missed=missed,
    )
    assert 0 <= score.score <= 100
    assert sum(r.points for r in score.reasons) == score.score


@settings(max_examples=200, deadline=None)
@given(ratings_st, check_ins_st, st.randoms(use_true_random=False))
def test_trust_never_depends_on_the_order_of_the_facts(ratings, check_ins, rnd):
    a = trust_score(today=TODAY, start_date=ago(500), ratings=ratings, check_ins=check_ins)
    rnd.shuffle(ratings)
    rnd.shuffle(check_ins)
    b = trust_score(today=TODAY, start_date=ago(500), ratings=ratings, check_ins=check_ins)
    assert a == b


def test_no_expectations_is_flagged():
    summary = experience_summary([])
    assert summary.flagged and summary.label == "No expectations recorded"
    assert "do not guess" in summary.reasons[0]


def test_any_expectation_below_makes_the_experience_below_with_its_name():
    summary = experience_summary(
        [ExpectationFact(1, "Call back", 1, "exceeding"), ExpectationFact(2, "Fees", 1, "below")]
    )
    assert summary.status == "below" and "“Fees”" in summary.reasons[0]


def test_mostly_exceeded_is_exceeding_and_merely_met_is_meeting():
    exceeding = experience_summary(
        [ExpectationFact(1, "A", 1, "exceeding"), ExpectationFact(2, "B", 1, "meeting")]
    )
    meeting = experience_summary(
        [ExpectationFact(1, "A", 1, "meeting"), ExpectationFact(2, "B", 1, "meeting")]
    )
    assert exceeding.status == "exceeding" and meeting.status == "meeting"
    assert "not yet remarkable" in meeting.reasons[0]


def test_expectations_never_checked_are_unrated():
    summary = experience_summary([ExpectationFact(1, "A", 1, "")])
    assert summary.status == "unrated" and not summary.flagged
