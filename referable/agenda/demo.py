"""Demo data of the agenda: the default process with hand-ticked steps, a cadence for
the tiers, touches logged over the past months, and tasks around ``plan.today`` — so
that the demo user's Today is full and varied on whatever day the demo is loaded (the
other areas add referrals due today, calls at a minute, letters, feedback owed and
clients ready for their next ask). Bulk inserts only: it stays fast at firm scale."""

from datetime import datetime, time, timedelta

from referable.agenda import cadence, services
from referable.agenda.models import DigestPreference, StepCompletion, Task, Touch
from referable.clients.models import Client
from referable.practices.bulk import insert_instances
from referable.practices.demo import DemoPlan

TASKS = [
    (-2, None, "Send the Hendersons the estate-planning checklist"),
    (-1, time(16, 0), "Prepare the quarterly review pack for the Top tier"),
    (0, time(10, 30), "Confirm the venue for the wine-tasting evening"),
    (0, None, "Draft this month's note to referral partners"),
    (0, time(15, 0), "Call the bank about the trust account transfer"),
    (1, None, "Book a table for the partners' lunch"),
    (6, time(9, 0), "Review the introduction profile with the team"),
]
TOUCH_NOTES = [
    "",
    "",
    "Quick catch-up.",
    "Asked about their daughter's wedding.",
    "Sent the article",
]


def build(practice, plan: DemoPlan) -> None:
    rng = plan.rng
    zone = practice.zone
    steps = services.ensure_process(practice)
    services.default_rules(practice)
    demo_user = plan.demo_user
    professionals = plan.professionals

    tasks = []
    for offset, at, title in TASKS:
        tasks.append(
            Task(
                practice=practice,
                title=title,
                due_on=plan.today + timedelta(days=offset),
                due_time=at,
                assignee=demo_user,
                created_by=demo_user,
            )
        )
    for user in professionals[1:]:
        tasks.append(
            Task(
                practice=practice,
                title="Follow up on last week's seminar guests",
                due_on=plan.today + timedelta(days=rng.randint(-1, 3)),
                assignee=user,
                created_by=user,
            )
        )
    clients = list(
        Client.objects.filter(stage__in=[Client.Stage.ONBOARDING, Client.Stage.ACTIVE])
        .order_by("id")
        .values_list("id", "owner_id", "start_date")
    )
    mine = [c for c in clients if c[1] == demo_user.pk]
    for (client_id, _owner, _since), title in zip(
        mine[:2], ["Send the welcome pack", "Ask about their brother's new practice"], strict=False
    ):
        tasks.append(
            Task(
                practice=practice,
                title=title,
                due_on=plan.today,
                client_id=client_id,
                assignee=demo_user,
                created_by=demo_user,
            )
        )
    Task.objects.bulk_create(tasks)

    touches = []
    kinds = [k for k, _label in cadence.TOUCH_CHOICES if k != cadence.CHECK_IN]
    for client_id, owner_id, since in clients:
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 3)):
                days = rng.randint(1, 240)
                day = plan.today - timedelta(days=days)
                if day < since:
                    continue
                at = datetime.combine(day, time(rng.randint(8, 18), rng.choice([0, 15, 30, 45])))
                touches.append(
                    Touch(
                        practice=practice,
                        client_id=client_id,
                        kind=rng.choice(kinds),
                        at=at.replace(tzinfo=zone),
                        note=rng.choice(TOUCH_NOTES),
                        by_id=owner_id,
                    )
                )
    insert_instances(touches)

    manual = [s for s in steps if not s.evidence]
    completions = []
    for client_id, owner_id, since in clients:
        tenure = (plan.today - since).days
        for index, step in enumerate(manual):
            # the earlier the step, the more clients have done it
            chance = (0.85, 0.7, 0.3)[min(index, 2)] if tenure > 20 else 0.2 * (index == 0)
            if rng.random() < chance:
                completions.append(
                    StepCompletion(
                        practice=practice,
                        client_id=client_id,
                        step=step,
                        done_on=since + timedelta(days=min(tenure, rng.randint(0, 60))),
                        by_id=owner_id,
                    )
                )
    insert_instances(completions)

    _calls_today(practice, plan)
    DigestPreference.objects.create(practice=practice, user=demo_user, enabled=True, hour=7)
    plan.shared["agenda"] = {
        "tasks": [t.pk for t in tasks],
        "steps": [s.pk for s in steps],
    }


def _calls_today(practice, plan: DemoPlan) -> None:
    """Two calls at a stated minute today for the demo user, whatever the day: the
    exact-time call is the heart of seed 001, and Today shows it by the minute."""
    from referable.introductions.models import Referral, ScheduledCall, Stage

    referrals = list(
        Referral.objects.filter(
            owner=plan.demo_user, stage__in=[Stage.CONTACTED, Stage.MEETING_SET]
        ).order_by("-received_at")[:2]
    )
    slots = [
        (time(11, 15), ScheduledCall.Kind.EXACT_TIME_CALL, ""),
        (time(15, 45), ScheduledCall.Kind.THREE_WAY_MEETING, "Café Aurora, 12 Harbor Street"),
    ]
    ScheduledCall.objects.bulk_create(
        ScheduledCall(
            practice=practice,
            referral=referral,
            kind=kind,
            at=datetime.combine(plan.today, at).replace(tzinfo=practice.zone),
            duration_minutes=30,
            location=location,
            professional=plan.demo_user,
        )
        for referral, (at, kind, location) in zip(referrals, slots, strict=False)
    )
