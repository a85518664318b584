"""The language coach on a corpus of good and bad sentences."""

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referable.introductions.coach import check_text

GOOD = [
    "Thank you for the opportunity to work together.",
    "If someone comes to mind, I would welcome an introduction.",
    "The people I help best are owners planning to sell their business within five years.",
    "Would you be comfortable introducing me to Maria when the time is right?",
    "I will call you on Tuesday at 10:30, as Anna suggested.",
    "Our goal is not to meet your expectations but to exceed them.",
    "Do you know when the board meets next?",
    "Who do they report to in the finance team?",
    "Anna has known you for years and thought we should meet.",
    "I preferred the earlier draft.",
    "She knows everyone else in the building.",
    "",
]

BAD = [
    ("Who do you know who might benefit from our services?", "cornering"),
    ("who else do you know that owns a business", "cornering"),
    ("Do you know anyone who could use a good accountant?", "cornering"),
    ("Do you know of anybody that is thinking of retiring?", "cornering"),
    ("Would you know someone in your club who needs advice?", "cornering"),
    ("Is there anyone else who might like to hear from us?", "cornering"),
    ("Can you think of anyone who would benefit?", "cornering"),
    ("Could you give me a few names before we finish?", "cornering"),
    ("You must introduce me to your brother.", "pressure"),
    ("Surely you know a few business owners.", "pressure"),
    ("Don’t you know anyone at the hospital?", "pressure"),
    ("I’m counting on you for this.", "pressure"),
    ("Could you sign this right now?", "pressure"),
    ("I need some names to grow my practice.", "pressure"),
    ("Thank you for the referral!", "referral_word"),
    ("Referrals are the lifeblood of our business.", "referral_word"),
    ("Our referral programme rewards you.", "referral_word"),
]


@pytest.mark.parametrize("sentence", GOOD)
def test_good_sentences_pass_without_a_finding(sentence):
    assert check_text(sentence) == []


@pytest.mark.parametrize(("sentence", "code"), BAD)
def test_bad_sentences_are_flagged_with_a_rewording(sentence, code):
    findings = check_text(sentence)
    assert [f.code for f in findings] == [code]
    finding = findings[0]
    assert finding.suggestion and finding.explanation
    assert sentence[finding.start : finding.end] == finding.excerpt


def test_the_word_referral_is_replaced_by_introduction_in_the_same_case_and_number():
    findings = check_text("Referrals matter. Thanks for the referral.")
    assert [f.suggestion for f in findings] == ["Introductions", "introduction"]


def test_findings_come_in_the_order_of_the_text():
    text = "Thanks for the referral. Who do you know who needs help? Do you know anyone else?"
    assert [f.code for f in check_text(text)] == ["referral_word", "cornering", "cornering"]


@dataclass
class PracticeRule:
    phrase: str
    suggestion: str
    explanation: str = ""


def test_a_practice_can_add_its_own_rules():
    rules = [PracticeRule("cheap", "good value", "We never sell on price.")]
    findings = check_text("A cheap plan, cheaply made.", rules)
    assert [(f.code, f.excerpt, f.suggestion) for f in findings] == [
        ("practice_rule", "cheap", "good value")
    ]
    assert findings[0].explanation == "We never sell on price."


def test_a_practice_rule_matches_whole_phrases_whatever_the_spacing_and_case():
    findings = check_text("Our  BEST   Deal ever", [PracticeRule("best deal", "a fair offer")])
    assert findings[0].excerpt == "BEST   Deal"


def test_a_blank_practice_rule_is_ignored():
    assert check_text("Anything", [PracticeRule("  ", "x")]) == []


@given(st.text(max_size=300))
def test_the_coach_never_fails_and_every_finding_points_into_the_text(text):
    for finding in check_text(text, [PracticeRule("(a+", "x")]):
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.excerpt
