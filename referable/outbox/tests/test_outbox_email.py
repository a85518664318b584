"""send_email archives and queues; the worker delivers through SMTP, with retries."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from referable.outbox import services
from referable.outbox.models import Job, OutgoingEmail
from referable.outbox.services import send_email
from referable.outbox.testing import drain
from referable.outbox.tests.factories import make_email
from referable.people.tests.factories import make_person
from referable.records.models import Communication

pytestmark = pytest.mark.django_db


def test_an_email_is_archived_as_written_and_delivered_by_the_queue(in_practice, professional):
    person = make_person(in_practice, first_name="Ada", last_name="Lovelace")
    email = send_email(
        practice=in_practice,
        to=["ada@example.com"],
        cc=["assistant@example.com"],
        subject="Our call on Thursday",
        text="Dear Ada, I will call at 10:15.",
        html="<p>Dear Ada, I will call at <b>10:15</b>.</p>",
        attachments=[("letter.pdf", b"%PDF-1.4 ...", "application/pdf")],
        sent_by=professional,
        person=person,
    )
    communication = Communication.objects.get(pk=email.communication_id)
    assert communication.recipients == ["ada@example.com"]
    assert communication.cc == ["assistant@example.com"]
    assert communication.person == person and communication.sender == professional
    assert communication.is_unaltered
    assert email.status == OutgoingEmail.Status.QUEUED and not mail.outbox

    assert drain() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 1
    assert email.sent_at is not None
    [sent] = mail.outbox
    assert sent.to == ["ada@example.com"] and sent.cc == ["assistant@example.com"]
    assert sent.extra_headers["Message-ID"] == email.message_id
    assert sent.reply_to == [professional.email]
    assert sent.attachments[0][0] == "letter.pdf"
    assert sent.alternatives[0][1] == "text/html"
    assert drain() == 0  # delivered once, nothing left


@pytest.mark.parametrize(
    ("field", "value"),
    [("to", []), ("to", ["broken@"]), ("cc", ["not an address"])],
)
def test_bad_addresses_are_refused_naming_the_field_and_nothing_is_kept(in_practice, field, value):
    data = {"to": ["ok@example.com"], "cc": [], field: value}
    with pytest.raises(ValidationError) as error:
        send_email(practice=in_practice, subject="Hello", text="Hi", **data)
    assert field in error.value.message_dict
    assert not Communication.objects.exists() and not OutgoingEmail.objects.exists()
    assert drain() == 0


def test_a_person_who_asked_not_to_be_contacted_is_not_emailed(in_practice):
    person = make_person(in_practice, do_not_contact=True, do_not_contact_reason="moved abroad")
    with pytest.raises(ValidationError) as error:
        send_email(
            practice=in_practice, to=["x@example.com"], subject="Hi", text="Hi", person=person
        )
    assert "asked not to be contacted" in error.value.message_dict["to"][0]
    assert "moved abroad" in error.value.message_dict["to"][0]
    assert not OutgoingEmail.objects.exists()


def test_email_reaches_a_real_smtp_server(in_practice, smtp_server):
    email = make_email(in_practice, to=["grace@example.com"], subject="Thank you")
    drain()
    [received] = smtp_server.inbox.messages
    assert received["Subject"] == "Thank you"
    assert received["Message-ID"] == email.message_id
    assert received.envelope_recipients == ["grace@example.com"]
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT


def test_an_unreachable_server_loses_nothing_and_the_message_goes_out_once_it_is_back(
    in_practice, smtp_server
):
    smtp_server.stop()
    email = make_email(in_practice)
    assert drain() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED and email.will_retry
    assert email.attempts == 1 and "Connection refused" in email.last_error
    assert email.next_attempt_at > timezone.now() + timedelta(seconds=50)
    # not due yet: nothing runs, nothing is lost
    assert drain() == 0
    # still down at the next attempt: it waits longer
    drain(now=email.next_attempt_at + timedelta(seconds=1))
    email.refresh_from_db()
    assert email.attempts == 2 and email.status == OutgoingEmail.Status.FAILED
    assert email.next_attempt_at > timezone.now() + timedelta(minutes=4)

    smtp_server.start()
    drain(now=email.next_attempt_at + timedelta(seconds=1))
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 3
    assert smtp_server.inbox.message_ids() == [email.message_id]
    # any stray job or sweep later changes nothing
    services.resume_overdue(timezone.now() + timedelta(days=1))
    drain(now=timezone.now() + timedelta(days=1))
    assert smtp_server.inbox.message_ids() == [email.message_id]


def test_the_retry_schedule_backs_off_then_tries_every_six_hours():
    waits = [services.retry_delay(n) for n in range(1, 8)]
    assert waits[:4] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
    ]
    assert set(waits[4:]) == {timedelta(hours=6)}


def test_a_message_refused_by_the_server_is_given_up_and_shown_failed(
    in_practice, smtp_server, monkeypatch
):
    async def refuse(server, session, envelope):
        return "550 5.1.1 Mailbox unavailable"

    monkeypatch.setattr(smtp_server.inbox, "handle_DATA", refuse)
    email = make_email(in_practice)
    drain()
    email.refresh_from_db()
    assert email.gave_up and "550" in email.last_error
    assert not Job.objects.filter(status=Job.Status.QUEUED).exists()


def test_a_message_is_never_claimed_by_two_attempts(in_practice):
    email = make_email(in_practice)
    drain()
    assert services.deliver(email.pk) == "not due"
    assert len(mail.outbox) == 1


def test_a_delivery_attempt_whose_worker_died_is_taken_up_again(in_practice):
    email = make_email(in_practice)
    # a worker claimed it (status sending) and was killed before the server answered
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENDING,
        attempts=1,
        sending_until=timezone.now() - timedelta(seconds=1),
    )
    Job.objects.update(status=Job.Status.DONE)
    later = timezone.now() + timedelta(minutes=10)
    assert services.resume_overdue(later) == 1
    drain(now=later)
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    assert [m.extra_headers["Message-ID"] for m in mail.outbox] == [email.message_id]


def test_retry_now_queues_a_failed_message_at_once(in_practice, monkeypatch):
    def down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.message.EmailMessage.send", down)
    email = make_email(in_practice)
    drain()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    monkeypatch.undo()
    assert services.retry_now(email)
    assert drain() == 1
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and len(mail.outbox) == 1
    assert not services.retry_now(email)
