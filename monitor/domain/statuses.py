"""The claim status vocabulary, defined once.

schemas/claims.schema.json must agree; a test checks."""

from __future__ import annotations

from typing import Final

STATUSES: Final[tuple[str, ...]] = (
    "unknown",
    "rumored",
    "expected",
    "in-development",
    "unapproved",
    "approved",
    "confirmed",
    "revealed",
    "in-production",
    "launched",
    "ending",
    "discontinued",
    "cancelled",
    "stated",
    "revised",
)

STATUS_SET: Final[frozenset[str]] = frozenset(STATUSES)

# The life cycle of a model, earliest first. Used for plausibility: a step backwards needs a
# stronger cue than a step forwards.
LIFECYCLE: Final[tuple[str, ...]] = (
    "rumored",
    "expected",
    "in-development",
    "unapproved",
    "approved",
    "confirmed",
    "revealed",
    "in-production",
    "launched",
    "ending",
    "discontinued",
)

# Statuses that end a claim's story: jumping to one needs an explicit cue.
TERMINAL: Final[frozenset[str]] = frozenset({"cancelled", "discontinued"})


def is_status(value: object) -> bool:
    return isinstance(value, str) and value in STATUS_SET


def lifecycle_rank(status: str) -> int | None:
    """Position of a status in the life cycle, or None for statuses outside it."""
    try:
        return LIFECYCLE.index(status)
    except ValueError:
        return None
