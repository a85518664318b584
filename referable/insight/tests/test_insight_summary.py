"""The monthly summary: the dashboard it draws is the dashboard of the source rows, for
any period and tier, before and after every kind of change, and it is current again
once the worker has run."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from referable.clients import services as client_services
from referable.clients.models import Client
from referable.events import services as event_services
from referable.events.models import EventAttribution
from referable.insight import charts, summary
from referable.insight.filters import Filters
from referable.insight.models import SummarizedMonth
from referable.insight.tests.conftest import _referral, at
from referable.introductions import services
from referable.introductions.models import FeedbackDebt, HeldEmail, Referral
from referable.outbox import testing
from referable.people import services as people_services
from referable.practices.models import Practice
from referable.practices.roles import Role
from referable.practices.services import add_user
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db

LATER = at("2025-06-01", "12:00")


def period(figures, **chosen) -> Filters:
    base = figures.period
    return Filters(**{"start": base.start, "end": base.end, "zone": base.zone, **chosen})


def drawn(board: charts.Dashboard) -> tuple:
    """Everything the page, the CSV and the API show."""
    return [(c.key, c.rows) for c in board.charts], [vars(h) for h in board.headlines]


def from_source(figures, filters: Filters, now=LATER) -> tuple:
    """The dashboard with no summary at all: every figure from the source rows."""
    with practice_scope(figures.practice), transaction.atomic():
        SummarizedMonth.objects.all().delete()
        board = charts.build(filters, now=now)
        transaction.set_rollback(True)
    return drawn(board)


def from_summary(figures, filters: Filters, now=LATER) -> tuple:
    with practice_scope(figures.practice):
        return drawn(charts.build(filters, now=now))


def summarized(figures, filters: Filters) -> set[str]:
    with practice_scope(figures.practice):
        months = summary.summarized_months(filters)
    return {filters.months[i].label for i in months}


def refresh(figures, **options) -> int:
    with practice_scope(figures.practice):
        return summary.refresh(figures.practice, **options)


def test_the_summary_draws_the_dashboard_of_the_source_rows(figures):
    assert refresh(figures) >= 3
    for chosen in ({}, {"tier_id": figures.tiers["Top"].pk}, {"tier_id": figures.tiers["A"].pk}):
        filters = period(figures, **chosen)
        assert summarized(figures, filters) == {"2025-01", "2025-02", "2025-03"}
        assert from_summary(figures, filters) == from_source(figures, filters)


def test_one_professionals_dashboard_reads_the_source_rows(figures):
    refresh(figures)
    mine = period(figures, owner_id=figures.pro.pk)
    assert summarized(figures, mine) == set()
    assert from_summary(figures, mine) == from_source(figures, mine)


def test_introductions_not_due_yet_are_neither_late_nor_counted_as_such(figures):
    refresh(figures)
    # 23:45 on 31 January: r3, received at 23:30, is not due before the next working day
    evening = at("2025-01-31", "23:45")
    filters = period(figures)
    assert from_summary(figures, filters, evening) == from_source(figures, filters, evening)
    assert "2025-01" in summarized(figures, filters)
    response = dict(from_summary(figures, filters, evening)[0])["response"]
    assert response[0] == ["2025-01", 3, 1, 1, 1, 50.0]


def test_introductions_received_today_are_late_only_once_due(figures):
    received = timezone.now() - timedelta(minutes=5)
    fresh = _referral(figures.practice, "today", owner=figures.pro, received=received)
    with practice_scope(figures.practice):
        Referral.objects.filter(pk=fresh.pk).update(
            first_contact_due_at=received + timedelta(hours=3)
        )
    refresh(figures)
    today = timezone.localdate(timezone=figures.period.zone)
    filters = Filters(start=today.replace(day=1), end=today, zone=figures.period.zone)
    for now in (timezone.now(), timezone.now() + timedelta(days=10)):
        assert summarized(figures, filters) == {filters.months[0].label}
        assert from_summary(figures, filters, now) == from_source(figures, filters, now)
    waiting = dict(from_summary(figures, filters, timezone.now())[0])["response"][0]
    assert waiting[1:5] == [1, 0, 0, 1]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.dates(date(2024, 12, 1), date(2025, 3, 31)),
    days=st.integers(0, 120),
    tier=st.sampled_from([None, "Top", "A", "B"]),
)
def test_any_period_and_tier_reads_the_same_figures(figures, start, days, tier):
    refresh(figures)
    filters = period(
        figures,
        start=start,
        end=start + timedelta(days=days),
        tier_id=figures.tiers[tier].pk if tier else None,
    )
    assert from_summary(figures, filters) == from_source(figures, filters)


def _move_r4_to_engaged(figures):
    services.move_stage(
        figures.referrals["r4"], "engaged", at=at("2025-03-05"), value=Decimal("700")
    )


def _pay_r2_feedback(figures):
    debt = FeedbackDebt.objects.get(referral=figures.referrals["r2"], outcome="contacted")
    services.pay_debt(debt, note="Told them.")


def _move_r1_referrer_to_tier_b(figures):
    client = Client.objects.get(person=figures.referrals["r1"].referrer)
    client_services.update_client(client, {"tier": figures.tiers["B"]})


def _confirm_the_dismissed_attribution(figures):
    found = EventAttribution.objects.get(referral=figures.referrals["r6"])
    found.dismissed = False
    found.save()
    event_services.confirm_attribution(found)


def _sour_r1_relationship(figures):
    people_services.update_connection(figures.referrals["r1"].connection, {"sentiment": "negative"})


def _delete_r5(figures):
    Referral.objects.get(pk=figures.referrals["r5"].pk).delete()


def _record_a_late_february_referral(figures):
    _referral(
        figures.practice,
        "late",
        owner=figures.pro,
        tier=figures.tiers["A"],
        received=at("2025-02-26", "15:00"),
        steps=[("contacted", at("2025-02-28", "10:00"))],
    )


CHANGES = [
    (_move_r4_to_engaged, {"2025-02", "2025-03"}),
    (_pay_r2_feedback, {"2025-01"}),
    (_move_r1_referrer_to_tier_b, {"2025-01"}),
    (_confirm_the_dismissed_attribution, {"2025-02"}),
    (_sour_r1_relationship, {"2025-01"}),
    (_delete_r5, {"2025-02"}),
    (_record_a_late_february_referral, {"2025-02"}),
]


@pytest.mark.parametrize("change,months", CHANGES, ids=[c.__name__[1:] for c, _m in CHANGES])
def test_a_change_is_shown_at_once_and_summarized_by_the_worker(figures, change, months):
    refresh(figures)
    views = [period(figures), period(figures, tier_id=figures.tiers["Top"].pk)]
    before = [from_summary(figures, v) for v in views]
    with practice_scope(figures.practice):
        change(figures)
    # the months changed are read from the source rows until summarized again
    assert summarized(figures, views[0]) == {"2025-01", "2025-02", "2025-03"} - months
    now = [from_source(figures, v) for v in views]
    assert now != before
    assert [from_summary(figures, v) for v in views] == now
    testing.tick(LATER)
    assert summarized(figures, views[0]) == {"2025-01", "2025-02", "2025-03"}
    assert [from_summary(figures, v) for v in views] == now


def test_the_daily_pass_catches_writes_that_send_no_signal(figures):
    refresh(figures)
    with practice_scope(figures.practice):
        Referral.objects.filter(pk=figures.referrals["r2"].pk).update(method="letter")
    filters = period(figures)
    assert refresh(figures, everything=True) >= 3
    assert from_summary(figures, filters) == from_source(figures, filters)


def test_a_month_summarized_in_another_time_zone_is_not_read(figures):
    refresh(figures)
    london = period(figures, zone=figures.other_practice.zone)
    assert summarized(figures, london) == set()
    assert from_summary(figures, london) == from_source(figures, london)


def test_the_summarized_dashboard_makes_the_same_queries_however_much_data(figures):
    refresh(figures)
    filters = period(figures)

    def count() -> int:
        with CaptureQueriesContext(db_connection) as ctx, practice_scope(figures.practice):
            charts.build(filters, now=LATER)
        return len(ctx.captured_queries)

    before = count()
    for n in range(4):
        _referral(
            figures.practice,
            f"more{n}",
            owner=figures.pro,
            tier=figures.tiers["C"],
            received=at(f"2025-03-{10 + n:02d}"),
            steps=[("contacted", at(f"2025-03-{10 + n:02d}", "11:00"))],
        )
    testing.tick(LATER)
    assert summarized(figures, filters) == {"2025-01", "2025-02", "2025-03"}
    assert count() == before
    assert before <= 12


def test_the_summarize_command_brings_a_practice_up_to_date(figures, capsys):
    call_command("summarize", practice=figures.practice.slug, everything=True)
    assert f"{figures.practice.slug}: " in capsys.readouterr().out
    filters = period(figures)
    assert summarized(figures, filters) == {"2025-01", "2025-02", "2025-03"}
    with pytest.raises(CommandError, match="No practice"):
        call_command("summarize", practice="nowhere")


def test_a_debt_paid_by_an_approved_email_is_shown_at_once(figures):
    reviewer = add_user(
        figures.practice, email="review@figures.test", password=None, role=Role.COMPLIANCE
    )
    with practice_scope(figures.practice):
        services.save_compliance_settings(figures.practice, {"require_review": True})
        debt = FeedbackDebt.objects.get(referral=figures.referrals["r2"], outcome="contacted")
        services.pay_debt(debt, how="email", note="Thank you for thinking of us.")
        [held] = HeldEmail.objects.filter(debt=debt)
    refresh(figures)
    filters = period(figures)
    before = from_summary(figures, filters)
    with practice_scope(figures.practice):
        services.approve_held_email(held, reviewer=reviewer)
    assert summarized(figures, filters) == {"2025-02", "2025-03"}
    assert from_summary(figures, filters) == from_source(figures, filters) != before


def test_a_practice_that_moves_time_zone_is_summarized_again_in_its_new_one(figures):
    refresh(figures)
    moved = Practice.objects.get(pk=figures.practice.pk)  # the fixture's stays in New York
    moved.time_zone = "Europe/London"
    moved.save()
    london = period(figures, zone=moved.zone)
    assert summarized(figures, london) == set()
    with practice_scope(moved):
        assert summary.refresh(moved) >= 3
    assert summarized(figures, london) == {"2025-01", "2025-02", "2025-03"}
    assert from_summary(figures, london) == from_source(figures, london)
