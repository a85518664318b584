"""Demo outbox: a few messages that went out and one the mail server refused, so the
outbox page has something to show. Rows only: nothing is sent."""

from datetime import UTC, datetime, time, timedelta

from referable.outbox.models import OutgoingEmail
from referable.outbox.services import _from_address
from referable.people.models import Person
from referable.practices.demo import DemoPlan
from referable.records.services import archive_communication

SENT = [
    (
        "email",
        "Thank you for the introduction",
        "Thank you for thinking of us; we spoke this week.",
    ),
    (
        "email",
        "Our call on Thursday",
        "As your letter promised, I will call at the minute we agreed.",
    ),
    (
        "email",
        "Your annual review",
        "It is time for your annual review; here are three times that suit us.",
    ),
    ("invitation", "Invitation: client appreciation evening", "We would be glad to see you there."),
]
REFUSED = ("email", "Following up on our meeting", "Thank you for your time on Tuesday.")


def build(practice, plan: DemoPlan) -> None:
    sender = plan.demo_user
    client_ids = plan.shared.get("people", {}).get("client", [])[: len(SENT) + 1]
    people = list(Person.objects.filter(pk__in=client_ids).prefetch_related("emails"))
    from_address = _from_address(practice, sender)
    morning = datetime.combine(plan.today, time(9, 30), tzinfo=practice.zone)
    rows = []
    for index, (kind, subject, body) in enumerate([*SENT, REFUSED]):
        person = people[index] if index < len(people) else None
        email = next(iter(person.emails.all()), None) if person else None
        address = email.address if email else f"client{index}@example.com"
        name = person.first_name if person else "client"
        # in UTC: the archive's hash covers the time as stored (and read back) in UTC
        produced = (
            morning - timedelta(days=3 * (len(SENT) - index), minutes=plan.rng.randint(0, 300))
        ).astimezone(UTC)
        communication = archive_communication(
            practice,
            kind=kind,
            subject=subject,
            body_text=f"Dear {name},\n\n{body}\n\n{sender.get_full_name()}",
            recipients=[address],
            sender=sender,
            sender_address=from_address,
            person=person,
            produced_at=produced,
        )
        delivery = (
            {
                "status": OutgoingEmail.Status.FAILED,
                "attempts": 1,
                "last_error": (
                    f"SMTPRecipientsRefused: {{'{address}': (550, b'5.1.1 Mailbox unavailable')}}"
                ),
            }
            if (kind, subject, body) == REFUSED
            else {
                "status": OutgoingEmail.Status.SENT,
                "attempts": 1,
                "sent_at": produced + timedelta(seconds=4),
            }
        )
        rows.append(
            OutgoingEmail(
                practice=practice,
                communication=communication,
                from_address=from_address,
                reply_to=sender.email,
                created_at=produced,
                **delivery,
            )
        )
    OutgoingEmail.objects.bulk_create(rows)
    plan.shared["outbox"] = {"emails": [row.pk for row in rows]}
