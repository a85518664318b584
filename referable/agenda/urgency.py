"""The agenda's order: most urgent first, by one stated rule.

The rule (shown on Today as well):

1. Introductions whose same-day first contact is already overdue (seed 003: call
   every referral the same day) — the longest waiting first.
2. Calls promised at an exact time, by the minute (seed 001: call at exactly the time
   the letter states); a promised call not yet logged stays at its minute.
3. Introductions to contact today, the earliest due first.
4. Tasks due today or earlier, the oldest first (a time of day orders them).
5. Letters awaiting the client's signature, the oldest first.
6. Feedback and thank-yous owed to referrers, the longest owed first (close the loop).
7. Touches due by the tier's cadence, the most overdue first.
8. Referral partners due a meeting, the most overdue first.
9. Clients whose expectations were never asked, the longest waiting first.
10. Clients ready for their next ask on the ladder, by client name.

Within a group: the earlier moment first, then the title, then the key, so the order
never depends on the order the sources answered in. Pure: no database.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

# the sources of items
CONTACT = "contact"
CALL = "call"
TASK = "task"
LETTER = "letter"
FEEDBACK = "feedback"
TOUCH = "touch"
PARTNER = "partner"
EXPECTATIONS = "expectations"
ASK = "ask"
SOURCES = (CONTACT, CALL, TASK, LETTER, FEEDBACK, TOUCH, PARTNER, EXPECTATIONS, ASK)

# the groups of the rule, in order
OVERDUE_CONTACT = "overdue_contact"
GROUPS = (
    OVERDUE_CONTACT,
    CALL,
    CONTACT,
    TASK,
    LETTER,
    FEEDBACK,
    TOUCH,
    PARTNER,
    EXPECTATIONS,
    ASK,
)
GROUP_LABELS = {
    OVERDUE_CONTACT: "Overdue: introductions not yet contacted",
    CALL: "Calls at an exact time",
    CONTACT: "Introductions to contact today",
    TASK: "Tasks",
    LETTER: "Letters awaiting signature",
    FEEDBACK: "Feedback and thanks owed",
    TOUCH: "Touches due",
    PARTNER: "Partners due a meeting",
    EXPECTATIONS: "Expectations never asked",
    ASK: "Ready for their next ask",
}
RULE = [
    "Introductions whose same-day first contact is overdue, the longest waiting first",
    "Calls promised at an exact time, by the minute",
    "Introductions to contact today, the earliest due first",
    "Tasks due today or earlier",
    "Letters awaiting signature, the oldest first",
    "Feedback and thank-yous owed to referrers, the longest owed first",
    "Touches due by the tier's cadence, the most overdue first",
    "Partners due a meeting, the most overdue first",
    "Clients whose expectations were never asked",
    "Clients ready for their next ask",
]
_RANK = {group: index for index, group in enumerate(GROUPS)}


@dataclass(frozen=True)
class Action:
    """An item's own action, done by another area's service (``name`` is dispatched by
    sources.act). ``needs`` names the one field it asks for, if any."""

    name: str
    label: str
    needs: str = ""


@dataclass(frozen=True)
class Item:
    key: str
    source: str
    title: str
    why: str
    moment: datetime
    owner_id: int | None
    url: str = ""
    when: str = ""
    overdue: bool = False
    actions: tuple[Action, ...] = ()
    #: set by the agenda when the item was handed over from someone else
    assignee_id: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def group(self) -> str:
        return group_of(self)

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]

    @cached_property
    def dom_id(self) -> str:
        return "item-" + "".join(c if c.isalnum() else "-" for c in self.key)


def group_of(item: Item) -> str:
    if item.source not in SOURCES:
        raise ValueError(f"Unknown source {item.source!r}")
    if item.source == CONTACT and item.overdue:
        return OVERDUE_CONTACT
    return item.source


def sort_key(item: Item) -> tuple:
    return (_RANK[group_of(item)], item.moment, item.title, item.key)


def rank(items: Iterable[Item]) -> list[Item]:
    """The items in the order of the rule above."""
    return sorted(items, key=sort_key)
