from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from referable.agenda import cadence, queries, services, urgency
from referable.agenda.forms import DigestForm, StepForm, TaskForm, TouchRuleForm
from referable.agenda.models import ProcessStep, StepCompletion, Task, TouchRule
from referable.clients.models import Client, ServiceTier
from referable.practices.forms import add_service_errors
from referable.practices.permissions import require
from referable.practices.roles import Role

TODAY_LIMIT = 50
BOARD_PAGE = 25


def _get(model, pk: int, queryset=None):
    """404 for a row that does not exist and for another practice's alike."""
    try:
        return (queryset if queryset is not None else model.objects).get(pk=pk)
    except model.DoesNotExist:
        raise Http404(f"No such {model._meta.verbose_name}") from None


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _who_options(user) -> list:
    """Whose agenda this user may choose to look at."""
    if user.can("see_firm"):
        return list(queries.colleagues(user.practice))
    if user.role == Role.ASSISTANT:
        return [user, *user.acts_for.order_by("first_name", "last_name")]
    return []


def _urls() -> dict:
    """Resolved once per page, not once per item."""
    return {"act_url": reverse("agenda:act"), "reassign_url": reverse("agenda:reassign")}


# --- Today ----------------------------------------------------------------------------


@require("view")
def today(request):
    user = request.user
    professional = _int(request.GET.get("professional"))
    owners = queries.visible_owners(user, professional)
    show_all = request.GET.get("all") == "1"
    agenda = queries.agenda_for(owners, zone=user.zone, limit=None if show_all else TODAY_LIMIT)
    options = _who_options(user)
    names = {u.pk: str(u) for u in options} or {user.pk: str(user)}
    context = {
        "agenda": agenda,
        "items": agenda.items,
        "hidden": agenda.total - len(agenda.items),
        "groups": [(g, urgency.GROUP_LABELS[g], agenda.counts.get(g, 0)) for g in urgency.GROUPS],
        "rule": urgency.RULE,
        "options": options,
        "professional": professional,
        "names": names,
        "many_owners": len(owners) > 1,
        "failed_digest": queries.failed_digest(user),
        "touch_kinds": cadence.TOUCH_CHOICES,
        "tomorrow": (agenda.today + timedelta(days=1)).isoformat(),
        **_urls(),
    }
    return render(request, "agenda/today.html", context)


def _item_for(request, key: str):
    try:
        services.parse_key(key)
    except ValidationError:
        raise Http404("No such item") from None
    owners = queries.visible_owners(request.user)
    item = queries.find_any_item(key, owners, zone=request.user.zone)
    if item is None:
        raise Http404("This item is no longer on your agenda.")
    return item


def _item_response(request, item, *, message: str = "", error: str = "", status: int = 200):
    if request.htmx:
        context = {
            "item": item,
            "message": message,
            "error": error,
            "touch_kinds": cadence.TOUCH_CHOICES,
            "tomorrow": (services.user_today(request.user) + timedelta(days=1)).isoformat(),
            "names": {},
            **_urls(),
        }
        template = "agenda/_item_done.html" if message else "agenda/_item.html"
        return render(request, template, context, status=status)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, message)
    return redirect("agenda:today")


@require_POST
@require("edit")
def act(request):
    """Done, snooze, reassign, or the item's own action, without leaving Today."""
    key = request.POST.get("key", "")
    action = request.POST.get("action", "")
    item = _item_for(request, key)
    practice, user = request.user.practice, request.user
    try:
        if action == "done":
            services.mark_done(practice, item, by=user)
            message = "Done."
        elif action == "snooze":
            until = services.snooze(
                practice,
                item,
                request.POST.get("until", ""),
                today=services.user_today(user),
                by=user,
            )
            message = f"Snoozed until {until:%A %-d %B}."
        elif action == "reassign":
            assignee = (
                queries.colleagues(practice).filter(pk=_int(request.POST.get("assignee"))).first()
            )
            assignee = services.reassign(practice, item, assignee, by=user)
            message = f"Handed to {assignee}."
        else:
            message = services.act(item, action, request.POST, by=user)
    except ValidationError as exc:
        return _item_response(request, item, error=" ".join(exc.messages))
    return _item_response(request, item, message=message)


@require("edit")
def reassign_form(request):
    item = _item_for(request, request.GET.get("key", ""))
    return render(
        request,
        "agenda/_reassign.html",
        {"item": item, "colleagues": queries.colleagues(request.user.practice)},
    )


# --- tasks ---------------------------------------------------------------------------------


def _task_form(request, task: Task | None):
    initial = {"assignee": request.user, "due_on": services.user_today(request.user)}
    form = TaskForm(
        request.POST or None,
        instance=task,
        practice=request.user.practice,
        initial=None if task else initial,
    )
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in form.Meta.fields}
        try:
            if task is None:
                task = services.create_task(request.user.practice, data, by=request.user)
                messages.success(request, f"Task “{task}” added.")
            else:
                services.update_task(task, data, by=request.user)
                messages.success(request, f"Task “{task}” saved.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("agenda:today")
    return render(request, "agenda/task_form.html", {"form": form, "task": task})


@require("edit")
def task_create(request):
    return _task_form(request, None)


@require("view")
def task_edit(request, task_id: int):
    task = _get(Task, task_id, Task.objects.select_related("assignee", "client__person"))
    if request.method == "POST" and not request.user.can("edit"):
        raise PermissionDenied("Your role may not edit here.")
    return _task_form(request, task)


# --- the process -----------------------------------------------------------------------------


@require("view")
def board(request):
    services.ensure_process(request.user.practice)
    steps = queries.active_steps()
    professional = _int(request.GET.get("professional"))
    if not request.user.can("see_firm"):
        mine = queries.own_owners(request.user)
        professional = professional if professional in mine else request.user.pk
    clients = queries.board_clients(professional)
    paginator = Paginator(queries.in_board_order(clients), BOARD_PAGE)
    paginator.count = clients.count()  # without the join that only orders the page
    page = paginator.get_page(request.GET.get("page"))
    rows = queries.board_rows(list(page.object_list), steps)
    options = _who_options(request.user)
    return render(
        request,
        "agenda/board.html",
        {
            "steps": steps,
            "rows": rows,
            "page": page,
            "options": options,
            "professional": professional,
            "query_prefix": f"professional={professional}&" if professional else "",
        },
    )


def _client(client_id: int) -> Client:
    return _get(Client, client_id, Client.objects.select_related("person", "owner", "tier"))


@require("view")
def client_process(request, client_id: int):
    client = _client(client_id)
    services.ensure_process(request.user.practice)
    steps = queries.all_steps()
    ticks = queries.progress([client.pk], steps).get(client.pk, {})
    rows = [(step, ticks.get(step.pk)) for step in steps]
    return render(
        request,
        "agenda/client_process.html",
        {
            "client": client,
            "rows": [r for r in rows if not r[0].is_archived],
            "archived": [r for r in rows if r[0].is_archived and r[1]],
            "today": services.user_today(request.user),
        },
    )


@require_POST
@require("edit")
def tick(request, client_id: int):
    client = _client(client_id)
    step = ProcessStep.objects.filter(pk=_int(request.POST.get("step"))).first()
    if step is None:
        raise Http404("No such step")
    try:
        services.tick_step(client, step, note=request.POST.get("note", ""), by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{step}” ticked for {client}.")
    return redirect(
        request.POST.get("next") == "board"
        and reverse("agenda:board")
        or reverse("agenda:client-process", args=[client.pk])
    )


@require_POST
@require("edit")
def untick(request, step_completion_id: int):
    completion = _get(
        StepCompletion, step_completion_id, StepCompletion.objects.select_related("step")
    )
    try:
        services.untick_step(completion, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("agenda:client-process", client_id=completion.client_id)


@require("view")
def steps(request):
    services.ensure_process(request.user.practice)
    form = StepForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("configure"):
            raise PermissionDenied("Your role may not configure here.")
        if form.is_valid():
            services.save_step(request.user.practice, form.cleaned_data, by=request.user)
            messages.success(request, "Step added at the end of the process.")
            return redirect("agenda:steps")
    return render(
        request,
        "agenda/steps.html",
        {
            "steps": queries.active_steps(),
            "archived": [s for s in queries.all_steps() if s.is_archived],
            "form": form,
        },
    )


@require("configure")
def step_edit(request, process_step_id: int):
    step = _get(ProcessStep, process_step_id)
    form = StepForm(request.POST or None, instance=step)
    if request.method == "POST" and form.is_valid():
        services.save_step(request.user.practice, form.cleaned_data, step=step, by=request.user)
        messages.success(request, "Step saved.")
        return redirect("agenda:steps")
    return render(request, "agenda/step_form.html", {"form": form, "step": step})


@require_POST
@require("configure")
def step_move(request, process_step_id: int):
    step = _get(ProcessStep, process_step_id)
    try:
        services.move_step(step, -1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("agenda:steps")


@require_POST
@require("configure")
def step_archive(request, process_step_id: int):
    step = services.archive_step(_get(ProcessStep, process_step_id), by=request.user)
    messages.success(
        request, f"“{step}” taken out of the process; the clients who did it keep their ticks."
    )
    return redirect("agenda:steps")


@require_POST
@require("configure")
def step_restore(request, process_step_id: int):
    step = services.restore_step(_get(ProcessStep, process_step_id), by=request.user)
    messages.success(request, f"“{step}” is back, at the end of the process.")
    return redirect("agenda:steps")


# --- cadence -----------------------------------------------------------------------------------


@require("view")
def cadence_settings(request):
    form = TouchRuleForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("configure"):
            raise PermissionDenied("Your role may not configure here.")
        if form.is_valid():
            try:
                services.save_touch_rule(
                    request.user.practice, **form.cleaned_data, by=request.user
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Cadence saved.")
                return redirect("agenda:cadence")
    rules: dict[int, list[TouchRule]] = {}
    for rule in TouchRule.objects.select_related("tier"):
        rules.setdefault(rule.tier_id, []).append(rule)
    tiers = [(tier, rules.get(tier.pk, [])) for tier in ServiceTier.objects.order_by("position")]
    resets = [
        (label, ", ".join(cadence.TOUCH_LABELS[k].lower() for k in sorted(cadence.RESETS[kind])))
        for kind, label in cadence.RULE_CHOICES
    ]
    return render(request, "agenda/cadence.html", {"tiers": tiers, "form": form, "resets": resets})


@require_POST
@require("configure")
def rule_delete(request, touch_rule_id: int):
    rule = _get(TouchRule, touch_rule_id, TouchRule.objects.select_related("tier"))
    services.remove_touch_rule(rule, by=request.user)
    messages.success(request, f"{rule} removed from tier {rule.tier}.")
    return redirect("agenda:cadence")


# --- digest ------------------------------------------------------------------------------------


@require("view")
def digest_settings(request):
    preference = queries.digest_preference(request.user)
    form = DigestForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.save_digest_preference(request.user, **form.cleaned_data, by=request.user)
        messages.success(request, "Digest preferences saved.")
        return redirect("agenda:digest")
    return render(
        request,
        "agenda/digest.html",
        {
            "form": form,
            "deliveries": queries.recent_digests(request.user),
            "zone": request.user.zone,
            "own_zone": bool(request.user.time_zone),
        },
    )
