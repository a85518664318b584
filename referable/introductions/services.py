"""The rules of the introductions pipeline. Every write is one transaction that either
succeeds whole or raises ``ValidationError`` naming the field at fault; e-mails and jobs
are queued with ``transaction.on_commit`` so nothing leaves before the data is saved."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from referable.introductions import clock, letters
from referable.introductions.approach import suggest_approach
from referable.introductions.invitations import Attendee, call_ics
from referable.introductions.models import (
    OUTCOME_STAGES,
    STAGE_RANK,
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
from referable.people import services as people_services
from referable.people.models import Connection, Person

#: outcomes after which the referrer is owed news (seed 003: "even if nothing materialized")
FEEDBACK_OUTCOMES = (
    Stage.CONTACTED,
    Stage.MET,
    Stage.ENGAGED,
    Stage.NOT_A_FIT,
    Stage.NO_RESPONSE,
)
#: a debt of feedback open longer than this counts as a promise missed
FEEDBACK_DUE_DAYS = 7
CLOCK_SKEW = timedelta(minutes=2)


# -- settings ------------------------------------------------------------------------


def pipeline_settings(practice) -> PipelineSettings:
    practice_id = getattr(practice, "pk", practice)
    found = PipelineSettings.objects.filter(practice_id=practice_id).first()
    return found or PipelineSettings.objects.create(practice_id=practice_id)


def compliance_settings(practice) -> ComplianceSettings:
    practice_id = getattr(practice, "pk", practice)
    found = ComplianceSettings.objects.filter(practice_id=practice_id).first()
    return found or ComplianceSettings.objects.create(practice_id=practice_id)


def policy_for(practice, pipeline: PipelineSettings | None = None) -> clock.Policy:
    pipeline = pipeline or pipeline_settings(practice)
    return clock.Policy(
        mode=pipeline.policy,
        amount=pipeline.amount,
        zone=practice.zone,
        day_starts=pipeline.day_starts,
        day_ends=pipeline.day_ends,
        working_days=frozenset(int(d) for d in pipeline.working_days),
    )


@transaction.atomic
def save_pipeline_settings(practice, data: dict, *, by=None) -> PipelineSettings:
    pipeline = pipeline_settings(practice)
    for field, value in data.items():
        setattr(pipeline, field, value)
    days = "".join(sorted(set(str(pipeline.working_days))))
    if not days or any(d not in "0123456" for d in days):
        raise ValidationError({"working_days": "Choose at least one working day."})
    pipeline.working_days = days
    if pipeline.day_starts >= pipeline.day_ends:
        raise ValidationError({"day_ends": "The working day must end after it starts."})
    pipeline.full_clean(exclude=["practice"])
    pipeline.save()
    return pipeline


@transaction.atomic
def save_compliance_settings(practice, data: dict, *, by=None) -> ComplianceSettings:
    compliance = compliance_settings(practice)
    for field, value in data.items():
        setattr(compliance, field, value)
    for field in ("disclosure_text", "privacy_notice_text"):
        _validate_simple_placeholders(
            getattr(compliance, field),
            field,
            {"referrer_name", "practice_name", "referrer_status"},
        )
    compliance.full_clean(exclude=["practice"])
    compliance.save()
    return compliance


def _validate_simple_placeholders(text: str, field: str, allowed: set[str]) -> None:
    for name in letters.placeholders_in(text):
        if name not in allowed:
            known = ", ".join("{" + a + "}" for a in sorted(allowed))
            raise ValidationError({field: f"Unknown placeholder {{{name}}}. Use one of: {known}."})


# -- recording a referral --------------------------------------------------------------


def referrer_kind_of(person: Person) -> str:
    if person.category == Person.Category.PARTNER:
        return Referral.ReferrerKind.PARTNER
    if person.category == Person.Category.CLIENT or getattr(person, "client", None) is not None:
        return Referral.ReferrerKind.CLIENT
    return Referral.ReferrerKind.OTHER


def _ensure_contactable(prospect: Person, field: str = "prospect") -> None:
    if prospect.do_not_contact:
        raise ValidationError({field: f"{prospect.do_not_contact_message()} Outreach is refused."})


def _now_or(at: datetime | None, field: str, *, not_before: datetime | None = None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now + CLOCK_SKEW:
        raise ValidationError({field: "This cannot be in the future."})
    if not_before is not None and at < not_before:
        raise ValidationError({field: f"This cannot be before {not_before:%-d %B %Y %H:%M}."})
    return at


CONNECTION_KEYS = ("kind", "closeness", "sentiment")


@transaction.atomic
def record_referral(
    practice,
    *,
    referrer: Person | None,
    prospect: Person | None = None,
    new_prospect: dict | None = None,
    prospect_emails: list[str] = (),
    prospect_phones: list[str] = (),
    kind: str = Referral.Kind.INTRODUCTION,
    method: str = "",
    connection: dict | None = None,
    reason: str = "",
    source: str = Referral.Source.DIRECT,
    source_detail: str = "",
    source_profile=None,
    owner=None,
    solicited: bool = False,
    received_at: datetime | None = None,
    notes: str = "",
    by=None,
) -> Referral:
    """A referral as the professional hears of it: the prospect is found or created on
    the spot, and what the two have to do with each other is kept on their connection."""
    if referrer is None:
        raise ValidationError({"referrer": "Choose who made the introduction."})
    if prospect is None and not new_prospect:
        raise ValidationError({"prospect": "Choose the prospect, or give a new one's name."})
    if prospect is not None:
        if prospect.pk == referrer.pk:
            raise ValidationError({"prospect": "The referrer cannot introduce themselves."})
        _ensure_contactable(prospect)
    else:
        data = {
            "category": Person.Category.PROSPECT,
            "source": Person.Source.PARTNER
            if referrer.category == Person.Category.PARTNER
            else Person.Source.INTRODUCTION,
            "source_person": referrer,
            "legal_basis": Person.LegalBasis.LEGITIMATE_INTEREST,
            "owner": owner,
            **new_prospect,
        }
        try:
            prospect = people_services.create_person(
                practice, data, emails=list(prospect_emails), phones=list(prospect_phones), by=by
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    (
                        "prospect_" + f
                        if f in ("emails", "phones", "first_name", "last_name")
                        else "prospect"
                    ): m
                    for f, m in exc.message_dict.items()
                }
            ) from None
    received = _now_or(received_at, "received_at")
    link = _record_connection(referrer, prospect, connection, by=by)
    approach = suggest_approach(link.sentiment if link else None, link.closeness if link else None)
    if kind not in Referral.Kind.values:
        raise ValidationError({"kind": "Choose recommendation or introduction."})
    if method and method not in Method.values:
        raise ValidationError({"method": "Choose a method of introduction."})
    referral = Referral(
        practice_id=practice.pk,
        referrer=referrer,
        referrer_kind=referrer_kind_of(referrer),
        prospect=prospect,
        kind=kind,
        method=method or approach.method,
        connection=link,
        approach=approach.label,
        suggested_method=approach.method,
        reason=reason,
        source=source,
        source_detail=source_detail,
        source_profile=source_profile,
        owner=owner or by,
        solicited=solicited,
        received_at=received,
        stage_changed_at=received,
        first_contact_due_at=clock.first_contact_due(received, policy_for(practice)),
        privacy_notice_due=prospect.source != Person.Source.DIRECT
        and prospect.category != Person.Category.CLIENT,
        notes=notes,
    )
    if source_profile is not None and source == Referral.Source.DIRECT:
        referral.source = Referral.Source.PROFILE
    referral.full_clean(exclude=["practice", "connection", "owner", "source_profile"])
    referral.save()
    StageChange.objects.create(
        practice_id=practice.pk, referral=referral, at=received, by=by, to_stage=Stage.RECEIVED
    )
    FeedbackDebt.objects.create(
        practice_id=practice.pk,
        referral=referral,
        referrer=referrer,
        kind=FeedbackDebt.Kind.THANK_YOU,
        owed_since=received,
        owner_id=referral.owner_id,
    )
    _schedule_first_contact_alert(referral)
    return referral


def _record_connection(
    referrer: Person, prospect: Person, data: dict | None, *, by
) -> Connection | None:
    existing = people_services.existing_connection(referrer, prospect)
    facts = {k: v for k, v in (data or {}).items() if k in CONNECTION_KEYS and v not in (None, "")}
    if not facts:
        return existing
    try:
        if existing:
            return people_services.update_connection(existing, facts, by=by)
        facts.setdefault("kind", Connection.Kind.OTHER)
        return people_services.connect(referrer, prospect, {**facts, "told_by": referrer}, by=by)
    except ValidationError as exc:
        raise ValidationError(
            {
                f"connection_{f}" if f in CONNECTION_KEYS else "connection": m
                for f, m in exc.message_dict.items()
            }
        ) from None


@transaction.atomic
def update_referral(referral: Referral, data: dict, *, by=None) -> Referral:
    allowed = {"kind", "method", "reason", "source", "source_detail", "owner", "solicited", "notes"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    for field, value in data.items():
        setattr(referral, field, value)
    referral.full_clean(
        exclude=["practice", "connection", "owner", "referrer", "prospect", "source_profile"]
    )
    referral.save()
    if "owner" in data:
        referral.debts.update(owner=referral.owner)
    return referral


# -- stages ------------------------------------------------------------------------------


def is_backwards(from_stage: str, to_stage: str) -> bool:
    """Back down the way, or out of an outcome already reached."""
    return STAGE_RANK[to_stage] < STAGE_RANK[from_stage] or from_stage in OUTCOME_STAGES


@transaction.atomic
def move_stage(
    referral: Referral,
    to_stage: str,
    *,
    by=None,
    reason: str = "",
    at: datetime | None = None,
    value: Decimal | None = None,
    currency: str | None = None,
    privacy_notice_given: bool = False,
) -> Referral:
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("prospect")
        .get(pk=referral.pk)
    )
    if to_stage not in Stage.values:
        raise ValidationError({"stage": f"“{to_stage}” is not a stage."})
    from_stage = referral.stage
    if to_stage == from_stage:
        raise ValidationError({"stage": f"It is already at “{Stage(to_stage).label}”."})
    reason = (reason or "").strip()
    if is_backwards(from_stage, to_stage) and not reason:
        raise ValidationError(
            {
                "reason": f"Moving back from “{Stage(from_stage).label}” to "
                f"“{Stage(to_stage).label}” needs a reason."
            }
        )
    if to_stage in (Stage.CONTACTED, Stage.MEETING_SET, Stage.MET, Stage.ENGAGED):
        _ensure_contactable(referral.prospect, "stage")
    when = _now_or(at, "at", not_before=referral.received_at)
    if value is not None:
        if to_stage != Stage.ENGAGED:
            raise ValidationError({"value": "A value is recorded when the prospect engages."})
        if value < 0:
            raise ValidationError({"value": "The value cannot be negative."})
        referral.value = value
        referral.currency = (currency or referral.currency).upper()
    if referral.first_contacted_at is None and to_stage != Stage.RECEIVED:
        referral.first_contacted_at = when
        referral.contacted_late = clock.is_late(referral.first_contact_due_at, when, when)
    referral.stage = to_stage
    referral.stage_changed_at = when
    referral.save()
    StageChange.objects.create(
        practice_id=referral.practice_id,
        referral=referral,
        at=when,
        by=by,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
    )
    if to_stage in FEEDBACK_OUTCOMES:
        FeedbackDebt.objects.get_or_create(
            referral=referral,
            kind=FeedbackDebt.Kind.FEEDBACK,
            outcome=to_stage,
            defaults={
                "practice_id": referral.practice_id,
                "referrer_id": referral.referrer_id,
                "owed_since": when,
                "owner_id": referral.owner_id,
            },
        )
    if privacy_notice_given and referral.privacy_notice_given_at is None:
        _give_privacy_notice(referral, how="told at first contact", at=when)
    return referral


# -- closing the loop -----------------------------------------------------------------


@transaction.atomic
def pay_debt(
    debt: FeedbackDebt, *, by=None, how: str = FeedbackDebt.PaidHow.NOTE, note: str = ""
) -> FeedbackDebt:
    """Logs that the referrer was told (a note), or e-mails them the note."""
    debt = (
        FeedbackDebt.objects.select_for_update(of=("self",))
        .select_related("referral__prospect", "referrer")
        .get(pk=debt.pk)
    )
    if debt.paid_at is not None:
        raise ValidationError({"debt": f"Already paid on {debt.paid_at:%-d %B %Y}."})
    note = (note or "").strip()
    if how not in FeedbackDebt.PaidHow.values:
        raise ValidationError({"how": "Choose a note or an e-mail."})
    if not note:
        raise ValidationError({"note": "Write what you told them, or what the e-mail says."})
    if how == FeedbackDebt.PaidHow.EMAIL:
        address = _email_of(debt.referrer)
        if not address:
            raise ValidationError(
                {"how": f"{debt.referrer} has no e-mail address: log a note instead, or add one."}
            )
        subject = (
            f"Thank you for introducing {debt.referral.prospect}"
            if debt.kind == FeedbackDebt.Kind.THANK_YOU
            else f"News about {debt.referral.prospect}"
        )
        held = _send_or_hold(
            debt.referral,
            purpose="feedback",
            to=[address],
            subject=subject,
            text=note,
            person=debt.referrer,
            by=by,
            debt=debt,
        )
        if held is not None:
            debt.note = note
            debt.save(update_fields=["note", "updated_at"])
            return debt
    debt.paid_at = timezone.now()
    debt.paid_by = by
    debt.paid_how = how
    debt.note = note
    debt.save()
    return debt


# -- letters -------------------------------------------------------------------------------


def default_template(practice) -> LetterTemplate:
    template = LetterTemplate.objects.filter(is_default=True).first()
    if template is None:
        template = LetterTemplate.objects.create(
            practice_id=getattr(practice, "pk", practice),
            name=letters.DEFAULT_TEMPLATE_NAME,
            subject=letters.DEFAULT_SUBJECT,
            body=letters.DEFAULT_BODY,
            is_default=True,
        )
    return template


@transaction.atomic
def save_template(
    practice, data: dict, *, template: LetterTemplate | None = None, by=None
) -> LetterTemplate:
    template = template or LetterTemplate(practice_id=practice.pk)
    for field in ("name", "subject", "body", "is_default"):
        if field in data:
            setattr(template, field, data[field])
    letters.validate_placeholders(template.subject, "subject")
    letters.validate_placeholders(template.body, "body")
    template.full_clean(exclude=["practice"], validate_constraints=False)
    if template.is_default:
        LetterTemplate.objects.exclude(pk=template.pk).filter(is_default=True).update(
            is_default=False
        )
    template.save()
    return template


def _future_call(at: datetime | None, field: str = "call_at") -> datetime:
    if at is None:
        raise ValidationError({field: "Give the date and time of the call."})
    at = at.replace(second=0, microsecond=0)  # a call is promised to the minute
    if at <= timezone.now():
        raise ValidationError({field: "The call time has passed: choose a moment in the future."})
    return at


def _disclosure_for(referral: Referral) -> str:
    if not referral.solicited:
        return ""
    compliance = compliance_settings(referral.practice_id)
    status = (
        "a client" if referral.referrer_kind == Referral.ReferrerKind.CLIENT else "not a client"
    )
    values = {
        "referrer_name": referral.referrer.full_name,
        "practice_name": referral.practice.name,
        "referrer_status": status,
    }
    return letters.PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), compliance.disclosure_text)


@transaction.atomic
def draft_letter(
    referral: Referral,
    *,
    what_we_did: str,
    why_meet: str,
    call_at: datetime | None,
    template: LetterTemplate | None = None,
    by=None,
) -> Letter:
    _ensure_contactable(referral.prospect)
    template = template or default_template(referral.practice_id)
    letter = Letter(
        practice_id=referral.practice_id,
        referral=referral,
        template=template,
        what_we_did=(what_we_did or "").strip(),
        why_meet=(why_meet or "").strip(),
        call_at=_future_call(call_at),
        subject=template.subject,
        body=template.body,
        disclosure=_disclosure_for(referral),
        created_by=by,
    )
    _check_letter(letter)
    letter.save()
    return letter


def _check_letter(letter: Letter) -> None:
    if not letter.what_we_did:
        raise ValidationError({"what_we_did": "Say briefly what you did for the client."})
    if not letter.why_meet:
        raise ValidationError({"why_meet": "Say why meeting would be worthwhile for them."})
    letters.validate_placeholders(letter.subject, "subject")
    letters.validate_placeholders(letter.body, "body")
    letter.full_clean(exclude=["practice", "referral", "template", "created_by"])


LETTER_FIELDS = ("what_we_did", "why_meet", "call_at", "subject", "body", "prospect_address")


@transaction.atomic
def update_letter(letter: Letter, data: dict, *, by=None) -> Letter:
    """Edits the working copy. A signed letter is frozen: editing it starts a new
    version (back to draft), and the signed one stays as it was in its versions."""
    letter = Letter.objects.select_for_update(of=("self",)).get(pk=letter.pk)
    unknown = set(data) - set(LETTER_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    changed = {f: v for f, v in data.items() if getattr(letter, f) != v}
    if not changed:
        return letter
    if "call_at" in changed:
        changed["call_at"] = _future_call(changed["call_at"])
    if set(changed) == {"prospect_address"}:
        letter.prospect_address = changed["prospect_address"]
        letter.save()
        return letter
    for field, value in changed.items():
        setattr(letter, field, value.strip() if isinstance(value, str) else value)
    if letter.state != Letter.State.DRAFT:
        letter.version += 1
        letter.state = Letter.State.DRAFT
        letter.signed_at = None
        letter.delivered_at = None
        letter.delivered_how = ""
    letter.disclosure = _disclosure_for(letter.referral)
    _check_letter(letter)
    letter.save()
    return letter


def letter_values(letter: Letter) -> dict[str, str]:
    referral = letter.referral
    professional = referral.owner
    zone = professional.zone if professional else referral.practice.zone
    client, prospect = referral.referrer, referral.prospect
    return {
        "client_name": client.full_name,
        "client_first_name": client.first_name or client.full_name,
        "prospect_name": prospect.full_name,
        "prospect_first_name": prospect.first_name or prospect.full_name,
        "professional_name": str(professional) if professional else referral.practice.name,
        "professional_first_name": (professional.first_name if professional else "")
        or (str(professional) if professional else "we"),
        "practice_name": referral.practice.name,
        "what_we_did": letter.what_we_did,
        "why_meet": letter.why_meet,
        "call_date": letters.call_date(letter.call_at, zone),
        "call_time": letters.call_time(letter.call_at, zone),
    }


def render_letter(
    letter: Letter, *, version: LetterVersion | None = None
) -> letters.RenderedLetter:
    zone = letter.referral.practice.zone
    if version is not None:
        return letters.RenderedLetter(
            subject=version.subject,
            body=version.body,
            disclosure="",
            practice_name=letter.referral.practice.name,
            signer=letter.referral.referrer.full_name,
            dated=f"{version.frozen_at.astimezone(zone):%-d %B %Y}",
        )
    values = letter_values(letter)
    dated = (letter.signed_at or timezone.now()).astimezone(zone)
    return letters.RenderedLetter(
        subject=letters.fill(letter.subject, values),
        body=letters.fill(letter.body, values),
        disclosure=letter.disclosure,
        practice_name=letter.referral.practice.name,
        signer=letter.referral.referrer.full_name,
        dated=f"{dated:%-d %B %Y}",
    )


def _freeze(letter: Letter, event: str, *, by, recipients: list[str]) -> LetterVersion:
    from referable.records.services import archive_communication

    rendered = render_letter(letter)
    communication = archive_communication(
        letter.practice_id,
        kind="letter",
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html(),
        recipients=recipients,
        sender=by,
        person=letter.referral.prospect,
        related=letter,
    )
    return LetterVersion.objects.create(
        practice_id=letter.practice_id,
        letter=letter,
        number=letter.version,
        event=event,
        subject=rendered.subject,
        body=rendered.text,
        call_at=letter.call_at,
        communication=communication,
    )


@transaction.atomic
def request_signature(letter: Letter, *, by=None, send_email: bool = True) -> Letter:
    """Draft → awaiting signature: the copy is frozen and, unless the professional hands
    it over in person, e-mailed to the client with the PDF for signature."""
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "referral__referrer", "referral__prospect", "referral__owner", "referral__practice"
        )
        .get(pk=letter.pk)
    )
    if letter.state != Letter.State.DRAFT:
        raise ValidationError(
            {
                "state": f"Only a draft can go for signature; this one is {letter.get_state_display().lower()}."
            }
        )
    _ensure_contactable(letter.referral.prospect)
    _future_call(letter.call_at)
    client = letter.referral.referrer
    address = _email_of(client)
    if send_email and not address:
        raise ValidationError(
            {
                "send_email": f"{client} has no e-mail address: add one, or hand the letter over in person."
            }
        )
    letter.state = Letter.State.AWAITING_SIGNATURE
    letter.save()
    version = _freeze(
        letter,
        LetterVersion.Event.SENT_FOR_SIGNATURE,
        by=by,
        recipients=[address or client.full_name],
    )
    if send_email:
        rendered = render_letter(letter)
        first = client.first_name or client.full_name
        text = (
            f"Dear {first},\n\nThank you for offering to introduce me to "
            f"{letter.referral.prospect.full_name}. To spare you the writing, I drafted the "
            "letter; it is attached. If it reads as you would say it, please sign it and "
            "send it back to me, or change anything you like.\n\n"
            f"{letter_values(letter)['professional_name']}"
        )
        _send_or_hold(
            letter.referral,
            purpose="letter_for_signature",
            to=[address],
            subject=f"For your signature: {rendered.subject}",
            text=text,
            attachment=(f"introduction-v{version.number}.pdf", rendered.pdf(), "application/pdf"),
            person=client,
            by=by,
            letter=letter,
        )
    return letter


@transaction.atomic
def sign_letter(letter: Letter, *, by=None, signed_at: datetime | None = None) -> Letter:
    """The client signed: the letter is frozen, and the call it promises goes on the
    professional's calendar at exactly that minute (seed 001)."""
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "referral__referrer", "referral__prospect", "referral__owner", "referral__practice"
        )
        .get(pk=letter.pk)
    )
    if letter.state not in (Letter.State.DRAFT, Letter.State.AWAITING_SIGNATURE):
        raise ValidationError({"state": "This version is already signed."})
    _ensure_contactable(letter.referral.prospect)
    _future_call(letter.call_at)
    letter.signed_at = _now_or(signed_at, "signed_at", not_before=letter.created_at)
    letter.state = Letter.State.SIGNED
    letter.save()
    prospect = letter.referral.prospect
    _freeze(
        letter,
        LetterVersion.Event.SIGNED,
        by=by,
        recipients=[_email_of(prospect) or prospect.full_name],
    )
    existing = letter.calls.filter(status=ScheduledCall.Status.SCHEDULED).first()
    if existing and existing.at != letter.call_at:
        reschedule_call(existing, at=letter.call_at, by=by)
    elif existing is None:
        schedule_call(
            letter.referral,
            kind=ScheduledCall.Kind.EXACT_TIME_CALL,
            at=letter.call_at,
            letter=letter,
            by=by,
        )
    return letter


@transaction.atomic
def deliver_letter(
    letter: Letter, *, how: str, by=None, delivered_at: datetime | None = None
) -> Letter:
    letter = (
        Letter.objects.select_for_update(of=("self",))
        .select_related(
            "referral__referrer", "referral__prospect", "referral__owner", "referral__practice"
        )
        .get(pk=letter.pk)
    )
    if letter.state != Letter.State.SIGNED:
        raise ValidationError({"state": "Only a signed letter can be delivered."})
    if how not in Letter.DeliveredHow.values:
        raise ValidationError({"how": "Choose how the letter reaches the prospect."})
    prospect = letter.referral.prospect
    _ensure_contactable(prospect, "how")
    address = _email_of(prospect)
    if how == Letter.DeliveredHow.EMAIL and not address:
        raise ValidationError(
            {"how": f"{prospect} has no e-mail address: add one, or deliver it by post."}
        )
    if how == Letter.DeliveredHow.POST and not letter.prospect_address.strip():
        raise ValidationError(
            {"how": f"There is no postal address for {prospect}: add it to the letter first."}
        )
    letter.delivered_at = _now_or(delivered_at, "delivered_at", not_before=letter.signed_at)
    letter.delivered_how = how
    letter.state = Letter.State.DELIVERED
    letter.save()
    if how == Letter.DeliveredHow.EMAIL:
        rendered = render_letter(letter)
        _send_or_hold(
            letter.referral,
            purpose="letter_delivery",
            to=[address],
            subject=rendered.subject,
            text=rendered.text,
            attachment=("introduction.pdf", rendered.pdf(), "application/pdf"),
            person=prospect,
            by=by,
            letter=letter,
        )
    if letter.disclosure:
        referral = letter.referral
        DisclosureRecord.objects.create(
            practice_id=letter.practice_id,
            referral=referral,
            letter=letter,
            person=prospect,
            kind=DisclosureRecord.Kind.TESTIMONIAL
            if referral.referrer_kind == Referral.ReferrerKind.CLIENT
            else DisclosureRecord.Kind.ENDORSEMENT,
            text=letter.disclosure,
            given_at=letter.delivered_at,
            how=f"in the letter of introduction ({letter.get_delivered_how_display().lower()})",
        )
    return letter


# -- calls and meetings -------------------------------------------------------------------


def _email_of(person: Person) -> str:
    first = person.emails.order_by("position", "id").first()
    return first.address if first else ""


def _parties(call: ScheduledCall) -> list[Attendee]:
    referral = call.referral
    parties = [Attendee(referral.referrer.full_name, _email_of(referral.referrer))]
    parties.append(Attendee(referral.prospect.full_name, _email_of(referral.prospect)))
    return parties


def _organizer(call: ScheduledCall) -> Attendee | None:
    if call.professional is None:
        return None
    return Attendee(str(call.professional), call.professional.email)


def call_summary(call: ScheduledCall) -> str:
    prospect = call.referral.prospect.full_name
    if call.kind == ScheduledCall.Kind.EXACT_TIME_CALL:
        return f"Call {prospect} (promised in the letter of introduction)"
    if call.kind == ScheduledCall.Kind.INTRODUCTORY_CALL:
        return f"Introductory call: {call.referral.referrer.full_name} introduces {prospect}"
    return f"Lunch or coffee with {call.referral.referrer.full_name} and {prospect}"


def call_ics_for(call: ScheduledCall, *, cancelled: bool = False) -> bytes:
    internal = call.kind == ScheduledCall.Kind.EXACT_TIME_CALL
    referral = call.referral
    description = f"{referral.referrer.full_name} introduced {referral.prospect.full_name}." + (
        f" Reason given: {referral.reason}" if referral.reason else ""
    )
    return call_ics(
        uid=call.uid,
        summary=call_summary(call),
        description=description,
        starts=call.at,
        minutes=call.duration_minutes,
        organizer=_organizer(call),
        attendees=[] if internal else _parties(call),
        location=call.location,
        sequence=call.sequence,
        stamp=timezone.now(),
        cancelled=cancelled,
    )


@transaction.atomic
def schedule_call(
    referral: Referral,
    *,
    kind: str,
    at: datetime | None,
    by=None,
    minutes: int = 30,
    location: str = "",
    letter: Letter | None = None,
    invite: bool = True,
) -> ScheduledCall:
    if kind not in ScheduledCall.Kind.values:
        raise ValidationError({"kind": "Choose a call, an introductory call or a meeting."})
    _ensure_contactable(referral.prospect)
    _future_call(at, "at")
    pipeline = pipeline_settings(referral.practice_id)
    call = ScheduledCall(
        practice_id=referral.practice_id,
        referral=referral,
        letter=letter,
        kind=kind,
        at=at,
        duration_minutes=minutes,
        location=location,
        professional=referral.owner or by,
        grace_minutes=pipeline.call_grace_minutes,
    )
    call.full_clean(exclude=["practice", "referral", "letter", "professional"])
    if invite and kind != ScheduledCall.Kind.EXACT_TIME_CALL:
        missing = [p.name for p in _parties(call) if not p.email]
        if missing:
            raise ValidationError(
                {
                    "invite": f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no e-mail address: add one, or schedule it without invitations."
                }
            )
    call.save()
    if invite:
        _send_invitations(call, by=by)
    _schedule_call_reminder(call, pipeline)
    return call


@transaction.atomic
def reschedule_call(call: ScheduledCall, *, at: datetime, by=None) -> ScheduledCall:
    if call.status != ScheduledCall.Status.SCHEDULED:
        raise ValidationError({"at": "Only a call still to come can be moved."})
    call.at = _future_call(at, "at")
    call.sequence += 1
    call.save()
    _send_invitations(call, by=by)
    _schedule_call_reminder(call, pipeline_settings(call.practice_id))
    return call


@transaction.atomic
def cancel_call(call: ScheduledCall, *, by=None) -> ScheduledCall:
    if call.status != ScheduledCall.Status.SCHEDULED:
        raise ValidationError({"status": "Only a call still to come can be cancelled."})
    call.status = ScheduledCall.Status.CANCELLED
    call.sequence += 1
    call.save()
    _send_invitations(call, by=by, cancelled=True)
    return call


def _send_invitations(call: ScheduledCall, *, by, cancelled: bool = False) -> None:
    """The professional always gets the .ics; for introductory calls and three-way
    meetings every party is invited too."""
    ics = call_ics_for(call, cancelled=cancelled)
    attachment = (
        "invite.ics",
        ics,
        "text/calendar; method=" + ("CANCEL" if cancelled else "REQUEST"),
    )
    zone = call.professional.zone if call.professional else call.referral.practice.zone
    when = f"{letters.call_date(call.at, zone)} at {letters.call_time(call.at, zone)}"
    summary = call_summary(call)
    verb = "Cancelled" if cancelled else "Scheduled"
    if call.professional and call.professional.email:
        _send_now(
            call.practice_id,
            to=[call.professional.email],
            subject=f"{verb}: {summary}, {when}",
            text=f"{summary}\n{when}\n{call.location}".strip(),
            attachments=[attachment],
            sent_by=by,
            person=call.referral.prospect,
            related=call,
            kind="invitation",
        )
    if call.kind == ScheduledCall.Kind.EXACT_TIME_CALL:
        return
    for party, person in zip(
        _parties(call), (call.referral.referrer, call.referral.prospect), strict=True
    ):
        if not party.email:
            continue
        _send_or_hold(
            call.referral,
            purpose="invitation",
            to=[party.email],
            subject=f"{'Cancelled' if cancelled else 'Invitation'}: {summary}, {when}",
            text=(
                f"Dear {person.first_name or person.full_name},\n\n"
                f"{'This is cancelled' if cancelled else 'You are invited'}: {summary}, "
                f"{when}{', ' + call.location if call.location else ''}.\n"
                "It is not a sales meeting; just a chance to meet one another.\n\n"
                f"{call.professional or call.referral.practice.name}"
            ),
            attachment=attachment,
            person=person,
            by=by,
            kind="invitation",
        )


@transaction.atomic
def log_call(
    call: ScheduledCall, *, by=None, called_at: datetime | None = None, note: str = ""
) -> ScheduledCall:
    """The call happened. On time means within the grace period around the minute
    promised; anything else stays a promise missed."""
    call = (
        ScheduledCall.objects.select_for_update(of=("self",))
        .select_related("referral")
        .get(pk=call.pk)
    )
    if call.status in (ScheduledCall.Status.KEPT, ScheduledCall.Status.CANCELLED):
        raise ValidationError(
            {"called_at": f"This call is already {call.get_status_display().lower()}."}
        )
    if call.logged_at is not None:
        raise ValidationError({"called_at": "This call was already logged."})
    when = _now_or(called_at, "called_at")
    grace = timedelta(minutes=call.grace_minutes)
    on_time = call.at - grace <= when <= call.at + grace
    call.called_at = when
    call.logged_at = timezone.now()
    call.outcome_note = (note or "").strip()
    call.status = ScheduledCall.Status.KEPT if on_time else ScheduledCall.Status.MISSED
    call.save()
    if call.referral.stage == Stage.RECEIVED:
        move_stage(call.referral, Stage.CONTACTED, by=by, at=when)
    return call


@transaction.atomic
def flag_missed_calls(practice, *, now: datetime | None = None) -> int:
    """Calls not logged within their grace period become promises missed."""
    now = now or timezone.now()
    missed = [
        call.pk
        for call in ScheduledCall.objects.filter(
            practice_id=getattr(practice, "pk", practice),
            status=ScheduledCall.Status.SCHEDULED,
            at__lt=now,
        ).only("pk", "at", "grace_minutes")
        if call.deadline < now
    ]
    return ScheduledCall.objects.filter(pk__in=missed).update(
        status=ScheduledCall.Status.MISSED, updated_at=now
    )


# -- regulated practices ----------------------------------------------------------------


def _give_privacy_notice(referral: Referral, *, how: str, at: datetime) -> None:
    referral.privacy_notice_given_at = at
    referral.privacy_notice_how = how[:100]
    referral.save(update_fields=["privacy_notice_given_at", "privacy_notice_how", "updated_at"])


@transaction.atomic
def record_privacy_notice(
    referral: Referral, *, how: str, by=None, at: datetime | None = None
) -> Referral:
    referral = Referral.objects.select_for_update(of=("self",)).get(pk=referral.pk)
    if not referral.privacy_notice_due:
        raise ValidationError({"how": "This prospect gave us their details themselves."})
    if referral.privacy_notice_given_at is not None:
        raise ValidationError(
            {"how": f"Already told on {referral.privacy_notice_given_at:%-d %B %Y}."}
        )
    if not (how or "").strip():
        raise ValidationError({"how": "Say how they were told (phone, letter, e-mail…)."})
    _give_privacy_notice(
        referral, how=how.strip(), at=_now_or(at, "at", not_before=referral.received_at)
    )
    return referral


def privacy_notice_text(referral: Referral) -> str:
    compliance = compliance_settings(referral.practice_id)
    values = {"referrer_name": referral.referrer.full_name, "practice_name": referral.practice.name}
    return letters.PLACEHOLDER.sub(
        lambda m: values.get(m.group(1), ""), compliance.privacy_notice_text
    )


def first_contact_draft(referral: Referral, *, by=None) -> tuple[str, str]:
    """The practice's first-contact e-mail to a prospect: who introduced us, and, when
    their details came from someone else, where we got them (GDPR art. 14)."""
    prospect, referrer = referral.prospect, referral.referrer
    professional = referral.owner or by
    name = str(professional) if professional else referral.practice.name
    paragraphs = [
        f"Dear {prospect.first_name or prospect.full_name},",
        f"{referrer.full_name} suggested that we should meet, and I would be glad to. "
        "Would a short call this week suit you? Tell me a time that works and I will call "
        "you then.",
    ]
    if referral.privacy_notice_due:
        paragraphs.append(privacy_notice_text(referral))
    paragraphs.append(f"With best regards,\n{name}")
    return f"{referrer.full_name} suggested we meet", "\n\n".join(paragraphs)


@transaction.atomic
def send_first_contact_email(
    referral: Referral, *, subject: str, text: str, by=None
) -> HeldEmail | None:
    """E-mails the prospect. The privacy paragraph is added if the text left it out;
    the notice counts as given once the e-mail is sent (or queued for review)."""
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("prospect", "referrer", "practice")
        .get(pk=referral.pk)
    )
    prospect = referral.prospect
    _ensure_contactable(prospect)
    address = _email_of(prospect)
    if not address:
        raise ValidationError({"text": f"{prospect} has no e-mail address: add one, or call them."})
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject or not text:
        raise ValidationError({"text": "Write the subject and the message."})
    notice = privacy_notice_text(referral) if referral.privacy_notice_due else ""
    if notice and notice not in text:
        text = f"{text}\n\n{notice}"
    held = _send_or_hold(
        referral, purpose="first_contact", to=[address], subject=subject, text=text,
        person=prospect, by=by,
    )  # fmt: skip
    if notice and referral.privacy_notice_given_at is None:
        _give_privacy_notice(referral, how="in the first-contact e-mail", at=timezone.now())
    if referral.stage == Stage.RECEIVED:
        move_stage(referral, Stage.CONTACTED, by=by)
    return held


def _send_now(
    practice_id,
    *,
    to,
    subject,
    text,
    attachments=(),
    sent_by=None,
    person=None,
    related=None,
    kind="email",
):
    from referable.outbox.services import send_email
    from referable.practices.models import Practice

    return send_email(
        practice=Practice.objects.get(pk=practice_id),
        to=list(to),
        subject=subject,
        text=text,
        attachments=list(attachments),
        sent_by=sent_by,
        person=person,
        related=related,
        kind=kind,
    )


def send_internal(practice, *, to: list[str], subject: str, text: str, related=None) -> None:
    """An e-mail to the practice's own staff (alerts, reminders): never held for review."""
    _send_now(practice.pk, to=to, subject=subject, text=text, related=related)


def _send_or_hold(
    referral: Referral,
    *,
    purpose: str,
    to: list[str],
    subject: str,
    text: str,
    attachment: tuple[str, bytes, str] | None = None,
    person: Person | None = None,
    by=None,
    letter: Letter | None = None,
    debt: FeedbackDebt | None = None,
    kind: str = "email",
) -> HeldEmail | None:
    """Sends an e-mail to a client or prospect, or holds it for the compliance reviewer
    when the practice requires review (SPEC, "Review before sending")."""
    if compliance_settings(referral.practice_id).require_review:
        held = HeldEmail(
            practice_id=referral.practice_id,
            referral=referral,
            letter=letter,
            debt=debt,
            purpose=purpose,
            kind=kind,
            to=list(to),
            subject=subject[:300],
            text=text,
            person=person,
            requested_by=by,
        )
        if attachment:
            held.attachment_name, held.attachment_data, held.attachment_type = attachment
        held.save()
        return held
    _send_now(
        referral.practice_id,
        to=to,
        subject=subject,
        text=text,
        attachments=[attachment] if attachment else [],
        sent_by=by,
        person=person,
        related=letter or referral,
        kind=kind,
    )
    return None


def _review(item, *, reviewer, action: str, comment: str, label: str) -> ReviewRecord:
    return ReviewRecord.objects.create(
        practice_id=item.practice_id,
        reviewer=reviewer,
        reviewer_name=f"{reviewer} <{reviewer.email}>",
        item_type=ContentType.objects.get_for_model(item),
        item_id=item.pk,
        item_label=label[:300],
        action=action,
        comment=comment,
    )


@transaction.atomic
def approve_held_email(held: HeldEmail, *, reviewer, comment: str = "") -> HeldEmail:
    held = HeldEmail.objects.select_for_update(of=("self",)).get(pk=held.pk)
    if held.state != HeldEmail.State.PENDING:
        raise ValidationError({"state": f"Already {held.get_state_display().lower()}."})
    if not reviewer.can("review"):
        raise ValidationError({"reviewer": "Only a compliance reviewer can approve."})
    held.state = HeldEmail.State.APPROVED
    held.save()
    _review(
        held,
        reviewer=reviewer,
        action=ReviewRecord.Action.APPROVED,
        comment=comment,
        label=held.subject,
    )
    attachments = (
        [(held.attachment_name, bytes(held.attachment_data), held.attachment_type)]
        if held.attachment_name
        else []
    )
    _send_now(
        held.practice_id,
        to=held.to,
        subject=held.subject,
        text=held.text,
        attachments=attachments,
        sent_by=held.requested_by,
        person=held.person,
        related=held.letter or held.referral,
        kind=held.kind,
    )
    if held.debt_id:
        FeedbackDebt.objects.filter(pk=held.debt_id, paid_at__isnull=True).update(
            paid_at=timezone.now(),
            paid_by=held.requested_by,
            paid_how=FeedbackDebt.PaidHow.EMAIL,
        )
    return held


@transaction.atomic
def reject_held_email(held: HeldEmail, *, reviewer, comment: str) -> HeldEmail:
    held = HeldEmail.objects.select_for_update(of=("self",)).get(pk=held.pk)
    if held.state != HeldEmail.State.PENDING:
        raise ValidationError({"state": f"Already {held.get_state_display().lower()}."})
    if not reviewer.can("review"):
        raise ValidationError({"reviewer": "Only a compliance reviewer can reject."})
    if not (comment or "").strip():
        raise ValidationError({"comment": "Say what must change before it can go out."})
    held.state = HeldEmail.State.REJECTED
    held.save()
    _review(
        held,
        reviewer=reviewer,
        action=ReviewRecord.Action.REJECTED,
        comment=comment.strip(),
        label=held.subject,
    )
    if held.letter_id and held.purpose == "letter_for_signature":
        Letter.objects.filter(pk=held.letter_id, state=Letter.State.AWAITING_SIGNATURE).update(
            state=Letter.State.DRAFT, version=held.letter.version + 1
        )
    return held


# -- coach rules ------------------------------------------------------------------------------


@transaction.atomic
def save_coach_rule(practice, data: dict, *, rule=None, by=None):
    from referable.introductions.models import CoachRule

    rule = rule or CoachRule(practice_id=practice.pk)
    for field in ("phrase", "suggestion", "explanation", "active"):
        if field in data:
            setattr(rule, field, data[field])
    rule.phrase = (rule.phrase or "").strip()
    if not rule.phrase:
        raise ValidationError({"phrase": "Give the phrase to flag."})
    rule.full_clean(exclude=["practice"])
    rule.save()
    return rule


def coach_findings(practice, text: str):
    from referable.introductions.coach import check_text
    from referable.introductions.models import CoachRule

    return check_text(
        text, CoachRule.objects.filter(practice_id=getattr(practice, "pk", practice), active=True)
    )


# -- background work --------------------------------------------------------------------------


def _enqueue(
    task: str, payload: dict, *, practice_id: int, run_at: datetime, dedupe_key: str
) -> None:
    def later():
        from referable.outbox.jobs import enqueue

        enqueue(task, payload, practice=practice_id, run_at=run_at, dedupe_key=dedupe_key)

    transaction.on_commit(later)


def _schedule_first_contact_alert(referral: Referral) -> None:
    pipeline = pipeline_settings(referral.practice_id)
    run_at = referral.first_contact_due_at - timedelta(minutes=pipeline.alert_minutes_before_due)
    if referral.first_contact_due_at <= timezone.now():
        return
    _enqueue(
        "introductions.first_contact_alert",
        {"referral_id": referral.pk},
        practice_id=referral.practice_id,
        run_at=max(run_at, timezone.now()),
        dedupe_key=f"first-contact-alert:{referral.pk}",
    )


def _schedule_call_reminder(call: ScheduledCall, pipeline: PipelineSettings) -> None:
    run_at = call.at - timedelta(minutes=pipeline.reminder_minutes_before_call)
    _enqueue(
        "introductions.call_reminder",
        {"call_id": call.pk, "sequence": call.sequence},
        practice_id=call.practice_id,
        run_at=max(run_at, timezone.now()),
        dedupe_key=f"call-reminder:{call.pk}:{call.sequence}",
    )
