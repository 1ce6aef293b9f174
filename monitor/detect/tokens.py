"""Words of a sentence, with offsets, and the matching key of a phrase.

A phrase matches a run of words whose keys, joined without separators, equal the phrase's joined
key: that makes matching case-, accent- and hyphen-insensitive ("drop-top" = "droptop" =
"drop top") while still only matching whole words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold_accents

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*%?|[%$€£]|[?;:,!|]|\.{3}|\.|(?<=\s)-(?=\s)")

# Separators a phrase may span: spaces, hyphens, slashes, apostrophes, brackets, quotes.
_JOINABLE = re.compile(r"[\s\-/'\"()\[\]]*")
_SIMPLE_GAPS = frozenset({" ", "", "-", " - "})


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    key: str  # folded for matching
    start: int  # offset in the sentence
    end: int
    joinable: bool  # may a phrase continue from the previous token to this one?
    is_word: bool


def tokenize(sentence: str) -> list[Token]:
    out: list[Token] = []
    prev_end = 0
    prev_word = False
    for m in _WORD.finditer(sentence):
        start = m.start()
        gap = sentence[prev_end:start]
        joinable = prev_word and (gap in _SIMPLE_GAPS or _JOINABLE.fullmatch(gap) is not None)
        text = m.group()
        key = text.lower() if text.isascii() else fold_accents(text)
        word = key[:1].isalnum()
        out.append(Token(text, key, start, m.end(), joinable and word, word))
        prev_end = m.end()
        prev_word = word
    return out


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """Word keys of a lexicon or alias phrase."""
    return tuple(t.key for t in tokenize(phrase) if t.is_word or t.key == "%")
