"""Demo clients: engagements spread over the professionals and tiers, expectations in the
clients' own words, check-ins over the last 18 months, trust ratings, relationship
agreements with every answer, profiles and shares — arranged so that every rung of the
ladder and every guardrail appears. Bulk inserts, in chunks, so that a firm-scale build
(``--people 200000``, about 40,000 clients) stays fast."""

from datetime import date, timedelta

from django.utils import timezone

from referable.clients import ladder, services
from referable.clients.models import (
    Ask,
    CheckIn,
    Client,
    Expectation,
    ExpectationRating,
    IntroductionProfile,
    ProfileShare,
    RelationshipAgreement,
    Script,
    TrustRating,
)
from referable.people.models import Person
from referable.practices.bulk import insert_instances, insert_rows, inserted_ids
from referable.practices.demo import DemoPlan

CHUNK = 2000

EXPECTATIONS = [
    ("A call back within one business day", "responsiveness", 1),
    ("Plain-language reports, no jargon", "reporting", 2),
    ("A review meeting every quarter", "reviews", 1),
    ("E-mail rather than phone for routine matters", "communication", 3),
    ("To know who to call when my advisor is away", "communication", 2),
    ("No surprises on fees", "fees", 1),
    ("A written summary after every meeting", "reporting", 2),
    ("Ideas before I have to ask for them", "results", 2),
    ("Meetings in the evening or by video", "communication", 3),
]
CHECK_IN_NOTES = [
    "Happy with the quarterly review; asked for the summary sooner.",
    "Mentioned a colleague who is selling their business.",
    "Wants fewer phone calls, more e-mail.",
    "Pleased with how quickly the paperwork went.",
    "",
    "",
]
PROFILES = [
    (
        "Owners of growing companies",
        ["Owner", "Founder and CEO", "Managing Partner", "Principal"],
        ["Manufacturing", "Construction", "Engineering", "Logistics"],
        ["Thinking about succession", "Values a long-term adviser"],
        "We help owners turn a successful business into a secure future for their family, "
        "and we do our best work when we meet them years before the sale.",
    ),
    (
        "Finance leaders",
        ["Chief Financial Officer", "Controller"],
        ["Technology", "Healthcare"],
        ["Responsible for the company retirement plan"],
        "Finance leaders look after everyone else's plan; we look after theirs, and help "
        "with the company plan too.",
    ),
    (
        "Medical and dental practices",
        ["Physician", "Dentist", "Practice Manager"],
        ["Healthcare", "Dentistry", "Veterinary"],
        ["Busy, little time for their own finances"],
        "Clinicians build practices and rarely have time for their own finances; our "
        "process fits around their schedule.",
    ),
]

#: (archetype, weight): each arranges a client so that one rung or guardrail shows
ARCHETYPES = [
    ("no_expectations", 4),
    ("below", 7),
    ("low_trust", 5),
    ("fresh_close", 10),
    ("declined_recent", 4),
    ("declined_old", 3),
    ("conditional_waiting", 5),
    ("conditional_passed", 4),
    ("agreed", 10),
    ("capped", 4),
    ("shared_mid", 10),
    ("recommended_mid", 6),
    ("top", 16),
    ("former", 3),
    ("prospect", 3),
    ("do_not_contact", 2),
]


def build(practice, plan: DemoPlan) -> None:
    settings = services.set_up(practice)
    tiers = services.ensure_tiers(practice)
    rng = plan.rng
    profiles = [
        IntroductionProfile(
            practice=practice,
            name=name,
            positions="\n".join(positions),
            industries="\n".join(industries),
            traits="\n".join(traits),
            why=why,
        )
        for name, positions, industries, traits, why in PROFILES
    ]
    IntroductionProfile.objects.bulk_create(profiles)
    Script.objects.create(
        practice=practice,
        name="The short version",
        purpose=Script.Purpose.RELATIONSHIP,
        text=(
            "{client}, one last thing: I'll check in now and then to make sure we are "
            "exceeding what you expect. And if one day you feel comfortable introducing me "
            "to someone, I'd be grateful. Does that sound fair?"
        ),
    )
    relationship_script = Script.objects.get(purpose="relationship", is_default=True)

    people = list(
        Person.objects.filter(category=Person.Category.CLIENT)
        .order_by("id")
        .values_list("id", "owner_id")
    )
    rng.shuffle(people)
    owners = [u.pk for u in plan.professionals]
    names = [a for a, _w in ARCHETYPES]
    weights = [w for _a, w in ARCHETYPES]
    kinds = (names + rng.choices(names, weights=weights, k=max(0, len(people) - len(names))))[
        : len(people)
    ]
    dnc_people = [
        pid for (pid, _o), kind in zip(people, kinds, strict=False) if kind == "do_not_contact"
    ]
    if dnc_people:
        Person.objects.filter(pk__in=dnc_people).update(
            do_not_contact=True,
            do_not_contact_since=plan.today - timedelta(days=60),
            do_not_contact_reason="Asked us to stop all contact while they move abroad.",
        )
    for start in range(0, len(people), CHUNK):
        _build_chunk(
            practice,
            plan,
            people[start : start + CHUNK],
            kinds[start : start + CHUNK],
            owners,
            tiers,
            profiles,
            relationship_script,
        )
        plan.progress("clients", min(start + CHUNK, len(people)), len(people))
    services.refresh_ladder(Client.objects.all(), today=plan.today, settings=settings)
    by_rung = {rung: [] for rung in ladder.RUNGS}
    by_guardrail = {g: [] for g in ladder.GUARDRAILS}
    for pk, rung, next_ask in Client.objects.order_by("id").values_list("id", "rung", "next_ask"):
        by_rung[rung].append(pk)
        if next_ask.get("guardrail"):
            by_guardrail[next_ask["guardrail"]].append(pk)
    plan.shared["clients"] = {
        "by_rung": by_rung,
        "by_guardrail": by_guardrail,
        "ready": [pk for rung in ladder.ASKING_RUNGS for pk in by_rung[rung]],
        "profiles": [p.pk for p in profiles],
    }


def _days_ago(plan: DemoPlan, days: int) -> date:
    return plan.today - timedelta(days=days)


CHANNELS = CheckIn.Channel.values
CHECK_IN_FIELDS = (
    "practice",
    "client",
    "held_on",
    "channel",
    "overall",
    "notes",
    "introductions_discussed",
    "by",
    "created_at",
    "updated_at",
)
RATING_FIELDS = ("practice", "check_in", "expectation", "rating", "created_at", "updated_at")


def _build_chunk(practice, plan, people, kinds, owners, tiers, profiles, script) -> None:
    rng = plan.rng
    now = timezone.now()
    tier_weights = [1, 2.5, 4, 2.5][: len(tiers)] + [1] * max(0, len(tiers) - 4)
    clients = []
    for (person_id, owner_id), kind in zip(people, kinds, strict=True):
        tenure = rng.randint(200, 1100)
        if kind in ("fresh_close", "no_expectations"):
            tenure = rng.randint(5, 60)
        clients.append(
            Client(
                practice=practice,
                person_id=person_id,
                owner_id=owner_id if owner_id in owners else rng.choice(owners),
                tier=rng.choices(tiers, weights=tier_weights)[0],
                start_date=_days_ago(plan, tenure),
                stage={
                    "former": Client.Stage.FORMER,
                    "prospect": Client.Stage.PROSPECT,
                    "fresh_close": Client.Stage.ONBOARDING,
                    "no_expectations": Client.Stage.ONBOARDING,
                }.get(kind, Client.Stage.ACTIVE),
            )
        )
    insert_instances(clients)

    expectations, plans = [], []
    for client, kind in zip(clients, kinds, strict=True):
        if kind == "no_expectations":
            plans.append((client, kind, []))
            continue
        chosen = rng.sample(EXPECTATIONS, k=rng.randint(2, 4))
        own = [
            Expectation(
                practice=practice,
                client=client,
                text=text,
                category=category,
                priority=priority,
                asked_on=client.start_date,
            )
            for text, category, priority in chosen
        ]
        expectations += own
        plans.append((client, kind, own))

    check_ins, pending_ratings, trust, agreements, shares, asks = [], [], [], [], [], []
    for client, kind, own in plans:
        history = _history(plan, client, kind, profiles, script)
        agreements += history["agreements"]
        shares += history["shares"]
        asks += history["asks"]
        trust += [
            TrustRating(
                practice=practice,
                client=client,
                rated_on=day,
                score=score,
                by_id=client.owner_id,
                notes="",
            )
            for day, score in history["trust"]
        ]
        if kind == "prospect" or not own:
            continue
        dates = _check_in_dates(plan, client, history["last_check_in"])
        for i, day in enumerate(dates):
            latest = i == len(dates) - 1
            overall = history["overall"](latest)
            check_in = len(check_ins)
            check_ins.append(
                (
                    practice.pk,
                    client.pk,
                    day,
                    rng.choice(CHANNELS),
                    overall,
                    rng.choice(CHECK_IN_NOTES),
                    rng.random() < 0.2,
                    client.owner_id,
                    now,
                    now,
                )
            )
            for j, expectation in enumerate(own):
                rating = history["rating"](latest, j)
                pending_ratings.append((check_in, expectation, rating))
                if latest:
                    expectation.latest_rating, expectation.latest_rated_on = rating, day
    # expectations go in once their latest ratings are known: no second pass to update
    insert_instances(expectations)
    # check-ins and ratings are the bulk of a firm's history: plain rows, no instances
    insert_rows(CheckIn, CHECK_IN_FIELDS, check_ins)
    check_in_ids = inserted_ids(CheckIn, practice, len(check_ins))
    insert_rows(
        ExpectationRating,
        RATING_FIELDS,
        ((practice.pk, check_in_ids[c], e.pk, r, now, now) for c, e, r in pending_ratings),
    )
    for rows in (trust, agreements, shares, asks):
        insert_instances(rows)


def _check_in_dates(plan: DemoPlan, client: Client, last: date | None) -> list[date]:
    """About every three months over the last 18 months, from the start of the engagement
    up to ``last`` (the newest check-in the archetype allows)."""
    rng = plan.rng
    end = last or _days_ago(plan, rng.randint(3, 40))
    start = max(client.start_date + timedelta(days=14), _days_ago(plan, 548))
    dates, day = [], end
    while day >= start:
        dates.append(day)
        day -= timedelta(days=rng.randint(75, 110))
    if not dates and end >= client.start_date:
        dates.append(end)
    return sorted(dates)


def _history(plan: DemoPlan, client: Client, kind: str, profiles, script) -> dict:
    """What happened with this client, by archetype: trust ratings, check-in results,
    requests made and their answers."""
    rng = plan.rng
    practice_id, owner = client.practice_id, client.owner_id

    def agreement(days: int, answer: str) -> RelationshipAgreement:
        return RelationshipAgreement(
            practice_id=practice_id,
            client=client,
            asked_on=_days_ago(plan, days),
            asked_by_id=owner,
            script=script,
            answer=answer,
        )

    def share(days: int) -> ProfileShare:
        return ProfileShare(
            practice_id=practice_id,
            client=client,
            profile=rng.choice(profiles),
            shared_on=_days_ago(plan, days),
            how=rng.choice(ProfileShare.How.values),
            by_id=owner,
        )

    def good(latest: bool, j: int = 0) -> str:
        return rng.choice(["meeting", "exceeding", "exceeding"])

    def fine(latest: bool, j: int = 0) -> str:
        return rng.choice(["meeting", "meeting", "exceeding"])

    h = {
        "trust": [(_days_ago(plan, rng.randint(20, 200)), rng.choice([3, 4]))],
        "overall": fine,
        "rating": lambda latest, j: fine(latest, j),
        "last_check_in": None,
        "agreements": [],
        "shares": [],
        "asks": [],
    }
    tenure = (plan.today - client.start_date).days
    if kind in ("no_expectations", "fresh_close"):
        h["trust"] = []
        if kind == "fresh_close":
            h["last_check_in"] = _days_ago(plan, max(1, tenure // 3))
    elif kind == "below":
        h["rating"] = lambda latest, j: "below" if latest and j == 0 else fine(latest, j)
        h["overall"] = lambda latest, j=0: "below" if latest else fine(latest)
        h["agreements"] = [agreement(tenure - 5, "agreed")] if tenure > 30 else []
    elif kind == "low_trust":
        h["trust"] = [(_days_ago(plan, 200), 1), (_days_ago(plan, 30), 1)]
        h["overall"] = lambda latest, j=0: "meeting" if latest else rng.choice(["meeting", "below"])
        h["rating"] = lambda latest, j: "meeting"
    elif kind == "declined_recent":
        h["agreements"] = [agreement(rng.randint(10, 60), "declined")]
    elif kind == "declined_old":
        h["agreements"] = [agreement(rng.randint(200, 400), "declined")]
    elif kind == "conditional_waiting":
        days = rng.randint(10, 45)
        h["agreements"] = [agreement(days, "conditional")]
        h["last_check_in"] = _days_ago(plan, days + rng.randint(5, 30))
    elif kind == "conditional_passed":
        h["agreements"] = [agreement(rng.randint(120, 180), "conditional")]
        h["overall"] = good
        h["last_check_in"] = _days_ago(plan, rng.randint(10, 60))
    elif kind == "agreed":
        h["agreements"] = [agreement(rng.randint(100, 200), "agreed")]
    elif kind == "capped":
        h["agreements"] = [agreement(rng.randint(50, 80), "agreed")]
        h["shares"] = [share(rng.randint(5, 30))]
    elif kind in ("shared_mid", "recommended_mid"):
        h["trust"] = [(_days_ago(plan, rng.randint(30, 150)), 3)]
        h["overall"] = lambda latest, j=0: "meeting"
        h["agreements"] = [agreement(rng.randint(300, 500), "agreed")]
        h["shares"] = [share(rng.randint(120, 280))]
        if kind == "recommended_mid":
            h["asks"] = [
                Ask(
                    practice_id=practice_id,
                    client=client,
                    kind=Ask.Kind.RECOMMENDATION,
                    asked_on=_days_ago(plan, rng.randint(95, 115)),
                    answer="agreed",
                    by_id=owner,
                )
            ]
    elif kind == "top":
        h["trust"] = [(_days_ago(plan, 300), 4), (_days_ago(plan, rng.randint(20, 90)), 5)]
        h["overall"] = good
        h["rating"] = lambda latest, j: good(latest, j)
        h["agreements"] = [agreement(rng.randint(400, 600), "agreed")]
        h["shares"] = [share(rng.randint(200, 350))]
    elif kind == "former" or kind == "do_not_contact":
        h["agreements"] = [agreement(rng.randint(300, 600), "agreed")]
    return h
