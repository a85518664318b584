"""The demo practice: its firm and users. Other areas add their own history through
their ``demo_builder`` (see registry.py), each reading and extending ``DemoPlan``."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from referable.practices.models import Practice, User
from referable.practices.roles import Role
from referable.practices.services import add_user

DEMO_PASSWORD = "referable-demo"
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
