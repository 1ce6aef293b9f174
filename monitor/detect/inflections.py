"""The simple past and the past participle of an irregular verb name the same event ("production
began", "production has begun"): a cue written with one also matches the other, so the lexicon
need not list both."""

from __future__ import annotations

# simple past <-> past participle, where they differ
_PAIRS = (
    ("began", "begun"),
    ("broke", "broken"),
    ("came", "come"),
    ("flew", "flown"),
    ("gave", "given"),
    ("went", "gone"),
    ("rose", "risen"),
    ("took", "taken"),
    ("ran", "run"),
    ("wrote", "written"),
    ("drove", "driven"),
    ("showed", "shown"),
    ("froze", "frozen"),
    ("chose", "chosen"),
)
OTHER_FORM: dict[str, str] = {a: b for a, b in _PAIRS} | {b: a for a, b in _PAIRS}


def past_variants(phrase: str) -> list[str]:
    """The phrase with each irregular past form swapped for its other form (itself excluded)."""
    words = phrase.split(" ")
    out: list[str] = []
    for i, w in enumerate(words):
        other = OTHER_FORM.get(w.lower())
        if other is not None:
            out.append(" ".join([*words[:i], other, *words[i + 1 :]]))
    return out
