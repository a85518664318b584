"""Factories build rows through the same services the app uses, inside the scope of
the practice they belong to."""

from datetime import timedelta

from django.utils import timezone

from referable.introductions import services
from referable.introductions.models import Letter, Referral
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope


def make_referral(practice, *, referrer=None, prospect=None, by=None, **fields) -> Referral:
    referrer = referrer or make_person(
        practice, category="client", first_name="Clara", last_name="Client"
    )
    if prospect is None:
        prospect = make_person(
            practice, category="prospect", first_name="Paul", last_name="Prospect"
        )
    with practice_scope(practice):
        return services.record_referral(
            practice, referrer=referrer, prospect=prospect, owner=by, by=by, **fields
        )


def make_letter(referral: Referral, *, by=None, call_at=None, **fields) -> Letter:
    with practice_scope(referral.practice_id):
        return services.draft_letter(
            referral,
            what_we_did=fields.pop("what_we_did", "They reorganised our savings."),
            why_meet=fields.pop("why_meet", "You are planning to sell the company."),
            call_at=call_at or timezone.now() + timedelta(days=3),
            by=by,
            **fields,
        )
