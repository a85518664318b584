"""Every figure of the scorecard (page, API) equals the same figure counted row by row
from the referrals, debts, outbound referrals and meetings themselves."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from referable.introductions import services as intro_services
from referable.introductions.models import FeedbackDebt, Referral
from referable.introductions.tests.factories import make_referral
from referable.partners import ledger, queries, services
from referable.partners.models import OUTBOUND_OPEN, OutboundReferral, PartnerMeeting
from referable.partners.tests.factories import make_partner
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db

RECEIVED_STAGES = ["received", "contacted", "meeting_set", "met", "engaged", "not_a_fit"]
RECEIVED_STAGES += ["no_response"]
SENT_STAGES = ["sent", "contacted", "met", "engaged", "not_a_fit", "no_response"]


def _today(practice) -> date:
    return timezone.localdate(timezone=practice.zone)


def _moments(practice) -> list[datetime]:
    """Times on and either side of every period's edges, in the practice's zone."""
    today = _today(practice)
    edges = {today, today + timedelta(days=1), today - timedelta(days=365)}
    for period in ledger.PERIODS:
        edges.update(day for day in ledger.period_bounds(period, today) if day)
    moments = []
    for day in edges:
        midnight = datetime.combine(day, time(0), tzinfo=practice.zone)
        moments += [midnight, midnight - timedelta(seconds=1), midnight + timedelta(hours=9)]
    now = timezone.now()
    return [moment for moment in moments if moment <= now] + [now - timedelta(days=900)]


def _build(practice, rng: random.Random) -> None:
    moments = _moments(practice)
    partners = [make_partner(practice) for _ in range(5)]
    with practice_scope(practice):
        for meeting_day in (40, 3, 400):
            services.log_meeting(
                rng.choice(partners),
                kind="lunch",
                held_on=_today(practice) - timedelta(meeting_day),
            )
    outsider = make_person(practice, category="client")  # a client's referrals never count
    for index in range(45):
        referrer = outsider if index % 9 == 0 else rng.choice(partners).person
        referral = make_referral(practice, referrer=referrer)
        stage = rng.choice(RECEIVED_STAGES)
        value = rng.choice([None, Decimal("1500.50"), Decimal("20000")])
        with practice_scope(practice):
            Referral.objects.filter(pk=referral.pk).update(
                received_at=rng.choice(moments), stage=stage, value=value
            )
            if index % 4 == 0:
                for debt in referral.debts.all():
                    intro_services.pay_debt(debt, how="note", note="Told them.")
    with practice_scope(practice):
        client = make_person(practice, category="client")
        for _ in range(45):
            sent = services.send_referral(rng.choice(partners).person, client, need="Tax")
            OutboundReferral.objects.filter(pk=sent.pk).update(
                sent_on=rng.choice(moments).astimezone(practice.zone).date(),
                stage=rng.choice(SENT_STAGES),
                value=rng.choice([None, Decimal("750"), Decimal("3200.25")]),
            )


def _flow(stages_and_values) -> dict:
    rows = list(stages_and_values)
    engaged = [value for stage, value in rows if stage == "engaged"]
    return {
        "total": len(rows),
        "open": sum(1 for stage, _ in rows if stage not in ("engaged", "not_a_fit", "no_response")),
        "engaged": len(engaged),
        "not_a_fit": sum(1 for stage, _ in rows if stage == "not_a_fit"),
        "no_response": sum(1 for stage, _ in rows if stage == "no_response"),
        "value": sum((value for value in engaged if value is not None), Decimal("0")),
    }


def _counted_from_rows(practice, period: str) -> dict[int, dict]:
    today = _today(practice)
    start, end = ledger.period_bounds(period, today)

    def within(day: date) -> bool:
        return (start is None or day >= start) and (end is None or day < end)

    expected = {}
    for partner in queries.partners():
        received = [
            (r.stage, r.value)
            for r in Referral.objects.filter(referrer=partner.person)
            if within(timezone.localtime(r.received_at, practice.zone).date())
        ]
        sent = [
            (o.stage, o.value)
            for o in OutboundReferral.objects.filter(partner=partner)
            if within(o.sent_on)
        ]
        meetings = [m.held_on for m in PartnerMeeting.objects.filter(partner=partner)]
        expected[partner.pk] = {
            "received": _flow(received),
            "sent": _flow(sent),
            "we_owe_feedback": FeedbackDebt.objects.filter(
                referrer=partner.person, paid_at__isnull=True
            ).count(),
            "they_owe_feedback": OutboundReferral.objects.filter(
                partner=partner, stage__in=OUTBOUND_OPEN
            ).count(),
            "last_met": max(meetings, default=None),
        }
    return expected


def _figures(line: ledger.LedgerLine) -> dict:
    def flow(f: ledger.Flow) -> dict:
        return {
            k: getattr(f, k) for k in ("total", "open", "engaged", "not_a_fit", "no_response")
        } | {"value": f.value}

    return {
        "received": flow(line.received),
        "sent": flow(line.sent),
        "we_owe_feedback": line.we_owe_feedback,
        "they_owe_feedback": line.they_owe_feedback,
        "last_met": line.last_met,
    }


@pytest.fixture
def ledgers(practice):
    _build(practice, random.Random(5))
    return practice


@pytest.mark.parametrize("period", list(ledger.PERIODS))
def test_every_scorecard_figure_equals_the_count_from_the_rows(ledgers, period):
    practice = ledgers
    today = _today(practice)
    start, end = ledger.period_bounds(period, today)
    with practice_scope(practice):
        expected = _counted_from_rows(practice, period)
        lines = queries.scorecard(start=start, end=end, today=today, zone=practice.zone)
        one = queries.ledger_line(
            queries.partners().first(), start=start, end=end, today=today, zone=practice.zone
        )
    assert {line.partner_id: _figures(line) for line in lines} == expected
    assert _figures(one) == expected[one.partner_id]
    assert sum(e["received"]["total"] for e in expected.values()) > 0


def test_the_api_scorecard_carries_the_same_figures(ledgers, api_client_for, professional):
    practice = ledgers
    api = api_client_for(professional)
    for period in ("12m", "all"):
        with practice_scope(practice):
            expected = _counted_from_rows(practice, period)
        body = api.get("/api/v1/partners/scorecard", {"period": period}).json()
        got = {
            line["partner_id"]: {
                "received": {**line["received"], "value": Decimal(line["received"]["value"])},
                "sent": {**line["sent"], "value": Decimal(line["sent"]["value"])},
                "we_owe_feedback": line["we_owe_feedback"],
                "they_owe_feedback": line["they_owe_feedback"],
                "last_met": date.fromisoformat(line["last_met"]) if line["last_met"] else None,
            }
            for line in body["partners"]
        }
        assert got == expected


def _queries_of(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_scorecard_is_five_queries_however_many_partners_and_referrals(
    practice, api_client_for, professional
):
    today = _today(practice)

    def read() -> None:
        with practice_scope(practice):
            queries.scorecard(start=None, end=None, today=today, zone=practice.zone)

    api = api_client_for(professional)

    def read_api() -> None:
        assert api.get("/api/v1/partners/scorecard", {"period": "all"}).status_code == 200

    make_partner(practice)
    read_api()  # a token's first use is recorded once
    few, few_api = _queries_of(read), _queries_of(read_api)
    _build(practice, random.Random(8))
    assert _queries_of(read) == few == 5
    assert _queries_of(read_api) == few_api
