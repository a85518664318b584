"""Referral partners over HTTP: profiles and terms, the ledger and scorecard, outbound
referrals, meetings, gifts and fees. Same services and queries as the pages."""

from dataclasses import asdict
from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import PageNumberPagination, paginate

from referable.partners import ledger, matching, queries, services
from referable.partners.models import OUTBOUND_OPEN, Gift, OutboundReferral, PartnerProfile
from referable.partners.schemas import (
    FeedbackIn,
    FlowOut,
    GiftIn,
    GiftOut,
    GiftRecordedOut,
    GiftSummaryOut,
    LedgerOut,
    MatchOut,
    MeetingDueOut,
    MeetingIn,
    MeetingOut,
    OutboundIn,
    OutboundOut,
    PartnerIn,
    PartnerOut,
    PartnerPatch,
    ScorecardOut,
    SettingsIO,
)
from referable.people.models import Person
from referable.practices.models import User
from referable.practices.permissions import api_require

router = Router(tags=["partners"])


def _partner(partner_id: int) -> PartnerProfile:
    return get_object_or_404(queries.partners(), pk=partner_id)


def _person(person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({field: f"No person {person_id} in this practice."})
    return person


def _resolve_owner(request, data: dict) -> dict:
    if "owner_id" in data:
        owner_id = data.pop("owner_id")
        owner = (
            User.objects.filter(pk=owner_id, practice_id=request.user.practice_id).first()
            if owner_id
            else None
        )
        if owner_id and owner is None:
            raise ValidationError({"owner_id": f"No user {owner_id} in this practice."})
        data["owner"] = owner
    return data


def _today(request) -> date:
    return timezone.localdate(timezone=request.user.zone)


def _flow_out(flow: ledger.Flow) -> dict:
    # not dataclasses.asdict, whose deep copies cost ~7 ms CPU for 500 partners
    return {k: getattr(flow, k) for k in FlowOut.model_fields}


def _line_out(line: ledger.LedgerLine) -> dict:
    return {
        **{k: getattr(line, k) for k in LedgerOut.model_fields if k not in ("received", "sent")},
        "received": _flow_out(line.received),
        "sent": _flow_out(line.sent),
    }


def _summary_out(person: Person, summary: services.GiftSummary) -> dict:
    return {
        "person_id": person.pk,
        "given": summary.given,
        "received": summary.received,
        "threshold": summary.threshold,
        "currency": summary.currency,
        "at_threshold": summary.at_threshold,
        "written_agreement_on": summary.agreement.signed_on if summary.agreement else None,
        "warning": summary.warning,
    }


@router.get("/partners", response=list[PartnerOut], summary="List referral partners")
@paginate(PageNumberPagination, page_size=50)
def list_partners(request):
    return queries.partners()


@router.post("/partners", response={201: PartnerOut}, summary="Record a person as a partner")
def create_partner(request, payload: PartnerIn):
    api_require(request, "edit")
    data = payload.dict()
    person = _person(data.pop("person_id"), "person_id")
    profile = services.make_partner(person, _resolve_owner(request, data), by=request.user)
    return Status(201, _partner(profile.pk))


@router.get("/partners/scorecard", response=ScorecardOut, summary="The partner scorecard")
def scorecard(request, period: str = "year", sort: str = "name", descending: bool = False):
    if period not in ledger.PERIODS:
        raise ValidationError({"period": f"Choose one of: {', '.join(ledger.PERIODS)}."})
    if sort not in ledger.SORT_KEYS:
        raise ValidationError({"sort": f"Choose one of: {', '.join(ledger.SORT_KEYS)}."})
    today = _today(request)
    start, end = ledger.period_bounds(period, today)
    lines = queries.scorecard(start=start, end=end, today=today, zone=request.user.zone)
    lines = ledger.sort_lines(lines, sort, descending=descending)
    return {
        "period": period,
        "start": start,
        "end": end,
        "partners": [_line_out(line) for line in lines],
    }


@router.get(
    "/partners/suggestions", response=list[MatchOut], summary="Partners whose niche fits a need"
)
def suggestions(request, industry: str = "", keywords: str = ""):
    need = matching.Need(industry=industry, keywords=keywords)
    return [asdict(m) for m in matching.suggest(need, queries.candidates(), limit=10)]


@router.get(
    "/partners/meetings-due",
    response=list[MeetingDueOut],
    summary="Partners due a meeting by their cadence",
)
def meetings_due(request, on: date | None = None):
    return [
        {
            "partner_id": item.partner.pk,
            "name": item.partner.person.full_name,
            "last_met": item.last_met,
            "due_on": item.due_on,
        }
        for item in queries.partners_due_a_meeting(on or _today(request))
    ]


@router.get("/partners/{int:partner_id}", response=PartnerOut)
def read_partner(request, partner_id: int):
    return _partner(partner_id)


@router.patch("/partners/{int:partner_id}", response=PartnerOut)
def update_partner(request, partner_id: int, payload: PartnerPatch):
    api_require(request, "edit")
    profile = _partner(partner_id)
    data = _resolve_owner(request, payload.dict(exclude_unset=True))
    services.update_partner(profile, data, by=request.user)
    return _partner(partner_id)


@router.get("/partners/{int:partner_id}/ledger", response=LedgerOut)
def partner_ledger(request, partner_id: int, period: str = "year"):
    if period not in ledger.PERIODS:
        raise ValidationError({"period": f"Choose one of: {', '.join(ledger.PERIODS)}."})
    profile = _partner(partner_id)
    today = _today(request)
    start, end = ledger.period_bounds(period, today)
    return _line_out(
        queries.ledger_line(profile, start=start, end=end, today=today, zone=request.user.zone)
    )


@router.get("/partners/{int:partner_id}/meetings", response=list[MeetingOut])
def list_meetings(request, partner_id: int):
    return list(queries.meetings_of(_partner(partner_id)))


@router.post("/partners/{int:partner_id}/meetings", response={201: MeetingOut})
def log_meeting(request, partner_id: int, payload: MeetingIn):
    api_require(request, "edit")
    profile = _partner(partner_id)
    return Status(201, services.log_meeting(profile, by=request.user, **payload.dict()))


@router.get("/outbound-referrals", response=list[OutboundOut], summary="Referrals we sent")
@paginate(PageNumberPagination, page_size=50)
def list_outbound(request, partner_id: int | None = None, open: bool | None = None):
    found = OutboundReferral.objects.order_by("-sent_on", "-id")
    if partner_id is not None:
        found = found.filter(partner_id=partner_id)
    if open is not None:
        found = (
            found.filter(stage__in=OUTBOUND_OPEN)
            if open
            else found.exclude(stage__in=OUTBOUND_OPEN)
        )
    return found


@router.post("/outbound-referrals", response={201: OutboundOut}, summary="Send someone")
def create_outbound(request, payload: OutboundIn):
    api_require(request, "edit")
    partner = _person(payload.partner_person_id, "partner_person_id")
    person = _person(payload.person_id, "person_id")
    partner_profile = services.partner_of(partner, "partner_person_id")
    referral = services.send_referral(
        partner_profile,
        person,
        need=payload.need,
        sent_on=payload.sent_on,
        notes=payload.notes,
        by=request.user,
    )
    return Status(201, referral)


def _outbound(outbound_referral_id: int) -> OutboundReferral:
    return get_object_or_404(OutboundReferral.objects.all(), pk=outbound_referral_id)


@router.get("/outbound-referrals/{int:outbound_referral_id}", response=OutboundOut)
def read_outbound(request, outbound_referral_id: int):
    return _outbound(outbound_referral_id)


@router.post(
    "/outbound-referrals/{int:outbound_referral_id}/feedback",
    response=OutboundOut,
    summary="Record what the partner told us",
)
def record_feedback(request, outbound_referral_id: int, payload: FeedbackIn):
    api_require(request, "edit")
    return services.record_partner_feedback(
        _outbound(outbound_referral_id), by=request.user, **payload.dict()
    )


@router.get("/gifts", response=list[GiftOut], summary="Gifts and fees")
@paginate(PageNumberPagination, page_size=50)
def list_gifts(request, person_id: int | None = None):
    found = Gift.objects.order_by("-given_on", "-id")
    if person_id is not None:
        found = found.filter(person_id=person_id)
    return found


@router.post("/gifts", response={201: GiftRecordedOut}, summary="Record a gift or fee")
def create_gift(request, payload: GiftIn):
    api_require(request, "edit")
    data = payload.dict()
    person = _person(data.pop("person_id"), "person_id")
    data = {k: v for k, v in data.items() if v is not None}
    gift, summary = services.record_gift(person, data, by=request.user)
    return Status(201, {"gift": gift, "summary": _summary_out(person, summary)})


@router.get("/gifts/summary/{int:person_id}", response=GiftSummaryOut)
def gift_summary(request, person_id: int):
    person = get_object_or_404(Person.objects.all(), pk=person_id)
    return _summary_out(person, services.gift_summary(person, today=_today(request)))


@router.get("/partner-settings", response=SettingsIO)
def read_settings(request):
    return services.partner_settings(request.user.practice)


@router.put("/partner-settings", response=SettingsIO)
def save_settings(request, payload: SettingsIO):
    api_require(request, "configure")
    return services.save_partner_settings(request.user.practice, payload.dict(), by=request.user)
