"""The language coach: client-facing text checked before it is sent (SPEC §10).

Seeds 000 and 004: never corner a client ("who do you know who…"); the request must fit
the trust already earned; and say "introduction", not "referral", to clients. Each rule
finds a phrase and offers a rewording. Pure functions: a practice's own rules come in
as plain objects with ``phrase``, ``suggestion`` and (optionally) ``explanation``.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    pattern: re.Pattern
    explanation: str
    suggestion: str


@dataclass(frozen=True)
class Finding:
    code: str
    start: int
    end: int
    excerpt: str
    explanation: str
    suggestion: str


def _rule(code: str, pattern: str, explanation: str, suggestion: str) -> Rule:
    return Rule(code, re.compile(pattern, re.IGNORECASE), explanation, suggestion)


_APOS = "['’]"
CORNERING = "It corners the client: it asks for names the trust earned may not support yet."
BUILT_IN: tuple[Rule, ...] = (
    _rule(
        "cornering",
        r"\bwho\s+(?:else\s+)?do\s+you\s+know\b",
        CORNERING,
        "Describe the people you work best with and ask whether they would be open "
        "to introducing you when someone comes to mind.",
    ),
    _rule(
        "cornering",
        r"\b(?:do|would)\s+you\s+know\s+(?:of\s+)?(?:anyone|anybody|someone|somebody|any\s+(?:people|friends|colleagues))\b",
        CORNERING,
        "Share the profile of the people you would like to meet instead of asking for names.",
    ),
    _rule(
        "cornering",
        r"\b(?:anyone|anybody|someone|somebody)\s+else\s+(?:who|that|you)\b",
        CORNERING,
        "Ask whether they would be comfortable introducing you, when the time is right.",
    ),
    _rule(
        "cornering",
        r"\b(?:can|could)\s+you\s+think\s+of\s+(?:anyone|anybody|someone|a\s+few\s+people)\b",
        CORNERING,
        "Let them think of people in their own time: describe who you help best.",
    ),
    _rule(
        "cornering",
        r"\b(?:give|send|pass)\s+me\s+(?:a\s+few\s+|some\s+|three\s+|two\s+)?names\b",
        CORNERING,
        "Ask for an introduction to one person they already have in mind.",
    ),
    _rule(
        "pressure",
        r"\b(?:you\s+(?:must|have\s+to|need\s+to)\s+(?:introduce|refer|recommend|send))\b",
        "It puts pressure on the client; an introduction is a favour, not a duty.",
        "Would you be comfortable introducing us?",
    ),
    _rule(
        "pressure",
        rf"\b(?:surely\s+you\s+know|don{_APOS}?t\s+you\s+know\s+(?:anyone|anybody|someone))\b",
        "It puts pressure on the client and implies they are holding back.",
        "If someone comes to mind, I would welcome an introduction.",
    ),
    _rule(
        "pressure",
        r"\b(?:i{_a}m\s+counting\s+on\s+you|before\s+i\s+(?:leave|go)\s+today|right\s+now|act\s+now|today\s+only|limited\s+time)\b".replace(
            "{_a}", _APOS + "?"
        ),
        "It rushes the client: good introductions are not forced.",
        "Whenever it suits you.",
    ),
    _rule(
        "pressure",
        r"\bi\s+(?:need|want)\s+(?:you\s+to\s+give\s+me\s+)?(?:some|more|a\s+few)\s+(?:names|referrals|introductions|contacts|leads)\b",
        "It makes the request about your needs, not theirs.",
        "Describe the people you help best, and let the client decide.",
    ),
    _rule(
        "referral_word",
        r"\breferrals?\b",
        "Say “introduction”, not “referral”, to clients (seeds 002, 004): the word "
        "sounds like a sales tactic.",
        "introduction",
    ),
)


def _custom_rules(extra_rules: Iterable) -> list[Rule]:
    rules = []
    for extra in extra_rules:
        phrase = str(getattr(extra, "phrase", "") or "").strip()
        if not phrase:
            continue
        words = r"\s+".join(re.escape(word) for word in phrase.split())
        pattern = rf"(?<!\w){words}(?!\w)"
        rules.append(
            _rule(
                "practice_rule",
                pattern,
                getattr(extra, "explanation", "") or "Your practice asked to avoid this phrase.",
                getattr(extra, "suggestion", "") or "",
            )
        )
    return rules


def check_text(text: str, extra_rules: Iterable = ()) -> list[Finding]:
    """Every phrase the coach would change, in the order they appear in ``text``.
    Overlapping matches of the same place are reported once (the earliest rule wins)."""
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for rule in (*BUILT_IN, *_custom_rules(extra_rules)):
        for match in rule.pattern.finditer(text or ""):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            findings.append(
                Finding(
                    code=rule.code,
                    start=start,
                    end=end,
                    excerpt=match.group(0),
                    explanation=rule.explanation,
                    suggestion=_matching_case(match.group(0), rule.suggestion)
                    if rule.code == "referral_word"
                    else rule.suggestion,
                )
            )
    return sorted(findings, key=lambda f: f.start)


def _matching_case(found: str, suggestion: str) -> str:
    word = suggestion + ("s" if found.lower().endswith("s") else "")
    return word.capitalize() if found[:1].isupper() else word
