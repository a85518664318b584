"""Partner rules against the database: profiles and terms, outbound referrals, gifts,
meetings and the two-way ledger over periods."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.introductions import services as intro_services
from referable.introductions.tests.factories import make_referral
from referable.partners import ledger, queries, services
from referable.partners.models import Gift, OutboundReferral, PartnerProfile
from referable.partners.tests.factories import make_partner
from referable.people.models import Person
from referable.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def today(practice) -> date:
    return timezone.localdate(timezone=practice.zone)


def scorecard(practice, period="all"):
    start, end = ledger.period_bounds(period, today(practice))
    return {
        line.partner_id: line
        for line in queries.scorecard(
            start=start, end=end, today=today(practice), zone=practice.zone
        )
    }


def test_a_partner_becomes_a_partner_in_people_with_their_terms_dated(in_practice):
    person = make_person(in_practice, category="contact", organization="Lee & Co")
    profile = services.make_partner(
        person,
        {
            "profession": "attorney",
            "reciprocity": True,
            "clients_told": True,
            "same_day_response": True,
        },
    )
    person.refresh_from_db()
    assert person.category == Person.Category.PARTNER
    assert profile.firm == "Lee & Co" and profile.cadence_days == 90
    assert profile.reciprocity_on == today(in_practice) == profile.same_day_response_on
    assert profile.feedback_every_referral_on is None
    with pytest.raises(ValidationError) as err:
        services.make_partner(person, {"profession": "attorney"})
    assert "already a referral partner" in err.value.message_dict["person"][0]


def test_an_exclusive_arrangement_with_a_lawyer_is_refused_and_nothing_is_saved(in_practice):
    person = make_person(in_practice, category="contact")
    with pytest.raises(ValidationError) as err:
        services.make_partner(person, {"profession": "attorney", "not_exclusive": False})
    assert "may not be exclusive" in err.value.message_dict["not_exclusive"][0]
    person.refresh_from_db()
    assert person.category == "contact" and not PartnerProfile.objects.exists()


def test_a_term_cannot_be_agreed_in_the_future(in_practice):
    profile = make_partner(in_practice)
    with pytest.raises(ValidationError) as err:
        services.update_partner(
            profile, {"reciprocity": True, "reciprocity_on": today(in_practice) + timedelta(days=3)}
        )
    assert "reciprocity_on" in err.value.message_dict


def test_an_outbound_referral_to_someone_who_is_not_a_partner_is_refused(in_practice):
    not_partner = make_person(in_practice, first_name="Nora", last_name="Nobody")
    client = make_person(in_practice, category="client")
    with pytest.raises(ValidationError) as err:
        services.send_referral(not_partner, client, need="A will")
    assert "Nora Nobody is not a referral partner" in err.value.message_dict["partner"][0]
    assert not OutboundReferral.objects.exists()


def test_a_do_not_contact_person_is_not_passed_on_to_a_partner(in_practice):
    partner = make_partner(in_practice)
    blocked = make_person(
        in_practice, do_not_contact=True, do_not_contact_reason="Moved abroad", last_name="Quiet"
    )
    with pytest.raises(ValidationError) as err:
        services.send_referral(partner.person, blocked, need="Tax return")
    assert "asked not to be contacted" in err.value.message_dict["person"][0]
    assert "Moved abroad" in err.value.message_dict["person"][0]


def test_the_partner_owes_us_news_until_there_is_an_outcome(in_practice):
    partner = make_partner(in_practice)
    client = make_person(in_practice, category="client")
    sent = services.send_referral(partner.person, client, need="Tax return")
    assert sent.feedback_owed and scorecard(in_practice)[partner.pk].they_owe_feedback == 1
    services.record_partner_feedback(sent, stage="met", feedback="Met on Tuesday.")
    assert sent.feedback_owed and "Met on Tuesday." in sent.feedback
    services.record_partner_feedback(sent, stage="engaged", value=Decimal("4000"))
    assert not sent.feedback_owed
    line = scorecard(in_practice)[partner.pk]
    assert line.they_owe_feedback == 0 and line.sent.engaged == 1
    assert line.sent.value == Decimal("4000")
    with pytest.raises(ValidationError) as err:
        services.record_partner_feedback(sent, stage="engaged", value=Decimal("-1"))
    assert "value" in err.value.message_dict


def test_we_owe_the_partner_thanks_and_news_until_we_pay_it(in_practice):
    partner = make_partner(in_practice)
    referral = make_referral(in_practice, referrer=partner.person)
    line = scorecard(in_practice)[partner.pk]
    assert line.received.total == 1 and line.we_owe_feedback == 1  # the thank-you
    for debt in referral.debts.all():
        intro_services.pay_debt(debt, how="note", note="Called them.")
    assert scorecard(in_practice)[partner.pk].we_owe_feedback == 0


def test_the_ledger_counts_each_way_within_the_period_only(in_practice):
    partner = make_partner(in_practice)
    other = make_partner(in_practice)
    now = timezone.now()
    last_year = datetime(today(in_practice).year - 1, 6, 1, 12, tzinfo=in_practice.zone)
    make_referral(in_practice, referrer=partner.person, received_at=last_year)
    make_referral(in_practice, referrer=partner.person, received_at=now - timedelta(minutes=5))
    make_referral(in_practice, referrer=other.person)
    client = make_person(in_practice, category="client")
    services.send_referral(partner.person, client, need="x", sent_on=last_year.date())
    services.send_referral(partner.person, client, need="y")
    services.send_referral(partner.person, client, need="z")
    this_year, before, ever = (
        scorecard(in_practice, "year")[partner.pk],
        scorecard(in_practice, "last_year")[partner.pk],
        scorecard(in_practice, "all")[partner.pk],
    )
    assert (this_year.received.total, this_year.sent.total, this_year.balance) == (1, 2, -1)
    assert (before.received.total, before.sent.total, before.balance) == (1, 1, 0)
    assert (ever.received.total, ever.sent.total) == (2, 3)
    assert scorecard(in_practice, "all")[other.pk].received.total == 1


def test_engaged_value_received_counts_in_the_ledger(in_practice):
    partner = make_partner(in_practice)
    referral = make_referral(in_practice, referrer=partner.person)
    for stage in ("contacted", "meeting_set", "met"):
        intro_services.move_stage(referral, stage)
    intro_services.move_stage(referral, "engaged", value=Decimal("12000"))
    line = scorecard(in_practice)[partner.pk]
    assert line.received.engaged == 1 and line.received.value == Decimal("12000")
    assert line.we_owe_feedback >= 1  # news of the outcome is owed too


def test_gifts_over_twelve_months_warn_at_the_threshold_without_an_agreement(in_practice):
    person = make_person(in_practice)
    old = today(in_practice) - timedelta(days=400)
    services.record_gift(person, {"value": Decimal("5000"), "given_on": old, "description": "Old"})
    _gift, summary = services.record_gift(person, {"value": Decimal("60"), "description": "Wine"})
    assert summary.given == Decimal("60") and not summary.warning
    _gift, summary = services.record_gift(
        person, {"value": Decimal("940"), "kind": "referral_fee", "description": "Fee"}
    )
    assert summary.given == Decimal("1000") and summary.at_threshold
    assert "no written agreement" in summary.warning and "SEC marketing rule" in summary.warning
    services.record_gift(
        person, {"value": Decimal("999"), "direction": "received", "description": "Tickets"}
    )
    services.record_agreement(person, signed_on=today(in_practice))
    summary = services.gift_summary(person)
    assert summary.received == Decimal("999") and "is on file" in summary.warning


def test_the_default_threshold_is_the_sec_marketing_rules_de_minimis_amount(in_practice):
    assert services.partner_settings(in_practice).gift_threshold == Decimal("1000")


def test_the_threshold_is_the_practices_own(in_practice):
    services.save_partner_settings(in_practice, {"gift_threshold": Decimal("100")})
    person = make_person(in_practice)
    _gift, summary = services.record_gift(person, {"value": Decimal("150"), "description": "x"})
    assert summary.at_threshold and summary.threshold == Decimal("100")


def test_a_negative_gift_or_one_in_the_future_is_refused_and_nothing_saved(in_practice):
    person = make_person(in_practice)
    with pytest.raises(ValidationError) as err:
        services.record_gift(person, {"value": Decimal("-5"), "description": "Refund"})
    assert "negative" in err.value.message_dict["value"][0]
    with pytest.raises(ValidationError) as err:
        services.record_gift(
            person,
            {
                "value": Decimal("5"),
                "description": "x",
                "given_on": today(in_practice) + timedelta(days=2),
            },
        )
    assert "given_on" in err.value.message_dict
    assert not Gift.objects.exists()


def test_partners_due_a_meeting_follow_their_cadence(in_practice):
    day = today(in_practice)
    due = make_partner(in_practice, since=day - timedelta(days=400), cadence_days=90)
    fresh = make_partner(in_practice, since=day - timedelta(days=400), cadence_days=90)
    never = make_partner(in_practice, since=day - timedelta(days=10))
    services.log_meeting(due, kind="lunch", held_on=day - timedelta(days=100))
    services.log_meeting(fresh, kind="call", held_on=day - timedelta(days=20))
    found = queries.partners_due_a_meeting(day)
    assert [item.partner.pk for item in found] == [due.pk, never.pk]
    assert found[0].due_on == day - timedelta(days=10)
    assert [i.partner.pk for i in queries.partners_due_a_meeting(day + timedelta(days=70))] == [
        due.pk,
        never.pk,
        fresh.pk,
    ]
    with pytest.raises(ValidationError) as err:
        services.log_meeting(fresh, kind="lunch", held_on=day + timedelta(days=1))
    assert "held_on" in err.value.message_dict
