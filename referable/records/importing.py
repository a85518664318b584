"""Importing people from CSV and vCard files (SPEC §12: "import and export people from
CSV and vCard without duplicates").

The steps, each a plain function: ``read_upload`` decodes what was sent (or refuses
it with a reason); ``csv_headers`` and ``guess_mapping`` propose which column is
what; ``records`` turns rows or cards into ``Record``s with their line numbers;
``plan`` decides, for each record, create / update / skip / fail and why; ``apply``
writes a plan. A person matches an existing one by e-mail, then by phone
(normalized), then by name and organization, so importing the same file twice
changes nothing the second time.

New people are written with the bulk path the demo uses (the same validation as
``people.services``, the same search terms, one audit entry each), so that 100,000
rows import in seconds; people who already exist are updated one by one through
``people.services.update_person``.
"""

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import vobject
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from referable.people.models import EmailAddress, Person, Phone, SearchTerm, normalize_phone
from referable.people.search import normalize, terms_for
from referable.people.services import clean_emails, clean_phones, update_person
from referable.practices.bulk import insert_rows, inserted_ids

MAX_BYTES = 50 * 1024 * 1024
MAX_MB = MAX_BYTES // (1024 * 1024)
SAMPLE_ROWS = 200
PROBLEMS_KEPT = 2000

TARGETS: dict[str, str] = {
    "": "— ignore —",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (first and last together)",
    "title": "Position / title",
    "organization": "Organization",
    "industry": "Industry",
    "city": "City",
    "category": "Category (contact, prospect, client, partner)",
    "notes": "Notes",
    "email": "E-mail (several columns allowed)",
    "phone": "Phone (several columns allowed)",
}
NAME_TARGETS = {"first_name", "last_name", "full_name"}
TEXT_FIELDS = ("first_name", "last_name", "title", "organization", "industry", "city", "notes")

# Column headings as common address books and CRMs write them (Google, Outlook, Apple,
# HubSpot, Salesforce exports), normalized to lower-case letters and digits.
_GUESSES: dict[str, str] = {
    "firstname": "first_name",
    "givenname": "first_name",
    "first": "first_name",
    "forename": "first_name",
    "prenom": "first_name",
    "vorname": "first_name",
    "lastname": "last_name",
    "familyname": "last_name",
    "surname": "last_name",
    "last": "last_name",
    "nom": "last_name",
    "nachname": "last_name",
    "name": "full_name",
    "fullname": "full_name",
    "displayname": "full_name",
    "contactname": "full_name",
    "title": "title",
    "jobtitle": "title",
    "position": "title",
    "role": "title",
    "organizationtitle": "title",
    "organization": "organization",
    "organisation": "organization",
    "organizationname": "organization",
    "company": "organization",
    "companyname": "organization",
    "employer": "organization",
    "firm": "organization",
    "societe": "organization",
    "entreprise": "organization",
    "firma": "organization",
    "unternehmen": "organization",
    "account": "organization",
    "accountname": "organization",
    "industry": "industry",
    "sector": "industry",
    "city": "city",
    "town": "city",
    "homecity": "city",
    "businesscity": "city",
    "mailingcity": "city",
    "category": "category",
    "type": "category",
    "notes": "notes",
    "note": "notes",
    "comments": "notes",
    "description": "notes",
}
_EMAIL_HEADER = re.compile(r"e-?mail|courriel")
_PHONE_HEADER = re.compile(r"phone|mobile|cell|\btel\b|telefon|fax")
_EMAIL_SEPARATORS = re.compile(r"[;,\s]+")
_PHONE_SEPARATORS = re.compile(r"[;,]")
_CATEGORIES = {
    "": Person.Category.CONTACT,
    "contact": Person.Category.CONTACT,
    "prospect": Person.Category.PROSPECT,
    "lead": Person.Category.PROSPECT,
    "client": Person.Category.CLIENT,
    "customer": Person.Category.CLIENT,
    "partner": Person.Category.PARTNER,
    "referral partner": Person.Category.PARTNER,
}


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- reading the file ----------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    filename: str
    format: str  # "csv" or "vcard"
    encoding: str
    delimiter: str
    text: str


def read_upload(filename: str, data: bytes, *, size: int | None = None) -> Source:
    """Decodes an uploaded file, or refuses it with a reason a person can act on."""
    size = len(data) if size is None else size
    if size > MAX_BYTES:
        raise refuse(
            f"“{filename}” is {size / 1024 / 1024:,.0f} MB; files up to {MAX_MB} MB can be "
            "imported. Split it into smaller files and import them one after the other."
        )
    if not data.strip():
        raise refuse(f"“{filename}” is empty.")
    if _looks_binary(data):
        raise refuse(
            f"“{filename}” is not a text file (it looks like a spreadsheet or another binary "
            "format saved under a .csv or .vcf name). Save it as CSV (comma- or "
            "semicolon-separated) or as vCard, then import that."
        )
    text, encoding = decode(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lowered = filename.lower()
    is_vcard = lowered.endswith((".vcf", ".vcard")) or text.lstrip().upper().startswith(
        "BEGIN:VCARD"
    )
    if is_vcard:
        if "BEGIN:VCARD" not in text.upper():
            raise refuse(f"“{filename}” holds no vCard (no BEGIN:VCARD line).")
        return Source(filename, "vcard", encoding, "", text)
    return Source(filename, "csv", encoding, sniff_delimiter(text), text)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\x1f\x8b")):
        return True
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    return control > len(head) * 0.05


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without a byte-order mark, as Excel writes it), UTF-16 with a
    mark; otherwise Windows-1252/Latin-1, what older Excel and Outlook export."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.split("\n", 20)[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.split("\n", 1)[0]
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


# --- columns ---------------------------------------------------------------------------


def csv_headers(source: Source) -> list[str]:
    reader = csv.reader(io.StringIO(source.text), delimiter=source.delimiter)
    for row in reader:
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    return []


def guess_mapping(headers: Sequence[str]) -> dict[str, str]:
    """Column index (as text) → target field, for the headings we recognise."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = re.sub(r"[^a-z0-9]", "", normalize(header))
        target = _GUESSES.get(key)
        if target is None and _EMAIL_HEADER.search(normalize(header)):
            target = "email"
        elif target is None and _PHONE_HEADER.search(normalize(header)):
            target = "phone"
        if target and (target in ("email", "phone") or target not in taken):
            mapping[str(index)] = target
            taken.add(target)
    return mapping


def check_mapping(mapping: dict[str, str], headers: Sequence[str]) -> dict[str, str]:
    cleaned = {}
    for index, target in mapping.items():
        if target not in TARGETS:
            raise ValidationError({"mapping": f"“{target}” is not something a column can be."})
        if not target:
            continue
        if not index.isdigit() or int(index) >= len(headers):
            raise ValidationError({"mapping": f"Column {index} is not in the file."})
        cleaned[index] = target
    single = [t for t in cleaned.values() if t not in ("email", "phone")]
    doubled = {t for t in single if single.count(t) > 1}
    if doubled:
        names = ", ".join(TARGETS[t].lower() for t in sorted(doubled))
        raise ValidationError({"mapping": f"Only one column can be the {names}."})
    if not NAME_TARGETS & set(cleaned.values()):
        raise ValidationError(
            {
                "mapping": "The file needs a name: choose which column holds the first name, "
                "the last name or the full name. Columns found: "
                + ", ".join(f"“{h}”" for h in headers if h)
            }
        )
    return cleaned


# --- records ---------------------------------------------------------------------------


@dataclass
class Record:
    line: int
    data: dict = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.data.get("first_name"), self.data.get("last_name")) if p)

    @property
    def normalized_phones(self) -> list[str]:
        if getattr(self, "_normalized_for", None) != self.phones:
            self._normalized = [normalize_phone(n) for n in self.phones]
            self._normalized_for = list(self.phones)
        return self._normalized


def count_records(source: Source) -> int:
    if source.format == "vcard":
        return len(_card_spans(source.text))
    return sum(1 for _ in _csv_rows(source))


def records(
    source: Source, mapping: dict[str, str], start: int = 0, stop: int | None = None
) -> Iterator[Record]:
    """The records from ``start`` to ``stop`` (0-based, data rows or cards only)."""
    if source.format == "vcard":
        for line, card in _card_spans(source.text)[start:stop]:
            yield _card_record(line, card)
        return
    for n, (line, row) in enumerate(_csv_rows(source)):
        if n < start:
            continue
        if stop is not None and n >= stop:
            return
        yield _row_record(line, row, mapping)


def _csv_rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(source.text), delimiter=source.delimiter)
    seen_header = False
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise refuse(
                f"Line {reader.line_num}: the file cannot be read as CSV ({exc})."
            ) from exc
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if not seen_header:
            seen_header = True
            continue
        yield start, row


def _row_record(line: int, row: list[str], mapping: dict[str, str]) -> Record:
    record = Record(line=line)
    for index, target in mapping.items():
        i = int(index)
        value = row[i].strip() if i < len(row) else ""
        if target == "email":
            record.emails += [v for v in _EMAIL_SEPARATORS.split(value) if v]
        elif target == "phone":
            record.phones += [v.strip() for v in _PHONE_SEPARATORS.split(value) if v.strip()]
        elif target == "full_name":
            first, last = split_name(value)
            record.data.setdefault("first_name", first)
            record.data.setdefault("last_name", last)
        elif target == "category":
            record.data["category"] = value
        else:
            record.data[target] = value
    return record


def split_name(full: str) -> tuple[str, str]:
    """ "Lee, Ann" and "Ann Lee" both give ("Ann", "Lee")."""
    full = " ".join(full.split())
    if "," in full:
        last, _, first = full.partition(",")
        return first.strip(), last.strip()
    if " " not in full:
        return "", full
    first, _, last = full.rpartition(" ")
    return first, last


def _card_spans(text: str) -> list[tuple[int, str]]:
    """Each BEGIN:VCARD…END:VCARD block with the line it starts on."""
    spans, current, start = [], None, 0
    for number, raw in enumerate(text.split("\n"), start=1):
        upper = raw.strip().upper()
        if upper == "BEGIN:VCARD":
            current, start = [raw], number
        elif current is not None:
            current.append(raw)
            if upper == "END:VCARD":
                spans.append((start, "\n".join(current) + "\n"))
                current = None
    if current is not None:
        spans.append((start, "\n".join(current) + "\n"))
    return spans


def _card_record(line: int, card: str) -> Record:
    record = Record(line=line)
    try:
        parsed = vobject.readOne(card, allowQP=True)
    except Exception as exc:  # vobject raises several unrelated types on bad input
        record.error = f"This card cannot be read ({str(exc).splitlines()[0][:120]})."
        return record
    first = last = ""
    if "n" in parsed.contents:
        n = parsed.n.value
        first = " ".join(p for p in _as_list(n.given) + _as_list(n.additional) if p).strip()
        last = " ".join(p for p in _as_list(n.family) if p).strip()
    if not (first or last) and "fn" in parsed.contents:
        first, last = split_name(str(parsed.fn.value))
    record.data["first_name"], record.data["last_name"] = first, last
    if "org" in parsed.contents:
        org = parsed.org.value
        record.data["organization"] = (
            org[0] if isinstance(org, list) and org else str(org)
        ).strip()
    if "title" in parsed.contents:
        record.data["title"] = str(parsed.title.value).strip()
    if "note" in parsed.contents:
        record.data["notes"] = str(parsed.note.value).strip()
    for adr in parsed.contents.get("adr", []):
        city = getattr(adr.value, "city", "")
        if city and not record.data.get("city"):
            record.data["city"] = " ".join(_as_list(city)).strip()
    record.emails = [str(e.value).strip() for e in parsed.contents.get("email", []) if e.value]
    record.phones = [
        str(t.value).strip().removeprefix("tel:") for t in parsed.contents.get("tel", []) if t.value
    ]
    if not (first or last):
        record.error = "This card has no name (neither N nor FN): a person needs one."
    return record


def _as_list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


# --- deciding --------------------------------------------------------------------------


@dataclass
class Outcome:
    line: int
    name: str
    action: str  # create, update, unchanged, duplicate, error
    reason: str
    data: dict = field(default_factory=dict)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    person_id: int | None = None

    @property
    def is_problem(self) -> bool:
        return self.action in ("duplicate", "error", "unchanged")

    def as_row(self) -> dict:
        return {"line": self.line, "name": self.name, "action": self.action, "reason": self.reason}


class KnownPeople:
    """The practice's people, indexed the ways a duplicate is matched."""

    def __init__(self) -> None:
        self.by_email: dict[str, int] = dict(
            EmailAddress.objects.values_list("address", "person_id")
        )
        self.by_phone: dict[str, int] = {
            n: p for n, p in Phone.objects.values_list("normalized", "person_id") if n
        }
        self.by_name: dict[tuple[str, str, str], int] = {}
        for pk, first, last, org in Person.objects.values_list(
            "pk", "first_name", "last_name", "organization"
        ).iterator(chunk_size=20000):
            self.by_name.setdefault(_name_key(first, last, org), pk)
        self.planned: dict[int, int] = {}  # negative ids of planned creations → line
        self._next = 0

    def placeholder(self, line: int) -> int:
        """A stand-in id for a person this import will create, until it has a real one."""
        self._next -= 1
        self.planned[self._next] = line
        return self._next

    def match(self, record: Record) -> tuple[int | None, str]:
        for address in record.emails:
            if (pk := self.by_email.get(address.lower())) is not None:
                return pk, f"e-mail {address.lower()}"
        for number, normalized in zip(record.phones, record.normalized_phones, strict=True):
            if (pk := self.by_phone.get(normalized)) is not None:
                return pk, f"phone {number}"
        key = _name_key(
            record.data.get("first_name", ""),
            record.data.get("last_name", ""),
            record.data.get("organization", ""),
        )
        if (pk := self.by_name.get(key)) is not None:
            return pk, "name and organization"
        return None, ""

    def add(self, pk: int, record: Record) -> None:
        for address in record.emails:
            self.by_email.setdefault(address.lower(), pk)
        for normalized in record.normalized_phones:
            self.by_phone.setdefault(normalized, pk)
        self.by_name.setdefault(
            _name_key(
                record.data.get("first_name", ""),
                record.data.get("last_name", ""),
                record.data.get("organization", ""),
            ),
            pk,
        )


def _name_key(first: str, last: str, org: str) -> tuple[str, str, str]:
    return (
        " ".join(first.lower().split()),
        " ".join(last.lower().split()),
        " ".join(org.lower().split()),
    )


_PERSON_CHECK = Person._meta


def validate(record: Record) -> Record:
    """The rules ``people.services`` applies, on one record; sets ``record.error``."""
    if record.error:
        return record
    data = record.data
    if "category" in data:
        category = _CATEGORIES.get(data["category"].strip().lower())
        if category is None:
            record.error = (
                f"“{data['category']}” is not a category: use contact, prospect, client or partner."
            )
            return record
        data["category"] = category
    for name in TEXT_FIELDS:
        value = data.get(name)
        if value is None:
            continue
        limit = _PERSON_CHECK.get_field(name).max_length
        if limit and len(value) > limit:
            label = _PERSON_CHECK.get_field(name).verbose_name
            record.error = f"The {label} is longer than {limit} characters."
            return record
    if not (data.get("first_name", "").strip() or data.get("last_name", "").strip()):
        record.error = "No name: give at least a first or a last name."
        return record
    try:
        record.emails = clean_emails(record.emails)
        record.phones = clean_phones(record.phones)
    except ValidationError as exc:
        record.error = next(iter(exc.message_dict.values()))[0]
    return record


def plan(rows: Sequence[Record], known: KnownPeople) -> list[Outcome]:
    """What importing ``rows`` would do, given the people already known (updated as it
    goes, so a person twice in one file is created once)."""
    outcomes: list[Outcome] = []
    matched_ids = set()
    checked = [validate(r) for r in rows]
    for record in checked:
        if not record.error:
            pk, _how = known.match(record)
            if pk is not None and pk > 0:
                matched_ids.add(pk)
    existing = _existing(matched_ids)
    for record in checked:
        if record.error:
            outcomes.append(Outcome(record.line, record.name, "error", record.error))
            continue
        pk, how = known.match(record)
        if pk is None:
            known.add(known.placeholder(record.line), record)
            outcomes.append(
                Outcome(
                    record.line,
                    record.name,
                    "create",
                    "New person.",
                    data=record.data,
                    emails=record.emails,
                    phones=record.phones,
                )
            )
            continue
        if pk < 0:
            outcomes.append(
                Outcome(
                    record.line,
                    record.name,
                    "duplicate",
                    f"Same person as line {known.planned[pk]} (by {how}).",
                )
            )
            continue
        outcomes.append(_update_outcome(record, existing[pk], how))
        known.add(pk, record)
    return outcomes


def _existing(ids: set[int]) -> dict[int, dict]:
    found: dict[int, dict] = {}
    if not ids:
        return found
    for chunk in _chunks(sorted(ids), 900):
        for row in Person.objects.filter(pk__in=chunk).values("pk", *TEXT_FIELDS, "category"):
            row["emails"], row["phones"] = [], []
            found[row["pk"]] = row
        for person_id, address in EmailAddress.objects.filter(person_id__in=chunk).values_list(
            "person_id", "address"
        ):
            found[person_id]["emails"].append(address)
        for person_id, number in Phone.objects.filter(person_id__in=chunk).values_list(
            "person_id", "number"
        ):
            found[person_id]["phones"].append(number)
    return found


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _update_outcome(record: Record, current: dict, how: str) -> Outcome:
    name = " ".join(p for p in (current["first_name"], current["last_name"]) if p)
    changes = {k: v for k, v in record.data.items() if v and str(current.get(k) or "") != str(v)}
    new_emails = [a for a in record.emails if a not in current["emails"]]
    known_numbers = {normalize_phone(n) for n in current["phones"]}
    new_phones = [n for n in record.phones if normalize_phone(n) not in known_numbers]
    if not (changes or new_emails or new_phones):
        return Outcome(
            record.line,
            name,
            "unchanged",
            f"Already up to date: matches {name} by {how}.",
            person_id=current["pk"],
        )
    what = [_PERSON_CHECK.get_field(k).verbose_name for k in changes]
    what += ["e-mail " + a for a in new_emails] + ["phone " + n for n in new_phones]
    return Outcome(
        record.line,
        name,
        "update",
        f"Matches {name} by {how}: sets " + ", ".join(what) + ".",
        data=changes,
        emails=current["emails"] + new_emails,
        phones=current["phones"] + new_phones,
        person_id=current["pk"],
    )


# --- writing ---------------------------------------------------------------------------


def _person_columns() -> tuple[list[str], dict]:
    """Every column of Person with its default, so a field the people area adds later
    is filled the way the model would fill it."""
    fields = [f for f in Person._meta.concrete_fields if not f.primary_key]
    return [f.name for f in fields], {f.name: f.get_default() for f in fields}


@dataclass
class Applied:
    created: int = 0
    updated: int = 0


def apply(practice, outcomes: Sequence[Outcome], *, by, source_detail: str) -> Applied:
    """Writes the creations in bulk and the updates one by one. The caller holds the
    transaction (a chunk, or the whole file when all-or-nothing)."""
    result = Applied()
    creations = [o for o in outcomes if o.action == "create"]
    if creations:
        _create_in_bulk(practice, creations, by=by, source_detail=source_detail)
        result.created = len(creations)
    updates = [o for o in outcomes if o.action == "update"]
    people = Person.objects.in_bulk([o.person_id for o in updates])
    for outcome in updates:
        update_person(
            people[outcome.person_id],
            outcome.data,
            emails=outcome.emails,
            phones=outcome.phones,
            by=by,
        )
        result.updated += 1
    return result


def _create_in_bulk(practice, creations: Sequence[Outcome], *, by, source_detail: str) -> None:
    from referable.records.models import AuditEntry

    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    owner_id = by.pk if by is not None and by.role == "professional" else None
    columns, defaults = _person_columns()
    people = []
    for o in creations:
        first, last = o.data.get("first_name", ""), o.data.get("last_name", "")
        people.append(
            {
                **defaults,
                **o.data,
                "practice": practice.pk,
                "category": o.data.get("category") or Person.Category.CONTACT,
                "owner": owner_id,
                "source": Person.Source.IMPORT,
                "source_detail": source_detail[:300],
                "sort_name": f"{last} {first}".strip().lower()[:210],
                "created_at": stamp,
                "updated_at": stamp,
            }
        )
    insert_rows(Person, columns, [tuple(p[c] for c in columns) for p in people], adapted=True)
    ids = inserted_ids(Person, practice, len(people))
    emails, phones, terms, audit = [], [], [], []
    actor = (by.pk, by.email) if by is not None else (None, "system")
    for pk, o, p in zip(ids, creations, people, strict=True):
        emails += [(practice.pk, pk, a, i, stamp, stamp) for i, a in enumerate(o.emails)]
        phones += [
            (practice.pk, pk, n, normalize_phone(n), i, stamp, stamp)
            for i, n in enumerate(o.phones)
        ]
        terms += [
            (practice.pk, pk, t)
            for t in terms_for(p["first_name"], p["last_name"], p["organization"], o.emails)
        ]
        changes = {k: [None, v] for k, v in o.data.items() if v}
        changes.update(
            category=[None, p["category"]],
            source=[None, p["source"]],
            source_detail=[None, p["source_detail"]],
        )
        if owner_id:
            changes["owner_id"] = [None, owner_id]
        changes.update({"emails": [None, o.emails]} if o.emails else {})
        changes.update({"phones": [None, o.phones]} if o.phones else {})
        audit.append(
            (
                practice.pk,
                actor[0],
                actor[1],
                AuditEntry.Action.CREATED,
                "people.person",
                pk,
                " ".join(x for x in (p["first_name"], p["last_name"]) if x)[:300],
                _json(changes),
                stamp,
                stamp,
                stamp,
            )
        )
    insert_rows(
        EmailAddress,
        ("practice", "person", "address", "position", "created_at", "updated_at"),
        emails,
        adapted=True,
    )
    insert_rows(
        Phone,
        ("practice", "person", "number", "normalized", "position", "created_at", "updated_at"),
        phones,
        adapted=True,
    )
    insert_rows(SearchTerm, ("practice", "person", "term"), terms, adapted=True)
    insert_rows(
        AuditEntry,
        (
            "practice",
            "actor",
            "actor_label",
            "action",
            "model_label",
            "object_id",
            "object_repr",
            "changes",
            "at",
            "created_at",
            "updated_at",
        ),
        audit,
        adapted=True,
    )


def _json(value) -> str:
    import json

    return json.dumps(value)
