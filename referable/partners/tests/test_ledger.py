"""The ledger arithmetic, without the database."""

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from referable.partners import ledger

STAGES = [
    "received",
    "contacted",
    "meeting_set",
    "met",
    "sent",
    "engaged",
    "not_a_fit",
    "no_response",
]


def line(received=None, sent=None, **extra):
    defaults = {
        "partner_id": 1,
        "person_id": 2,
        "name": "Ann Lee",
        "profession": "attorney",
        "received": ledger.flow_from_stages(received or {}),
        "sent": ledger.flow_from_stages(sent or {}),
        "we_owe_feedback": 0,
        "they_owe_feedback": 0,
        "last_met": None,
        "since": date(2026, 1, 1),
        "cadence_days": 90,
        "today": date(2026, 6, 1),
    }
    return ledger.LedgerLine(**{**defaults, **extra})


def test_outcomes_are_sorted_and_only_engaged_referrals_carry_value():
    flow = ledger.flow_from_stages(
        {
            "received": (2, None),
            "met": (1, Decimal("999")),
            "engaged": (3, Decimal("1500.50")),
            "not_a_fit": (1, None),
            "no_response": (4, None),
        }
    )
    assert (flow.total, flow.open, flow.engaged, flow.not_a_fit, flow.no_response) == (
        11,
        3,
        3,
        1,
        4,
    )
    assert flow.value == Decimal("1500.50")
    assert flow.conversion == 3 / 8


def test_the_balance_is_received_minus_sent():
    lopsided = line(received={"engaged": (5, Decimal("100"))}, sent={"sent": (1, None)})
    assert lopsided.balance == 4 and lopsided.reciprocity == "They send more"
    assert line(received={"met": (2, None)}, sent={"sent": (2, None)}).reciprocity == "Balanced"
    assert line(received={"met": (1, None)}, sent={"sent": (6, None)}).reciprocity == "We send more"
    assert line(received={"met": (10, None)}, sent={"sent": (9, None)}).reciprocity == "About even"


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
        line(partner_id=1, name="Cy", received={"met": (1, None)}),
        line(partner_id=2, name="Ann", received={"met": (3, None)}),
        line(partner_id=3, name="Bo", received={"met": (1, None)}),
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


counts = st.dictionaries(
    st.sampled_from(STAGES),
    st.tuples(st.integers(0, 1000), st.none() | st.decimals(0, 10**6, places=2)),
)


@given(counts, counts)
def test_totals_add_up_whatever_the_stages(received, sent):
    entry = line(received=received, sent=sent)
    for flow, raw in ((entry.received, received), (entry.sent, sent)):
        assert flow.total == sum(n for n, _ in raw.values())
        assert flow.open + flow.closed == flow.total
        assert flow.value >= 0
    assert entry.balance == entry.received.total - entry.sent.total
    summary = ledger.totals([entry, entry])
    assert summary.balance == 2 * entry.balance
