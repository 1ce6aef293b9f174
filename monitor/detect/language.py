"""A cheap language check: the share of common English words among a report's words.

The detector's cues are English; a report in another language must never produce a change, so a
report that is not clearly English is skipped whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORDS = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

MIN_WORDS = 12
MIN_SHARE = 0.15


def english_share(words: Iterable[str], stopwords: frozenset[str]) -> tuple[float, int]:
    letters = [w for w in words if w[:1].isalpha()]
    total = len(letters)
    hits = sum(map(stopwords.__contains__, letters))
    return (hits / total if total else 0.0), total


def looks_english(words: Iterable[str], stopwords: frozenset[str]) -> bool:
    share, total = english_share(words, stopwords)
    return total < MIN_WORDS or share >= MIN_SHARE


def text_looks_english(text: str, stopwords: frozenset[str]) -> bool:
    """looks_english(words_of(text)), counted in one pass (the detector's hot path)."""
    low = text.lower()
    if not low.isascii():
        return looks_english(_WORDS.findall(low), stopwords)
    total = hits = 0
    for chunk in low.split():
        if chunk.isalpha():
            total += 1
            hits += chunk in stopwords
        else:
            for w in _WORDS.findall(chunk):  # ASCII: every word starts with a letter
                total += 1
                hits += w in stopwords
    return total < MIN_WORDS or (hits / total if total else 0.0) >= MIN_SHARE


def words_of(text: str) -> list[str]:
    """The words (runs of letters, an inner apostrophe allowed), lower case."""
    low = text.lower()
    if not low.isascii():
        return _WORDS.findall(low)
    out: list[str] = []  # the same words, without the regex engine visiting every character
    for chunk in low.split():
        if chunk.isalpha():
            out.append(chunk)
        else:
            out.extend(_WORDS.findall(chunk))
    return out


def declared_language(lang: str | None) -> str | None:
    """'en', 'en-GB' -> 'en'; None when the report does not say."""
    if not lang:
        return None
    return lang.strip().lower().replace("_", "-").split("-")[0] or None
