"""How a claim is laid out in the read model: a hot row and its static text.

A corroboration moves only a claim's status-like fields (status, value, version, position,
updated_at, corroborations, evidence); its words (aliases, lookalikes, quote, source) are fixed
when it is asserted. The hot `claims` row holds what moves, so the row every corroboration
rewrites stays small; `claim_texts` holds the words, written only when they change. Every
reader goes through `claim_from_row` and the queries here, so the split stays in this module.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..domain.claims import Claim, Source

# The hot row, in order; `claim_from_row` reads the query's columns in this order, then the text.
HOT_COLUMNS = (
    "id",
    "subject",
    "status",
    "value",
    "updated_at",
    "version",
    "position",
    "corroborations",
    "evidence",
    "evidence_link",
)
TEXT_COLUMNS = ("id", "doc")
# What a corroboration or change rewrites: the hot row but its key and subject.
MOVING_COLUMNS = ("id", *HOT_COLUMNS[2:])

SELECT_SQL = (
    f"SELECT {', '.join(f'c.{name}' for name in HOT_COLUMNS)}, t.doc"
    " FROM claims AS c JOIN claim_texts AS t ON t.id = c.id"
)

_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps's own, without its checks


def static_part(claim: Claim) -> tuple[Any, ...]:
    """What `claim_texts` (and the subject column) hold: it changes only on assertion."""
    return (claim.subject, claim.aliases, claim.lookalikes, claim.quote, claim.source)


def hot_row(claim: Claim) -> tuple[Any, ...]:
    """The `claims` row, in `HOT_COLUMNS` order."""
    return (
        claim.id,
        claim.subject,
        claim.status,
        claim.value,
        claim.updated_at,
        claim.version,
        claim.position,
        claim.corroborations,
        claim.evidence,
        claim.evidence_link,
    )


def moving_row(claim: Claim) -> tuple[Any, ...]:
    """The `MOVING_COLUMNS` but the key, then the key (an UPDATE's parameters)."""
    return (*hot_row(claim)[2:], claim.id)


def text_doc(claim: Claim) -> str:
    """The `claim_texts` document: the words of `Claim.to_json`, spelt the same way."""
    return _ENCODER.encode(
        {
            "aliases": list(claim.aliases),
            "lookalikes": list(claim.lookalikes),
            "quote": claim.quote,
            "source": claim.source.to_json(),
        }
    )


def text_row(claim: Claim) -> tuple[str, str]:
    return (claim.id, text_doc(claim))


def claim_from_row(row: Sequence[Any]) -> Claim:
    """A claim from `SELECT_SQL`'s columns (the hot row, then the text document)."""
    doc = json.loads(row[10])
    return Claim(
        id=row[0],
        subject=row[1],
        status=row[2],
        value=row[3],
        aliases=tuple(doc.get("aliases") or ()),
        lookalikes=tuple(doc.get("lookalikes") or ()),
        quote=doc.get("quote") or "",
        source=Source.from_json(doc.get("source")),
        version=row[5],
        updated_at=row[4],
        position=row[6],
        corroborations=row[7],
        evidence=row[8],
        evidence_link=row[9],
    )


def claims_by_cursor(cur: Any, marker: str, ids: Sequence[str]) -> dict[str, Claim]:
    """The claims of ``ids`` that exist, read on a driver cursor (the projectors' hot path)."""
    found: dict[str, Claim] = {}
    for i in range(0, len(ids), 500):
        chunk = list(ids[i : i + 500])
        cur.execute(f"{SELECT_SQL} WHERE c.id IN ({', '.join([marker] * len(chunk))})", chunk)
        for row in cur.fetchall():
            claim = claim_from_row(row)
            found[claim.id] = claim
    return found
