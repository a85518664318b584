from datetime import date, datetime, time

from ninja import Schema


class ActionOut(Schema):
    name: str
    label: str
    needs: str


class ItemOut(Schema):
    key: str
    source: str
    group: str
    group_label: str
    title: str
    why: str
    when: str
    moment: datetime
    overdue: bool
    owner_id: int | None
    assignee_id: int | None
    url: str
    actions: list[ActionOut]


class AgendaOut(Schema):
    day: date
    total: int
    rule: list[str]
    items: list[ItemOut]


class ActIn(Schema):
    key: str
    action: str
    until: date | None = None
    assignee_id: int | None = None
    kind: str = ""
    note: str = ""


class ActOut(Schema):
    key: str
    action: str
    message: str


class TaskIn(Schema):
    title: str
    due_on: date
    due_time: time | None = None
    assignee_id: int | None = None
    client_id: int | None = None
    notes: str = ""


class TaskOut(Schema):
    id: int
    title: str
    due_on: date
    due_time: time | None
    assignee_id: int
    client_id: int | None
    notes: str
    done_at: datetime | None
