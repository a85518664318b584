from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from referable.clients import ladder, queries, services
from referable.clients.forms import (
    AgreementForm,
    AskForm,
    CheckInForm,
    ClientForm,
    ExpectationForm,
    LadderSettingsForm,
    NewClientForm,
    ProfileForm,
    ScriptForm,
    ShareForm,
    TierForm,
    TrustRatingForm,
)
from referable.clients.models import (
    CheckIn,
    Client,
    Expectation,
    IntroductionProfile,
    RelationshipAgreement,
    Script,
    ServiceTier,
)
from referable.people import queries as people_queries
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require
from referable.practices.roles import Role
from referable.practices.services import professionals

PAGE_SIZE = 50


def _get(model, pk: int, queryset=None):
    """404 for a row that does not exist and for one of another practice alike."""
    try:
        return (queryset if queryset is not None else model.objects.all()).get(pk=pk)
    except model.DoesNotExist:
        raise Http404(f"No such {model._meta.verbose_name}") from None


def get_client_for(client_id: int) -> Client:
    return _get(Client, client_id, Client.objects.select_related("person", "owner", "tier"))


# --- the book ------------------------------------------------------------------------------


def _book_filters(request) -> dict:
    user = request.user
    owner = request.GET.get("owner")
    if owner is None:  # a professional opens on their own book
        owner = str(user.pk) if user.role == Role.PROFESSIONAL else ""
    filters = {
        "owner": owner if owner.isdigit() else "",
        "tier": request.GET.get("tier", ""),
        "rung": request.GET.get("rung", ""),
        "ready": request.GET.get("ready", "") == "1",
        "q": request.GET.get("q", "").strip(),
    }
    if not filters["tier"].isdigit():
        filters["tier"] = ""
    if filters["rung"] not in ladder.RUNGS:
        filters["rung"] = ""
    return filters


@require("view")
def book(request):
    practice = request.user.practice
    filters = _book_filters(request)
    clients = Client.objects.all()
    if filters["owner"]:
        clients = clients.filter(owner_id=int(filters["owner"]))
    if filters["tier"]:
        clients = clients.filter(tier_id=int(filters["tier"]))
    settings = services.ladder_settings_for(practice)
    services.refresh_ladder(
        clients, today=queries.practice_today(practice), only_stale=True, settings=settings
    )
    counts = queries.rung_counts(clients)
    shown = clients
    if filters["rung"]:
        shown = shown.filter(rung=filters["rung"])
    if filters["ready"]:
        shown = shown.filter(rung__in=ladder.ASKING_RUNGS)
    if filters["q"]:
        shown = shown.filter(person__in=people_queries.matching_person_ids(filters["q"]))
    page = Paginator(queries.book(shown), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {k: ("1" if v is True else v) for k, v in filters.items() if v}
    if "owner" not in kept and request.GET.get("owner") is not None:
        kept["owner"] = ""
    context = {
        "page": page,
        "filters": filters,
        "counts": [(rung, ladder.RUNG_LABELS[rung], counts[rung]) for rung in ladder.RUNGS],
        "total": sum(counts.values()),
        "ready": sum(n for r, n in counts.items() if r in ladder.ASKING_RUNGS),
        "owners": list(professionals(practice)),
        "tiers": list(queries.tiers()),
        "query_prefix": urlencode(kept) + ("&" if kept else ""),
        "base_query": urlencode({k: v for k, v in kept.items() if k not in ("rung", "ready")}),
    }
    template = (
        "clients/book.html#results"
        if request.htmx and not request.htmx.boosted
        else "clients/book.html"
    )
    return render(request, template, context)


# --- becoming a client ------------------------------------------------------------------------


@require("edit")
def client_create(request):
    practice = request.user.practice
    services.ensure_tiers(practice)
    form = NewClientForm(
        request.POST or None,
        practice=practice,
        initial={
            "owner": request.user if request.user.role == Role.PROFESSIONAL else None,
            "tier": ServiceTier.objects.order_by("-position", "-id").first(),
            "person": request.GET.get("person", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            client = services.create_client(
                practice, form.cleaned_data["person"], form.client_data(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{client} is now a client.")
            return redirect("clients:detail", client_id=client.pk)
    chosen = form["person"].value()
    person = (
        people_queries.search_people().filter(pk=chosen).first() if str(chosen).isdigit() else None
    )
    return render(request, "clients/new.html", {"form": form, "chosen": person})


@require("view")
def person_lookup(request):
    """Radio options of people who are not yet clients, for the new-client form."""
    query = (request.GET.get("q") or request.GET.get("person_q", "")).strip()
    people = []
    if len(query) >= 2:
        found = people_queries.search_people(query).filter(client__isnull=True)
        people = list(people_queries.with_contact_points(found)[:8])
    return render(
        request, "people/_lookup.html", {"people": people, "query": query, "field": "person"}
    )


# --- the client page ----------------------------------------------------------------------------


def _page_context(request, client: Client, **bound) -> dict:
    practice = request.user.practice
    today = queries.practice_today(practice)
    assessment = queries.assess(client, today=today)
    if (client.rung, client.trust_score) != (assessment.ask.rung, assessment.trust.score) or (
        client.next_ask != assessment.ask.as_dict()
    ):
        services.recompute(client)
    expectations = list(queries.expectations_of(client))
    ask = assessment.ask
    ask_initial = {"asked_on": today, "answer": "agreed"}
    if ask.rung == ladder.INVITE_RECOMMENDATION:
        ask_initial["kind"] = "recommendation"
    if ask.proposal:
        ask_initial.update(
            kind="introduction", method=ask.proposal.method, person=ask.proposal.person_id
        )
    forms = {
        "checkin_form": CheckInForm(
            expectations=expectations, initial={"held_on": today}, prefix="checkin"
        ),
        "expectation_form": ExpectationForm(initial={"asked_on": today}, prefix="expectation"),
        "trust_form": TrustRatingForm(initial={"rated_on": today}, prefix="trust"),
        "agreement_form": AgreementForm(
            initial={
                "asked_on": today,
                "script": Script.objects.filter(purpose="relationship", is_default=True).first(),
            },
            prefix="agreement",
        ),
        "share_form": ShareForm(initial={"shared_on": today}, prefix="share"),
        "ask_form": AskForm(initial=ask_initial, prefix="ask"),
    }
    forms.update(bound)
    return {
        "client": client,
        "person": client.person,
        "assessment": assessment,
        "ask": ask,
        "trust": assessment.trust,
        "experience": assessment.experience,
        "expectations": expectations,
        "timeline": queries.timeline_of(client),
        "agreement": RelationshipAgreement.objects.filter(client=client)
        .select_related("asked_by")
        .first(),
        "matches": queries.matching_connections(assessment),
        "open_form": next(iter(bound), ""),
        **forms,
    }


def _live(request, client: Client, **bound) -> HttpResponse:
    context = _page_context(request, client, **bound)
    template = "clients/detail.html#live" if request.htmx else "clients/detail.html"
    return render(request, template, context, status=200)


def _after_write(request, client: Client, message: str) -> HttpResponse:
    if request.htmx:
        return _live(request, client)
    messages.success(request, message)
    return redirect("clients:detail", client_id=client.pk)


@require("view")
def client_detail(request, client_id: int):
    return _live(request, get_client_for(client_id))


@require("edit")
def client_edit(request, client_id: int):
    client = get_client_for(client_id)
    form = ClientForm(request.POST or None, instance=client, practice=request.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(client, form.client_data(), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{client} saved.")
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/edit.html", {"form": form, "client": client})


def _write(request, client: Client, form, key: str, action, message: str) -> HttpResponse:
    """Shared shape of every small form on the client page: validate, call the service,
    show the refreshed page region (htmx) or redirect; on error, the form with errors."""
    if form.is_valid():
        try:
            action(form)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _after_write(request, client, message)
    return _live(request, client, **{key: form})


@require("edit")
@require_POST
def expectation_add(request, client_id: int):
    client = get_client_for(client_id)
    form = ExpectationForm(request.POST, prefix="expectation")
    return _write(
        request,
        client,
        form,
        "expectation_form",
        lambda f: services.add_expectation(client, f.cleaned_data, by=request.user),
        "Expectation recorded.",
    )


@require("edit")
def expectation_edit(request, expectation_id: int):
    expectation = _get(Expectation, expectation_id, Expectation.objects.select_related("client"))
    client = get_client_for(expectation.client_id)
    form = ExpectationForm(request.POST or None, instance=expectation)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_expectation(expectation, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Expectation saved.")
            return redirect("clients:detail", client_id=client.pk)
    return render(request, "clients/expectation_edit.html", {"form": form, "client": client})


@require("edit")
@require_POST
def expectation_delete(request, expectation_id: int):
    expectation = _get(Expectation, expectation_id, Expectation.objects.select_related("client"))
    client = get_client_for(expectation.client_id)
    services.remove_expectation(expectation, by=request.user)
    return _after_write(request, client, "Expectation removed.")


@require("edit")
@require_POST
def check_in_add(request, client_id: int):
    client = get_client_for(client_id)
    form = CheckInForm(request.POST, expectations=queries.expectations_of(client), prefix="checkin")
    return _write(
        request,
        client,
        form,
        "checkin_form",
        lambda f: services.record_check_in(
            client,
            f.ratings(),
            overall=f.cleaned_data["overall"],
            held_on=f.cleaned_data["held_on"],
            channel=f.cleaned_data["channel"],
            notes=f.cleaned_data["notes"],
            introductions_discussed=f.cleaned_data["introductions_discussed"],
            by=request.user,
        ),
        "Check-in recorded.",
    )


@require("edit")
@require_POST
def check_in_delete(request, check_in_id: int):
    check_in = _get(CheckIn, check_in_id)
    client = get_client_for(check_in.client_id)
    services.remove_check_in(check_in, by=request.user)
    return _after_write(request, client, "Check-in removed.")


@require("edit")
@require_POST
def trust_add(request, client_id: int):
    client = get_client_for(client_id)
    form = TrustRatingForm(request.POST, prefix="trust")
    return _write(
        request,
        client,
        form,
        "trust_form",
        lambda f: services.rate_trust(
            client,
            f.cleaned_data["score"],
            rated_on=f.cleaned_data["rated_on"],
            notes=f.cleaned_data["notes"],
            by=request.user,
        ),
        "Trust rating recorded.",
    )


@require("edit")
@require_POST
def agreement_add(request, client_id: int):
    client = get_client_for(client_id)
    form = AgreementForm(request.POST, prefix="agreement")
    return _write(
        request,
        client,
        form,
        "agreement_form",
        lambda f: services.record_agreement(
            client,
            answer=f.cleaned_data["answer"],
            asked_on=f.cleaned_data["asked_on"],
            script=f.cleaned_data["script"],
            notes=f.cleaned_data["notes"],
            by=request.user,
        ),
        "Their answer is recorded.",
    )


@require("edit")
@require_POST
def share_add(request, client_id: int):
    client = get_client_for(client_id)
    form = ShareForm(request.POST, prefix="share")
    return _write(
        request,
        client,
        form,
        "share_form",
        lambda f: services.share_profile(
            client,
            f.cleaned_data["profile"],
            shared_on=f.cleaned_data["shared_on"],
            how=f.cleaned_data["how"],
            notes=f.cleaned_data["notes"],
            by=request.user,
        ),
        "Profile share recorded.",
    )


@require("edit")
@require_POST
def ask_add(request, client_id: int):
    client = get_client_for(client_id)
    form = AskForm(request.POST, prefix="ask")
    return _write(
        request,
        client,
        form,
        "ask_form",
        lambda f: services.record_ask(
            client,
            kind=f.cleaned_data["kind"],
            answer=f.cleaned_data["answer"],
            asked_on=f.cleaned_data["asked_on"],
            person=f.cleaned_data["person"],
            method=f.cleaned_data["method"],
            notes=f.cleaned_data["notes"],
            by=request.user,
        ),
        "The ask is recorded.",
    )


# --- the practice's settings ------------------------------------------------------------------


@require("configure")
def settings_page(request):
    practice = request.user.practice
    settings = services.set_up(practice)
    form = LadderSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(practice, form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Ladder settings saved; every client's next ask is updated.")
            return redirect("clients:settings")
    context = {
        "form": form,
        "tiers": list(queries.tiers()),
        "scripts": list(Script.objects.order_by("purpose", "-is_default", "name")),
        "profiles": list(IntroductionProfile.objects.all()),
    }
    return render(request, "clients/settings.html", context)


def _config_form(request, form_class, service, *, instance, title: str, kind: str):
    practice = request.user.practice
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            saved = service(practice, form.cleaned_data, instance, request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"“{saved}” saved.")
            if kind == "profile":
                return redirect("clients:profile", profile_id=saved.pk)
            return redirect("clients:settings")
    return render(request, "clients/config_form.html", {"form": form, "title": title, "kind": kind})


@require("configure")
def tier_form(request, tier_id: int | None = None):
    tier = _get(ServiceTier, tier_id) if tier_id else None
    return _config_form(
        request,
        TierForm,
        lambda p, data, obj, by: services.save_tier(p, data, tier=obj, by=by),
        instance=tier,
        title=f"Tier “{tier}”" if tier else "New service tier",
        kind="tier",
    )


@require("configure")
@require_POST
def tier_delete(request, tier_id: int):
    tier = _get(ServiceTier, tier_id)
    try:
        services.remove_tier(tier, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Tier “{tier.name}” removed.")
    return redirect("clients:settings")


@require("configure")
def script_form(request, script_id: int | None = None):
    script = _get(Script, script_id) if script_id else None
    return _config_form(
        request,
        ScriptForm,
        lambda p, data, obj, by: services.save_script(p, data, script=obj, by=by),
        instance=script,
        title=f"Script “{script}”" if script else "New script",
        kind="script",
    )


@require("configure")
def profile_form(request, profile_id: int | None = None):
    profile = _get(IntroductionProfile, profile_id) if profile_id else None
    return _config_form(
        request,
        ProfileForm,
        lambda p, data, obj, by: services.save_profile(p, data, profile=obj, by=by),
        instance=profile,
        title=f"Profile “{profile}”" if profile else "New introduction profile",
        kind="profile",
    )


@require("view")
def profile_detail(request, profile_id: int):
    profile = _get(IntroductionProfile, profile_id)
    shares = profile.shares.select_related("client__person", "by").order_by("-shared_on", "-id")
    return render(
        request,
        "clients/profile.html",
        {"profile": profile, "shares": list(shares[:200]), "share_count": shares.count()},
    )


@require("view")
def profile_pdf(request, profile_id: int):
    """The profile on one printable page, to hand to or send a client."""
    from weasyprint import HTML

    profile = _get(IntroductionProfile, profile_id)
    html = render_to_string(
        "clients/profile_pdf.html", {"profile": profile, "practice": request.user.practice}
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="introduction-profile-{profile.pk}.pdf"'
    return response
