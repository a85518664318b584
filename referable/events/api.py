"""Appreciation events over HTTP: events, invitations, answers, check-in, guests,
e-mailed invitations and the introductions born at each event."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from referable.events import queries, services
from referable.events.models import Event, EventAttribution, Invitation
from referable.events.schemas import (
    AnswerIn,
    AttributionIn,
    AttributionOut,
    CheckInIn,
    DecisionIn,
    EventDetailOut,
    EventIn,
    EventOut,
    EventPatch,
    GuestIn,
    InvitationOut,
    InviteIn,
    InviteOut,
    SendOut,
    SettingsIO,
)
from referable.introductions.models import Referral
from referable.people.models import Person
from referable.practices.models import User
from referable.practices.permissions import api_require

router = Router(tags=["events"])


class InvitationFilters(Schema):
    q: str = ""
    answer: str = ""


def _event(event_id: int) -> Event:
    return get_object_or_404(Event.objects.select_related("host"), pk=event_id)


def _invitation(invitation_id: int) -> Invitation:
    return get_object_or_404(
        Invitation.objects.select_related("event__host", "person", "brought_by"), pk=invitation_id
    )


def _resolve_host(request, data: dict) -> dict:
    if "host_id" in data:
        host_id = data.pop("host_id")
        host = (
            User.objects.filter(pk=host_id, practice_id=request.user.practice_id).first()
            if host_id
            else None
        )
        if host_id and host is None:
            raise ValidationError({"host_id": f"No user {host_id} in this practice."})
        data["host"] = host
    return data


def _detail(event: Event) -> dict:
    results = services.results(event)
    return {
        **{f: getattr(event, f) for f in EventOut.model_fields},
        "results": {
            **{
                f: getattr(results, f)
                for f in (
                    "invited",
                    "attendees",
                    "guests",
                    "introductions",
                    "proposed",
                    "value",
                    "cost",
                )
            },
            "cost_per_introduction": results.cost_per_introduction,
        },
    }


def _skipped(skipped) -> list[dict]:
    return [{"person_id": person.pk, "reason": reason} for person, reason in skipped]


@router.get("/events", response=list[EventOut], summary="List events, newest first")
@paginate(PageNumberPagination, page_size=50)
def list_events(request):
    return Event.objects.order_by("-starts_at", "-id")


@router.post("/events", response={201: EventDetailOut}, summary="Plan an event")
def create_event(request, payload: EventIn):
    api_require(request, "edit")
    data = _resolve_host(request, payload.dict())
    if data.get("host") is None:
        data["host"] = request.user
    event = services.create_event(request.user.practice, data, by=request.user)
    return Status(201, _detail(event))


@router.get("/events/{int:event_id}", response=EventDetailOut)
def read_event(request, event_id: int):
    return _detail(_event(event_id))


@router.patch("/events/{int:event_id}", response=EventDetailOut)
def update_event(request, event_id: int, payload: EventPatch):
    api_require(request, "edit")
    event = _event(event_id)
    services.update_event(
        event, _resolve_host(request, payload.dict(exclude_unset=True)), by=request.user
    )
    return _detail(event)


@router.get("/events/{int:event_id}/invitations", response=list[InvitationOut])
@paginate(PageNumberPagination, page_size=100)
def list_invitations(request, event_id: int, filters: InvitationFilters = Query(...)):
    return queries.invitations_of(_event(event_id), query=filters.q, answer=filters.answer)


@router.post(
    "/events/{int:event_id}/invitations",
    response={201: InviteOut},
    summary="Invite hand-picked people, a tier or a rung",
)
def invite(request, event_id: int, payload: InviteIn):
    api_require(request, "edit")
    event = _event(event_id)
    chosen = [bool(payload.person_ids), payload.tier_id is not None, bool(payload.rung)]
    if sum(chosen) != 1:
        raise ValidationError(
            {"person_ids": "Give person_ids, or a tier_id, or a rung: one of them."}
        )
    if payload.person_ids:
        people = list(Person.objects.filter(pk__in=payload.person_ids))
        missing = set(payload.person_ids) - {p.pk for p in people}
        if missing:
            raise ValidationError({"person_ids": f"No person {min(missing)} in this practice."})
        result = services.invite(event, people, by=request.user)
    elif payload.tier_id is not None:
        from referable.clients.models import ServiceTier

        tier = ServiceTier.objects.filter(pk=payload.tier_id).first()
        if tier is None:
            raise ValidationError({"tier_id": f"No tier {payload.tier_id} in this practice."})
        result = services.invite_by_tier(event, tier, by=request.user)
    else:
        result = services.invite_by_rung(event, payload.rung, by=request.user)
    invited = Invitation.objects.filter(pk__in=[i.pk for i in result.invited]).select_related(
        "person"
    )
    return Status(201, {"invited": list(invited), "skipped": _skipped(result.skipped)})


@router.post("/events/{int:event_id}/send", response=SendOut, summary="E-mail the invitations")
def send(request, event_id: int):
    api_require(request, "edit")
    result = services.send_invitations(_event(event_id), by=request.user)
    return {"sent": result.sent, "skipped": _skipped(result.skipped)}


@router.get("/invitations/{int:invitation_id}", response=InvitationOut)
def read_invitation(request, invitation_id: int):
    return _invitation(invitation_id)


@router.post("/invitations/{int:invitation_id}/answer", response=InvitationOut)
def answer(request, invitation_id: int, payload: AnswerIn):
    api_require(request, "edit")
    return services.record_answer(_invitation(invitation_id), payload.answer, by=request.user)


@router.post("/invitations/{int:invitation_id}/check-in", response=InvitationOut)
def check_in(request, invitation_id: int, payload: CheckInIn):
    api_require(request, "edit")
    return services.check_in(_invitation(invitation_id), arrived=payload.arrived, by=request.user)


@router.post(
    "/invitations/{int:invitation_id}/guests",
    response={201: InvitationOut},
    summary="A guest the invitee brought: a prospect connected to them",
)
def add_guest(request, invitation_id: int, payload: GuestIn):
    api_require(request, "edit")
    host = _invitation(invitation_id)
    person = None
    if payload.person_id is not None:
        person = Person.objects.filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": f"No person {payload.person_id} in this practice."})
    guest = services.add_guest(
        host,
        person=person,
        new_person={"first_name": payload.first_name, "last_name": payload.last_name},
        emails=payload.emails,
        phones=payload.phones,
        attended=payload.attended,
        by=request.user,
    )
    return Status(201, _invitation(guest.pk))


@router.get("/events/{int:event_id}/attributions", response=list[AttributionOut])
def list_attributions(request, event_id: int):
    return list(_event(event_id).attributions.order_by("-created_at", "-id"))


@router.post(
    "/events/{int:event_id}/attributions",
    response={201: AttributionOut},
    summary="Attribute an introduction to the event by hand",
)
def attribute(request, event_id: int, payload: AttributionIn):
    api_require(request, "edit")
    event = _event(event_id)
    referral = Referral.objects.filter(pk=payload.referral_id).first()
    if referral is None:
        raise ValidationError(
            {"referral_id": f"No referral {payload.referral_id} in this practice."}
        )
    return Status(201, services.attribute(referral, event, by=request.user))


@router.post(
    "/events/{int:event_id}/attributions/propose",
    response=list[AttributionOut],
    summary="Propose the introductions born at the event",
)
def propose(request, event_id: int):
    api_require(request, "edit")
    return services.propose_attributions(_event(event_id))


@router.post("/attributions/{int:event_attribution_id}", response=AttributionOut)
def decide(request, event_attribution_id: int, payload: DecisionIn):
    api_require(request, "edit")
    found = get_object_or_404(EventAttribution.objects.all(), pk=event_attribution_id)
    if payload.confirm:
        return services.confirm_attribution(found, by=request.user)
    return services.dismiss_attribution(found, by=request.user)


@router.get("/event-settings", response=SettingsIO)
def read_settings(request):
    return services.event_settings(request.user.practice)


@router.put("/event-settings", response=SettingsIO)
def save_settings(request, payload: SettingsIO):
    api_require(request, "configure")
    return services.save_event_settings(request.user.practice, payload.dict(), by=request.user)
