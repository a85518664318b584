"""Eighteen months of introductions for the demo practice: every stage, kind and method,
letters at each state with the calls they promised, feedback given and owed, and a
few same-day contacts missed. Bulk inserts, so a firm-scale build stays quick."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from referable.clients.models import IntroductionProfile
from referable.introductions import clock, letters
from referable.introductions.approach import suggest_approach
from referable.introductions.models import (
    CoachRule,
    ComplianceSettings,
    DisclosureRecord,
    FeedbackDebt,
    HeldEmail,
    Letter,
    LetterTemplate,
    LetterVersion,
    Method,
    PipelineSettings,
    Referral,
    ReviewRecord,
    ScheduledCall,
    Stage,
    StageChange,
)
from referable.people.models import Connection, Person
from referable.practices.bulk import insert_instances, insert_rows
from referable.practices.demo import DemoPlan
from referable.practices.roles import Role

BATCH = 2000
DAYS = 548  # eighteen months

REASONS = [
    "Selling the family business in the next two years and worried about taxes.",
    "Just inherited and does not know where to start.",
    "Their current adviser retired; they liked how we handled the estate plan.",
    "New CFO, wants a second opinion on the pension plan.",
    "Opening a second practice and needs help with the numbers.",
    "Asked at dinner who looks after our affairs.",
    "Going through a divorce; needs someone calm and careful.",
    "",
]
WHAT_WE_DID = [
    "Over the past three years Priya reorganised our savings and the children's education fund, and every quarter she tells us plainly where we stand.",
    "When we sold the workshop, they planned the sale so that far less went in tax than we had feared.",
    "They set up the pension plan for our twelve employees and still answer every question the same day.",
]
WHY_MEET = [
    "You mentioned you are thinking about selling the company; they have done this many times and ask the right questions.",
    "I think you would enjoy a conversation with someone who explains things as clearly as they do.",
    "You told me your adviser is retiring; this is who I would call in your place.",
]
OUTCOME_NOTES = {
    Stage.CONTACTED: "Called the same day; we spoke for twenty minutes.",
    Stage.MET: "We met for coffee; thank you again for thinking of us.",
    Stage.ENGAGED: "They have decided to work with us. Thank you.",
    Stage.NOT_A_FIT: "We talked openly; we are not the right fit for them now.",
    Stage.NO_RESPONSE: "Three calls and an e-mail, no answer yet. I will not press.",
}
PATH = [Stage.RECEIVED, Stage.CONTACTED, Stage.MEETING_SET, Stage.MET]


def _final_stage(rng, age_days: int) -> str:
    if age_days < 2:
        return rng.choice([Stage.RECEIVED, Stage.RECEIVED, Stage.CONTACTED])
    if age_days < 30:
        return rng.choices(
            [
                Stage.RECEIVED,
                Stage.CONTACTED,
                Stage.MEETING_SET,
                Stage.MET,
                Stage.ENGAGED,
                Stage.NO_RESPONSE,
            ],
            weights=[1, 3, 3, 2, 1, 1],
        )[0]
    return rng.choices(
        [
            Stage.CONTACTED,
            Stage.MEETING_SET,
            Stage.MET,
            Stage.ENGAGED,
            Stage.NOT_A_FIT,
            Stage.NO_RESPONSE,
        ],
        weights=[1, 1, 1, 4, 3, 2],
    )[0]


def _path_to(stage: str) -> list[str]:
    if stage in PATH:
        return PATH[: PATH.index(stage) + 1]
    if stage == Stage.NO_RESPONSE:
        return [Stage.RECEIVED, Stage.NO_RESPONSE]
    if stage == Stage.NOT_A_FIT:
        return [Stage.RECEIVED, Stage.CONTACTED, Stage.MEETING_SET, Stage.MET, Stage.NOT_A_FIT]
    return [*PATH, Stage.ENGAGED]


def build(practice, plan: DemoPlan) -> None:
    rng = plan.rng
    zone = practice.zone
    pipeline = PipelineSettings.objects.create(practice=practice)
    ComplianceSettings.objects.create(practice=practice)
    policy = clock.Policy(zone=zone, day_starts=pipeline.day_starts, day_ends=pipeline.day_ends)
    template = LetterTemplate.objects.create(
        practice=practice,
        name=letters.DEFAULT_TEMPLATE_NAME,
        subject=letters.DEFAULT_SUBJECT,
        body=letters.DEFAULT_BODY,
        is_default=True,
    )
    CoachRule.objects.create(
        practice=practice,
        phrase="cheap",
        suggestion="good value",
        explanation="We never compete on price.",
    )
    people = plan.shared.get("people", {})
    clients = people.get(Person.Category.CLIENT, [])
    partners = people.get(Person.Category.PARTNER, [])
    contacts = people.get(Person.Category.CONTACT, [])
    prospects = people.get(Person.Category.PROSPECT, [])
    blocked = set(Person.objects.filter(do_not_contact=True).values_list("id", flat=True))
    prospects = [p for p in prospects if p not in blocked] or [
        c for c in contacts if c not in blocked
    ]
    connections = {
        (a, b): (cid, sentiment, closeness)
        for cid, a, b, sentiment, closeness in Connection.objects.values_list(
            "id", "person_a_id", "person_b_id", "sentiment", "closeness"
        ).iterator(chunk_size=10000)
    }
    professionals = plan.professionals + plan.users.get(Role.OWNER, [])
    demo_user = plan.demo_user
    now = datetime.combine(plan.today, time(11, 0), tzinfo=zone)
    total = max(40, round(300 * plan.scale))
    client_ids = set(clients)
    profiles = list(IntroductionProfile.objects.order_by("id").values_list("id", flat=True))

    referrals: list[Referral] = []
    for index in range(total):
        pick = rng.random()
        pool = (
            clients
            if pick < 0.7 or not (partners or contacts)
            else (partners if pick < 0.85 and partners else contacts)
        )
        referrer = rng.choice(pool)
        prospect = rng.choice(prospects)
        if prospect == referrer:
            continue
        # the newest few are today's, so the board always has something due
        age = index % 4 if index < 8 else rng.randint(0, DAYS)
        received = (now - timedelta(days=age)).replace(
            hour=rng.randint(7, 19), minute=rng.choice([0, 10, 25, 40, 55])
        )
        if received > now:
            received = now - timedelta(minutes=30 + index)
        pair = (min(referrer, prospect), max(referrer, prospect))
        link = connections.get(pair)
        approach = suggest_approach(link[1] if link else None, link[2] if link else None)
        kind = rng.choices(
            [Referral.Kind.INTRODUCTION, Referral.Kind.RECOMMENDATION], weights=[3, 2]
        )[0]
        method = approach.method if rng.random() < 0.6 else rng.choice(Method.values)
        owner = demo_user if rng.random() < 0.35 else rng.choice(professionals)
        stage = _final_stage(rng, age)
        source = (
            Referral.Source.PARTNER
            if pool is partners
            else rng.choice(
                [Referral.Source.DIRECT] * 2 + [Referral.Source.EVENT, Referral.Source.PROFILE]
            )
        )
        referrals.append(
            Referral(
                practice=practice,
                referrer_id=referrer,
                referrer_kind=(
                    Referral.ReferrerKind.CLIENT
                    if referrer in client_ids
                    else Referral.ReferrerKind.PARTNER
                    if pool is partners
                    else Referral.ReferrerKind.OTHER
                ),
                prospect_id=prospect,
                kind=kind,
                method=method,
                connection_id=link[0] if link else None,
                approach=approach.label,
                suggested_method=approach.method,
                reason=rng.choice(REASONS),
                source=source,
                source_profile_id=rng.choice(profiles)
                if source == Referral.Source.PROFILE and profiles
                else None,
                owner=owner,
                solicited=rng.random() < 0.3,
                stage=stage,
                stage_changed_at=received,
                received_at=received,
                first_contact_due_at=clock.first_contact_due(received, policy),
                created_at=received,
                privacy_notice_due=True,
            )
        )
    _apply_histories(plan, referrals, now)
    for start in range(0, len(referrals), BATCH):
        insert_instances(referrals[start : start + BATCH])
        plan.progress("introductions", min(start + BATCH, len(referrals)), len(referrals))
    _build_children(practice, plan, referrals, template, now)
    plan.shared["introductions"] = {"referrals": [r.pk for r in referrals]}


def _apply_histories(plan: DemoPlan, referrals: list[Referral], now: datetime) -> None:
    """Timestamps for each step; about one in eight first contacts comes late."""
    rng = plan.rng
    for referral in referrals:
        path = _path_to(referral.stage)
        at = referral.received_at
        steps = []
        for stage in path[1:]:
            if not steps:
                late = rng.random() < 0.12
                gap = (
                    timedelta(hours=rng.randint(20, 60))
                    if late
                    else timedelta(minutes=rng.randint(15, 300))
                )
                at = min(
                    at + gap,
                    referral.first_contact_due_at + gap if late else referral.first_contact_due_at,
                )
            else:
                at = at + timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 5))
            if at > now:
                break
            steps.append((stage, at))
        if len(steps) < len(path) - 1:  # the history ran into today: stop where it is
            referral.stage = steps[-1][0] if steps else Stage.RECEIVED
        referral._steps = steps
        if steps:
            referral.first_contacted_at = steps[0][1]
            referral.contacted_late = steps[0][1] > referral.first_contact_due_at
            referral.stage_changed_at = steps[-1][1]
            referral.privacy_notice_given_at = steps[0][1] if rng.random() < 0.9 else None
            referral.privacy_notice_how = (
                "told at first contact" if referral.privacy_notice_given_at else ""
            )
        if referral.stage == Stage.ENGAGED:
            referral.value = Decimal(rng.choice([1500, 2500, 4000, 7500, 12000, 25000]))


OWING_FEEDBACK = (Stage.CONTACTED, Stage.MET, Stage.ENGAGED, Stage.NOT_A_FIT, Stage.NO_RESPONSE)
STAGE_CHANGE_FIELDS = (
    "practice",
    "referral",
    "at",
    "by",
    "from_stage",
    "to_stage",
    "reason",
    "created_at",
    "updated_at",
)
DEBT_FIELDS = (
    "practice",
    "referral",
    "referrer",
    "kind",
    "outcome",
    "owed_since",
    "paid_at",
    "paid_by",
    "paid_how",
    "note",
    "created_at",
    "updated_at",
    "owner",
)


def _build_children(
    practice, plan: DemoPlan, referrals: list[Referral], template, now: datetime
) -> None:
    rng = plan.rng
    pk, stamp = practice.pk, timezone.now()
    changes, debts, letters_, calls = [], [], [], []
    for referral in referrals:
        by = referral.owner_id
        changes.append((pk, referral.pk, referral.received_at, by, "", Stage.RECEIVED, ""))
        previous = Stage.RECEIVED
        for stage, at in referral._steps:
            changes.append((pk, referral.pk, at, by, previous, stage, ""))
            previous = stage
            if stage in OWING_FEEDBACK:
                paid = (now - at).days > 10 and rng.random() < 0.85 or rng.random() < 0.4
                debts.append(
                    (
                        referral,
                        FeedbackDebt.Kind.FEEDBACK,
                        stage,
                        at,
                        at + timedelta(days=rng.randint(0, 4)) if paid else None,
                        by if paid else None,
                        rng.choice(["note", "email"]) if paid else "",
                        OUTCOME_NOTES[stage] if paid else "",
                    )
                )
        thanked = referral._steps and rng.random() < 0.8
        debts.append(
            (
                referral,
                FeedbackDebt.Kind.THANK_YOU,
                "",
                referral.received_at,
                referral.received_at + timedelta(days=1) if thanked else None,
                by if thanked else None,
                "note" if thanked else "",
                "Thanked them by phone." if thanked else "",
            )
        )
        if referral.method == Method.LETTER or len(letters_) < 3:
            letters_.append(
                _letter_for(practice, plan, referral, template, now, waiting=len(letters_) % 2 == 0)
            )
    # the bulk of a firm's pipeline history: plain rows rather than model instances
    insert_rows(StageChange, STAGE_CHANGE_FIELDS, ((*row, stamp, stamp) for row in changes))
    insert_rows(
        FeedbackDebt,
        DEBT_FIELDS,
        (
            (pk, referral.pk, referral.referrer_id, *rest, stamp, stamp, referral.owner_id)
            for referral, *rest in debts
        ),
    )
    insert_instances(letters_)
    versions, disclosures = [], []
    for letter in letters_:
        if letter.state == Letter.State.DRAFT:
            continue
        versions.append(
            LetterVersion(
                practice=practice,
                letter=letter,
                number=1,
                event=LetterVersion.Event.SENT_FOR_SIGNATURE,
                subject="An introduction",
                body=letter.what_we_did,
                call_at=letter.call_at,
                frozen_at=letter.created_at + timedelta(hours=2),
            )
        )
        if letter.signed_at:
            versions.append(
                LetterVersion(
                    practice=practice,
                    letter=letter,
                    number=1,
                    event=LetterVersion.Event.SIGNED,
                    subject="An introduction",
                    body=letter.what_we_did,
                    call_at=letter.call_at,
                    frozen_at=letter.signed_at,
                )
            )
            calls.append(_call_for(practice, plan, letter, now))
        if letter.delivered_at and letter.disclosure:
            disclosures.append(
                DisclosureRecord(
                    practice=practice,
                    referral=letter.referral,
                    letter=letter,
                    person_id=letter.referral.prospect_id,
                    kind=DisclosureRecord.Kind.TESTIMONIAL
                    if letter.referral.referrer_kind == Referral.ReferrerKind.CLIENT
                    else DisclosureRecord.Kind.ENDORSEMENT,
                    text=letter.disclosure,
                    given_at=letter.delivered_at,
                    how="in the letter of introduction",
                )
            )
    for referral in referrals:
        if (
            referral.method in (Method.INTRODUCTORY_CALL, Method.THREE_WAY_MEETING)
            and referral._steps
        ):
            at = referral._steps[0][1] + timedelta(days=rng.randint(1, 6))
            at = at.replace(hour=rng.choice([9, 12, 13, 16]), minute=rng.choice([0, 30]))
            calls.append(
                ScheduledCall(
                    practice=practice,
                    referral=referral,
                    kind=ScheduledCall.Kind.THREE_WAY_MEETING
                    if referral.method == Method.THREE_WAY_MEETING
                    else ScheduledCall.Kind.INTRODUCTORY_CALL,
                    at=at,
                    duration_minutes=60 if referral.method == Method.THREE_WAY_MEETING else 30,
                    location="Café Aurora, 12 Harbor Street"
                    if referral.method == Method.THREE_WAY_MEETING
                    else "",
                    professional=referral.owner,
                    status=_call_status(rng, at, now),
                    called_at=at if at < now else None,
                    logged_at=at + timedelta(minutes=40) if at < now else None,
                    created_at=referral._steps[0][1],
                )
            )
    insert_instances(versions)
    insert_instances(calls)
    insert_instances(disclosures)
    _held_and_reviewed(practice, plan, letters_)


def _call_status(rng, at: datetime, now: datetime) -> str:
    if at > now:
        return ScheduledCall.Status.SCHEDULED
    return ScheduledCall.Status.KEPT if rng.random() < 0.9 else ScheduledCall.Status.MISSED


def _letter_for(
    practice, plan: DemoPlan, referral: Referral, template, now: datetime, *, waiting: bool
) -> Letter:
    rng = plan.rng
    first = referral._steps[0][1] if referral._steps else None
    drafted = referral.received_at + timedelta(hours=2)
    call_at = (drafted + timedelta(days=rng.randint(3, 8))).replace(
        hour=rng.choice([9, 10, 11, 14, 15]), minute=rng.choice([0, 15, 30, 45])
    )
    if first is None:
        # not contacted yet: half the letters are drafts, half wait for the client
        state = Letter.State.AWAITING_SIGNATURE if waiting else Letter.State.DRAFT
        call_at = max(call_at, now + timedelta(days=rng.randint(2, 6)))
        call_at = call_at.replace(hour=10, minute=30)
    else:
        state = Letter.State.DELIVERED if rng.random() < 0.8 else Letter.State.SIGNED
    signed = (
        drafted + timedelta(days=1)
        if state in (Letter.State.SIGNED, Letter.State.DELIVERED)
        else None
    )
    delivered = drafted + timedelta(days=2) if state == Letter.State.DELIVERED else None
    disclosure = ""
    if referral.solicited:
        disclosure = (
            "The writer was asked by the practice whether they would make this introduction "
            "and receives no payment for it."
        )
    return Letter(
        practice=practice,
        referral=referral,
        template=template,
        state=state,
        what_we_did=rng.choice(WHAT_WE_DID),
        why_meet=rng.choice(WHY_MEET),
        call_at=call_at,
        subject=template.subject,
        body=template.body,
        disclosure=disclosure,
        signed_at=signed,
        delivered_at=delivered,
        delivered_how=rng.choice(["email", "by_client", "post"]) if delivered else "",
        prospect_address="",
        created_by=referral.owner,
        created_at=drafted,
    )


def _call_for(practice, plan: DemoPlan, letter: Letter, now: datetime) -> ScheduledCall:
    at = letter.call_at
    status = _call_status(plan.rng, at, now)
    return ScheduledCall(
        practice=practice,
        referral=letter.referral,
        letter=letter,
        kind=ScheduledCall.Kind.EXACT_TIME_CALL,
        at=at,
        professional=letter.referral.owner,
        status=status,
        called_at=at + timedelta(minutes=plan.rng.randint(0, 5)) if status == "kept" else None,
        logged_at=at + timedelta(minutes=30) if status == "kept" else None,
        outcome_note="Called at the minute promised." if status == "kept" else "",
        created_at=letter.signed_at,
    )


def _held_and_reviewed(practice, plan: DemoPlan, letters_: list[Letter]) -> None:
    """A couple of e-mails waiting for the compliance reviewer, and past reviews."""
    waiting = [letter for letter in letters_ if letter.state == Letter.State.AWAITING_SIGNATURE][
        :2
    ] or letters_[:1]
    reviewer = (plan.users.get(Role.COMPLIANCE) or plan.users.get(Role.OWNER))[0]
    held = [
        HeldEmail(
            practice=practice,
            referral=letter.referral,
            letter=letter,
            purpose="letter_for_signature",
            to=[f"client{letter.referral.referrer_id}@mail.example"],
            subject="For your signature: an introduction",
            text="Dear client,\n\nI drafted the letter of introduction; it is attached.",
            requested_by=letter.referral.owner,
            person_id=letter.referral.referrer_id,
        )
        for letter in waiting
    ]
    approved = HeldEmail(
        practice=practice,
        referral=letters_[-1].referral,
        letter=letters_[-1],
        purpose="letter_delivery",
        to=["prospect@mail.example"],
        subject="An introduction",
        text="(the letter)",
        state=HeldEmail.State.APPROVED,
        requested_by=letters_[-1].referral.owner,
    )
    HeldEmail.objects.bulk_create([*held, approved])
    ReviewRecord.objects.create(
        practice=practice,
        reviewer=reviewer,
        reviewer_name=f"{reviewer} <{reviewer.email}>",
        item_type=ContentType.objects.get_for_model(HeldEmail),
        item_id=approved.pk,
        item_label=approved.subject,
        action=ReviewRecord.Action.APPROVED,
        comment="Disclosure present; fine to send.",
    )
