"""Whose article it is: the organisations a baseline is about, and what reads them.

The detector knows no company. "X said", "X denies", "X's model" and "the X K3" need X, so it
comes from the claims file (`article.organizations`) or, failing that, from what the claims'
subjects make plain: a capitalised name that opens or owns several subjects ("Acme's ...",
"Acme K3 ..."). Lexicon phrases may say `{org}` where such a name goes ("{org} said").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from monitor.domain.claims import Claim

ORG_SLOT = "{org}"
# A capitalised name at the start of a subject, with its possessive: "Acme's", "Acme Corp".
_OPENING_NAME = re.compile(
    r"^(?:The\s+)?([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*){0,2}?)(?:['\u2019]s\b|\s)"
)
_POSSESSOR = re.compile(r"\b([A-Z][\w&.-]*)['\u2019]s\b")
# Capitalised words that open subjects without naming anyone.
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "All",
        "New",
        "Next",
        "Second",
        "Third",
        "First",
        "Conversion",
        "Project",
        "Plans",
        "Plan",
        "Goal",
        "Target",
        "Launch",
        "Production",
        "Sales",
    ]
)


def organizations_of(claims: Iterable[Claim], given: Sequence[str] = ()) -> tuple[str, ...]:
    """The organisations named by the claims file, else inferred from the subjects: a name that
    opens or owns at least two subjects (and a quarter of them)."""
    claims = list(claims)
    named = list(dict.fromkeys([*given, *(o for c in claims for o in c.source.organizations)]))
    if named:
        return tuple(named)
    counts: Counter[str] = Counter()
    for c in claims:
        found = set(_POSSESSOR.findall(c.subject))
        m = _OPENING_NAME.match(c.subject)
        if m:
            found.add(m.group(1).split()[0])
        counts.update(n for n in found if n not in _NOT_NAMES)
    need = max(2, len(claims) // 4)
    return tuple(n for n, k in counts.most_common() if k >= need)


def org_words(organizations: Iterable[str]) -> frozenset[str]:
    """The organisations' names as the tokenizer keys them, with their possessives."""
    out: set[str] = set()
    for org in organizations:
        low = org.lower()
        out.add(low)
        out.add(low + "'s")
        first = low.split()[0]
        out.add(first)
        out.add(first + "'s")
    return frozenset(out)


def fill_org_slots(phrases: Iterable[str], organizations: Sequence[str]) -> list[str]:
    """`{org} said` becomes one phrase per organisation (and disappears when there is none)."""
    out: list[str] = []
    for phrase in phrases:
        if ORG_SLOT not in phrase:
            out.append(phrase)
            continue
        out.extend(phrase.replace(ORG_SLOT, org) for org in organizations)
    return out
