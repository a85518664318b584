from datetime import datetime

from ninja import Field, Schema

from referable.outbox.models import OutgoingEmail


class OutgoingEmailOut(Schema):
    id: int
    kind: str = Field(..., alias="communication.kind")
    subject: str = Field(..., alias="communication.subject")
    recipients: list[str] = Field(..., alias="communication.recipients")
    cc: list[str] = Field(..., alias="communication.cc")
    person_id: int | None = Field(None, alias="communication.person_id")
    communication_id: int
    status: OutgoingEmail.Status
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str
    message_id: str
    created_at: datetime
