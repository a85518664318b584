"""Background work of the pipeline: the alert before a same-day contact is missed, the
reminder before a promised call, and the scan that flags promises missed.

Each task checks the state it is about to change first, so a second run (a worker
killed mid-job runs it again) sends nothing twice."""

from datetime import timedelta

from django.db import transaction

from referable.introductions import letters, services
from referable.introductions.models import Referral, ScheduledCall, Stage
from referable.outbox.jobs import now, periodic, task
from referable.practices.tenancy import practice_scope


@task("introductions.first_contact_alert")
def first_contact_alert(payload: dict) -> None:
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("owner", "prospect", "referrer", "practice")
            .filter(pk=payload["referral_id"])
            .first()
        )
        if (
            referral is None
            or referral.stage != Stage.RECEIVED
            or referral.first_contact_alerted_at is not None
            or referral.owner is None
            or not referral.owner.email
        ):
            return
        referral.first_contact_alerted_at = now()
        referral.save(update_fields=["first_contact_alerted_at"])
        zone = referral.owner.zone
        due = referral.first_contact_due_at.astimezone(zone)
        services.send_internal(
            referral.practice,
            to=[referral.owner.email],
            subject=f"Call {referral.prospect} before {due:%H:%M} today",
            text=(
                f"{referral.referrer} introduced {referral.prospect}, and first contact is "
                f"due by {due:%A %H:%M}. Seed 003: call every introduction the same day, "
                "while it is still top of mind.\n"
            ),
            related=referral,
        )


@task("introductions.call_reminder")
def call_reminder(payload: dict) -> None:
    with transaction.atomic():
        call = (
            ScheduledCall.objects.select_for_update(of=("self",))
            .select_related("professional", "referral__prospect", "referral__practice")
            .filter(pk=payload["call_id"])
            .first()
        )
        if (
            call is None
            or call.status != ScheduledCall.Status.SCHEDULED
            or call.sequence != payload.get("sequence", call.sequence)
            or call.reminded_sequence == call.sequence
            or call.professional is None
            or not call.professional.email
        ):
            return
        call.reminded_sequence = call.sequence
        call.save(update_fields=["reminded_sequence"])
        zone = call.professional.zone
        services.send_internal(
            call.referral.practice,
            to=[call.professional.email],
            subject=f"At {letters.call_time(call.at, zone)}: {services.call_summary(call)}",
            text=(
                f"{services.call_summary(call)} at {letters.call_time(call.at, zone)}, "
                f"{letters.call_date(call.at, zone)}. The letter promised this minute: be on time.\n"
            ),
            related=call,
        )


@periodic("introductions.flag_missed_promises", every=timedelta(minutes=5))
def flag_missed_promises(payload: dict) -> None:
    """Calls not logged within their grace period become promises missed."""
    moment = now()
    practices = (
        ScheduledCall.objects.with_scopes_disabled()
        .filter(status=ScheduledCall.Status.SCHEDULED, at__lt=moment)
        .values_list("practice_id", flat=True)
        .distinct()
    )
    for practice_id in list(practices):
        with practice_scope(practice_id):
            services.flag_missed_calls(practice_id, now=moment)
