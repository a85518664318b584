"""Every dashboard figure against numbers worked out by hand on the fixture (conftest.py).

The practice's referrals, January–March 2025 (New York time; the same-day clock is the
default: due by 17:30 on the working day received):

    ref  received         from (tier)   origin   method      relationship  furthest   first contact
    r1   Mon 6 Jan 10:00  client (Top)  client   letter      positive      engaged    2 h, on time
    r2   Wed 8 Jan 16:00  client (A)    client   call        negative      not a fit  18 h, late
    r3   Fri 31 Jan 23:30 partner       partner  e-mail      —             received   never (overdue)
    r4   Mon 3 Feb 09:00  client (Top)  event    three-way   positive      met        0.5 h, on time
    r5   Tue 4 Feb 11:00  contact       profile  letter      neutral       no answer  48 h, late
    r6   Mon 10 Feb 10:00 client (A)    client   letter      positive      engaged    1 h, on time
    r7   20 Dec 2024 (before the period), engaged 5 Jan 2025 (1,000)

r2 is a recommendation, the others introductions; r6 belongs to another professional.
r1 engaged on 20 Jan (5,000), r6 on 2 Mar (2,000).
"""

from decimal import Decimal

import pytest

from referable.insight import charts
from referable.insight.filters import Filters
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


def board(figures, **filters) -> charts.Dashboard:
    period = figures.period
    chosen = Filters(start=period.start, end=period.end, zone=period.zone, **filters)
    with practice_scope(figures.practice):
        return charts.build(chosen)


def rows(dashboard, key) -> list[list]:
    return dashboard.chart(key).rows


def test_introductions_by_source_kind_and_method_count_in_the_month_received(figures):
    b = board(figures)
    assert rows(b, "sources") == [
        # month, client, partner, event, profile, other, total (r1 and r4 were born at
        # an event, see test_introductions_born_at_events_count_once_confirmed)
        ["2025-01", 1, 1, 1, 0, 0, 3],
        ["2025-02", 1, 0, 1, 1, 0, 3],
        ["2025-03", 0, 0, 0, 0, 0, 0],
    ]
    assert rows(b, "kinds") == [
        # recommendation, introduction
        ["2025-01", 1, 2, 3],
        ["2025-02", 0, 3, 3],
        ["2025-03", 0, 0, 0],
    ]
    assert rows(b, "methods") == [
        # letter, introductory call, three-way, e-mail
        ["2025-01", 1, 1, 0, 1, 3],
        ["2025-02", 2, 0, 1, 0, 3],
        ["2025-03", 0, 0, 0, 0, 0],
    ]


def test_a_referral_received_late_on_the_last_evening_of_a_month_counts_in_that_month(figures):
    # r3 arrived on 31 January at 23:30 in New York, 04:30 on 1 February in UTC
    assert rows(board(figures), "sources")[0][2] == 1


def test_conversion_at_each_stage_counts_every_step_reached(figures):
    assert rows(board(figures), "funnel") == [
        ["Received", 6, 100.0, None],
        ["Contacted", 4, 66.7, 66.7],
        # r6 went from contacted straight to met: its meeting counts as set
        ["Meeting set", 3, 50.0, 75.0],
        ["Met", 3, 50.0, 100.0],
        ["Engaged", 2, 33.3, 66.7],
    ]


def test_conversion_by_month_by_method_and_by_relationship(figures):
    b = board(figures)
    assert rows(b, "conversion_by_month") == [
        ["2025-01", 3, 2, 1, 1, 1, 33.3],
        ["2025-02", 3, 2, 2, 2, 1, 33.3],
        ["2025-03", 0, 0, 0, 0, 0, None],
    ]
    assert rows(b, "conversion_by_method") == [
        ["Letter of introduction", 3, 2, 2, 2, 2, 66.7],
        ["Introductory phone call", 1, 1, 0, 0, 0, 0.0],
        ["Three-way lunch or coffee", 1, 1, 1, 1, 0, 0.0],
        ["E-mail introduction", 1, 0, 0, 0, 0, 0.0],
    ]
    assert rows(b, "conversion_by_sentiment") == [
        ["Positive", 3, 3, 3, 3, 2, 66.7],
        ["Neutral", 1, 0, 0, 0, 0, 0.0],
        ["Negative", 1, 1, 0, 0, 0, 0.0],
        ["Not recorded", 1, 0, 0, 0, 0, 0.0],
    ]


def test_same_day_response_and_time_to_first_contact(figures):
    b = board(figures)
    assert rows(b, "response") == [
        # received, on time, late, not yet due, on time (%)
        ["2025-01", 3, 1, 2, 0, 33.3],
        ["2025-02", 3, 2, 1, 0, 66.7],
        ["2025-03", 0, 0, 0, 0, None],
    ]
    assert rows(b, "first_contact") == [
        # contacted, median hours: (2 + 18) / 2 in January; 0.5, 1, 48 in February
        ["2025-01", 2, 10.0],
        ["2025-02", 3, 1.0],
        ["2025-03", 0, None],
    ]


def test_loop_closure_rate_and_time(figures):
    assert rows(board(figures), "loop") == [
        # feedback owed/given, thank-yous owed/given, closed (%), average days to close;
        # January's feedback includes r7's engagement news (owed 5 January)
        ["2025-01", 6, 1, 3, 2, 33.3, 2.0],
        ["2025-02", 5, 1, 3, 1, 25.0, 2.0],
        ["2025-03", 1, 0, 0, 0, 0.0, None],
    ]


def test_value_won_counts_in_the_month_engaged(figures):
    assert rows(board(figures), "value") == [
        ["2025-01", 2, Decimal("6000.00")],
        ["2025-02", 0, Decimal("0")],
        ["2025-03", 1, Decimal("2000.00")],
    ]


def test_the_books_health_clients_per_rung_and_what_holds_them_back(figures):
    b = board(figures)
    rungs = dict(rows(b, "rungs"))
    # five referring clients and one more without expectations, one below, one ready;
    # the former client is left out
    assert rungs == {
        "Earn first": 7,
        "Ask for the relationship": 1,
        "Share the profile": 0,
        "Invite a recommendation": 0,
        "Propose an introduction": 0,
        "No ask now": 0,
    }
    assert rows(b, "held_back") == [
        ["No expectations recorded yet", 6],
        ["An expectation is below", 1],
    ]


def test_headline_figures(figures):
    headlines = {h.label: (h.value, h.detail) for h in board(figures).headlines}
    assert headlines == {
        "Introductions received": ("6", ""),
        "Engaged": ("2", "33.3% of received"),
        "First contact on time": ("50.0%", "of 6 due"),
        "Median time to first contact": ("2.0 h", ""),
        "Loop closed": ("27.8%", "of 18 owed"),
        "Average time to close the loop": ("2.0 days", ""),
        "Value won (USD)": ("8,000.00", ""),
        "Clients ready for a request": ("1", "of 8"),
    }


def test_filtering_by_professional(figures):
    b = board(figures, owner_id=figures.pro.pk)
    assert [row[-1] for row in rows(b, "sources")] == [3, 2, 0]
    assert rows(b, "value") == [
        ["2025-01", 2, Decimal("6000.00")],
        ["2025-02", 0, Decimal("0")],
        ["2025-03", 0, Decimal("0")],
    ]
    assert sum(n for _label, n in rows(b, "rungs")) == 6


def test_filtering_by_the_referring_clients_tier(figures):
    b = board(figures, tier_id=figures.tiers["Top"].pk)
    assert [row[-1] for row in rows(b, "sources")] == [1, 1, 0]
    assert rows(b, "funnel")[-1][:2] == ["Engaged", 1]
    assert sum(n for _label, n in rows(b, "rungs")) == 4
    tier_a = board(figures, tier_id=figures.tiers["A"].pk)
    assert rows(tier_a, "value")[2] == ["2025-03", 1, Decimal("2000.00")]


def test_filtering_by_period(figures):
    period = figures.period
    february = Filters(
        start=period.start.replace(month=2),
        end=period.start.replace(month=2, day=28),
        zone=period.zone,
    )
    with practice_scope(figures.practice):
        b = charts.build(february)
    assert rows(b, "sources") == [["2025-02", 1, 0, 1, 1, 0, 3]]
    assert rows(b, "value") == [["2025-02", 0, Decimal("0")]]


def test_another_practices_numbers_never_count(figures):
    b = board(figures)
    assert "99,999" not in str([h.value for h in b.headlines])
    assert rows(b, "funnel")[0][1] == 6
    with practice_scope(figures.other_practice):
        theirs = charts.build(figures.period)
    assert rows(theirs, "funnel")[0][1] == 1
    assert rows(theirs, "value")[0] == ["2025-01", 1, Decimal("99999.00")]


def test_introductions_born_at_events_count_once_confirmed(figures):
    b = board(figures)
    assert rows(b, "events") == [
        # r6's attribution was dismissed; r1 engaged (5,000), r4 met
        ["New Year dinner", "2025-01-02", 2, 1, Decimal("5000.00"), Decimal("1500.00")],
    ]
    # r1, direct from a client, now counts as born at an event
    assert rows(b, "sources")[0] == ["2025-01", 1, 1, 1, 0, 0, 3]


def test_reciprocity_with_referral_partners(figures):
    b = board(figures)
    assert rows(b, "reciprocity_by_month") == [
        # received from partners, sent to partners, balance
        ["2025-01", 1, 1, 0],
        ["2025-02", 0, 1, -1],
        ["2025-03", 0, 1, -1],
    ]
    assert rows(b, "reciprocity") == [
        ["r3-referrer Example", 1, 2, -1, 0, 0, "About even"],
        ["Cora Cpa", 0, 1, -1, 0, 0, "About even"],
    ]
    mine = board(figures, owner_id=figures.pro.pk)
    assert [row[0] for row in rows(mine, "reciprocity")] == ["r3-referrer Example"]
