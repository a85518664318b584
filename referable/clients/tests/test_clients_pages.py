import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.clients import ladder, services
from referable.clients.models import CheckIn, Client, ExpectationRating, IntroductionProfile
from referable.clients.tests.factories import (
    check_in,
    days_ago,
    make_client,
    make_expectation,
    make_profile,
    ready_client,
)
from referable.people.tests.factories import make_connection, make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def _queries(web, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        assert web.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_client_page_shows_both_pillars_the_next_ask_and_its_words(web, practice, professional):
    client = ready_client(practice, professional)
    page = web.get(reverse("clients:detail", args=[client.pk]))
    assert page.status_code == 200
    text = page.text
    assert "Next best ask" in text and "Ask for the relationship" in text
    assert "thank you for choosing to work with us" in text
    assert "Your latest rating: 5/5" in text and "They placed their business with you" in text
    assert "Exceeding expectations" in text


def test_a_client_without_expectations_is_flagged_on_the_page(web, practice, professional):
    client = make_client(practice, professional)
    page = web.get(reverse("clients:detail", args=[client.pk]))
    assert "No expectations recorded" in page.text
    assert "ask them what they expect" in page.text


def test_entering_a_check_in_with_htmx_changes_the_next_ask(web, practice, professional):
    client = ready_client(practice, professional)
    expectation = make_expectation(client, "Plain-language reports")
    with practice_scope(practice):
        first = client.expectations.order_by("id").first()
    response = web.post(
        reverse("clients:check-in-add", args=[client.pk]),
        {
            "checkin-held_on": days_ago(1).isoformat(),
            "checkin-channel": "phone",
            "checkin-overall": "meeting",
            f"checkin-rating_{first.pk}": "exceeding",
            f"checkin-rating_{expectation.pk}": "below",
            "checkin-notes": "Reports still full of jargon.",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="client-live"')
    assert "Below their expectations: “Plain-language reports”" in response.text
    with practice_scope(practice):
        client.refresh_from_db()
        assert client.rung == ladder.EARN_TRUST


def test_a_check_in_in_the_future_shows_the_error_in_the_form_and_saves_nothing(
    web, practice, professional
):
    client = ready_client(practice, professional)
    response = web.post(
        reverse("clients:check-in-add", args=[client.pk]),
        {"checkin-held_on": "2999-01-01", "checkin-channel": "phone", "checkin-overall": "meeting"},
        headers={"HX-Request": "true"},
    )
    assert "cannot be dated in the future" in response.text
    with practice_scope(practice):
        assert CheckIn.objects.count() == 1


def test_expectation_trust_agreement_share_and_ask_from_the_page(web, practice, professional):
    client = ready_client(practice, professional)
    profile = make_profile(practice)
    friend = make_person(practice, first_name="Amy", last_name="Lewis", title="Controller")
    make_connection(client.person, friend, sentiment="positive", closeness=4)
    url = lambda name: reverse(f"clients:{name}", args=[client.pk])  # noqa: E731
    hx = {"HX-Request": "true"}
    web.post(
        url("expectation-add"),
        {
            "expectation-text": "No surprises on fees",
            "expectation-category": "fees",
            "expectation-priority": 1,
            "expectation-asked_on": days_ago(1).isoformat(),
        },
        headers=hx,
    )
    web.post(
        url("trust-add"), {"trust-score": 5, "trust-rated_on": days_ago(1).isoformat()}, headers=hx
    )
    web.post(
        url("agreement-add"),
        {"agreement-answer": "agreed", "agreement-asked_on": days_ago(300).isoformat()},
        headers=hx,
    )
    web.post(
        url("share-add"),
        {
            "share-profile": profile.pk,
            "share-how": "email",
            "share-shared_on": days_ago(200).isoformat(),
        },
        headers=hx,
    )
    page = web.get(url("detail"))
    assert "Propose an introduction" in page.text and "Amy Lewis" in page.text
    assert "Introductory phone call" in page.text
    recorded = web.post(
        url("ask-add"),
        {
            "ask-kind": "introduction",
            "ask-person": friend.pk,
            "ask-method": "call",
            "ask-answer": "agreed",
            "ask-asked_on": days_ago(0).isoformat(),
        },
        headers=hx,
    )
    assert "Proposed an introduction" in recorded.text
    with practice_scope(practice):
        client.refresh_from_db()
        assert client.next_ask["proposal"] is None


def test_the_client_page_takes_the_same_queries_for_5_or_500_check_ins(web, practice, professional):
    client = ready_client(practice, professional)
    make_profile(practice)
    expectation = client.expectations.model.objects
    with practice_scope(practice):
        first = expectation.filter(client=client).first()
    for i in range(4):
        check_in(client, {first.pk: "meeting"}, held_on=days_ago(30 + i))
    url = reverse("clients:detail", args=[client.pk])
    few = _queries(web, url)
    with practice_scope(practice):
        rows = [
            CheckIn(practice=practice, client=client, held_on=days_ago(40 + i), overall="meeting")
            for i in range(495)
        ]
        CheckIn.objects.bulk_create(rows)
        ExpectationRating.objects.bulk_create(
            ExpectationRating(practice=practice, check_in=c, expectation=first, rating="meeting")
            for c in rows
        )
        assert CheckIn.objects.filter(client=client).count() == 500
    many = _queries(web, url)
    assert many == few


def test_the_book_counts_clients_by_rung_and_filters(web, practice, professional, make_user):
    ready_client(practice, professional)
    make_client(practice, professional)
    other = make_user(Role.PROFESSIONAL)
    make_client(practice, other)
    page = web.get(reverse("clients:book"))
    assert page.status_code == 200
    assert "2 clients, 1 ready for their next ask" in page.text
    everyone = web.get(reverse("clients:book"), {"owner": ""})
    assert "3 clients" in everyone.text
    ready = web.get(reverse("clients:book"), {"ready": "1"})
    assert "1 client ready to move up" in ready.text
    by_rung = web.get(reverse("clients:book"), {"rung": "earn_trust"})
    assert "1 client on “Earn first”" in by_rung.text


def test_the_book_swaps_only_its_results_with_htmx(web, practice, professional):
    ready_client(practice, professional)
    page = web.get(reverse("clients:book"), {"q": "pat"}, headers={"HX-Request": "true"})
    assert page.text.lstrip().startswith('<div id="results"')


def test_the_book_query_count_does_not_grow_with_clients(web, practice, professional):
    ready_client(practice, professional)
    web.get(reverse("clients:book"))  # the first visit creates the practice's settings
    few = _queries(web, reverse("clients:book"))
    for _ in range(6):
        ready_client(practice, professional)
    many = _queries(web, reverse("clients:book"))
    assert many == few


def test_the_book_refreshes_clients_computed_before_today(web, practice, professional):
    client = ready_client(practice, professional)
    with practice_scope(practice):
        Client.objects.update(rung=ladder.NONE, rung_computed_on=days_ago(1))
    web.get(reverse("clients:book"))
    with practice_scope(practice):
        client.refresh_from_db()
    assert client.rung == ladder.ASK_RELATIONSHIP


def test_make_a_person_a_client_from_the_new_client_page(web, practice, professional):
    person = make_person(practice, first_name="Ada", last_name="Lovelace")
    lookup = web.get(reverse("clients:lookup"), {"person_q": "lovelace"})
    assert 'name="person"' in lookup.text and "Ada Lovelace" in lookup.text
    with practice_scope(practice):
        services.ensure_tiers(practice)
        tier = services.ensure_tiers(practice)[0]
    missing = web.post(
        reverse("clients:create"),
        {
            "owner": professional.pk,
            "tier": tier.pk,
            "stage": "onboarding",
            "start_date": "2026-01-05",
        },
    )
    assert "choose them from the list" in missing.text
    done = web.post(
        reverse("clients:create"),
        {
            "person": person.pk,
            "owner": professional.pk,
            "tier": tier.pk,
            "stage": "onboarding",
            "start_date": "2026-01-05",
        },
    )
    with practice_scope(practice):
        client = Client.objects.get()
    assert done.status_code == 302 and done.url == reverse("clients:detail", args=[client.pk])
    again = web.get(reverse("clients:lookup"), {"person_q": "lovelace"})
    assert "Ada Lovelace" not in again.text


def test_the_new_client_page_can_start_from_a_chosen_person(web, practice):
    person = make_person(practice, first_name="Grace", last_name="Hopper")
    page = web.get(reverse("clients:create"), {"person": person.pk})
    assert f'name="person" value="{person.pk}" checked' in page.text and "Grace Hopper" in page.text


def test_settings_need_the_configure_role(web, client_for, owner):
    assert web.get(reverse("clients:settings")).status_code == 403
    page = client_for(owner).get(reverse("clients:settings"))
    assert page.status_code == 200 and "Guardrails" in page.text and "Top" in page.text


def test_a_threshold_out_of_range_is_shown_next_to_its_field(client_for, owner, practice):
    web = client_for(owner)
    page = web.post(
        reverse("clients:settings"),
        {
            "trust_threshold": 140,
            "recommendation_trust": 60,
            "introduction_trust": 75,
            "cooldown_days": 90,
            "max_requests": 2,
            "period_days": 90,
            "negative_connections": "strongest",
        },
    )
    assert page.status_code == 200 and "less than or equal to 100" in page.text


def test_owners_write_profiles_and_scripts_that_never_say_referral(client_for, owner, practice):
    web = client_for(owner)
    refused = web.post(
        reverse("clients:script-create"),
        {"name": "Old school", "purpose": "relationship", "text": "Any referrals for me?"},
    )
    assert "Say “introduction”" in refused.text
    saved = web.post(
        reverse("clients:profile-create"),
        {
            "name": "Dentists",
            "positions": "Dentist",
            "industries": "Dentistry",
            "traits": "",
            "why": "We know their practices well.",
            "active": "on",
        },
    )
    with practice_scope(practice):
        profile = IntroductionProfile.objects.get()
    assert saved.status_code == 302 and saved.url == reverse("clients:profile", args=[profile.pk])


def test_a_profile_prints_as_a_one_page_pdf(web, practice):
    profile = make_profile(practice)
    response = web.get(reverse("clients:profile-pdf", args=[profile.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response.content.count(b"/Type /Page\n") <= 1
    assert web.get(reverse("clients:profile", args=[profile.pk])).status_code == 200


def test_another_practices_client_is_not_found(client_for, outsider, practice, professional):
    client = ready_client(practice, professional)
    stranger = client_for(outsider)
    assert stranger.get(reverse("clients:detail", args=[client.pk])).status_code == 404
    assert (
        stranger.post(
            reverse("clients:check-in-add", args=[client.pk]), {"checkin-overall": "meeting"}
        ).status_code
        == 404
    )


def test_the_compliance_reviewer_reads_but_cannot_write(
    client_for, make_user, practice, professional
):
    client = ready_client(practice, professional)
    reviewer = client_for(make_user(Role.COMPLIANCE))
    assert reviewer.get(reverse("clients:detail", args=[client.pk])).status_code == 200
    assert (
        reviewer.post(
            reverse("clients:trust-add", args=[client.pk]), {"trust-score": 1}
        ).status_code
        == 403
    )
