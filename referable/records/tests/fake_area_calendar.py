"""Shaped like an area's ``calendar.py``, for the convention test."""

from referable.records.calendar import FeedItem


def feed_items(user, start, end) -> list[FeedItem]:
    return []
