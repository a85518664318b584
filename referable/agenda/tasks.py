"""The agenda's scheduled work: each user's digest at their morning hour.

Every quarter of an hour, whichever worker's scheduler runs first queues the scan;
the scan queues one ``agenda.send_digest`` per user whose hour has come today (in their
zone), under the key ``digest:<user>:<local day>``, so however many workers run and
however often the scan repeats, a user's digest of a day is queued once. The send
itself records the day before sending (DigestDelivery), so a job run twice — a worker
killed mid-job — sends nothing twice."""

from datetime import date, timedelta

from referable.agenda import digest, services
from referable.agenda.models import DigestDelivery, DigestPreference
from referable.outbox.jobs import enqueue, now, periodic, task
from referable.practices.models import User
from referable.practices.roles import Role

SCAN_EVERY = timedelta(minutes=15)
RECIPIENT_ROLES = (Role.OWNER, Role.MANAGER, Role.PROFESSIONAL, Role.ASSISTANT)


def due_digests(moment) -> list[tuple[User, date]]:
    """(user, local day) of every digest whose hour has come and that was not made yet:
    three queries, whatever the number of users."""
    users = list(
        User.objects.filter(
            is_active=True, practice__isnull=False, role__in=RECIPIENT_ROLES
        ).select_related("practice")
    )
    preferences = {p.user_id: p for p in DigestPreference.objects.with_scopes_disabled().all()}
    days = {u.pk: digest.local_day(u, moment) for u in users}
    made = set(
        DigestDelivery.objects.with_scopes_disabled()
        .filter(day__in=set(days.values()), user_id__in=list(days))
        .values_list("user_id", "day")
    )
    due = []
    for user in users:
        preference = preferences.get(user.pk)
        if preference is not None and not preference.enabled:
            continue
        day = days[user.pk]
        if (user.pk, day) in made:
            continue
        if moment >= services.digest_time(user, preference, day):
            due.append((user, day))
    return due


@periodic("agenda.schedule_digests", every=SCAN_EVERY)
def schedule_digests(payload: dict) -> None:
    for user, day in due_digests(now()):
        enqueue(
            "agenda.send_digest",
            {"user_id": user.pk, "day": day.isoformat()},
            practice=user.practice_id,
            dedupe_key=f"digest:{user.pk}:{day.isoformat()}",
        )


@task("agenda.send_digest")
def send_digest(payload: dict) -> None:
    user = User.objects.select_related("practice").filter(pk=payload["user_id"]).first()
    if user is None or not user.is_active:
        return
    preference = DigestPreference.objects.filter(user=user).first()
    if preference is not None and not preference.enabled:
        return
    digest.send_digest(user, date.fromisoformat(payload["day"]), now=now())
