"""The ledger arithmetic, without the database."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referable.partners import ledger

NO_FLOW = {}


def flow(total=0, engaged=0, not_a_fit=0, no_response=0, value=None) -> ledger.Flow:
    return ledger.flow_from_counts(total, engaged, not_a_fit, no_response, value)


def line(received=None, sent=None, **extra):
    defaults = {
        "partner_id": 1,
        "person_id": 2,
        "name": "Ann Lee",
        "profession": "attorney",
        "received": flow(**(received or NO_FLOW)),
        "sent": flow(**(sent or NO_FLOW)),
        "we_owe_feedback": 0,
        "they_owe_feedback": 0,
        "last_met": None,
        "since": date(2026, 1, 1),
        "cadence_days": 90,
        "today": date(2026, 6, 1),
    }
    return ledger.LedgerLine(**{**defaults, **extra})


def test_what_has_no_outcome_yet_is_open_and_value_is_that_of_the_engaged():
    counted = flow(total=11, engaged=3, not_a_fit=1, no_response=4, value=Decimal("1500.50"))
    assert (counted.open, counted.closed, counted.value) == (3, 8, Decimal("1500.50"))
    assert counted.conversion == 3 / 8
    assert flow(total=2).conversion is None and flow(total=2).open == 2
    assert flow(total=1, engaged=1).value == Decimal("0")  # engaged, no value told yet
    assert flow() == ledger.NO_FLOW


def test_the_balance_is_received_minus_sent():
    lopsided = line(received={"total": 5, "engaged": 5, "value": Decimal("100")}, sent={"total": 1})
    assert lopsided.balance == 4 and lopsided.reciprocity == "They send more"
    assert line(received={"total": 2}, sent={"total": 2}).reciprocity == "Balanced"
    assert line(received={"total": 1}, sent={"total": 6}).reciprocity == "We send more"
    assert line(received={"total": 10}, sent={"total": 9}).reciprocity == "About even"


def test_a_partner_never_met_is_due_a_meeting_from_the_day_they_became_one():
    assert ledger.next_meeting_due(None, date(2026, 3, 1), 90) == date(2026, 3, 1)
    assert ledger.next_meeting_due(date(2026, 3, 1), date(2025, 1, 1), 90) == date(2026, 5, 30)
    met = line(last_met=date(2026, 4, 1))
    assert met.days_since_meeting == 61 and not met.meeting_due
    assert line(last_met=date(2026, 2, 1)).meeting_due


def test_periods_are_calendar_ranges_of_the_practice():
    today = date(2026, 8, 15)
    assert ledger.period_bounds("year", today) == (date(2026, 1, 1), date(2026, 8, 16))
    assert ledger.period_bounds("quarter", today) == (date(2026, 7, 1), date(2026, 8, 16))
    assert ledger.period_bounds("last_year", today) == (date(2025, 1, 1), date(2026, 1, 1))
    assert ledger.period_bounds("12m", today) == (date(2025, 8, 15), date(2026, 8, 16))
    assert ledger.period_bounds("all", today) == (None, None)
    assert ledger.period_bounds("nonsense", today) == ledger.period_bounds("year", today)


def test_the_scorecard_sorts_by_any_column_with_ties_in_name_order():
    lines = [
        line(partner_id=1, name="Cy", received={"total": 1}),
        line(partner_id=2, name="Ann", received={"total": 3}),
        line(partner_id=3, name="Bo", received={"total": 1}),
    ]
    assert [x.name for x in ledger.sort_lines(lines, "received", descending=True)] == [
        "Ann",
        "Bo",
        "Cy",
    ]
    assert [x.name for x in ledger.sort_lines(lines, "name", descending=False)] == [
        "Ann",
        "Bo",
        "Cy",
    ]
    assert [x.name for x in ledger.sort_lines(lines, "bogus", descending=False)] == [
        "Ann",
        "Bo",
        "Cy",
    ]
    never = line(partner_id=4, name="Di")
    recent = line(partner_id=5, name="Ed", last_met=date(2026, 5, 30))
    assert ledger.sort_lines([recent, never], "last_met", descending=True)[0].name == "Di"


@st.composite
def counts(draw) -> dict:
    """The columns one partner's rows aggregate to: outcomes never outnumber the total."""
    engaged, not_a_fit, no_response, still_open = (draw(st.integers(0, 1000)) for _ in range(4))
    return {
        "total": engaged + not_a_fit + no_response + still_open,
        "engaged": engaged,
        "not_a_fit": not_a_fit,
        "no_response": no_response,
        "value": draw(st.none() | st.decimals(0, 10**6, places=2)),
    }


@given(counts(), counts())
def test_totals_add_up_whatever_the_counts(received, sent):
    entry = line(received=received, sent=sent)
    for counted, raw in ((entry.received, received), (entry.sent, sent)):
        assert counted.total == raw["total"]
        assert counted.open + counted.closed == counted.total and counted.open >= 0
        assert counted.value >= 0
    assert entry.balance == entry.received.total - entry.sent.total
    summary = ledger.totals([entry, entry])
    assert summary.balance == 2 * entry.balance
