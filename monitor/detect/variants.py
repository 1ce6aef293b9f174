"""Spelling variants of claim names that the press uses interchangeably.

A claims file lists the names people write; these rules add the routine respellings so a
baseline need not list every one: "EV" is also written "electric car", "electric model" or
"electric vehicle", and a maker's possessive ("ALPINA's first EV") also as "the ALPINA brand's".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

P = TypeVar("P")

_EV = re.compile(r"\bEVs?\b")
_EV_WORDS = ("electric car", "electric model", "electric vehicle")
_LEAD = re.compile(r"^((?:(?:the|all-new|new|BMW|BMW's)\s+)+)(\S.*)$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^([A-Z][\w-]*)['\u2019]s\b")


def name_variants(name: str) -> set[str]:
    """The name and its routine respellings (never fewer words of substance)."""
    out = {name}
    for found in list(out):
        if _EV.search(found):
            for words in _EV_WORDS:
                plural = words + "s"
                out.add(
                    _EV.sub(lambda m, w=words, p=plural: p if m.group().endswith("s") else w, found)
                )
    for found in list(out):
        m = _POSSESSIVE.match(found)
        if m:
            out.add(f"{m.group(1)} brand's{found[m.end() :]}")
    return out


def expand(names: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for name in names:
        for variant in sorted(name_variants(name)):
            seen.setdefault(variant, None)
    return list(seen)


def with_leads(phrases: list[tuple[str, P]]) -> list[tuple[str, P]]:
    """Names matched longest first must not lose to a name with a lead word: where one name is
    "BMW i3" or "new i3", "BMW i3 Touring" would match it and leave "Touring" behind. So every
    name that another name's lead word could swallow ("i3 Touring", "iX3 long wheelbase") also
    gets that lead word ("BMW i3 Touring", "new iX3 long wheelbase")."""
    leads: dict[str, set[str]] = {}
    for name, _ in phrases:
        m = _LEAD.match(name)
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
