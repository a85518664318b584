import csv
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from referable.introductions import queries, services
from referable.introductions.forms import (
    CallForm,
    CoachRuleForm,
    ComplianceSettingsForm,
    DeliverForm,
    FirstContactForm,
    LetterForm,
    LetterStartForm,
    ListFilters,
    LogCallForm,
    MoveForm,
    PayDebtForm,
    PipelineSettingsForm,
    PrivacyNoticeForm,
    ReferralForm,
    ReviewForm,
    TemplateForm,
)
from referable.introductions.letters import PLACEHOLDERS
from referable.introductions.models import (
    CoachRule,
    FeedbackDebt,
    HeldEmail,
    Letter,
    LetterTemplate,
    Referral,
    ReviewRecord,
    ScheduledCall,
    Stage,
)
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require
from referable.practices.services import professionals

PAGE_SIZE = 25


def zoned(view):
    """Dates and times on the page in the user's own time zone (a call at 10:30 is
    10:30 where they are)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        zone = request.user.zone if request.user.is_authenticated else None
        if zone is None:
            return view(request, *args, **kwargs)
        with timezone.override(zone):
            return view(request, *args, **kwargs)

    return wrapped


def _safe_next(request, default: str) -> str:
    """Back where the user came from, but only within this site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _get(model, pk: int, loader=None):
    """404 for what does not exist and for another practice's rows alike: the scope
    never lets the second be found."""
    try:
        return loader(pk) if loader else model.objects.get(pk=pk)
    except model.DoesNotExist:
        raise Http404(f"No such {model._meta.verbose_name}") from None


def _owner_choice(request) -> tuple[int | None, str]:
    """Whose work to show: one's own by default; the firm's for those who may see it."""
    raw = request.GET.get("owner", "")
    if request.user.can("see_firm"):
        if raw == "all":
            return None, "all"
        if raw.isdigit():
            return int(raw), raw
    return request.user.pk, str(request.user.pk)


def _owners(request):
    return list(professionals(request.user.practice)) if request.user.can("see_firm") else []


# -- board and list --------------------------------------------------------------------


@zoned
@require("view")
def board(request):
    owner_id, owner_value = _owner_choice(request)
    context = {
        "columns": queries.board(owner_id),
        "owner_value": owner_value,
        "owners": _owners(request),
        "now": timezone.now(),
        "forward": FORWARD,
        # one reverse() per page, not three per card: the board shows up to 150 cards
        "base": reverse("introductions:board"),
    }
    template = (
        "introductions/board.html#board"
        if request.htmx and not request.htmx.boosted
        else "introductions/board.html"
    )
    return render(request, template, context)


#: the one-click move offered on each card of the board
FORWARD = {
    Stage.RECEIVED.value: Stage.CONTACTED,
    Stage.CONTACTED.value: Stage.MEETING_SET,
    Stage.MEETING_SET.value: Stage.MET,
    Stage.MET.value: Stage.ENGAGED,
}


@zoned
@require("edit")
@require_POST
def board_move(request, referral_id: int):
    referral = _get(Referral, referral_id)
    form = MoveForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.move_stage(
                referral,
                form.cleaned_data["stage"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            error = " ".join(m for ms in exc.message_dict.values() for m in ms)
    else:
        error = "Choose a stage."
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_safe_next(request, reverse("introductions:board")))
    owner_id, owner_value = _owner_choice(request)
    return render(
        request,
        "introductions/board.html#board",
        {
            "columns": queries.board(owner_id),
            "owner_value": owner_value,
            "error": error,
            "now": timezone.now(),
            "forward": FORWARD,
            "base": reverse("introductions:board"),
        },
    )


@zoned
@require("view")
def referral_list(request):
    owner_id, owner_value = _owner_choice(request)
    filters = ListFilters(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    found = queries.filtered(
        owner_id=owner_id,
        stage=data.get("stage", ""),
        kind=data.get("kind", ""),
        method=data.get("method", ""),
        referrer_kind=data.get("referrer_kind", ""),
        overdue=data.get("overdue", False),
        q=data.get("q", ""),
    )
    if request.GET.get("format") == "csv":
        return _csv(found)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    params = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page,
        "filters": filters,
        "owner_value": owner_value,
        "owners": _owners(request),
        "now": timezone.now(),
        "query_prefix": urlencode(params) + ("&" if params else ""),
        "csv_url": "?" + urlencode({**params, "format": "csv"}),
    }
    template = (
        "introductions/list.html#results"
        if request.htmx and not request.htmx.boosted
        else "introductions/list.html"
    )
    return render(request, template, context)


def _csv(found) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="introductions.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "received_at",
            "referrer",
            "referrer_kind",
            "prospect",
            "kind",
            "method",
            "stage",
            "owner",
            "first_contact_due_at",
            "first_contacted_at",
            "late",
            "value",
            "currency",
            "solicited",
        ]
    )
    now = timezone.now()
    for r in found.iterator(chunk_size=2000):
        writer.writerow(
            [
                r.pk,
                r.received_at.isoformat(),
                r.referrer.full_name,
                r.referrer_kind,
                r.prospect.full_name,
                r.kind,
                r.method,
                r.stage,
                str(r.owner or ""),
                r.first_contact_due_at.isoformat(),
                r.first_contacted_at.isoformat() if r.first_contacted_at else "",
                "yes" if r.first_contact_overdue(now) else "no",
                r.value if r.value is not None else "",
                r.currency,
                "yes" if r.solicited else "no",
            ]
        )
    return response


@zoned
@require("view")
def person_lookup(request):
    """Radio options for the referrer or the prospect of a new referral."""
    from referable.people.queries import search_people, with_contact_points

    field = request.GET.get("field", "")
    if field not in {"referrer", "prospect"}:
        field = "referrer"
    query = request.GET.get(f"{field}_q", request.GET.get("q", "")).strip()
    people = list(with_contact_points(search_people(query))[:8]) if len(query) >= 2 else []
    return render(
        request, "people/_lookup.html", {"people": people, "query": query, "field": field}
    )


# -- one referral ------------------------------------------------------------------------


@zoned
@require("edit")
def referral_create(request):
    practice = request.user.practice
    form = ReferralForm(
        request.POST or None,
        practice=practice,
        initial={"owner": request.user if request.user.role == "professional" else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.record_referral(practice, by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded. First contact with {referral.prospect} is due "
                f"{timezone.localtime(referral.first_contact_due_at, request.user.zone):%A %-d %B, %H:%M}.",
            )
            return redirect("introductions:detail", referral_id=referral.pk)
    return render(request, "introductions/new.html", {"form": form})


def _detail_context(request, referral: Referral, **extra) -> dict:
    compliance = services.compliance_settings(referral.practice_id)
    now = timezone.now()
    return {
        "referral": referral,
        "timeline": queries.timeline(referral),
        "move_form": extra.pop("move_form", None)
        or MoveForm(initial={"stage": FORWARD.get(referral.stage, referral.stage)}),
        "call_form": extra.pop("call_form", None)
        or CallForm(zone=request.user.zone, initial={"kind": _default_call_kind(referral)}),
        "privacy_form": PrivacyNoticeForm(),
        "privacy_text": services.privacy_notice_text(referral)
        if referral.privacy_notice_due
        else "",
        "privacy_overdue": referral.privacy_notice_overdue(compliance.privacy_notice_days, now),
        "overdue": referral.first_contact_overdue(now),
        "now": now,
        "zone": request.user.zone,
        **extra,
    }


def _default_call_kind(referral: Referral) -> str:
    if referral.method == Referral.Method.THREE_WAY_MEETING:
        return ScheduledCall.Kind.THREE_WAY_MEETING
    if referral.method == Referral.Method.INTRODUCTORY_CALL:
        return ScheduledCall.Kind.INTRODUCTORY_CALL
    return ScheduledCall.Kind.EXACT_TIME_CALL


@zoned
@require("view")
def referral_detail(request, referral_id: int):
    referral = _get(Referral, referral_id, queries.referral_detail)
    return render(request, "introductions/detail.html", _detail_context(request, referral))


@zoned
@require("edit")
@require_POST
def referral_move(request, referral_id: int):
    referral = _get(Referral, referral_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_stage(
                referral,
                form.cleaned_data["stage"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                value=form.cleaned_data["value"],
                currency=form.cleaned_data["currency"] or None,
                privacy_notice_given=form.cleaned_data["privacy_notice_given"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Moved to “{Stage(form.cleaned_data['stage']).label}”.")
            return redirect("introductions:detail", referral_id=referral.pk)
    referral = queries.referral_detail(referral.pk)
    return render(
        request,
        "introductions/detail.html",
        _detail_context(request, referral, move_form=form),
        status=422,
    )


@zoned
@require("edit")
@require_POST
def privacy_notice(request, referral_id: int):
    referral = _get(Referral, referral_id)
    form = PrivacyNoticeForm(request.POST)
    if form.is_valid():
        try:
            services.record_privacy_notice(referral, how=form.cleaned_data["how"], by=request.user)
            messages.success(request, "Privacy notice recorded.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("introductions:detail", referral_id=referral.pk)


@zoned
@require("edit")
def first_contact(request, referral_id: int):
    referral = _get(
        Referral,
        referral_id,
        lambda pk: Referral.objects.select_related("prospect", "referrer", "owner", "practice").get(
            pk=pk
        ),
    )
    subject, text = services.first_contact_draft(referral, by=request.user)
    form = FirstContactForm(request.POST or None, initial={"subject": subject, "text": text})
    if request.method == "POST" and form.is_valid():
        try:
            held = services.send_first_contact_email(
                referral,
                subject=form.cleaned_data["subject"],
                text=form.cleaned_data["text"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                "Waiting for the compliance reviewer before it goes out." if held else "Sent.",
            )
            return redirect("introductions:detail", referral_id=referral.pk)
    return render(request, "introductions/first_contact.html", {"referral": referral, "form": form})


# -- feedback -------------------------------------------------------------------------------


@zoned
@require("view")
def feedback(request):
    owner_id, owner_value = _owner_choice(request)
    return render(
        request,
        "introductions/feedback.html",
        {
            "groups": queries.open_debts_by_referrer(owner_id),
            "owner_value": owner_value,
            "owners": _owners(request),
            "form": PayDebtForm(),
        },
    )


@zoned
@require("edit")
def debt_pay(request, feedback_debt_id: int):
    debt = _get(
        FeedbackDebt,
        feedback_debt_id,
        lambda pk: FeedbackDebt.objects.select_related("referrer", "referral__prospect").get(pk=pk),
    )
    form = PayDebtForm(request.POST or None, initial={"note": _suggested_note(debt)})
    if request.method == "POST" and form.is_valid():
        try:
            services.pay_debt(
                debt, by=request.user, how=form.cleaned_data["how"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{debt.get_kind_display()} for {debt.referrer} recorded.")
            return redirect(
                _safe_next(request, reverse("introductions:detail", args=[debt.referral_id]))
            )
    return render(request, "introductions/pay.html", {"debt": debt, "form": form})


def _suggested_note(debt: FeedbackDebt) -> str:
    prospect = debt.referral.prospect.full_name
    if debt.kind == FeedbackDebt.Kind.THANK_YOU:
        return f"Thank you for introducing me to {prospect}. I appreciate your trust."
    return {
        Stage.CONTACTED: f"I spoke with {prospect} today, as promised.",
        Stage.MET: f"{prospect} and I met; thank you again for the introduction.",
        Stage.ENGAGED: f"{prospect} has decided to work with us. Thank you for the introduction.",
        Stage.NOT_A_FIT: f"{prospect} and I talked; we are not the right fit for now, and I said so plainly.",
        Stage.NO_RESPONSE: f"I have not been able to reach {prospect} despite several tries.",
    }.get(debt.outcome, "")


# -- letters ---------------------------------------------------------------------------------


@zoned
@require("edit")
def letter_start(request, referral_id: int):
    referral = _get(
        Referral,
        referral_id,
        lambda pk: Referral.objects.select_related("prospect", "referrer").get(pk=pk),
    )
    form = LetterStartForm(request.POST or None, zone=request.user.zone)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.draft_letter(
                referral,
                what_we_did=form.cleaned_data["what_we_did"],
                why_meet=form.cleaned_data["why_meet"],
                call_at=form.cleaned_data["call_at"],
                template=form.cleaned_data["template"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("introductions:letter", letter_id=letter.pk)
    return render(request, "introductions/letter_start.html", {"referral": referral, "form": form})


def _letter_context(request, letter: Letter, form=None) -> dict:
    rendered = None
    error = ""
    try:
        rendered = services.render_letter(letter)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    text = rendered.text if rendered else letter.body
    return {
        "letter": letter,
        "referral": letter.referral,
        "form": form or LetterForm(instance=letter, zone=request.user.zone),
        "rendered": rendered,
        "render_error": error,
        "findings": services.coach_findings(letter.practice_id, text),
        "deliver_form": DeliverForm(),
        "placeholders": PLACEHOLDERS,
        "require_review": services.compliance_settings(letter.practice_id).require_review,
        "held": letter.held_emails.filter(state=HeldEmail.State.PENDING).first(),
    }


@zoned
@require("view")
def letter_edit(request, letter_id: int):
    letter = _get(Letter, letter_id, queries.letter_detail)
    form = None
    if request.method == "POST":
        if not request.user.can("edit"):
            raise PermissionDenied("Your role may not edit here.")
        form = LetterForm(
            request.POST, instance=Letter.objects.get(pk=letter.pk), zone=request.user.zone
        )
        if form.is_valid():
            try:
                services.update_letter(letter, form.letter_data(), by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Letter saved.")
                return redirect("introductions:letter", letter_id=letter.pk)
        letter = queries.letter_detail(letter.pk)
    return render(request, "introductions/letter.html", _letter_context(request, letter, form))


@zoned
@require("view")
def coach_check(request):
    """The coach's findings for the text being typed (htmx, as the user writes)."""
    data = request.POST if request.method == "POST" else request.GET
    text = data.get("body") or data.get("note") or data.get("text") or ""
    return render(
        request,
        "introductions/_findings.html",
        {"findings": services.coach_findings(request.user.practice_id, text[:20000])},
    )


def _letter_action(request, letter_id: int, action, success: str):
    letter = _get(Letter, letter_id)
    try:
        action(letter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("introductions:letter", letter_id=letter.pk)


@zoned
@require("edit")
@require_POST
def letter_request_signature(request, letter_id: int):
    send = request.POST.get("send_email") == "on"
    return _letter_action(
        request,
        letter_id,
        lambda letter: services.request_signature(letter, by=request.user, send_email=send),
        "Sent to the client for signature."
        if send
        else "Marked as awaiting the client's signature.",
    )


@zoned
@require("edit")
@require_POST
def letter_sign(request, letter_id: int):
    return _letter_action(
        request,
        letter_id,
        lambda letter: services.sign_letter(letter, by=request.user),
        "Signed. The call is on your calendar at the minute the letter promises.",
    )


@zoned
@require("edit")
@require_POST
def letter_deliver(request, letter_id: int):
    how = request.POST.get("how", "")
    return _letter_action(
        request,
        letter_id,
        lambda letter: services.deliver_letter(letter, how=how, by=request.user),
        "Delivered.",
    )


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _letter_file(letter_id: int, form: str) -> HttpResponse:
    letter = _get(Letter, letter_id, queries.letter_detail)
    try:
        rendered = services.render_letter(letter)
    except ValidationError as exc:
        return HttpResponse(" ".join(exc.messages), status=422, content_type="text/plain")
    name = f"introduction-{letter.referral.prospect.full_name.lower().replace(' ', '-')}-v{letter.version}"
    if form == "pdf":
        return _download(rendered.pdf(), "application/pdf", f"{name}.pdf")
    return _download(
        rendered.docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{name}.docx",
    )


@zoned
@require("view")
def letter_pdf(request, letter_id: int):
    return _letter_file(letter_id, "pdf")


@zoned
@require("view")
def letter_docx(request, letter_id: int):
    return _letter_file(letter_id, "docx")


# -- calls ------------------------------------------------------------------------------------


@zoned
@require("edit")
@require_POST
def call_create(request, referral_id: int):
    referral = _get(Referral, referral_id)
    form = CallForm(request.POST, zone=request.user.zone)
    if form.is_valid():
        try:
            services.schedule_call(
                referral,
                kind=form.cleaned_data["kind"],
                at=form.cleaned_data["at"],
                minutes=form.cleaned_data["minutes"],
                location=form.cleaned_data["location"],
                invite=form.cleaned_data["invite"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Scheduled; invitations are on their way.")
            return redirect("introductions:detail", referral_id=referral.pk)
    referral = queries.referral_detail(referral.pk)
    return render(
        request,
        "introductions/detail.html",
        _detail_context(request, referral, call_form=form),
        status=422,
    )


@zoned
@require("view")
def call_ics(request, scheduled_call_id: int):
    call = _get(
        ScheduledCall,
        scheduled_call_id,
        lambda pk: ScheduledCall.objects.select_related(
            "referral__referrer", "referral__prospect", "professional"
        ).get(pk=pk),
    )
    return _download(
        services.call_ics_for(call), "text/calendar; charset=utf-8", f"call-{call.pk}.ics"
    )


@zoned
@require("edit")
@require_POST
def call_log(request, scheduled_call_id: int):
    call = _get(ScheduledCall, scheduled_call_id)
    form = LogCallForm(request.POST)
    form.is_valid()
    try:
        call = services.log_call(call, by=request.user, note=form.cleaned_data.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if call.status == ScheduledCall.Status.KEPT:
            messages.success(request, "Logged: the promise was kept.")
        else:
            messages.error(request, "Logged, but outside the promised minute: a promise missed.")
    return redirect("introductions:detail", referral_id=call.referral_id)


@zoned
@require("edit")
@require_POST
def call_cancel(request, scheduled_call_id: int):
    call = _get(ScheduledCall, scheduled_call_id)
    try:
        services.cancel_call(call, by=request.user)
        messages.success(request, "Cancelled; everyone invited has been told.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("introductions:detail", referral_id=call.referral_id)


# -- compliance review -----------------------------------------------------------------------


@zoned
@require("view")
def review_queue(request):
    return render(
        request,
        "introductions/review.html",
        {
            "held": list(queries.held_emails()),
            "form": ReviewForm(),
            "reviews": ReviewRecord.objects.select_related("reviewer")[:50],
        },
    )


def _review(request, held_email_id: int, approve: bool):
    held = _get(HeldEmail, held_email_id)
    form = ReviewForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if approve:
            services.approve_held_email(held, reviewer=request.user, comment=comment)
            messages.success(request, f"Approved and sent: {held.subject}")
        else:
            services.reject_held_email(held, reviewer=request.user, comment=comment)
            messages.success(request, f"Rejected: {held.subject}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("introductions:review")


@zoned
@require("review")
@require_POST
def review_approve(request, held_email_id: int):
    return _review(request, held_email_id, True)


@zoned
@require("review")
@require_POST
def review_reject(request, held_email_id: int):
    return _review(request, held_email_id, False)


# -- settings, templates and coach rules ---------------------------------------------------


@zoned
@require("configure")
def settings_page(request):
    practice = request.user.practice
    pipeline = services.pipeline_settings(practice)
    compliance = services.compliance_settings(practice)
    which = request.POST.get("section") if request.method == "POST" else None
    pipeline_form = PipelineSettingsForm(
        request.POST if which == "pipeline" else None, instance=pipeline
    )
    compliance_form = ComplianceSettingsForm(
        request.POST if which == "compliance" else None, instance=compliance
    )
    bound = {"pipeline": pipeline_form, "compliance": compliance_form}.get(which)
    if bound is not None and bound.is_valid():
        save = (
            services.save_pipeline_settings
            if which == "pipeline"
            else services.save_compliance_settings
        )
        try:
            save(practice, bound.settings_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            messages.success(request, "Settings saved.")
            return redirect("introductions:settings")
    return render(
        request,
        "introductions/settings.html",
        {
            "pipeline_form": pipeline_form,
            "compliance_form": compliance_form,
            "templates": LetterTemplate.objects.all(),
            "rules": CoachRule.objects.all(),
            "zone": practice.time_zone,
        },
    )


@zoned
@require("configure")
def template_edit(request, letter_template_id: int | None = None):
    template = _get(LetterTemplate, letter_template_id) if letter_template_id else None
    form = TemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_template(
                request.user.practice, form.cleaned_data, template=template, by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Template saved.")
            return redirect("introductions:settings")
    return render(
        request,
        "introductions/template_form.html",
        {"form": form, "template": template, "placeholders": PLACEHOLDERS},
    )


@zoned
@require("configure")
def coach_rule_edit(request, coach_rule_id: int | None = None):
    rule = _get(CoachRule, coach_rule_id) if coach_rule_id else None
    form = CoachRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_coach_rule(
                request.user.practice, form.cleaned_data, rule=rule, by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Coach rule saved.")
            return redirect("introductions:settings")
    return render(request, "introductions/coach_rule_form.html", {"form": form, "rule": rule})
