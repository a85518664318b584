"""Where agenda items come from: one source per kind of item, each able to count its
items and to build only the first few, in the order of the urgency rule, with a
constant number of queries whatever the number of owners and items.

Each item has a stable key naming its occurrence (``touch:<client>:<rule>:<due day>``),
under which a user's decisions (done, snoozed, handed over) are kept. Each item says
why it is there, and its own action calls the area that owns the data.

Most sources are a query: the database counts their items, orders them and hands over
the few to show; the decisions taken about them are read in the same query. Touches
and partners due a meeting follow a cadence computed here (in the reader's days), so
they are counted in Python, but only the items shown are built."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.urls import reverse

from referable.agenda import cadence
from referable.agenda.models import AgendaItemState, Task, Touch, TouchRule
from referable.agenda.urgency import (
    ASK,
    CALL,
    CONTACT,
    EXPECTATIONS,
    FEEDBACK,
    LETTER,
    OVERDUE_CONTACT,
    PARTNER,
    TASK,
    TOUCH,
    Action,
    Item,
    sort_key,
)
from referable.clients import ladder
from referable.clients.models import CheckIn, Client, Expectation
from referable.introductions.models import FeedbackDebt, Letter, Referral, ScheduledCall, Stage
from referable.practices.models import User

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


# --- what was decided about items ------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """What someone decided about one item: done, snoozed, or handed to a colleague."""

    owner_id: int | None
    assignee_id: int | None
    done_at: datetime | None
    snoozed_until: date | None

    def hides(self, owners: frozenset[int], today: date) -> bool:
        return (
            self.done_at is not None
            or (self.snoozed_until is not None and self.snoozed_until > today)
            or (self.assignee_id is not None and self.assignee_id not in owners)
        )


def hidden(owners: frozenset[int], today: date) -> Q:
    """``Decision.hides`` as a filter on AgendaItemState, for the sources that are queries."""
    return (
        Q(done_at__isnull=False)
        | Q(snoozed_until__gt=today)
        | (Q(assignee__isnull=False) & ~Q(assignee__in=owners))
    )


#: the sources computed in Python, whose decisions are read once per agenda
COMPUTED = (TOUCH, PARTNER)


@dataclass
class Reader:
    """Whose agendas are read, at what moment, and what was decided about their items."""

    owners: frozenset[int]
    moment: Moment
    #: per source, the rows (the first part of the key) handed to these owners by others
    handed_in: dict[str, set[int]]
    #: decisions about the items of the computed sources, by key
    decisions: dict[str, Decision]
    #: per source, what it found or the query it built, kept from counting to building
    memo: dict[str, object] = field(default_factory=dict)

    def shows(self, key: str, owner_id: int | None) -> bool:
        decision = self.decisions.get(key)
        if decision is None:
            return owner_id in self.owners
        if decision.hides(self.owners, self.moment.today):
            return False
        return (decision.assignee_id or owner_id) in self.owners

    def handed_to(self, key: str) -> int | None:
        decision = self.decisions.get(key)
        return decision.assignee_id if decision else None


def reader_for(owners: Iterable[int], moment: Moment) -> Reader:
    """One query: the items handed to ``owners`` by others, and the decisions about
    the computed sources' items."""
    owners = frozenset(owners)
    computed = Q()
    for name in COMPUTED:
        computed |= Q(key__startswith=f"{name}:")
    handed = Q(assignee__in=owners) & ~Q(owner__in=owners)
    rows = (
        AgendaItemState.objects.filter(Q(owner__in=owners) | Q(assignee__in=owners))
        .filter(computed | handed)
        .values_list("key", "owner_id", "assignee_id", "done_at", "snoozed_until")
        .order_by()
    )
    handed_in: dict[str, set[int]] = defaultdict(set)
    decisions = {}
    for key, owner, assignee, done_at, snoozed_until in rows:
        source, _, rest = key.partition(":")
        first = rest.partition(":")[0]
        if assignee in owners and owner not in owners and first.isdigit():
            handed_in[source].add(int(first))
        if source in COMPUTED:
            decisions[key] = Decision(owner, assignee, done_at, snoozed_until)
    return Reader(owners=owners, moment=moment, handed_in=dict(handed_in), decisions=decisions)


# --- sources that are queries ----------------------------------------------------------


class Joined(Func):
    """``a || b`` in SQL: an item's key from its row. Concat would wrap each part in
    COALESCE, for every row counted; these parts are never null."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = CharField()


class QuerySource:
    """A kind of item read from one model: which rows (``rows``), whose (``owner``),
    in what order (``order``: a field that orders them as their moment does; None when
    the title alone orders them), and how a row reads (``build``)."""

    name: str
    groups: tuple[str, ...]
    owner: str
    order: str | None
    fields: tuple[str, ...]

    def rows(self, m: Moment) -> QuerySet:
        raise NotImplementedError

    def build(self, row: tuple, m: Moment) -> Item:
        raise NotImplementedError

    def key(self):
        return Joined(Value(f"{self.name}:"), Cast("pk", CharField()))

    def in_group(self, group: str, m: Moment) -> Q:
        return Q()

    def whose(self, owners: frozenset[int]) -> Q:
        return Q(**{f"{self.owner}__in": owners})

    def mine(self, r: Reader) -> QuerySet:
        """The rows on these owners' agendas: theirs or handed to them, and neither
        done, snoozed, nor handed away."""
        if self.name not in r.memo:  # built once, for the count and for the rows shown
            whose = self.whose(r.owners)
            if r.handed_in.get(self.name):
                whose |= Q(pk__in=r.handed_in[self.name])
            decided = AgendaItemState.objects.filter(
                hidden(r.owners, r.moment.today), key=OuterRef("item_key")
            )
            r.memo[self.name] = (
                self.rows(r.moment)
                .filter(whose)
                .alias(item_key=self.key())
                .exclude(Exists(decided))
                .order_by()
            )
        return r.memo[self.name]

    def counts(self, r: Reader) -> dict[str, int]:
        mine = self.mine(r)
        if len(self.groups) == 1:
            return {self.groups[0]: mine.count()}
        return mine.aggregate(
            **{group: Count("pk", filter=self.in_group(group, r.moment)) for group in self.groups}
        )

    def counts_by_owner(self, r: Reader) -> dict[int, dict[str, int]]:
        """``counts`` for each of the owners apart, in one grouped query."""
        rows = (
            self.mine(r)
            .values(self.owner)
            .annotate(
                **{f"n_{g}": Count("pk", filter=self.in_group(g, r.moment)) for g in self.groups}
            )
        )
        return {row[self.owner]: {g: row[f"n_{g}"] for g in self.groups} for row in rows}

    def first_by_owner(self, r: Reader, group: str, needs: dict[int, int]) -> dict[int, list[Item]]:
        """``first`` for each owner apart (``needs``: how many each one shows), in one
        query ranking each owner's rows. An owner whose last row shown ties in moment
        with the next one is left out: ``first`` reads it, titles and all."""
        if not self.order or not needs:
            return {}
        handed_to = AgendaItemState.objects.filter(key=OuterRef("item_key")).values("assignee_id")
        rank = Window(
            RowNumber(), partition_by=F(self.owner), order_by=[F(self.order).asc(), F("pk").asc()]
        )
        rows = (
            self.mine(r)
            .filter(self.in_group(group, r.moment), **{f"{self.owner}__in": list(needs)})
            .annotate(
                rank=rank,
                whose_row=F(self.owner),
                moment_of_row=F(self.order),
                handed_to=Subquery(handed_to[:1]),
            )
            .values_list(*self.fields, "handed_to", "whose_row", "moment_of_row", "rank")
        )
        if None not in needs.values():
            rows = rows.filter(rank__lte=max(needs.values()) + 1)
        ranked: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            ranked[row[-3]].append(row)
        found = {}
        for owner, need in needs.items():
            mine = sorted(ranked.get(owner, ()), key=lambda row: row[-1])
            if need is not None and len(mine) > need and mine[need][-2] == mine[need - 1][-2]:
                continue
            items = [self._item(row[:-3], r.moment) for row in mine[:need]]
            found[owner] = sorted(items, key=sort_key)
        return found

    def first(self, r: Reader, group: str, need: int | None, count: int) -> list[Item]:
        """The first ``need`` items of ``group`` (all when None) in the urgency order.
        The database orders the rows by moment and hands over the first ``need``; the
        title, which breaks ties of moment, is compared here, so rows tied with the
        last one are read too."""
        rows = self.mine(r).filter(self.in_group(group, r.moment))
        if need is not None and need < count and self.order:
            rows = self._up_to(rows, need, r.moment)
        handed_to = AgendaItemState.objects.filter(key=OuterRef("item_key")).values("assignee_id")
        rows = rows.annotate(handed_to=Subquery(handed_to[:1])).values_list(
            *self.fields, "handed_to"
        )
        items = sorted((self._item(row, r.moment) for row in rows), key=sort_key)
        return items if need is None else items[:need]

    def _up_to(self, rows: QuerySet, need: int, m: Moment) -> QuerySet:
        """The first ``need`` rows by moment, read by id (the long walk done once, over
        the ids and moments alone), or all those up to the need-th's moment when rows
        after it share that moment."""
        first = list(rows.order_by(self.order, "pk").values_list("pk", self.order)[: need + 1])
        if len(first) > need and first[need][1] == first[need - 1][1]:
            return rows.filter(**{f"{self.order}__lte": first[need - 1][1]})
        ids = [pk for pk, _moment in first[:need]]
        return self.rows(m).filter(pk__in=ids).alias(item_key=self.key()).order_by()

    def _item(self, row: tuple, m: Moment) -> Item:
        item = self.build(row[:-1], m)
        handed_to = row[-1]
        if handed_to and handed_to != item.owner_id:
            item = replace(item, assignee_id=handed_to)
        return item

    def one(self, pk: int, m: Moment) -> list[Item]:
        """The items of the row ``pk``, whoever's and whatever was decided about them."""
        return [self.build(row, m) for row in self.rows(m).filter(pk=pk).values_list(*self.fields)]


# --- introductions ---------------------------------------------------------------------


class Contacts(QuerySource):
    """Introductions not yet contacted whose first contact is due by the end of today
    (the same-day clock) or already overdue."""

    name = CONTACT
    groups = (OVERDUE_CONTACT, CONTACT)
    owner = "owner_id"
    order = "first_contact_due_at"
    fields = (
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

    def rows(self, m: Moment) -> QuerySet:
        return Referral.objects.filter(
            stage=Stage.RECEIVED,
            first_contacted_at__isnull=True,
            first_contact_due_at__lt=m.end_of_today,
        )

    def in_group(self, group: str, m: Moment) -> Q:
        if group == OVERDUE_CONTACT:
            return Q(first_contact_due_at__lt=m.now)
        return Q(first_contact_due_at__gte=m.now)

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, received, due, pf, pl, rf, rl, kind = row
        overdue = due < m.now
        what = "introduced" if kind == Referral.Kind.INTRODUCTION else "recommended us to"
        return Item(
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


class Calls(QuerySource):
    """Calls and meetings promised at an exact minute today, not yet logged."""

    name = CALL
    groups = (CALL,)
    owner = "professional_id"
    order = "at"
    fields = (
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

    def whose(self, owners: frozenset[int]) -> Q:
        # as a subquery, so that the database starts from today's calls (an index by
        # day) rather than from every call the professional ever had
        return Q(professional__in=User.objects.filter(pk__in=owners))

    def rows(self, m: Moment) -> QuerySet:
        return ScheduledCall.objects.filter(
            status__in=[ScheduledCall.Status.SCHEDULED, ScheduledCall.Status.MISSED],
            logged_at__isnull=True,
            at__gte=m.start_of_today,
            at__lt=m.end_of_today,
        )

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, kind, at, grace, referral, pf, pl, rf, rl, location, letter = row
        late = m.now > at + timedelta(minutes=grace)
        verb = "Meet" if kind == ScheduledCall.Kind.THREE_WAY_MEETING else "Call"
        if kind != ScheduledCall.Kind.EXACT_TIME_CALL:
            promise = f"{ScheduledCall.Kind(kind).label}, arranged with {_name(rf, rl)}."
        elif letter:
            promise = f"The letter {_name(rf, rl)} signed promises this minute: be on time."
        else:
            promise = f"You promised {_name(pf, pl)} this minute: be on time."
        return Item(
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


class Letters(QuerySource):
    name = LETTER
    groups = (LETTER,)
    owner = "referral__owner_id"
    order = "updated_at"
    fields = (
        "id",
        "referral__owner_id",
        "updated_at",
        "call_at",
        "referral__referrer__first_name",
        "referral__referrer__last_name",
        "referral__prospect__first_name",
        "referral__prospect__last_name",
    )

    def whose(self, owners: frozenset[int]) -> Q:
        # from the few letters awaiting signature to their referral, rather than from
        # every referral the owner ever had to its letters
        referrals = Referral.objects.filter(pk=OuterRef("referral_id"), owner__in=owners)
        return Q(Exists(referrals))

    def rows(self, m: Moment) -> QuerySet:
        return Letter.objects.filter(state=Letter.State.AWAITING_SIGNATURE)

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, since, call_at, rf, rl, pf, pl = row
        passed = call_at <= m.now
        return Item(
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


class Feedback(QuerySource):
    name = FEEDBACK
    groups = (FEEDBACK,)
    owner = "owner_id"
    order = "owed_since"
    fields = (
        "id",
        "owner_id",
        "kind",
        "outcome",
        "owed_since",
        "referral_id",
        "referrer__first_name",
        "referrer__last_name",
        "referral__prospect__first_name",
        "referral__prospect__last_name",
    )

    def rows(self, m: Moment) -> QuerySet:
        return FeedbackDebt.objects.filter(paid_at__isnull=True)

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, kind, outcome, since, referral, rf, rl, pf, pl = row
        if kind == FeedbackDebt.Kind.THANK_YOU:
            title = f"Thank {_name(rf, rl)} for introducing {_name(pf, pl)}"
            why = f"Owed since {m.clock(since)}: every introduction earns a thank-you."
        else:
            stage = dict(Stage.choices).get(outcome, outcome)
            title = f"Tell {_name(rf, rl)} how it went with {_name(pf, pl)}"
            why = (
                f"Now “{stage}” since {m.clock(since)}: close the loop, "
                "the referrer always hears what came of it, even when nothing did."
            )
        return Item(
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


# --- clients: expectations, the ladder ---------------------------------------------------


class Expectations(QuerySource):
    """Clients never asked what they expect (seed 001: ask, never guess)."""

    name = EXPECTATIONS
    groups = (EXPECTATIONS,)
    owner = "owner_id"
    order = "start_date"
    fields = ("id", "owner_id", "start_date", "person__first_name", "person__last_name")

    def rows(self, m: Moment) -> QuerySet:
        return Client.objects.filter(stage__in=ACTIVE_STAGES).filter(
            ~Exists(Expectation.objects.filter(client=OuterRef("pk")))
        )

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, since, first, last = row
        return Item(
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


class Asks(QuerySource):
    """Clients the ladder finds ready for a request now (its stored answer)."""

    name = ASK
    groups = (ASK,)
    owner = "owner_id"
    order = None  # all at the start of today: the title (rung, then name) orders them
    fields = ("id", "owner_id", "rung", "next_ask", "person__first_name", "person__last_name")

    def rows(self, m: Moment) -> QuerySet:
        return Client.objects.filter(stage__in=ACTIVE_STAGES, rung__in=list(ladder.ASKING_RUNGS))

    def key(self):
        return Joined(Value("ask:"), Cast("pk", CharField()), Value(":"), "rung")

    def build(self, row: tuple, m: Moment) -> Item:
        pk, owner, rung, next_ask, first, last = row
        reasons = (next_ask or {}).get("reasons") or []
        return Item(
            key=f"ask:{pk}:{rung}",
            source=ASK,
            title=f"{ladder.RUNG_LABELS[rung]}: {_name(first, last)}",
            why=" ".join(reasons[:2]) or "The ladder finds them ready for this request.",
            moment=m.start_of_today,
            owner_id=owner,
            url=url("clients:detail", pk),
            when="ready now",
        )


class Tasks(QuerySource):
    name = TASK
    groups = (TASK,)
    owner = "assignee_id"
    order = "due_on"
    fields = (
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

    def rows(self, m: Moment) -> QuerySet:
        return Task.objects.filter(done_at__isnull=True, due_on__lte=m.today)

    def build(self, row: tuple, m: Moment) -> Item:
        pk, assignee, title, due_on, due_time, notes, client, cf, cl = row
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
        return Item(
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


# --- computed sources: the cadence of touches, partners due a meeting ------------------


class ComputedSource:
    """A kind of item whose due days are computed here: every candidate is found (light
    records, with their order), counted, and only those shown are built."""

    name: str
    groups: tuple[str, ...]

    def candidates(self, rows: QuerySet, m: Moment) -> list:
        """Light records with ``key``, ``owner_id`` and ``order`` (the urgency order
        within the group), for the rows of ``rows``."""
        raise NotImplementedError

    def rows(self, r: Reader) -> QuerySet:
        raise NotImplementedError

    def build(self, found, m: Moment) -> Item:
        raise NotImplementedError

    def _found(self, r: Reader) -> list:
        if self.name not in r.memo:
            found = self.candidates(self.rows(r), r.moment)
            if r.decisions:
                found = [c for c in found if r.shows(c.key, c.owner_id)]
            else:  # the same, without writing every key
                found = [c for c in found if c.owner_id in r.owners]
            r.memo[self.name] = found
        return r.memo[self.name]

    def counts(self, r: Reader) -> dict[str, int]:
        return {self.name: len(self._found(r))}

    def counts_by_owner(self, r: Reader) -> dict[int, dict[str, int]]:
        return {owner: {self.name: len(found)} for owner, found in self._by_owner(r).items()}

    def share(self, everyone: Reader, r: Reader) -> None:
        """Hands ``r`` (some of ``everyone``'s owners) what was found for them."""
        found = self._by_owner(everyone)
        r.memo[self.name] = [c for owner in r.owners for c in found.get(owner, ())]

    def _by_owner(self, r: Reader) -> dict[int, list]:
        key = f"{self.name}:by_owner"
        if key not in r.memo:
            found: dict[int, list] = defaultdict(list)
            for c in self._found(r):
                found[c.owner_id].append(c)
            r.memo[key] = found
        return r.memo[key]

    def first(self, r: Reader, group: str, need: int | None, count: int) -> list[Item]:
        shown = sorted(self._found(r), key=lambda c: c.order)[:need]
        return [self.handed(self.build(found, r.moment), r) for found in shown]

    def handed(self, item: Item, r: Reader) -> Item:
        handed_to = r.handed_to(item.key)
        if handed_to and handed_to != item.owner_id:
            return replace(item, assignee_id=handed_to)
        return item


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
    for client_id, invited, attended in _events(client_ids):
        seen[client_id].append(cadence.TouchSeen(cadence.EVENT_INVITATION, invited))
        if attended is not None:
            seen[client_id].append(cadence.TouchSeen(cadence.EVENT, attended))
    return seen


def _events(client_ids) -> list[tuple[int, datetime, datetime | None]]:
    """(client, latest invitation to an event, latest event attended), from the events
    area when it exists. ``client_ids`` stays a subquery: as a list of thousands of ids,
    SQLite probes each of them for every invitation."""
    try:
        from referable.events.models import Invitation
    except ImportError:
        return []
    return list(
        Invitation.objects.filter(person__client__in=client_ids)
        .values_list("person__client")
        .annotate(
            invited=Max("created_at"), attended=Max("event__starts_at", filter=Q(attended=True))
        )
        .order_by()
    )


@dataclass(frozen=True)
class TouchDue:
    """A touch due, before it is read: the client's name is fetched only for those shown."""

    client_id: int
    owner_id: int
    due: cadence.Due

    @property
    def key(self) -> str:
        return f"touch:{self.client_id}:{self.due.rule.kind}:{self.due.due_on.isoformat()}"


class Touches(ComputedSource):
    """Touches due by the cadence of each client's tier."""

    name = TOUCH
    groups = (TOUCH,)

    def rows(self, r: Reader) -> QuerySet:
        whose = Q(owner_id__in=r.owners)
        if r.handed_in.get(TOUCH):
            whose |= Q(pk__in=r.handed_in[TOUCH])
        return Client.objects.filter(whose)

    def candidates(self, rows: QuerySet, m: Moment) -> list[TouchDue]:
        rules: dict[int, list[cadence.Rule]] = defaultdict(list)
        for tier_id, kind, every in TouchRule.objects.values_list("tier_id", "kind", "every_days"):
            rules[tier_id].append(cadence.Rule(kind, every))
        if not rules:
            return []
        clients = rows.filter(stage__in=ACTIVE_STAGES, tier_id__in=list(rules)).order_by()
        found = list(clients.values_list("id", "owner_id", "tier_id", "start_date"))
        if not found:
            return []
        seen = last_touches(clients.values_list("id", flat=True), m)
        today, zone = m.today, m.zone
        return [
            TouchDue(pk, owner, due)
            for pk, owner, tier_id, since in found
            for due in cadence.due_now(
                rules[tier_id], seen.get(pk, ()), since=since, today=today, zone=zone
            )
        ]

    def first(self, r: Reader, group: str, need: int | None, count: int) -> list[Item]:
        """The first ``need`` by due day, and those due the same day as the last of
        them: their titles (the clients' names) order them within the day."""
        due = sorted(self._found(r), key=lambda c: c.due.due_on)
        if need is not None and need < len(due):
            last_day = due[need - 1].due.due_on
            due = [c for c in due if c.due.due_on <= last_day]
        items = sorted(self._read(due, r.moment), key=sort_key)[:need]
        return [self.handed(item, r) for item in items]

    def _read(self, due: list[TouchDue], m: Moment) -> list[Item]:
        clients = {
            pk: (tier, _name(first, last))
            for pk, tier, first, last in Client.objects.filter(
                pk__in={c.client_id for c in due}
            ).values_list("id", "tier__name", "person__first_name", "person__last_name")
        }
        return [self.build(c, *clients[c.client_id], m) for c in due]

    def build(self, found: TouchDue, tier: str, name: str, m: Moment) -> Item:
        due = found.due
        late = due.overdue_days(m.today)
        return Item(
            key=found.key,
            source=TOUCH,
            title=f"{due.rule.label}: {name}",
            why=f"Tier {tier}: " + cadence.describe(due, m.today),
            moment=cadence.start_of_day(due.due_on, m.zone),
            owner_id=found.owner_id,
            url=url("clients:detail", found.client_id),
            when="due today" if late == 0 else f"{late} days overdue",
            overdue=late > 0,
            actions=(Action("log_touch", "Log a touch", needs="kind"),),
            extra={"rule": due.rule.kind},
        )

    def one(self, pk: int, m: Moment) -> list[Item]:
        return self._read(self.candidates(Client.objects.filter(pk=pk), m), m)


@dataclass(frozen=True)
class PartnerDue:
    partner_id: int
    owner_id: int | None
    name: str
    profession: str
    cadence_days: int
    last_met: date | None
    due_on: date

    @property
    def key(self) -> str:
        return f"partner:{self.partner_id}:{self.due_on.isoformat()}"

    @property
    def title(self) -> str:
        return f"Lunch with {self.name}"

    @property
    def order(self) -> tuple:
        return (self.due_on, self.title, self.key)


class Partners(ComputedSource):
    """Referral partners due a meeting by their own cadence (seed 003: keep up the
    relationship), from the partners area."""

    name = PARTNER
    groups = (PARTNER,)

    def rows(self, r: Reader) -> QuerySet:
        from referable.partners.models import PartnerProfile

        whose = Q(owner_id__in=r.owners)
        if r.handed_in.get(PARTNER):
            whose |= Q(pk__in=r.handed_in[PARTNER])
        return PartnerProfile.objects.filter(whose)

    def candidates(self, rows: QuerySet, m: Moment) -> list[PartnerDue]:
        from referable.partners.ledger import next_meeting_due
        from referable.partners.models import PartnerProfile

        professions = dict(PartnerProfile._meta.get_field("profession").choices)
        found = []
        for pk, owner, first, last, profession, every, since, last_met in (
            rows.values_list(
                "id",
                "owner_id",
                "person__first_name",
                "person__last_name",
                "profession",
                "cadence_days",
                "since",
            )
            .annotate(last_met=Max("meetings__held_on"))
            .order_by()
        ):
            due_on = next_meeting_due(last_met, since, every)
            if due_on <= m.today:
                name = " ".join(part for part in (first, last) if part)
                label = professions.get(profession, profession)
                found.append(PartnerDue(pk, owner, name, label, every, last_met, due_on))
        return found

    def build(self, found: PartnerDue, m: Moment) -> Item:
        late = (m.today - found.due_on).days
        last = f"last met {_day(found.last_met)}" if found.last_met else "never met yet"
        return Item(
            key=found.key,
            source=PARTNER,
            title=found.title,
            why=(
                f"{found.profession}: meet every {found.cadence_days} "
                f"days; {last}. Keep the relationship up — reciprocity, not volume."
            ),
            moment=cadence.start_of_day(found.due_on, m.zone),
            owner_id=found.owner_id,
            url=url("partners:detail", found.partner_id),
            when="due today" if late <= 0 else f"{late} days overdue",
            overdue=late > 0,
            actions=(Action("log_meeting", "Log a lunch"),),
        )

    def one(self, pk: int, m: Moment) -> list[Item]:
        from referable.partners.models import PartnerProfile

        found = self.candidates(PartnerProfile.objects.filter(pk=pk), m)
        return [self.build(c, m) for c in found]


#: every source, in no particular order (urgency.GROUPS orders their groups)
SOURCES: dict[str, QuerySource | ComputedSource] = {
    source.name: source
    for source in (
        Contacts(),
        Calls(),
        Letters(),
        Feedback(),
        Touches(),
        Partners(),
        Expectations(),
        Asks(),
        Tasks(),
    )
}
#: the source of each group of the urgency rule
SOURCE_OF = {group: source for source in SOURCES.values() for group in source.groups}


def parse_key(key: str) -> tuple[str, list[str]]:
    """``("touch", ["12", "review", "2026-11-20"])``; a malformed key is a field error."""
    source, _, rest = (key or "").partition(":")
    parts = rest.split(":") if rest else []
    if source not in SOURCES or not parts or not parts[0].isdigit() or len(key) > 120:
        raise ValidationError({"key": f"“{key[:60]}” is not an item of the agenda."})
    return source, parts
