"""Issue 5: an event page with 1,000 invitations, the check-in at the door, and the
search at the door. The event is added to the firm-scale practice once."""

from datetime import timedelta

from django.utils import timezone

from bench.harness import Context, ok
from referable.events.models import Event, Invitation
from referable.people.models import Person
from referable.practices.bulk import analyze, insert_rows
from referable.practices.tenancy import practice_scope

TITLE = "Bench gala (1,000 invitations)"
INVITATIONS = 1_000


def run(ctx: Context) -> None:
    event_id = _ensure_event(ctx.big)
    with practice_scope(ctx.small):
        small_event = Event.objects.order_by("id").values_list("id", flat=True).first()
        small_invitation = (
            Invitation.objects.filter(event_id=small_event).values_list("id", flat=True).first()
        )
    with practice_scope(ctx.big):
        count = Invitation.objects.filter(event_id=event_id).count()
        invitation = Invitation.objects.filter(event_id=event_id).order_by("id").first()
        surname = invitation.person.last_name.lower()
    web, small_web = ctx.client(ctx.big), ctx.client(ctx.small)
    ctx.measure(
        f"event page ({count:,} invitations)",
        lambda: ok(web.get(f"/events/{event_id}/")),
        small_fn=lambda: ok(small_web.get(f"/events/{small_event}/")),
        target_ms=100,
    )
    ctx.measure(
        f"event page, guest list search “{surname}”",
        lambda: ok(web.get(f"/events/{event_id}/", {"q": surname}, headers={"HX-Request": "true"})),
        target_ms=100,
    )
    ctx.measure(
        f"check-in at the door ({count:,} invitations)",
        lambda: ok(web.get(f"/events/{event_id}/door/")),
        small_fn=lambda: ok(small_web.get(f"/events/{small_event}/door/")),
        target_ms=100,
    )
    ctx.measure(
        "door: mark an arrival (htmx)",
        lambda: ok(
            web.post(
                f"/events/invitations/{invitation.pk}/check-in/",
                {"arrived": "1"},
                headers={"HX-Request": "true"},
            )
        ),
        small_fn=lambda: ok(
            small_web.post(
                f"/events/invitations/{small_invitation}/check-in/",
                {"arrived": "1"},
                headers={"HX-Request": "true"},
            )
        ),
        target_ms=100,
    )
    api = ctx.api(ctx.big)
    ctx.measure(
        "API: GET /api/v1/events/{id} (results)",
        lambda: ok(api.get(f"/api/v1/events/{event_id}")),
        target_ms=100,
    )


def _ensure_event(practice) -> int:
    with practice_scope(practice):
        event = Event.objects.filter(title=TITLE).first()
        if event is None:
            starts = (timezone.now() + timedelta(days=30)).replace(
                minute=0, second=0, microsecond=0
            )
            event = Event.objects.create(
                practice=practice,
                title=TITLE,
                kind=Event.Kind.DINNER,
                starts_at=starts,
                ends_at=starts + timedelta(hours=4),
                venue="The Grand Hall",
                capacity=2_000,
            )
        missing = INVITATIONS - event.invitations.count()
        if missing > 0:
            invited = set(event.invitations.values_list("person_id", flat=True))
            people = [
                (pk, sort_name)
                for pk, sort_name in Person.objects.filter(do_not_contact=False)
                .order_by("id")
                .values_list("id", "sort_name")[: INVITATIONS * 2]
                if pk not in invited
            ][:missing]
            now = timezone.now()
            answers = ["yes", "no", "maybe", "none"]
            insert_rows(
                Invitation,
                (
                    "practice",
                    "event",
                    "person",
                    "method",
                    "answer",
                    "attended",
                    "sort_name",
                    "created_at",
                    "updated_at",
                ),
                (
                    (practice.pk, event.pk, pk, "tier", answers[i % 4], False, sort_name, now, now)
                    for i, (pk, sort_name) in enumerate(people)
                ),
            )
            analyze()
        return event.pk
