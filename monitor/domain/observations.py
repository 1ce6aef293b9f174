"""What the detector says a report says about a claim; the input of `decide`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Observation:
    """One claim as one report speaks of it.

    status: the status the report gives the claim (None: mentioned, nothing said of status).
    confidence: 0..1; below the decision threshold a change is only suspected.
    why: the detector's reasons, in words, for `--explain` and for the event's record.
    """

    claim: str
    status: str | None
    confidence: float
    evidence: str
    value: str | None = None
    why: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Report:
    """A report as the diff step reads it (from a feed entry or a corpus line)."""

    key: str  # stable identity, e.g. guid + content hash; used in deduplication keys
    title: str = ""
    text: str = ""  # summary and content, HTML allowed; the detector normalises it
    link: str = ""
    published: str | None = None
    source: str = ""
    feed: str | None = None
    lang: str | None = None
