"""Reads shared by the pages, the API and other areas (Today, insight).

The ladder runs in bulk: ``compute`` loads every fact of any number of clients in a
fixed number of queries (one per kind of fact), then calls the pure trust scoring and
ladder engine once per client. Nothing here writes; ``services.refresh_ladder`` stores
the answers for the book.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from referable.clients import ladder
from referable.clients.experience import Experience, experience_summary
from referable.clients.models import (
    Ask,
    CheckIn,
    Client,
    Expectation,
    ExpectationRating,
    IntroductionProfile,
    LadderSettings,
    ProfileShare,
    RelationshipAgreement,
    Script,
    ServiceTier,
    TrustRating,
)
from referable.clients.trust import TrustScore, trust_score
from referable.people.models import Connection, Person


@dataclass(frozen=True)
class Assessment:
    """Everything the ladder knows about one client: both pillars and the next ask."""

    client_id: int
    person_id: int
    trust: TrustScore
    experience: Experience
    ask: ladder.NextAsk
    facts: ladder.ClientFacts


#: person ids per query when reading connections of a list of clients
CONNECTION_CHUNK = 5000


def practice_today(practice) -> date:
    return timezone.localdate(timezone=practice.zone)


def guardrails_of(settings: LadderSettings | None) -> ladder.Guardrails:
    if settings is None:
        return ladder.Guardrails()
    return ladder.Guardrails(
        trust_threshold=settings.trust_threshold,
        recommendation_trust=settings.recommendation_trust,
        introduction_trust=settings.introduction_trust,
        cooldown_days=settings.cooldown_days,
        max_requests=settings.max_requests,
        period_days=settings.period_days,
        negative_connections=settings.negative_connections,
    )


def default_scripts() -> dict[str, str]:
    return dict(
        Script.objects.filter(is_default=True).values_list("purpose", "text").order_by("purpose")
    )


def profile_facts(profiles: Iterable[IntroductionProfile]) -> tuple[ladder.ProfileFact, ...]:
    return tuple(
        ladder.ProfileFact(
            id=p.pk,
            name=p.name,
            positions=tuple(p.position_list),
            industries=tuple(p.industry_list),
        )
        for p in profiles
    )


def promises_for(person_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Promises kept and missed per person (exact-time calls, feedback), from the
    introductions area once it offers them; nothing before that."""
    try:
        from referable.introductions import queries as introductions_queries

        source = introductions_queries.promises_for
    except (ImportError, AttributeError):
        return {}
    return source(person_ids)


def _connections(client_persons) -> dict[int, list[ladder.ConnectionFact]]:
    """The people each client knows, with what the ladder needs of them, in two queries
    (each connection is stored once per pair, so it is read from both sides)."""
    found: dict[int, list[ladder.ConnectionFact]] = defaultdict(list)
    for mine, theirs in (("person_a", "person_b"), ("person_b", "person_a")):
        rows = Connection.objects.filter(**{f"{mine}_id__in": client_persons}).values_list(
            f"{mine}_id",
            f"{theirs}_id",
            "sentiment",
            "closeness",
            f"{theirs}__first_name",
            f"{theirs}__last_name",
            f"{theirs}__do_not_contact",
            f"{theirs}__category",
            f"{theirs}__title",
            f"{theirs}__industry",
        )
        for own, other, sentiment, closeness, first, last, dnc, category, title, industry in rows:
            found[own].append(
                ladder.ConnectionFact(
                    person_id=other,
                    name=f"{first} {last}".strip(),
                    sentiment=sentiment,
                    closeness=closeness,
                    do_not_contact=dnc,
                    is_client=category == Person.Category.CLIENT,
                    title=title,
                    industry=industry,
                )
            )
    return found


def compute(
    clients: QuerySet[Client],
    *,
    today: date,
    settings: LadderSettings | None = None,
    all_connections: bool = False,
) -> dict[int, Assessment]:
    """Trust, experience and the next ask of every client in ``clients``, in a constant
    number of queries whatever their number (about a dozen)."""
    ids = clients.order_by().values("id")
    rows = list(
        clients.order_by().values_list(
            "id",
            "person_id",
            "start_date",
            "stage",
            "person__first_name",
            "person__last_name",
            "person__do_not_contact",
            "owner__first_name",
            "owner__last_name",
        )
    )
    if not rows:
        return {}
    if settings is None:
        settings = LadderSettings.objects.first()
    guardrails = guardrails_of(settings)
    scripts = default_scripts()
    profiles = profile_facts(IntroductionProfile.objects.filter(active=True).order_by("id"))

    expectations = defaultdict(list)
    for client_id, pk, text, priority, rating in Expectation.objects.filter(
        client_id__in=ids
    ).values_list("client_id", "id", "text", "priority", "latest_rating"):
        expectations[client_id].append(ladder.ExpectationFact(pk, text, priority, rating))
    check_ins = defaultdict(list)
    for client_id, held_on, overall in CheckIn.objects.filter(client_id__in=ids).values_list(
        "client_id", "held_on", "overall"
    ):
        check_ins[client_id].append(ladder.CheckInFact(held_on, overall))
    ratings = defaultdict(list)
    for client_id, rated_on, score in TrustRating.objects.filter(client_id__in=ids).values_list(
        "client_id", "rated_on", "score"
    ):
        ratings[client_id].append((rated_on, score))
    requests = defaultdict(list)
    for client_id, on, answer in RelationshipAgreement.objects.filter(
        client_id__in=ids
    ).values_list("client_id", "asked_on", "answer"):
        requests[client_id].append(ladder.RequestFact(ladder.RELATIONSHIP, on, answer))
    for client_id, on in ProfileShare.objects.filter(client_id__in=ids).values_list(
        "client_id", "shared_on"
    ):
        requests[client_id].append(ladder.RequestFact(ladder.PROFILE, on))
    for client_id, kind, on, answer, person_id in Ask.objects.filter(client_id__in=ids).values_list(
        "client_id", "kind", "asked_on", "answer", "person_id"
    ):
        requests[client_id].append(ladder.RequestFact(kind, on, answer, person_id))
    promises = promises_for([row[1] for row in rows])
    connections = _connections(clients.order_by().values("person_id")) if all_connections else {}

    result: dict[int, Assessment] = {}
    for (
        client_id,
        person_id,
        start_date,
        stage,
        first,
        last,
        dnc,
        owner_first,
        owner_last,
    ) in rows:
        kept, missed = promises.get(person_id, (0, 0))
        trust = trust_score(
            today=today,
            start_date=start_date,
            stage=stage,
            ratings=ratings.get(client_id, ()),
            check_ins=[(c.held_on, c.overall) for c in check_ins.get(client_id, ())],
            kept=kept,
            missed=missed,
        )
        facts = ladder.ClientFacts(
            client_id=client_id,
            name=f"{first} {last}".strip(),
            today=today,
            trust=trust.score,
            stage=stage,
            do_not_contact=dnc,
            professional=f"{owner_first} {owner_last}".strip(),
            expectations=tuple(expectations.get(client_id, ())),
            check_ins=tuple(check_ins.get(client_id, ())),
            requests=tuple(requests.get(client_id, ())),
            connections=tuple(connections.get(person_id, ())),
            profiles=profiles,
        )
        result[client_id] = Assessment(
            client_id=client_id,
            person_id=person_id,
            trust=trust,
            experience=experience_summary(facts.expectations),
            ask=ladder.next_ask(facts, guardrails, scripts),
            facts=facts,
        )
    if not all_connections:
        _with_connections(result, guardrails, scripts)
    return result


def _connections_matter(assessment: Assessment, guardrails: ladder.Guardrails) -> bool:
    """Whether knowing the client's connections could change their answer: only a client
    who got past every guardrail and every earlier rung, with trust enough for an
    introduction, can be proposed one (see ladder.next_ask)."""
    ask, facts = assessment.ask, assessment.facts
    return (
        facts.trust >= guardrails.introduction_trust
        and ask.rung in (ladder.INVITE_RECOMMENDATION, ladder.NONE)
        and not ask.guardrail
        and facts.stage not in ("former", "prospect")
    )


def _with_connections(
    result: dict[int, Assessment], guardrails: ladder.Guardrails, scripts: dict
) -> None:
    """Second pass of ``compute``: the connections of the clients they matter for (a
    fraction of a firm's book), read in chunks, and those clients' answers again."""
    concerned = [a for a in result.values() if _connections_matter(a, guardrails)]
    for start in range(0, len(concerned), CONNECTION_CHUNK):
        chunk = concerned[start : start + CONNECTION_CHUNK]
        connections = _connections([a.person_id for a in chunk])
        for a in chunk:
            facts = replace(a.facts, connections=tuple(connections.get(a.person_id, ())))
            result[a.client_id] = replace(
                a, facts=facts, ask=ladder.next_ask(facts, guardrails, scripts)
            )


def next_asks_for(
    clients: QuerySet[Client], *, today: date | None = None
) -> dict[int, ladder.NextAsk]:
    """The next ask of each client, computed now (for Today and insight), in constant
    queries. ``today`` defaults to the date in the practice's time zone."""
    if today is None:
        first = clients.select_related("practice").first()
        if first is None:
            return {}
        today = practice_today(first.practice)
    return {cid: a.ask for cid, a in compute(clients, today=today).items()}


def assess(client: Client, *, today: date) -> Assessment:
    """One client, with all their connections (the page lists those fitting a profile)."""
    return compute(Client.objects.filter(pk=client.pk), today=today, all_connections=True)[
        client.pk
    ]


def rung_counts(clients: QuerySet[Client]) -> dict[str, int]:
    """How many clients stand on each rung (stored answers; see services.refresh_ladder)."""
    counts = dict.fromkeys(ladder.RUNGS, 0)
    for rung, n in clients.order_by().values_list("rung").annotate(n=Count("id")):
        counts[rung] = n
    return counts


def book(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.select_related("person", "tier", "owner").order_by("person__sort_name", "id")


def client_detail(client_id: int) -> Client:
    return Client.objects.select_related("person", "owner", "tier").get(pk=client_id)


def expectations_of(client: Client) -> QuerySet[Expectation]:
    return Expectation.objects.filter(client=client).order_by("priority", "id")


def timeline_of(client: Client, limit: int = 50) -> list[tuple[date, str, object]]:
    """The client's history, newest first: check-ins (with their ratings), trust ratings,
    the relationship asked for, profiles shared and later asks. A fixed number of
    queries however long the history."""
    check_ins = list(
        CheckIn.objects.filter(client=client)
        .select_related("by")
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=ExpectationRating.objects.select_related("expectation").order_by(
                    "expectation__priority", "expectation_id"
                ),
            )
        )
        .order_by("-held_on", "-id")[:limit]
    )
    events: list[tuple[date, str, object]] = [(c.held_on, "check_in", c) for c in check_ins]
    events += [
        (r.rated_on, "trust", r)
        for r in TrustRating.objects.filter(client=client).select_related("by")[:limit]
    ]
    events += [
        (a.asked_on, "agreement", a)
        for a in RelationshipAgreement.objects.filter(client=client).select_related(
            "asked_by", "script"
        )[:limit]
    ]
    events += [
        (s.shared_on, "share", s)
        for s in ProfileShare.objects.filter(client=client).select_related("profile", "by")[:limit]
    ]
    events += [
        (a.asked_on, "ask", a)
        for a in Ask.objects.filter(client=client).select_related("person", "by")[:limit]
    ]
    events.sort(key=lambda e: (e[0], e[2].pk), reverse=True)
    return events[:limit]


def matching_connections(assessment: Assessment) -> list[tuple[ladder.ConnectionFact, tuple]]:
    """People the client knows who match one of the practice's profiles."""
    facts = assessment.facts
    found = []
    for c in sorted(facts.connections, key=lambda c: (c.name, c.person_id)):
        matches = ladder.matching_profiles(facts.profiles, c.title, c.industry)
        if matches:
            found.append((c, matches))
    return found


def tiers() -> QuerySet[ServiceTier]:
    return ServiceTier.objects.order_by("position", "id")
