"""The urgency rule: pure ordering of agenda items."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from referable.agenda import urgency
from referable.agenda.urgency import Item

NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)


def item(source, minutes=0, *, overdue=False, title="x", key=None):
    return Item(
        key=key or f"{source}:{minutes}:{title}:{overdue}",
        source=source,
        title=title,
        why="because",
        moment=NOON + timedelta(minutes=minutes),
        owner_id=1,
        overdue=overdue,
    )


def test_overdue_same_day_contacts_come_first_then_calls_by_the_minute():
    ranked = urgency.rank(
        [
            item(urgency.ASK),
            item(urgency.CALL, 30, title="call 12:30"),
            item(urgency.CONTACT, 240),
            item(urgency.CALL, 5, title="call 12:05"),
            item(urgency.CONTACT, -600, overdue=True),
            item(urgency.FEEDBACK, -9000),
            item(urgency.TASK, -60),
        ]
    )
    assert [(i.group, i.title) for i in ranked] == [
        (urgency.OVERDUE_CONTACT, "x"),
        (urgency.CALL, "call 12:05"),
        (urgency.CALL, "call 12:30"),
        (urgency.CONTACT, "x"),
        (urgency.TASK, "x"),
        (urgency.FEEDBACK, "x"),
        (urgency.ASK, "x"),
    ]


def test_the_rule_is_written_once_per_group_in_order():
    assert len(urgency.RULE) == len(urgency.GROUPS)
    assert set(urgency.GROUP_LABELS) == set(urgency.GROUPS)


items = st.lists(
    st.builds(
        item,
        st.sampled_from(urgency.SOURCES),
        st.integers(-100_000, 100_000),
        overdue=st.booleans(),
        title=st.sampled_from(["a", "b", "c"]),
    ),
    max_size=30,
)


@given(items, st.randoms())
def test_the_order_never_depends_on_the_order_the_sources_answered_in(found, rnd):
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert urgency.rank(shuffled) == urgency.rank(found)


@given(items)
def test_groups_follow_the_rule_and_within_a_group_the_earlier_comes_first(found):
    ranked = urgency.rank(found)
    positions = [urgency.GROUPS.index(i.group) for i in ranked]
    assert positions == sorted(positions)
    for a, b in zip(ranked, ranked[1:], strict=False):
        if a.group == b.group:
            assert a.moment <= b.moment
