"""Files shaped like real exports, and archived communications."""

import itertools

from referable.practices.tenancy import practice_scope
from referable.records.services import archive_communication

_numbers = itertools.count(1)


def make_communication(practice, *, person=None, sender=None, **fields):
    n = next(_numbers)
    data = {
        "kind": "email",
        "subject": f"Following up #{n}",
        "body_text": f"Dear client,\n\nThank you ({n}).",
        "recipients": [f"client{n}@example.com"],
        **fields,
    }
    with practice_scope(practice):
        return archive_communication(practice, person=person, sender=sender, **data)


# Excel on Windows: UTF-8 with a byte-order mark, CRLF, quoted fields with commas,
# line breaks and doubled quotes inside, two e-mail columns.
EXCEL_CSV = (
    "\ufeffFirst Name,Last Name,Company,Job Title,E-mail Address,E-mail 2 Address,Mobile Phone,Notes\r\n"
    'Ann,Lee,"Lee, Park & Co",CFO,ann@leepark.example,ann.lee@home.example,+1 (617) 555-0101,"Met at the ""Harbor"" breakfast"\r\n'
    'Bob,Stone,Granite Builders,Owner,bob@granite.example,,617.555.0102,"Two lines\r\nof notes"\r\n'
    "Carla,Díaz,,,carla@example.org,,,\r\n"
).encode("utf-8")

# Excel in much of Europe: semicolons, Windows-1252 (Latin-1) accents, no BOM.
EUROPEAN_CSV = (
    "Nom;Prénom;Société;Courriel;Téléphone\n"
    "Müller;Jörg;Bäckerei Süd;jorg@baeckerei.example;+49 30 1234567\n"
    "Léger;Françoise;;francoise@example.fr;\n"
).encode("cp1252")

# An iPhone / macOS Contacts export: vCard 3.0, folded lines, several e-mails and phones.
APPLE_VCF = (
    b"BEGIN:VCARD\r\n"
    b"VERSION:3.0\r\n"
    b"N:Okafor;Ngozi;;;\r\n"
    b"FN:Ngozi Okafor\r\n"
    b"ORG:Bluewater Logistics;\r\n"
    b"TITLE:Chief Operating Officer\r\n"
    b"EMAIL;type=INTERNET;type=WORK;type=pref:ngozi@bluewater.example\r\n"
    b"EMAIL;type=INTERNET;type=HOME:ngozi.okafor@home.example\r\n"
    b"TEL;type=CELL;type=VOICE;type=pref:+1 (617) 555-0199\r\n"
    b"NOTE:Prefers calls in the morning. Introduced at the spring dinner by her long\r\n"
    b" -standing friend and our client.\r\n"
    b"ADR;type=WORK:;;1 Harbor Way;Boston;MA;02110;USA\r\n"
    b"END:VCARD\r\n"
    b"BEGIN:VCARD\r\n"
    b"VERSION:4.0\r\n"
    b"FN:Jan Novak\r\n"
    b"N:Novak;Jan;;;\r\n"
    b"EMAIL:jan@novak.example\r\n"
    b"TEL;VALUE=uri;TYPE=cell:tel:+420-601-123-456\r\n"
    b"END:VCARD\r\n"
)

NAMELESS_VCF = b"BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:someone@example.com\r\nEND:VCARD\r\n"
