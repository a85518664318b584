"""A small practice whose every dashboard figure was worked out by hand (see the table
in test_insight_figures.py). Built through the same services the app uses; only the
times debts were paid are set afterwards, as no service backdates a payment."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from referable.clients import services as client_services
from referable.clients.models import Client, ServiceTier
from referable.clients.tests.factories import make_client, make_expectation, ready_client
from referable.events import services as event_services
from referable.insight.filters import Filters
from referable.introductions import services
from referable.introductions.models import FeedbackDebt, Referral
from referable.partners import services as partner_services
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.services import add_user, create_practice
from referable.practices.tenancy import practice_scope

NY = ZoneInfo("America/New_York")


def at(day: str, clock: str = "10:00") -> datetime:
    """A wall-clock time in New York, the practice's zone."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=NY)


@dataclass
class Figures:
    practice: object
    pro: object
    other_pro: object
    tiers: dict
    referrals: dict
    period: Filters
    other_practice: object


def _referral(
    practice,
    name: str,
    *,
    owner,
    received: datetime,
    referrer_kind: str = "client",
    tier=None,
    steps=(),
    value=None,
    sentiment: str | None = None,
    **fields,
) -> Referral:
    """A referral from a new referrer to a new prospect, moved through ``steps``
    ((stage, when), …); the last step carries ``value`` when it is "engaged"."""
    category = {"client": "client", "partner": "partner", "other": "contact"}[referrer_kind]
    referrer = make_person(practice, first_name=f"{name}-referrer", category=category)
    if referrer_kind == "client":
        make_client(practice, owner, person=referrer, tier=tier)
    prospect = make_person(practice, first_name=f"{name}-prospect", category="prospect")
    connection = {"sentiment": sentiment, "closeness": 3} if sentiment else None
    with practice_scope(practice):
        referral = services.record_referral(
            practice,
            referrer=referrer,
            prospect=prospect,
            owner=owner,
            by=owner,
            received_at=received,
            connection=connection,
            **fields,
        )
        for stage, when in steps:
            referral = services.move_stage(
                referral,
                stage,
                by=owner,
                at=when,
                value=value if stage == "engaged" else None,
            )
    return referral


def _pay(referral: Referral, kind: str, outcome: str, after: timedelta) -> None:
    with practice_scope(referral.practice_id):
        debt = FeedbackDebt.objects.get(referral=referral, kind=kind, outcome=outcome)
        services.pay_debt(debt, how="note", note="Told them how it went.")
        FeedbackDebt.objects.filter(pk=debt.pk).update(paid_at=debt.owed_since + after)


@pytest.fixture(scope="module")
def figures(django_db_setup, django_db_blocker):
    """Built once for a test module, inside a transaction rolled back after its last
    test (each test runs in its own savepoint within it, as with setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_figures()
        transaction.set_rollback(True)


def _build_figures() -> Figures:
    practice, _owner = create_practice(
        "Figures & Co", owner_email="owner@figures.test", owner_password="pw-figures-1"
    )
    other_practice, stranger = create_practice(
        "Elsewhere Partners",
        owner_email="owner@elsewhere.test",
        owner_password="pw-elsewhere-1",
        time_zone="Europe/London",
    )
    pro = add_user(
        practice, email="pro@figures.test", password=None, role=Role.PROFESSIONAL, first_name="Pia"
    )
    other_pro = add_user(
        practice, email="other@figures.test", password=None, role=Role.PROFESSIONAL, first_name="Oz"
    )
    with practice_scope(practice):
        tiers = {t.name: t for t in client_services.ensure_tiers(practice)}
    refs = {}
    # January 2025
    refs["r1"] = _referral(
        practice,
        "r1",
        owner=pro,
        tier=tiers["Top"],
        received=at("2025-01-06", "10:00"),
        method="letter",
        sentiment="positive",
        steps=[
            ("contacted", at("2025-01-06", "12:00")),
            ("meeting_set", at("2025-01-10")),
            ("met", at("2025-01-15")),
            ("engaged", at("2025-01-20")),
        ],
        value=Decimal("5000"),
    )
    refs["r2"] = _referral(
        practice,
        "r2",
        owner=pro,
        tier=tiers["A"],
        received=at("2025-01-08", "16:00"),
        method="introductory_call",
        kind="recommendation",
        sentiment="negative",
        steps=[("contacted", at("2025-01-09", "10:00")), ("not_a_fit", at("2025-01-12"))],
    )
    # Friday 31 January, 23:30 in New York: already February in UTC, January here
    refs["r3"] = _referral(
        practice,
        "r3",
        owner=pro,
        referrer_kind="partner",
        received=at("2025-01-31", "23:30"),
        method="email_introduction",
        source="partner",
    )
    # February 2025
    refs["r4"] = _referral(
        practice,
        "r4",
        owner=pro,
        tier=tiers["Top"],
        received=at("2025-02-03", "09:00"),
        method="three_way_meeting",
        source="event",
        sentiment="positive",
        steps=[
            ("contacted", at("2025-02-03", "09:30")),
            ("meeting_set", at("2025-02-05")),
            ("met", at("2025-02-10")),
        ],
    )
    refs["r5"] = _referral(
        practice,
        "r5",
        owner=pro,
        referrer_kind="other",
        received=at("2025-02-04", "11:00"),
        method="letter",
        source="profile",
        sentiment="neutral",
        steps=[("no_response", at("2025-02-06", "11:00"))],
    )
    refs["r6"] = _referral(
        practice,
        "r6",
        owner=other_pro,
        tier=tiers["A"],
        received=at("2025-02-10", "10:00"),
        method="letter",
        sentiment="positive",
        steps=[
            ("contacted", at("2025-02-10", "11:00")),
            ("met", at("2025-02-20")),
            ("engaged", at("2025-03-02")),
        ],
        value=Decimal("2000"),
    )
    # received before the period, engaged in it
    refs["r7"] = _referral(
        practice,
        "r7",
        owner=pro,
        tier=tiers["B"],
        received=at("2024-12-20"),
        method="letter",
        steps=[("contacted", at("2024-12-20", "11:00")), ("engaged", at("2025-01-05"))],
        value=Decimal("1000"),
    )
    _pay(refs["r1"], "thank_you", "", timedelta(days=1))
    _pay(refs["r1"], "feedback", "contacted", timedelta(days=2))
    _pay(refs["r2"], "thank_you", "", timedelta(days=3))
    _pay(refs["r4"], "thank_you", "", timedelta(hours=12))
    _pay(refs["r4"], "feedback", "contacted", timedelta(days=3, hours=12))

    # r1 and r4 were born at the New Year dinner (r4 was also marked "event" when
    # recorded); a proposal nobody confirmed does not count
    with practice_scope(practice):
        dinner = event_services.create_event(
            practice,
            {
                "title": "New Year dinner",
                "starts_at": at("2025-01-02", "19:00"),
                "ends_at": at("2025-01-02", "22:00"),
                "actual_cost": Decimal("1500"),
            },
        )
        event_services.attribute(refs["r1"], dinner, by=pro)
        event_services.attribute(refs["r4"], dinner, by=pro)
        proposal = event_services.attribute(refs["r6"], dinner, by=pro)
        event_services.dismiss_attribution(proposal, by=pro)

    # r3's referrer is a partner Pia keeps up; we sent them two people, and another
    # partner (Oz's) one
    with practice_scope(practice):
        lawyer = partner_services.make_partner(
            refs["r3"].referrer, {"profession": "attorney", "owner": pro}
        )
        cpa = partner_services.make_partner(
            make_person(practice, first_name="Cora", last_name="Cpa"),
            {"profession": "accountant", "owner": other_pro},
        )
    for partner, day in ((lawyer, "2025-01-15"), (lawyer, "2025-02-20"), (cpa, "2025-03-03")):
        person = make_person(practice, first_name=f"sent-{day}")
        with practice_scope(practice):
            partner_services.send_referral(
                partner, person, need="An estate plan", sent_on=at(day).date(), by=pro
            )

    # the book beyond the referrers (who have no expectations yet)
    make_client(practice, pro, tier=tiers["Top"])
    below = make_client(practice, pro, tier=tiers["A"])
    expectation = make_expectation(below)
    with practice_scope(practice):
        client_services.record_check_in(below, {expectation.pk: "below"}, overall="below")
    ready_client(practice, other_pro, tier=tiers["Top"])
    former = make_client(practice, pro, tier=tiers["Top"])
    with practice_scope(practice):
        client_services.update_client(former, {"stage": Client.Stage.FORMER})

    # another practice's referral in the same month never counts
    with practice_scope(other_practice):
        other_tiers = client_services.ensure_tiers(other_practice)
    _referral(
        other_practice,
        "x1",
        owner=stranger,
        tier=other_tiers[0],
        received=at("2025-01-07"),
        steps=[("contacted", at("2025-01-07", "11:00")), ("engaged", at("2025-01-09"))],
        value=Decimal("99999"),
    )
    with practice_scope(practice):
        assert ServiceTier.objects.count() == 4
    period = Filters(start=at("2025-01-01").date(), end=at("2025-03-31").date(), zone=NY)
    return Figures(practice, pro, other_pro, tiers, refs, period, other_practice)
