"""The daily digest: a user's own agenda by e-mail, at the morning hour of their time
zone, in HTML and plain text, with links straight to each item.

It is sent through the outbox, so a digest that cannot reach the mail server is
retried and, if it never does, shown as failed in the app (never dropped silently).
``send_digest`` is safe to run twice for the same user and day: the second run finds
the first's DigestDelivery and sends nothing."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from referable.agenda import queries, urgency
from referable.agenda.models import DigestDelivery
from referable.practices.models import User

#: more than this and the digest lists the first ones and links to Today for the rest
DIGEST_LIMIT = 40


@dataclass
class Digest:
    subject: str
    text: str
    html: str
    count: int


def link(path: str) -> str:
    return settings.SITE_URL + path


def build_digest(user: User, *, now: datetime | None = None) -> Digest:
    agenda = queries.agenda_for(
        queries.own_owners(user), zone=user.zone, now=now, limit=DIGEST_LIMIT
    )
    return _digest(user, agenda)


def build_digests(users: list[User], *, now: datetime | None = None) -> dict[int, Digest]:
    """The digest of each of ``users``, the agendas counted together (see
    queries.own_agendas): a morning's digests for a whole firm."""
    agendas = queries.own_agendas(users, now=now, limit=DIGEST_LIMIT)
    return {user.pk: _digest(user, agendas[user.pk]) for user in users}


def _digest(user: User, agenda: queries.Agenda) -> Digest:
    shown = agenda.items
    today_url = link(reverse("agenda:today"))
    entries = [
        {
            "item": item,
            "url": link(item.url) if item.url else f"{today_url}#{item.dom_id}",
            "today_url": f"{today_url}#{item.dom_id}",
        }
        for item in shown
    ]
    context = {
        "user": user,
        "day": agenda.today,
        "entries": entries,
        "total": agenda.total,
        "more": agenda.total - len(shown),
        "today_url": today_url,
        "preferences_url": link(reverse("agenda:digest")),
        "rule": urgency.RULE,
    }
    count = agenda.total
    subject = (
        f"Today, {agenda.today:%A %-d %B}: {count} thing{'s' if count != 1 else ''} to do"
        if count
        else f"Today, {agenda.today:%A %-d %B}: nothing due"
    )
    return Digest(
        subject=subject,
        text=render_to_string("agenda/digest_email.txt", context),
        html=render_to_string("agenda/digest_email.html", context),
        count=count,
    )


@transaction.atomic
def send_digest(user: User, day: date, *, now: datetime | None = None) -> DigestDelivery:
    """Builds and queues ``day``'s digest of ``user``, once. An empty agenda is
    recorded but sends no e-mail."""
    existing = DigestDelivery.objects.filter(user=user, day=day).first()
    if existing is not None:
        return existing
    from referable.outbox.services import send_email

    digest = build_digest(user, now=now)
    delivery = DigestDelivery(practice_id=user.practice_id, user=user, day=day, items=digest.count)
    try:
        with transaction.atomic():
            delivery.save()
    except IntegrityError:  # another worker got there first
        return DigestDelivery.objects.get(user=user, day=day)
    if digest.count and user.email:
        delivery.email = send_email(
            practice=user.practice,
            to=[user.email],
            subject=digest.subject,
            text=digest.text,
            html=digest.html,
        )
        delivery.save(update_fields=["email", "updated_at"])
    return delivery


def local_day(user: User, now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now(), timezone=user.zone)
