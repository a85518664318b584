"""Invitations e-mailed through the outbox to a real SMTP server, with an .ics a
calendar can read."""

import pytest
from django.core.exceptions import ValidationError
from icalendar import Calendar

from referable.events import services
from referable.events.models import Invitation
from referable.events.tests.factories import make_event
from referable.outbox.testing import drain
from referable.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


def _calendar_part(message):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    raise AssertionError("no text/calendar part")


def test_invitations_are_emailed_with_a_parseable_ics(in_practice, smtp_inbox, professional):
    event = make_event(in_practice, title="Wine tasting for our top clients", host=professional)
    ann = make_person(in_practice, first_name="Ann", last_name="Lee", emails=["ann@lee.example"])
    nomail = make_person(in_practice, first_name="Nils", last_name="Nomail", emails=[])
    services.invite(event, [ann, nomail], method="tier")
    result = services.send_invitations(event, by=professional)
    assert result.sent == 1
    assert [p.pk for p, _ in result.skipped] == [nomail.pk]
    drain()
    assert len(smtp_inbox.messages) == 1
    message = smtp_inbox.messages[0]
    assert message.envelope_recipients == ["ann@lee.example"]
    assert message["Subject"] == "Invitation: Wine tasting for our top clients"
    calendar = Calendar.from_ical(_calendar_part(message).get_payload(decode=True))
    assert calendar["method"] == "REQUEST"
    vevent = calendar.walk("VEVENT")[0]
    assert str(vevent["summary"]) == "Wine tasting for our top clients"
    assert vevent.decoded("dtstart") == event.starts_at
    assert vevent.decoded("dtend") == event.ends_at
    assert str(vevent["location"]) == "Harbor Cellars"
    assert str(vevent["uid"]) == event.uid
    assert str(vevent["attendee"]) == "mailto:ann@lee.example"
    assert str(vevent["organizer"]) == f"mailto:{professional.email}"
    sent = Invitation.objects.get(person=ann)
    assert sent.sent_at is not None
    # sending again sends only what has not gone yet
    assert services.send_invitations(event, by=professional).sent == 0


def test_no_invitation_goes_out_for_an_event_that_is_over(in_practice):
    event = make_event(in_practice, days=-2)
    services.invite(event, [make_person(in_practice)])
    with pytest.raises(ValidationError) as err:
        services.send_invitations(event)
    assert "over" in err.value.message_dict["event"][0]
