"""Demo people and who knows whom: realistic names, organizations and a web of
connections of every kind and sentiment, built with bulk inserts so that
``referable demo --people 200000`` finishes in well under two minutes."""

from datetime import timedelta

from referable.people.models import (
    Connection,
    EmailAddress,
    Person,
    Phone,
    ResearchBrief,
    normalize_phone,
)
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


def _new_person(
    plan: DemoPlan, practice, category: str, index: int, owners
) -> tuple[Person, list[str], list[str]]:
    rng = plan.rng
    first, last = rng.choice(FIRST), rng.choice(LAST).replace("-", " ")
    industry, suffix = rng.choice(ORG_KINDS)
    organization = f"{rng.choice(ORG_WORDS)} {suffix}" if rng.random() < 0.85 else ""
    emails = []
    if rng.random() < 0.88:
        emails.append(
            f"{first}.{last}.{index}@{'mail' if not organization else organization.split()[0]}.example".lower()
            .replace(" ", "")
            .replace("'", "")
        )
    if rng.random() < 0.15:
        emails.append(
            f"{first[0]}{last}{index}@home.example".lower().replace(" ", "").replace("'", "")
        )
    phones = [f"+1 (617) 555-{index % 10000:04d}"] if rng.random() < 0.7 else []
    dnc = rng.random() < 0.03
    person = Person(
        practice=practice,
        first_name=first,
        last_name=last,
        title=rng.choice(TITLES),
        organization=organization,
        industry=industry,
        city=rng.choice(CITIES),
        notes=rng.choice(NOTES),
        category=category,
        owner=rng.choice(owners),
        do_not_contact=dnc,
        do_not_contact_since=plan.today - timedelta(days=rng.randint(10, 400)) if dnc else None,
        do_not_contact_reason="Asked not to be contacted by phone or e-mail." if dnc else "",
        legal_basis=(
            Person.LegalBasis.CONTRACT
            if category == Person.Category.CLIENT
            else rng.choice([Person.LegalBasis.LEGITIMATE_INTEREST, Person.LegalBasis.CONSENT])
        ),
        source=rng.choice(
            [
                Person.Source.INTRODUCTION,
                Person.Source.DIRECT,
                Person.Source.EVENT,
                Person.Source.PARTNER,
                Person.Source.IMPORT,
            ]
        ),
        created_at=_aware_days_ago(plan, rng.randint(30, 900)),
    )
    person.refresh_denormalized(emails)
    return person, emails, phones


def _aware_days_ago(plan: DemoPlan, days: int):
    from datetime import datetime, time

    return datetime.combine(plan.today - timedelta(days=days), time(10), tzinfo=plan.practice.zone)


BATCH = 2000


def build(practice, plan: DemoPlan) -> None:
    owners = plan.professionals
    counts = _category_counts(plan.people)
    ids: dict[str, list[int]] = {}
    index = 0
    for category, count in counts.items():
        ids[category] = []
        for start in range(0, count, BATCH):
            rows = [
                _new_person(plan, practice, category, index + i, owners)
                for i in range(min(BATCH, count - start))
            ]
            index += len(rows)
            created = Person.objects.bulk_create([row[0] for row in rows], batch_size=BATCH)
            ids[category].extend(p.pk for p in created)
            _bulk_contact_points(practice, created, rows)
            plan.progress("people", index, plan.people)
    plan.shared["people"] = ids
    _build_briefs(practice, plan, ids)
    _build_connections(practice, plan, ids)


def _bulk_contact_points(practice, created, rows) -> None:
    emails, phones = [], []
    for person, (_p, person_emails, person_phones) in zip(created, rows, strict=True):
        emails += [
            EmailAddress(practice=practice, person=person, address=a, position=i)
            for i, a in enumerate(person_emails)
        ]
        phones += [
            Phone(
                practice=practice,
                person=person,
                number=n,
                normalized=normalize_phone(n),
                position=i,
            )
            for i, n in enumerate(person_phones)
        ]
    EmailAddress.objects.bulk_create(emails, batch_size=BATCH)
    Phone.objects.bulk_create(phones, batch_size=BATCH)


def _build_briefs(practice, plan: DemoPlan, ids) -> None:
    rng = plan.rng
    prospects = ids[Person.Category.PROSPECT]
    chosen = rng.sample(prospects, k=min(len(prospects), max(20, len(prospects) // 4)))
    ResearchBrief.objects.bulk_create(
        [
            ResearchBrief(
                practice=practice,
                person_id=pid,
                industry=rng.choice(
                    [
                        "Consolidating fast; margins under pressure.",
                        "Steady, regulated, slow to change.",
                        "Growing 10% a year; hiring is the bottleneck.",
                    ]
                ),
                market=rng.choice(
                    [
                        "Regional, mostly New England.",
                        "National, B2B.",
                        "Local families and small businesses.",
                    ]
                ),
                competitors=rng.choice(
                    [
                        "Two national chains and a local co-op.",
                        "Private-equity backed roll-ups.",
                        "Mostly small independents.",
                    ]
                ),
                notes="Ask about succession plans." if rng.random() < 0.5 else "",
            )
            for pid in chosen
        ],
        batch_size=BATCH,
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
    batch: list[Connection] = []
    done = 0
    for a, b in sorted(pairs):
        batch.append(
            Connection(
                practice=practice,
                person_a_id=a,
                person_b_id=b,
                kind=rng.choice(kinds),
                closeness=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 3, 3, 2])[0],
                sentiment=rng.choices(["positive", "neutral", "negative"], weights=[6, 3, 1])[0],
                notes=rng.choice(CONNECTION_NOTES),
                noted_on=plan.today - timedelta(days=rng.randint(1, 700)),
            )
        )
        if len(batch) >= BATCH:
            Connection.objects.bulk_create(batch, batch_size=BATCH)
            done += len(batch)
            batch = []
            plan.progress("connections", done, len(pairs))
    Connection.objects.bulk_create(batch, batch_size=BATCH)
    plan.progress("connections", len(pairs), len(pairs))
