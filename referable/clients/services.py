"""The rules about clients, their pillars and the requests of the ladder.

Every write is one transaction that succeeds whole or raises ``ValidationError`` naming
the field at fault. Each write that changes an input of the ladder recomputes that
client's stored rung in the same transaction, so the book never shows a stale answer;
changes made elsewhere (people, connections, promises) mark clients stale with
``mark_stale`` and the book refreshes stale rows, and every row once a day, on read.
``referable ladder`` recomputes every client of every practice.
"""

import json
from collections.abc import Iterable, Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q

from referable.clients import ladder, queries
from referable.clients.models import (
    DEFAULT_TIERS,
    Ask,
    CheckIn,
    Client,
    Expectation,
    ExpectationRating,
    IntroductionProfile,
    LadderSettings,
    Method,
    ProfileShare,
    Rating,
    RelationshipAgreement,
    Script,
    ServiceTier,
    TrustRating,
)
from referable.people import services as people_services
from referable.people.models import Connection, Person
from referable.practices.roles import Role

CLIENT_FIELDS = ("owner", "start_date", "tier", "stage")
EXPECTATION_FIELDS = ("text", "category", "priority", "asked_on")
SETTINGS_FIELDS = (
    "trust_threshold",
    "recommendation_trust",
    "introduction_trust",
    "cooldown_days",
    "max_requests",
    "period_days",
    "negative_connections",
)
PROFILE_FIELDS = ("name", "positions", "industries", "traits", "why", "active")
SCRIPT_FIELDS = ("name", "purpose", "text", "is_default")
TIER_FIELDS = ("name", "position", "description")
REFRESH_BATCH = 2000

DEFAULT_SCRIPT_NAMES = {
    Script.Purpose.RELATIONSHIP: "The relationship, at the close",
    Script.Purpose.CHECK_IN: "Are we meeting or exceeding?",
    Script.Purpose.PROFILE: "Sharing our profile",
    Script.Purpose.RECOMMENDATION: "Passing my name along",
    Script.Purpose.INTRODUCTION: "An introduction to someone you know",
}


def _apply(instance: models.Model, data: Mapping, allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    for key, value in data.items():
        setattr(instance, key, value)


def _today(practice_id: int) -> date:
    from referable.practices.models import Practice

    return queries.practice_today(Practice.objects.get(pk=practice_id))


def _not_in_future(day: date | None, field: str, practice_id: int, what: str) -> None:
    if day and day > _today(practice_id):
        raise ValidationError({field: f"{what} cannot be dated in the future ({day:%-d %b %Y})."})


# --- per-practice configuration, created on first use ---------------------------------


def ladder_settings_for(practice) -> LadderSettings:
    settings = LadderSettings.objects.filter(practice_id=practice.pk).first()
    if settings is None:
        settings, _ = LadderSettings.objects.get_or_create(practice_id=practice.pk)
    return settings


def ensure_tiers(practice) -> list[ServiceTier]:
    tiers = list(ServiceTier.objects.order_by("position", "id"))
    if not tiers:
        ServiceTier.objects.bulk_create(
            ServiceTier(practice_id=practice.pk, name=name, position=i)
            for i, name in enumerate(DEFAULT_TIERS)
        )
        tiers = list(ServiceTier.objects.order_by("position", "id"))
    return tiers


def ensure_scripts(practice) -> None:
    """The default scripts, one per purpose, written after seed 004 in our own words."""
    missing = set(Script.Purpose.values) - set(
        Script.objects.filter(is_default=True).values_list("purpose", flat=True)
    )
    Script.objects.bulk_create(
        Script(
            practice_id=practice.pk,
            name=DEFAULT_SCRIPT_NAMES[purpose],
            purpose=purpose,
            text=ladder.DEFAULT_SCRIPTS[purpose],
            is_default=True,
        )
        for purpose in sorted(missing)
    )


def set_up(practice) -> LadderSettings:
    ensure_tiers(practice)
    ensure_scripts(practice)
    return ladder_settings_for(practice)


@transaction.atomic
def save_settings(practice, data: Mapping, *, by=None) -> LadderSettings:
    settings = ladder_settings_for(practice)
    _apply(settings, data, SETTINGS_FIELDS)
    settings.full_clean(exclude=["practice"], validate_unique=False)
    if settings.recommendation_trust > settings.introduction_trust:
        raise ValidationError(
            {
                "introduction_trust": "An introduction needs at least as much trust as a "
                "recommendation."
            }
        )
    settings.save()
    refresh_ladder(Client.objects.all(), settings=settings)
    return settings


@transaction.atomic
def save_tier(practice, data: Mapping, *, tier: ServiceTier | None = None, by=None) -> ServiceTier:
    tier = tier or ServiceTier(practice_id=practice.pk)
    _apply(tier, data, TIER_FIELDS)
    tier.name = (tier.name or "").strip()
    tier.full_clean(exclude=["practice"], validate_unique=False)
    if ServiceTier.objects.filter(name__iexact=tier.name).exclude(pk=tier.pk).exists():
        raise ValidationError({"name": f"There is already a tier called “{tier.name}”."})
    tier.save()
    return tier


@transaction.atomic
def remove_tier(tier: ServiceTier, *, by=None) -> None:
    if n := tier.clients.count():
        raise ValidationError(
            {"tier": f"{n} client(s) are in “{tier.name}”: move them to another tier first."}
        )
    tier.delete()


@transaction.atomic
def save_script(practice, data: Mapping, *, script: Script | None = None, by=None) -> Script:
    script = script or Script(practice_id=practice.pk)
    _apply(script, data, SCRIPT_FIELDS)
    script.full_clean(exclude=["practice"], validate_unique=False, validate_constraints=False)
    if problems := ladder.language_problems(script.text):
        raise ValidationError({"text": problems})
    if script.is_default:
        Script.objects.filter(purpose=script.purpose, is_default=True).exclude(pk=script.pk).update(
            is_default=False
        )
    script.save()
    refresh_ladder(Client.objects.all())
    return script


@transaction.atomic
def save_profile(
    practice, data: Mapping, *, profile: IntroductionProfile | None = None, by=None
) -> IntroductionProfile:
    profile = profile or IntroductionProfile(practice_id=practice.pk)
    _apply(profile, data, PROFILE_FIELDS)
    profile.full_clean(exclude=["practice"])
    if not profile.position_list:
        raise ValidationError({"positions": "Name at least one position or title."})
    if problems := ladder.language_problems(f"{profile.why}\n{profile.traits}"):
        raise ValidationError({"why": problems})
    profile.save()
    refresh_ladder(Client.objects.all())
    return profile


# --- clients --------------------------------------------------------------------------


def _check_owner(practice_id: int, owner) -> None:
    if owner is None:
        raise ValidationError({"owner": "Choose the professional responsible for this client."})
    if owner.practice_id != practice_id or owner.role not in (
        Role.PROFESSIONAL,
        Role.OWNER,
        Role.MANAGER,
    ):
        raise ValidationError({"owner": f"{owner} is not a professional of this practice."})


def _check_tier(practice_id: int, tier) -> None:
    if tier is None or tier.practice_id != practice_id:
        raise ValidationError({"tier": "Choose one of the practice's service tiers."})


@transaction.atomic
def create_client(practice, person: Person | None, data: Mapping, *, by=None) -> Client:
    """A person becomes a client of the practice; their category follows."""
    if person is None or person.practice_id != practice.pk:
        raise ValidationError({"person": "Choose a person of this practice."})
    if Client.objects.filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already a client."})
    data = dict(data)
    if data.get("tier") is None:
        data["tier"] = ensure_tiers(practice)[-1]
    client = Client(practice_id=practice.pk, person=person)
    _apply(client, data, CLIENT_FIELDS)
    _check_owner(practice.pk, client.owner)
    _check_tier(practice.pk, client.tier)
    client.full_clean(exclude=["practice", "person", "owner", "tier"], validate_unique=False)
    try:
        with transaction.atomic():
            client.save()
    except IntegrityError:  # a concurrent request made them a client first
        raise ValidationError({"person": f"{person} is already a client."}) from None
    if person.category != Person.Category.CLIENT:
        people_services.update_person(person, {"category": Person.Category.CLIENT}, by=by)
    mark_stale([person.pk])
    recompute(client)
    return client


@transaction.atomic
def update_client(client: Client, data: Mapping, *, by=None) -> Client:
    _apply(client, data, CLIENT_FIELDS)
    _check_owner(client.practice_id, client.owner)
    _check_tier(client.practice_id, client.tier)
    client.full_clean(exclude=["practice", "person", "owner", "tier"], validate_unique=False)
    client.save()
    recompute(client)
    return client


# --- expectations and check-ins --------------------------------------------------------


@transaction.atomic
def add_expectation(client: Client, data: Mapping, *, by=None) -> Expectation:
    expectation = Expectation(practice_id=client.practice_id, client=client)
    _apply(expectation, data, EXPECTATION_FIELDS)
    expectation.full_clean(exclude=["practice", "client"])
    _not_in_future(expectation.asked_on, "asked_on", client.practice_id, "An expectation")
    expectation.save()
    recompute(client)
    return expectation


@transaction.atomic
def update_expectation(expectation: Expectation, data: Mapping, *, by=None) -> Expectation:
    _apply(expectation, data, EXPECTATION_FIELDS)
    expectation.full_clean(exclude=["practice", "client"])
    _not_in_future(expectation.asked_on, "asked_on", expectation.practice_id, "An expectation")
    expectation.save()
    recompute(expectation.client)
    return expectation


@transaction.atomic
def remove_expectation(expectation: Expectation, *, by=None) -> None:
    client = expectation.client
    expectation.delete()
    recompute(client)


def _clean_ratings(client: Client, ratings: Mapping) -> dict[int, str]:
    """{expectation id: rating}; every expectation must be this client's."""
    cleaned: dict[int, str] = {}
    for key, rating in ratings.items():
        expectation_id = getattr(key, "pk", key)
        if not rating:
            continue
        if rating not in Rating.values:
            raise ValidationError(
                {"ratings": f"“{rating}” is not a rating: use below, meeting or exceeding."}
            )
        try:
            expectation_id = int(expectation_id)
        except (TypeError, ValueError):
            raise ValidationError(
                {"ratings": f"“{expectation_id}” is not an expectation."}
            ) from None
        cleaned[expectation_id] = rating
    own = set(
        Expectation.objects.filter(client=client, pk__in=cleaned).values_list("pk", flat=True)
    )
    if foreign := sorted(set(cleaned) - own):
        raise ValidationError(
            {
                "ratings": f"Expectation {', '.join(map(str, foreign))} is not one of "
                f"{client}'s expectations."
            }
        )
    return cleaned


def _refresh_latest_ratings(expectation_ids: Iterable[int]) -> None:
    """Each expectation's mirror of its newest rating (by check-in date, then id)."""
    ids = list(expectation_ids)
    latest: dict[int, tuple] = {}
    for expectation_id, rating, held_on in (
        ExpectationRating.objects.filter(expectation_id__in=ids)
        .order_by("check_in__held_on", "check_in_id")
        .values_list("expectation_id", "rating", "check_in__held_on")
    ):
        latest[expectation_id] = (rating, held_on)
    for expectation in Expectation.objects.filter(pk__in=ids):
        expectation.latest_rating, expectation.latest_rated_on = latest.get(
            expectation.pk, ("", None)
        )
        expectation.save(update_fields=["latest_rating", "latest_rated_on", "updated_at"])


@transaction.atomic
def record_check_in(
    client: Client,
    ratings: Mapping,
    *,
    overall: str,
    held_on: date | None = None,
    channel: str = CheckIn.Channel.PHONE,
    notes: str = "",
    introductions_discussed: bool = False,
    by=None,
) -> CheckIn:
    """One check-in: the client's overall answer and, per expectation, below / meeting /
    exceeding. Nothing is saved if any part is wrong."""
    cleaned = _clean_ratings(client, ratings)
    check_in = CheckIn(
        practice_id=client.practice_id,
        client=client,
        held_on=held_on or _today(client.practice_id),
        channel=channel,
        overall=overall,
        notes=notes,
        introductions_discussed=introductions_discussed,
        by=by,
    )
    check_in.full_clean(exclude=["practice", "client", "by"])
    _not_in_future(check_in.held_on, "held_on", client.practice_id, "A check-in")
    check_in.save()
    ExpectationRating.objects.bulk_create(
        ExpectationRating(
            practice_id=client.practice_id,
            check_in=check_in,
            expectation_id=expectation_id,
            rating=rating,
        )
        for expectation_id, rating in cleaned.items()
    )
    _refresh_latest_ratings(cleaned)
    recompute(client)
    return check_in


@transaction.atomic
def remove_check_in(check_in: CheckIn, *, by=None) -> None:
    client = check_in.client
    expectation_ids = list(check_in.ratings.values_list("expectation_id", flat=True))
    check_in.delete()
    _refresh_latest_ratings(expectation_ids)
    recompute(client)


# --- trust, the relationship, profiles and asks ---------------------------------------


@transaction.atomic
def rate_trust(
    client: Client, score: int, *, rated_on: date | None = None, notes: str = "", by=None
) -> TrustRating:
    rating = TrustRating(
        practice_id=client.practice_id,
        client=client,
        score=score,
        rated_on=rated_on or _today(client.practice_id),
        notes=notes,
        by=by,
    )
    rating.full_clean(exclude=["practice", "client", "by"])
    _not_in_future(rating.rated_on, "rated_on", client.practice_id, "A trust rating")
    rating.save()
    recompute(client)
    return rating


def _require_client(client) -> Client:
    if not isinstance(client, Client) or client.pk is None:
        raise ValidationError(
            {"client": "Only a client can be asked: make this person a client first."}
        )
    return client


@transaction.atomic
def record_agreement(
    client: Client,
    *,
    answer: str,
    asked_on: date | None = None,
    script: Script | None = None,
    notes: str = "",
    by=None,
) -> RelationshipAgreement:
    """The referral-based relationship asked for at the close (seed 004) and the answer."""
    client = _require_client(client)
    if script is not None and script.practice_id != client.practice_id:
        raise ValidationError({"script": "Choose one of the practice's scripts."})
    agreement = RelationshipAgreement(
        practice_id=client.practice_id,
        client=client,
        asked_on=asked_on or _today(client.practice_id),
        asked_by=by,
        script=script,
        answer=answer,
        notes=notes,
    )
    agreement.full_clean(exclude=["practice", "client", "asked_by", "script"])
    _not_in_future(agreement.asked_on, "asked_on", client.practice_id, "The request")
    agreement.save()
    recompute(client)
    return agreement


@transaction.atomic
def share_profile(
    client: Client,
    profile: IntroductionProfile | None,
    *,
    shared_on: date | None = None,
    how: str = ProfileShare.How.IN_PERSON,
    notes: str = "",
    by=None,
) -> ProfileShare:
    client = _require_client(client)
    if profile is None or profile.practice_id != client.practice_id:
        raise ValidationError({"profile": "Choose one of the practice's profiles."})
    share = ProfileShare(
        practice_id=client.practice_id,
        client=client,
        profile=profile,
        shared_on=shared_on or _today(client.practice_id),
        how=how,
        notes=notes,
        by=by,
    )
    share.full_clean(exclude=["practice", "client", "profile", "by"])
    _not_in_future(share.shared_on, "shared_on", client.practice_id, "A share")
    share.save()
    recompute(client)
    return share


@transaction.atomic
def record_ask(
    client: Client,
    *,
    kind: str,
    answer: str,
    asked_on: date | None = None,
    person: Person | None = None,
    method: str = "",
    notes: str = "",
    by=None,
) -> Ask:
    """A recommendation invited, or an introduction to ``person`` proposed, and the
    client's answer. Nobody who asked not to be contacted can be the subject."""
    client = _require_client(client)
    if kind == Ask.Kind.INTRODUCTION:
        if person is None:
            raise ValidationError({"person": "Name the person the introduction would be to."})
        if person.practice_id != client.practice_id:
            raise ValidationError({"person": "That person is not in this practice."})
        if person.pk == client.person_id:
            raise ValidationError({"person": "A client cannot be introduced to themselves."})
        if person.do_not_contact:
            raise ValidationError({"person": person.do_not_contact_message()})
        if method and method not in Method.values:
            raise ValidationError({"method": f"“{method}” is not a method of introduction."})
    else:
        person, method = None, ""
    if client.person.do_not_contact:
        raise ValidationError({"client": client.person.do_not_contact_message()})
    ask = Ask(
        practice_id=client.practice_id,
        client=client,
        kind=kind,
        asked_on=asked_on or _today(client.practice_id),
        person=person,
        method=method,
        answer=answer,
        notes=notes,
        by=by,
    )
    ask.full_clean(exclude=["practice", "client", "person", "by"])
    _not_in_future(ask.asked_on, "asked_on", client.practice_id, "The request")
    ask.save()
    recompute(client)
    return ask


# --- the stored ladder ------------------------------------------------------------------


def _store(assessments: Mapping[int, queries.Assessment], today: date) -> int:
    """Writes the answers with one prepared UPDATE run for every row: ``bulk_update``
    builds a CASE per field and row, which at a firm's 40,000 clients takes minutes."""
    json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
    table = Client._meta.db_table
    sql = (
        f'UPDATE "{table}" SET "rung" = %s, "trust_score" = %s, '
        f'"next_ask" = %s{json_cast}, "rung_computed_on" = %s WHERE "id" = %s'
    )
    rows = [
        (a.ask.rung, a.trust.score, json.dumps(a.ask.as_dict()), today, client_id)
        for client_id, a in assessments.items()
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


def recompute(client: Client) -> queries.Assessment:
    today = _today(client.practice_id)
    assessment = queries.assess(client, today=today)
    _store({client.pk: assessment}, today)
    client.rung, client.trust_score = assessment.ask.rung, assessment.trust.score
    client.next_ask, client.rung_computed_on = assessment.ask.as_dict(), today
    return assessment


def refresh_ladder(
    clients, *, today: date | None = None, only_stale: bool = False, settings=None
) -> int:
    """Recomputes and stores the ladder of ``clients`` in batches; with ``only_stale``,
    only those marked stale or last computed before ``today``. Returns how many."""
    settings = settings or LadderSettings.objects.select_related("practice").first()
    if today is None:
        today = queries.practice_today(settings.practice) if settings else None
    if today is None:
        first = clients.select_related("practice").first()
        if first is None:
            return 0
        today = queries.practice_today(first.practice)
    if only_stale:
        clients = clients.filter(Q(rung_computed_on__isnull=True) | Q(rung_computed_on__lt=today))
    ids = list(clients.order_by("id").values_list("id", flat=True))
    done = 0
    for start in range(0, len(ids), REFRESH_BATCH):
        batch = Client.objects.filter(pk__in=ids[start : start + REFRESH_BATCH])
        done += _store(queries.compute(batch, today=today, settings=settings), today)
    return done


def mark_stale(person_ids: Iterable[int]) -> int:
    """For other areas: something about these people changed (do-not-contact, a new
    connection, a promise kept or missed). Their clients, and the clients who know them,
    are recomputed the next time the book is read. Works inside or outside a scope."""
    ids = [pid for pid in person_ids if pid]
    if not ids:
        return 0
    # Two indexed look-ups and an update by person: one query joining clients to both
    # sides of every connection would scan the whole book on each change.
    links = Connection._base_manager
    known = {
        *ids,
        *links.filter(person_b_id__in=ids).values_list("person_a_id", flat=True),
        *links.filter(person_a_id__in=ids).values_list("person_b_id", flat=True),
    }
    return Client._base_manager.filter(person_id__in=known).update(rung_computed_on=None)
