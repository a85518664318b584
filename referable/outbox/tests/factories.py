"""Factories for outbox rows, built through the same service the app uses."""

import itertools

from referable.outbox.models import OutgoingEmail
from referable.outbox.services import send_email
from referable.practices.tenancy import practice_scope

_numbers = itertools.count(1)


def make_email(practice, **fields) -> OutgoingEmail:
    n = next(_numbers)
    data = {
        "to": [f"client{n}@example.com"],
        "subject": f"Our call, number {n}",
        "text": f"Dear client {n},\n\nSpeak soon.",
        **fields,
    }
    with practice_scope(practice):
        return send_email(practice=practice, **data)
