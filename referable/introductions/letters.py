"""Writing letters of introduction: placeholders, the default template, and the PDF,
Word and plain-text forms of a letter. No database access: callers pass the facts."""

import io
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")

PLACEHOLDERS: dict[str, str] = {
    "client_name": "the client who signs the letter",
    "client_first_name": "the client's first name",
    "prospect_name": "the person being introduced to you",
    "prospect_first_name": "their first name",
    "professional_name": "you, the professional",
    "professional_first_name": "your first name",
    "practice_name": "your practice",
    "what_we_did": "what you did for the client",
    "why_meet": "why meeting is worthwhile",
    "call_date": "the day of the call, e.g. Tuesday 24 November 2026",
    "call_time": "the minute of the call, e.g. 10:30 am (EST)",
}

# Written after seed 001: the professional drafts it for the client's signature; it
# says what was done for the client, why the prospect should meet, and when to expect
# the call. It says "introduction" and never "referral".
DEFAULT_TEMPLATE_NAME = "Letter of introduction"
DEFAULT_SUBJECT = "An introduction to {professional_name}"
DEFAULT_BODY = """Dear {prospect_first_name},

I would like to introduce you to {professional_name} of {practice_name}, who has been looking after me.

{what_we_did}

{why_meet}

Knowing how full your diary is, I have asked {professional_first_name} to call you on {call_date} at {call_time}. It will be a short conversation to see whether meeting makes sense for you; if that moment does not suit, a word to either of us is enough to find another.

With warm regards,

{client_name}"""


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def validate_placeholders(text: str, field: str) -> None:
    """Raises naming the first unknown placeholder, with the ones that exist."""
    for name in placeholders_in(text):
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + key + "}" for key in PLACEHOLDERS)
            raise ValidationError({field: f"Unknown placeholder {{{name}}}. Use one of: {known}."})


def fill(text: str, values: dict[str, str]) -> str:
    validate_placeholders(text, "body")
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), text)


def call_date(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B %Y}"


def call_time(at: datetime, zone: ZoneInfo) -> str:
    local = at.astimezone(zone)
    hour = local.hour % 12 or 12
    return f"{hour}:{local:%M} {'am' if local.hour < 12 else 'pm'} ({local.tzname()})"


@dataclass(frozen=True)
class RenderedLetter:
    subject: str
    body: str
    disclosure: str
    practice_name: str
    signer: str
    dated: str

    @property
    def text(self) -> str:
        parts = [self.body.rstrip()]
        if self.disclosure:
            parts.append(self.disclosure.strip())
        return "\n\n".join(parts) + "\n"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.body) if p.strip()]

    def html(self) -> str:
        return render_to_string("introductions/letter_print.html", {"letter": self})

    def pdf(self) -> bytes:
        from weasyprint import HTML

        return HTML(string=self.html()).write_pdf()

    def docx(self) -> bytes:
        from docx import Document
        from docx.shared import Pt

        document = Document()
        style = document.styles["Normal"]
        style.font.name = "DejaVu Sans"
        style.font.size = Pt(11)
        document.add_paragraph(self.practice_name).runs[0].bold = True
        document.add_paragraph(self.dated)
        for paragraph in self.paragraphs:
            document.add_paragraph(paragraph)
        document.add_paragraph("Signature: ______________________________")
        if self.disclosure:
            note = document.add_paragraph(self.disclosure.strip())
            for run in note.runs:
                run.font.size = Pt(8)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
