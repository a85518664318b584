"""Clients, their pillars and the ladder over HTTP. Endpoints parse, check the role, and
call the same services and queries as the pages. Writes name the client in the body
(``client_id``), so a request about someone who is not a client is a 422 on that field."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from referable.clients import ladder, queries, services
from referable.clients.models import (
    Ask,
    CheckIn,
    Client,
    Expectation,
    ExpectationRating,
    IntroductionProfile,
    ProfileShare,
    RelationshipAgreement,
    Rung,
    Script,
    ServiceTier,
    TrustRating,
)
from referable.clients.schemas import (
    AgreementIn,
    AgreementOut,
    AskIn,
    AskOut,
    BookOut,
    CheckInIn,
    CheckInOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    ExpectationIn,
    ExpectationOut,
    ExpectationPatch,
    LadderSettingsIn,
    LadderSettingsOut,
    NextAskOut,
    ProfileIn,
    ProfileOut,
    ProfilePatch,
    ScriptIn,
    ScriptOut,
    ScriptPatch,
    ShareIn,
    ShareOut,
    TierIn,
    TierOut,
    TierPatch,
    TrustRatingIn,
    TrustRatingOut,
)
from referable.people import queries as people_queries
from referable.people.models import Person
from referable.practices.models import User
from referable.practices.permissions import api_require

router = Router()
CLIENTS = ["clients"]
LADDER = ["ladder"]
CONFIG = ["ladder settings"]


def _clients():
    return Client.objects.select_related("person", "tier", "owner")


def _client(client_id: int) -> Client:
    return get_object_or_404(_clients(), pk=client_id)


def _client_in_body(client_id: int) -> Client:
    client = _clients().filter(pk=client_id).first()
    if client is None:
        raise ValidationError(
            {"client_id": f"No client {client_id} in this practice: make them a client first."}
        )
    return client


def _one(model, pk, field: str, label: str):
    if pk is None:
        return None
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {label} {pk} in this practice."})
    return found


def _owner(request, owner_id):
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, practice_id=request.user.practice_id).first()
    if owner is None:
        raise ValidationError({"owner_id": f"No user {owner_id} in this practice."})
    return owner


def _field_errors(exc: ValidationError, renames: dict[str, str]) -> ValidationError:
    """Service errors name model fields; the API names its own (``tier`` → ``tier_id``)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {renames.get(field, field): errors for field, errors in exc.message_dict.items()}
    )


# --- clients ----------------------------------------------------------------------------------


class ClientFilters(Schema):
    owner_id: int | None = None
    tier_id: int | None = None
    rung: Rung | None = None
    stage: Client.Stage | None = None
    ready: bool = False
    q: str = ""


@router.get("/clients", response=list[ClientOut], tags=CLIENTS, summary="The book, filtered")
@paginate(PageNumberPagination, page_size=50)
def list_clients(request, filters: ClientFilters = Query(...)):
    clients = _clients()
    if filters.owner_id:
        clients = clients.filter(owner_id=filters.owner_id)
    if filters.tier_id:
        clients = clients.filter(tier_id=filters.tier_id)
    if filters.rung:
        clients = clients.filter(rung=filters.rung)
    if filters.stage:
        clients = clients.filter(stage=filters.stage)
    if filters.ready:
        clients = clients.filter(rung__in=ladder.ASKING_RUNGS)
    if filters.q.strip():
        clients = clients.filter(person__in=people_queries.matching_person_ids(filters.q))
    return clients.order_by("person__sort_name", "id")


@router.post("/clients", response={201: ClientOut}, tags=CLIENTS, summary="Make a person a client")
def create_client(request, payload: ClientIn):
    api_require(request, "edit")
    practice = request.user.practice
    person = _one(Person, payload.person_id, "person_id", "person")
    data = {"owner": _owner(request, payload.owner_id), "stage": payload.stage}
    if payload.tier_id is not None:
        data["tier"] = _one(ServiceTier, payload.tier_id, "tier_id", "tier")
    if payload.start_date:
        data["start_date"] = payload.start_date
    try:
        client = services.create_client(practice, person, data, by=request.user)
    except ValidationError as exc:
        raise _field_errors(
            exc, {"person": "person_id", "owner": "owner_id", "tier": "tier_id"}
        ) from None
    return Status(201, _client(client.pk))


@router.get("/clients/{int:client_id}", response=ClientOut, tags=CLIENTS)
def read_client(request, client_id: int):
    return _client(client_id)


@router.patch("/clients/{int:client_id}", response=ClientOut, tags=CLIENTS)
def update_client(request, client_id: int, payload: ClientPatch):
    api_require(request, "edit")
    client = _client(client_id)
    given = payload.dict(exclude_unset=True)
    data = {}
    if "owner_id" in given:
        data["owner"] = _owner(request, given["owner_id"])
    if "tier_id" in given:
        data["tier"] = _one(ServiceTier, given["tier_id"], "tier_id", "tier")
    for key in ("stage", "start_date"):
        if given.get(key) is not None:
            data[key] = given[key]
    try:
        services.update_client(client, data, by=request.user)
    except ValidationError as exc:
        raise _field_errors(exc, {"owner": "owner_id", "tier": "tier_id"}) from None
    return _client(client_id)


@router.get(
    "/clients/{int:client_id}/next-ask",
    response=NextAskOut,
    tags=LADDER,
    summary="Both pillars and the next best ask, with reasons and script",
)
def read_next_ask(request, client_id: int):
    client = _client(client_id)
    assessment = queries.assess(client, today=queries.practice_today(request.user.practice))
    ask = assessment.ask
    return {
        "client_id": client.pk,
        "rung": ask.rung,
        "label": ask.label,
        "reasons": list(ask.reasons),
        "script": ask.script,
        "guardrail": ask.guardrail,
        "proposal": ask.as_dict()["proposal"],
        "trust_score": assessment.trust.score,
        "trust_reasons": [{"text": r.text, "points": r.points} for r in assessment.trust.reasons],
        "experience": assessment.experience.status,
        "experience_reasons": list(assessment.experience.reasons),
    }


class BookFilters(Schema):
    owner_id: int | None = None
    tier_id: int | None = None


@router.get("/book", response=BookOut, tags=LADDER, summary="How many clients on each rung")
def read_book(request, filters: BookFilters = Query(...)):
    clients = Client.objects.all()
    if filters.owner_id:
        clients = clients.filter(owner_id=filters.owner_id)
    if filters.tier_id:
        clients = clients.filter(tier_id=filters.tier_id)
    practice = request.user.practice
    services.refresh_ladder(
        clients,
        today=queries.practice_today(practice),
        only_stale=True,
        settings=services.ladder_settings_for(practice),
    )
    counts = queries.rung_counts(clients)
    return {
        "total": sum(counts.values()),
        "ready": sum(n for r, n in counts.items() if r in ladder.ASKING_RUNGS),
        "counts": counts,
    }


# --- expectations and check-ins ------------------------------------------------------------------


@router.get("/clients/{int:client_id}/expectations", response=list[ExpectationOut], tags=CLIENTS)
def list_expectations(request, client_id: int):
    return list(queries.expectations_of(_client(client_id)))


@router.post("/expectations", response={201: ExpectationOut}, tags=CLIENTS)
def create_expectation(request, payload: ExpectationIn):
    api_require(request, "edit")
    data = payload.dict()
    client = _client_in_body(data.pop("client_id"))
    if data["asked_on"] is None:
        data.pop("asked_on")
    return Status(201, services.add_expectation(client, data, by=request.user))


def _expectation(expectation_id: int) -> Expectation:
    return get_object_or_404(Expectation.objects.select_related("client"), pk=expectation_id)


@router.get("/expectations/{int:expectation_id}", response=ExpectationOut, tags=CLIENTS)
def read_expectation(request, expectation_id: int):
    return _expectation(expectation_id)


@router.patch("/expectations/{int:expectation_id}", response=ExpectationOut, tags=CLIENTS)
def update_expectation(request, expectation_id: int, payload: ExpectationPatch):
    api_require(request, "edit")
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.update_expectation(_expectation(expectation_id), data, by=request.user)


@router.delete("/expectations/{int:expectation_id}", response={204: None}, tags=CLIENTS)
def delete_expectation(request, expectation_id: int):
    api_require(request, "edit")
    services.remove_expectation(_expectation(expectation_id), by=request.user)
    return Status(204, None)


def _check_ins():
    return CheckIn.objects.prefetch_related(
        # ratings in a stable order, one query for a whole page of check-ins
        Prefetch("ratings", queryset=ExpectationRating.objects.order_by("expectation_id"))
    )


@router.get("/clients/{int:client_id}/check-ins", response=list[CheckInOut], tags=CLIENTS)
@paginate(PageNumberPagination, page_size=50)
def list_check_ins(request, client_id: int):
    return _check_ins().filter(client=_client(client_id)).order_by("-held_on", "-id")


@router.post("/check-ins", response={201: CheckInOut}, tags=CLIENTS, summary="Record a check-in")
def create_check_in(request, payload: CheckInIn):
    api_require(request, "edit")
    client = _client_in_body(payload.client_id)
    ratings: dict[int, str] = {}
    for item in payload.ratings:
        if item.expectation_id in ratings:
            raise ValidationError({"ratings": f"Expectation {item.expectation_id} is rated twice."})
        ratings[item.expectation_id] = item.rating
    check_in = services.record_check_in(
        client,
        ratings,
        overall=payload.overall,
        held_on=payload.held_on,
        channel=payload.channel,
        notes=payload.notes,
        introductions_discussed=payload.introductions_discussed,
        by=request.user,
    )
    return Status(201, _check_ins().get(pk=check_in.pk))


@router.get("/check-ins/{int:check_in_id}", response=CheckInOut, tags=CLIENTS)
def read_check_in(request, check_in_id: int):
    return get_object_or_404(_check_ins(), pk=check_in_id)


@router.delete("/check-ins/{int:check_in_id}", response={204: None}, tags=CLIENTS)
def delete_check_in(request, check_in_id: int):
    api_require(request, "edit")
    services.remove_check_in(
        get_object_or_404(CheckIn.objects.select_related("client"), pk=check_in_id),
        by=request.user,
    )
    return Status(204, None)


# --- trust, the relationship and asks ---------------------------------------------------------


@router.get("/clients/{int:client_id}/trust-ratings", response=list[TrustRatingOut], tags=CLIENTS)
def list_trust_ratings(request, client_id: int):
    return list(TrustRating.objects.filter(client=_client(client_id)))


@router.post("/trust-ratings", response={201: TrustRatingOut}, tags=CLIENTS)
def create_trust_rating(request, payload: TrustRatingIn):
    api_require(request, "edit")
    client = _client_in_body(payload.client_id)
    rating = services.rate_trust(
        client, payload.score, rated_on=payload.rated_on, notes=payload.notes, by=request.user
    )
    return Status(201, rating)


@router.get("/clients/{int:client_id}/agreements", response=list[AgreementOut], tags=LADDER)
def list_agreements(request, client_id: int):
    return list(RelationshipAgreement.objects.filter(client=_client(client_id)))


@router.post(
    "/agreements",
    response={201: AgreementOut},
    tags=LADDER,
    summary="Record the relationship asked for at the close, and the answer",
)
def create_agreement(request, payload: AgreementIn):
    api_require(request, "edit")
    client = _client_in_body(payload.client_id)
    script = _one(Script, payload.script_id, "script_id", "script")
    agreement = services.record_agreement(
        client,
        answer=payload.answer,
        asked_on=payload.asked_on,
        script=script,
        notes=payload.notes,
        by=request.user,
    )
    return Status(201, agreement)


@router.get("/clients/{int:client_id}/asks", response=list[AskOut], tags=LADDER)
def list_asks(request, client_id: int):
    return list(Ask.objects.filter(client=_client(client_id)))


@router.post(
    "/asks",
    response={201: AskOut},
    tags=LADDER,
    summary="Record a recommendation invited or an introduction proposed",
)
def create_ask(request, payload: AskIn):
    api_require(request, "edit")
    client = _client_in_body(payload.client_id)
    person = _one(Person, payload.person_id, "person_id", "person")
    try:
        ask = services.record_ask(
            client,
            kind=payload.kind,
            answer=payload.answer,
            asked_on=payload.asked_on,
            person=person,
            method=payload.method or "",
            notes=payload.notes,
            by=request.user,
        )
    except ValidationError as exc:
        raise _field_errors(exc, {"person": "person_id", "client": "client_id"}) from None
    return Status(201, ask)


# --- profiles and shares ------------------------------------------------------------------------


def _profile_data(data: dict) -> dict:
    for key in ("positions", "industries", "traits"):
        if key in data and data[key] is not None:
            data[key] = "\n".join(item.strip() for item in data[key] if item.strip())
    return {k: v for k, v in data.items() if v is not None}


@router.get("/profiles", response=list[ProfileOut], tags=LADDER)
def list_profiles(request):
    return list(IntroductionProfile.objects.all())


@router.post("/profiles", response={201: ProfileOut}, tags=CONFIG)
def create_profile(request, payload: ProfileIn):
    api_require(request, "configure")
    return Status(
        201,
        services.save_profile(
            request.user.practice, _profile_data(payload.dict()), by=request.user
        ),
    )


def _profile(profile_id: int) -> IntroductionProfile:
    return get_object_or_404(IntroductionProfile.objects.all(), pk=profile_id)


@router.get("/profiles/{int:profile_id}", response=ProfileOut, tags=LADDER)
def read_profile(request, profile_id: int):
    return _profile(profile_id)


@router.patch("/profiles/{int:profile_id}", response=ProfileOut, tags=CONFIG)
def update_profile(request, profile_id: int, payload: ProfilePatch):
    api_require(request, "configure")
    profile = _profile(profile_id)
    return services.save_profile(
        request.user.practice,
        _profile_data(payload.dict(exclude_unset=True)),
        profile=profile,
        by=request.user,
    )


@router.get("/profiles/{int:profile_id}/shares", response=list[ShareOut], tags=LADDER)
@paginate(PageNumberPagination, page_size=50)
def list_profile_shares(request, profile_id: int):
    return ProfileShare.objects.filter(profile=_profile(profile_id)).order_by("-shared_on", "-id")


@router.get("/clients/{int:client_id}/shares", response=list[ShareOut], tags=LADDER)
def list_client_shares(request, client_id: int):
    return list(ProfileShare.objects.filter(client=_client(client_id)))


@router.post(
    "/profile-shares", response={201: ShareOut}, tags=LADDER, summary="Log a profile shared"
)
def create_share(request, payload: ShareIn):
    api_require(request, "edit")
    client = _client_in_body(payload.client_id)
    profile = _one(IntroductionProfile, payload.profile_id, "profile_id", "profile")
    share = services.share_profile(
        client,
        profile,
        shared_on=payload.shared_on,
        how=payload.how,
        notes=payload.notes,
        by=request.user,
    )
    return Status(201, share)


# --- the practice's configuration -------------------------------------------------------------


@router.get("/tiers", response=list[TierOut], tags=CONFIG)
def list_tiers(request):
    services.ensure_tiers(request.user.practice)
    return list(queries.tiers())


@router.post("/tiers", response={201: TierOut}, tags=CONFIG)
def create_tier(request, payload: TierIn):
    api_require(request, "configure")
    return Status(201, services.save_tier(request.user.practice, payload.dict(), by=request.user))


@router.get("/tiers/{int:tier_id}", response=TierOut, tags=CONFIG)
def read_tier(request, tier_id: int):
    return get_object_or_404(ServiceTier.objects.all(), pk=tier_id)


@router.patch("/tiers/{int:tier_id}", response=TierOut, tags=CONFIG)
def update_tier(request, tier_id: int, payload: TierPatch):
    api_require(request, "configure")
    tier = get_object_or_404(ServiceTier.objects.all(), pk=tier_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.save_tier(request.user.practice, data, tier=tier, by=request.user)


@router.get("/scripts", response=list[ScriptOut], tags=CONFIG)
def list_scripts(request):
    services.ensure_scripts(request.user.practice)
    return list(Script.objects.all())


@router.post("/scripts", response={201: ScriptOut}, tags=CONFIG)
def create_script(request, payload: ScriptIn):
    api_require(request, "configure")
    return Status(201, services.save_script(request.user.practice, payload.dict(), by=request.user))


@router.get("/scripts/{int:script_id}", response=ScriptOut, tags=CONFIG)
def read_script(request, script_id: int):
    return get_object_or_404(Script.objects.all(), pk=script_id)


@router.patch("/scripts/{int:script_id}", response=ScriptOut, tags=CONFIG)
def update_script(request, script_id: int, payload: ScriptPatch):
    api_require(request, "configure")
    script = get_object_or_404(Script.objects.all(), pk=script_id)
    data = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.save_script(request.user.practice, data, script=script, by=request.user)


@router.get("/ladder-settings", response=LadderSettingsOut, tags=CONFIG)
def read_settings(request):
    return services.ladder_settings_for(request.user.practice)


@router.put("/ladder-settings", response=LadderSettingsOut, tags=CONFIG)
def save_settings(request, payload: LadderSettingsIn):
    api_require(request, "configure")
    return services.save_settings(request.user.practice, payload.dict(), by=request.user)
