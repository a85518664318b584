"""The demo's records: the retention setting, an import a professional ran from their
phone's address book, and (when the areas before produced none) an archived letter
with its PDF, so the archive and its pages have something to show."""

from datetime import timedelta

from referable.practices.demo import DemoPlan
from referable.practices.tenancy import acting_as
from referable.records import imports
from referable.records.models import Communication, CommunicationAttachment, ImportJob
from referable.records.retention import set_retention
from referable.records.services import archive_communication

DEMO_CARDS = """BEGIN:VCARD
VERSION:3.0
N:Whitaker;Eleanor;;;
FN:Eleanor Whitaker
ORG:Whitaker Family Dental;
TITLE:Dentist
EMAIL;type=INTERNET;type=WORK:eleanor@whitakerdental.example
EMAIL;type=INTERNET;type=HOME:ellie.whitaker@home.example
TEL;type=CELL:+1 (617) 555-7301
NOTE:Met at the chamber of commerce breakfast; asked about succession planni
 ng for the practice.
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:Brandt;Oskar;;;
FN:Oskar Brandt
ORG:Keystone Engineering;
EMAIL:oskar@keystone-eng.example
TEL;type=WORK:+1 (617) 555-7302
END:VCARD
"""


def build(practice, plan: DemoPlan) -> None:
    set_retention(practice, 6)
    user = plan.demo_user
    with acting_as(user):
        job = imports.start_import(practice, "iPhone contacts.vcf", DEMO_CARDS.encode(), by=user)
        imports.preview(job)
        imports.run(job, by=user)
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - timedelta(days=plan.rng.randint(3, 20))
    )
    if not CommunicationAttachment.objects.exists():
        _archive_a_letter(practice, plan, user)
    plan.shared["records"] = {
        "import_job": job.pk,
        "communications": list(Communication.objects.values_list("pk", flat=True)[:20]),
    }


def _archive_a_letter(practice, plan: DemoPlan, user) -> None:
    clients = plan.shared.get("people", {}).get("client", [])
    from referable.people.models import Person

    person = Person.objects.filter(pk=plan.rng.choice(clients)).first() if clients else None
    name = person.full_name if person else "our client"
    archive_communication(
        practice,
        kind=Communication.Kind.LETTER,
        subject=f"Letter of introduction signed by {name}",
        body_text=(
            f"Dear friend,\n\n{name} asked me to introduce you to {user.get_full_name()}, "
            "who has looked after our family's finances for six years.\n\n"
            "They will call you on Tuesday at 10:00.\n"
        ),
        recipients=list(person.emails.values_list("address", flat=True) if person else [])[:1]
        or ["prospect@example.com"],
        sender=user,
        person=person,
        related=person,
        attachments=[("letter-of-introduction.pdf", _tiny_pdf(name), "application/pdf")],
        produced_at=_days_ago(plan, plan.rng.randint(5, 60)),
    )


def _days_ago(plan: DemoPlan, days: int):
    from datetime import datetime, time

    return datetime.combine(plan.today - timedelta(days=days), time(15), tzinfo=plan.practice.zone)


def _tiny_pdf(name: str) -> bytes:
    text = f"Letter of introduction for {name}".encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out
