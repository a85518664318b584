from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from referable.people.models import Person
from referable.people.views import get_person_for
from referable.practices.permissions import require
from referable.practices.tenancy import practice_scope
from referable.records import archive, calendar, exporting, imports, privacy, queries
from referable.records.audit import audited_models
from referable.records.forms import (
    ArchiveSearchForm,
    EraseForm,
    MappingForm,
    RetentionForm,
    UploadForm,
)
from referable.records.models import CalendarFeed, CommunicationAttachment, ImportJob
from referable.records.retention import dispose_expired, may_go_on, set_retention, settings_for

PAGE_SIZE = 25


@require("view")
def home(request):
    return render(request, "records/home.html", queries.overview(request.user))


# --- the communications archive --------------------------------------------------------


def _archive_filter(form: ArchiveSearchForm) -> archive.ArchiveFilter:
    if not form.is_valid():
        return archive.ArchiveFilter(kind="__invalid__")
    data = form.cleaned_data
    return archive.ArchiveFilter(
        text=data["text"],
        person=data["person"],
        kind=data["kind"],
        since=data["since"],
        until=data["until"],
    )


@require("view")
def archive_search(request):
    form = ArchiveSearchForm(request.GET or None)
    filters = _archive_filter(form) if request.GET else archive.ArchiveFilter()
    found = archive.search(filters)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    years = settings_for(request.user.practice_id).retention_years
    zone = request.user.practice.zone
    rows = [(c, may_go_on(c.produced_at, years, zone)) for c in page.object_list]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form or ArchiveSearchForm(),
        "page": page,
        "rows": rows,
        "years": years,
        "query_prefix": urlencode(query) + ("&" if query else ""),
        "export_url": reverse("records:archive-export") + ("?" + urlencode(query) if query else ""),
    }
    template = (
        "records/archive.html#results"
        if request.htmx and not request.htmx.boosted
        else "records/archive.html"
    )
    return render(request, template, context)


@require("view")
def communication_detail(request, communication_id: int):
    try:
        communication = archive.communication_detail(communication_id)
    except archive.Communication.DoesNotExist:
        raise Http404("No such communication") from None
    years = settings_for(request.user.practice_id).retention_years
    context = {
        "c": communication,
        "unaltered": communication.is_unaltered,
        "may_go_on": may_go_on(communication.produced_at, years, request.user.practice.zone),
        "years": years,
        "reviews": archive.reviews_for([communication])[communication.pk],
        "reviews_kept": archive.review_model() is not None,
    }
    return render(request, "records/communication.html", context)


@require("view")
def attachment_download(request, attachment_id: int):
    attachment = CommunicationAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404("No such attachment")
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    return response


@require("export_records")
def archive_export(request):
    form = ArchiveSearchForm(request.GET or None)
    filters = _archive_filter(form) if request.GET else archive.ArchiveFilter()
    practice = request.user.practice
    stream = archive.export_zip(archive.search(filters), practice)
    stamp = timezone.localtime(timezone.now(), practice.zone).strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(_scoped(stream, practice), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="communications-{stamp}.zip"'
    return response


def _scoped(stream, practice):
    """A streamed body is read after the view returns, outside the middleware's scope."""
    with practice_scope(practice):
        yield from stream


# --- the audit trail -------------------------------------------------------------------


@require("view")
def history(request):
    label = request.GET.get("model", "").lower()
    object_id = request.GET.get("id", "")
    models = {m._meta.label_lower: m for m in audited_models()}
    if label not in models or not object_id.isdigit():
        raise Http404("Say which object: ?model=people.person&id=42")
    model = models[label]
    obj = model._default_manager.filter(pk=int(object_id)).first()
    entries = queries.history_of(label, int(object_id))
    if obj is None and not entries:
        raise Http404("No such object")
    context = {
        "entries": entries,
        "obj": obj,
        "label": label,
        "object_id": int(object_id),
        "model_name": model._meta.verbose_name,
        "is_person": label == "people.person",
    }
    template = "records/_history.html" if request.htmx else "records/history.html"
    return render(request, template, context)


# --- import ----------------------------------------------------------------------------


@require("edit")
def import_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload.read(imports.importing.MAX_BYTES + 1)
            job = imports.start_import(
                request.user.practice, upload.name, data, by=request.user, size=upload.size
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("file", exc.messages):
                form.add_error("file", message)
        else:
            return redirect("records:import-job", import_id=job.pk)
    jobs = ImportJob.objects.select_related("created_by").defer("text")[:10]
    return render(request, "records/import_upload.html", {"form": form, "jobs": jobs})


def _job_or_404(import_id: int) -> ImportJob:
    job = ImportJob.objects.filter(pk=import_id).first()
    if job is None:
        raise Http404("No such import")
    return job


@require("edit")
def import_job(request, import_id: int):
    """GET: the mapping and the preview; POST: a new mapping, previewed."""
    job = _job_or_404(import_id)
    headers = imports.headers_of(job)
    samples = queries.sample_rows(job) if headers else []
    initial = {f"col_{i}": job.mapping.get(str(i), "") for i in range(len(headers))}
    initial["all_or_nothing"] = job.all_or_nothing
    form = MappingForm(request.POST or None, headers=headers, samples=samples, initial=initial)
    outcomes = None
    if request.method == "POST" and job.status == ImportJob.Status.PREVIEWED and form.is_valid():
        try:
            outcomes = imports.preview(
                job,
                form.mapping() if headers else None,
                all_or_nothing=form.cleaned_data["all_or_nothing"],
            )
        except ValidationError as exc:
            for messages_ in exc.message_dict.values():
                for message in messages_:
                    form.add_error(None, message)
    context = {
        "job": job,
        "form": form,
        "headers": headers,
        "outcomes": outcomes[: imports.importing.SAMPLE_ROWS] if outcomes else None,
        "previewed": outcomes is not None,
    }
    return render(request, "records/import_job.html", context)


@require("edit")
@require_POST
def import_run(request, import_id: int):
    """Runs the next chunk and answers with the progress panel, which asks for the next
    chunk itself until the import is done (htmx); without htmx, runs it all."""
    job = _job_or_404(import_id)
    try:
        if job.all_or_nothing:
            job = imports.run_all_or_nothing(job, by=request.user)
        elif request.htmx:
            job = imports.run_chunk(job, by=request.user)
        else:
            job = imports.run(job, by=request.user)
    except ValidationError as exc:
        job.refresh_from_db()
        error = " ".join(m for ms in exc.message_dict.values() for m in ms)
        if request.htmx:
            return render(request, "records/_import_progress.html", {"job": job, "error": error})
        messages.error(request, error)
        return redirect("records:import-job", import_id=job.pk)
    if request.htmx:
        return render(request, "records/_import_progress.html", {"job": job})
    return redirect("records:import-progress", import_id=job.pk)


@require("edit")
def import_progress(request, import_id: int):
    job = _job_or_404(import_id)
    template = "records/_import_progress.html" if request.htmx else "records/import_progress.html"
    return render(request, template, {"job": job, "polling": False})


# --- export ----------------------------------------------------------------------------


@require("export_records")
def export_page(request):
    return render(
        request,
        "records/export.html",
        {"datasets": exporting.datasets(), "counts": queries.export_counts()},
    )


def _download(request, stream, filename: str, content_type: str):
    practice = request.user.practice
    response = StreamingHttpResponse(_scoped(stream, practice), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require("export_records")
def export_csv(request):
    found = exporting.dataset(request.GET.get("set", ""))
    if found is None:
        raise Http404("No such data set")
    name = found.key.replace(".", "-")
    return _download(
        request, exporting.csv_stream(found.key), f"{name}.csv", "text/csv; charset=utf-8"
    )


STREAM_ABOVE = 20_000


@require("export_records")
def export_vcard(request):
    if Person.objects.count() > STREAM_ABOVE:
        return _download(
            request, exporting.vcard_stream(), "people.vcf", "text/vcard; charset=utf-8"
        )
    # a practice's usual size fits in memory, and the browser then shows the file size
    response = HttpResponse(
        exporting.collect(exporting.vcard_stream()), content_type="text/vcard; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="people.vcf"'
    return response


@require("export_records")
def export_json(request):
    practice = request.user.practice
    return _download(
        request,
        exporting.json_archive_stream(practice),
        f"{practice.slug}-archive.json",
        "application/json",
    )


# --- the calendar feed -----------------------------------------------------------------


@require("view")
def calendar_page(request):
    return render(
        request,
        "records/calendar.html",
        {"feed": calendar.active_feed(request.user), "new_url": None},
    )


@require("view")
@require_POST
def calendar_issue(request):
    feed, key = calendar.issue_feed(request.user)
    url = request.build_absolute_uri(reverse("records:feed") + "?" + urlencode({"key": key}))
    return render(request, "records/calendar.html", {"feed": feed, "new_url": url})


@require("view")
@require_POST
def calendar_revoke(request):
    if calendar.revoke_feeds(request.user):
        messages.success(request, "Your calendar feed is revoked: calendar apps get nothing more.")
    return redirect("records:calendar")


def feed(request):
    """The .ics a calendar app fetches, without logging in: the key is the secret."""
    found = calendar.find_feed(request.GET.get("key", ""))
    if found is None or not found.user.is_active:
        return HttpResponse(
            "This calendar feed does not exist. Copy the feed address again from Referable "
            "(Records → Calendar feed).",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    if found.revoked_at is not None:
        return HttpResponse(
            f"This calendar feed was revoked on {found.revoked_at:%-d %B %Y}. Create a new "
            "one in Referable (Records → Calendar feed) and subscribe to that.",
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    with practice_scope(found.practice_id):
        body = calendar.render_ics(found.user, calendar.items_for(found.user))
        if not found.last_used_at or timezone.now() - found.last_used_at > timedelta(minutes=5):
            CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="referable.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- privacy ---------------------------------------------------------------------------


@require("export_records")
def person_export(request, person_id: int):
    person = get_person_for(person_id)
    response = FileResponse(iter([privacy.export_person(person)]), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.zip"'
    return response


@require("delete")
def person_erase(request, person_id: int):
    person = get_person_for(person_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = privacy.erase_person(person, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, f"Person #{record.person_id_erased} erased. {record.kept}")
        return redirect("records:erasures")
    count, until = privacy.retained_communications(person)
    others = privacy.rows_pointing_at(person)
    context = {
        "person": person,
        "form": form,
        "retained": count,
        "retained_until": until,
        "others": {k: len(v) for k, v in others.items() if not k.startswith("people.")},
    }
    return render(request, "records/erase.html", context)


@require("view")
def erasures(request):
    records = privacy.ErasureRecord.objects.select_related("erased_by")[:200]
    return render(request, "records/erasures.html", {"records": records})


# --- settings --------------------------------------------------------------------------


@require("configure")
def records_settings(request):
    current = settings_for(request.user.practice)
    form = RetentionForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            set_retention(
                request.user.practice, form.cleaned_data["retention_years"], by=request.user
            )
        except ValidationError as exc:
            form.add_error("retention_years", " ".join(exc.messages))
        else:
            messages.success(request, "Retention period saved.")
            return redirect("records:settings")
    return render(
        request,
        "records/settings.html",
        {"form": form, "expired": queries.expired_count(current.retention_years)},
    )


@require("configure")
@require_POST
def dispose(request):
    count = dispose_expired(request.user.practice, by=request.user)
    messages.success(request, f"{count} communication(s) past the retention period disposed of.")
    return redirect("records:settings")
