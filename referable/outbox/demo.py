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
        "Thank you for the introduction to {name}",
        "Thank you for thinking of us. {name} and I spoke this week.",
    ),
    (
        "Our call on Thursday",
        "As promised in your letter, I will call {name} at the minute we agreed.",
    ),
    ("Your annual review", "It is time for your annual review; here are three times that suit us."),
    (
        "Invitation: client appreciation evening",
        "We would be glad to see you at our appreciation evening.",
    ),
]


def build(practice, plan: DemoPlan) -> None:
    sender = plan.demo_user
    client_ids = plan.shared.get("people", {}).get("client", [])[:5]
    people = list(Person.objects.filter(pk__in=client_ids).prefetch_related("emails"))
    from_address = _from_address(practice, sender)
    morning = datetime.combine(plan.today, time(9, 30), tzinfo=practice.zone)
    rows = []
    for index, person in enumerate(people[: len(SENT) + 1]):
        email = next(iter(person.emails.all()), None)
        address = email.address if email else f"client{index}@example.com"
        failed = index == len(SENT) or index == len(people) - 1 and index > 0
        subject, body = SENT[index % len(SENT)]
        # in UTC: the archive's hash covers the time as stored (and read back) in UTC
        produced = (
            morning - timedelta(days=3 * (index + 1), minutes=plan.rng.randint(0, 300))
        ).astimezone(UTC)
        communication = archive_communication(
            practice,
            kind="invitation" if "Invitation" in subject else "email",
            subject=subject.format(name=person.first_name),
            body_text=f"Dear {person.first_name},\n\n{body.format(name=person.first_name)}\n\n{sender.get_full_name()}",
            recipients=[address],
            sender=sender,
            sender_address=from_address,
            person=person,
            produced_at=produced,
        )
        rows.append(
            OutgoingEmail(
                practice=practice,
                communication=communication,
                from_address=from_address,
                reply_to=sender.email,
                created_at=produced,
                **(
                    {
                        "status": OutgoingEmail.Status.FAILED,
                        "attempts": 12,
                        "next_attempt_at": None,
                        "last_error": f"SMTPRecipientsRefused: {{'{address}': (550, b'5.1.1 Mailbox unavailable')}}",
                    }
                    if failed
                    else {
                        "status": OutgoingEmail.Status.SENT,
                        "attempts": 1,
                        "sent_at": produced + timedelta(seconds=4),
                    }
                ),
            )
        )
        if failed:
            break
    OutgoingEmail.objects.bulk_create(rows)
    plan.shared["outbox"] = {"emails": [row.pk for row in rows]}
