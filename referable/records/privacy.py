"""A person's rights over their data (SPEC, regulated practices, privacy: "honour
do-not-contact, export and erasure").

Export gives everything held about one person: their record, contact points, brief,
connections, every row of any area that points at them, the audit trail of their
record and the communications archived about them.

Erasure anonymises rather than deletes the person's row: the communications archived
about them are books and records the practice must keep for its retention period
(GDPR art. 17(3)(b): a legal obligation), and those records point at the row; deleting
it would alter them. Everything else personal goes: name, contact points, notes,
brief, connections and the values in their audit trail. The erasure record states
what was kept and until when.
"""

import io
import json
import zipfile
from datetime import date

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from referable.people.models import Connection, Person, ResearchBrief
from referable.people.services import update_person
from referable.records import archive, audit
from referable.records.exporting import row_of
from referable.records.models import AuditEntry, Communication, ErasureRecord
from referable.records.retention import may_go_on, settings_for

ERASED = "[erased]"
PERSONAL_MODELS = ("people.person", "people.emailaddress", "people.phone", "people.researchbrief")


def rows_pointing_at(person: Person) -> dict[str, list[models.Model]]:
    """Every row of any area with a foreign key to this person (a referral naming them
    as prospect, a client record, a guest at an event…)."""
    found: dict[str, list[models.Model]] = {}
    for model in apps.get_models():
        if model is Communication or model._meta.label_lower == "people.searchterm":
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Person:
                rows = list(model._default_manager.filter(**{field.name: person}))
                if rows:
                    found.setdefault(model._meta.label_lower, [])
                    known = {r.pk for r in found[model._meta.label_lower]}
                    found[model._meta.label_lower] += [r for r in rows if r.pk not in known]
    return found


def export_person(person: Person) -> bytes:
    """A zip: person.json (everything held) and their archived communications."""
    communications = list(archive.search(archive.ArchiveFilter()).filter(person=person))
    held = {
        "exported_at": timezone.now(),
        "person": row_of(person),
        "emails": [e.address for e in person.emails.all()],
        "phones": [p.number for p in person.phones.all()],
        "related_rows": {
            label: [row_of(r) for r in rows] for label, rows in rows_pointing_at(person).items()
        },
        "audit_trail": [
            {
                "at": e.at,
                "action": e.action,
                "by": e.actor_label,
                "changes": e.changes,
            }
            for e in AuditEntry.objects.filter(model_label="people.person", object_id=person.pk)
        ],
        "communications": [
            {
                "id": c.pk,
                "kind": c.kind,
                "produced_at": c.produced_at,
                "subject": c.subject,
                "folder": archive.folder_name(c),
            }
            for c in communications
        ],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("person.json", json.dumps(held, cls=DjangoJSONEncoder, indent=2))
        communications_zip = b"".join(
            archive.export_zip(Communication.objects.filter(person=person), person.practice)
        )
        with zipfile.ZipFile(io.BytesIO(communications_zip)) as inner:
            for name in inner.namelist():
                z.writestr(name, inner.read(name))
    return out.getvalue()


def retained_communications(person: Person) -> tuple[int, date | None]:
    years = settings_for(person.practice_id).retention_years
    zone = person.practice.zone
    dates = [
        may_go_on(p, years, zone)
        for p in Communication.objects.filter(person=person).values_list("produced_at", flat=True)
    ]
    today = timezone.localdate()
    kept = [d for d in dates if d > today]
    return len(kept), max(kept) if kept else None


@transaction.atomic
def erase_person(person: Person, *, by, reason: str) -> ErasureRecord:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why (e.g. “erasure requested by e-mail on 3 May”)."})
    pk = person.pk
    emails, phones = person.emails.count(), person.phones.count()
    connections = Connection.objects.filter(Q(person_a=person) | Q(person_b=person))
    removed = {
        "e-mails": emails,
        "phones": phones,
        "connections": connections.count(),
        "research brief": ResearchBrief.objects.filter(person=person).count(),
    }
    kept_count, kept_until = retained_communications(person)
    others = {
        label: len(rows)
        for label, rows in rows_pointing_at(person).items()
        if not label.startswith("people.")
    }
    with audit.quiet():
        connections.delete()
        ResearchBrief.objects.filter(person=person).delete()
        update_person(
            person,
            {
                "first_name": "Erased",
                "last_name": f"person #{pk}",
                "title": "",
                "organization": "",
                "industry": "",
                "city": "",
                "notes": "",
                "do_not_contact": True,
                "do_not_contact_reason": "Personal data erased on request; never contact.",
                "legal_basis": "",
                "source": "",
                "source_detail": "",
                "source_person": None,
            },
            emails=[],
            phones=[],
            by=by,
        )
    removed["audit values scrubbed"] = _scrub_audit_trail(person)
    kept = _kept_statement(kept_count, kept_until, others)
    record = ErasureRecord.objects.create(
        practice_id=person.practice_id,
        person_id_erased=pk,
        erased_by=by,
        reason=reason[:500],
        removed=removed,
        kept=kept,
    )
    return record


def _scrub_audit_trail(person: Person) -> int:
    entries = AuditEntry.objects.filter(
        Q(model_label="people.person", object_id=person.pk)
        | Q(
            Q(model_label__in=PERSONAL_MODELS + ("people.connection",))
            & (
                Q(changes__person_id__0=person.pk)
                | Q(changes__person_id__1=person.pk)
                | Q(changes__person_a_id__0=person.pk)
                | Q(changes__person_a_id__1=person.pk)
                | Q(changes__person_b_id__0=person.pk)
                | Q(changes__person_b_id__1=person.pk)
            )
        )
    )
    count = 0
    keep_as_is = {"person_id", "person_a_id", "person_b_id", "category", "owner_id"}
    for entry in entries:
        entry.changes = {
            field: values
            if field in keep_as_is
            else [ERASED if v not in (None, "") else v for v in values]
            for field, values in entry.changes.items()
        }
        entry.object_repr = f"{entry.model_label.split('.')[1]} of erased person #{person.pk}"
        AuditEntry.objects.filter(pk=entry.pk).update(
            changes=entry.changes, object_repr=entry.object_repr
        )
        count += 1
    AuditEntry.objects.create(
        practice_id=person.practice_id,
        actor=audit.current_user.get() if getattr(audit.current_user.get(), "pk", None) else None,
        actor_label=getattr(audit.current_user.get(), "email", "system"),
        action=AuditEntry.Action.CHANGED,
        model_label="people.person",
        object_id=person.pk,
        object_repr=f"Erased person #{person.pk}",
        changes={"personal data": [ERASED, "erased on request"]},
    )
    return count


def _kept_statement(count: int, until: date | None, others: dict[str, int]) -> str:
    parts = []
    if count:
        parts.append(
            f"{count} archived communication(s) about this person are kept unaltered until "
            f"{until:%-d %B %Y}, the end of the practice's retention period, because the "
            "books-and-records duty requires it; they are then disposed of."
        )
    else:
        parts.append("No archived communication about this person is under retention.")
    parts.append(
        "The person's row stays, anonymised and marked do-not-contact, so that records "
        "pointing at it stay consistent."
    )
    if others:
        listed = ", ".join(f"{n} {label.split('.')[1]}" for label, n in sorted(others.items()))
        parts.append(
            f"Rows of other areas still point at the anonymised person ({listed}); "
            "their own fields were not changed."
        )
    return " ".join(parts)
