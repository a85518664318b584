"""The next best ask: which request, if any, fits a client now, why, and in which words.

Pure: facts in (plain dataclasses), a ``NextAsk`` out; no ORM, no Django. The ladder
follows seeds 000 and 004 — ask for a referral-based *relationship* at the close, later
share the *profile* of the people you would like to meet, then invite a
*recommendation*, and with more trust propose an *introduction* to a named connection
by the method that suits their relationship (seed 001). The guardrails come first:
neither of the first two pillars may be weak, a decline earns a cool-down, “let's see
how it goes” waits for a good check-in, requests are capped, and nobody who asked not to
be contacted is ever involved. Every fact list is sorted here, so the answer never
depends on the order the facts arrive in.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import lru_cache

EARN_TRUST = "earn_trust"
ASK_RELATIONSHIP = "ask_relationship"
SHARE_PROFILE = "share_profile"
INVITE_RECOMMENDATION = "invite_recommendation"
PROPOSE_INTRODUCTION = "propose_introduction"
NONE = "none"

#: from the bottom of the ladder to the top; ``none`` is "no request now"
RUNGS = (
    EARN_TRUST,
    ASK_RELATIONSHIP,
    SHARE_PROFILE,
    INVITE_RECOMMENDATION,
    PROPOSE_INTRODUCTION,
    NONE,
)
RUNG_LABELS = {
    EARN_TRUST: "Earn first",
    ASK_RELATIONSHIP: "Ask for the relationship",
    SHARE_PROFILE: "Share the profile",
    INVITE_RECOMMENDATION: "Invite a recommendation",
    PROPOSE_INTRODUCTION: "Propose an introduction",
    NONE: "No ask now",
}
#: rungs that are a request to make now: the client is ready to move up
ASKING_RUNGS = frozenset(
    {ASK_RELATIONSHIP, SHARE_PROFILE, INVITE_RECOMMENDATION, PROPOSE_INTRODUCTION}
)

# guardrails, named so that pages, tests and the demo can tell which one held an ask back
G_DO_NOT_CONTACT = "do_not_contact"
G_NO_EXPECTATIONS = "no_expectations"
G_BELOW = "below"
G_TRUST = "trust"
G_COOLDOWN = "cooldown"
G_CONDITIONAL = "conditional"
G_CAP = "cap"
GUARDRAILS = (
    G_DO_NOT_CONTACT,
    G_NO_EXPECTATIONS,
    G_BELOW,
    G_TRUST,
    G_COOLDOWN,
    G_CONDITIONAL,
    G_CAP,
)

BELOW, MEETING, EXCEEDING = "below", "meeting", "exceeding"
AGREED, CONDITIONAL, DECLINED = "agreed", "conditional", "declined"
# request kinds
RELATIONSHIP, PROFILE, RECOMMENDATION, INTRODUCTION = (
    "relationship",
    "profile",
    "recommendation",
    "introduction",
)
LETTER, CALL, LUNCH = "letter", "call", "lunch"
METHOD_LABELS = {
    LETTER: "Letter of introduction",
    CALL: "Introductory phone call",
    LUNCH: "Three-way lunch or coffee",
}
METHOD_DETAILS = {
    LETTER: (
        "I draft a short letter for your signature saying what we have done together, "
        "why a conversation could be worthwhile and the day and hour I will call; then I "
        "call at exactly that time."
    ),
    CALL: "a short call from you to {connection}, saying why you think we should meet.",
    LUNCH: (
        "you invite {connection} to lunch or coffee with the two of us. It is not a sales "
        "meeting, only a chance to meet."
    ),
}

# Cornering phrases (seed 000: never “who do you know who…”) and the word the seeds
# ask us not to use in client-facing text (seeds 002, 004).
CORNERING = re.compile(
    r"who (else )?do you know|do you know (of )?any(one|body)|anyone else (who|that)|"
    r"give me (a few |some |three )?names|names and (phone )?numbers|"
    r"(any|some) names for me|who (could|can|should) i (call|contact)",
    re.IGNORECASE,
)
REFERRAL_WORD = re.compile(r"\breferr(al|als|ed|ing)\b|\brefer me\b", re.IGNORECASE)

#: the default words of each request, written after seed 004 (our own words)
DEFAULT_SCRIPTS = {
    "relationship": (
        "{client}, thank you for choosing to work with us. One more thing before we start. "
        "Our aim is not just to meet what you expect of us but to go beyond it, so I will "
        "stay close to your file even when you don't see me, and from time to time I will "
        "call you myself to hear, from your side, how we are doing. That will always be the "
        "first reason for those calls. Along the way, if you ever feel comfortable "
        "introducing me to someone who could use the same kind of help, I would value it. "
        "Would that kind of relationship suit you?"
    ),
    "check_in": (
        "{client}, I'd like to hear it from you: are we meeting your expectations, or "
        "exceeding them? Is there anything we said we would do that we have not yet "
        "lived up to?"
    ),
    "profile": (
        "{client}, when we started you said you would be open to making an introduction "
        "when it feels right. To make that easy, here is one page about the people we do "
        "our best work for: their roles, their industries and why we would like to meet "
        "them. There is nothing to fill in. Keep it in mind, and if someone comes to mind "
        "one day, I would be glad to hear about it."
    ),
    "recommendation": (
        "{client}, if the subject ever comes up with friends or colleagues, you are very "
        "welcome to pass my name along. Only when it feels right to you, and only as long "
        "as we keep earning it."
    ),
    "introduction": (
        "{client}, you mentioned {connection} a while ago. From what you told me, I think we "
        "could help them the way we have helped you. Would you be comfortable introducing "
        "us? What I have in mind: {method_detail} If now is not the right time, that is "
        "perfectly fine."
    ),
}
SCRIPT_FOR_RUNG = {
    EARN_TRUST: "check_in",
    ASK_RELATIONSHIP: "relationship",
    SHARE_PROFILE: "profile",
    INVITE_RECOMMENDATION: "recommendation",
    PROPOSE_INTRODUCTION: "introduction",
    NONE: "",
}


@dataclass(frozen=True)
class ExpectationFact:
    id: int
    text: str
    priority: int = 2
    latest_rating: str = ""  # "" while it has never been rated


@dataclass(frozen=True)
class CheckInFact:
    held_on: date
    overall: str


@dataclass(frozen=True)
class RequestFact:
    """A request made: relationship (answered), profile (shared), recommendation or
    introduction (answered; an introduction names the person)."""

    kind: str
    on: date
    answer: str = ""
    person_id: int | None = None


@dataclass(frozen=True)
class ConnectionFact:
    person_id: int
    name: str
    sentiment: str = "neutral"
    closeness: int = 3
    do_not_contact: bool = False
    is_client: bool = False
    title: str = ""
    industry: str = ""


@dataclass(frozen=True)
class ProfileFact:
    id: int
    name: str
    positions: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guardrails:
    trust_threshold: int = 50
    recommendation_trust: int = 60
    introduction_trust: int = 75
    cooldown_days: int = 90
    max_requests: int = 2
    period_days: int = 90
    negative_connections: str = "strongest"  # or "skip"


@dataclass(frozen=True)
class ClientFacts:
    client_id: int
    name: str
    today: date
    trust: int
    stage: str = "active"
    do_not_contact: bool = False
    professional: str = ""
    expectations: tuple[ExpectationFact, ...] = ()
    check_ins: tuple[CheckInFact, ...] = ()
    requests: tuple[RequestFact, ...] = ()
    connections: tuple[ConnectionFact, ...] = ()
    profiles: tuple[ProfileFact, ...] = ()


@dataclass(frozen=True)
class Proposal:
    person_id: int
    name: str
    method: str
    method_label: str
    sentiment: str
    closeness: int
    matches: tuple[str, ...] = ()


@dataclass(frozen=True)
class NextAsk:
    rung: str
    reasons: tuple[str, ...]
    script: str = ""
    proposal: Proposal | None = None
    guardrail: str = ""

    @property
    def label(self) -> str:
        return RUNG_LABELS[self.rung]

    @property
    def is_request(self) -> bool:
        return self.rung in ASKING_RUNGS

    def as_dict(self) -> dict:
        data = asdict(self)
        data["reasons"] = list(self.reasons)
        if self.proposal:
            data["proposal"]["matches"] = list(self.proposal.matches)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> "NextAsk":
        proposal = data.get("proposal")
        return cls(
            rung=data.get("rung", EARN_TRUST),
            reasons=tuple(data.get("reasons", ())),
            script=data.get("script", ""),
            proposal=Proposal(**{**proposal, "matches": tuple(proposal.get("matches", ()))})
            if proposal
            else None,
            guardrail=data.get("guardrail", ""),
        )


# --- language -------------------------------------------------------------------------


def language_problems(text: str) -> list[str]:
    """What a client-facing text must not contain, as messages for a human."""
    problems = []
    if match := CORNERING.search(text):
        problems.append(f"“{match.group(0)}” corners the client; offer, don't demand (seed 000).")
    if match := REFERRAL_WORD.search(text):
        problems.append(f"Say “introduction”, not “{match.group(0)}” (seeds 002, 004).")
    return problems


def _fill(template: str, values: Mapping[str, str]) -> str:
    # Plain replacement, not str.format: a practice's own script may contain braces.
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


@lru_cache(maxsize=256)
def _template_problems(template: str) -> bool:
    return bool(language_problems(template))


def _clean(template: str, values: Mapping[str, str]) -> bool:
    # The same few templates serve every client of a practice: check each template once,
    # and the short values (names) put into it, rather than every filled-in text.
    return not _template_problems(template) and not language_problems(" / ".join(values.values()))


def render_script(
    purpose: str, scripts: Mapping[str, str] | None, values: Mapping[str, str]
) -> tuple[str, str]:
    """The practice's script for ``purpose`` filled in, or the default if the practice's
    would corner the client. Returns (text, a reason when the default replaced it)."""
    if not purpose:
        return "", ""
    own = (scripts or {}).get(purpose, "")
    if own:
        if _clean(own, values):
            return _fill(own, values), ""
        note = "The practice's script was set aside because it " + (
            "corners the client or says “referral”; the default words are shown."
        )
        return _fill(DEFAULT_SCRIPTS[purpose], values), note
    return _fill(DEFAULT_SCRIPTS[purpose], values), ""


# --- profiles and connections ------------------------------------------------------------


@lru_cache(maxsize=256)
def _lowered(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(w.strip().lower() for w in words if w.strip())


def profile_matches(profile: ProfileFact, title: str, industry: str) -> bool:
    """A person matches when their title contains one of the profile's positions, or
    their industry one of its industries (case-insensitive)."""
    if title:
        title = title.lower()
        if any(p in title for p in _lowered(profile.positions)):
            return True
    if industry:
        industry = industry.lower()
        return any(i in industry for i in _lowered(profile.industries))
    return False


def matching_profiles(
    profiles: Iterable[ProfileFact], title: str, industry: str
) -> tuple[str, ...]:
    return tuple(sorted({p.name for p in profiles if profile_matches(p, title, industry)}))


_SENTIMENT_RANK = {"positive": 0, "neutral": 1, "negative": 2}


def method_for(connection: ConnectionFact, guardrails: Guardrails) -> tuple[str, str] | None:
    """The method of first contact suited to the client–prospect relationship (seed 001),
    with the reason; ``None`` when the practice chose never to propose such a person."""
    first = connection.name.split(" ")[0] or connection.name
    if connection.sentiment == "negative":
        if guardrails.negative_connections == "skip":
            return None
        return LUNCH, (
            f"Their relationship with {first} is negative, so we would start from a "
            "position of weakness: only the strongest method, a three-way lunch, can make "
            "up for it — or leave this one aside."
        )
    if connection.sentiment == "positive" and connection.closeness >= 5:
        return LUNCH, (
            f"They are very close to {first} and on good terms: a three-way lunch or coffee "
            "is the strongest start, and their trust carries over to you."
        )
    if connection.sentiment == "positive" and connection.closeness >= 4:
        return CALL, (
            f"They are close to {first} and on good terms: an introductory phone call from "
            "the client is hard to say no to."
        )
    return LETTER, (
        f"They know {first} less closely: a letter of introduction you draft for their "
        "signature, naming the day and hour you will call — then call at exactly that time."
    )


def _candidates(facts: ClientFacts, guardrails: Guardrails) -> tuple[list, list[str]]:
    proposed = {
        r.person_id for r in facts.requests if r.kind == INTRODUCTION and r.person_id is not None
    }
    notes: list[str] = []
    dnc = 0
    ranked = []
    seen: set[int] = set()
    for c in sorted(
        facts.connections,
        key=lambda c: (c.person_id, c.do_not_contact, c.is_client, c.sentiment, c.closeness),
        reverse=True,
    ):
        # one entry per person; where facts disagree, the cautious one (do-not-contact) wins
        if c.person_id in seen:
            continue
        seen.add(c.person_id)
        if c.do_not_contact:
            dnc += 1
            continue
        if c.is_client or c.person_id in proposed:
            continue
        method = method_for(c, guardrails)
        if method is None:
            continue
        matches = matching_profiles(facts.profiles, c.title, c.industry)
        key = (
            0 if matches else 1,
            _SENTIMENT_RANK.get(c.sentiment, 1),
            -c.closeness,
            c.person_id,
        )
        ranked.append((key, c, method, matches))
    ranked.sort(key=lambda item: item[0])
    if dnc:
        notes.append(
            f"{dnc} of their connections asked not to be contacted and are never proposed."
        )
    return ranked, notes


# --- the engine ---------------------------------------------------------------------------


def _latest(requests: Iterable[RequestFact]) -> RequestFact | None:
    # On the same day, the more cautious answer counts: declined, then conditional.
    caution = {DECLINED: 2, CONDITIONAL: 1}
    items = list(requests)
    if not items:
        return None
    return max(items, key=lambda r: (r.on, caution.get(r.answer, 0), r.kind, r.person_id or 0))


def _d(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def next_ask(
    facts: ClientFacts,
    guardrails: Guardrails = Guardrails(),  # noqa: B008 - frozen, so a safe default
    scripts: Mapping[str, str] | None = None,
) -> NextAsk:
    first = facts.name.split(" ")[0] or facts.name
    values = {"client": first, "professional": facts.professional}

    def answer(rung: str, reasons: list[str], *, guardrail: str = "", proposal=None) -> NextAsk:
        extra = dict(values)
        if proposal is not None:
            extra["connection"] = proposal.name
            extra["method"] = proposal.method_label.lower()
            extra["method_detail"] = _fill(
                METHOD_DETAILS[proposal.method], {"connection": proposal.name}
            )
        text, note = render_script(SCRIPT_FOR_RUNG[rung], scripts, extra)
        if note:
            reasons = [*reasons, note]
        return NextAsk(rung, tuple(reasons), text, proposal, guardrail)

    if facts.do_not_contact:
        return answer(
            NONE,
            [f"{facts.name} asked not to be contacted: no request involves them."],
            guardrail=G_DO_NOT_CONTACT,
        )
    if facts.stage == "former":
        return answer(NONE, ["A former client: no requests."])
    if facts.stage == "prospect":
        return answer(
            EARN_TRUST,
            [
                "Not a client yet: earn trust from the first meetings — be well informed "
                "about their business and ask questions that make them think.",
                "Ask for the relationship right after the close, not before.",
            ],
        )

    today = facts.today
    expectations = sorted(facts.expectations, key=lambda e: (e.priority, e.id, e.text))
    if not expectations:
        return answer(
            EARN_TRUST,
            [
                "No expectations recorded: ask them what they expect of you — guessing is "
                "not enough (seed 001)."
            ],
            guardrail=G_NO_EXPECTATIONS,
        )
    below = [e for e in expectations if e.latest_rating == BELOW]
    if below:
        names = "; ".join(f"“{e.text}”" for e in below)
        return answer(
            EARN_TRUST,
            [
                f"Below their expectations: {names}. No request until it is put right; "
                "a weak experience means no quality introductions."
            ],
            guardrail=G_BELOW,
        )
    if facts.trust < guardrails.trust_threshold:
        return answer(
            EARN_TRUST,
            [
                f"Trust is {facts.trust}, under the practice's threshold of "
                f"{guardrails.trust_threshold}: earn it before asking for anything."
            ],
            guardrail=G_TRUST,
        )

    requests = [r for r in facts.requests if r.on <= today]
    declined = _latest(r for r in requests if r.answer == DECLINED)
    if declined and today < declined.on + timedelta(days=guardrails.cooldown_days):
        until = declined.on + timedelta(days=guardrails.cooldown_days)
        return answer(
            NONE,
            [
                f"They declined on {_d(declined.on)}: no request during the cool-down, "
                f"until {_d(until)}."
            ],
            guardrail=G_COOLDOWN,
        )
    conditional = _latest(r for r in requests if r.answer == CONDITIONAL)
    if conditional:
        good_check_in = any(
            c.held_on > conditional.on and c.held_on <= today and c.overall in (MEETING, EXCEEDING)
            for c in facts.check_ins
        )
        later_yes = any(r.on > conditional.on and r.answer == AGREED for r in requests)
        if not (good_check_in or later_yes):
            return answer(
                EARN_TRUST,
                [
                    f"They said “let's see how it goes” on {_d(conditional.on)}: wait for a "
                    "check-in where they say you are meeting or exceeding their expectations."
                ],
                guardrail=G_CONDITIONAL,
            )
    window_start = today - timedelta(days=guardrails.period_days)
    recent = [r for r in requests if r.on > window_start]
    if len(recent) >= guardrails.max_requests:
        return answer(
            NONE,
            [
                f"{len(recent)} requests in the last {guardrails.period_days} days; the "
                f"practice allows {guardrails.max_requests}. Let it rest."
            ],
            guardrail=G_CAP,
        )

    pillars = f"Trust is {facts.trust} and no expectation is below."
    relationship = _latest(r for r in requests if r.kind == RELATIONSHIP)
    if relationship is None:
        return answer(
            ASK_RELATIONSHIP,
            [
                "Ask for a relationship in which introductions have a place — not for names.",
                pillars,
            ],
        )
    if relationship.answer == DECLINED:
        return answer(
            ASK_RELATIONSHIP,
            [
                f"They declined on {_d(relationship.on)} and the cool-down has passed: "
                "offer the relationship again, gently.",
                pillars,
            ],
        )
    agreed_how = (
        f"They agreed to the relationship on {_d(relationship.on)}."
        if relationship.answer == AGREED
        else "Their “let's see how it goes” was followed by a good check-in."
    )
    if not any(r.kind == PROFILE for r in requests):
        reasons = [
            f"{agreed_how} Next, share the profile of the people you would like to meet.",
            pillars,
        ]
        if not facts.profiles:
            reasons.append("The practice has no introduction profile yet: define one first.")
        return answer(SHARE_PROFILE, reasons)
    if facts.trust < guardrails.recommendation_trust:
        return answer(
            EARN_TRUST,
            [
                f"The profile is shared. Inviting a recommendation needs trust of "
                f"{guardrails.recommendation_trust}; it is {facts.trust}. Go above and beyond."
            ],
        )
    # connections only matter with trust enough for an introduction (queries.compute
    # relies on it to read them only for those clients)
    ranked, notes = (
        _candidates(facts, guardrails) if facts.trust >= guardrails.introduction_trust else ([], [])
    )
    if ranked:
        _key, c, (method, why), matches = ranked[0]
        proposal = Proposal(
            person_id=c.person_id,
            name=c.name,
            method=method,
            method_label=METHOD_LABELS[method],
            sentiment=c.sentiment,
            closeness=c.closeness,
            matches=matches,
        )
        reasons = [
            f"{c.name} fits the profile “{', '.join(matches)}”."
            if matches
            else f"{c.name} is the best-placed of their connections.",
            why,
            f"Trust is {facts.trust} (introductions need {guardrails.introduction_trust}) "
            "and no expectation is below.",
            *notes,
        ]
        return answer(PROPOSE_INTRODUCTION, reasons, proposal=proposal)
    if not any(r.kind == RECOMMENDATION for r in requests):
        return answer(
            INVITE_RECOMMENDATION,
            [
                f"Trust is {facts.trust} and the profile is shared: invite them to pass your "
                "name along when it feels right — a recommendation, with no pressure.",
                *notes,
            ],
        )
    if facts.trust < guardrails.introduction_trust:
        return answer(
            EARN_TRUST,
            [
                f"A recommendation was invited. Proposing an introduction needs trust of "
                f"{guardrails.introduction_trust}; it is {facts.trust}. Exceed their "
                "expectations — meeting them is not remarkable."
            ],
        )
    return answer(
        NONE,
        [
            f"Trust is {facts.trust}, but none of their known connections can be proposed "
            "now. Note the people they mention in conversation; never put them on the spot.",
            *notes,
        ],
    )


@dataclass(frozen=True)
class Book:
    """How many clients stand on each rung (for the book and for insight)."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def ready(self) -> int:
        return sum(n for rung, n in self.counts.items() if rung in ASKING_RUNGS)
