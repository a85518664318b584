"""The practice's process: its default steps, the steps that tick themselves from the
other areas' data (with a link to the evidence), hand ticks, and removed steps whose
history stays."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import RestrictedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referable.agenda import queries, services
from referable.agenda.models import ProcessStep, StepCompletion
from referable.clients import services as client_services
from referable.clients.tests.factories import check_in, make_client, make_expectation, make_profile
from referable.introductions import services as intro
from referable.introductions.models import FeedbackDebt
from referable.introductions.tests.factories import make_referral

pytestmark = pytest.mark.django_db
E = ProcessStep.Evidence


def ticks_of(client, steps=None):
    steps = steps or queries.active_steps()
    found = queries.progress([client.pk], steps).get(client.pk, {})
    return {s.evidence or s.name: found.get(s.pk) for s in steps}


def test_the_default_process_follows_the_articles_and_says_introduction(in_practice):
    steps = services.ensure_process(in_practice)
    assert 9 <= len(steps) <= 12
    assert steps[0].name == "Set the introduction expectation at onboarding"
    assert steps[-1].name == "Close the loop and thank them"
    text = " ".join(f"{s.name} {s.description}" for s in steps).lower()
    assert "referral" not in text and "introduction" in text
    assert services.ensure_process(in_practice) == steps  # written once


def test_steps_tick_themselves_from_what_the_system_sees(in_practice, professional):
    services.ensure_process(in_practice)
    client = make_client(in_practice, professional)
    assert not any(ticks_of(client).values())
    expectation = make_expectation(client)
    check_in(client, {expectation.pk: "meeting"})
    client_services.record_agreement(client, answer="agreed", by=professional)
    client_services.share_profile(client, make_profile(in_practice), by=professional)
    services.log_touch(client, "event_invitation", by=professional)
    referral = make_referral(in_practice, referrer=client.person, by=professional)
    ticks = ticks_of(client)
    for key in (
        E.EXPECTATIONS_RECORDED,
        E.CHECKIN_DONE,
        E.AGREEMENT_ASKED,
        E.PROFILE_SHARED,
        E.EVENT_INVITED,
        E.INTRODUCTION_RECEIVED,
    ):
        assert ticks[key] is not None and ticks[key].how == "evidence", key
    assert ticks[E.EXPECTATIONS_RECORDED].url == (
        reverse("clients:detail", args=[client.pk]) + "#expectations"
    )
    assert ticks[E.INTRODUCTION_RECEIVED].url == reverse("introductions:detail", args=[referral.pk])
    assert ticks[E.LOOP_CLOSED] is None
    intro.pay_debt(
        FeedbackDebt.objects.get(referral=referral, kind="thank_you"),
        note="Thank you!",
        by=professional,
    )
    assert ticks_of(client)[E.LOOP_CLOSED].url == reverse(
        "introductions:detail", args=[referral.pk]
    )


def test_other_steps_are_ticked_by_hand_not_ahead_of_time_and_once(in_practice, professional):
    steps = services.ensure_process(in_practice)
    client = make_client(in_practice, professional)
    first = steps[0]
    completion = services.tick_step(
        client, first, note="Said it at the first meeting", by=professional
    )
    assert ticks_of(client)[first.name].how == "hand"
    with pytest.raises(ValidationError) as twice:
        services.tick_step(client, first, by=professional)
    assert "already ticked" in twice.value.messages[0]
    from datetime import timedelta

    tomorrow = services.practice_today(in_practice) + timedelta(days=1)
    with pytest.raises(ValidationError) as ahead:
        services.tick_step(client, steps[2], done_on=tomorrow, by=professional)
    assert "done_on" in ahead.value.message_dict
    services.untick_step(completion, by=professional)
    assert ticks_of(client)[first.name] is None


def test_removing_a_step_keeps_the_history_of_clients_who_did_it(
    client_for, in_practice, professional, owner
):
    steps = services.ensure_process(in_practice)
    client = make_client(in_practice, professional)
    done = services.tick_step(client, steps[2], note="Delivered the plan", by=professional)
    web = client_for(owner)
    web.post(reverse("agenda:step-archive", args=[steps[2].pk]))
    steps[2].refresh_from_db()
    assert steps[2].is_archived
    assert StepCompletion.objects.filter(pk=done.pk).exists()
    assert steps[2] not in queries.active_steps()
    page = client_for(professional).get(reverse("agenda:client-process", args=[client.pk]))
    assert (
        "Steps no longer in the process" in page.text and "Deliver what was promised" in page.text
    )
    with pytest.raises(ValidationError):
        services.untick_step(done, by=professional)
    with pytest.raises(ValidationError):
        services.tick_step(make_client(in_practice, professional), steps[2], by=professional)
    with pytest.raises(RestrictedError):
        steps[2].delete()
    web.post(reverse("agenda:step-restore", args=[steps[2].pk]))
    assert steps[2] in queries.active_steps()


def test_the_practice_writes_and_orders_its_own_steps(client_for, in_practice, owner, professional):
    services.ensure_process(in_practice)
    web = client_for(owner)
    web.post(
        reverse("agenda:steps"),
        {"name": "Send a handwritten card", "description": "", "evidence": ""},
    )
    last = queries.active_steps()[-1]
    assert last.name == "Send a handwritten card"
    web.post(reverse("agenda:step-move", args=[last.pk]), {"direction": "up"})
    assert queries.active_steps()[-2] == last
    web.post(
        reverse("agenda:step-edit", args=[last.pk]),
        {"name": "Send a card", "description": "By hand", "evidence": ""},
    )
    last.refresh_from_db()
    assert last.name == "Send a card"
    assert (
        client_for(professional)
        .post(reverse("agenda:steps"), {"name": "Mine", "evidence": ""})
        .status_code
        == 403
    )


def test_tick_from_the_client_page(client_for, in_practice, professional):
    steps = services.ensure_process(in_practice)
    client = make_client(in_practice, professional)
    web = client_for(professional)
    web.post(reverse("agenda:tick", args=[client.pk]), {"step": steps[0].pk, "note": "Told them"})
    assert StepCompletion.objects.get(client=client, step=steps[0]).note == "Told them"
    page = web.get(reverse("agenda:client-process", args=[client.pk]))
    assert "Ticked by" in page.text


def test_the_board_takes_the_same_queries_for_a_few_clients_or_a_page(
    client_for, in_practice, professional, owner
):
    services.ensure_process(in_practice)
    web = client_for(owner)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            page = web.get(reverse("agenda:board"))
        assert page.status_code == 200
        return len(ctx.captured_queries), page

    client = make_client(in_practice, professional)
    make_expectation(client)
    few, page = count()
    assert reverse("clients:detail", args=[client.pk]) + "#expectations" in page.text
    for _ in range(6):
        make_expectation(make_client(in_practice, professional))
    many, page = count()
    assert many == few
    assert "7 clients" in page.text
