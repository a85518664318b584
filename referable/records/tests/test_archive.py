import pytest

from referable.people.tests.factories import make_person
from referable.records.models import Communication, ImmutableRecordError
from referable.records.services import archive_communication, communications_about

pytestmark = pytest.mark.django_db


def test_an_archived_communication_keeps_its_content_and_attachments(in_practice, professional):
    person = make_person(in_practice)
    communication = archive_communication(
        in_practice,
        kind="letter",
        subject="Introduction to Ann",
        body_text="Dear Ann,",
        recipients=["ann@example.com"],
        sender=professional,
        person=person,
        related=person,
        attachments=[("letter.pdf", b"%PDF-1.7 fake", "application/pdf")],
    )
    stored = Communication.objects.get(pk=communication.pk)
    assert stored.is_unaltered
    assert stored.sender_address == professional.email
    assert [a.filename for a in stored.attachments.all()] == ["letter.pdf"]
    assert communications_about(person) == [stored]


def test_an_archived_communication_cannot_be_altered_or_deleted(in_practice):
    communication = archive_communication(
        in_practice, kind="email", subject="Hello", body_text="Hi", recipients=["a@example.com"]
    )
    communication.body_text = "Changed"
    with pytest.raises(ImmutableRecordError):
        communication.save()
    with pytest.raises(ImmutableRecordError):
        communication.delete()
    with pytest.raises(ImmutableRecordError):
        communication.attachments.model(communication=communication).delete()


def test_tampering_behind_the_models_back_is_detected(in_practice):
    communication = archive_communication(
        in_practice, kind="email", subject="Hello", body_text="Hi", recipients=["a@example.com"]
    )
    Communication.objects.filter(pk=communication.pk).update(body_text="Forged")
    assert not Communication.objects.get(pk=communication.pk).is_unaltered
