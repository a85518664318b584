"""Agenda rows built through the agenda's own services, inside the practice's scope."""

from django.utils import timezone

from referable.agenda import services
from referable.agenda.models import Task, TouchRule
from referable.practices.tenancy import practice_scope


def make_task(practice, assignee, *, title="Send the checklist", due_on=None, **fields) -> Task:
    with practice_scope(practice):
        data = {"title": title, "due_on": due_on or timezone.localdate(), "assignee": assignee}
        return services.create_task(practice, {**data, **fields}, by=assignee)


def make_rule(practice, tier, kind="check_in", every_days=90) -> TouchRule:
    with practice_scope(practice):
        return services.save_touch_rule(practice, tier=tier, kind=kind, every_days=every_days)
