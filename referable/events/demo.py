"""Demo events: past ones with answers, arrivals and guests — some of whom later became
introductions, attributed to the evening — and upcoming ones with invitations out."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from referable.events import services
from referable.events.models import Event, EventAttribution, EventSettings, Invitation
from referable.introductions import services as intro_services
from referable.people.models import Person
from referable.practices.demo import DemoPlan

#: (title, kind, days from today, hour, venue, capacity, budget, actual cost)
EVENTS = [
    (
        "Wine tasting at Harbor Cellars",
        Event.Kind.WINE_TASTING,
        -300,
        18,
        "Harbor Cellars",
        40,
        4000,
        4350,
    ),
    ("Founders' dinner", Event.Kind.DINNER, -200, 19, "The Pine Room", 24, 3000, 2880),
    ("Private screening", Event.Kind.CINEMA, -120, 19, "Coolidge Corner Theatre", 60, 2500, 2600),
    ("Estate planning seminar", Event.Kind.SEMINAR, -60, 17, "Our offices", 50, 800, 650),
    (
        "Wine tasting for our top clients",
        Event.Kind.WINE_TASTING,
        20,
        18,
        "Harbor Cellars",
        40,
        4200,
        None,
    ),
    ("Dinner on the water", Event.Kind.DINNER, 45, 19, "Boathouse Grill", 30, 3500, None),
]
GUEST_FIRST = ["Nora", "Felix", "Irene", "Omar", "Greta", "Hugo", "Lina", "Milo", "Rosa", "Theo"]
GUEST_LAST = ["Bancroft", "Ellison", "Marsh", "Quade", "Sterling", "Vance", "Whitlock", "Yardley"]


def build(practice, plan: DemoPlan) -> None:
    rng = plan.rng
    EventSettings.objects.create(practice=practice)
    people = plan.shared.get("people", {})
    blocked = set(Person.objects.filter(do_not_contact=True).values_list("pk", flat=True))
    clients = [pk for pk in people.get(Person.Category.CLIENT, []) if pk not in blocked]
    per_event = max(8, min(len(clients), round(30 * min(plan.scale, 5))))
    zone = practice.zone
    host = plan.demo_user
    created_events, attributions = [], []
    guest_number = 0
    for title, kind, days, hour, venue, capacity, budget, cost in EVENTS:
        day = plan.today + timedelta(days=days)
        starts = datetime.combine(day, time(hour), tzinfo=zone)
        event = Event.objects.create(
            practice=practice,
            title=title,
            kind=kind,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            venue=venue,
            capacity=max(capacity, per_event + 10),
            budget=Decimal(budget),
            actual_cost=Decimal(cost) if cost is not None else None,
            host=host,
            description="An evening to thank the clients who make our practice what it is.",
        )
        created_events.append(event.pk)
        invitees = rng.sample(clients, k=min(per_event, len(clients)))
        invited = _invite(practice, plan, event, invitees, past=days < 0)
        if days >= 0:
            continue
        came = [i for i in invited if i.attended]
        for host_invitation in came[: max(2, len(came) // 4)]:
            guest_number += 1
            guest = services.add_guest(
                host_invitation,
                new_person={
                    "first_name": GUEST_FIRST[guest_number % len(GUEST_FIRST)],
                    "last_name": GUEST_LAST[guest_number % len(GUEST_LAST)],
                    "organization": rng.choice(
                        ["Bancroft Dental", "Marsh Logistics", "Vance & Sons", ""]
                    ),
                },
                emails=[f"guest{guest_number}.{practice.pk}@guests.example"],
                by=host,
            )
            # about half the guests became introductions from the client who brought them
            if guest_number % 2 == 0:
                attributions += _introduction(
                    practice, plan, host_invitation.person, guest.person, event
                )
        # one attendee later introduced someone else they know
        if len(came) > 3:
            candidates = list(
                Person.objects.filter(
                    pk__in=people.get(Person.Category.PROSPECT, []), do_not_contact=False
                )
                .exclude(invitations__event=event)
                .order_by("id")[:20]
            )
            if candidates:
                prospect = rng.choice(candidates)
                attributions += _introduction(practice, plan, came[-1].person, prospect, event)
    plan.shared["events"] = {"events": created_events, "attributions": attributions}


def _invite(practice, plan: DemoPlan, event: Event, person_ids, *, past: bool) -> list[Invitation]:
    rng = plan.rng
    now = timezone.now()
    rows = []
    people = Person.objects.in_bulk(person_ids)
    for index, pk in enumerate(person_ids):
        person = people[pk]
        if past:
            answer = rng.choices(["yes", "no", "maybe", "none"], weights=[6, 3, 1, 1])[0]
            attended = (
                answer == "yes"
                and rng.random() < 0.85
                or (answer == "maybe" and rng.random() < 0.4)
            )
        else:
            answer = rng.choices(["yes", "no", "maybe", "none"], weights=[3, 1, 1, 4])[0]
            attended = False
        answered = (
            event.starts_at - timedelta(days=rng.randint(3, 20)) if answer != "none" else None
        )
        rows.append(
            Invitation(
                practice=practice,
                event=event,
                person=person,
                method=Invitation.Method.TIER if index % 3 else Invitation.Method.HAND_PICK,
                answer="yes" if attended else answer,
                answered_at=answered if answered and answered < now else None,
                attended=attended,
                arrived_at=event.starts_at + timedelta(minutes=rng.randint(0, 50))
                if attended
                else None,
                sent_at=event.starts_at - timedelta(days=30) if past or index % 2 else None,
                invited_by=plan.demo_user,
                sort_name=person.sort_name,
            )
        )
    return Invitation.objects.bulk_create(rows)


def _introduction(
    practice, plan: DemoPlan, referrer: Person, prospect: Person, event: Event
) -> list[int]:
    """A referral some weeks after the event: the rule proposes the event; most are confirmed."""
    rng = plan.rng
    received = event.starts_at + timedelta(days=rng.randint(5, 50), hours=-2)
    if received >= timezone.now():
        return []
    referral = intro_services.record_referral(
        practice,
        referrer=referrer,
        prospect=prospect,
        source="event",
        source_detail=event.title,
        received_at=received,
        owner=plan.demo_user,
        by=plan.demo_user,
        reason="We talked at the event about what you did for them.",
    )
    if rng.random() < 0.6:
        now = timezone.now()
        steps = (("contacted", 1), ("meeting_set", 3), ("met", 10), ("engaged", 25))
        for stage, days in steps:
            at = min(received + timedelta(days=days), now - timedelta(minutes=5))
            value = Decimal(rng.randrange(3000, 40000, 500)) if stage == "engaged" else None
            intro_services.move_stage(referral, stage, at=at, value=value, by=plan.demo_user)
    found = EventAttribution.objects.filter(referral=referral).first()
    if found is None:
        found = services.attribute(referral, event, by=plan.demo_user)
    elif rng.random() < 0.7:
        services.confirm_attribution(found, by=plan.demo_user)
    return [found.pk]
