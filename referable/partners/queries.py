"""Reads shared by the pages, the API and other areas. The scorecard is a handful of
aggregate queries for every partner at once, whatever their number; ledger.py does the
arithmetic."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum

from referable.introductions.models import FeedbackDebt, Referral
from referable.partners import ledger
from referable.partners.matching import Candidate
from referable.partners.models import (
    OUTBOUND_IS_OPEN,
    CompensationAgreement,
    Gift,
    OutboundReferral,
    PartnerMeeting,
    PartnerProfile,
)
from referable.people.models import EmailAddress, Phone


def partners() -> QuerySet[PartnerProfile]:
    return PartnerProfile.objects.select_related("person", "owner").order_by(
        "person__sort_name", "id"
    )


def partner_detail(partner_id: int) -> PartnerProfile:
    return (
        PartnerProfile.objects.select_related("person", "owner")
        .prefetch_related(
            Prefetch("person__emails", queryset=EmailAddress.objects.order_by("position", "id")),
            Prefetch("person__phones", queryset=Phone.objects.order_by("position", "id")),
        )
        .get(pk=partner_id)
    )


def _bounds(start: date | None, end: date | None, zone) -> tuple[datetime | None, datetime | None]:
    def at(day):
        return None if day is None else datetime.combine(day, time(0), tzinfo=zone)

    return at(start), at(end)


#: the columns of a ledger.Flow, for a query grouped by partner: read in one pass over
#: each partner's rows of the ledger index, with no sort (rather than grouped by stage)
FLOW_COUNTS = {
    "total": Count("stage"),
    "engaged": Count("stage", filter=Q(stage=ledger.ENGAGED)),
    "not_a_fit": Count("stage", filter=Q(stage=ledger.NOT_A_FIT)),
    "no_response": Count("stage", filter=Q(stage=ledger.NO_RESPONSE)),
    # only engaged referrals carry value, whatever a closed one still holds
    "value": Sum("value", filter=Q(stage=ledger.ENGAGED)),
}
FLOW_COLUMNS = ("total", "engaged", "not_a_fit", "no_response", "value")


def _flows(rows, key: str) -> dict[int, ledger.Flow]:
    return {row[key]: ledger.flow_from_counts(*(row[c] for c in FLOW_COLUMNS)) for row in rows}


def scorecard(
    *,
    start: date | None,
    end: date | None,
    today: date,
    zone,
    partner_ids: list[int] | None = None,
) -> list[ledger.LedgerLine]:
    """One ledger line per partner for ``[start, end)``: five aggregate queries in all,
    each one row per partner. Feedback owed and meetings are as of now, whatever the
    period."""
    profiles = PartnerProfile.objects.all()
    # every referral we send goes to a partner: those still open, counted for the whole
    # practice, need no join with the partners (the partial index holds just them)
    open_sent = OutboundReferral.objects.filter(OUTBOUND_IS_OPEN)
    if partner_ids is not None:
        profiles = profiles.filter(pk__in=partner_ids)
        open_sent = open_sent.filter(partner_id__in=partner_ids)
    rows = list(
        profiles.annotate(last_met=Max("meetings__held_on")).values_list(
            "pk",
            "person_id",
            "person__first_name",
            "person__last_name",
            "profession",
            "since",
            "cadence_days",
            "last_met",
        )
    )
    partner_persons = profiles.values("person_id")
    start_at, end_at = _bounds(start, end, zone)

    received_in = Q()
    sent_in = Q()
    if start_at:
        received_in &= Q(received_at__gte=start_at)
        sent_in &= Q(sent_on__gte=start)
    if end_at:
        received_in &= Q(received_at__lt=end_at)
        sent_in &= Q(sent_on__lt=end)
    received = _flows(
        Referral.objects.filter(received_in, referrer_id__in=partner_persons)
        .values("referrer_id")
        .annotate(**FLOW_COUNTS)
        .order_by(),
        "referrer_id",
    )
    sent = _flows(
        # partner by partner, so that the period is a range of the ledger index
        OutboundReferral.objects.filter(sent_in, partner__in=profiles)
        .values("partner_id")
        .annotate(**FLOW_COUNTS)
        .order_by(),
        "partner_id",
    )
    they_owe = dict(
        open_sent.values("partner_id")
        .annotate(n=Count("*"))
        .values_list("partner_id", "n")
        .order_by()
    )
    we_owe = dict(
        FeedbackDebt.objects.filter(referrer_id__in=partner_persons, paid_at__isnull=True)
        .values("referrer_id")
        .annotate(n=Count("id"))
        .values_list("referrer_id", "n")
        .order_by()
    )
    return [
        ledger.LedgerLine(
            partner_id=pk,
            person_id=person_id,
            name=" ".join(part for part in (first, last) if part),
            profession=profession,
            received=received.get(person_id, ledger.NO_FLOW),
            sent=sent.get(pk, ledger.NO_FLOW),
            we_owe_feedback=we_owe.get(person_id, 0),
            they_owe_feedback=they_owe.get(pk, 0),
            last_met=last_met,
            since=since,
            cadence_days=cadence,
            today=today,
        )
        for pk, person_id, first, last, profession, since, cadence, last_met in rows
    ]


def ledger_line(profile: PartnerProfile, *, start, end, today, zone) -> ledger.LedgerLine:
    return scorecard(start=start, end=end, today=today, zone=zone, partner_ids=[profile.pk])[0]


def received_from(profile: PartnerProfile) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(referrer_id=profile.person_id)
        .select_related("prospect")
        .order_by("-received_at", "-id")
    )


def sent_to(profile: PartnerProfile) -> QuerySet[OutboundReferral]:
    return profile.outbound_referrals.select_related("person").order_by("-sent_on", "-id")


def debts_to(profile: PartnerProfile) -> QuerySet[FeedbackDebt]:
    return (
        FeedbackDebt.objects.filter(referrer_id=profile.person_id, paid_at__isnull=True)
        .select_related("referral__prospect")
        .order_by("owed_since", "id")
    )


def meetings_of(profile: PartnerProfile) -> QuerySet[PartnerMeeting]:
    return profile.meetings.select_related("by").order_by("-held_on", "-id")


@dataclass(frozen=True)
class MeetingDue:
    partner: PartnerProfile
    last_met: date | None
    due_on: date


def partners_due_a_meeting(on: date) -> list[MeetingDue]:
    """Partners whose next meeting, by their cadence, falls on or before ``on`` — for
    the partner pages and the Today agenda. Most overdue first."""
    found = []
    for profile in partners().annotate(last_met=Max("meetings__held_on")):
        due_on = ledger.next_meeting_due(profile.last_met, profile.since, profile.cadence_days)
        if due_on <= on:
            found.append(MeetingDue(partner=profile, last_met=profile.last_met, due_on=due_on))
    found.sort(key=lambda item: (item.due_on, item.partner.person.sort_name))
    return found


def candidates() -> list[Candidate]:
    return [
        Candidate(
            partner_id=profile.pk,
            name=profile.person.full_name,
            profession=profile.profession,
            profession_label=profile.get_profession_display(),
            niche=profile.niche,
            good_referral=profile.good_referral,
            industries=profile.criteria_industries,
            needs=profile.criteria_needs,
            client_size=profile.criteria_client_size,
        )
        for profile in partners()
    ]


@dataclass(frozen=True)
class GiftTotal:
    person_id: int
    name: str
    given: Decimal
    has_agreement: bool


def people_at_gift_threshold(today: date, threshold: Decimal) -> list[GiftTotal]:
    """Everyone given gifts and fees worth ``threshold`` or more over the last twelve
    months, largest first, with whether a written agreement is on file."""
    since = today - timedelta(days=365)
    rows = (
        Gift.objects.filter(direction=Gift.Direction.GIVEN, given_on__gt=since, given_on__lte=today)
        .values("person_id", "person__first_name", "person__last_name")
        .annotate(total=Sum("value"))
        .filter(total__gte=threshold)
        .order_by("-total", "person_id")
    )
    found = list(rows[:200])
    signed = set(
        CompensationAgreement.objects.filter(
            person_id__in=[row["person_id"] for row in found]
        ).values_list("person_id", flat=True)
    )
    return [
        GiftTotal(
            person_id=row["person_id"],
            name=f"{row['person__first_name']} {row['person__last_name']}".strip(),
            given=row["total"],
            has_agreement=row["person_id"] in signed,
        )
        for row in found
    ]
