"""One pass over a sentence's words finds every phrase of a dictionary, longest first.

The dictionary maps the joined key of each phrase to its payloads. At each word the matcher extends
a candidate while it is still a prefix of some key, so the work per word does not depend on how many
phrases there are (1,000 claims cost what 17 do); leftmost-longest, non-overlapping.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from .tokens import Token, phrase_keys

P = TypeVar("P")


@dataclass(slots=True)  # not frozen: built for every phrase found, and a frozen init is slow
class Match(Generic[P]):
    start: int  # first token index
    end: int  # one past the last token index
    payloads: tuple[P, ...]


class PhraseMatcher(Generic[P]):
    def __init__(self, phrases: Iterable[tuple[str, P]]):
        table: dict[str, list[P]] = {}
        for phrase, payload in phrases:
            key = "".join(phrase_keys(phrase))
            if not key:
                continue
            bucket = table.setdefault(key, [])
            if payload not in bucket:
                bucket.append(payload)
        self._table: dict[str, tuple[P, ...]] = {k: tuple(v) for k, v in table.items()}
        prefixes: set[str] = set()
        for key in self._table:
            for i in range(1, len(key) + 1):
                prefixes.add(key[:i])
        self._prefixes = frozenset(prefixes)

    def __len__(self) -> int:
        return len(self._table)

    def find(self, tokens: Sequence[Token]) -> list[Match[P]]:
        out: list[Match[P]] = []
        table, prefixes = self._table, self._prefixes
        n = len(tokens)
        i = 0
        while i < n:
            tok = tokens[i]
            key = tok.key
            if key in prefixes and tok.is_word:
                best_end = -1
                best_key = ""
                j = i
                while True:
                    if key in table:
                        best_end, best_key = j + 1, key
                    j += 1
                    if j >= n or not tokens[j].joinable:
                        break
                    key = key + tokens[j].key
                    if key not in prefixes:
                        if key[-1] == "s":
                            bare = _bare(key)
                            if bare is not None and bare in table:
                                best_end, best_key = j + 1, bare
                        break
                if best_end < 0:
                    i += 1
                    continue
            elif key[-1] == "s" and tok.is_word:  # only "...'s" or "...3s" can be bare
                bare = _bare(key)
                if bare is None or bare not in table:
                    i += 1
                    continue
                best_end, best_key = i + 1, bare
            else:
                i += 1  # most words start no phrase
                continue
            out.append(Match(i, best_end, table[best_key]))
            i = best_end
        return out


def _bare(key: str) -> str | None:
    """A name's last word as a possessive or a plural of a code name ("K5's", "K3s"): the
    key without its ending, else None."""
    if key.endswith("'s"):
        return key[:-2]
    if len(key) > 2 and key[-1] == "s" and key[-2].isdigit():
        return key[:-1]
    return None


# Characters a phrase may span between two of its words (tokens._JOINABLE, as a class).
_SEP = r"[\s\-/'\"()\[\]]*"


def screen(phrases: Iterable[str]) -> re.Pattern[str]:
    """One compiled regex, a trie of the phrases' joined keys, that finds every place where one
    of the phrases *could* match in a lower-cased, accent-folded text (separators are allowed
    between any two characters, so it may find more, never less). It lets the detector skip the
    sentences that name no tracked model without tokenising them."""
    trie: dict[str, dict] = {}
    for phrase in phrases:
        key = "".join(phrase_keys(phrase))
        if not key:
            continue
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not trie:
        return re.compile(r"(?!x)x")

    def emit(node: dict[str, dict]) -> str:
        branches: list[str] = []
        ends = "" in node
        for ch in sorted(k for k in node if k):
            rest = node[ch]
            tail = "" if set(rest) == {""} else _SEP + emit(rest)
            branches.append(re.escape(ch) + tail)
        if ends:
            return ""  # a shorter phrase already ends here: enough for a screen
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return re.compile(r"(?<![^\W_])" + emit(trie))
