"""Events built through the same services the app uses."""

from datetime import timedelta

from django.utils import timezone

from referable.events import services
from referable.events.models import Event, Invitation
from referable.people.tests.factories import make_person
from referable.practices.tenancy import practice_scope


def make_event(practice, *, days: float = 14, **fields) -> Event:
    starts = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    data = {
        "title": "Wine tasting",
        "kind": "wine_tasting",
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=3),
        "venue": "Harbor Cellars",
        **fields,
    }
    with practice_scope(practice):
        return services.create_event(practice, data, by=fields.pop("host", None))


def make_invitation(event: Event, person=None, **fields) -> Invitation:
    person = person or make_person(event.practice, category="client")
    with practice_scope(event.practice_id):
        return services.invite(event, [person], **fields).invited[0]
