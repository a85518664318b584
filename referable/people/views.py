from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from referable.people import queries, services
from referable.people.forms import ConnectionForm, MergeForm, PersonForm, ResearchBriefForm
from referable.people.models import Connection, Person
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require

PAGE_SIZE = 25


def get_person_for(person_id: int) -> Person:
    """404 for a person who does not exist and for one of another practice alike: the
    practice scope never lets the second be found."""
    try:
        return queries.person_detail(person_id)
    except Person.DoesNotExist:
        raise Http404("No such person") from None


@require("view")
def person_list(request):
    query = request.GET.get("q", "").strip()
    category = request.GET.get("category", "")
    if category not in Person.Category.values:
        category = ""
    people = queries.with_contact_points(queries.search_people(query, category))
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "category": category,
        "categories": Person.Category.choices,
        "query_prefix": urlencode({k: v for k, v in (("q", query), ("category", category)) if v})
        + ("&" if query or category else ""),
    }
    template = (
        "people/list.html#results"
        if request.htmx and not request.htmx.boosted
        else "people/list.html"
    )
    return render(request, template, context)


@require("view")
def person_detail(request, person_id: int):
    person = get_person_for(person_id)
    return render(request, "people/detail.html", _detail_context(person))


def _detail_context(person: Person, **extra) -> dict:
    brief = getattr(person, "brief", None)
    return {
        "person": person,
        "brief": brief,
        "connections": [(c, c.other(person)) for c in queries.connections_of(person)],
        **extra,
    }


@require("edit")
def person_create(request):
    form = PersonForm(
        request.POST or None,
        practice=request.user.practice,
        initial={"owner": request.user if request.user.role == "professional" else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(
                request.user.practice,
                form.person_data(),
                emails=form.cleaned_data["emails"],
                phones=form.cleaned_data["phones"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person} added.")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


@require("edit")
def person_edit(request, person_id: int):
    person = get_person_for(person_id)
    form = PersonForm(request.POST or None, instance=person, practice=request.user.practice)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(
                person,
                form.person_data(),
                emails=form.cleaned_data["emails"],
                phones=form.cleaned_data["phones"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person} saved.")
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person})


@require("delete")
def person_delete(request, person_id: int):
    person = get_person_for(person_id)
    if request.method == "POST":
        name = str(person)
        services.delete_person(person, by=request.user)
        messages.success(request, f"{name} deleted.")
        return redirect("people:list")
    return render(request, "people/delete.html", {"person": person})


@require("delete")
def person_merge(request, person_id: int):
    person = get_person_for(person_id)
    if request.htmx and request.method == "GET" and "duplicate" in request.GET:
        return _merge_preview(request, person)
    form = MergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.merge_people(person, form.cleaned_data["duplicate"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Merged into {person}: {result.moved_connections} connection(s) moved, "
                f"{result.dropped_connections} duplicate connection(s) folded.",
            )
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/merge.html", {"person": person, "form": form})


def _merge_preview(request, person: Person) -> HttpResponse:
    """Both people side by side before anything is merged."""
    form = MergeForm(request.GET)
    duplicate = form.cleaned_data["duplicate"] if form.is_valid() else None
    if duplicate is not None:
        duplicate = get_person_for(duplicate.pk)
    context = {
        "person": person,
        "duplicate": duplicate,
        "person_connections": queries.connections_of(person).count(),
        "duplicate_connections": queries.connections_of(duplicate).count() if duplicate else 0,
    }
    return render(request, "people/_merge_preview.html", context)


@require("view")
def person_lookup(request):
    """Radio options for choosing a person inside a form (connections, merge)."""
    field = request.GET.get("field", "other")
    if field not in {"other", "told_by", "duplicate"}:
        field = "other"
    # each search box is named after the field it fills (other_q, told_by_q…)
    query = (request.GET.get("q") or request.GET.get(f"{field}_q", "")).strip()
    exclude = request.GET.get("exclude", "")
    people = []
    if len(query) >= 2:
        found = queries.with_contact_points(queries.search_people(query))
        if exclude.isdigit():
            found = found.exclude(pk=int(exclude))
        people = list(found[:8])
    return render(
        request, "people/_lookup.html", {"people": people, "query": query, "field": field}
    )


@require("edit")
def brief_edit(request, person_id: int):
    person = get_person_for(person_id)
    brief = getattr(person, "brief", None)
    form = ResearchBriefForm(request.POST or None, instance=brief)
    if request.method == "POST" and form.is_valid():
        brief = services.save_research_brief(person, form.cleaned_data, by=request.user)
        if not request.htmx:
            return redirect("people:detail", person_id=person.pk)
        return render(request, "people/detail.html#brief", {"person": person, "brief": brief})
    template = "people/_brief_form.html" if request.htmx else "people/brief_page.html"
    return render(request, template, {"person": person, "form": form})


@require("view")
def brief_show(request, person_id: int):
    person = get_person_for(person_id)
    return render(
        request,
        "people/detail.html#brief",
        {"person": person, "brief": getattr(person, "brief", None)},
    )


def _connections_panel(request, person: Person) -> HttpResponse:
    """After a change the whole panel is redrawn, whichever form (new or edit) sent it."""
    response = render(request, "people/detail.html#connections", _detail_context(person))
    return reswap(retarget(response, "#connections"), "outerHTML")


@require("edit")
def connection_add(request, person_id: int):
    person = get_person_for(person_id)
    form = ConnectionForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.connect(
                person, form.cleaned_data["other"], form.connection_data(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if request.htmx:
                return _connections_panel(request, person)
            messages.success(request, "Connection added.")
            return redirect("people:detail", person_id=person.pk)
    template = "people/_connection_form.html" if request.htmx else "people/connection_page.html"
    return render(request, template, {"person": person, "form": form, "connection": None})


@require("edit")
def connection_edit(request, person_id: int, connection_id: int):
    person = get_person_for(person_id)
    connection = _connection_or_404(person, connection_id)
    form = ConnectionForm(
        request.POST or None,
        instance=connection,
        person=person,
        initial={"told_by": connection.told_by_id},
    )
    if request.method == "POST" and form.is_valid():
        services.update_connection(connection, form.connection_data(), by=request.user)
        if request.htmx:
            return _connections_panel(request, person)
        messages.success(request, "Connection saved.")
        return redirect("people:detail", person_id=person.pk)
    template = "people/_connection_form.html" if request.htmx else "people/connection_page.html"
    context = {
        "person": person,
        "form": form,
        "connection": connection,
        "other": connection.other(person),
    }
    return render(request, template, context)


@require("edit")
@require_POST
def connection_delete(request, person_id: int, connection_id: int):
    person = get_person_for(person_id)
    services.remove_connection(_connection_or_404(person, connection_id), by=request.user)
    if request.htmx:
        return _connections_panel(request, person)
    messages.success(request, "Connection removed.")
    return redirect(reverse("people:detail", kwargs={"person_id": person.pk}))


def _connection_or_404(person: Person, connection_id: int) -> Connection:
    try:
        return queries.connection_of(person, connection_id)
    except Connection.DoesNotExist:
        raise Http404("No such connection") from None
