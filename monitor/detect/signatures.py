"""Names written in other orders or with words between: "M5 MacBook Pro" as "MacBook Pro with
M5", "three-row electric SUV" as "three-row all-electric SUV", "BlueOval SK Kentucky" as "BlueOval
SK's Kentucky plant".

Each name of two or more words becomes a signature, the set of its words (plurals folded). A
sentence names the claim when every word of a signature occurs within a short window, in one
clause, in any order. The exact matcher runs first; a signature only adds a mention where no exact
name or look-alike was found, and a window that fits the signatures of two claims names neither.
One rare word of each signature (a word with a digit, else the longest) is its anchor: only a
sentence holding an anchor is looked at, so this costs nothing where no name is near.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .tokens import Token, phrase_keys

# Words that say nothing of which subject is meant.
FILLER = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "for",
        "with",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "by",
        "from",
        "its",
        "their",
        "'s",
    ]
)
CLAUSE_BREAKS = frozenset({";", ":", "...", "|", "?", "!", "."})
EXTRA_WORDS = 2  # words a window may hold beyond the signature's own
# "Orla-Brisk", "Oslo–Bergen": a pair of names is a relation between them, which a sentence
# often tells with words between ("Brisk gave up on its merger with Orla")
PAIR_EXTRA_WORDS = 4
_NAME_PART = r"[A-Z][\w.']*(?: [A-Z][\w.']*){0,2}"  # one to three capitalised words
_PAIR = re.compile(rf"(?<![\w.'])({_NAME_PART})\s*[-–—/]\s*({_NAME_PART})")
RELATIONS = frozenset({"in", "at", "for", "to", "from", "on"})  # "Acme in Norway", "K5 for Asia"


_FOLDED: dict[str, str] = {}


def fold(key: str) -> str:
    """A word's key with a plural or possessive ending removed ("pros" = "pro")."""
    found = _FOLDED.get(key)
    if found is None:
        found = _fold(key)
        if len(_FOLDED) < 100_000:  # a bounded memo: the words of news repeat
            _FOLDED[key] = found
    return found


def _fold(key: str) -> str:
    if key.endswith("'s"):
        key = key[:-2]
    if len(key) > 3 and key.endswith("s") and not key.endswith("ss"):
        return key[:-1]
    return key


@dataclass(frozen=True, slots=True)
class Signature:
    claim: str
    words: frozenset[str]
    anchor: str
    lookalike: bool
    needs: str = ""  # an organisation the report must name for this signature to count
    relational: bool = False  # "Acme in Norway": a verb may stand between its two sides
    relation: str = ""  # its preposition, which a window using that room must hold
    place: frozenset[str] = frozenset()  # the words after the preposition ("norway")
    pair: bool = False  # two names joined by a dash: the clause may hold words between them
    market: bool = False  # relational only as a market ("Zephyr Peru"): no room for a verb more

    @property
    def extra(self) -> int:
        """Words a window may hold beyond the signature's own."""
        if self.pair:
            return PAIR_EXTRA_WORDS
        return EXTRA_WORDS + (self.relational and not self.market)


def pair_of(claim: str, name: str, lookalike: bool = False) -> Signature | None:
    """ "Orla-Brisk merger", "the Oslo–Bergen route": the two names joined by a dash or a
    slash, as a signature of their own (each name one to three words, capitalised as written)."""
    m = _PAIR.search(name)
    if m is None:
        return None
    words = [fold(k) for part in m.groups() for k in phrase_keys(part) if k not in FILLER]
    if len(set(words)) != len(words) or len(words) < 2:
        return None
    return Signature(claim, frozenset(words), _anchor(words), lookalike, pair=True)


def _anchor(words: Iterable[str]) -> str:
    """A signature's rarest-looking word: one with a digit, else the longest."""
    return max(words, key=lambda w: (any(c.isdigit() for c in w), len(w), w))


def signature_of(
    claim: str, name: str, lookalike: bool = False, needs: str = "", market: bool = False
) -> Signature | None:
    """`market`: the name's last word is a market its siblings differ by ("Zephyr Chile" beside
    "Zephyr Peru"): the name is "Zephyr in Chile" too."""
    words = [fold(k) for k in phrase_keys(name) if k not in FILLER]
    distinct = frozenset(words)
    if len(distinct) < 2:
        return None
    anchor = _anchor(distinct)
    keys = phrase_keys(name)
    at = next((i for i, k in enumerate(keys) if k in RELATIONS), -1)
    relation = keys[at] if at >= 0 else ""
    place = (
        frozenset(fold(k) for k in keys[at + 1 :] if k not in FILLER) if at >= 0 else frozenset()
    )
    if place == distinct:
        place = frozenset()  # no place of its own ("in" opens the name)
    market = market and not relation
    if market:
        relation, place = "in", frozenset((fold(keys[-1]),))
    return Signature(
        claim, distinct, anchor, lookalike, needs, bool(relation), relation, place, market=market
    )


def market_names(names: Iterable[tuple[str, str, bool]]) -> set[tuple[str, str]]:
    """The (claim, name) pairs whose name is a shared stem and a capitalised last word that
    differs from claim to claim, in three claims or more ("Zephyr UK", "Zephyr Chile", "Zephyr
    Peru"): a product or service and the market each claim tracks it in. (Two alone are as
    often two versions of a thing: "Series S" and "Series X".)"""
    stems: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for claim, name, lookalike in names:
        words = name.split()
        keys = phrase_keys(name)
        if lookalike or len(words) < 2 or len(keys) < 2:
            continue
        last = words[-1]
        if not last[:1].isupper() or not last.isalpha() or keys[-2] in RELATIONS:
            continue
        stems.setdefault(keys[:-1], set()).add((claim, keys[-1]))
    out: set[tuple[str, str]] = set()
    for claim, name, _ in names:
        keys = phrase_keys(name)
        family = stems.get(keys[:-1], set()) if len(keys) >= 2 else set()
        if (claim, keys[-1] if keys else "") in family and len({c for c, _ in family}) >= 3:
            out.add((claim, name))
    return out


def without_organization(name: str, organizations: Iterable[str]) -> tuple[str, str] | None:
    """ "Acme's Aarhus plant" without its owner ("Aarhus plant"), and the owner, when a name
    opens with or holds one of the organisations; a report that names the owner elsewhere often
    calls the subject by the rest ("the company's Aarhus plant")."""
    keys = list(phrase_keys(name))
    for org in organizations:
        org_keys = list(phrase_keys(org))
        n = len(org_keys)
        for i in range(len(keys) - n + 1):
            window = keys[i : i + n]
            if window[:-1] == org_keys[:-1] and window[-1] in (org_keys[-1], org_keys[-1] + "'s"):
                rest = [k for k in keys[:i] + keys[i + n :] if k not in FILLER]
                if len(set(rest)) >= 2:
                    return " ".join(rest), " ".join(org_keys)
    return None


@dataclass(frozen=True, slots=True)
class SignatureHit:
    start: int
    end: int
    claims: tuple[str, ...]
    blocked: tuple[str, ...]
    size: int  # words in the signature
    relational: bool = False  # a name like "Acme in Norway": "Acme launches in Norway" says it
    listed_from: int = -1  # a place named in a list: where the rest of its name stands


class SignatureMatcher:
    def __init__(self, names: Iterable[tuple[str, str, bool]], organizations: Sequence[str] = ()):
        """`names`: (claim id, name, is a look-alike). A name holding one of `organizations`
        also counts without it, in a report that names that organisation."""
        self._by_anchor: dict[str, list[Signature]] = {}
        sigs: list[Signature | None] = []
        names = list(names)
        markets = market_names(names)
        # "Li-Cycle", "Coca-Cola": an organisation's own hyphenated name is no pair of names
        org_words = {frozenset(fold(k) for k in phrase_keys(o)) for o in organizations}
        for claim, name, lookalike in names:
            sigs.append(signature_of(claim, name, lookalike, market=(claim, name) in markets))
            pair = pair_of(claim, name, lookalike)
            sigs.append(None if pair is None or pair.words in org_words else pair)
            reduced = without_organization(name, organizations)
            if reduced is not None:
                sigs.append(signature_of(claim, reduced[0], lookalike, reduced[1]))
        plain = {(s.claim, s.words, s.lookalike) for s in sigs if s is not None and not s.needs}
        for sig in sigs:
            if sig is None or (sig.needs and (sig.claim, sig.words, sig.lookalike) in plain):
                continue  # a name without its owner that is already a name of its own
            bucket = self._by_anchor.setdefault(sig.anchor, [])
            if sig not in bucket:
                bucket.append(sig)

    @property
    def anchors(self) -> list[str]:
        return list(self._by_anchor)

    @property
    def needs_orgs(self) -> bool:
        """Does any signature count only where the report names an organisation?"""
        return any(sig.needs for sigs in self._by_anchor.values() for sig in sigs)

    def find(
        self, tokens: Sequence[Token], named_orgs: frozenset[str] = frozenset()
    ) -> list[SignatureHit]:
        """Windows holding a whole signature (the caller settles overlaps with exact names);
        `named_orgs`: the organisations the report names."""
        by_anchor = self._by_anchor
        folded = _FOLDED.get  # fold() without a call per word: most words are memoised
        keys = [(folded(t.key) or fold(t.key)) if t.is_word else t.key for t in tokens]
        present = set(keys)
        if present.isdisjoint(by_anchor):
            return []  # no anchor word: nothing to look at
        found: dict[tuple[int, int], list[Signature]] = {}
        listed_from: dict[tuple[int, int], int] = {}
        for i in [i for i, key in enumerate(keys) if key in by_anchor]:
            for sig in by_anchor[keys[i]]:
                if not sig.words <= present:
                    continue  # a word of the name is missing from the whole sentence
                if sig.needs and sig.needs not in named_orgs:
                    continue  # "the Aarhus plant" is Acme's only where Acme is named
                span = _window(keys, i, sig.words, sig.extra)
                if (
                    span is not None
                    and sig.relational
                    and span[1] - span[0] > len(sig.words) + EXTRA_WORDS
                    and sig.relation not in keys[span[0] : span[1]]
                ):
                    span = None  # the room a relational name has is for "launches in"
                if span is not None and sig.place and _a_list_after(keys, span, sig.relation):
                    span = None  # "Acme in Chad, Norway": a list's places, each its own
                if span is None and sig.place:
                    listed = _listed(keys, tokens, i, sig)
                    if listed is not None:
                        span = listed[:2]
                        listed_from[span] = listed[2]
                if span is not None:
                    found.setdefault(span, []).append(sig)
        hits: list[SignatureHit] = []
        for (start, end), sigs in sorted(found.items()):
            best = max(len(s.words) for s in sigs)
            top = [s for s in sigs if len(s.words) == best]
            claims = tuple(sorted({s.claim for s in top if not s.lookalike}))
            blocked = tuple(sorted({s.claim for s in top if s.lookalike}))
            if len(claims) > 1:
                # the words fit two subjects: the one whose owner this sentence names is meant
                # ("Canary launches its XRP ETF" where Canary's and Bitwise's are tracked)
                owned = {s.claim for s in top if not s.lookalike and _named_here(s.needs, present)}
                if len(owned) != 1:
                    continue  # neither is named for sure
                claims = tuple(owned)
            if hits and hits[-1].end > start:
                if hits[-1].end - hits[-1].start >= end - start:
                    continue
                hits.pop()
            relational = any(s.relational or s.pair for s in top)  # a verb may join a pair
            hits.append(
                SignatureHit(
                    start, end, claims, blocked, best, relational, listed_from.get((start, end), -1)
                )
            )
        return hits


def _named_here(org: str, present: set[str]) -> bool:
    """Does the sentence hold every word of the organisation `org` (empty: no owner needed)?"""
    return bool(org) and all(fold(k) in present for k in org.split())


LIST_REACH = 16  # words a list of places may run to ("in Chad, Botswana, ... and Norway")
LIST_JOINS = frozenset({",", "and", "&", "or"})
LIST_WORDS = LIST_JOINS | {"the"}
LIST_BREAKS = CLAUSE_BREAKS - {":"}  # a colon may open the list itself
LIST_LEAD_WORDS = 4  # "in four new US cities: ..."
# words between a listed place's name and its preposition ("is launching its new service")
LIST_ROOM = 8
VERB_ROOM = 3  # and between a place's name and its preposition when no list follows it


def _a_list_after(keys: Sequence[str], span: tuple[int, int], relation: str) -> bool:
    """Does a list open after the preposition inside the span ("Acme in Chad, Norway")?"""
    at = next((j for j in range(span[0], span[1]) if keys[j] == relation), -1)
    return at >= 0 and any(keys[j] in LIST_JOINS for j in range(at + 1, span[1]))


def _clause_around(
    keys: Sequence[str], at: int, reach: int, breaks: frozenset[str]
) -> tuple[int, int]:
    """The words around `at`, at most `reach` on either side (`at` included), up to a break."""
    lo = max(0, at - reach + 1)
    hi = min(len(keys), at + reach)
    for j in range(at - 1, lo - 1, -1):
        if keys[j] in breaks:
            lo = j + 1
            break
    for j in range(at + 1, hi):
        if keys[j] in breaks:
            hi = j
            break
    return lo, hi


def _listed(
    keys: Sequence[str], tokens: Sequence[Token], at: int, sig: Signature
) -> tuple[int, int, int] | None:
    """ "Acme launched in Chad, Botswana and Norway": the place of a relational name ("Acme in
    Norway") named in a list after its preposition, the rest of the name before it within the
    usual room. The span is the place alone (each place of the list is a subject of its own),
    with where the rest of the name begins."""
    lo, hi = _clause_around(keys, at, LIST_REACH + 1, LIST_BREAKS)
    size = len(sig.place)
    rest = sig.words - sig.place
    for p in range(lo, hi - size + 1):
        if frozenset(keys[p : p + size]) != sig.place:
            continue
        r = p - 1
        items = 0
        while r >= lo and keys[r] != sig.relation:
            if keys[r] == ":" and (items or r == p - 1):
                items = max(items, 1)  # the place itself opens the list
                # "in four new cities: Chad, ...": a few words that announce the list
                lead = r - 1
                while lead >= max(lo, r - LIST_LEAD_WORDS) and keys[lead] != sig.relation:
                    lead -= 1
                if (
                    lead >= lo
                    and keys[lead] == sig.relation
                    and all(
                        tokens[j].is_word and not tokens[j].text[:1].isupper()
                        for j in range(lead + 1, r)
                    )
                ):
                    r = lead
                break
            if keys[r] not in LIST_WORDS and not tokens[r].text[:1].isupper():
                break
            items += keys[r] not in LIST_WORDS
            r -= 1
        if r < lo or keys[r] != sig.relation:
            continue  # not in a list after the preposition
        # the rest of the name stands before the preposition, in the same clause, which a long
        # list after it may push out of the list's own reach; a place right after it, with no
        # list, only a few words on ("Acme is now live in Norway")
        room = LIST_ROOM if items else VERB_ROOM
        first = r
        while first > max(0, r - len(rest) - room) and keys[first - 1] not in CLAUSE_BREAKS:
            first -= 1
        if rest <= set(keys[first:r]):
            return (p, p + size, next(j for j in range(first, r) if keys[j] in rest))
    return None


def _window(
    keys: Sequence[str], at: int, words: frozenset[str], extra: int = EXTRA_WORDS
) -> tuple[int, int] | None:
    """The smallest span around `at` holding every word, within the size limit, in one clause."""
    limit = len(words) + extra  # a relational name ("Acme in Norway") may take a verb more
    lo, hi = _clause_around(keys, at, limit, CLAUSE_BREAKS)
    positions: dict[str, list[int]] = {}
    for j in range(lo, hi):
        if keys[j] in words:
            positions.setdefault(keys[j], []).append(j)
    if len(positions) < len(words):
        return None
    # each word at its occurrence nearest the anchor
    nearest = [
        p[0] if len(p) == 1 else min(p, key=lambda j: abs(j - at)) for p in positions.values()
    ]
    start, end = min(nearest), max(nearest) + 1
    return (start, end) if end - start <= limit else None
