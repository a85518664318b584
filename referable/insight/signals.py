"""Keeping the monthly summary honest: a change to any row a summarized month was
built from marks that month changed, in the same transaction, so the dashboard reads
it from the source rows until the worker summarizes it again (tasks.py).

The marks are plain UPDATEs of the months concerned (none when the practice has no
summary). Writes that send no signal (bulk loads, ``QuerySet.update``) are caught up
by the worker's daily pass over every month (``summary.refresh(everything=True)``).
"""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from referable.clients.models import Client
from referable.events.models import EventAttribution
from referable.insight.models import SummarizedMonth
from referable.introductions.models import FeedbackDebt, HeldEmail, Referral, StageChange
from referable.people.models import Connection


def mark_instants(practice_id: int, *instants: datetime | None) -> None:
    """Marks changed the months holding any of ``instants``."""
    holding = Q()
    for instant in {i for i in instants if i is not None}:
        holding |= Q(starts__lte=instant, ends__gt=instant)
    if holding:
        _bump(SummarizedMonth._base_manager.filter(holding, practice_id=practice_id))


def mark_rows(practice_id: int, rows: QuerySet, field: str) -> None:
    """Marks changed the months in which ``field`` of any of ``rows`` falls."""
    inside = rows.filter(**{f"{field}__gte": OuterRef("starts"), f"{field}__lt": OuterRef("ends")})
    _bump(SummarizedMonth._base_manager.filter(Exists(inside), practice_id=practice_id))


def _bump(months: QuerySet) -> None:
    months.update(changes=F("changes") + 1)


def _referrals(practice_id: int, **found) -> QuerySet:
    return Referral._base_manager.filter(practice_id=practice_id, **found)


def mark_referrals(practice_id: int, **found) -> None:
    """Marks the months where the referrals ``found`` were received, engaged and owed
    news or thanks: where anything about their referrer (its tier) is counted."""
    referrals = _referrals(practice_id, **found)
    mark_rows(practice_id, referrals, "received_at")
    mark_rows(practice_id, referrals, "stage_changed_at")
    debts = FeedbackDebt._base_manager.filter(practice_id=practice_id, referral__in=referrals)
    mark_rows(practice_id, debts, "owed_since")


# --- receivers ------------------------------------------------------------------------


def _referral_before(sender, instance: Referral, raw=False, **kwargs) -> None:
    instance._insight_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    instance._insight_before = (
        Referral._base_manager.filter(pk=instance.pk)
        .values_list("received_at", "stage_changed_at", "referrer_id")
        .first()
    )


def _referral_saved(sender, instance: Referral, raw=False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_insight_before", None) or (None, None, instance.referrer_id)
    received, stage_changed, referrer_id = before
    mark_instants(
        instance.practice_id,
        instance.received_at,
        instance.stage_changed_at,
        received,
        stage_changed,
    )
    if referrer_id != instance.referrer_id:
        # its debts now count in the new referrer's tier
        debts = FeedbackDebt._base_manager.filter(referral_id=instance.pk)
        mark_rows(instance.practice_id, debts, "owed_since")


def _referral_deleted(sender, instance: Referral, **kwargs) -> None:
    mark_instants(instance.practice_id, instance.received_at, instance.stage_changed_at)


def _referral_detail_changed(sender, instance, raw=False, **kwargs) -> None:
    """A stage reached (history), an event attribution: counted in the month the
    referral was received."""
    if not raw:
        referral = _referrals(instance.practice_id, pk=instance.referral_id)
        mark_rows(instance.practice_id, referral, "received_at")


def _debt_changed(sender, instance: FeedbackDebt, raw=False, **kwargs) -> None:
    if not raw:
        mark_instants(instance.practice_id, instance.owed_since)


def _held_email_saved(sender, instance: HeldEmail, raw=False, **kwargs) -> None:
    # approving a held e-mail pays its debt with an UPDATE, which sends no signal
    if not raw and instance.debt_id:
        debt = FeedbackDebt._base_manager.filter(pk=instance.debt_id)
        mark_rows(instance.practice_id, debt, "owed_since")


def _connection_changed(sender, instance: Connection, raw=False, **kwargs) -> None:
    # before a delete: the referrals still point at the connection
    if not raw and instance.pk:
        mark_rows(
            instance.practice_id,
            _referrals(instance.practice_id, connection_id=instance.pk),
            "received_at",
        )


def _client_before(sender, instance: Client, raw=False, **kwargs) -> None:
    instance._insight_tier = None
    if not raw and not instance._state.adding and instance.pk is not None:
        instance._insight_tier = (
            Client._base_manager.filter(pk=instance.pk).values_list("tier_id", flat=True).first()
        )


def _client_saved(sender, instance: Client, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    if created or getattr(instance, "_insight_tier", None) != instance.tier_id:
        mark_referrals(instance.practice_id, referrer_id=instance.person_id)


def _client_deleted(sender, instance: Client, **kwargs) -> None:
    mark_referrals(instance.practice_id, referrer_id=instance.person_id)


def connect() -> None:
    uid = "insight-summary"
    pre_save.connect(_referral_before, sender=Referral, dispatch_uid=f"{uid}-referral-pre")
    post_save.connect(_referral_saved, sender=Referral, dispatch_uid=f"{uid}-referral")
    post_delete.connect(_referral_deleted, sender=Referral, dispatch_uid=f"{uid}-referral-del")
    for model in (StageChange, EventAttribution):
        name = model._meta.model_name
        post_save.connect(_referral_detail_changed, sender=model, dispatch_uid=f"{uid}-{name}")
        post_delete.connect(
            _referral_detail_changed, sender=model, dispatch_uid=f"{uid}-{name}-del"
        )
    post_save.connect(_debt_changed, sender=FeedbackDebt, dispatch_uid=f"{uid}-debt")
    post_delete.connect(_debt_changed, sender=FeedbackDebt, dispatch_uid=f"{uid}-debt-del")
    post_save.connect(_held_email_saved, sender=HeldEmail, dispatch_uid=f"{uid}-held")
    post_save.connect(_connection_changed, sender=Connection, dispatch_uid=f"{uid}-connection")
    pre_delete.connect(_connection_changed, sender=Connection, dispatch_uid=f"{uid}-connection-del")
    pre_save.connect(_client_before, sender=Client, dispatch_uid=f"{uid}-client-pre")
    post_save.connect(_client_saved, sender=Client, dispatch_uid=f"{uid}-client")
    post_delete.connect(_client_deleted, sender=Client, dispatch_uid=f"{uid}-client-del")
