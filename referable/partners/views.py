from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from referable.partners import ledger, matching, queries, services
from referable.partners.forms import (
    AgreementForm,
    FeedbackForm,
    GiftForm,
    MeetingForm,
    NeedForm,
    PartnerForm,
    SendForm,
    SettingsForm,
)
from referable.partners.models import Gift, OutboundReferral, PartnerProfile
from referable.people import queries as people_queries
from referable.people.models import Person
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require


def get_partner_for(partner_id: int) -> PartnerProfile:
    """404 for a partner who does not exist and one of another practice alike."""
    try:
        return queries.partner_detail(partner_id)
    except PartnerProfile.DoesNotExist:
        raise Http404("No such partner") from None


def _person_or_404(person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person")
    return person


def _period(request) -> tuple[str, tuple[date | None, date | None], date]:
    period = request.GET.get("period", "year")
    if period not in ledger.PERIODS:
        period = "year"
    today = timezone.localdate(timezone=request.user.zone)
    return period, ledger.period_bounds(period, today), today


def _scorecard_rows(lines: list[ledger.LedgerLine]) -> list[dict]:
    """What each row of the scorecard shows, as plain dicts: a template finds a dict's
    key at once, where each attribute of an object costs it a failed item lookup first
    (some 7,000 for 500 partners, ~10 ms)."""
    return [
        {
            "partner_id": line.partner_id,
            "name": line.name,
            "received": line.received.total,
            "received_engaged": line.received.engaged,
            "received_value": line.received.value,
            "sent": line.sent.total,
            "sent_engaged": line.sent.engaged,
            "reciprocity": line.reciprocity,
            "balance": line.balance,
            "we_owe_feedback": line.we_owe_feedback,
            "they_owe_feedback": line.they_owe_feedback,
            "last_met": line.last_met,
            "days_since_meeting": line.days_since_meeting,
            "meeting_due": line.meeting_due,
        }
        for line in lines
    ]


@require("view")
def scorecard(request):
    period, (start, end), today = _period(request)
    sort = request.GET.get("sort", "name")
    if sort not in ledger.SORT_KEYS:
        sort = "name"
    descending = request.GET.get("dir", "asc" if sort == "name" else "desc") == "desc"
    lines = queries.scorecard(start=start, end=end, today=today, zone=request.user.zone)
    lines = ledger.sort_lines(lines, sort, descending=descending)
    context = {
        "rows": _scorecard_rows(lines),
        "totals": ledger.totals(lines),
        "period": period,
        "period_label": ledger.PERIODS[period],
        "periods": ledger.PERIODS,
        "sort": sort,
        "descending": descending,
        # partner pages are /partners/<id>/: one reverse() per page, not one per partner
        "base": reverse("partners:list"),
        "columns": [
            ("name", "Partner"),
            ("received", "Received"),
            ("sent", "Sent"),
            ("balance", "Balance"),
            ("value", "Value received"),
            ("we_owe", "We owe feedback"),
            ("they_owe", "They owe feedback"),
            ("last_met", "Last met"),
        ],
    }
    template = "partners/list.html#scorecard" if request.htmx else "partners/list.html"
    return render(request, template, context)


@require("view")
def partner_detail(request, partner_id: int):
    partner = get_partner_for(partner_id)
    period, (start, end), today = _period(request)
    line = queries.ledger_line(partner, start=start, end=end, today=today, zone=request.user.zone)
    received = Paginator(queries.received_from(partner), 20).get_page(request.GET.get("rpage"))
    context = {
        "partner": partner,
        "person": partner.person,
        "line": line,
        "period": period,
        "period_label": ledger.PERIODS[period],
        "periods": ledger.PERIODS,
        "check": services.terms_check(partner),
        "received": received,
        "sent": list(queries.sent_to(partner)[:50]),
        "debts": list(queries.debts_to(partner)[:20]),
        "meetings": list(queries.meetings_of(partner)[:10]),
        "gifts": services.gift_summary(partner.person, today=today),
    }
    return render(request, "partners/detail.html", context)


@require("edit")
def partner_create(request):
    practice = request.user.practice
    initial = {"owner": request.user if request.user.role == "professional" else None}
    chosen = None
    if request.GET.get("person", "").isdigit():
        chosen = Person.objects.filter(pk=request.GET["person"]).first()
        if chosen:
            initial["person"] = chosen.pk
            initial["firm"] = chosen.organization
    form = PartnerForm(request.POST or None, practice=practice, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.make_partner(
                form.cleaned_data["person"], form.profile_data(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{partner} is now a referral partner.")
            return redirect("partners:detail", partner_id=partner.pk)
    if str(form["person"].value() or "").isdigit():
        chosen = Person.objects.filter(pk=form["person"].value()).first()
    return render(request, "partners/form.html", {"form": form, "partner": None, "chosen": chosen})


@require("edit")
def partner_edit(request, partner_id: int):
    partner = get_partner_for(partner_id)
    form = PartnerForm(request.POST or None, instance=partner, practice=request.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partner(partner, form.profile_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Partner saved.")
            return redirect("partners:detail", partner_id=partner.pk)
    return render(request, "partners/form.html", {"form": form, "partner": partner})


@require("view")
def person_lookup(request):
    """Radio choices for a person field of a partner form."""
    field = request.GET.get("field", "person")
    if field not in {"person", "partner"}:
        field = "person"
    query = (request.GET.get("q") or request.GET.get(f"{field}_q", "")).strip()
    people = []
    if len(query) >= 2:
        found = people_queries.search_people(query, "partner" if field == "partner" else "")
        people = list(people_queries.with_contact_points(found)[:8])
    return render(
        request, "people/_lookup.html", {"people": people, "query": query, "field": field}
    )


@require("edit")
def meeting_add(request, partner_id: int):
    partner = get_partner_for(partner_id)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_meeting(partner, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Meeting logged.")
            return redirect("partners:detail", partner_id=partner.pk)
    return render(request, "partners/meeting.html", {"partner": partner, "form": form})


@require("edit")
def send(request, partner_id: int | None = None):
    """Send a client or contact to a partner (from the partner page, or choosing one)."""
    partner = get_partner_for(partner_id) if partner_id else None
    initial = {"partner": partner.person_id} if partner else {}
    if request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = SendForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        recipient = partner.person if partner else form.cleaned_data["partner"]
        try:
            outbound = services.send_referral(
                recipient,
                form.cleaned_data["person"],
                need=form.cleaned_data["need"],
                sent_on=form.cleaned_data["sent_on"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{outbound.person} sent to {outbound.partner}.")
            return redirect("partners:detail", partner_id=outbound.partner_id)
    chosen = {
        name: Person.objects.filter(pk=form[name].value()).first()
        for name in ("partner", "person")
        if str(form[name].value() or "").isdigit()
    }
    return render(
        request, "partners/send.html", {"partner": partner, "form": form, "chosen": chosen}
    )


@require("edit")
def feedback(request, outbound_referral_id: int):
    outbound = (
        OutboundReferral.objects.select_related("person", "partner__person")
        .filter(pk=outbound_referral_id)
        .first()
    )
    if outbound is None:
        raise Http404("No such referral")
    partner = outbound.partner
    form = FeedbackForm(
        request.POST or None, initial={"stage": outbound.stage, "value": outbound.value}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_partner_feedback(outbound, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Their news is recorded.")
            return redirect("partners:detail", partner_id=partner.pk)
    return render(
        request, "partners/feedback.html", {"partner": partner, "outbound": outbound, "form": form}
    )


@require("view")
def suggest(request):
    form = NeedForm(request.GET or None)
    matches = []
    if form.is_valid() and (form.cleaned_data["industry"] or form.cleaned_data["keywords"]):
        need = matching.Need(**form.cleaned_data)
        matches = matching.suggest(need, queries.candidates(), limit=8)
    person = None
    if request.GET.get("person", "").isdigit():
        person = Person.objects.filter(pk=request.GET["person"]).first()
    ids = [m.partner_id for m in matches]
    profiles = {p.pk: p for p in queries.partners().filter(pk__in=ids)}
    return render(
        request,
        "partners/suggest.html",
        {
            "form": form,
            "matches": [(m, profiles[m.partner_id]) for m in matches],
            "person": person,
            "searched": form.is_bound,
        },
    )


@require("view")
def gifts(request):
    """Every gift and fee, newest first, with who is at the threshold."""
    today = timezone.localdate(timezone=request.user.zone)
    page = Paginator(
        Gift.objects.select_related("person").order_by("-given_on", "-id"), 50
    ).get_page(request.GET.get("page"))
    settings = services.partner_settings(request.user.practice)
    return render(
        request,
        "partners/gifts.html",
        {
            "page": page,
            "settings": settings,
            "at_threshold": queries.people_at_gift_threshold(today, settings.gift_threshold),
            "query_prefix": "",
        },
    )


@require("view")
def person_gifts(request, person_id: int):
    person = _person_or_404(person_id)
    form = GiftForm(request.POST or None, initial={"currency": "USD"})
    agreement_form = AgreementForm()
    if request.method == "POST":
        if not request.user.can("edit"):
            raise Http404
        if form.is_valid():
            try:
                _gift, summary = services.record_gift(person, form.cleaned_data, by=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Recorded.")
                if summary.warning:
                    messages.warning(request, summary.warning)
                return redirect("partners:person-gifts", person_id=person.pk)
    today = timezone.localdate(timezone=request.user.zone)
    return render(
        request,
        "partners/person_gifts.html",
        {
            "person": person,
            "form": form,
            "agreement_form": agreement_form,
            "summary": services.gift_summary(person, today=today),
            "gifts": list(person.gifts.order_by("-given_on", "-id")[:100]),
        },
    )


@require("edit")
@require_POST
def agreement(request, person_id: int):
    person = _person_or_404(person_id)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.record_agreement(person, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for message in messages_:
                    messages.error(request, message)
        else:
            messages.success(request, "Written agreement recorded.")
    else:
        messages.error(request, "Give the date the agreement was signed.")
    return redirect("partners:person-gifts", person_id=person.pk)


@require("delete")
@require_POST
def gift_delete(request, gift_id: int):
    gift = Gift.objects.filter(pk=gift_id).first()
    if gift is None:
        raise Http404("No such gift")
    person_id = gift.person_id
    services.delete_gift(gift, by=request.user)
    messages.success(request, "Gift removed.")
    return redirect("partners:person-gifts", person_id=person_id)


@require("configure")
def settings_page(request):
    current = services.partner_settings(request.user.practice)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner_settings(
                request.user.practice, form.cleaned_data, by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Partner settings saved.")
            return redirect("partners:list")
    return render(request, "partners/settings.html", {"form": form})
