"""The daily digest: built from the user's own agenda, due at their morning hour in
their time zone, queued once however many workers scan, retried when the mail server
is away and shown as failed in the app, never dropped."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from referable.agenda import digest, services, tasks
from referable.agenda.models import DigestDelivery
from referable.agenda.tests.factories import make_task
from referable.outbox.models import Job, OutgoingEmail
from referable.outbox.testing import drain, tick

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def with_zone(user, zone: str):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    return user


def at_local(hour: int, minute: int = 0, zone=NY, day=None) -> datetime:
    day = day or timezone.localdate(timezone=zone)
    return datetime.combine(day, time(hour, minute)).replace(tzinfo=zone)


def tomorrow_morning() -> datetime:
    """7:05 tomorrow in New York: the e-mail of a digest is queued at the real now, so
    the worker's simulated clock must come after it, whatever the hour the tests run."""
    return at_local(7, 5, day=timezone.localdate(timezone=NY) + timedelta(days=1))


def digests_to(user):
    return [m for m in mail.outbox if m.to == [user.email]]


def test_the_digest_is_the_agenda_in_html_and_text_with_links_to_each_item(
    in_practice, professional, settings
):
    settings.SITE_URL = "https://referable.example.com"
    task = make_task(in_practice, professional, title="Call the bank")
    built = digest.build_digest(professional)
    assert built.count == 1 and "1 thing to do" in built.subject
    link = f"https://referable.example.com/today/tasks/{task.pk}/"
    assert link in built.text and f'href="{link}"' in built.html
    assert "Call the bank" in built.text and "Call the bank" in built.html
    assert "https://referable.example.com/today/digest/" in built.text
    assert "TASKS" in built.text


def test_a_digest_is_due_at_the_morning_hour_of_the_users_own_zone(
    in_practice, professional, make_user
):
    tokyo = with_zone(make_user(), "Asia/Tokyo")
    morning_ny = at_local(7, 0)
    due = {u.pk for u, _day in tasks.due_digests(morning_ny - timedelta(minutes=1))}
    assert professional.pk not in due
    due = {u.pk: day for u, day in tasks.due_digests(morning_ny)}
    # the professional has no zone of their own: the practice's (New York) is theirs
    assert professional.time_zone == "" and due[professional.pk] == morning_ny.date()
    tokyo_morning = at_local(7, 0, ZoneInfo("Asia/Tokyo"))
    assert tokyo.pk in {u.pk for u, _d in tasks.due_digests(tokyo_morning)}
    assert tokyo.pk not in {
        u.pk for u, _d in tasks.due_digests(tokyo_morning - timedelta(minutes=1))
    }


def test_the_hour_holds_across_a_change_of_daylight_saving_time(in_practice, make_user):
    london = with_zone(make_user(), "Europe/London")
    # the clocks went forward at 01:00 UTC on 29 March 2026: 07:00 is 06:00 UTC that day
    change = datetime(2026, 3, 29, 6, 0, tzinfo=UTC)
    assert services.digest_time(london, None, change.date()) == change
    assert london.pk in {u.pk for u, _d in tasks.due_digests(change)}
    assert london.pk not in {u.pk for u, _d in tasks.due_digests(change - timedelta(minutes=1))}


def test_a_user_can_turn_it_off_or_move_the_hour(in_practice, professional):
    services.save_digest_preference(professional, enabled=True, hour=9)
    assert professional.pk not in {u.pk for u, _d in tasks.due_digests(at_local(8, 59))}
    assert professional.pk in {u.pk for u, _d in tasks.due_digests(at_local(9, 0))}
    services.save_digest_preference(professional, enabled=False, hour=9)
    assert professional.pk not in {u.pk for u, _d in tasks.due_digests(at_local(12, 0))}


def test_the_worker_sends_it_once_however_often_the_scan_runs(in_practice, professional):
    make_task(in_practice, professional, title="Call the bank")
    morning = tomorrow_morning()
    tick(morning)
    [sent] = digests_to(professional)
    assert "Call the bank" in sent.body
    assert sent.alternatives and "Call the bank" in sent.alternatives[0][0]
    # another worker's scan, later the same morning, and the job run again
    tick(morning + timedelta(minutes=20))
    tasks.send_digest({"user_id": professional.pk, "day": morning.date().isoformat()})
    drain(morning + timedelta(minutes=21))
    assert len(digests_to(professional)) == 1
    key = f"digest:{professional.pk}:{morning.date().isoformat()}"
    assert Job.objects.filter(dedupe_key=key).count() == 1
    assert DigestDelivery.objects.get(user=professional).email.status == OutgoingEmail.Status.SENT


def test_an_empty_agenda_sends_nothing_but_is_recorded(in_practice, professional):
    tick(at_local(7, 5))
    assert digests_to(professional) == []
    assert DigestDelivery.objects.get(user=professional).items == 0


def test_the_digest_reaches_a_real_smtp_server(in_practice, professional, smtp_server):
    make_task(in_practice, professional, title="Confirm the venue")
    tick(tomorrow_morning())
    [message] = [m for m in smtp_server.inbox.messages if professional.email in m["To"]]
    assert message["Subject"].startswith("Today, ")
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/plain" in parts and "text/html" in parts
    assert "Confirm the venue" in parts["text/html"].get_payload(decode=True).decode()


def test_a_digest_that_cannot_be_sent_is_retried_and_shown_as_failed(
    in_practice, professional, smtp_server, client_for
):
    make_task(in_practice, professional, title="Confirm the venue")
    smtp_server.stop()
    morning = tomorrow_morning()
    tick(morning)
    delivery = DigestDelivery.objects.select_related("email").get(user=professional)
    assert delivery.email.status == OutgoingEmail.Status.FAILED and delivery.email.will_retry
    web = client_for(professional)
    assert "could not be sent" in web.get(reverse("agenda:today")).text
    assert "failed, retrying" in web.get(reverse("agenda:digest")).text
    smtp_server.start()
    drain(morning + timedelta(minutes=2))
    delivery.email.refresh_from_db()
    assert delivery.email.status == OutgoingEmail.Status.SENT
    assert len(smtp_server.inbox.messages) == 1
    assert "could not be sent" not in web.get(reverse("agenda:today")).text
