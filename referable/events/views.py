from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from referable.events import queries, services
from referable.events.forms import AnswerForm, EventForm, GuestForm, HandPickForm, SettingsForm
from referable.events.models import Event, EventAttribution, Invitation
from referable.introductions.models import Referral
from referable.people import queries as people_queries
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require

PAGE_SIZE = 50


def get_event_for(event_id: int) -> Event:
    """404 for an event that does not exist and one of another practice alike."""
    try:
        return queries.event_detail(event_id)
    except Event.DoesNotExist:
        raise Http404("No such event") from None


def get_invitation_for(invitation_id: int) -> Invitation:
    try:
        return queries.invitation_detail(invitation_id)
    except Invitation.DoesNotExist:
        raise Http404("No such invitation") from None


def _flash_errors(request, exc: ValidationError) -> None:
    for errors in exc.message_dict.values():
        for error in errors:
            messages.error(request, error)


def _flash_skipped(request, skipped) -> None:
    if skipped:
        reasons = "; ".join(reason for _person, reason in skipped[:5])
        more = f" (and {len(skipped) - 5} more)" if len(skipped) > 5 else ""
        messages.warning(request, f"{len(skipped)} not invited: {reasons}{more}")


@require("view")
def event_list(request):
    now = timezone.now()
    return render(
        request,
        "events/list.html",
        {
            "upcoming": list(queries.events().filter(ends_at__gte=now).order_by("starts_at")[:50]),
            "past": list(queries.events().filter(ends_at__lt=now).order_by("-starts_at")[:50]),
        },
    )


@require("edit")
def event_create(request):
    # the form's times are the user's wall-clock times
    with timezone.override(request.user.zone):
        return _event_create(request)


def _event_create(request):
    form = EventForm(
        request.POST or None,
        practice=request.user.practice,
        initial={"host": request.user if request.user.role == "professional" else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(request.user.practice, form.event_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{event} planned. Now invite your best clients.")
            return redirect("events:detail", event_id=event.pk)
    return render(request, "events/form.html", {"form": form, "event": None})


@require("edit")
def event_edit(request, event_id: int):
    with timezone.override(request.user.zone):
        return _event_edit(request, get_event_for(event_id))


def _event_edit(request, event: Event):
    form = EventForm(request.POST or None, instance=event, practice=request.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_event(event, form.event_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Event saved.")
            return redirect("events:detail", event_id=event.pk)
    return render(request, "events/form.html", {"form": form, "event": event})


def _guest_list(request, event: Event) -> dict:
    query = request.GET.get("q", "").strip()
    answer = request.GET.get("answer", "")
    found = queries.invitations_of(event, query=query, answer=answer)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    prefix = urlencode({k: v for k, v in (("q", query), ("answer", answer)) if v})
    return {
        "page": page,
        "query": query,
        "answer": answer,
        "answers": Invitation.Answer.choices,
        "query_prefix": prefix + ("&" if prefix else ""),
    }


@require("view")
def event_detail(request, event_id: int):
    event = get_event_for(event_id)
    context = {"event": event, **_guest_list(request, event)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "events/detail.html#guest-list", context)
    from referable.clients.models import Rung, ServiceTier

    context.update(
        results=services.results(event),
        counts=queries.answer_counts(event),
        attributions=list(queries.attributions_of(event)[:100]),
        referrals=list(queries.attributable_referrals(event)),
        tiers=list(ServiceTier.objects.order_by("position", "id")),
        rungs=Rung.choices,
        unsent=event.invitations.filter(sent_at__isnull=True, brought_by__isnull=True).count(),
        is_past=event.is_past(),
    )
    return render(request, "events/detail.html", context)


@require("view")
def door(request, event_id: int):
    """The check-in at the door, on a phone: search, then one big button per arrival."""
    event = get_event_for(event_id)
    context = {"event": event, **_guest_list(request, event)}
    if request.htmx and not request.htmx.boosted:
        return render(request, "events/door.html#arrivals", context)
    context["results"] = services.results(event)
    return render(request, "events/door.html", context)


@require("edit")
@require_POST
def check_in(request, invitation_id: int):
    invitation = get_invitation_for(invitation_id)
    arrived = request.POST.get("arrived", "1") == "1"
    try:
        services.check_in(invitation, arrived=arrived, by=request.user)
    except ValidationError as exc:
        if request.htmx:
            return render(
                request,
                "events/door.html#arrival",
                {"invitation": invitation, "event": invitation.event, "error": exc.messages[0]},
            )
        _flash_errors(request, exc)
    if request.htmx:
        return render(
            request,
            "events/door.html#arrival",
            {"invitation": invitation, "event": invitation.event},
        )
    return redirect("events:door", event_id=invitation.event_id)


@require("edit")
def guest_add(request, invitation_id: int):
    host = get_invitation_for(invitation_id)
    form = GuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            guest = services.add_guest(
                host,
                new_person={"first_name": data["first_name"], "last_name": data["last_name"]},
                emails=[data["email"]] if data["email"] else [],
                phones=[data["phone"]] if data["phone"] else [],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                return render(
                    request,
                    "events/door.html#arrival",
                    {"invitation": guest, "event": host.event, "new_guest": True},
                )
            messages.success(request, f"{guest.person} added as {host.person}'s guest.")
            return redirect("events:door", event_id=host.event_id)
    template = "events/_guest_form.html" if request.htmx else "events/guest_page.html"
    return render(request, template, {"host": host, "event": host.event, "form": form})


@require("edit")
@require_POST
def answer(request, invitation_id: int):
    invitation = get_invitation_for(invitation_id)
    form = AnswerForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.record_answer(invitation, form.cleaned_data["answer"], by=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
    else:
        error = "Choose an answer."
    if request.htmx:
        return render(
            request,
            "events/detail.html#invitation-row",
            {
                "invitation": invitation,
                "event": invitation.event,
                "answers": Invitation.Answer.choices,
                "error": error,
            },
        )
    if error:
        messages.error(request, error)
    return redirect("events:detail", event_id=invitation.event_id)


@require("edit")
@require_POST
def invitation_remove(request, invitation_id: int):
    invitation = get_invitation_for(invitation_id)
    services.remove_invitation(invitation, by=request.user)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, f"{invitation.person} taken off the list.")
    return redirect("events:detail", event_id=invitation.event_id)


@require("edit")
@require_POST
def invite(request, event_id: int):
    """Hand-pick one person, or everyone of a tier or on a rung."""
    event = get_event_for(event_id)
    how = request.POST.get("how", "hand_pick")
    try:
        if how == "tier":
            from referable.clients.models import ServiceTier

            tier = ServiceTier.objects.filter(pk=request.POST.get("tier") or 0).first()
            result = services.invite_by_tier(event, tier, by=request.user)
        elif how == "rung":
            result = services.invite_by_rung(event, request.POST.get("rung", ""), by=request.user)
        else:
            form = HandPickForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"person": form.errors["person"][0]})
            result = services.invite(event, [form.cleaned_data["person"]], by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"{len(result.invited)} invited.")
        _flash_skipped(request, result.skipped)
    return redirect("events:detail", event_id=event.pk)


@require("edit")
@require_POST
def send(request, event_id: int):
    event = get_event_for(event_id)
    try:
        result = services.send_invitations(event, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"{result.sent} invitation(s) e-mailed with a calendar file.")
        _flash_skipped(request, result.skipped)
    return redirect("events:detail", event_id=event.pk)


@require("view")
def ics(request, event_id: int):
    event = get_event_for(event_id)
    response = HttpResponse(services.event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require("edit")
@require_POST
def propose(request, event_id: int):
    event = get_event_for(event_id)
    found = services.propose_attributions(event)
    messages.success(request, f"{len(found)} introduction(s) proposed as born at this event.")
    return redirect("events:detail", event_id=event.pk)


@require("edit")
@require_POST
def attribute(request, event_id: int):
    event = get_event_for(event_id)
    referral_id = request.POST.get("referral", "")
    referral = Referral.objects.filter(pk=referral_id).first() if referral_id.isdigit() else None
    try:
        services.attribute(referral, event, by=request.user)
    except ValidationError as exc:
        _flash_errors(request, exc)
    else:
        messages.success(request, f"{referral} attributed to {event}.")
    return redirect("events:detail", event_id=event.pk)


def _attribution_or_404(event_attribution_id: int) -> EventAttribution:
    found = EventAttribution.objects.filter(pk=event_attribution_id).first()
    if found is None:
        raise Http404("No such attribution")
    return found


@require("edit")
@require_POST
def confirm(request, event_attribution_id: int):
    found = _attribution_or_404(event_attribution_id)
    if request.POST.get("decision") == "dismiss":
        services.dismiss_attribution(found, by=request.user)
        messages.success(request, "Proposal dismissed.")
    else:
        services.confirm_attribution(found, by=request.user)
        messages.success(request, "Attribution confirmed.")
    return redirect("events:detail", event_id=found.event_id)


@require("view")
def person_lookup(request):
    query = (request.GET.get("q") or request.GET.get("person_q", "")).strip()
    people = []
    if len(query) >= 2:
        people = list(people_queries.with_contact_points(people_queries.search_people(query))[:8])
    return render(
        request, "people/_lookup.html", {"people": people, "query": query, "field": "person"}
    )


@require("configure")
def settings_page(request):
    form = SettingsForm(
        request.POST or None, instance=services.event_settings(request.user.practice)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event_settings(request.user.practice, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Event settings saved.")
            return redirect("events:list")
    return render(request, "events/settings.html", {"form": form})
