"""Words of a sentence, with offsets, and the matching key of a phrase.

A phrase matches a run of words whose keys, joined without separators, equal the phrase's joined
key: that makes matching case-, accent- and hyphen-insensitive ("drop-top" = "droptop" =
"drop top") while still only matching whole words.
"""

from __future__ import annotations

import re

from .text import fold_accents

# A version or decimal number ("18.2", "3.5", "v2.0") is one word: "iOS 18.2" is not "iOS 18" and
# a "2"; so is a number with thousands separators ("10,601": its comma separates no clauses).
# (A dot or comma joins only digit to digit; one alternative keeps the scan as fast as before.)
# A trailing "+" belongs to the name ("Disney+", "Health+" is not "health").
_WORD = re.compile(
    r"[^\W_]+(?:(?:'|(?<=\d)\.(?=\d)|(?<=\d),(?=\d{3}\b))[^\W_]+)*(?:%|\+{1,2})?|[%$€£₹¥]|[?;:,!|]|\.{3}|\.|(?<=\s)-(?=\s)"
)

# Separators a phrase may span: spaces, hyphens, slashes, apostrophes, brackets, quotes.
_JOINABLE = re.compile(r"[\s\-/'\"()\[\]&]*")
_SIMPLE_GAPS = frozenset({" ", "", "-", " - "})


class Token:
    """One word or punctuation mark of a sentence (a plain slotted class: built by the million)."""

    __slots__ = ("text", "key", "start", "end", "joinable", "is_word")

    def __init__(
        self, text: str, key: str, start: int, end: int, joinable: bool, is_word: bool
    ) -> None:
        self.text = text  # as written
        self.key = key  # folded for matching
        self.start = start  # offset in the sentence
        self.end = end
        self.joinable = joinable  # may a phrase continue from the previous token to this one?
        self.is_word = is_word

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start}, {self.end})"


def tokenize(sentence: str) -> list[Token]:
    out: list[Token] = []
    append = out.append
    prev_end = 0
    prev_word = False
    ascii_text = sentence.isascii()
    lower = sentence.lower() if ascii_text else sentence
    for m in _WORD.finditer(sentence):
        start, end = m.span()
        text = m.group()
        if ascii_text:
            key = lower[start:end]
        else:
            key = text.lower() if text.isascii() else fold_accents(text)
        word = key[0].isalnum()
        if word and prev_word:
            if start == prev_end:
                joinable = True
            else:
                gap = sentence[prev_end:start]
                joinable = gap in _SIMPLE_GAPS or _JOINABLE.fullmatch(gap) is not None
        else:
            joinable = False
        append(Token(text, key, start, end, joinable, word))
        prev_end = end
        prev_word = word
    return out


_PHRASE_KEYS: dict[str, tuple[str, ...]] = {}


def phrase_keys(phrase: str) -> tuple[str, ...]:
    """Word keys of a lexicon or alias phrase (memoised: the detector asks again for the same
    short phrases, a cue's or a name's words, in every report)."""
    found = _PHRASE_KEYS.get(phrase)
    if found is None:
        found = tuple(t.key for t in tokenize(phrase) if t.is_word or t.key == "%")
        if len(_PHRASE_KEYS) < 100_000:  # bounded: phrases repeat, sentences do not
            _PHRASE_KEYS[phrase] = found
    return found
