"""Reads shared by the event pages and the API."""

from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet

from referable.events.models import Event, EventAttribution, Invitation
from referable.introductions.models import Referral


def events() -> QuerySet[Event]:
    """Events with the counts their list shows, in one query."""
    return Event.objects.select_related("host").annotate(
        n_invited=Count(
            "invitations", filter=Q(invitations__brought_by__isnull=True), distinct=True
        ),
        n_yes=Count("invitations", filter=Q(invitations__answer="yes"), distinct=True),
        n_attended=Count("invitations", filter=Q(invitations__attended=True), distinct=True),
        n_guests=Count(
            "invitations", filter=Q(invitations__brought_by__isnull=False), distinct=True
        ),
    )


def event_detail(event_id: int) -> Event:
    return Event.objects.select_related("host").get(pk=event_id)


def invitations_of(event: Event, *, query: str = "", answer: str = "") -> QuerySet[Invitation]:
    """The guest list, by name; ``query`` matches the start of any word of the name."""
    found = event.invitations.select_related("person", "brought_by")
    for word in query.lower().split():
        found = found.filter(Q(sort_name__startswith=word) | Q(sort_name__contains=" " + word))
    if answer in Invitation.Answer.values:
        found = found.filter(answer=answer)
    elif answer == "attended":
        found = found.filter(attended=True)
    elif answer == "guests":
        found = found.filter(brought_by__isnull=False)
    return found.order_by("sort_name", "id")


def invitation_detail(invitation_id: int) -> Invitation:
    return Invitation.objects.select_related("event__host", "person", "brought_by").get(
        pk=invitation_id
    )


def answer_counts(event: Event) -> dict[str, int]:
    counts = dict(
        event.invitations.values("answer")
        .annotate(n=Count("id"))
        .values_list("answer", "n")
        .order_by()
    )
    return {value: counts.get(value, 0) for value in Invitation.Answer.values}


def attributions_of(event: Event) -> QuerySet[EventAttribution]:
    return (
        event.attributions.filter(dismissed=False)
        .select_related("referral__referrer", "referral__prospect", "confirmed_by")
        .order_by("confirmed", "-referral__received_at", "-id")
    )


def attributable_referrals(event: Event, *, limit: int = 50) -> QuerySet[Referral]:
    """Introductions received since the event began, not yet attributed, newest first."""
    return (
        Referral.objects.filter(received_at__gte=event.starts_at, event_attribution__isnull=True)
        .select_related("referrer", "prospect")
        .order_by("-received_at", "-id")[:limit]
    )


def attended_by_clients(client_ids) -> list[tuple[int, datetime]]:
    """For the Today agenda's cadence of touches: when each of these clients last came
    to an event, as ``(client_id, starts_at)``."""
    return list(
        Invitation.objects.filter(attended=True, person__client__in=list(client_ids))
        .values_list("person__client")
        .annotate(at=Max("event__starts_at"))
        .order_by()
    )
