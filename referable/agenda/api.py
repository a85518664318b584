"""Today over HTTP: the agenda, acting on its items, and manual tasks. Endpoints parse,
check the role and call the same queries and services as the pages."""

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from referable.agenda import queries, services, urgency
from referable.agenda.schemas import ActIn, ActOut, AgendaOut, TaskIn, TaskOut
from referable.clients.models import Client
from referable.practices.permissions import api_require

router = Router(tags=["agenda"])


class AgendaFilters(Schema):
    professional: int | None = None
    #: the first fifty, as Today shows them; ``total`` counts them all
    limit: int = Field(50, description="How many items, most urgent first (1 to 1,000).")


def _item_out(item: urgency.Item) -> dict:
    return {
        "key": item.key,
        "source": item.source,
        "group": item.group,
        "group_label": item.group_label,
        "title": item.title,
        "why": item.why,
        "when": item.when,
        "moment": item.moment,
        "overdue": item.overdue,
        "owner_id": item.owner_id,
        "assignee_id": item.assignee_id,
        "url": item.url,
        "actions": [{"name": a.name, "label": a.label, "needs": a.needs} for a in item.actions],
    }


@router.get("/agenda", response=AgendaOut, summary="Today's agenda, most urgent first")
def agenda(request, filters: AgendaFilters = Query(...)):
    """The caller's agenda (an assistant's includes the professionals they act for; a
    manager's the firm, or one ``professional``), ordered by the urgency rule in
    ``rule``. Each item says why it is there and which actions it has; act on it with
    POST /agenda/act using its ``key``."""
    owners = queries.visible_owners(request.user, filters.professional)
    limit = max(1, min(filters.limit, 1000))
    found = queries.agenda_for(owners, zone=request.user.zone, limit=limit)
    return {
        "day": found.today,
        "total": found.total,
        "rule": urgency.RULE,
        "items": [_item_out(i) for i in found.items],
    }


@router.post("/agenda/act", response=ActOut, summary="Done, snooze, reassign or the item's action")
def act(request, payload: ActIn):
    api_require(request, "edit")
    user = request.user
    services.parse_key(payload.key)
    item = queries.find_any_item(payload.key, queries.visible_owners(user), zone=user.zone)
    if item is None:
        raise Http404("No such item on your agenda.")
    if payload.action == "done":
        services.mark_done(user.practice, item, by=user)
        message = "Done."
    elif payload.action == "snooze":
        if payload.until is None:
            raise ValidationError({"until": "Choose the day it should come back."})
        until = services.snooze(
            user.practice, item, payload.until, today=services.user_today(user), by=user
        )
        message = f"Snoozed until {until.isoformat()}."
    elif payload.action == "reassign":
        assignee = queries.colleagues(user.practice).filter(pk=payload.assignee_id).first()
        assignee = services.reassign(user.practice, item, assignee, by=user)
        message = f"Handed to {assignee}."
    else:
        message = services.act(
            item, payload.action, {"kind": payload.kind, "note": payload.note}, by=user
        )
    return {"key": item.key, "action": payload.action, "message": message}


@router.post("/agenda/tasks", response={201: TaskOut}, summary="Add a task to someone's Today")
def create_task(request, payload: TaskIn):
    api_require(request, "edit")
    practice = request.user.practice
    data = payload.dict()
    assignee_id, client_id = data.pop("assignee_id"), data.pop("client_id")
    assignee = request.user
    if assignee_id is not None:
        assignee = queries.colleagues(practice).filter(pk=assignee_id).first()
        if assignee is None:
            raise ValidationError({"assignee_id": f"No colleague {assignee_id} in this practice."})
    client = None
    if client_id is not None:
        client = Client.objects.filter(pk=client_id).first()
        if client is None:
            raise ValidationError({"client_id": f"No client {client_id} in this practice."})
    task = services.create_task(
        practice, {**data, "assignee": assignee, "client": client}, by=request.user
    )
    return Status(201, task)
