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
    total = hits = 0
    for w in words:
        if w[:1].isalpha():
            total += 1
            hits += w in stopwords
    return (hits / total if total else 0.0), total


def looks_english(words: Iterable[str], stopwords: frozenset[str]) -> bool:
    share, total = english_share(words, stopwords)
    return total < MIN_WORDS or share >= MIN_SHARE


def words_of(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def declared_language(lang: str | None) -> str | None:
    """'en', 'en-GB' -> 'en'; None when the report does not say."""
    if not lang:
        return None
    return lang.strip().lower().replace("_", "-").split("-")[0] or None
