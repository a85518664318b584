"""The approach a referrer–prospect relationship implies (seed 001, third pillar).

"If the prospect trusts and respects your client, some of that trust … will be
transferred to you and you start … from a position of strength. If the prospect
distrusts your client, you will start … from a position of weakness", which a strong
method of introduction can make up for. Pure function of the connection's facts."""

from dataclasses import dataclass

LETTER = "letter"
INTRODUCTORY_CALL = "introductory_call"
THREE_WAY_MEETING = "three_way_meeting"


@dataclass(frozen=True)
class Approach:
    label: str
    explanation: str
    method: str


def suggest_approach(sentiment: str | None, closeness: int | None) -> Approach:
    if sentiment is None:
        return Approach(
            "find out how they know each other",
            "We do not know their relationship yet: ask the referrer before choosing how "
            "to make first contact.",
            LETTER,
        )
    if sentiment == "negative":
        return Approach(
            "start from weakness; choose a stronger method",
            "The prospect may distrust the referrer, so little trust carries over. A "
            "three-way lunch or coffee lets the referrer vouch for you in person.",
            THREE_WAY_MEETING,
        )
    if sentiment == "positive":
        if (closeness or 0) >= 4:
            return Approach(
                "lends trust",
                "They are close and on good terms: the referrer's trust carries over. A "
                "letter of introduction, then a call at the exact minute it promises.",
                LETTER,
            )
        return Approach(
            "lends some trust",
            "They are on good terms but not close: a letter helps, and an introductory "
            "call by the referrer helps more.",
            LETTER if (closeness or 0) >= 3 else INTRODUCTORY_CALL,
        )
    return Approach(
        "neutral: earn trust directly",
        "Their relationship is neither warm nor cold, so little trust carries over: an "
        "introductory call by the referrer gives the prospect a reason to talk to you.",
        INTRODUCTORY_CALL,
    )
