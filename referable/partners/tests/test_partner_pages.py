from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.introductions.tests.factories import make_referral
from referable.partners import services
from referable.partners.models import OutboundReferral, PartnerProfile
from referable.partners.tests.factories import make_partner
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def _queries(web, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        assert web.get(url).status_code == 200
    return len(ctx.captured_queries)


def _flows(practice, partner, received=1, sent=1):
    for _ in range(received):
        make_referral(practice, referrer=partner.person)
    with practice_scope(practice):
        for _ in range(sent):
            services.send_referral(partner.person, make_person(practice), need="Tax")


def test_the_scorecard_shows_each_partner_and_sorts_by_a_column(web, practice):
    busy = make_partner(practice, person=make_person(practice, first_name="Zoe", last_name="Busy"))
    quiet = make_partner(
        practice, person=make_person(practice, first_name="Abe", last_name="Quiet")
    )
    _flows(practice, busy, received=3, sent=1)
    page = web.get(reverse("partners:list"))
    assert page.status_code == 200
    assert page.text.index("Abe Quiet") < page.text.index("Zoe Busy")
    assert "They send more" in page.text
    by_received = web.get(reverse("partners:list"), {"sort": "received", "dir": "desc"})
    assert by_received.text.index("Zoe Busy") < by_received.text.index("Abe Quiet")
    partial = web.get(reverse("partners:list"), {"period": "12m"}, headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<section id="scorecard"')
    assert quiet.pk != busy.pk


def test_the_scorecard_query_count_does_not_grow_with_partners(web, practice):
    _flows(practice, make_partner(practice))
    few = _queries(web, reverse("partners:list"))
    for _ in range(6):
        _flows(practice, make_partner(practice), received=2, sent=2)
    assert _queries(web, reverse("partners:list")) == few


def test_the_partner_page_shows_the_ledger_terms_and_what_is_owed(web, practice):
    partner = make_partner(practice, good_referral="Dentists who own their practice")
    _flows(practice, partner, received=2, sent=1)
    page = web.get(reverse("partners:detail", args=[partner.pk]))
    assert page.status_code == 200
    for text in ("Dentists who own their practice", "Received from them", "Thank-you", "news owed"):
        assert text in page.text
    few = _queries(web, reverse("partners:detail", args=[partner.pk]))
    _flows(practice, partner, received=5, sent=5)
    assert _queries(web, reverse("partners:detail", args=[partner.pk])) == few


def test_add_a_partner_from_the_page(web, practice):
    person = make_person(practice, first_name="Lena", last_name="Law")
    refused = web.post(
        reverse("partners:create"),
        {
            "person": person.pk,
            "profession": "attorney",
            "cadence_days": 90,
            "since": "2026-01-05",
            "reciprocity": "on",
        },
    )
    assert "must tell clients" in refused.text
    with practice_scope(practice):
        assert not PartnerProfile.objects.exists()
    done = web.post(
        reverse("partners:create"),
        {
            "person": person.pk,
            "profession": "attorney",
            "cadence_days": 90,
            "since": "2026-01-05",
            "reciprocity": "on",
            "clients_told": "on",
            "not_exclusive": "on",
        },
    )
    with practice_scope(practice):
        profile = PartnerProfile.objects.get()
    assert done.status_code == 302 and done.url == reverse("partners:detail", args=[profile.pk])


def test_sending_to_someone_who_is_not_a_partner_shows_the_error_on_the_field(web, practice):
    stranger = make_person(practice, first_name="Nat", last_name="Nobody")
    client = make_person(practice)
    page = web.post(
        reverse("partners:send"), {"partner": stranger.pk, "person": client.pk, "need": "Will"}
    )
    assert page.status_code == 200 and "Nat Nobody is not a referral partner" in page.text
    partner = make_partner(practice)
    done = web.post(
        reverse("partners:send-to", args=[partner.pk]), {"person": client.pk, "need": "Will"}
    )
    assert done.status_code == 302
    with practice_scope(practice):
        outbound = OutboundReferral.objects.get()
    news = web.post(
        reverse("partners:feedback", args=[outbound.pk]),
        {"stage": "engaged", "feedback": "Signed up", "value": "2500"},
    )
    assert news.status_code == 302
    outbound.refresh_from_db()
    assert outbound.stage == "engaged" and outbound.value == Decimal("2500")


def test_suggest_lists_partners_whose_niche_fits(web, practice):
    make_partner(
        practice,
        person=make_person(practice, first_name="Ester", last_name="Estate"),
        profession="attorney",
        niche="Estate planning",
        criteria_needs="trust, probate",
        reciprocity=False,
    )
    make_partner(practice, person=make_person(practice, first_name="Tom", last_name="Tax"))
    page = web.get(reverse("partners:suggest"), {"keywords": "a trust for the kids"})
    assert "Ester Estate" in page.text and "Tom Tax" not in page.text


def test_gifts_page_warns_and_negative_values_are_refused(web, practice):
    person = make_person(practice, first_name="Gil", last_name="Gifted")
    # within the last twelve months, whenever the test runs
    given_on = (practice_today() - timedelta(days=30)).isoformat()
    refused = web.post(
        reverse("partners:person-gifts", args=[person.pk]),
        {
            "direction": "given",
            "kind": "gift",
            "value": "-3",
            "currency": "USD",
            "given_on": given_on,
            "description": "x",
        },
    )
    assert "cannot be negative" in refused.text
    web.post(
        reverse("partners:person-gifts", args=[person.pk]),
        {
            "direction": "given",
            "kind": "referral_fee",
            "value": "1500",
            "currency": "USD",
            "given_on": given_on,
            "description": "Fee",
        },
    )
    page = web.get(reverse("partners:person-gifts", args=[person.pk]))
    assert "no written agreement" in page.text
    listing = web.get(reverse("partners:gifts"))
    assert "Gil Gifted" in listing.text and "no written agreement" in listing.text


def test_the_compliance_reviewer_reads_but_cannot_change(client_for, make_user, practice):
    reviewer = client_for(make_user(Role.COMPLIANCE))
    partner = make_partner(practice)
    assert reviewer.get(reverse("partners:detail", args=[partner.pk])).status_code == 200
    assert reviewer.get(reverse("partners:edit", args=[partner.pk])).status_code == 403
    assert reviewer.get(reverse("partners:settings")).status_code == 403
