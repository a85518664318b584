"""Finding people by the words of their name, organization and e-mail addresses.

Each person is indexed under the words of those fields, normalized (lower case, no
accents, letters and digits only), one ``SearchTerm`` row per word. A query matches the
people who have, for every word of the query, a term that starts with it: "jen lee",
"pioneer dent", "ada@engines" and "o'brien" all work, in either database, through one
indexed range scan per word instead of a scan of every person."""

import re
import unicodedata
from collections.abc import Iterable

MAX_TERM = 64
MAX_QUERY_WORDS = 6
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    if text.isascii():  # most names and every e-mail address: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return [w[:MAX_TERM] for w in _NOT_ALNUM.split(normalize(text)) if w]


def terms_for(
    first_name: str, last_name: str, organization: str, emails: Iterable[str]
) -> set[str]:
    """The words a person is found under. Names with punctuation are also indexed
    joined up ("O'Brien" under "o", "brien" and "obrien")."""
    terms: set[str] = set()
    for field in (first_name, last_name, organization):
        parts = words(field)
        terms.update(parts)
        if len(parts) > 1 and field is not organization:
            terms.add("".join(parts)[:MAX_TERM])
    for address in emails:
        terms.update(words(address))
    return terms


def query_words(query: str) -> list[str]:
    """The prefixes a query asks for; every one must match."""
    found: list[str] = []
    for word in words(query):
        if word not in found:
            found.append(word)
    return found[:MAX_QUERY_WORDS]


def prefix_range(word: str) -> tuple[str, str]:
    """Bounds of the terms starting with ``word``, usable by a B-tree index in both
    SQLite and PostgreSQL (a LIKE 'x%' is not, case-insensitively, in SQLite)."""
    return word, word + "\U0010ffff"
