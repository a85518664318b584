"""Demo partners: the attorney, the CPA, the planner… with lopsided and balanced
ledgers, outbound referrals at every stage, lunches on and off cadence, and gifts
(one partner over the threshold without a written agreement)."""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

from referable.introductions.models import Referral
from referable.partners.models import (
    CompensationAgreement,
    Gift,
    OutboundReferral,
    OutboundStage,
    PartnerMeeting,
    PartnerProfile,
    PartnerSettings,
    Profession,
)
from referable.people.models import Person
from referable.practices.demo import DemoPlan

MAX_PROFILES = 500
BATCH = 5000

#: (profession, firm word, niche, good referral, industries, needs, client size)
KINDS = [
    (
        Profession.ATTORNEY,
        "Law",
        "Estate planning for business owners",
        "A business owner over 55 with no succession plan, or a family with a "
        "blended estate. Not litigation.",
        "construction, dentistry, manufacturing",
        "estate plan, trust, succession, probate, will",
        "estates over $2M",
    ),
    (
        Profession.ACCOUNTANT,
        "CPA",
        "Tax planning for medical practices",
        "A physician or dentist who owns their practice and is unhappy with their "
        "current accountant's responsiveness.",
        "medicine, dentistry, veterinary",
        "tax, bookkeeping, practice valuation, payroll",
        "practices with 5-50 staff",
    ),
    (
        Profession.INSURANCE,
        "Insurance",
        "Key-person and buy-sell insurance",
        "Partners in a firm without a funded buy-sell agreement.",
        "professional services, construction",
        "life insurance, disability, buy-sell, key person",
        "firms of 2-20 partners",
    ),
    (
        Profession.BANKER,
        "Bank",
        "Commercial lending for family businesses",
        "A family business planning an expansion or an acquisition in the next year.",
        "manufacturing, logistics, hospitality",
        "loan, credit line, acquisition financing, treasury",
        "revenue $5M-$50M",
    ),
    (
        Profession.REAL_ESTATE,
        "Realty",
        "Downsizing retirees",
        "Empty-nesters selling the family home in the next two years.",
        "",
        "home sale, downsizing, relocation",
        "",
    ),
    (
        Profession.CONSULTANT,
        "Advisory",
        "Exit planning for founders",
        "A founder who wants to sell within five years and has never had the company valued.",
        "software, manufacturing, distribution",
        "exit plan, valuation, succession, sale",
        "companies worth $3M-$30M",
    ),
]


def build(practice, plan: DemoPlan) -> None:
    rng = plan.rng
    today = plan.today
    people = plan.shared.get("people", {})
    partner_people = people.get(Person.Category.PARTNER, [])[:MAX_PROFILES]
    PartnerSettings.objects.create(practice=practice)
    names = dict(Person.objects.filter(pk__in=partner_people).values_list("pk", "organization"))
    owners = plan.professionals or [None]
    profiles = []
    for index, person_id in enumerate(partner_people):
        kind = KINDS[index % len(KINDS)]
        profession, word, niche, good, industries, needs, size = kind
        since = today - timedelta(days=rng.randint(540, 1500))
        agreed = since + timedelta(days=rng.randint(0, 60))
        formal = rng.random() < 0.75
        paid = profession == Profession.ACCOUNTANT and rng.random() < 0.3
        profiles.append(
            PartnerProfile(
                practice=practice,
                person_id=person_id,
                profession=profession,
                firm=names.get(person_id) or f"{word} Partners",
                niche=niche,
                good_referral=good,
                criteria_industries=industries,
                criteria_needs=needs,
                criteria_client_size=size,
                same_day_response=formal,
                same_day_response_on=agreed if formal else None,
                feedback_every_referral=formal,
                feedback_every_referral_on=agreed if formal else None,
                reciprocity=formal or profession == Profession.ATTORNEY,
                reciprocity_on=agreed if formal or profession == Profession.ATTORNEY else None,
                fee_or_compensation=paid,
                fee_description="10% of the first year's fees, disclosed to the client"
                if paid
                else "",
                clients_told=profession in (Profession.ATTORNEY, Profession.ACCOUNTANT) or formal,
                not_exclusive=True,
                cadence_days=rng.choice([60, 90, 90, 90, 120, 180]),
                since=since,
                owner=owners[index % len(owners)] if index % 3 else plan.demo_user,
            )
        )
    for start in range(0, len(profiles), BATCH):
        PartnerProfile.objects.bulk_create(profiles[start : start + BATCH])
    profiles = list(PartnerProfile.objects.order_by("id"))
    _meetings(practice, plan, profiles)
    outbound = _outbound(practice, plan, profiles)
    _gifts(practice, plan, profiles)
    plan.shared["partners"] = {
        "profiles": [p.pk for p in profiles],
        "outbound": outbound,
    }


def _meetings(practice, plan: DemoPlan, profiles) -> None:
    rng = plan.rng
    meetings = []
    for index, profile in enumerate(profiles):
        # a third are overdue for lunch; a few were never met
        if index % 7 == 6:
            continue
        last = (
            rng.randint(5, profile.cadence_days - 5)
            if index % 3
            else rng.randint(profile.cadence_days + 5, profile.cadence_days + 120)
        )
        day = plan.today - timedelta(days=last)
        for _ in range(rng.randint(1, 4)):
            if day < profile.since:
                break
            meetings.append(
                PartnerMeeting(
                    practice=practice,
                    partner=profile,
                    kind=rng.choice(PartnerMeeting.Kind.values[:3]),
                    held_on=day,
                    notes=rng.choice(
                        [
                            "Talked through what a good referral is for each of us.",
                            "Caught up on the two clients we share.",
                            "",
                        ]
                    ),
                    by=profile.owner,
                )
            )
            day -= timedelta(days=profile.cadence_days + rng.randint(-10, 20))
    PartnerMeeting.objects.bulk_create(meetings, batch_size=BATCH)


def _outbound(practice, plan: DemoPlan, profiles) -> list[int]:
    """Shapes: a third balanced, a third where they send more, a third where we do."""
    rng = plan.rng
    people = plan.shared.get("people", {})
    blocked = set(Person.objects.filter(do_not_contact=True).values_list("pk", flat=True))
    pool = [
        pk
        for pk in people.get(Person.Category.CLIENT, []) + people.get(Person.Category.CONTACT, [])
        if pk not in blocked
    ]
    if not pool:
        return []
    received = Counter(
        Referral.objects.filter(referrer_id__in=[p.person_id for p in profiles]).values_list(
            "referrer_id", flat=True
        )
    )
    rows = []
    for index, profile in enumerate(profiles):
        got = received.get(profile.person_id, 0)
        shape = index % 3
        count = got if shape == 0 else (max(0, got - 3) // 2 if shape == 1 else got + 3)
        if index == 0:
            count = max(count, 3)
        needs = [n.strip() for n in profile.criteria_needs.split(",") if n.strip()] or ["advice"]
        for _ in range(count):
            sent_on = plan.today - timedelta(days=rng.randint(0, 500))
            age = (plan.today - sent_on).days
            if age < 20:
                stage = rng.choice([OutboundStage.SENT, OutboundStage.CONTACTED])
            elif age < 60:
                stage = rng.choice(
                    [OutboundStage.CONTACTED, OutboundStage.MET, OutboundStage.ENGAGED]
                )
            else:
                stage = rng.choices(
                    [
                        OutboundStage.ENGAGED,
                        OutboundStage.NOT_A_FIT,
                        OutboundStage.NO_RESPONSE,
                        OutboundStage.MET,
                    ],
                    weights=[5, 3, 2, 1],
                )[0]
            heard = stage != OutboundStage.SENT
            changed = min(plan.today, sent_on + timedelta(days=rng.randint(1, 40)))
            rows.append(
                OutboundReferral(
                    practice=practice,
                    partner=profile,
                    person_id=rng.choice(pool),
                    need=rng.choice(needs).capitalize(),
                    sent_on=sent_on,
                    stage=stage,
                    stage_changed_on=changed if heard else sent_on,
                    value=Decimal(rng.randrange(1500, 25000, 500))
                    if stage == OutboundStage.ENGAGED
                    else None,
                    last_feedback_on=changed if heard else None,
                    feedback=f"{changed:%-d %b %Y}: {OutboundStage(stage).label}." if heard else "",
                    by=profile.owner,
                )
            )
    created = OutboundReferral.objects.bulk_create(rows, batch_size=BATCH)
    return [row.pk for row in created]


def _gifts(practice, plan: DemoPlan, profiles) -> None:
    rng = plan.rng
    gifts = []
    for index, profile in enumerate(profiles[:40]):
        for _ in range(rng.randint(0, 2)):
            gifts.append(
                Gift(
                    practice=practice,
                    person_id=profile.person_id,
                    direction=Gift.Direction.GIVEN,
                    kind=Gift.Kind.GIFT,
                    value=Decimal(rng.choice([35, 50, 60, 75])),
                    given_on=plan.today - timedelta(days=rng.randint(10, 400)),
                    description=rng.choice(
                        ["Bottle of wine after the Miller introduction", "Thank-you lunch", "Book"]
                    ),
                )
            )
        if index == 1:
            # over the threshold, and no written agreement on file: the page warns
            gifts.append(
                Gift(
                    practice=practice,
                    person_id=profile.person_id,
                    direction=Gift.Direction.GIVEN,
                    kind=Gift.Kind.REFERRAL_FEE,
                    value=Decimal("1250.00"),
                    given_on=plan.today - timedelta(days=45),
                    description="Referral fee for the Okafor engagement",
                )
            )
        if index == 2:
            gifts.append(
                Gift(
                    practice=practice,
                    person_id=profile.person_id,
                    direction=Gift.Direction.RECEIVED,
                    kind=Gift.Kind.GIFT,
                    value=Decimal("80.00"),
                    given_on=plan.today - timedelta(days=30),
                    description="Concert tickets",
                )
            )
    Gift.objects.bulk_create(gifts)
    if len(profiles) > 3:
        CompensationAgreement.objects.create(
            practice=practice,
            person_id=profiles[3].person_id,
            signed_on=plan.today - timedelta(days=200),
            description="Solicitation agreement under the SEC marketing rule",
        )
        Gift.objects.create(
            practice=practice,
            person_id=profiles[3].person_id,
            direction=Gift.Direction.GIVEN,
            kind=Gift.Kind.REFERRAL_FEE,
            value=Decimal("1200.00"),
            given_on=plan.today - timedelta(days=100),
            description="Referral fee under the written agreement",
        )
