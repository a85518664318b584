"""``referable demo``: the demo practice, or a firm-scale data set for benchmarks."""

from datetime import date
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from referable.practices.bulk import analyze, loading, settle
from referable.practices.demo import (
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_TIME_ZONE,
    DemoPlan,
    erase_demo_practice,
)
from referable.practices.models import Practice, User
from referable.practices.registry import areas
from referable.practices.roles import Role
from referable.practices.services import create_practice
from referable.practices.tenancy import practice_scope


class Command(BaseCommand):
    help = "Build the demo practice (idempotent), or a firm-scale one with --people."

    def add_arguments(self, parser):
        parser.add_argument(
            "--people", type=int, default=1500, help="How many people (default 1500)."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--slug", default=None, help="Practice slug (default: demo, or demo-<people>)."
        )
        parser.add_argument(
            "--reset", action="store_true", help="Delete and rebuild the demo practice."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            default=None,
            help="Build the history relative to this date (default: today).",
        )

    def handle(self, *args, people, seed, slug, reset, today, **options):
        if people < 50:
            raise CommandError("--people must be at least 50")
        slug = slug or ("demo" if people == 1500 else f"demo-{people}")
        console = Console(stderr=True)
        existing = Practice.objects.filter(slug=slug).first()
        if existing and not reset:
            self._print_logins(existing, built=False)
            return
        if existing:
            if not existing.is_demo:
                raise CommandError(
                    f"“{existing.name}” ({slug}) is a real practice, not a demo: "
                    "it is never deleted. Choose another --slug."
                )
            console.print(f"Deleting the existing “{existing.name}”…")
            erase_demo_practice(existing)
        # the demo's story is dated from the practice's today, not UTC's
        today = today or timezone.localdate(timezone=ZoneInfo(DEMO_TIME_ZONE))
        plan = DemoPlan(people=people, seed=seed, today=today)
        with _progress(console, people) as progress, loading():
            plan.progress = progress
            practice = build_demo(plan, slug)
        settle()
        self._print_logins(practice, built=True)

    def _print_logins(self, practice: Practice, *, built: bool) -> None:
        users = User.objects.filter(practice=practice).order_by("id")
        professional = users.filter(role=Role.PROFESSIONAL).first()
        verb = "Built" if built else "Already built:"
        self.stdout.write(f"{verb} “{practice.name}” ({practice.slug}).")
        self.stdout.write(f"Demo login: {professional.email} / {DEMO_PASSWORD}")
        for role in (Role.OWNER, Role.MANAGER, Role.ASSISTANT, Role.COMPLIANCE):
            user = users.filter(role=role).first()
            if user:
                self.stdout.write(f"  {Role(role).label:<20} {user.email} / {DEMO_PASSWORD}")


@transaction.atomic
def build_demo(plan: DemoPlan, slug: str) -> Practice:
    name = (
        "Harbor & Pine Advisors"
        if plan.people == 1500
        else f"Harbor & Pine ({plan.people:,} people)"
    )
    practice, _owner = create_practice(
        name,
        owner_email=f"olivia@{slug}.{DEMO_DOMAIN}" if slug != "demo" else f"olivia@{DEMO_DOMAIN}",
        owner_password=DEMO_PASSWORD,
        time_zone=DEMO_TIME_ZONE,
        owner_first_name="Olivia",
        owner_last_name="Hart",
    )
    practice.slug, practice.is_demo = slug, True
    practice.save(update_fields=["slug", "is_demo"])
    plan.practice = practice
    if slug != "demo":
        _prefix_staff_emails(practice, slug)
    with practice_scope(practice):
        for area in sorted(areas(), key=lambda a: a.demo_order):
            if area.demo_builder:
                import_string(area.demo_builder)(practice, plan)
                if area.label == "practices" and slug != "demo":
                    _prefix_staff_emails(practice, slug)
                # later areas query what this one loaded: without fresh statistics the
                # planner takes a practice-wide index for a selective one (the insight
                # summary took minutes instead of seconds); sampled, this costs little
                analyze(sampled=True)
    analyze()
    return practice


def _prefix_staff_emails(practice: Practice, slug: str) -> None:
    """Several demo practices can live side by side; their logins must not collide."""
    for user in User.objects.filter(practice=practice).exclude(email__contains=f"@{slug}."):
        local, domain = user.email.split("@")
        user.email = f"{local}@{slug}.{domain}"
        user.save(update_fields=["email"])


class _progress:
    """A progress bar for firm-scale builds; a quiet line per step for the small demo."""

    def __init__(self, console: Console, people: int):
        self.console, self.big = console, people > 5000
        self.bar = Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, int] = {}

    def __enter__(self):
        if self.big:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.big:
            self.bar.stop()

    def __call__(self, step: str, done: int, total: int) -> None:
        if not self.big:
            if done >= total:
                self.console.print(f"  {step}: {total:,}")
            return
        if step not in self.tasks:
            self.tasks[step] = self.bar.add_task(step, total=total)
        self.bar.update(self.tasks[step], completed=done, total=total)
