"""The firm dashboard's monthly summary: the grouped figures of each past month, so the
dashboard of a firm with a hundred thousand introductions reads a few thousand rows
instead of every introduction and debt it ever had.

Derived, never entered: summary.py builds them from the source rows (referrals, their
stage history and debts, event attributions, connections, client tiers) and reads them
back; signals.py marks a month changed whenever one of its source rows changes, and a
changed month is read from the source rows until the worker summarizes it again.
The summary has no owner dimension: one professional's dashboard reads the source rows
(a few hundred introductions, found through their own index).

Like every row of a practice, they are followed by the audit trail; summary.py writes
them in bulk (no signal), so summarizing writes no entries: their sources have theirs."""

from django.db import models

from referable.practices.models import PracticeOwned


class SummarizedMonth(PracticeOwned):
    """A calendar month in the practice's time zone, and how current its figures are."""

    #: derived figures: the practice's archive holds the rows they are rebuilt from
    archived = False

    first = models.DateField("first day of the month")
    zone = models.CharField(max_length=64)
    #: the month's bounds in ``zone``, as instants (UTC): the first inclusive, the second not
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    #: the first and last instant counted in the month (received, owed, engaged): a
    #: period that starts or ends inside the month may still read it when no row of the
    #: month falls outside the period
    earliest = models.DateTimeField(null=True, blank=True)
    latest = models.DateTimeField(null=True, blank=True)
    #: the latest due time of an introduction neither contacted nor late yet: until it
    #: passes, which of them are late depends on the hour, so the month is read from
    #: the source rows
    open_until = models.DateTimeField(null=True, blank=True)
    #: the earliest receipt of those that were not due yet when summarized: those not
    #: due at any later hour were received since
    open_since = models.DateTimeField(null=True, blank=True)
    #: bumped by every change to a source row of the month; the figures are current when
    #: they were summarized at the latest count
    changes = models.PositiveIntegerField(default=0)
    summarized_changes = models.IntegerField(default=-1)
    summarized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["practice", "first"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "first"], name="summarized_month_once")
        ]
        indexes = [models.Index(fields=["practice", "starts"], name="summarized_month_starts")]

    def __str__(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def is_current(self) -> bool:
        return self.summarized_changes == self.changes


class MonthFigures(PracticeOwned):
    """Figures of one month, for the introductions from clients of one service tier
    (``tier_id`` null: from people who are not clients)."""

    month = models.ForeignKey(SummarizedMonth, on_delete=models.CASCADE, related_name="+")
    tier_id = models.BigIntegerField(null=True, blank=True)

    archived = False

    class Meta:
        abstract = True


class ReferralFigures(MonthFigures):
    """Introductions received in the month, grouped as ``queries.referral_counts``
    groups them."""

    origin = models.CharField(max_length=10)
    kind = models.CharField(max_length=20)
    method = models.CharField(max_length=20)
    sentiment = models.CharField(max_length=20)
    reached = models.PositiveSmallIntegerField()
    received = models.PositiveIntegerField()
    contacted = models.PositiveIntegerField()
    on_time = models.PositiveIntegerField()
    late_contacts = models.PositiveIntegerField()
    #: neither contacted nor late when summarized: late once ``open_until`` has passed
    waiting = models.PositiveIntegerField()


class ContactMinutes(MonthFigures):
    """How many introductions received in the month were first contacted after
    ``minutes`` (to the minute): the medians are read off these counts."""

    minutes = models.IntegerField()
    contacted = models.PositiveIntegerField()


class ContactMedian(MonthFigures):
    """The month's median minutes to first contact, for one tier or (``all_tiers``)
    for every introduction: the month's figure when it is read whole."""

    all_tiers = models.BooleanField(default=False)
    minutes = models.FloatField()


class DebtFigures(MonthFigures):
    """Feedback and thank-yous that became owed in the month."""

    kind = models.CharField(max_length=10)
    owed = models.PositiveIntegerField()
    paid = models.PositiveIntegerField()
    seconds_to_pay = models.FloatField(null=True, blank=True)


class ValueFigures(MonthFigures):
    """Introductions whose prospect engaged in the month, and the value recorded."""

    currency = models.CharField(max_length=3)
    engaged = models.PositiveIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
