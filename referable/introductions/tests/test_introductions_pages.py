"""The pages: board, list, recording a referral, the referral page, letters, settings."""

from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referable.introductions import services
from referable.introductions.models import CoachRule, Letter, Referral
from referable.introductions.tests.factories import make_letter, make_referral
from referable.people.tests.factories import make_person
from referable.practices.roles import Role
from referable.practices.tenancy import practice_scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client_for, professional):
    return client_for(professional)


def test_record_an_introduction_with_a_new_prospect_in_one_form(web, practice, professional):
    client = make_person(practice, category="client", first_name="Clara", last_name="Client")
    page = web.post(
        reverse("introductions:create"),
        {
            "referrer": client.pk,
            "new_first_name": "Carl",
            "new_last_name": "Cfo",
            "new_email": "carl@acme.example",
            "kind": "introduction",
            "connection_kind": "coworker",
            "connection_closeness": "5",
            "connection_sentiment": "positive",
            "method": "",
            "source": "direct",
            "reason": "Wants a second opinion",
            "owner": professional.pk,
        },
    )
    with practice_scope(practice):
        referral = Referral.objects.get()
    assert page.status_code == 302 and page.url == reverse(
        "introductions:detail", args=[referral.pk]
    )
    detail = web.get(page.url)
    assert "Carl Cfo" in detail.text and "Lends trust" in detail.text
    assert "Letter of introduction" in detail.text


def test_a_do_not_contact_prospect_is_refused_in_the_form(web, practice):
    client = make_person(practice, category="client")
    prospect = make_person(practice, do_not_contact=True, do_not_contact_reason="By letter")
    page = web.post(
        reverse("introductions:create"),
        {
            "referrer": client.pk,
            "prospect": prospect.pk,
            "kind": "introduction",
            "source": "direct",
        },
    )
    assert page.status_code == 200 and "asked not to be contacted" in page.text
    with practice_scope(practice):
        assert not Referral.objects.exists()


def test_the_board_moves_a_card_in_one_click_with_htmx(web, practice, professional):
    referral = make_referral(practice, by=professional)
    board = web.get(reverse("introductions:board"))
    assert "Paul Prospect" in board.text and "→ Contacted" in board.text
    swapped = web.post(
        reverse("introductions:board-move", args=[referral.pk]),
        {"stage": "contacted"},
        headers={"HX-Request": "true"},
    )
    assert swapped.text.lstrip().startswith('<section id="board"')
    referral.refresh_from_db()
    assert referral.stage == "contacted"


def test_moving_back_without_a_reason_shows_the_error_on_the_referral_page(
    web, practice, professional
):
    referral = make_referral(practice, by=professional)
    with practice_scope(practice):
        services.move_stage(referral, "met")
    page = web.post(reverse("introductions:move", args=[referral.pk]), {"stage": "contacted"})
    assert page.status_code == 422 and "needs a reason" in page.text
    referral.refresh_from_db()
    assert referral.stage == "met"


def test_the_list_filters_by_stage_and_flags_late_first_contacts(web, practice, professional):
    late = make_referral(practice, by=professional, received_at=timezone.now() - timedelta(days=5))
    make_referral(practice, by=professional)
    page = web.get(reverse("introductions:list"), {"overdue": "on"})
    assert "1 introduction" in page.text and "overdue" in page.text
    assert reverse("introductions:detail", args=[late.pk]) in page.text
    csv = web.get(reverse("introductions:list"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and csv.text.count("\n") == 3


def test_draft_a_letter_see_the_coach_inline_and_download_it(web, practice, professional):
    referral = make_referral(practice, by=professional)
    call = (timezone.now() + timedelta(days=3)).astimezone(professional.zone)
    page = web.post(
        reverse("introductions:letter-start", args=[referral.pk]),
        {
            "what_we_did": "They sorted out our pensions.",
            "why_meet": "Who do you know who needs this? It was a great referral.",
            "call_at": call.strftime("%Y-%m-%dT10:30"),
        },
    )
    with practice_scope(practice):
        letter = Letter.objects.get()
    assert page.url == reverse("introductions:letter", args=[letter.pk])
    editor = web.get(page.url)
    assert "The coach suggests 2 changes" in editor.text and "introduction" in editor.text
    assert letter.call_at.astimezone(professional.zone).strftime("%H:%M") == "10:30"
    pdf = web.get(reverse("introductions:letter-pdf", args=[letter.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    docx = web.get(reverse("introductions:letter-docx", args=[letter.pk]))
    assert docx.content.startswith(b"PK")


def test_the_coach_checks_text_as_it_is_typed(web):
    found = web.post(reverse("introductions:coach"), {"body": "Do you know anyone else?"})
    assert "The coach suggests 1 change" in found.text
    note = web.post(reverse("introductions:coach"), {"note": "Thanks for the referral!"})
    assert "introduction" in note.text and "The coach suggests 1 change" in note.text
    clean = web.post(reverse("introductions:coach"), {"body": "Thank you."})
    assert "nothing to suggest" in clean.text


def test_the_practices_own_coach_rules_show_in_the_letter(web, practice, professional):
    with practice_scope(practice):
        CoachRule.objects.create(
            practice=practice, phrase="pensions", suggestion="retirement plans"
        )
    letter = make_letter(
        make_referral(practice, by=professional), what_we_did="They sorted our pensions."
    )
    assert "retirement plans" in web.get(reverse("introductions:letter", args=[letter.pk])).text


def test_an_assistant_can_edit_but_a_compliance_reviewer_only_reads(
    client_for, make_user, practice
):
    referral = make_referral(practice)
    reviewer = client_for(make_user(Role.COMPLIANCE))
    assert reviewer.get(reverse("introductions:detail", args=[referral.pk])).status_code == 200
    refused = reviewer.post(
        reverse("introductions:move", args=[referral.pk]), {"stage": "contacted"}
    )
    assert refused.status_code == 403
    assistant = client_for(make_user(Role.ASSISTANT))
    assistant.post(reverse("introductions:move", args=[referral.pk]), {"stage": "contacted"})
    referral.refresh_from_db()
    assert referral.stage == "contacted"


def test_settings_change_the_clock_and_templates_refuse_unknown_placeholders(
    client_for, owner, practice
):
    web = client_for(owner)
    saved = web.post(
        reverse("introductions:settings"),
        {
            "section": "pipeline",
            "policy": "hours",
            "amount": 3,
            "day_starts": "08:00",
            "day_ends": "16:00",
            "working_days": ["0", "1", "2", "3"],
            "call_grace_minutes": 10,
            "alert_minutes_before_due": 30,
            "reminder_minutes_before_call": 10,
        },
    )
    assert saved.status_code == 302
    with practice_scope(practice):
        pipeline = services.pipeline_settings(practice)
    assert (pipeline.policy, pipeline.working_days) == ("hours", "0123")
    refused = web.post(
        reverse("introductions:template-create"),
        {"name": "Short", "subject": "Hello", "body": "Dear {first_name},"},
    )
    assert "Unknown placeholder {first_name}" in refused.text


def test_a_professional_cannot_change_the_settings(web):
    assert web.get(reverse("introductions:settings")).status_code == 403


def test_feedback_owed_is_listed_per_referrer_and_paid_from_there(web, practice, professional):
    referral = make_referral(practice, by=professional)
    page = web.get(reverse("introductions:feedback"))
    assert "Clara Client" in page.text and "Thank-you" in page.text
    with practice_scope(practice):
        debt = referral.debts.get()
    web.post(
        reverse("introductions:debt-pay", args=[debt.pk]),
        {"how": "note", "note": "Thanked her at lunch."},
    )
    debt.refresh_from_db()
    assert debt.is_paid
    assert "every referrer has heard back" in web.get(reverse("introductions:feedback")).text


def _queries(web, url) -> int:
    with CaptureQueriesContext(db_connection) as ctx:
        assert web.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_board_query_count_does_not_grow_with_referrals(web, practice, professional):
    for _ in range(2):
        make_referral(practice, by=professional)
    few = _queries(web, reverse("introductions:board"))
    for stage in ("contacted", "met", "engaged", "no_response"):
        for _ in range(3):
            referral = make_referral(practice, by=professional)
            with practice_scope(practice):
                services.move_stage(referral, stage)
    # one more query per column that now has cards (each column is one query)
    assert _queries(web, reverse("introductions:board")) == few + 4


def test_the_list_and_referral_page_query_counts_do_not_grow(web, practice, professional):
    first = make_referral(practice, by=professional)
    web.get(reverse("introductions:detail", args=[first.pk]))  # creates the practice's settings
    list_few = _queries(web, reverse("introductions:list"))
    detail_few = _queries(web, reverse("introductions:detail", args=[first.pk]))
    for _ in range(12):
        make_referral(practice, by=professional)
    with practice_scope(practice):
        for stage in ("contacted", "meeting_set", "met", "engaged"):
            services.move_stage(first, stage)
    make_letter(first, by=professional)
    make_letter(first, by=professional)
    assert _queries(web, reverse("introductions:list")) == list_few
    assert _queries(web, reverse("introductions:detail", args=[first.pk])) == detail_few


def test_the_reviewer_approves_from_the_review_page_and_sees_the_evidence(
    client_for, make_user, practice, professional
):
    with practice_scope(practice):
        services.save_compliance_settings(practice, {"require_review": True})
    referral = make_referral(practice, by=professional)
    client_for(professional).post(
        reverse("introductions:first-contact", args=[referral.pk]),
        {"subject": "Clara suggested we meet", "text": "Dear Paul, shall we talk?"},
    )
    reviewer = client_for(make_user(Role.COMPLIANCE))
    queue = reviewer.get(reverse("introductions:review"))
    assert "Clara suggested we meet" in queue.text
    with practice_scope(practice):
        from referable.introductions.models import HeldEmail

        held = HeldEmail.objects.get()
    reviewer.post(
        reverse("introductions:review-approve", args=[held.pk]), {"comment": "OK to send"}
    )
    page = reviewer.get(reverse("introductions:review"))
    assert "Nothing is waiting for review" in page.text and "OK to send" in page.text
