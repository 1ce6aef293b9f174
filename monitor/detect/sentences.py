"""Sentence splitting tuned to news.

A full stop ends a sentence only when followed by space and a capital, digit or quote, and not
after a known abbreviation or an initial; decimals ("25.7 kWh"), model names ("K4 S50") and
ellipses inside a quote survive. A newline (a block boundary of the HTML) and a bullet (a list
item flattened into one line of a feed's summary) always end a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "plc",
        "gmbh",
        "ag",
        "bros",
        "vs",
        "etc",
        "approx",
        "est",
        "no",
        "nos",
        "nr",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
        "sat",
        "sun",
        "fig",
        "ca",
        "cf",
        "e.g",
        "i.e",
        "u.s",
        "u.k",
        "u.s.a",
        "e.u",
        "mph",
        "kph",
        "km",
        "mi",
        "hp",
        "bhp",
        "ft",
        "lb",
        "lbs",
        "min",
        "max",
        "gen",
        "mk",
        "vol",
        "op",
        "ed",
        "eds",
    ]
)

_BULLETS = re.compile(r"\s*[\u2022\u25aa\u25cf\u25e6]\s*")  # • ▪ ● ◦
_BULLET_CHARS = ("\u2022", "\u25aa", "\u25cf", "\u25e6")

_BOUNDARY = re.compile(
    r"(?:\.\.\.|[.!?])['\")\]]*(?=\s+['\"(\[]?[A-Z0-9])|[!?]+['\")\]]*(?=\s)"
    r"|(?<=[a-z]{3})[.](?=[A-Z][a-z]+\s)"  # "...air taxi model.It suffered": a lost space
)


def _boundaries(block: str) -> Iterator[re.Match[str]]:
    """_BOUNDARY.finditer(block), tried only where a boundary can start (at ".", "!" or "?"):
    the same matches, without the regex engine visiting every character."""
    marks: list[int] = []
    for ch in ".!?":
        i = block.find(ch)
        while i >= 0:
            marks.append(i)
            i = block.find(ch, i + 1)
    marks.sort()
    resume = 0
    for i in marks:
        if i < resume:
            continue
        m = _BOUNDARY.match(block, i)
        if m is not None:
            yield m
            resume = max(m.end(), i + 1)


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    if any(b in text for b in _BULLET_CHARS):
        text = _BULLETS.sub("\n", text)
    for block in text.split("\n"):
        start = 0
        for m in _boundaries(block):
            end = m.end()
            if m.group().startswith(".") and not m.group().startswith("..."):
                before = block[start : m.start()].rsplit(None, 1)
                word = before[-1].lower().rstrip(".") if before else ""
                if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                    continue
            piece = block[start:end].strip()
            if piece:
                out.append(piece)
            start = end
        tail = block[start:].strip()
        if tail:
            out.append(tail)
    return out
