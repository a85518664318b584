"""The rules about appreciation events. Every write is one transaction that either
succeeds whole or raises ``ValidationError`` naming the field at fault."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from icalendar import Calendar, vCalAddress, vText
from icalendar import Event as CalendarEvent

from referable.events import attribution
from referable.events.models import Event, EventAttribution, EventSettings, Invitation
from referable.introductions.models import Referral
from referable.people import services as people_services
from referable.people.models import EmailAddress, Person

EVENT_FIELDS = (
    "title",
    "kind",
    "starts_at",
    "ends_at",
    "venue",
    "description",
    "budget",
    "actual_cost",
    "currency",
    "capacity",
    "host",
)
#: a person whose category is one of these becomes a prospect when they come as a guest
BECOME_PROSPECT = (Person.Category.CONTACT,)


def _apply(instance, data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set here."))
    for name, value in data.items():
        setattr(instance, name, value)


# -- settings ------------------------------------------------------------------------


def event_settings(practice) -> EventSettings:
    practice_id = getattr(practice, "pk", practice)
    found = EventSettings.objects.filter(practice_id=practice_id).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return EventSettings.objects.create(practice_id=practice_id)
    except IntegrityError:
        return EventSettings.objects.get(practice_id=practice_id)


def attribution_window(practice_id) -> int:
    """The window without creating the settings row (read on every new referral)."""
    found = EventSettings.objects.filter(practice_id=practice_id).values_list(
        "attribution_window_days", flat=True
    )
    return found.first() or EventSettings._meta.get_field("attribution_window_days").default


@transaction.atomic
def save_event_settings(practice, data: dict, *, by=None) -> EventSettings:
    found = event_settings(practice)
    _apply(found, data, ("attribution_window_days",))
    found.full_clean(exclude=["practice"])
    found.save()
    return found


# -- events --------------------------------------------------------------------------


def places_taken(event: Event, *, exclude: Invitation | None = None) -> int:
    """Everyone invited who has not declined, guests included."""
    invitations = event.invitations.exclude(answer=Invitation.Answer.NO)
    if exclude is not None:
        invitations = invitations.exclude(pk=exclude.pk)
    return invitations.count()


def _ensure_places(event: Event, wanted: int, *, exclude: Invitation | None = None) -> None:
    if event.capacity is None or wanted <= 0:
        return
    taken = places_taken(event, exclude=exclude)
    if taken + wanted > event.capacity:
        free = max(0, event.capacity - taken)
        raise ValidationError(
            {
                "capacity": f"{event.title} has {event.capacity} places and {taken} are taken "
                f"(invited and not declined): {free} left, {wanted} wanted."
            }
        )


def _clean_event(event: Event) -> None:
    errors = {}
    for name in ("budget", "actual_cost"):
        value = getattr(event, name)
        if value is not None and value < 0:
            errors[name] = "A cost cannot be negative."
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = "The event must end after it starts."
    if event.capacity is not None and event.capacity < 1:
        errors["capacity"] = "Give at least one place, or leave it blank for no limit."
    if errors:
        raise ValidationError(errors)
    event.currency = (event.currency or "USD").upper()
    event.full_clean(exclude=["practice", "host"])


@transaction.atomic
def create_event(practice, data: dict, *, by=None) -> Event:
    event = Event(practice_id=practice.pk, host=by)
    _apply(event, data, EVENT_FIELDS)
    _clean_event(event)
    event.save()
    return event


@transaction.atomic
def update_event(event: Event, data: dict, *, by=None) -> Event:
    _apply(event, data, EVENT_FIELDS)
    _clean_event(event)
    if event.capacity is not None and event.pk:
        taken = places_taken(event)
        if taken > event.capacity:
            raise ValidationError(
                {"capacity": f"{taken} places are already taken; the capacity cannot be lower."}
            )
    if {"starts_at", "ends_at", "venue", "title"} & set(data):
        event.sequence += 1
    event.save()
    return event


# -- invitations ---------------------------------------------------------------------


@dataclass
class InviteResult:
    invited: list[Invitation] = field(default_factory=list)
    skipped: list[tuple[Person, str]] = field(default_factory=list)


def _sort_name(person: Person) -> str:
    return person.sort_name or f"{person.last_name} {person.first_name}".strip().lower()


@transaction.atomic
def invite(
    event: Event,
    people: Iterable[Person],
    *,
    method: str = Invitation.Method.HAND_PICK,
    by=None,
    strict: bool | None = None,
) -> InviteResult:
    """Invites people. Hand-picked people are checked strictly (a do-not-contact person
    or one already invited is refused with the reason); invitations by tier or rung pass
    over them and say why. Either way the places must suffice for all, or none is made."""
    if method not in Invitation.Method.values or method == Invitation.Method.GUEST:
        raise ValidationError({"method": "Invite by tier, by rung or hand-pick."})
    strict = method == Invitation.Method.HAND_PICK if strict is None else strict
    people = list(people)
    if not people:
        raise ValidationError({"person": "Choose at least one person to invite."})
    already = set(
        event.invitations.filter(person__in=[p.pk for p in people]).values_list(
            "person_id", flat=True
        )
    )
    result = InviteResult()
    chosen: list[Person] = []
    for person in people:
        reason = ""
        if person.do_not_contact:
            reason = person.do_not_contact_message()
        elif person.pk in already:
            reason = f"{person} is already invited."
        if reason:
            if strict:
                raise ValidationError({"person": reason})
            result.skipped.append((person, reason))
            continue
        already.add(person.pk)
        chosen.append(person)
    _ensure_places(event, len(chosen))
    invitations = [
        Invitation(
            practice_id=event.practice_id,
            event=event,
            person=person,
            method=method,
            invited_by=by,
            sort_name=_sort_name(person),
        )
        for person in chosen
    ]
    result.invited = Invitation.objects.bulk_create(invitations)
    return result


def _clients(**filters):
    from referable.clients.models import Client

    return Person.objects.filter(
        pk__in=Client.objects.filter(**filters)
        .exclude(stage=Client.Stage.FORMER)
        .values("person_id")
    ).order_by("sort_name", "id")


@transaction.atomic
def invite_by_tier(event: Event, tier, *, by=None) -> InviteResult:
    """Every current client of a service tier (e.g. Top), skipping who may not be
    contacted or is already invited."""
    if tier is None:
        raise ValidationError({"tier": "Choose a service tier."})
    people = list(_clients(tier=tier))
    if not people:
        raise ValidationError({"tier": f"No current client is in the {tier} tier."})
    return invite(event, people, method=Invitation.Method.TIER, by=by)


@transaction.atomic
def invite_by_rung(event: Event, rung: str, *, by=None) -> InviteResult:
    from referable.clients.models import Rung

    if rung not in Rung.values:
        raise ValidationError({"rung": "Choose a rung of the introduction ladder."})
    people = list(_clients(rung=rung))
    if not people:
        raise ValidationError({"rung": f"No current client is on “{Rung(rung).label}”."})
    return invite(event, people, method=Invitation.Method.RUNG, by=by)


@transaction.atomic
def record_answer(invitation: Invitation, answer: str, *, by=None) -> Invitation:
    if answer not in Invitation.Answer.values:
        raise ValidationError({"answer": "Answer yes, no, maybe, or none yet."})
    if invitation.answer == Invitation.Answer.NO and answer != Invitation.Answer.NO:
        _ensure_places(invitation.event, 1, exclude=invitation)
    invitation.answer = answer
    invitation.answered_at = None if answer == Invitation.Answer.NONE else timezone.now()
    invitation.save(update_fields=["answer", "answered_at", "updated_at"])
    return invitation


@transaction.atomic
def check_in(invitation: Invitation, *, arrived: bool = True, by=None) -> Invitation:
    """At the door: they came (or, undone, they did not). Arriving answers yes."""
    if arrived and not invitation.attended:
        if invitation.answer == Invitation.Answer.NO:
            _ensure_places(invitation.event, 1, exclude=invitation)
        invitation.attended = True
        invitation.arrived_at = timezone.now()
        if invitation.answer != Invitation.Answer.YES:
            invitation.answer, invitation.answered_at = Invitation.Answer.YES, timezone.now()
    elif not arrived:
        invitation.attended, invitation.arrived_at = False, None
    invitation.save()
    return invitation


def _existing_by_email(emails: list[str]) -> Person | None:
    if not emails:
        return None
    found = (
        EmailAddress.objects.filter(address__in=emails)
        .select_related("person")
        .order_by("position", "id")
        .first()
    )
    return found.person if found else None


@transaction.atomic
def add_guest(
    host: Invitation,
    *,
    person: Person | None = None,
    new_person: dict | None = None,
    emails: list[str] = (),
    phones: list[str] = (),
    connection_kind: str = "friend",
    attended: bool = True,
    by=None,
) -> Invitation:
    """A guest an invitee brought, in one step: the person (found by e-mail, or the one
    given, or new), marked a prospect, connected to the invitee, and on the list."""
    event = host.event
    if host.is_guest:
        raise ValidationError({"host": "Guests are brought by an invitee, not by another guest."})
    emails = people_services.clean_emails(emails)
    if person is None:
        person = _existing_by_email(emails)
    if person is None:
        data = new_person or {}
        if not (data.get("first_name", "").strip() or data.get("last_name", "").strip()):
            raise ValidationError({"last_name": "Give the guest's name."})
    else:
        if person.pk == host.person_id:
            raise ValidationError({"person": "An invitee cannot be their own guest."})
        if person.do_not_contact:
            raise ValidationError({"person": person.do_not_contact_message()})
        existing = event.invitations.filter(person=person).first()
        if existing:
            raise ValidationError({"person": f"{person} is already on the list of {event}."})
    _ensure_places(event, 1)
    if person is None:
        person = people_services.create_person(
            event.practice,
            {
                "category": Person.Category.PROSPECT,
                "source": Person.Source.EVENT,
                "source_detail": f"Guest of {host.person.full_name} at {event.title}"[:300],
                "source_person": host.person,
                "legal_basis": Person.LegalBasis.LEGITIMATE_INTEREST,
                "owner": event.host,
                **{
                    k: v
                    for k, v in (new_person or {}).items()
                    if k in people_services.PERSON_FIELDS
                },
            },
            emails=emails,
            phones=list(phones),
            by=by,
        )
    elif person.category in BECOME_PROSPECT:
        people_services.update_person(person, {"category": Person.Category.PROSPECT}, by=by)
    if people_services.existing_connection(host.person, person) is None:
        people_services.connect(
            host.person,
            person,
            {
                "kind": connection_kind,
                "told_by": host.person,
                "notes": f"Came to {event.title} together.",
            },
            by=by,
        )
    invitation = Invitation(
        practice_id=event.practice_id,
        event=event,
        person=person,
        method=Invitation.Method.GUEST,
        answer=Invitation.Answer.YES,
        answered_at=timezone.now(),
        attended=attended,
        arrived_at=timezone.now() if attended else None,
        brought_by=host.person,
        invited_by=by,
        sort_name=_sort_name(person),
    )
    invitation.save()
    return invitation


@transaction.atomic
def remove_invitation(invitation: Invitation, *, by=None) -> None:
    invitation.delete()


# -- e-mailed invitations ------------------------------------------------------------


def event_ics(event: Event, invitation: Invitation | None = None, *, email: str = "") -> bytes:
    """An iCalendar (RFC 5545) invitation to the event."""
    calendar = Calendar()
    calendar.add("prodid", "-//Referable//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    item = CalendarEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", timezone.now())
    item.add("dtstart", event.starts_at)
    item.add("dtend", event.ends_at)
    item.add("summary", event.title)
    item.add("sequence", event.sequence)
    item.add("status", "CONFIRMED")
    if event.venue:
        item.add("location", event.venue)
    if event.description:
        item.add("description", event.description)
    if event.host and event.host.email:
        organizer = vCalAddress(f"mailto:{event.host.email}")
        organizer.params["cn"] = vText(str(event.host))
        item["organizer"] = organizer
    if invitation is not None and email:
        attendee = vCalAddress(f"mailto:{email}")
        attendee.params["cn"] = vText(invitation.person.full_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["rsvp"] = vText("TRUE")
        item.add("attendee", attendee, encode=0)
    calendar.add_component(item)
    return calendar.to_ical()


def invitation_text(event: Event, invitation: Invitation) -> str:
    zone = event.host.zone if event.host else timezone.get_current_timezone()
    starts = timezone.localtime(event.starts_at, zone)
    host = str(event.host) if event.host else ""
    lines = [
        f"Dear {invitation.person.first_name or invitation.person.full_name},",
        "",
        f"We would be delighted if you joined us for {event.title}, "
        f"on {starts:%A %-d %B %Y} at {starts:%-I:%M %p}"
        + (f", at {event.venue}" if event.venue else "")
        + ".",
    ]
    if event.description:
        lines += ["", event.description]
    lines += [
        "",
        "You are welcome to bring a guest. The attached invitation adds it to your calendar.",
        "",
        host,
    ]
    return "\n".join(lines).strip() + "\n"


@dataclass
class SendResult:
    sent: int = 0
    skipped: list[tuple[Person, str]] = field(default_factory=list)


@transaction.atomic
def send_invitations(
    event: Event, *, invitations: Iterable[Invitation] | None = None, by=None
) -> SendResult:
    """E-mails each invitation not yet sent, with the event as an .ics attachment,
    through the outbox (archived for the books, delivered by the worker)."""
    from referable.outbox.services import send_email

    if event.is_past():
        raise ValidationError({"event": "This event is over; invitations are no longer sent."})
    if invitations is None:
        invitations = event.invitations.filter(sent_at__isnull=True, brought_by__isnull=True)
    invitations = list(
        Invitation.objects.filter(pk__in=[i.pk for i in invitations])
        .select_related("person", "event__host")
        .prefetch_related("person__emails")
    )
    result = SendResult()
    for invitation in invitations:
        person = invitation.person
        addresses = [e.address for e in sorted(person.emails.all(), key=lambda e: e.position)]
        if person.do_not_contact:
            result.skipped.append((person, person.do_not_contact_message()))
            continue
        if not addresses:
            result.skipped.append((person, f"{person} has no e-mail address."))
            continue
        send_email(
            practice=event.practice,
            to=[addresses[0]],
            subject=f"Invitation: {event.title}",
            text=invitation_text(event, invitation),
            attachments=[
                (
                    "invitation.ics",
                    event_ics(event, invitation, email=addresses[0]),
                    "text/calendar; method=REQUEST",
                )
            ],
            sent_by=by or event.host,
            person=person,
            related=invitation,
            kind="invitation",
        )
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at", "updated_at"])
        result.sent += 1
    return result


# -- attribution ---------------------------------------------------------------------


def _facts(events) -> list[attribution.EventFacts]:
    rows = (
        Invitation.objects.filter(event__in=events)
        .filter(Q(attended=True) | Q(brought_by__isnull=False))
        .values_list("event_id", "person_id", "attended", "brought_by_id")
    )
    attendees: dict[int, set[int]] = {}
    guests: dict[int, set[int]] = {}
    for event_id, person_id, attended, brought_by in rows:
        if attended:
            attendees.setdefault(event_id, set()).add(person_id)
        if brought_by:
            guests.setdefault(event_id, set()).add(person_id)
    return [
        attribution.EventFacts(
            event_id=event.pk,
            title=event.title,
            starts_at=event.starts_at,
            attendees=frozenset(attendees.get(event.pk, ())),
            guests=frozenset(guests.get(event.pk, ())),
        )
        for event in events
    ]


def _referral_facts(referral: Referral) -> attribution.ReferralFacts:
    return attribution.ReferralFacts(
        referral_id=referral.pk,
        referrer_id=referral.referrer_id,
        prospect_id=referral.prospect_id,
        received_at=referral.received_at,
    )


@transaction.atomic
def propose_for_referral(referral: Referral) -> EventAttribution | None:
    """Called when a referral is recorded: was it born at an event?"""
    if EventAttribution.objects.filter(referral=referral).exists():
        return None
    window = attribution_window(referral.practice_id)
    events = list(
        Event.objects.filter(
            starts_at__lte=referral.received_at,
            starts_at__gte=referral.received_at - timedelta(days=window),
        )
        .filter(
            Q(invitations__person_id=referral.referrer_id, invitations__attended=True)
            | Q(invitations__person_id=referral.prospect_id, invitations__brought_by__isnull=False)
        )
        .distinct()
    )
    if not events:
        return None
    proposal = attribution.propose(_referral_facts(referral), _facts(events), window)
    if proposal is None:
        return None
    return EventAttribution.objects.create(
        practice_id=referral.practice_id,
        referral=referral,
        event_id=proposal.event_id,
        how=EventAttribution.How.PROPOSED,
        reason=proposal.reason,
    )


@transaction.atomic
def propose_attributions(event: Event) -> list[EventAttribution]:
    """Looks through the referrals received in the event's window for those whose
    referrer attended or whose prospect was a guest; proposes each not yet attributed."""
    window = attribution_window(event.practice_id)
    facts = _facts([event])[0]
    if not (facts.attendees or facts.guests):
        return []
    referrals = Referral.objects.filter(
        received_at__gte=event.starts_at,
        received_at__lte=event.starts_at + timedelta(days=window),
        event_attribution__isnull=True,
    ).filter(Q(referrer_id__in=facts.attendees) | Q(prospect_id__in=facts.guests))
    created = []
    for referral in referrals.order_by("received_at", "id"):
        # the referral may fit a later event better: let the rule choose among all
        candidates = list(
            Event.objects.filter(
                starts_at__lte=referral.received_at,
                starts_at__gte=referral.received_at - timedelta(days=window),
            )
        )
        proposal = attribution.propose(_referral_facts(referral), _facts(candidates), window)
        if proposal is not None:
            created.append(
                EventAttribution(
                    practice_id=event.practice_id,
                    referral=referral,
                    event_id=proposal.event_id,
                    how=EventAttribution.How.PROPOSED,
                    reason=proposal.reason,
                )
            )
    return EventAttribution.objects.bulk_create(created)


@transaction.atomic
def attribute(referral: Referral, event: Event, *, by=None) -> EventAttribution:
    """Sets by hand the event an introduction came from (replacing any proposal)."""
    if referral is None:
        raise ValidationError({"referral": "Choose the introduction."})
    if event is None:
        raise ValidationError({"event": "Choose the event."})
    if referral.received_at < event.starts_at:
        raise ValidationError(
            {
                "event": f"This introduction arrived before {event.title} began; it cannot have been born there."
            }
        )
    found = EventAttribution.objects.filter(referral=referral).first() or EventAttribution(
        practice_id=referral.practice_id, referral=referral
    )
    found.event = event
    found.how = EventAttribution.How.MANUAL
    found.reason = "Set by hand."
    found.confirmed, found.dismissed = True, False
    found.confirmed_by, found.confirmed_at = by, timezone.now()
    found.save()
    return found


@transaction.atomic
def confirm_attribution(found: EventAttribution, *, by=None) -> EventAttribution:
    found.confirmed, found.dismissed = True, False
    found.confirmed_by, found.confirmed_at = by, timezone.now()
    found.save()
    return found


@transaction.atomic
def dismiss_attribution(found: EventAttribution, *, by=None) -> EventAttribution:
    found.confirmed, found.dismissed = False, True
    found.confirmed_by, found.confirmed_at = by, timezone.now()
    found.save()
    return found


def results(event: Event) -> attribution.EventResults:
    """Per event: attendees, guests, introductions, value, cost per introduction."""
    counts = event.invitations.aggregate(
        invited=Count("id", filter=Q(brought_by__isnull=True)),
        attendees=Count("id", filter=Q(attended=True)),
        guests=Count("id", filter=Q(brought_by__isnull=False)),
    )
    born = event.attributions.filter(dismissed=False).aggregate(
        n_confirmed=Count("id", filter=Q(confirmed=True)),
        n_proposed=Count("id", filter=Q(confirmed=False)),
        won=Sum("referral__value", filter=Q(confirmed=True, referral__stage="engaged")),
    )
    return attribution.EventResults(
        invited=counts["invited"],
        attendees=counts["attendees"],
        guests=counts["guests"],
        introductions=born["n_confirmed"],
        proposed=born["n_proposed"],
        value=born["won"] or Decimal("0"),
        cost=event.cost,
    )
