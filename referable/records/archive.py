"""Reading and exporting the communications archive (SPEC, regulated practices: the
compliance reviewer "exports the record of every client communication"; evidence of
review names the reviewer, the item, the date and the action taken)."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

from referable.people.queries import matching_person_ids
from referable.records.models import Communication
from referable.records.retention import may_go_on, settings_for

BATCH = 200


@dataclass(frozen=True)
class ArchiveFilter:
    text: str = ""
    person: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None


def search(filters: ArchiveFilter) -> QuerySet[Communication]:
    found = Communication.objects.select_related("sender", "person")
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.since:
        found = found.filter(produced_at__date__gte=filters.since)
    if filters.until:
        found = found.filter(produced_at__date__lte=filters.until)
    if filters.person.strip():
        found = found.filter(person__in=matching_person_ids(filters.person))
    for word in filters.text.split()[:6]:
        found = found.filter(
            Q(subject__icontains=word)
            | Q(body_text__icontains=word)
            | Q(sender_address__icontains=word)
            | Q(recipients__icontains=word)
        )
    return found.order_by("-produced_at", "-id")


def communication_detail(communication_id: int) -> Communication:
    return (
        Communication.objects.select_related("sender", "person", "related_type")
        .prefetch_related("attachments")
        .get(pk=communication_id)
    )


# --- compliance reviews (kept by the introductions area, when it keeps them) -------------


def review_model():
    """``introductions.ReviewRecord`` (reviewer, item, at, action, comment) if that area
    keeps reviews; None otherwise, and the export says so."""
    try:
        return apps.get_model("introductions", "ReviewRecord")
    except LookupError:
        return None


def reviews_for(communications: Iterable[Communication]) -> dict[int, list[dict]]:
    """Reviews of each communication: of the communication itself, or of the letter or
    e-mail it froze (its ``related`` object)."""
    model = review_model()
    communications = list(communications)
    result: dict[int, list[dict]] = {c.pk: [] for c in communications}
    if model is None or not communications:
        return result
    own_type = ContentType.objects.get_for_model(Communication).pk
    wanted: dict[tuple[int, int], list[int]] = {}
    for c in communications:
        wanted.setdefault((own_type, c.pk), []).append(c.pk)
        if c.related_type_id and c.related_id:
            wanted.setdefault((c.related_type_id, c.related_id), []).append(c.pk)
    condition = Q()
    for type_id, item_id in wanted:
        condition |= Q(item_type_id=type_id, item_id=item_id)
    for review in model.objects.filter(condition).select_related("reviewer").order_by("at", "id"):
        for communication_id in wanted.get((review.item_type_id, review.item_id), []):
            result[communication_id].append(review_row(review))
    return result


def review_row(review) -> dict:
    return {
        "reviewer": str(review.reviewer),
        "reviewer_email": review.reviewer.email,
        "item": review.item_label,
        "at": timezone.localtime(review.at).isoformat(),
        "action": review.get_action_display(),
        "comment": review.comment,
    }


def all_reviews() -> Iterator[dict]:
    model = review_model()
    if model is None:
        return
    for review in model.objects.select_related("reviewer", "item_type").order_by("at", "id"):
        yield {"id": review.pk, "item_type": review.item_type.model, **review_row(review)}


# --- the zip export --------------------------------------------------------------------

INDEX_COLUMNS = [
    "id",
    "kind",
    "produced_at",
    "sender",
    "sender_address",
    "recipients",
    "cc",
    "person",
    "person_id",
    "subject",
    "related",
    "content_sha256",
    "unaltered",
    "may_go_on",
    "attachments",
    "reviews",
    "folder",
]


class _Sink(io.RawIOBase):
    """A write-only stream that hands over what was written so far."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        self._chunks.append(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data, self._chunks = b"".join(self._chunks), []
        return data


def folder_name(communication: Communication) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", communication.subject).strip("-")[:50] or "item"
    return f"communications/{communication.pk:07d}-{slug}"


def export_zip(communications: QuerySet[Communication], practice) -> Iterator[bytes]:
    """The archive as a zip, streamed as it is written: each communication's text,
    HTML and attachments in its own folder, an index.csv, reviews.csv and a README
    saying how to check that nothing was altered."""
    years = settings_for(practice).retention_years
    zone = practice.zone
    sink = _Sink()
    index = io.StringIO()
    writer = csv.DictWriter(index, INDEX_COLUMNS)
    writer.writeheader()
    count = 0
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        ids = list(communications.values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = list(
                Communication.objects.filter(pk__in=ids[start : start + BATCH])
                .select_related("sender", "person", "related_type")
                .prefetch_related("attachments")
                .order_by("-produced_at", "-id")
            )
            reviews = reviews_for(batch)
            for c in batch:
                _write_item(archive, writer, c, reviews[c.pk], years, zone)
                count += 1
            yield sink.take()
        archive.writestr("index.csv", index.getvalue().encode("utf-8-sig"))
        archive.writestr("reviews.csv", _reviews_csv())
        archive.writestr("README.txt", _readme(practice, count, years))
    yield sink.take()


def _write_item(archive, writer, c: Communication, reviews, years: int, zone) -> None:
    folder = folder_name(c)
    produced = timezone.localtime(c.produced_at, zone)
    archive.writestr(f"{folder}/message.txt", _message_text(c, produced).encode())
    if c.body_html:
        archive.writestr(f"{folder}/message.html", c.body_html.encode())
    names = []
    for attachment in c.attachments.all():
        name = re.sub(r"[/\\]", "_", attachment.filename) or f"attachment-{attachment.pk}"
        archive.writestr(f"{folder}/attachments/{name}", bytes(attachment.data))
        names.append(name)
    record = {
        "id": c.pk,
        "kind": c.get_kind_display(),
        "produced_at": produced.isoformat(),
        "sender": str(c.sender) if c.sender else "",
        "sender_address": c.sender_address,
        "recipients": "; ".join(c.recipients),
        "cc": "; ".join(c.cc),
        "person": str(c.person) if c.person else "",
        "person_id": c.person_id or "",
        "subject": c.subject,
        "related": f"{c.related_type.app_label}.{c.related_type.model} #{c.related_id}"
        if c.related_type
        else "",
        "content_sha256": c.content_sha256,
        "unaltered": "yes" if c.is_unaltered else "NO – content differs from its hash",
        "may_go_on": may_go_on(c.produced_at, years, zone).isoformat(),
        "attachments": "; ".join(names),
        "reviews": " | ".join(
            f"{r['action']} by {r['reviewer']} on {r['at']}"
            + (f": {r['comment']}" if r["comment"] else "")
            for r in reviews
        ),
        "folder": folder,
    }
    writer.writerow(record)
    archive.writestr(
        f"{folder}/record.json", json.dumps({**record, "reviews": reviews}, indent=2).encode()
    )


def _message_text(c: Communication, produced) -> str:
    lines = [
        f"Kind: {c.get_kind_display()}",
        f"Produced: {produced:%Y-%m-%d %H:%M %Z}",
        f"From: {c.sender_address}" + (f" ({c.sender})" if c.sender else ""),
        f"To: {', '.join(c.recipients)}",
    ]
    if c.cc:
        lines.append(f"Cc: {', '.join(c.cc)}")
    lines += [f"Subject: {c.subject}", f"SHA-256: {c.content_sha256}", "", c.body_text]
    return "\n".join(lines)


def _reviews_csv() -> bytes:
    out = io.StringIO()
    columns = ["id", "item_type", "item", "reviewer", "reviewer_email", "at", "action", "comment"]
    writer = csv.DictWriter(out, columns)
    writer.writeheader()
    for row in all_reviews():
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")


def _readme(practice, count: int, years: int) -> bytes:
    reviews = (
        "reviews.csv lists every compliance review (reviewer, item, date, action, comment);"
        " each communication's reviews are also in its record.json and in index.csv."
        if review_model() is not None
        else "No compliance reviews are kept in this installation, so reviews.csv is empty."
    )
    return (
        f"Communications archive of {practice.name}\n"
        f"Exported {timezone.localtime(timezone.now(), practice.zone):%Y-%m-%d %H:%M %Z}; "
        f"{count} communication(s).\n\n"
        "Each folder holds one communication as it was produced: message.txt (headers and "
        "text), message.html when there was one, and its attachments. index.csv lists them "
        "all with their SHA-256 content hash, taken when each was archived; the column "
        "'unaltered' says whether the stored content still matches it.\n\n"
        f"Retention: {years} years. 'may_go_on' is the first day each item may be "
        "disposed of; nothing is deleted before.\n\n"
        f"{reviews}\n"
    ).encode()
