"""Spelling variants of claim names that the press uses interchangeably.

A claims file lists the names people write; these rules add the routine respellings so a
baseline need not list every one: the acronym "EV" is also written out ("electric vehicle"), an
owner's possessive ("Acme's first phone") also as "the Acme brand's", and a name may be preceded
by its organisation ("Acme K1" where the file says "K1"); a bracketed qualifier at a name's
end ("(UK)") may be left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from monitor.domain.claims import Claim

P = TypeVar("P")

_EV = re.compile(r"\bEVs?\b")
_EV_WORDS = ("electric vehicle", "electric model")
_LEADS = ("the", "all-new", "new")
_POSSESSIVE = re.compile(r"^([A-Z][\w-]*)['\u2019]s\b")
_BRACKETED = re.compile(r"^(.*\S)\s*\([^()]*\)$")  # a name and a bracketed qualifier


def name_variants(name: str, brackets_optional: bool = False) -> set[str]:
    """The name and its routine respellings (never fewer words of substance; with
    `brackets_optional`, a tracked subject's name also without its bracketed qualifier: a
    look-alike's "(film)" or "(London)" is what tells it apart, and stays)."""
    out = {name}
    for found in list(out):
        if _EV.search(found):
            for words in _EV_WORDS:
                plural = words + "s"
                out.add(
                    _EV.sub(lambda m, w=words, p=plural: p if m.group().endswith("s") else w, found)
                )
    qualified = _BRACKETED.match(name) if brackets_optional else None
    if qualified and len(qualified.group(1).split()) >= 2:
        out.add(qualified.group(1))  # "University of Orla (UK)" is also written without "(UK)"
    for found in list(out):
        m = _POSSESSIVE.match(found)
        if m:
            out.add(f"{m.group(1)} brand's{found[m.end() :]}")
    return out


def expand(names: Iterable[str], brackets_optional: bool = False) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        for variant in sorted(name_variants(name, brackets_optional)):
            seen.setdefault(variant, None)
    return list(seen)


def with_leads(
    phrases: list[tuple[str, P]], organizations: Sequence[str] = ()
) -> list[tuple[str, P]]:
    """Names matched longest first must not lose to a name with a lead word: where one name is
    "Acme K1" or "new K1", "Acme K1 Pro" would match it and leave "Pro" behind. So every name
    that another name's lead word could swallow ("K1 Pro") also gets that lead word ("Acme K1
    Pro"). Lead words are "the", "new", "all-new" and the organisations' names."""
    words = [*_LEADS, *organizations, *(f"{o}'s" for o in organizations)]
    alts = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    lead_re = re.compile(rf"^((?:(?:{alts})\s+)+)(\S.*)$", re.IGNORECASE)
    leads: dict[str, set[str]] = {}
    for name, _ in phrases:
        m = lead_re.match(name)
        if m:
            leads.setdefault(m.group(2).lower(), set()).add(m.group(1).strip())
    if not leads:
        return phrases
    out = list(phrases)
    for name, payload in phrases:
        words = name.split()
        for n in range(1, min(len(words), 4)):
            for lead in leads.get(" ".join(words[:n]).lower(), ()):
                out.append((f"{lead} {name}", payload))
    return out


_HEAD_STOP = frozenset(
    [
        # who makes or owns a subject, never the subject ("the company" is not the film)
        "company",
        "companies",
        "firm",
        "group",
        "maker",
        "manufacturer",
        "corporation",
        "of",
        "the",
        "and",
        "or",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "its",
        "their",
        "a",
        "an",
        "new",
        "all",
        "next",
        "first",
        "second",
        "third",
        "this",
        "that",
        "these",
        "those",
        "plan",
        "plans",
        "seen",
        "successor",
        "successors",
        "predecessor",
        "platform",
        "maker",
        "supplier",
    ]
)
_WORD = re.compile(r"^[A-Za-z][a-z]+(?:-[a-z]+)*$")


_RELATIVE = frozenset({"that", "which", "who", "whose"})
_DESCRIBED = re.compile(r",\s+(?:a|an|the|its|their)\s+([^,;:()]+)")
_QUALIFIER = re.compile(
    r"[(,;:]| (?:to|for|at|in|of|on|from|with|by|near|under|since|about|into|over) "
)


def head_nouns(claims: Iterable[Claim]) -> frozenset[str]:
    """The nouns a report may use for a tracked subject once it is named: the last word of each
    name and of the subject's first phrase ("the pickup", "the plant", "the vehicles"), in the
    singular and the plural; only lower-case words (not names, not words with digits)."""
    out: set[str] = set()
    for claim in claims:
        phrases = [*claim.aliases, claim.subject]
        # "Vexa, a drug awaiting ...": the description after the name says what it is
        described = _DESCRIBED.search(claim.subject)
        if described:
            words = described.group(1).split()
            cut = next(
                (i for i, w in enumerate(words) if i and (w.endswith("ing") or w in _RELATIVE)),
                len(words),
            )  # "a drug awaiting a decision": the drug
            phrases.append(" ".join(words[:cut]))
        for phrase in phrases:
            # the head comes before what qualifies it: "memorandum of terms", "fab in Ohio"
            phrase = _QUALIFIER.split(phrase)[0]
            words = phrase.split()
            if not words:
                continue
            last = words[-1]
            if not _WORD.match(last) or not last.islower():
                continue
            low = last.lower()
            if low in _HEAD_STOP or len(low) < 3:
                continue
            singular = low[:-1] if low.endswith("s") and not low.endswith("ss") else low
            out.update({singular, singular + "s"})
    return frozenset(out)
