"""The ladder engine, without a database: every rule, then properties with hypothesis."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from referable.clients import ladder
from referable.clients.ladder import (
    CheckInFact,
    ClientFacts,
    ConnectionFact,
    ExpectationFact,
    Guardrails,
    ProfileFact,
    RequestFact,
    language_problems,
    next_ask,
)

TODAY = date(2026, 6, 1)
RAILS = Guardrails()


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def facts(**overrides) -> ClientFacts:
    """A client with sound pillars and nothing asked yet."""
    base = {
        "client_id": 1,
        "name": "Linda Park",
        "today": TODAY,
        "trust": 80,
        "expectations": (ExpectationFact(1, "A call back within a day", 1, "exceeding"),),
        "check_ins": (CheckInFact(ago(30), "exceeding"),),
        "profiles": (ProfileFact(1, "Finance leaders", ("Controller",), ("Technology",)),),
    }
    return ClientFacts(**{**base, **overrides})


AGREED = RequestFact("relationship", ago(400), "agreed")
SHARED = RequestFact("profile", ago(300))
FRIEND = ConnectionFact(10, "Amy Lewis", "positive", 5, title="Controller")


# --- the rungs ---------------------------------------------------------------------------


def test_a_client_with_sound_pillars_and_nothing_asked_is_asked_for_the_relationship():
    ask = next_ask(facts())
    assert ask.rung == ladder.ASK_RELATIONSHIP
    assert "not for names" in ask.reasons[0]
    assert ask.script.startswith("Linda, thank you for choosing to work with us")


def test_after_the_relationship_is_agreed_the_profile_is_shared():
    assert next_ask(facts(requests=(AGREED,))).rung == ladder.SHARE_PROFILE


def test_sharing_the_profile_notes_when_the_practice_has_none():
    ask = next_ask(facts(requests=(AGREED,), profiles=()))
    assert ask.rung == ladder.SHARE_PROFILE
    assert any("no introduction profile" in r for r in ask.reasons)


def test_after_the_profile_a_recommendation_is_invited_when_trust_is_moderate():
    ask = next_ask(facts(trust=65, requests=(AGREED, SHARED), connections=(FRIEND,)))
    assert ask.rung == ladder.INVITE_RECOMMENDATION


def test_with_more_trust_an_introduction_to_a_named_connection_is_proposed():
    ask = next_ask(facts(trust=90, requests=(AGREED, SHARED), connections=(FRIEND,)))
    assert ask.rung == ladder.PROPOSE_INTRODUCTION
    assert ask.proposal.person_id == 10 and ask.proposal.matches == ("Finance leaders",)
    assert "Amy Lewis" in ask.script


def test_trust_between_the_rungs_means_earning_more_after_a_recommendation():
    invited = RequestFact("recommendation", ago(200), "agreed")
    ask = next_ask(facts(trust=65, requests=(AGREED, SHARED, invited)))
    assert ask.rung == ladder.EARN_TRUST and "needs trust of 75" in ask.reasons[0]


def test_trust_under_the_recommendation_level_earns_first():
    ask = next_ask(facts(trust=55, requests=(AGREED, SHARED)))
    assert ask.rung == ladder.EARN_TRUST


def test_a_former_client_is_asked_nothing_and_a_prospect_earns_trust_first():
    assert next_ask(facts(stage="former")).rung == ladder.NONE
    assert next_ask(facts(stage="prospect")).rung == ladder.EARN_TRUST


def test_with_high_trust_and_nobody_to_propose_there_is_no_ask_and_no_cornering():
    invited = RequestFact("recommendation", ago(200), "agreed")
    ask = next_ask(facts(trust=95, requests=(AGREED, SHARED, invited)))
    assert ask.rung == ladder.NONE and "never put them on the spot" in ask.reasons[0]


# --- methods by relationship ----------------------------------------------------------------


def _proposal(connection: ConnectionFact, rails: Guardrails = RAILS):
    ask = next_ask(facts(trust=90, requests=(AGREED, SHARED), connections=(connection,)), rails)
    return ask


def test_a_very_close_positive_connection_gets_a_three_way_lunch():
    assert _proposal(replace(FRIEND, closeness=5)).proposal.method == ladder.LUNCH


def test_a_close_positive_connection_gets_an_introductory_call():
    assert _proposal(replace(FRIEND, closeness=4)).proposal.method == ladder.CALL


def test_a_neutral_connection_gets_a_letter_of_introduction():
    ask = _proposal(replace(FRIEND, sentiment="neutral", closeness=5))
    assert ask.proposal.method == ladder.LETTER
    assert "exactly that time" in " ".join(ask.reasons)


def test_a_negative_connection_gets_the_strongest_method_with_the_reason():
    ask = _proposal(replace(FRIEND, sentiment="negative", closeness=2))
    assert ask.proposal.method == ladder.LUNCH
    assert any("position of weakness" in r for r in ask.reasons)


def test_a_practice_may_choose_never_to_propose_negative_connections():
    ask = _proposal(
        replace(FRIEND, sentiment="negative"), replace(RAILS, negative_connections="skip")
    )
    assert ask.proposal is None


def test_profile_matches_come_first_then_positive_and_close():
    stranger = ConnectionFact(11, "Bo Chen", "positive", 5, title="Teacher")
    fit = ConnectionFact(12, "Cy Diaz", "neutral", 2, industry="Technology")
    ask = next_ask(facts(trust=90, requests=(AGREED, SHARED), connections=(stranger, fit)))
    assert ask.proposal.person_id == 12


def test_existing_clients_and_people_already_proposed_are_not_proposed_again():
    client = ConnectionFact(13, "Di Evans", "positive", 5, is_client=True)
    proposed = RequestFact("introduction", ago(200), "agreed", person_id=10)
    ask = next_ask(
        facts(trust=90, requests=(AGREED, SHARED, proposed), connections=(FRIEND, client))
    )
    assert ask.proposal is None


# --- guardrails ----------------------------------------------------------------------------


def test_no_request_while_any_expectation_is_below():
    below = ExpectationFact(2, "Plain-language reports", 2, "below")
    ask = next_ask(facts(expectations=(*facts().expectations, below), requests=(AGREED,)))
    assert ask.rung == ladder.EARN_TRUST and ask.guardrail == ladder.G_BELOW
    assert "Plain-language reports" in ask.reasons[0]


def test_a_client_with_no_recorded_expectations_is_flagged_not_asked():
    ask = next_ask(facts(expectations=()))
    assert (
        ask.guardrail == ladder.G_NO_EXPECTATIONS and "ask them what they expect" in ask.reasons[0]
    )


def test_no_request_while_trust_is_under_the_threshold():
    ask = next_ask(facts(trust=49))
    assert ask.rung == ladder.EARN_TRUST and ask.guardrail == ladder.G_TRUST
    assert "threshold of 50" in ask.reasons[0]
    assert next_ask(facts(trust=49), replace(RAILS, trust_threshold=40)).rung != ladder.EARN_TRUST


def test_a_decline_starts_a_cool_down_then_the_relationship_is_offered_again():
    declined = RequestFact("relationship", ago(30), "declined")
    ask = next_ask(facts(requests=(declined,)))
    assert ask.rung == ladder.NONE and ask.guardrail == ladder.G_COOLDOWN
    later = next_ask(facts(requests=(declined,), today=TODAY + timedelta(days=61)))
    assert later.rung == ladder.ASK_RELATIONSHIP and "declined" in later.reasons[0]


def test_the_cool_down_length_is_the_practices():
    declined = RequestFact("relationship", ago(30), "declined")
    assert next_ask(facts(requests=(declined,)), replace(RAILS, cooldown_days=20)).rung == (
        ladder.ASK_RELATIONSHIP
    )


def test_lets_see_how_it_goes_waits_for_a_check_in_at_meeting_or_exceeding():
    conditional = RequestFact("relationship", ago(20), "conditional")
    waiting = next_ask(facts(requests=(conditional,)))
    assert waiting.rung == ladder.EARN_TRUST and waiting.guardrail == ladder.G_CONDITIONAL
    below = next_ask(facts(requests=(conditional,), check_ins=(CheckInFact(ago(5), "below"),)))
    assert below.guardrail == ladder.G_CONDITIONAL
    passed = next_ask(facts(requests=(conditional,), check_ins=(CheckInFact(ago(5), "meeting"),)))
    assert passed.rung == ladder.SHARE_PROFILE


def test_at_most_n_requests_per_period():
    recent = (RequestFact("relationship", ago(50), "agreed"), RequestFact("profile", ago(10)))
    ask = next_ask(facts(requests=recent))
    assert ask.rung == ladder.NONE and ask.guardrail == ladder.G_CAP
    assert next_ask(facts(requests=recent), replace(RAILS, max_requests=3)).rung != ladder.NONE
    assert next_ask(facts(requests=recent), replace(RAILS, period_days=40)).rung != ladder.NONE


def test_nothing_involves_a_client_who_asked_not_to_be_contacted():
    ask = next_ask(facts(do_not_contact=True))
    assert ask.rung == ladder.NONE and ask.guardrail == ladder.G_DO_NOT_CONTACT
    assert ask.script == ""


def test_a_connection_who_asked_not_to_be_contacted_is_never_proposed():
    ask = _proposal(replace(FRIEND, do_not_contact=True))
    assert ask.proposal is None
    assert any("asked not to be contacted" in r for r in ask.reasons)


# --- scripts and language --------------------------------------------------------------------


def test_the_default_scripts_never_say_referral_nor_corner():
    for text in ladder.DEFAULT_SCRIPTS.values():
        assert language_problems(text) == []


def test_cornering_and_the_word_referral_are_caught():
    assert language_problems("Who do you know who could use us?")
    assert language_problems("Do you know anyone who needs a planner?")
    assert language_problems("Thanks for the referral!")
    assert language_problems("We would value an introduction.") == []


def test_the_practices_own_script_is_used_and_filled_in():
    ask = next_ask(facts(), scripts={"relationship": "{client}, may we stay in touch?"})
    assert ask.script == "Linda, may we stay in touch?"


def test_a_practice_script_that_corners_is_replaced_by_the_default():
    ask = next_ask(facts(), scripts={"relationship": "{client}, who do you know who needs us?"})
    assert "who do you know" not in ask.script.lower()
    assert any("set aside" in r for r in ask.reasons)


def test_next_ask_round_trips_through_a_dict():
    ask = _proposal(FRIEND)
    assert ladder.NextAsk.from_dict(ask.as_dict()) == ask


# --- properties ----------------------------------------------------------------------------

ratings = st.sampled_from(["", "below", "meeting", "exceeding"])
answers = st.sampled_from(["agreed", "conditional", "declined"])
days = st.integers(min_value=0, max_value=800)

expectation_st = st.builds(
    ExpectationFact,
    id=st.integers(1, 50),
    text=st.sampled_from(["Call back", "Plain reports", "Quarterly review"]),
    priority=st.integers(1, 3),
    latest_rating=ratings,
)
check_in_st = st.builds(
    CheckInFact,
    held_on=days.map(ago),
    overall=st.sampled_from(["below", "meeting", "exceeding"]),
)
request_st = st.one_of(
    st.builds(RequestFact, kind=st.just("relationship"), on=days.map(ago), answer=answers),
    st.builds(RequestFact, kind=st.just("profile"), on=days.map(ago), answer=st.just("")),
    st.builds(RequestFact, kind=st.just("recommendation"), on=days.map(ago), answer=answers),
    st.builds(
        RequestFact,
        kind=st.just("introduction"),
        on=days.map(ago),
        answer=answers,
        person_id=st.integers(100, 110),
    ),
)
connection_st = st.builds(
    ConnectionFact,
    person_id=st.integers(100, 110),
    name=st.sampled_from(["Amy Lewis", "Bo Chen", "Cy Diaz"]),
    sentiment=st.sampled_from(["positive", "neutral", "negative"]),
    closeness=st.integers(1, 5),
    do_not_contact=st.booleans(),
    is_client=st.booleans(),
    title=st.sampled_from(["", "Controller", "Teacher"]),
    industry=st.sampled_from(["", "Technology", "Retail"]),
)
rails_st = st.builds(
    Guardrails,
    trust_threshold=st.integers(0, 100),
    recommendation_trust=st.integers(0, 100),
    introduction_trust=st.integers(0, 100),
    cooldown_days=st.integers(0, 400),
    max_requests=st.integers(1, 5),
    period_days=st.integers(1, 400),
    negative_connections=st.sampled_from(["strongest", "skip"]),
)
facts_st = st.builds(
    ClientFacts,
    client_id=st.just(1),
    name=st.just("Linda Park"),
    today=st.just(TODAY),
    trust=st.integers(0, 100),
    stage=st.sampled_from(["onboarding", "active", "active", "former", "prospect"]),
    do_not_contact=st.booleans(),
    expectations=st.lists(expectation_st, max_size=4).map(tuple),
    check_ins=st.lists(check_in_st, max_size=5).map(tuple),
    requests=st.lists(request_st, max_size=6).map(tuple),
    connections=st.lists(connection_st, max_size=5).map(tuple),
    profiles=st.just(facts().profiles),
)


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st)
def test_never_a_request_while_an_expectation_is_below(f, rails):
    ask = next_ask(f, rails)
    if any(e.latest_rating == "below" for e in f.expectations):
        assert not ask.is_request


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st)
def test_never_a_request_under_the_trust_threshold_or_within_a_cool_down(f, rails):
    ask = next_ask(f, rails)
    declines = [r.on for r in f.requests if r.answer == "declined"]
    if f.trust < rails.trust_threshold:
        assert not ask.is_request
    if declines and max(declines) + timedelta(days=rails.cooldown_days) > TODAY:
        assert not ask.is_request


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st)
def test_never_an_introduction_to_a_do_not_contact_person_nor_for_one(f, rails):
    ask = next_ask(f, rails)
    if f.do_not_contact:
        assert ask.rung == ladder.NONE
    if ask.proposal:
        dnc = {c.person_id for c in f.connections if c.do_not_contact}
        assert ask.proposal.person_id not in dnc
        assert f.trust >= rails.introduction_trust


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st)
def test_never_more_requests_than_the_cap_allows(f, rails):
    ask = next_ask(f, rails)
    window = [r for r in f.requests if ago(0) - timedelta(days=rails.period_days) < r.on]
    if len(window) >= rails.max_requests:
        assert not ask.is_request


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st, st.randoms(use_true_random=False))
def test_the_answer_never_depends_on_the_order_of_the_facts(f, rails, rnd):
    shuffled = {}
    for field in ("expectations", "check_ins", "requests", "connections"):
        items = list(getattr(f, field))
        rnd.shuffle(items)
        shuffled[field] = tuple(items)
    assert next_ask(replace(f, **shuffled), rails) == next_ask(f, rails)


@settings(max_examples=300, deadline=None)
@given(facts_st, rails_st)
def test_the_words_suggested_never_corner_nor_say_referral(f, rails):
    ask = next_ask(f, rails)
    assert language_problems(ask.script) == []
    assert ask.reasons, "every answer says why"
    assert ask.rung in ladder.RUNGS
