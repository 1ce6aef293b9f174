"""Timings in a sentence, as claim values: "2029", "2029-H1", "2026-03".

Choices (documented, not guessed per sentence):
- "first half", "early", "spring", "H1", "Q1"/"Q2" -> YYYY-H1; "second half", "late", "end of",
  "autumn"/"fall", "H2", "Q3"/"Q4" -> YYYY-H2;
- "by the end of 2027" is a deadline, not a half -> "2027"; "mid-2027" -> "2027";
- "March 2026" -> "2026-03"; a month without a year takes the report's year (next year when the
  month has passed by the report's date);
- "next year", "this year", "that year" resolve against the report's date or the last year named;
- a year followed by a maker and model name ("2025 Acme K4") is a model year, not a timing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_YREF = rf"(?:{_YEAR}|next year|this year|that year|the year|the following year)"
_H1 = r"first half|1st half|first six months|early|beginning of|start of|spring|h1|q1|q2"
_H2 = r"second half|2nd half|latter half|last six months|late|end of|autumn|fall|h2|q3|q4"

_PATTERNS = [
    ("deadline", re.compile(rf"\bby\s+the\s+end\s+of\s+({_YREF})\b", re.I)),
    (  # the lookahead on first letters only spares the engine the alternation elsewhere
        "half",
        re.compile(
            rf"\b(?=[tfl1ebsahq2])(?:the\s+)?({_H1}|{_H2})(?:\s+of)?[\s-]+({_YREF})\b", re.I
        ),
    ),
    ("half_post", re.compile(rf"\b({_YEAR})[\s-]*(h1|h2|q[1-4])\b", re.I)),
    ("mid", re.compile(rf"\b(?:mid|middle\s+of)[\s-]*({_YREF})\b", re.I)),
    (  # "October 25, 2024", "Oct. 25", "on 25 October 2024": a day
        "day",
        re.compile(
            rf"\b(?=[jfmasond])({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*%)"
            rf"(?:,?\s+({_YEAR})\b)?"
            rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+({_YEAR})\b)?",
            re.I,
        ),
    ),
    (
        "month",
        re.compile(
            rf"\b(?=[jfmasond])({_MONTH_RE})\.?(?:\s+of)?(?:\s+({_YEAR}|next year|this year))?\b",
            re.I,
        ),
    ),
    ("year", re.compile(rf"(?<![\w.-])({_YEAR})(?![\w%]|\s*[A-Z][\w-]*\s+[A-Z0-9])")),
    ("relative", re.compile(r"\b(next year|this year|later this year)\b", re.I)),
]


_H1_RE = re.compile(_H1)
_YEARS_NAMED = re.compile(rf"\b({_YEAR})\b")

# Words one of the patterns needs (lower case): a pattern whose words are all absent is not run.
_NEEDS = {
    "deadline": ("end of",),
    "half": (
        "half",
        "six months",
        "early",
        "beginning of",
        "start of",
        "spring",
        "late",
        "end of",
        "autumn",
        "fall",
        "h1",
        "h2",
        "q1",
        "q2",
        "q3",
        "q4",
    ),
    "half_post": ("h1", "h2", "q1", "q2", "q3", "q4"),
    "mid": ("mid",),
    "day": tuple(sorted({name[:3] for name in MONTHS})),
    "month": tuple(sorted({name[:3] for name in MONTHS})),
    "year": ("20", "19"),
    "relative": ("next year", "this year"),
}


@dataclass(frozen=True, slots=True)
class Timing:
    value: str
    start: int  # character offsets in the sentence
    end: int
    year_assumed: bool = False  # "in March": the year is the report's guess, not the text's

    @property
    def year(self) -> int:
        return int(self.value[:4])


def _resolve_year(ref: str, published_year: int | None, last_year: int | None) -> int | None:
    ref = ref.lower()
    if ref.isdigit():
        return int(ref)
    if ref in ("that year", "the year", "the following year") and last_year is not None:
        return last_year + (1 if ref == "the following year" else 0)
    if published_year is None:
        return None
    if ref == "next year":
        return published_year + 1
    if ref in ("this year", "the year", "later this year"):
        return published_year
    return None


def _half(word: str) -> str:
    w = word.lower()
    return "H1" if _H1_RE.fullmatch(w) else "H2"


def find_timings(
    sentence: str, published: str | None = None, last_year: int | None = None
) -> list[Timing]:
    """Every timing in the sentence, most specific first where two overlap."""
    pub_year = int(published[:4]) if published and published[:4].isdigit() else None
    pub_month = (
        int(published[5:7])
        if published and len(published) >= 7 and published[5:7].isdigit()
        else None
    )
    years_named = [int(y) for y in _YEARS_NAMED.findall(sentence)]
    last = years_named[0] if years_named else last_year
    found: list[Timing] = []
    taken: list[tuple[int, int]] = []

    def add(value: str, start: int, end: int, assumed: bool = False) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(Timing(value, start, end, assumed))

    low = sentence.lower()
    for kind, pattern in _PATTERNS:
        for word in _NEEDS[kind]:
            if word in low:
                break
        else:
            continue
        for m in pattern.finditer(sentence):
            if kind == "half":
                year = _resolve_year(m.group(2), pub_year, last)
                if year is not None:
                    add(f"{year}-{_half(m.group(1))}", m.start(), m.end())
            elif kind == "half_post":
                add(f"{m.group(1)}-{_half(m.group(2))}", m.start(), m.end())
            elif kind in ("deadline", "mid"):
                year = _resolve_year(m.group(1), pub_year, last)
                if year is not None:
                    add(str(year), m.start(), m.end())
            elif kind == "day":
                word = m.group(1) or m.group(5)
                day = int(m.group(2) or m.group(4))
                ref = m.group(3) or m.group(6)
                if word[0].islower() or not 1 <= day <= 31:
                    continue  # months are capitalised ("may 5" is no date)
                month = MONTHS[word.lower()]
                assumed = False
                year = int(ref) if ref else None
                if year is None and pub_year is not None:
                    year = pub_year + (1 if pub_month and month < pub_month else 0)
                    assumed = True
                if year is not None:
                    add(f"{year}-{month:02d}-{day:02d}", m.start(), m.end(), assumed)
            elif kind == "month":
                word = m.group(1)
                if word[0].islower() or (word.lower() == "may" and not m.group(2)):
                    continue  # months are capitalised; "May" alone may be the modal verb
                month = MONTHS[word.lower()]
                ref = m.group(2)
                year = _resolve_year(ref, pub_year, last) if ref else None
                assumed = False
                if year is None and ref is None and pub_year is not None:
                    year = pub_year + (1 if pub_month and month < pub_month else 0)
                    assumed = True
                if year is not None:
                    add(f"{year}-{month:02d}", m.start(), m.end(), assumed)
            elif kind == "year":
                add(m.group(1), m.start(), m.end())
            elif kind == "relative":
                year = _resolve_year(m.group(1), pub_year, last)
                if year is not None:
                    add(str(year), m.start(), m.end())
    found.sort(key=lambda t: t.start)
    return found


def consistent(value: str, current: str | None) -> bool:
    """Does the timing say no more than the claim's current value ("2028" vs "2028-H2")?"""
    if current is None:
        return False
    if value == current:
        return True
    return value in current
