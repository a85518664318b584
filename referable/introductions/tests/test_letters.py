"""Letters of introduction: drafting, the coach, versions, exports, signing and delivery."""

import io
import subprocess
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from docx import Document

from referable.introductions import services
from referable.introductions.models import (
    DisclosureRecord,
    ImmutableVersionError,
    Letter,
    LetterTemplate,
    LetterVersion,
    ScheduledCall,
)
from referable.introductions.tests.factories import make_letter, make_referral
from referable.people.tests.factories import make_person
from referable.records.models import Communication

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")


def _future(days=3, hour=10, minute=30):
    day = (timezone.now() + timedelta(days=days)).astimezone(NEW_YORK).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def letter(in_practice, practice, professional):
    referral = make_referral(practice, by=professional)
    return make_letter(referral, by=professional, call_at=_future())


def test_a_draft_fills_in_the_client_the_prospect_what_we_did_why_meet_and_the_call(
    letter, professional
):
    rendered = services.render_letter(letter)
    call = letter.call_at.astimezone(NEW_YORK)
    assert "Dear Paul," in rendered.body
    assert "They reorganised our savings." in rendered.body
    assert "You are planning to sell the company." in rendered.body
    assert f"{call:%A} {call.day} {call:%B %Y} at 10:30 am" in rendered.body
    assert rendered.body.rstrip().endswith("Clara Client")
    assert str(professional) in rendered.subject
    assert "introduc" in rendered.text and "referral" not in rendered.text.lower()
    assert services.coach_findings(letter.practice_id, rendered.text) == []


def test_the_pdf_opens_and_contains_the_call_time(letter, tmp_path):
    pdf = services.render_letter(letter).pdf()
    path = tmp_path / "letter.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "10:30 am" in " ".join(text.split())
    assert "Clara Client" in text


def test_the_word_document_opens_and_contains_the_call_time(letter):
    document = Document(io.BytesIO(services.render_letter(letter).docx()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "10:30 am" in text and "Dear Paul," in text


def test_an_unknown_placeholder_is_refused_by_name_and_nothing_is_saved(letter, practice):
    with pytest.raises(ValidationError) as caught:
        services.save_template(
            practice, {"name": "Mine", "subject": "Hi", "body": "Dear {prospect_nmae},"}
        )
    assert "{prospect_nmae}" in caught.value.message_dict["body"][0]
    assert not LetterTemplate.objects.filter(name="Mine").exists()
    with pytest.raises(ValidationError, match=r"\{call_minute\}"):
        services.update_letter(letter, {"body": "See you at {call_minute}."})
    letter.refresh_from_db()
    assert "{call_minute}" not in letter.body


def test_a_call_time_in_the_past_is_refused(in_practice, practice):
    referral = make_referral(practice)
    with pytest.raises(ValidationError) as caught:
        make_letter(referral, call_at=timezone.now() - timedelta(minutes=5))
    assert "call_at" in caught.value.message_dict
    assert not Letter.objects.exists()


def test_signing_freezes_the_letter_and_later_edits_make_a_new_version(letter, professional):
    services.request_signature(letter, by=professional, send_email=False)
    services.sign_letter(letter, by=professional)
    letter.refresh_from_db()
    assert letter.state == "signed" and letter.is_frozen
    signed = LetterVersion.objects.get(letter=letter, event="signed")
    original = signed.body
    services.update_letter(letter, {"why_meet": "A better reason."}, by=professional)
    letter.refresh_from_db()
    assert (letter.state, letter.version) == ("draft", 2)
    signed.refresh_from_db()
    assert signed.body == original and "A better reason." not in signed.body
    signed.body = "tampered"
    with pytest.raises(ImmutableVersionError):
        signed.save()
    with pytest.raises(ImmutableVersionError):
        signed.delete()


def test_every_frozen_version_is_kept_in_the_communications_archive(letter, professional):
    services.request_signature(letter, by=professional, send_email=False)
    services.sign_letter(letter, by=professional)
    archived = Communication.objects.filter(kind="letter").order_by("id")
    assert archived.count() == 2
    assert all("10:30 am" in c.body_text and c.is_unaltered for c in archived)
    assert list(LetterVersion.objects.values_list("communication_id", flat=True)) == [
        c.pk for c in archived
    ]


def test_signing_puts_the_call_on_the_calendar_at_the_stated_minute(letter, professional):
    services.sign_letter(letter, by=professional)
    call = ScheduledCall.objects.get(letter=letter)
    assert call.kind == "exact_time_call" and call.at == letter.call_at
    assert call.professional == professional and call.status == "scheduled"


def test_a_new_signed_version_with_another_time_moves_the_call(letter, professional):
    services.sign_letter(letter, by=professional)
    services.update_letter(letter, {"call_at": _future(days=4, hour=9, minute=15)})
    services.sign_letter(letter, by=professional)
    call = ScheduledCall.objects.get(letter=letter)
    assert call.at == _future(days=4, hour=9, minute=15) and call.sequence == 1


def test_delivering_by_email_needs_the_prospects_address_and_by_post_a_postal_address(
    in_practice, practice, professional
):
    prospect = make_person(practice, emails=[], first_name="Nora", last_name="Noaddress")
    letter = make_letter(
        make_referral(practice, prospect=prospect, by=professional), by=professional
    )
    services.sign_letter(letter, by=professional)
    with pytest.raises(ValidationError, match="no e-mail address"):
        services.deliver_letter(letter, how="email")
    with pytest.raises(ValidationError, match="no postal address"):
        services.deliver_letter(letter, how="post")
    letter.refresh_from_db()
    assert letter.state == "signed" and letter.delivered_at is None
    services.update_letter(letter, {"prospect_address": "12 Harbor St\nBoston"})
    services.deliver_letter(letter, how="post")
    letter.refresh_from_db()
    assert letter.state == "delivered" and letter.delivered_how == "post"


def test_a_solicited_introduction_carries_the_disclosure_and_it_is_recorded_as_given(
    in_practice, practice, professional
):
    referral = make_referral(practice, by=professional, solicited=True)
    letter = make_letter(referral, by=professional)
    text = services.render_letter(letter).text
    assert "Clara Client was asked by Northwind Advisors" in text and "a client" in text
    services.sign_letter(letter, by=professional)
    services.deliver_letter(letter, how="by_client")
    disclosure = DisclosureRecord.objects.get()
    assert disclosure.kind == "testimonial" and disclosure.person == referral.prospect
    assert "was asked by" in disclosure.text


def test_an_unsolicited_introduction_has_no_disclosure(letter):
    assert letter.disclosure == ""
    assert "was asked by" not in services.render_letter(letter).text


def test_a_letter_for_a_prospect_who_asked_not_to_be_contacted_is_refused(letter, professional):
    prospect = letter.referral.prospect
    prospect.do_not_contact = True
    prospect.save()
    with pytest.raises(ValidationError, match="Outreach is refused"):
        services.sign_letter(letter, by=professional)
    letter.refresh_from_db()
    assert letter.state == "draft" and not ScheduledCall.objects.exists()


def test_the_default_template_says_introduction_and_passes_the_coach(in_practice, practice):
    template = services.default_template(practice)
    assert "introduc" in template.body and "referral" not in template.body.lower()
    assert services.coach_findings(practice, template.body) == []
