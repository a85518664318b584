"""The rules of the agenda area: the practice's process, the cadence rules, touches,
tasks, and what users decide about agenda items (done, snooze, reassign, and each
item's own action, which calls the area that owns the data).

Every write is one transaction that succeeds whole or raises ``ValidationError``
naming the field at fault."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from referable.agenda import cadence, queries
from referable.agenda.models import (
    AgendaItemState,
    DigestPreference,
    ProcessStep,
    StepCompletion,
    Task,
    Touch,
    TouchRule,
)
from referable.agenda.sources import parse_key
from referable.agenda.urgency import Item
from referable.clients.models import Client, ServiceTier
from referable.practices.models import User

E = ProcessStep.Evidence

#: the default process, in our own words after the articles (seeds 000–004); client-facing
#: wording says "introduction", never "referral"
DEFAULT_STEPS = [
    (
        "Set the introduction expectation at onboarding",
        "Say early, once, that the practice grows through introductions from happy clients.",
        "",
    ),
    (
        "Ask and record their expectations",
        "In their own words, with a priority for each (seed 001: ask, never guess).",
        E.EXPECTATIONS_RECORDED,
    ),
    ("Deliver what was promised", "Do the work, on time, as agreed at the start.", ""),
    (
        "First check-in: meeting or exceeding?",
        "Ask whether we meet or exceed each expectation, and note the answer.",
        E.CHECKIN_DONE,
    ),
    (
        "Something above and beyond",
        "One thing they did not expect: meeting expectations is not remarkable.",
        "",
    ),
    (
        "Ask for the relationship at the close",
        "Ask for an introduction-based relationship, never for names.",
        E.AGREEMENT_ASKED,
    ),
    (
        "Share the introduction profile",
        "The page describing the people we would like to meet, and why.",
        E.PROFILE_SHARED,
    ),
    ("Invite them to an event", "An appreciation event, with a guest of theirs.", E.EVENT_INVITED),
    (
        "Facilitate introductions",
        "A letter for their signature, a call of theirs, or a three-way lunch.",
        E.INTRODUCTION_RECEIVED,
    ),
    (
        "Close the loop and thank them",
        "Tell them what came of it, even when nothing did, and say thank you.",
        E.LOOP_CLOSED,
    ),
]
STEP_FIELDS = ("name", "description", "evidence")
TASK_FIELDS = ("title", "due_on", "due_time", "assignee", "client", "notes")


def _apply(instance, data: Mapping, allowed) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    for key, value in data.items():
        setattr(instance, key, value)


def practice_today(practice) -> date:
    return timezone.localdate(timezone=practice.zone)


def user_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


# --- the process ---------------------------------------------------------------------------


def ensure_process(practice) -> list[ProcessStep]:
    """The practice's steps, the default ones written on first use."""
    steps = queries.all_steps()
    if not steps:
        ProcessStep.objects.bulk_create(
            ProcessStep(
                practice_id=practice.pk,
                name=name,
                description=description,
                evidence=evidence,
                position=index,
            )
            for index, (name, description, evidence) in enumerate(DEFAULT_STEPS)
        )
        steps = queries.all_steps()
    return steps


@transaction.atomic
def save_step(practice, data: Mapping, *, step: ProcessStep | None = None, by=None) -> ProcessStep:
    if step is None:
        last = ProcessStep.objects.aggregate(m=Max("position"))["m"]
        step = ProcessStep(practice_id=practice.pk, position=0 if last is None else last + 1)
    _apply(step, data, STEP_FIELDS)
    step.name = (step.name or "").strip()
    step.full_clean(exclude=["practice"])
    step.save()
    return step


@transaction.atomic
def move_step(step: ProcessStep, direction: int, *, by=None) -> list[ProcessStep]:
    """Moves an active step one place up (-1) or down (+1) among the active steps."""
    steps = queries.active_steps()
    ids = [s.pk for s in steps]
    if step.pk not in ids:
        raise ValidationError({"step": "An archived step has no place in the order."})
    index = ids.index(step.pk)
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(steps):
        steps[index], steps[target] = steps[target], steps[index]
    for position, item in enumerate(steps):
        item.position = position
    ProcessStep.objects.bulk_update(steps, ["position"])
    return steps


@transaction.atomic
def archive_step(step: ProcessStep, *, by=None) -> ProcessStep:
    """Takes a step out of the process. Clients who went through it keep their ticks:
    the step is archived, never deleted."""
    if step.archived_at is None:
        step.archived_at = timezone.now()
        step.save(update_fields=["archived_at", "updated_at"])
    return step


@transaction.atomic
def restore_step(step: ProcessStep, *, by=None) -> ProcessStep:
    if step.archived_at is not None:
        last = ProcessStep.objects.filter(archived_at__isnull=True).aggregate(m=Max("position"))
        step.archived_at = None
        step.position = (last["m"] or 0) + 1
        step.save(update_fields=["archived_at", "position", "updated_at"])
    return step


@transaction.atomic
def tick_step(
    client: Client, step: ProcessStep, *, done_on: date | None = None, note: str = "", by=None
) -> StepCompletion:
    if step.practice_id != client.practice_id:
        raise ValidationError({"step": "Choose one of the practice's steps."})
    if step.is_archived:
        raise ValidationError({"step": f"“{step}” is no longer part of the process."})
    done_on = done_on or practice_today(client.practice)
    if done_on > practice_today(client.practice):
        raise ValidationError({"done_on": "Tick a step once it is done, not ahead of time."})
    completion = StepCompletion(
        practice_id=client.practice_id,
        client=client,
        step=step,
        done_on=done_on,
        note=(note or "").strip()[:500],
        by=by,
    )
    try:
        with transaction.atomic():
            completion.save()
    except IntegrityError:
        raise ValidationError({"step": f"“{step}” is already ticked for {client}."}) from None
    return completion


@transaction.atomic
def untick_step(completion: StepCompletion, *, by=None) -> None:
    if completion.step.is_archived:
        raise ValidationError({"step": "This step was archived: its history is kept as it was."})
    completion.delete()


# --- cadence -------------------------------------------------------------------------------


@transaction.atomic
def save_touch_rule(practice, *, tier: ServiceTier | None, kind: str, every_days, by=None):
    """Adds a rhythm to a tier, or changes the one of that kind."""
    if tier is None or tier.practice_id != practice.pk:
        raise ValidationError({"tier": "Choose one of the practice's service tiers."})
    if kind not in cadence.RULE_LABELS:
        raise ValidationError({"kind": "Choose a kind of touch."})
    try:
        every_days = int(every_days)
    except (TypeError, ValueError):
        raise ValidationError({"every_days": "Give a number of days."}) from None
    if not 1 <= every_days <= 1830:
        raise ValidationError({"every_days": "Between 1 day and 5 years (1830 days)."})
    rule = TouchRule.objects.filter(tier=tier, kind=kind).first() or TouchRule(
        practice_id=practice.pk, tier=tier, kind=kind
    )
    rule.every_days = every_days
    rule.save()
    return rule


@transaction.atomic
def remove_touch_rule(rule: TouchRule, *, by=None) -> None:
    rule.delete()


def default_rules(practice) -> None:
    """A sensible cadence for the default tiers (none for the last tier)."""
    tiers = list(ServiceTier.objects.order_by("position", "id"))
    plan = [
        [("touch", 30), ("review", 90), ("event_invitation", 365)],
        [("check_in", 120), ("review", 180), ("event_invitation", 365)],
        [("check_in", 180), ("review", 365)],
    ]
    rules = [
        TouchRule(practice_id=practice.pk, tier=tier, kind=kind, every_days=every)
        for tier, rhythm in zip(tiers, plan, strict=False)
        for kind, every in rhythm
    ]
    TouchRule.objects.bulk_create(rules, ignore_conflicts=True)


@transaction.atomic
def log_touch(
    client: Client, kind: str, *, at: datetime | None = None, note: str = "", by=None
) -> Touch:
    """A contact with a client. Any touch resets the clock of every rule it counts for
    (see cadence.RESETS), not only the one a reminder asked for."""
    if not isinstance(client, Client) or client.pk is None:
        raise ValidationError({"client": "Choose a client."})
    if kind not in cadence.TOUCH_LABELS:
        raise ValidationError({"kind": "Choose a kind of touch: a call, a meeting, an e-mail…"})
    at = at or timezone.now()
    if at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"at": "Log a touch once it has happened."})
    touch = Touch(
        practice_id=client.practice_id,
        client=client,
        kind=kind,
        at=at,
        note=(note or "").strip()[:1000],
        by=by,
    )
    touch.save()
    return touch


# --- tasks ---------------------------------------------------------------------------------


def _check_task(task: Task) -> None:
    if task.assignee_id is None or task.assignee.practice_id != task.practice_id:
        raise ValidationError({"assignee": "Choose someone of this practice."})
    if not task.assignee.is_active:
        raise ValidationError({"assignee": f"{task.assignee} no longer works here."})
    if task.client_id and task.client.practice_id != task.practice_id:
        raise ValidationError({"client": "Choose a client of this practice."})
    task.title = (task.title or "").strip()
    task.full_clean(exclude=["practice", "assignee", "client", "created_by"])


@transaction.atomic
def create_task(practice, data: Mapping, *, by=None) -> Task:
    data = dict(data)
    data.setdefault("assignee", by)
    task = Task(practice_id=practice.pk, created_by=by)
    _apply(task, data, TASK_FIELDS)
    _check_task(task)
    task.save()
    return task


@transaction.atomic
def update_task(task: Task, data: Mapping, *, by=None) -> Task:
    _apply(task, data, TASK_FIELDS)
    _check_task(task)
    task.save()
    return task


# --- decisions about items -------------------------------------------------------------------


def _state(item: Item) -> AgendaItemState:
    state = AgendaItemState.objects.select_for_update().filter(key=item.key).first()
    if state is None:
        state = AgendaItemState(key=item.key, owner_id=item.owner_id)
    return state


def _task_of(item: Item) -> Task:
    return Task.objects.select_for_update().get(pk=int(item.key.split(":")[1]))


@transaction.atomic
def mark_done(practice, item: Item, *, by=None) -> None:
    """Done: off the agenda. A task is done; any other item is dismissed for this
    occurrence (the next touch due, or another stage, is another item)."""
    if item.source == "task":
        task = _task_of(item)
        task.done_at = timezone.now()
        task.save(update_fields=["done_at", "updated_at"])
        return
    state = _state(item)
    state.practice_id = practice.pk
    state.done_at, state.by = timezone.now(), by
    state.save()


@transaction.atomic
def snooze(practice, item: Item, until, *, today: date, by=None) -> date:
    """Off the agenda until ``until`` (a day after ``today``, the user's today)."""
    if isinstance(until, str):
        try:
            until = date.fromisoformat(until)
        except ValueError:
            raise ValidationError({"until": f"“{until}” is not a date."}) from None
    if not isinstance(until, date):
        raise ValidationError({"until": "Choose the day it should come back."})
    if until <= today:
        raise ValidationError(
            {
                "until": f"Snooze to a day after today ({today:%-d %b %Y}); "
                f"{until:%-d %b %Y} is not in the future."
            }
        )
    if until > today + timedelta(days=366):
        raise ValidationError({"until": "Snooze for a year at most."})
    if item.source == "task":
        task = _task_of(item)
        task.due_on = until
        task.save(update_fields=["due_on", "updated_at"])
        return until
    state = _state(item)
    state.practice_id = practice.pk
    state.snoozed_until, state.by = until, by
    state.save()
    return until


@transaction.atomic
def reassign(practice, item: Item, assignee: User | None, *, by=None) -> User:
    """Hands the item to a colleague's Today. A task changes hands; for an item from
    another area the client or referral keeps its owner, only the agenda item moves."""
    if assignee is None or assignee.practice_id != practice.pk or not assignee.is_active:
        raise ValidationError({"assignee": "Choose someone of this practice."})
    if assignee.role not in queries.STAFF_ROLES:
        raise ValidationError({"assignee": f"{assignee} cannot act on the agenda."})
    if item.source == "task":
        task = _task_of(item)
        task.assignee = assignee
        task.save(update_fields=["assignee", "updated_at"])
        return assignee
    state = _state(item)
    state.practice_id = practice.pk
    state.assignee = None if assignee.pk == state.owner_id else assignee
    state.by = by
    state.save()
    return assignee


@transaction.atomic
def act(item: Item, action: str, data: Mapping, *, by) -> str:
    """The item's own action, done by the area that owns the data. Returns what
    happened, in words."""
    if action not in {a.name for a in item.actions}:
        raise ValidationError({"action": "This item has no such action."})
    source, parts = parse_key(item.key)
    pk = int(parts[0])
    if action == "contacted":
        from referable.introductions import services as intro
        from referable.introductions.models import Referral, Stage

        referral = Referral.objects.get(pk=pk)
        intro.move_stage(referral, Stage.CONTACTED, by=by)
        return f"{referral.prospect} marked contacted."
    if action == "log_call":
        from referable.introductions import services as intro
        from referable.introductions.models import ScheduledCall

        call = intro.log_call(ScheduledCall.objects.get(pk=pk), by=by, note=data.get("note", ""))
        return "Call logged: " + call.get_status_display().lower() + "."
    if action == "signed":
        from referable.introductions import services as intro
        from referable.introductions.models import Letter

        intro.sign_letter(Letter.objects.get(pk=pk), by=by)
        return "Letter signed; the call is on your calendar."
    if action == "told":
        from referable.introductions import services as intro
        from referable.introductions.models import FeedbackDebt

        debt = intro.pay_debt(FeedbackDebt.objects.get(pk=pk), by=by, note=data.get("note", ""))
        return f"Logged: {debt.referrer} was told."
    if action == "log_touch":
        client = Client.objects.select_related("person").get(pk=pk)
        kind = data.get("kind") or item.extra.get("rule", cadence.CALL)
        if kind not in cadence.TOUCH_LABELS:
            kind = cadence.CALL if kind == cadence.KEEP_IN_TOUCH else kind
        touch = log_touch(client, kind, note=data.get("note", ""), by=by)
        return f"{touch.get_kind_display()} with {client} logged."
    if action == "log_meeting":
        from referable.partners import services as partner_services
        from referable.partners.models import PartnerProfile

        profile = PartnerProfile.objects.select_related("person").get(pk=pk)
        partner_services.log_meeting(profile, kind="lunch", held_on=None, by=by)
        return f"Lunch with {profile} logged."
    raise ValidationError({"action": "This item has no such action."})


# --- the digest ----------------------------------------------------------------------------


@transaction.atomic
def save_digest_preference(user: User, *, enabled: bool, hour, by=None) -> DigestPreference:
    try:
        hour = int(hour)
    except (TypeError, ValueError):
        raise ValidationError({"hour": "Give an hour from 0 to 23."}) from None
    if not 0 <= hour <= 23:
        raise ValidationError({"hour": "Give an hour from 0 to 23."})
    preference = DigestPreference.objects.filter(user=user).first() or DigestPreference(
        practice_id=user.practice_id, user=user
    )
    preference.enabled, preference.hour = bool(enabled), hour
    preference.save()
    return preference


def digest_time(user: User, preference: DigestPreference | None, day: date) -> datetime:
    """When ``day``'s digest is due: the user's hour on that day in their zone (the
    practice's zone when the user has none)."""
    hour = preference.hour if preference else DigestPreference.DEFAULT_HOUR
    local = datetime.combine(day, time(hour, 0)).replace(tzinfo=user.zone, fold=0)
    return local.astimezone(user.zone)
