"""Reads shared by the pages, the API and other areas, each with its joins decided once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from referable.introductions.models import (
    OPEN_STAGES,
    OUTCOME_STAGES,
    FeedbackDebt,
    HeldEmail,
    Letter,
    Method,
    Referral,
    ScheduledCall,
    Stage,
    StageChange,
)
from referable.people.queries import matching_person_ids

BOARD_COLUMN_LIMIT = 20
#: closed outcomes matter less on the board: the list has them all
OUTCOME_COLUMN_LIMIT = 8


def _open_debts():
    return FeedbackDebt.objects.filter(referral=OuterRef("pk"), paid_at__isnull=True)


def referrals(owner_id: int | None = None) -> QuerySet[Referral]:
    """Referrals with what every list shows: the two people, the owner, and whether any
    feedback is still owed."""
    found = Referral.objects.select_related("referrer", "prospect", "owner").annotate(
        owes_feedback=Exists(_open_debts())
    )
    if owner_id:
        found = found.filter(owner_id=owner_id)
    return found


@dataclass(frozen=True)
class Card:
    """One referral as the board shows it: plain values, so a busy board stays quick."""

    id: int
    stage: str
    method: str
    received_at: datetime
    first_contact_due_at: datetime
    contacted_late: bool
    prospect_name: str
    referrer_name: str
    owes_feedback: bool = False

    @property
    def method_label(self) -> str:
        return Method(self.method).label if self.method in Method.values else self.method

    def late(self, now: datetime) -> bool:
        return self.stage == Stage.RECEIVED and self.first_contact_due_at < now


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list[Card]

    @property
    def more(self) -> int:
        return self.count - len(self.cards)


CARD_FIELDS = (
    "id",
    "stage",
    "method",
    "received_at",
    "first_contact_due_at",
    "contacted_late",
    "prospect__first_name",
    "prospect__last_name",
    "referrer__first_name",
    "referrer__last_name",
)


def _name(first: str, last: str) -> str:
    return " ".join(part for part in (first, last) if part)


def board(owner_id: int | None) -> list[Column]:
    """The pipeline by stage. Each column shows its most recent cards; the counts are
    exact. One grouped count, one query per column that has cards, and one for the
    feedback owed, whatever the number of rows."""
    base = Referral.objects.all()
    if owner_id:
        base = base.filter(owner_id=owner_id)
    counts = dict(base.values_list("stage").annotate(n=Count("id")).order_by())
    rows: dict[str, list[tuple]] = {}
    for stage in Stage:
        if counts.get(stage.value):
            rows[stage.value] = list(
                base.filter(stage=stage.value)
                .order_by("-received_at", "-id")
                .values_list(*CARD_FIELDS)[
                    : OUTCOME_COLUMN_LIMIT if stage in OUTCOME_STAGES else BOARD_COLUMN_LIMIT
                ]
            )
    ids = [row[0] for stage_rows in rows.values() for row in stage_rows]
    owing = (
        set(
            FeedbackDebt.objects.filter(referral_id__in=ids, paid_at__isnull=True).values_list(
                "referral_id", flat=True
            )
        )
        if ids
        else set()
    )
    return [
        Column(
            stage.value,
            stage.label,
            counts.get(stage.value, 0),
            [
                Card(*row[:6], _name(row[6], row[7]), _name(row[8], row[9]), row[0] in owing)
                for row in rows.get(stage.value, [])
            ],
        )
        for stage in Stage
    ]


def filtered(
    *,
    owner_id: int | None = None,
    stage: str = "",
    kind: str = "",
    method: str = "",
    referrer_kind: str = "",
    overdue: bool = False,
    q: str = "",
    now: datetime | None = None,
) -> QuerySet[Referral]:
    found = referrals(owner_id)
    if stage:
        found = found.filter(stage=stage)
    if kind:
        found = found.filter(kind=kind)
    if method:
        found = found.filter(method=method)
    if referrer_kind:
        found = found.filter(referrer_kind=referrer_kind)
    if overdue:
        found = found.filter(overdue_filter(now))
    if q.strip():
        people = matching_person_ids(q)
        found = found.filter(Q(prospect__in=people) | Q(referrer__in=people))
    return found.order_by("-received_at", "-id")


def overdue_filter(now: datetime | None = None) -> Q:
    """Contacted late, or still waiting past the due time."""
    now = now or timezone.now()
    return Q(contacted_late=True) | Q(
        first_contacted_at__isnull=True, stage=Stage.RECEIVED, first_contact_due_at__lt=now
    )


def referral_detail(referral_id: int) -> Referral:
    return (
        Referral.objects.select_related(
            "referrer", "prospect", "owner", "connection", "practice", "source_profile"
        )
        .prefetch_related(
            Prefetch("stage_changes", queryset=StageChange.objects.select_related("by")),
            Prefetch("debts", queryset=FeedbackDebt.objects.select_related("paid_by")),
            Prefetch("letters", queryset=Letter.objects.order_by("-created_at")),
            Prefetch("calls", queryset=ScheduledCall.objects.order_by("at")),
            "disclosures",
            "prospect__emails",
            "referrer__emails",
        )
        .get(pk=referral_id)
    )


def letter_detail(letter_id: int) -> Letter:
    return (
        Letter.objects.select_related(
            "referral__referrer",
            "referral__prospect",
            "referral__owner",
            "referral__practice",
            "template",
        )
        .prefetch_related("versions", "calls")
        .get(pk=letter_id)
    )


@dataclass
class TimelineEntry:
    at: datetime
    what: str
    detail: str = ""
    by: str = ""


def timeline(referral: Referral) -> list[TimelineEntry]:
    """Everything that happened to a referral, oldest first."""
    entries = []
    for change in referral.stage_changes.all():
        label = Stage(change.to_stage).label
        what = (
            f"Received ({referral.get_kind_display().split(' (')[0].lower()})"
            if not change.from_stage
            else f"{Stage(change.from_stage).label} → {label}"
        )
        entries.append(TimelineEntry(change.at, what, change.reason, str(change.by or "")))
    for debt in referral.debts.all():
        if debt.paid_at:
            entries.append(
                TimelineEntry(
                    debt.paid_at,
                    f"{debt.get_kind_display()} given",
                    debt.note,
                    str(debt.paid_by or ""),
                )
            )
    for letter in referral.letters.all():
        entries.append(TimelineEntry(letter.created_at, "Letter drafted"))
        if letter.signed_at:
            entries.append(
                TimelineEntry(letter.signed_at, f"Letter signed (version {letter.version})")
            )
        if letter.delivered_at:
            entries.append(
                TimelineEntry(
                    letter.delivered_at, "Letter delivered", letter.get_delivered_how_display()
                )
            )
    for call in referral.calls.all():
        entries.append(
            TimelineEntry(
                call.created_at,
                f"Scheduled: {call.get_kind_display().lower()}",
                f"for {timezone.localtime(call.at):%A %-d %B %Y, %H:%M}",
            )
        )
        if call.called_at:
            entries.append(
                TimelineEntry(
                    call.called_at, f"Call {call.get_status_display().lower()}", call.outcome_note
                )
            )
    for disclosure in referral.disclosures.all():
        entries.append(
            TimelineEntry(
                disclosure.given_at,
                f"{disclosure.get_kind_display()} disclosure given",
                disclosure.how,
            )
        )
    if referral.privacy_notice_given_at:
        entries.append(
            TimelineEntry(
                referral.privacy_notice_given_at,
                "Privacy notice given",
                referral.privacy_notice_how,
            )
        )
    return sorted(entries, key=lambda e: e.at)


def open_debts(owner_id: int | None = None) -> QuerySet[FeedbackDebt]:
    debts = FeedbackDebt.objects.filter(paid_at__isnull=True).select_related(
        "referrer", "referral__prospect"
    )
    if owner_id:
        debts = debts.filter(referral__owner_id=owner_id)
    return debts.order_by("referrer__sort_name", "referrer_id", "owed_since", "id")


def open_debts_by_referrer(owner_id: int | None = None) -> list[tuple]:
    """[(referrer, [debt, …]), …] ordered by the referrer's name."""
    grouped: dict[int, tuple] = {}
    for debt in open_debts(owner_id):
        grouped.setdefault(debt.referrer_id, (debt.referrer, []))[1].append(debt)
    return list(grouped.values())


def held_emails() -> QuerySet[HeldEmail]:
    return HeldEmail.objects.filter(state=HeldEmail.State.PENDING).select_related(
        "referral__prospect", "requested_by", "person"
    )


def upcoming_calls(
    owner_id: int | None = None, *, now: datetime | None = None
) -> QuerySet[ScheduledCall]:
    now = now or timezone.now()
    calls = ScheduledCall.objects.filter(status=ScheduledCall.Status.SCHEDULED).select_related(
        "referral__prospect", "referral__referrer"
    )
    if owner_id:
        calls = calls.filter(professional_id=owner_id)
    return calls.filter(at__gte=now - timedelta(days=1)).order_by("at")


def promises_for(person_ids, *, now: datetime | None = None) -> dict[int, tuple[int, int]]:
    """Promises kept and missed toward each referrer (trust evidence for the clients
    area): exact-time calls made on time or missed, and feedback given or overdue."""
    from referable.introductions.services import FEEDBACK_DUE_DAYS

    now = now or timezone.now()
    ids = list(person_ids)
    result = {pid: [0, 0] for pid in ids}
    if not ids:
        return {}
    calls = ScheduledCall.objects.filter(
        referral__referrer_id__in=ids, kind=ScheduledCall.Kind.EXACT_TIME_CALL
    ).values("referral__referrer_id", "status", "at", "grace_minutes")
    for row in calls:
        pid = row["referral__referrer_id"]
        if row["status"] == ScheduledCall.Status.KEPT:
            result[pid][0] += 1
        elif row["status"] == ScheduledCall.Status.MISSED or (
            row["status"] == ScheduledCall.Status.SCHEDULED
            and row["at"] + timedelta(minutes=row["grace_minutes"]) < now
        ):
            result[pid][1] += 1
    late = now - timedelta(days=FEEDBACK_DUE_DAYS)
    debts = (
        FeedbackDebt.objects.filter(referrer_id__in=ids, kind=FeedbackDebt.Kind.FEEDBACK)
        .values("referrer_id")
        .annotate(
            kept=Count("id", filter=Q(paid_at__isnull=False)),
            missed=Count("id", filter=Q(paid_at__isnull=True, owed_since__lt=late)),
        )
        .order_by()
    )
    for row in debts:
        result[row["referrer_id"]][0] += row["kept"]
        result[row["referrer_id"]][1] += row["missed"]
    return {pid: (kept, missed) for pid, (kept, missed) in result.items()}


def open_stage_values() -> list[str]:
    return [s.value if hasattr(s, "value") else s for s in OPEN_STAGES]
