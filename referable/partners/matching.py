"""Which partners' niche fits a client's need (seed 003: ask each partner what makes a
good referral for them, then send only those). Pure: candidates in, ranked matches out,
each with the reasons a professional can check at a glance."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "over",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "under",
        "who",
        "with",
        "without",
        "need",
        "needs",
        "needed",
        "wants",
        "client",
        "clients",
        "help",
        "some",
        "any",
    ]
)
WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset[str]:
    """Lower-case words of three letters or more, plural "s" dropped, stopwords out."""
    found = set()
    for word in WORD.findall(text.lower()):
        if len(word) < 3 or word in STOPWORDS:
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        found.add(word)
    return frozenset(found)


def items(text: str) -> list[str]:
    """A comma- or line-separated list, trimmed and lower-cased."""
    return [part.strip().lower() for part in re.split(r"[,\n;]", text) if part.strip()]


@dataclass(frozen=True)
class Need:
    industry: str = ""
    keywords: str = ""


@dataclass(frozen=True)
class Candidate:
    partner_id: int
    name: str
    profession: str = ""
    profession_label: str = ""
    niche: str = ""
    good_referral: str = ""
    industries: str = ""
    needs: str = ""
    client_size: str = ""


@dataclass(frozen=True)
class Match:
    partner_id: int
    name: str
    score: int
    reasons: tuple[str, ...]


def score(need: Need, candidate: Candidate) -> Match:
    reasons: list[str] = []
    points = 0
    industry = need.industry.strip().lower()
    if industry:
        listed = items(candidate.industries)
        if industry in listed or words(industry) & words(" ".join(listed)):
            points += 3
            reasons.append(f"serves {need.industry.strip()}")
        elif words(industry) & words(f"{candidate.niche} {candidate.good_referral}"):
            points += 1
            reasons.append(f"niche mentions {need.industry.strip()}")
    wanted = words(need.keywords)
    if wanted:
        in_needs = wanted & words(candidate.needs)
        in_niche = (wanted & words(f"{candidate.niche} {candidate.profession_label}")) - in_needs
        in_good = wanted & words(candidate.good_referral) - in_needs - in_niche
        points += 3 * len(in_needs) + 2 * len(in_niche) + len(in_good)
        if in_needs:
            reasons.append("meets " + ", ".join(sorted(in_needs)))
        if in_niche:
            reasons.append("niche: " + ", ".join(sorted(in_niche)))
        if in_good:
            reasons.append("good referral mentions " + ", ".join(sorted(in_good)))
    return Match(candidate.partner_id, candidate.name, points, tuple(reasons))


def suggest(need: Need, candidates: Iterable[Candidate], *, limit: int = 5) -> list[Match]:
    """The best-fitting partners first; partners that fit nothing are left out."""
    matches = [m for m in (score(need, c) for c in candidates) if m.score > 0]
    matches.sort(key=lambda m: (-m.score, m.name.lower(), m.partner_id))
    return matches[:limit]
