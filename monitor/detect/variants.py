"""Spelling variants of claim names that the press uses interchangeably.

A claims file lists the names people write; these rules add the routine respellings so a
baseline need not list every one: "EV" is also written "electric car", "electric model" or
"electric vehicle", and a maker's possessive ("ALPINA's first EV") also as "the ALPINA brand's".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_EV = re.compile(r"\bEVs?\b")
_EV_WORDS = ("electric car", "electric model", "electric vehicle")
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
