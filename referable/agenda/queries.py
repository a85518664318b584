"""Reads of the agenda area: whose agenda a user sees, the agenda itself (every source,
the users' decisions, the urgency rule), the process board and each client's progress
through the process.

Building an agenda costs a count per source (a few queries for the cadence), one query
per group shown and one for the decisions, whatever the number of clients or items."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import F, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from referable.agenda import sources, urgency
from referable.agenda.models import (
    AgendaItemState,
    DigestDelivery,
    DigestPreference,
    ProcessStep,
    StepCompletion,
    Touch,
)
from referable.agenda.sources import SOURCE_OF, SOURCES, Moment
from referable.clients.models import (
    CheckIn,
    Client,
    Expectation,
    ProfileShare,
    RelationshipAgreement,
)
from referable.introductions.models import FeedbackDebt, Referral
from referable.practices.models import User
from referable.practices.roles import Role
from referable.practices.services import practice_users

STAFF_ROLES = (Role.OWNER, Role.MANAGER, Role.PROFESSIONAL, Role.ASSISTANT)


# --- whose agenda ---------------------------------------------------------------------


def colleagues(practice) -> QuerySet[User]:
    """Everyone an item can be handed to, or whose agenda a manager can filter on."""
    return (
        practice_users(practice)
        .filter(role__in=STAFF_ROLES)
        .order_by("first_name", "last_name", "email")
    )


def own_owners(user: User) -> set[int]:
    """The agenda that is a user's own: theirs, and for an assistant the agendas of the
    professionals they act for."""
    ids = {user.pk}
    if user.role == Role.ASSISTANT:
        ids |= set(user.acts_for.values_list("pk", flat=True))
    return ids


def visible_owners(user: User, professional_id: int | None = None) -> set[int]:
    """Whose items ``user`` sees: a manager sees the firm (or one professional of it);
    an assistant the professionals they act for; a professional their own. Asking for
    someone out of reach shows one's own agenda."""
    if user.can("see_firm"):
        firm = set(colleagues(user.practice).values_list("pk", flat=True))
        if professional_id:
            return {professional_id} & firm or own_owners(user)
        return firm
    mine = own_owners(user)
    if professional_id and professional_id in mine:
        return {professional_id}
    return mine


# --- the agenda -----------------------------------------------------------------------


@dataclass
class Agenda:
    """The first items of an agenda in the order of the urgency rule, and how many
    items each group holds in all."""

    items: list[urgency.Item]
    today: date
    owners: set[int]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def agenda_for(
    owners: set[int],
    *,
    zone,
    now: datetime | None = None,
    limit: int | None = None,
) -> Agenda:
    """``owners``' agendas at ``now`` (in ``zone``), with the decisions taken about
    their items applied: every group counted, and the first ``limit`` items (all when
    None) in the order of the urgency rule. Only the items shown are built, so the
    cost follows the page, not the size of the agenda."""
    reader = sources.reader_for(owners, Moment(now=now or timezone.now(), zone=zone))
    counts: dict[str, int] = {}
    for source in SOURCES.values():
        counts.update(source.counts(reader))
    return _agenda(reader, counts, limit)


def _agenda(
    reader: sources.Reader,
    counts: dict[str, int],
    limit: int | None,
    known: dict[str, list[urgency.Item]] | None = None,
) -> Agenda:
    """The agenda of ``reader`` from its counts: the first items of each group in turn
    (those ``known`` already read together with other agendas)."""
    items: list[urgency.Item] = []
    for group, need in _needs(counts, limit).items():
        if known and group in known:
            items += known[group]
        else:
            items += SOURCE_OF[group].first(reader, group, need, counts[group])
    return Agenda(
        items=items,
        today=reader.moment.today,
        owners=set(reader.owners),
        counts={group: n for group, n in counts.items() if n},
    )


def own_agendas(
    users: list[User], *, now: datetime | None = None, limit: int | None = None
) -> dict[int, Agenda]:
    """Each user's own agenda (as ``agenda_for(own_owners(user))``), for many users at
    once, as the morning digest needs them. The users about whose agendas' items
    nothing was decided are read together, per time zone: one grouped query per source
    counts them all, one per group reads the first items of each; only what cannot be
    shared (a tie at the last item shown, the items computed here) is read apart."""
    now = now or timezone.now()
    owners_of = {u.pk: own_owners(u) for u in users}
    everyone = set().union(*owners_of.values())
    decided = set()
    for owner, assignee in AgendaItemState.objects.filter(
        Q(owner__in=everyone) | Q(assignee__in=everyone)
    ).values_list("owner_id", "assignee_id"):
        decided |= {owner, assignee}
    agendas, together = {}, defaultdict(list)
    for user in users:
        if owners_of[user.pk] & decided:
            agendas[user.pk] = agenda_for(owners_of[user.pk], zone=user.zone, now=now, limit=limit)
        else:
            together[user.zone.key].append(user)
    for alike in together.values():
        moment = Moment(now=now, zone=alike[0].zone)
        agendas.update(_agendas_together(alike, owners_of, moment, limit))
    return agendas


def _agendas_together(
    users: list[User], owners_of: dict[int, set[int]], moment: Moment, limit: int | None
) -> dict[int, Agenda]:
    # nothing was decided about these owners' items: no reader has decisions to apply,
    # and an owner's counts are the same whichever of these agendas they are part of
    everyone = _reader(set().union(*(owners_of[u.pk] for u in users)), moment)
    per_owner: dict[int, dict[str, int]] = defaultdict(dict)
    for source in SOURCES.values():
        for owner, found in source.counts_by_owner(everyone).items():
            per_owner[owner].update(found)
    readers, counts, needs = {}, {}, defaultdict(dict)
    for user in users:
        readers[user.pk] = reader = _reader(owners_of[user.pk], moment)
        for source in SOURCES.values():
            if isinstance(source, sources.ComputedSource):
                source.share(everyone, reader)
        counts[user.pk] = total = defaultdict(int)
        for owner in reader.owners:
            for group, n in per_owner[owner].items():
                total[group] += n
        if len(reader.owners) == 1:
            for group, need in _needs(total, limit).items():
                needs[group][user.pk] = need
    first = {
        group: SOURCE_OF[group].first_by_owner(everyone, group, wanted)
        for group, wanted in needs.items()
        if isinstance(SOURCE_OF[group], sources.QuerySource)
    }
    return {
        user.pk: _agenda(
            readers[user.pk],
            counts[user.pk],
            limit,
            known={g: found[user.pk] for g, found in first.items() if user.pk in found},
        )
        for user in users
    }


def _reader(owners: set[int], moment: Moment) -> sources.Reader:
    return sources.Reader(owners=frozenset(owners), moment=moment, handed_in={}, decisions={})


def _needs(counts: dict[str, int], limit: int | None) -> dict[str, int | None]:
    """How many items of each group a page of ``limit`` shows (None: all of them)."""
    needs, shown = {}, 0
    for group in urgency.GROUPS:
        need = None if limit is None else limit - shown
        if counts.get(group) and (need is None or need > 0):
            needs[group] = need
            shown += min(counts[group], need) if need is not None else counts[group]
    return needs


def find_any_item(key: str, owners: set[int], *, zone, now: datetime | None = None):
    """The item with ``key`` if it is on these owners' agendas, even snoozed or done
    (to act on it again); None when it is not theirs or gone since the page was drawn."""
    source, parts = sources.parse_key(key)
    moment = Moment(now=now or timezone.now(), zone=zone)
    item = next((i for i in SOURCES[source].one(int(parts[0]), moment) if i.key == key), None)
    if item is None:
        return None
    state = AgendaItemState.objects.filter(key=key).first()
    assignee = (state.assignee_id if state else None) or item.owner_id
    return item if assignee in owners else None


# --- the digest's state -----------------------------------------------------------------


def digest_preference(user: User) -> DigestPreference | None:
    return DigestPreference.objects.filter(user=user).first()


def recent_digests(user: User, limit: int = 7) -> QuerySet[DigestDelivery]:
    return DigestDelivery.objects.filter(user=user).select_related("email").order_by("-day")[:limit]


def failed_digest(user: User) -> DigestDelivery | None:
    """The latest digest whose e-mail failed (retrying or given up), to show on Today."""
    return (
        DigestDelivery.objects.filter(user=user, email__status="failed")
        .select_related("email")
        .order_by("-day")
        .first()
    )


# --- the process ---------------------------------------------------------------------------


def active_steps() -> list[ProcessStep]:
    return list(ProcessStep.objects.filter(archived_at__isnull=True).order_by("position", "id"))


def all_steps() -> list[ProcessStep]:
    return list(ProcessStep.objects.order_by("archived_at", "position", "id"))


@dataclass(frozen=True)
class Tick:
    """A step done for a client: by hand (with the completion) or seen in the data
    (with a link to the evidence)."""

    on: date | None
    how: str  # "evidence" or "hand"
    url: str = ""
    label: str = ""
    completion_id: int | None = None


def _as_day(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def evidence_for(client_ids, keys: set[str]) -> dict[tuple[int, str], Tick]:
    """What the other areas' data shows, per client and evidence rule: one grouped query
    per rule in use."""
    found: dict[tuple[int, str], Tick] = {}
    E = ProcessStep.Evidence

    def first_per_client(model, day_field):
        return (
            model.objects.filter(client_id__in=client_ids)
            .values_list("client_id")
            .annotate(first=Min(day_field))
            .order_by()
        )

    client_level = (
        (E.EXPECTATIONS_RECORDED, Expectation, "asked_on", "expectations", "Expectations recorded"),
        (E.CHECKIN_DONE, CheckIn, "held_on", "check-ins", "First check-in"),
        (
            E.AGREEMENT_ASKED,
            RelationshipAgreement,
            "asked_on",
            "relationship",
            "Relationship asked for",
        ),
        (E.PROFILE_SHARED, ProfileShare, "shared_on", "relationship", "Profile shared"),
    )
    for key, model, day_field, anchor, label in client_level:
        if key in keys:
            for cid, first in first_per_client(model, day_field):
                found[(cid, key)] = Tick(first, "evidence", _client_url(cid, anchor), label)
    if E.EVENT_INVITED in keys:
        rows = (
            Touch.objects.filter(client_id__in=client_ids, kind="event_invitation")
            .values_list("client_id")
            .annotate(first=Min("at"))
            .order_by()
        )
        for cid, first in rows:
            found[(cid, E.EVENT_INVITED)] = Tick(
                _as_day(first), "evidence", _client_url(cid, ""), "Invited to an event"
            )
        for cid, first, event_id in _event_invitations(client_ids):
            known = found.get((cid, E.EVENT_INVITED))
            if known is None or (first and known.on and _as_day(first) < known.on):
                found[(cid, E.EVENT_INVITED)] = Tick(
                    _as_day(first),
                    "evidence",
                    reverse("events:detail", args=[event_id]),
                    "Invited to an event",
                )
    if E.INTRODUCTION_RECEIVED in keys or E.LOOP_CLOSED in keys:
        persons = dict(
            Client.objects.filter(pk__in=client_ids).values_list("person_id", "id").order_by()
        )
        if E.INTRODUCTION_RECEIVED in keys:
            rows = (
                Referral.objects.filter(referrer_id__in=list(persons))
                .values_list("referrer_id")
                .annotate(first=Min("received_at"), ref=Min("id"))
                .order_by()
            )
            for pid, first, ref in rows:
                found[(persons[pid], E.INTRODUCTION_RECEIVED)] = Tick(
                    _as_day(first),
                    "evidence",
                    reverse("introductions:detail", args=[ref]),
                    "Made an introduction",
                )
        if E.LOOP_CLOSED in keys:
            rows = (
                FeedbackDebt.objects.filter(
                    referrer_id__in=list(persons),
                    kind=FeedbackDebt.Kind.THANK_YOU,
                    paid_at__isnull=False,
                )
                .values_list("referrer_id")
                .annotate(first=Min("paid_at"), ref=Min("referral_id"))
                .order_by()
            )
            for pid, first, ref in rows:
                found[(persons[pid], E.LOOP_CLOSED)] = Tick(
                    _as_day(first),
                    "evidence",
                    reverse("introductions:detail", args=[ref]),
                    "Thanked for an introduction",
                )
    return found


def _event_invitations(client_ids) -> list[tuple[int, datetime, int]]:
    """(client id, first invited at, event id), from the events area when it exists."""
    try:
        from referable.events.models import Invitation
    except ImportError:
        return []
    return list(
        Invitation.objects.filter(person__client__in=client_ids)
        .values_list("person__client")
        .annotate(first=Min("created_at"), event=Min("event_id"))
        .order_by()
    )


def _client_url(client_id: int, anchor: str) -> str:
    url = reverse("clients:detail", args=[client_id])
    return f"{url}#{anchor}" if anchor else url


def progress(client_ids: list[int], steps: list[ProcessStep]) -> dict[int, dict[int, Tick]]:
    """{client id: {step id: tick}} for the steps done; a constant number of queries."""
    keys = {s.evidence for s in steps if s.evidence}
    evidence = evidence_for(client_ids, keys) if keys and client_ids else {}
    done: dict[int, dict[int, Tick]] = defaultdict(dict)
    step_ids = [s.pk for s in steps]
    for completion in StepCompletion.objects.filter(
        client_id__in=client_ids, step_id__in=step_ids
    ).select_related("by"):
        done[completion.client_id][completion.step_id] = Tick(
            completion.done_on,
            "hand",
            label=f"Ticked by {completion.by or 'someone'}"
            + (f": {completion.note}" if completion.note else ""),
            completion_id=completion.pk,
        )
    for step in steps:
        if not step.evidence:
            continue
        for client_id in client_ids:
            tick = evidence.get((client_id, step.evidence))
            if tick is not None and step.pk not in done[client_id]:
                done[client_id][step.pk] = tick
    return done


@dataclass
class BoardRow:
    client: Client
    cells: list[tuple[ProcessStep, Tick | None]]

    @property
    def done(self) -> int:
        return sum(1 for _s, t in self.cells if t)

    @property
    def current(self) -> ProcessStep | None:
        return next((s for s, t in self.cells if t is None), None)


def board_clients(owner_id: int | None = None) -> QuerySet[Client]:
    """The clients on the process board, unordered (to count them)."""
    clients = Client.objects.filter(stage__in=[Client.Stage.ONBOARDING, Client.Stage.ACTIVE])
    return clients.filter(owner_id=owner_id) if owner_id else clients


def in_board_order(clients: QuerySet[Client]) -> QuerySet[Client]:
    # Ordered as the people index is (practice, sort name, id), whose practice the join
    # is told: a page of the firm is read along that index rather than sorted from all
    # the firm's clients (PostgreSQL: 140 ms to 2 ms for the first page).
    return (
        clients.filter(person__practice_id=F("practice_id"))
        .select_related("person", "owner", "tier")
        .order_by("person__sort_name", "person_id")
    )


def board_rows(clients: list[Client], steps: list[ProcessStep]) -> list[BoardRow]:
    ticks = progress([c.pk for c in clients], steps)
    return [
        BoardRow(client=c, cells=[(s, ticks.get(c.pk, {}).get(s.pk)) for s in steps])
        for c in clients
    ]
