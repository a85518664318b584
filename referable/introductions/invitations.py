"""iCalendar (RFC 5545) invitations for promised calls and three-way meetings."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event, vCalAddress, vText


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str


def call_ics(
    *,
    uid: str,
    summary: str,
    description: str,
    starts: datetime,
    minutes: int,
    organizer: Attendee | None,
    attendees: list[Attendee],
    location: str = "",
    sequence: int = 0,
    method: str = "REQUEST",
    stamp: datetime,
    cancelled: bool = False,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Referable//Introductions//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else method)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=minutes))
    event.add("summary", summary)
    event.add("description", description)
    event.add("sequence", sequence)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if location:
        event.add("location", location)
    if organizer and organizer.email:
        address = vCalAddress(f"mailto:{organizer.email}")
        address.params["cn"] = vText(organizer.name)
        event["organizer"] = address
    for person in attendees:
        if not person.email:
            continue
        address = vCalAddress(f"mailto:{person.email}")
        address.params["cn"] = vText(person.name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        address.params["rsvp"] = vText("TRUE")
        event.add("attendee", address, encode=0)
    alarm_minutes = 15

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"In {alarm_minutes} minutes: {summary}")
    alarm.add("trigger", timedelta(minutes=-alarm_minutes))
    event.add_component(alarm)
    calendar.add_component(event)
    return calendar.to_ical()
