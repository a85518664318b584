"""The demo practice: its firm and users. Other areas add their own history through
their ``demo_builder`` (see registry.py), each reading and extending ``DemoPlan``."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from referable.practices.models import Practice, User
from referable.practices.roles import Role
from referable.practices.services import add_user

DEMO_PASSWORD = "referable-demo"
DEMO_TIME_ZONE = "America/New_York"
DEMO_DOMAIN = "harborpine.example"

STAFF_NAMES = [
    ("Dana", "Reyes"),
    ("Marcus", "Okafor"),
    ("Priya", "Raman"),
    ("Tom", "Lindqvist"),
    ("Grace", "Whitfield"),
    ("Samuel", "Adeyemi"),
    ("Hannah", "Kowalski"),
    ("Leo", "Marchetti"),
    ("Aisha", "Farouk"),
    ("Ben", "Castellano"),
    ("Chloe", "Dubois"),
    ("Ethan", "Nakamura"),
]


@dataclass
class DemoPlan:
    people: int = 1500
    seed: int = 2026
    today: date = field(default_factory=timezone.localdate)
    progress: Callable[[str, int, int], None] = lambda step, done, total: None
    practice: Practice | None = None
    users: dict[str, list[User]] = field(default_factory=dict)
    #: ids that later builders need, e.g. people by category: shared["people"]["client"]
    shared: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def scale(self) -> float:
        """1.0 for the standard 1,500-person demo; larger for firm-scale data sets."""
        return self.people / 1500

    @property
    def professionals(self) -> list[User]:
        return self.users.get(Role.PROFESSIONAL, [])

    @property
    def demo_user(self) -> User:
        return self.professionals[0]


def build(practice: Practice, plan: DemoPlan) -> None:
    n_professionals = max(3, plan.people // 1000)
    n_assistants = max(1, plan.people // 10000)
    owner = practice.users.get(role=Role.OWNER)
    plan.users = {Role.OWNER: [owner]}

    def staff(index: int, role: str, **extra) -> User:
        first, last = STAFF_NAMES[index % len(STAFF_NAMES)]
        suffix = "" if index < len(STAFF_NAMES) else str(index)
        email = f"{first.lower()}{suffix}@{DEMO_DOMAIN}"
        user = add_user(
            practice,
            email=email,
            password=None,
            role=role,
            first_name=first,
            last_name=last + suffix,
            **extra,
        )
        plan.users.setdefault(role, []).append(user)
        return user

    # One hashed password shared by every demo user: hashing with argon2 200 times
    # would dominate a firm-scale build.
    owner.set_password(DEMO_PASSWORD)
    owner.save(update_fields=["password"])
    index = 1
    staff(index, Role.MANAGER)
    for _ in range(n_professionals):
        index += 1
        staff(index, Role.PROFESSIONAL)
    for _ in range(n_assistants):
        index += 1
        staff(index, Role.ASSISTANT, acts_for=plan.professionals[:3])
    index += 1
    staff(index, Role.COMPLIANCE)
    User.objects.filter(practice=practice).update(password=owner.password)


def erase_demo_practice(practice: Practice) -> None:
    """Deletes a demo practice and every row that belongs to it, straight in SQL.

    The ORM's cascade would refuse (the archive is immutable and protected) and, at
    firm scale, would load millions of rows to send their signals. A demo practice has
    no records worth keeping, so each table is emptied of the practice's rows; the
    foreign keys are deferred, so the order does not matter within the transaction."""
    if not practice.is_demo:
        raise ValueError(f"{practice.slug} is not a demo practice; it cannot be erased.")
    with transaction.atomic():
        for model in apps.get_models(include_auto_created=True):
            rows = _rows_of(model, practice)
            if rows is not None:
                rows._raw_delete(rows.db)
        Practice.objects.filter(pk=practice.pk)._raw_delete(Practice.objects.db)


def _rows_of(model, practice: Practice):
    """The rows of ``model`` that belong to ``practice``: directly, or through a foreign
    key to a row that does (a user's sessions, a many-to-many link)."""
    manager = model._base_manager
    for column in model._meta.concrete_fields:
        if column.is_relation and column.related_model is Practice:
            return manager.filter(**{column.name: practice})
    for column in model._meta.concrete_fields:
        target = column.related_model if column.is_relation else None
        if target is not None and target is not Practice and _owned(target):
            return manager.filter(**{f"{column.name}__practice": practice})
    return None


def _owned(model) -> bool:
    return any(
        f.is_relation and f.related_model is Practice and f.name == "practice"
        for f in model._meta.concrete_fields
    )
