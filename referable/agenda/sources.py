"""Where agenda items come from: one function per source, each ONE query (a few for
the cadence) for any number of owners and items, never one per item.

Each item has a stable key naming its occurrence (``touch:<client>:<rule>:<due day>``),
under which a user's decisions (done, snoozed, handed over) are kept. Each item says
why it is there, and its own action calls the area that owns the data."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import Exists, Max, OuterRef
from django.urls import reverse

from referable.agenda import cadence
from referable.agenda.models import Task, Touch, TouchRule
from referable.agenda.urgency import (
    ASK,
    CALL,
    CONTACT,
    EXPECTATIONS,
    FEEDBACK,
    LETTER,
    PARTNER,
    TASK,
    TOUCH,
    Action,
    Item,
)
from referable.clients import ladder
from referable.clients.models import CheckIn, Client, Expectation
from referable.introductions.models import FeedbackDebt, Letter, Referral, ScheduledCall, Stage

ACTIVE_STAGES = (Client.Stage.ONBOARDING, Client.Stage.ACTIVE)


@dataclass(frozen=True)
class Moment:
    """The present as the agenda's reader sees it."""

    now: datetime
    zone: ZoneInfo

    @cached_property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @cached_property
    def start_of_today(self) -> datetime:
        return cadence.start_of_day(self.today, self.zone)

    @cached_property
    def end_of_today(self) -> datetime:
        return cadence.start_of_day(self.today + timedelta(days=1), self.zone)

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)

    def clock(self, at: datetime) -> str:
        """“14:30” today, “Mon 14:30” another day this week, “3 Nov 14:30” otherwise."""
        local = self.local(at)
        if local.date() == self.today:
            return f"{local:%H:%M}"
        if abs((local.date() - self.today).days) < 7:
            return f"{local:%a %H:%M}"
        return f"{local:%-d %b %H:%M}"

    def on(self, at: datetime) -> str:
        """“today at 14:30”, “on Mon 14:30”, “on 3 Nov 14:30”."""
        if self.local(at).date() == self.today:
            return f"today at {self.local(at):%H:%M}"
        return f"on {self.clock(at)}"


_PLACEHOLDER = 987654321


@lru_cache(maxsize=32)
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PLACEHOLDER])


def url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])``, resolved once per name: an agenda of a thousand
    items would otherwise spend most of its time in the URL resolver."""
    return _url_pattern(name).replace(str(_PLACEHOLDER), str(pk))


def _name(first: str, last: str) -> str:
    return f"{first} {last}".strip()


def _day(day: date) -> str:
    return f"{day:%-d %b %Y}"


# --- introductions ---------------------------------------------------------------------


def contacts(owners: Iterable[int], m: Moment) -> list[Item]:
    """Introductions not yet contacted whose first contact is due by the end of today
    (the same-day clock) or already overdue."""
    rows = Referral.objects.filter(
        owner_id__in=owners,
        stage=Stage.RECEIVED,
        first_contacted_at__isnull=True,
        first_contact_due_at__lt=m.end_of_today,
    ).values_list(
        "id",
        "owner_id",
        "received_at",
        "first_contact_due_at",
        "prospect__first_name",
        "prospect__last_name",
        "referrer__first_name",
        "referrer__last_name",
        "kind",
    )
    items = []
    for pk, owner, received, due, pf, pl, rf, rl, kind in rows:
        overdue = due < m.now
        what = "introduced" if kind == Referral.Kind.INTRODUCTION else "recommended us to"
        items.append(
            Item(
                key=f"contact:{pk}",
                source=CONTACT,
                title=f"Contact {_name(pf, pl)}",
                why=(
                    f"{_name(rf, rl)} {what} them {m.on(received)}; first contact was "
                    f"due by {m.clock(due)}. Call every introduction the same day."
                    if overdue
                    else f"{_name(rf, rl)} {what} them {m.on(received)}; first "
                    f"contact is due by {m.clock(due)} (the same-day rule)."
                ),
                moment=due,
                owner_id=owner,
                url=url("introductions:detail", pk),
                when=f"overdue since {m.clock(due)}" if overdue else f"by {m.clock(due)}",
                overdue=overdue,
                actions=(Action("contacted", "Mark contacted"),),
            )
        )
    return items


def calls(owners: Iterable[int], m: Moment) -> list[Item]:
    """Calls and meetings promised at an exact minute today, not yet logged."""
    rows = ScheduledCall.objects.filter(
        professional_id__in=owners,
        status__in=[ScheduledCall.Status.SCHEDULED, ScheduledCall.Status.MISSED],
        logged_at__isnull=True,
        at__gte=m.start_of_today,
        at__lt=m.end_of_today,
    ).values_list(
        "id",
        "professional_id",
        "kind",
        "at",
        "grace_minutes",
        "referral_id",
        "referral__prospect__first_name",
        "referral__prospect__last_name",
        "referral__referrer__first_name",
        "referral__referrer__last_name",
        "location",
        "letter_id",
    )
    labels = dict(ScheduledCall.Kind.choices)
    items = []
    for pk, owner, kind, at, grace, referral, pf, pl, rf, rl, location, letter in rows:
        late = m.now > at + timedelta(minutes=grace)
        verb = "Meet" if kind == ScheduledCall.Kind.THREE_WAY_MEETING else "Call"
        if kind != ScheduledCall.Kind.EXACT_TIME_CALL:
            promise = f"{labels[kind]}, arranged with {_name(rf, rl)}."
        elif letter:
            promise = f"The letter {_name(rf, rl)} signed promises this minute: be on time."
        else:
            promise = f"You promised {_name(pf, pl)} this minute: be on time."
        items.append(
            Item(
                key=f"call:{pk}",
                source=CALL,
                title=f"{verb} {_name(pf, pl)} at {m.clock(at)}",
                why=promise
                + (f" Where: {location}." if location else "")
                + (" The minute has passed: log the call, on time or not." if late else ""),
                moment=at,
                owner_id=owner,
                url=url("introductions:detail", referral),
                when=f"{m.clock(at)}" + (" — missed?" if late else ""),
                overdue=late,
                actions=(Action("log_call", "Log the call"),),
            )
        )
    return items


def letters(owners: Iterable[int], m: Moment) -> list[Item]:
    rows = Letter.objects.filter(
        referral__owner_id__in=owners, state=Letter.State.AWAITING_SIGNATURE
    ).values_list(
        "id",
        "referral__owner_id",
        "updated_at",
        "call_at",
        "referral__referrer__first_name",
        "referral__referrer__last_name",
        "referral__prospect__first_name",
        "referral__prospect__last_name",
    )
    items = []
    for pk, owner, since, call_at, rf, rl, pf, pl in rows:
        passed = call_at <= m.now
        items.append(
            Item(
                key=f"letter:{pk}",
                source=LETTER,
                title=f"Signature of {_name(rf, rl)} on the letter to {_name(pf, pl)}",
                why=(
                    f"Sent for signature {m.on(since)}. It promises a call "
                    f"{m.on(call_at)}"
                    + (
                        " — that time has passed: change it before it is signed."
                        if passed
                        else "; once signed, that minute goes on your calendar."
                    )
                ),
                moment=since,
                owner_id=owner,
                url=url("introductions:letter", pk),
                when=f"waiting since {m.clock(since)}",
                overdue=passed,
                actions=(Action("signed", "Mark signed"),),
            )
        )
    return items


def feedback(owners: Iterable[int], m: Moment) -> list[Item]:
    rows = FeedbackDebt.objects.filter(
        referral__owner_id__in=owners, paid_at__isnull=True
    ).values_list(
        "id",
        "referral__owner_id",
        "kind",
        "outcome",
        "owed_since",
        "referral_id",
        "referrer__first_name",
        "referrer__last_name",
        "referral__prospect__first_name",
        "referral__prospect__last_name",
    )
    stages = dict(Stage.choices)
    items = []
    for pk, owner, kind, outcome, since, referral, rf, rl, pf, pl in rows:
        if kind == FeedbackDebt.Kind.THANK_YOU:
            title = f"Thank {_name(rf, rl)} for introducing {_name(pf, pl)}"
            why = f"Owed since {m.clock(since)}: every introduction earns a thank-you."
        else:
            title = f"Tell {_name(rf, rl)} how it went with {_name(pf, pl)}"
            why = (
                f"Now “{stages.get(outcome, outcome)}” since {m.clock(since)}: close the loop, "
                "the referrer always hears what came of it, even when nothing did."
            )
        items.append(
            Item(
                key=f"feedback:{pk}",
                source=FEEDBACK,
                title=title,
                why=why,
                moment=since,
                owner_id=owner,
                url=url("introductions:detail", referral),
                when=f"owed since {m.clock(since)}",
                actions=(Action("told", "Log that you told them", needs="note"),),
            )
        )
    return items


# --- clients: cadence, expectations, the ladder ----------------------------------------


def last_touches(client_ids, m: Moment) -> dict[int, list[cadence.TouchSeen]]:
    """Every kind of touch each client had, latest per kind, from every area that sees
    one: touches logged here, check-ins, e-mails sent to them, events attended. One
    grouped query per area, whatever the number of clients."""
    from referable.records.models import Communication

    seen: dict[int, list[cadence.TouchSeen]] = defaultdict(list)
    for client_id, kind, at in (
        Touch.objects.filter(client_id__in=client_ids)
        .values_list("client_id", "kind")
        .annotate(at=Max("at"))
        .order_by()
    ):
        seen[client_id].append(cadence.TouchSeen(kind, at))
    for client_id, held_on in (
        CheckIn.objects.filter(client_id__in=client_ids)
        .values_list("client_id")
        .annotate(on=Max("held_on"))
        .order_by()
    ):
        seen[client_id].append(cadence.TouchSeen(cadence.CHECK_IN, held_on))
    emails = (
        Communication.objects.filter(
            kind=Communication.Kind.EMAIL,
            person__client__in=client_ids,
            outgoing__status="sent",
        )
        .values_list("person__client")
        .annotate(at=Max("produced_at"))
        .order_by()
    )
    for client_id, at in emails:
        seen[client_id].append(cadence.TouchSeen(cadence.EMAIL, at))
    for client_id, at in _events_attended(client_ids):
        seen[client_id].append(cadence.TouchSeen(cadence.EVENT, at))
    for client_id, at in _event_invitations(client_ids):
        seen[client_id].append(cadence.TouchSeen(cadence.EVENT_INVITATION, at))
    return seen


def _event_invitations(client_ids) -> list[tuple[int, datetime]]:
    """The latest invitation to an event each client received, from the events area."""
    try:
        from referable.events.models import Invitation
    except ImportError:
        return []
    return list(
        Invitation.objects.filter(person__client__in=client_ids)
        .values_list("person__client")
        .annotate(at=Max("created_at"))
        .order_by()
    )


def _events_attended(client_ids) -> list[tuple[int, datetime | date]]:
    """Events attended, from the events area once it offers them."""
    try:
        from referable.events import queries as events_queries

        source = events_queries.attended_by_clients
    except (ImportError, AttributeError):
        return []
    return list(source(client_ids))


def touches(owners: Iterable[int], m: Moment) -> list[Item]:
    """Touches due by the cadence of each client's tier."""
    rules: dict[int, list[cadence.Rule]] = defaultdict(list)
    for tier_id, kind, every in TouchRule.objects.values_list("tier_id", "kind", "every_days"):
        rules[tier_id].append(cadence.Rule(kind, every))
    if not rules:
        return []
    clients = Client.objects.filter(
        owner_id__in=owners, stage__in=ACTIVE_STAGES, tier_id__in=list(rules)
    )
    rows = list(
        clients.values_list(
            "id",
            "owner_id",
            "tier_id",
            "tier__name",
            "start_date",
            "person__first_name",
            "person__last_name",
        ).order_by()
    )
    if not rows:
        return []
    seen = last_touches(clients.values_list("id", flat=True), m)
    today = m.today
    items = []
    for pk, owner, tier_id, tier, since, first, last in rows:
        for due in cadence.due_now(
            rules[tier_id], seen.get(pk, ()), since=since, today=today, zone=m.zone
        ):
            late = due.overdue_days(today)
            items.append(
                Item(
                    key=f"touch:{pk}:{due.rule.kind}:{due.due_on.isoformat()}",
                    source=TOUCH,
                    title=f"{due.rule.label}: {_name(first, last)}",
                    why=f"Tier {tier}: " + cadence.describe(due, today),
                    moment=cadence.start_of_day(due.due_on, m.zone),
                    owner_id=owner,
                    url=url("clients:detail", pk),
                    when="due today" if late == 0 else f"{late} days overdue",
                    overdue=late > 0,
                    actions=(Action("log_touch", "Log a touch", needs="kind"),),
                    extra={"rule": due.rule.kind},
                )
            )
    return items


def expectations(owners: Iterable[int], m: Moment) -> list[Item]:
    """Clients never asked what they expect (seed 001: ask, never guess)."""
    rows = (
        Client.objects.filter(owner_id__in=owners, stage__in=ACTIVE_STAGES)
        .filter(~Exists(Expectation.objects.filter(client=OuterRef("pk"))))
        .values_list("id", "owner_id", "start_date", "person__first_name", "person__last_name")
        .order_by()
    )
    items = []
    for pk, owner, since, first, last in rows:
        items.append(
            Item(
                key=f"expectations:{pk}",
                source=EXPECTATIONS,
                title=f"Ask {_name(first, last)} what they expect of you",
                why=(
                    f"Client since {_day(since)} and no expectation recorded. Ask and write "
                    "it down in their words: no introduction fits until you know them."
                ),
                moment=cadence.start_of_day(since, m.zone),
                owner_id=owner,
                url=url("clients:detail", pk) + "#expectations",
                when=f"client since {_day(since)}",
            )
        )
    return items


def asks(owners: Iterable[int], m: Moment) -> list[Item]:
    """Clients the ladder finds ready for a request now (its stored answer)."""
    rows = (
        Client.objects.filter(
            owner_id__in=owners, stage__in=ACTIVE_STAGES, rung__in=list(ladder.ASKING_RUNGS)
        )
        .values_list(
            "id", "owner_id", "rung", "next_ask", "person__first_name", "person__last_name"
        )
        .order_by()
    )
    items = []
    start = m.start_of_today
    for pk, owner, rung, next_ask, first, last in rows:
        reasons = (next_ask or {}).get("reasons") or []
        items.append(
            Item(
                key=f"ask:{pk}:{rung}",
                source=ASK,
                title=f"{ladder.RUNG_LABELS[rung]}: {_name(first, last)}",
                why=" ".join(reasons[:2]) or "The ladder finds them ready for this request.",
                moment=start,
                owner_id=owner,
                url=url("clients:detail", pk),
                when="ready now",
            )
        )
    return items


# --- partners, tasks ---------------------------------------------------------------------


def partners(owners: Iterable[int], m: Moment) -> list[Item]:
    """Referral partners due a meeting by their own cadence (seed 003: keep up the
    relationship), from the partners area once it offers them."""
    try:
        from referable.partners.queries import partners_due_a_meeting
    except ImportError:
        return []
    owners = set(owners)
    items = []
    for due in partners_due_a_meeting(m.today):
        profile = due.partner
        if profile.owner_id not in owners:
            continue
        late = (m.today - due.due_on).days
        last = f"last met {_day(due.last_met)}" if due.last_met else "never met yet"
        items.append(
            Item(
                key=f"partner:{profile.pk}:{due.due_on.isoformat()}",
                source=PARTNER,
                title=f"Lunch with {profile.person}",
                why=(
                    f"{profile.get_profession_display()}: meet every {profile.cadence_days} "
                    f"days; {last}. Keep the relationship up — reciprocity, not volume."
                ),
                moment=cadence.start_of_day(due.due_on, m.zone),
                owner_id=profile.owner_id,
                url=url("partners:detail", profile.pk),
                when="due today" if late <= 0 else f"{late} days overdue",
                overdue=late > 0,
                actions=(Action("log_meeting", "Log a lunch"),),
            )
        )
    return items


def tasks(owners: Iterable[int], m: Moment) -> list[Item]:
    rows = Task.objects.filter(
        assignee_id__in=owners, done_at__isnull=True, due_on__lte=m.today
    ).values_list(
        "id",
        "assignee_id",
        "title",
        "due_on",
        "due_time",
        "notes",
        "client_id",
        "client__person__first_name",
        "client__person__last_name",
    )
    items = []
    for pk, assignee, title, due_on, due_time, notes, client, cf, cl in rows:
        at = (
            datetime.combine(due_on, due_time).replace(tzinfo=m.zone)
            if due_time
            else cadence.start_of_day(due_on, m.zone)
        )
        late = (m.today - due_on).days
        when = f"due {_day(due_on)}" if late else "today"
        if due_time:
            when += f" at {due_time:%H:%M}"
        about = f" About {_name(cf, cl)}." if client else ""
        items.append(
            Item(
                key=f"task:{pk}",
                source=TASK,
                title=title,
                why=(notes[:200] if notes else "A task you or a colleague set.") + about,
                moment=at,
                owner_id=assignee,
                url=url("agenda:task-edit", pk),
                when=when + (f" ({late} days late)" if late > 0 else ""),
                overdue=late > 0,
            )
        )
    return items


#: every source, in no particular order (urgency.rank orders the items)
SOURCES: dict[str, Callable[[Iterable[int], Moment], list[Item]]] = {
    CONTACT: contacts,
    CALL: calls,
    LETTER: letters,
    FEEDBACK: feedback,
    TOUCH: touches,
    PARTNER: partners,
    EXPECTATIONS: expectations,
    ASK: asks,
    TASK: tasks,
}


def parse_key(key: str) -> tuple[str, list[str]]:
    """``("touch", ["12", "review", "2026-11-20"])``; a malformed key is a field error."""
    source, _, rest = (key or "").partition(":")
    parts = rest.split(":") if rest else []
    if source not in SOURCES or not parts or not parts[0].isdigit() or len(key) > 120:
        raise ValidationError({"key": f"“{key[:60]}” is not an item of the agenda."})
    return source, parts
