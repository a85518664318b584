"""Referrals, letters, calls, feedback and review over HTTP. Endpoints parse, check the
role, and call the same services and queries as the pages."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from referable.clients.models import IntroductionProfile
from referable.introductions import queries, services
from referable.introductions.models import (
    FeedbackDebt,
    HeldEmail,
    Letter,
    LetterTemplate,
    Referral,
    ScheduledCall,
)
from referable.introductions.schemas import (
    CallIn,
    CallLogIn,
    CallOut,
    CoachIn,
    DebtOut,
    DeliverIn,
    FindingOut,
    HeldEmailOut,
    LetterIn,
    LetterOut,
    LetterPatch,
    MoveIn,
    PayIn,
    ReferralFilters,
    ReferralIn,
    ReferralOut,
    ReferralPatch,
    ReviewIn,
    SignatureIn,
    StageChangeOut,
    TimelineOut,
)
from referable.people.models import Person
from referable.practices.models import User
from referable.practices.permissions import api_require

router = Router(tags=["introductions"])


def _referral(referral_id: int) -> Referral:
    return get_object_or_404(queries.referrals(), pk=referral_id)


def _letter(letter_id: int) -> Letter:
    return get_object_or_404(
        Letter.objects.select_related(
            "referral__referrer", "referral__prospect", "referral__owner", "referral__practice"
        ),
        pk=letter_id,
    )


def _call(call_id: int) -> ScheduledCall:
    return get_object_or_404(
        ScheduledCall.objects.select_related(
            "referral__referrer", "referral__prospect", "professional"
        ),
        pk=call_id,
    )


def _person_or_error(person_id: int | None, field: str) -> Person | None:
    if person_id is None:
        return None
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise ValidationError({field: f"No person {person_id} in this practice."})
    return person


@router.get("/referrals", response=list[ReferralOut], summary="List and filter referrals")
@paginate(PageNumberPagination, page_size=50)
def list_referrals(request, filters: ReferralFilters = Query(...)):
    return queries.filtered(
        owner_id=filters.owner_id,
        stage=filters.stage or "",
        kind=filters.kind or "",
        method=filters.method or "",
        referrer_kind=filters.referrer_kind or "",
        overdue=filters.overdue,
        q=filters.q,
    )


@router.post("/referrals", response={201: ReferralOut}, summary="Record a referral")
def create_referral(request, payload: ReferralIn):
    api_require(request, "edit")
    owner = None
    if payload.owner_id:
        owner = User.objects.filter(
            pk=payload.owner_id, practice_id=request.user.practice_id
        ).first()
        if owner is None:
            raise ValidationError({"owner_id": f"No user {payload.owner_id} in this practice."})
    profile = None
    if payload.source_profile_id:
        profile = IntroductionProfile.objects.filter(pk=payload.source_profile_id).first()
        if profile is None:
            raise ValidationError(
                {"source_profile_id": f"No introduction profile {payload.source_profile_id} here."}
            )
    new = payload.new_prospect.dict() if payload.new_prospect else None
    emails = new.pop("emails") if new else []
    phones = new.pop("phones") if new else []
    referral = services.record_referral(
        request.user.practice,
        referrer=_person_or_error(payload.referrer_id, "referrer_id"),
        prospect=_person_or_error(payload.prospect_id, "prospect_id"),
        new_prospect=new,
        prospect_emails=emails,
        prospect_phones=phones,
        kind=payload.kind,
        method=payload.method or "",
        connection=payload.connection.dict() if payload.connection else None,
        reason=payload.reason,
        source=payload.source,
        source_detail=payload.source_detail,
        source_profile=profile,
        owner=owner,
        solicited=payload.solicited,
        received_at=payload.received_at,
        notes=payload.notes,
        by=request.user,
    )
    return Status(201, _referral(referral.pk))


@router.get("/referrals/{int:referral_id}", response=ReferralOut)
def read_referral(request, referral_id: int):
    return _referral(referral_id)


@router.patch("/referrals/{int:referral_id}", response=ReferralOut)
def update_referral(request, referral_id: int, payload: ReferralPatch):
    api_require(request, "edit")
    services.update_referral(
        _referral(referral_id), payload.dict(exclude_unset=True), by=request.user
    )
    return _referral(referral_id)


@router.post("/referrals/{int:referral_id}/stage", response=ReferralOut, summary="Move to a stage")
def move_referral(request, referral_id: int, payload: MoveIn):
    api_require(request, "edit")
    services.move_stage(
        _referral(referral_id),
        payload.stage,
        by=request.user,
        reason=payload.reason,
        at=payload.at,
        value=payload.value,
        currency=payload.currency,
        privacy_notice_given=payload.privacy_notice_given,
    )
    return _referral(referral_id)


@router.get("/referrals/{int:referral_id}/stages", response=list[StageChangeOut])
def referral_stages(request, referral_id: int):
    return list(_referral(referral_id).stage_changes.all())


@router.get("/referrals/{int:referral_id}/timeline", response=list[TimelineOut])
def referral_timeline(request, referral_id: int):
    return queries.timeline(queries.referral_detail(_referral(referral_id).pk))


@router.get("/referrals/{int:referral_id}/debts", response=list[DebtOut])
def referral_debts(request, referral_id: int):
    return list(_referral(referral_id).debts.all())


@router.get("/feedback-debts", response=list[DebtOut], summary="Feedback and thanks still owed")
@paginate(PageNumberPagination, page_size=50)
def list_open_debts(request, owner_id: int | None = None, referrer_id: int | None = None):
    debts = queries.open_debts(owner_id)
    if referrer_id:
        debts = debts.filter(referrer_id=referrer_id)
    return debts


@router.post("/feedback-debts/{int:feedback_debt_id}/pay", response=DebtOut)
def pay_debt(request, feedback_debt_id: int, payload: PayIn):
    api_require(request, "edit")
    debt = get_object_or_404(FeedbackDebt.objects.all(), pk=feedback_debt_id)
    return services.pay_debt(debt, by=request.user, how=payload.how, note=payload.note)


@router.post(
    "/referrals/{int:referral_id}/letters", response={201: LetterOut}, summary="Draft a letter"
)
def draft_letter(request, referral_id: int, payload: LetterIn):
    api_require(request, "edit")
    template = None
    if payload.template_id:
        template = LetterTemplate.objects.filter(pk=payload.template_id).first()
        if template is None:
            raise ValidationError({"template_id": f"No template {payload.template_id} here."})
    letter = services.draft_letter(
        _referral(referral_id),
        what_we_did=payload.what_we_did,
        why_meet=payload.why_meet,
        call_at=payload.call_at,
        template=template,
        by=request.user,
    )
    return Status(201, letter)


@router.get("/letters/{int:letter_id}", response=LetterOut)
def read_letter(request, letter_id: int):
    return _letter(letter_id)


@router.patch(
    "/letters/{int:letter_id}",
    response=LetterOut,
    summary="Edit (a signed letter gets a new version)",
)
def update_letter(request, letter_id: int, payload: LetterPatch):
    api_require(request, "edit")
    return services.update_letter(
        _letter(letter_id), payload.dict(exclude_unset=True), by=request.user
    )


@router.get(
    "/letters/{int:letter_id}/coach", response=list[FindingOut], summary="The coach's findings"
)
def letter_findings(request, letter_id: int):
    letter = _letter(letter_id)
    return services.coach_findings(letter.practice_id, services.render_letter(letter).text)


@router.post("/letters/{int:letter_id}/request-signature", response=LetterOut)
def request_signature(request, letter_id: int, payload: SignatureIn):
    api_require(request, "edit")
    return services.request_signature(
        _letter(letter_id), by=request.user, send_email=payload.send_email
    )


@router.post("/letters/{int:letter_id}/sign", response=LetterOut)
def sign_letter(request, letter_id: int):
    api_require(request, "edit")
    return services.sign_letter(_letter(letter_id), by=request.user)


@router.post("/letters/{int:letter_id}/deliver", response=LetterOut)
def deliver_letter(request, letter_id: int, payload: DeliverIn):
    api_require(request, "edit")
    return services.deliver_letter(_letter(letter_id), how=payload.how, by=request.user)


@router.get("/letters/{int:letter_id}/pdf", summary="The letter as PDF")
def letter_pdf(request, letter_id: int):
    return HttpResponse(
        services.render_letter(_letter(letter_id)).pdf(), content_type="application/pdf"
    )


@router.get("/letters/{int:letter_id}/docx", summary="The letter as a Word document")
def letter_docx(request, letter_id: int):
    return HttpResponse(
        services.render_letter(_letter(letter_id)).docx(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@router.get("/calls", response=list[CallOut], summary="Calls and meetings to come")
@paginate(PageNumberPagination, page_size=50)
def list_calls(request, owner_id: int | None = None):
    return queries.upcoming_calls(owner_id)


@router.post(
    "/referrals/{int:referral_id}/calls",
    response={201: CallOut},
    summary="Schedule a call or meeting",
)
def schedule_call(request, referral_id: int, payload: CallIn):
    api_require(request, "edit")
    call = services.schedule_call(
        _referral(referral_id),
        kind=payload.kind,
        at=payload.at,
        minutes=payload.minutes,
        location=payload.location,
        invite=payload.invite,
        by=request.user,
    )
    return Status(201, call)


@router.get("/calls/{int:scheduled_call_id}", response=CallOut)
def read_call(request, scheduled_call_id: int):
    return _call(scheduled_call_id)


@router.get("/calls/{int:scheduled_call_id}/ics", summary="The iCalendar invitation")
def call_ics(request, scheduled_call_id: int):
    return HttpResponse(
        services.call_ics_for(_call(scheduled_call_id)), content_type="text/calendar"
    )


@router.post(
    "/calls/{int:scheduled_call_id}/log", response=CallOut, summary="Log that the call happened"
)
def log_call(request, scheduled_call_id: int, payload: CallLogIn):
    api_require(request, "edit")
    return services.log_call(
        _call(scheduled_call_id), by=request.user, called_at=payload.called_at, note=payload.note
    )


@router.post("/coach/check", response=list[FindingOut], summary="Check client-facing text")
def coach_check(request, payload: CoachIn):
    return services.coach_findings(request.user.practice_id, payload.text)


@router.get("/held-emails", response=list[HeldEmailOut], summary="E-mails waiting for review")
def list_held(request):
    return list(queries.held_emails())


@router.post("/held-emails/{int:held_email_id}/approve", response=HeldEmailOut)
def approve_held(request, held_email_id: int, payload: ReviewIn):
    api_require(request, "review")
    held = get_object_or_404(HeldEmail.objects.all(), pk=held_email_id)
    return services.approve_held_email(held, reviewer=request.user, comment=payload.comment)


@router.post("/held-emails/{int:held_email_id}/reject", response=HeldEmailOut)
def reject_held(request, held_email_id: int, payload: ReviewIn):
    api_require(request, "review")
    held = get_object_or_404(HeldEmail.objects.all(), pk=held_email_id)
    return services.reject_held_email(held, reviewer=request.user, comment=payload.comment)
