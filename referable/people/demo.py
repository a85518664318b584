"""Demo people and who knows whom: realistic names, organizations and a web of
connections of every kind and sentiment, built with bulk inserts so that
``referable demo --people 200000`` finishes in well under two minutes."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from referable.people.models import (
    Connection,
    EmailAddress,
    Person,
    Phone,
    ResearchBrief,
    SearchTerm,
    normalize_phone,
)
from referable.people.search import terms_for
from referable.practices.bulk import insert_rows, inserted_ids
from referable.practices.demo import DemoPlan

FIRST = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Donald",
    "Ashley",
    "Steven",
    "Kimberly",
    "Andrew",
    "Emily",
    "Paul",
    "Donna",
    "Joshua",
    "Michelle",
    "Kenneth",
    "Carol",
    "Kevin",
    "Amanda",
    "Brian",
    "Melissa",
    "George",
    "Deborah",
    "Timothy",
    "Stephanie",
    "Ronald",
    "Rebecca",
    "Jason",
    "Sharon",
    "Edward",
    "Laura",
    "Jeffrey",
    "Cynthia",
    "Ryan",
    "Amy",
    "Jacob",
    "Kathleen",
    "Gary",
    "Angela",
    "Nicholas",
    "Helen",
    "Eric",
    "Anna",
    "Jonathan",
    "Brenda",
    "Stephen",
    "Pamela",
    "Larry",
    "Emma",
    "Justin",
    "Nicole",
    "Scott",
    "Samantha",
    "Frank",
    "Katherine",
    "Raj",
    "Mei",
    "Ahmed",
    "Fatima",
    "Luis",
    "Sofia",
    "Kwame",
    "Ingrid",
    "Yusuf",
    "Elena",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Chen",
    "Patel",
    "Kim",
    "Okonkwo",
    "Schmidt",
    "Novak",
    "Rossi",
    "Haddad",
    "Larsen",
    "Silva",
    "Murphy",
    "O'Brien",
    "Fischer",
    "Moreau",
    "Tanaka",
    "Kowalczyk",
    "Andersen",
    "Mensah",
    "Bianchi",
    "Van-Dijk",
    "Sorensen",
    "Ibrahim",
    "Cohen",
    "Gallagher",
    "Petrov",
    "Duarte",
]
ORG_WORDS = [
    "Summit",
    "Harbor",
    "Oak",
    "Granite",
    "Meridian",
    "Bluewater",
    "Northgate",
    "Cedar",
    "Ironwood",
    "Lakeside",
    "Pioneer",
    "Beacon",
    "Riverside",
    "Keystone",
    "Silverline",
    "Crescent",
    "Evergreen",
    "Horizon",
    "Atlas",
    "Redwood",
    "Sterling",
    "Copperfield",
    "Brightwater",
    "Foxglove",
    "Highland",
    "Westbrook",
]
ORG_KINDS = [
    ("Manufacturing", "Industries"),
    ("Construction", "Builders"),
    ("Healthcare", "Medical Group"),
    ("Dentistry", "Dental"),
    ("Law", "Law LLP"),
    ("Accounting", "CPAs"),
    ("Technology", "Software"),
    ("Logistics", "Logistics"),
    ("Real estate", "Properties"),
    ("Hospitality", "Hospitality"),
    ("Retail", "Outfitters"),
    ("Agriculture", "Farms"),
    ("Engineering", "Engineering"),
    ("Education", "Academy"),
    ("Architecture", "Architects"),
    ("Food and beverage", "Foods"),
    ("Energy", "Energy"),
    ("Insurance", "Insurance Agency"),
    ("Marketing", "Creative"),
    ("Veterinary", "Animal Clinic"),
]
TITLES = [
    "Owner",
    "Founder and CEO",
    "Chief Financial Officer",
    "Managing Partner",
    "Controller",
    "Operations Director",
    "Head of HR",
    "Practice Manager",
    "Physician",
    "Dentist",
    "General Counsel",
    "Vice President, Sales",
    "Engineer",
    "Architect",
    "Retired",
    "Principal",
    "Chief Operating Officer",
    "Plant Manager",
    "Consultant",
    "Teacher",
]
CITIES = [
    "Boston",
    "Cambridge",
    "Newton",
    "Brookline",
    "Quincy",
    "Providence",
    "Worcester",
    "Portland",
    "Hartford",
    "Stamford",
    "Burlington",
    "Manchester",
    "Salem",
    "Lowell",
    "Springfield",
    "New Haven",
    "Concord",
    "Nashua",
    "Plymouth",
    "Framingham",
]
NOTES = [
    "Prefers e-mail to phone calls.",
    "Sits on the board of the local hospital.",
    "Plans to sell the business within five years.",
    "Two children in college.",
    "Keen golfer; plays Saturdays at Oak Hill.",
    "Met at the chamber of commerce breakfast.",
    "Recently widowed; take time.",
    "Expanding into a second location next year.",
    "",
]

CONNECTION_NOTES = [
    "Play tennis together on Thursdays.",
    "Sat on the same school board.",
    "Went through a business dispute in 2023.",
    "College roommates.",
    "Their companies share a supplier.",
    "Neighbours for ten years.",
    "",
]


BATCH = 5000


def _category_counts(total: int) -> dict[str, int]:
    clients = round(total * 0.2)
    partners = max(12, round(total * 0.008))
    prospects = round(total * 0.12)
    return {
        Person.Category.CLIENT: clients,
        Person.Category.PARTNER: partners,
        Person.Category.PROSPECT: prospects,
        Person.Category.CONTACT: total - clients - partners - prospects,
    }


def _slug(text: str) -> str:
    return text.lower().replace(" ", "").replace("'", "")


PERSON_FIELDS = (
    "practice",
    "first_name",
    "last_name",
    "title",
    "organization",
    "industry",
    "city",
    "notes",
    "category",
    "owner",
    "do_not_contact",
    "do_not_contact_since",
    "do_not_contact_reason",
    "legal_basis",
    "source",
    "source_detail",
    "sort_name",
    "created_at",
    "updated_at",
)


def _new_person(plan: DemoPlan, category: str, index: int, owner_ids: list[int]):
    """One person as a row of PERSON_FIELDS, with their e-mails and phones."""
    rng = plan.rng
    first, last = rng.choice(FIRST), rng.choice(LAST).replace("-", " ")
    industry, suffix = rng.choice(ORG_KINDS)
    organization = f"{rng.choice(ORG_WORDS)} {suffix}" if rng.random() < 0.85 else ""
    domain = _slug(organization.split()[0]) if organization else "mail"
    emails = []
    if rng.random() < 0.88:
        emails.append(f"{_slug(first)}.{_slug(last)}.{index}@{domain}.example")
    if rng.random() < 0.15:
        emails.append(f"{_slug(first[0] + last)}{index}@home.example")
    phones = [f"+1 (617) 555-{index % 10000:04d}"] if rng.random() < 0.7 else []
    dnc = rng.random() < 0.03
    if category == Person.Category.CLIENT:
        basis = Person.LegalBasis.CONTRACT
    else:
        basis = rng.choice([Person.LegalBasis.LEGITIMATE_INTEREST, Person.LegalBasis.CONSENT])
    source = rng.choice(
        [
            Person.Source.INTRODUCTION,
            Person.Source.DIRECT,
            Person.Source.EVENT,
            Person.Source.PARTNER,
            Person.Source.IMPORT,
        ]
    )
    created = _aware_days_ago(plan, rng.randint(30, 900))
    row = (
        plan.practice.pk,
        first,
        last,
        rng.choice(TITLES),
        organization,
        industry,
        rng.choice(CITIES),
        rng.choice(NOTES),
        category,
        rng.choice(owner_ids),
        dnc,
        plan.today - timedelta(days=rng.randint(10, 400)) if dnc else None,
        "Asked not to be contacted by phone or e-mail." if dnc else "",
        basis,
        source,
        "",
        f"{last} {first}".lower(),
        created,
        created,
    )
    return row, emails, phones


def _aware_days_ago(plan: DemoPlan, days: int):
    return datetime.combine(plan.today - timedelta(days=days), time(10), tzinfo=plan.practice.zone)


def build(practice, plan: DemoPlan) -> None:
    owner_ids = [user.pk for user in plan.professionals]
    ids: dict[str, list[int]] = {}
    index = 0
    for category, count in _category_counts(plan.people).items():
        ids[category] = []
        for start in range(0, count, BATCH):
            batch = [
                _new_person(plan, category, index + i, owner_ids)
                for i in range(min(BATCH, count - start))
            ]
            index += len(batch)
            insert_rows(Person, PERSON_FIELDS, (row for row, _e, _p in batch))
            created = inserted_ids(Person, practice, len(batch))
            ids[category].extend(created)
            _insert_contact_points(practice, created, batch)
            plan.progress("people", index, plan.people)
    plan.shared["people"] = ids
    _build_briefs(practice, plan, ids)
    _build_connections(practice, plan, ids)


def _insert_contact_points(practice, person_ids: list[int], batch) -> None:
    now = timezone.now()
    emails, phones, terms = [], [], []
    for pid, (row, person_emails, person_phones) in zip(person_ids, batch, strict=True):
        emails += [(practice.pk, pid, a, i, now, now) for i, a in enumerate(person_emails)]
        phones += [
            (practice.pk, pid, n, normalize_phone(n), i, now, now)
            for i, n in enumerate(person_phones)
        ]
        first, last, organization = row[1], row[2], row[4]
        terms += [
            (practice.pk, pid, t) for t in terms_for(first, last, organization, person_emails)
        ]
    insert_rows(
        EmailAddress,
        ("practice", "person", "address", "position", "created_at", "updated_at"),
        emails,
    )
    insert_rows(
        Phone,
        ("practice", "person", "number", "normalized", "position", "created_at", "updated_at"),
        phones,
    )
    insert_rows(SearchTerm, ("practice", "person", "term"), terms)


def _build_briefs(practice, plan: DemoPlan, ids) -> None:
    rng = plan.rng
    prospects = ids[Person.Category.PROSPECT]
    chosen = rng.sample(prospects, k=min(len(prospects), max(20, len(prospects) // 4)))
    now = timezone.now()
    insert_rows(
        ResearchBrief,
        (
            "practice",
            "person",
            "industry",
            "market",
            "competitors",
            "notes",
            "created_at",
            "updated_at",
        ),
        (
            (
                practice.pk,
                pid,
                rng.choice(
                    [
                        "Consolidating fast; margins under pressure.",
                        "Steady, regulated, slow to change.",
                        "Growing 10% a year; hiring is the bottleneck.",
                    ]
                ),
                rng.choice(
                    [
                        "Regional, mostly New England.",
                        "National, B2B.",
                        "Local families and small businesses.",
                    ]
                ),
                rng.choice(
                    [
                        "Two national chains and a local co-op.",
                        "Private-equity backed roll-ups.",
                        "Mostly small independents.",
                    ]
                ),
                "Ask about succession plans." if rng.random() < 0.5 else "",
                now,
                now,
            )
            for pid in chosen
        ),
    )


def _build_connections(practice, plan: DemoPlan, ids) -> None:
    """Every client knows a handful of people (so the ladder has someone to propose);
    the rest of the web is random pairs, about 2.5 connections per person."""
    rng = plan.rng
    everyone = [pid for group in ids.values() for pid in group]
    others = ids[Person.Category.PROSPECT] + ids[Person.Category.CONTACT]
    target = round(plan.people * 2.5)
    pairs: set[tuple[int, int]] = set()
    for client in ids[Person.Category.CLIENT]:
        for other in rng.sample(others, k=min(len(others), rng.randint(2, 6))):
            pairs.add((min(client, other), max(client, other)))
    while len(pairs) < target:
        a, b = rng.choice(everyone), rng.choice(everyone)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    kinds = [k for k, _ in Connection.Kind.choices]
    now = timezone.now()
    fields = (
        "practice",
        "person_a",
        "person_b",
        "kind",
        "closeness",
        "sentiment",
        "notes",
        "noted_on",
        "created_at",
        "updated_at",
    )
    ordered = sorted(pairs)
    for start in range(0, len(ordered), BATCH * 5):
        chunk = ordered[start : start + BATCH * 5]
        insert_rows(
            Connection,
            fields,
            (
                (
                    practice.pk,
                    a,
                    b,
                    rng.choice(kinds),
                    rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 3, 2])[0],
                    rng.choices(["positive", "neutral", "negative"], weights=[6, 3, 1])[0],
                    rng.choice(CONNECTION_NOTES),
                    plan.today - timedelta(days=rng.randint(1, 700)),
                    now,
                    now,
                )
                for a, b in chunk
            ),
        )
        plan.progress("connections", start + len(chunk), len(ordered))
