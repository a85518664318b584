"""The demo practice has eighteen months of introductions in every stage, kind and method."""

from datetime import timedelta

import pytest
from django.utils import timezone

from referable.introductions import queries
from referable.introductions.demo import build
from referable.introductions.models import (
    FeedbackDebt,
    Letter,
    Method,
    Referral,
    ScheduledCall,
    Stage,
)
from referable.people.demo import build as build_people
from referable.practices.demo import DemoPlan
from referable.practices.demo import build as build_practice
from referable.practices.tenancy import practice_scope
from referable.practices.tests.factories import practice_today

pytestmark = pytest.mark.django_db


def test_the_demo_covers_every_stage_kind_and_method_with_letters_feedback_and_some_overdue(
    practice,
):
    plan = DemoPlan(people=600, seed=11, today=practice_today())
    plan.practice = practice
    with practice_scope(practice):
        build_practice(practice, plan)
        build_people(practice, plan)
        build(practice, plan)
        referrals = Referral.objects.all()
        assert set(referrals.values_list("stage", flat=True)) == set(Stage.values)
        assert set(referrals.values_list("kind", flat=True)) == set(Referral.Kind.values)
        assert set(referrals.values_list("method", flat=True)) == set(Method.values)
        oldest = referrals.order_by("received_at").first().received_at
        assert timezone.now() - oldest > timedelta(days=500)
        assert set(Letter.objects.values_list("state", flat=True)) == set(Letter.State.values)
        assert ScheduledCall.objects.filter(status="kept").exists()
        assert ScheduledCall.objects.filter(status="missed").exists()
        assert FeedbackDebt.objects.filter(paid_at__isnull=True).exists()
        assert FeedbackDebt.objects.filter(paid_at__isnull=False).exists()
        assert queries.filtered(overdue=True).exists()
        assert plan.shared["introductions"]["referrals"]
