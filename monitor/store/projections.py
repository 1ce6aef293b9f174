"""Read models kept in the appending transaction: the current claims.

Each projector records the position it has applied up to in `projection_positions`, in the same
transaction as its rows, so a crash never leaves it half applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.fold import claim_id_of, evolve_claim
from .tables import claims as claims_table
from .tables import projection_positions


def _upsert(conn: Connection, table, rows: list[dict], key: str) -> None:  # noqa: ANN001
    insert = sqlite_insert if conn.dialect.name == "sqlite" else pg_insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[key],
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name != key},
    )
    conn.execute(stmt, rows)


def set_position(conn: Connection, name: str, position: int) -> None:
    _upsert(conn, projection_positions, [{"name": name, "position": position}], "name")


def get_position(conn: Connection, name: str) -> int:
    value = conn.execute(
        select(projection_positions.c.position).where(projection_positions.c.name == name)
    ).scalar()
    return value or 0


def claim_row(claim: Claim) -> dict:
    return {
        "id": claim.id,
        "subject": claim.subject,
        "status": claim.status,
        "value": claim.value,
        "updated_at": claim.updated_at,
        "version": claim.version,
        "position": claim.position,
        "doc": json.dumps(claim.to_json(), ensure_ascii=False),
    }


def load_claims(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, Claim]:
    query = select(claims_table.c.doc)
    if ids is not None:
        query = query.where(claims_table.c.id.in_(list(ids)))
    return {
        claim.id: claim
        for claim in (Claim.from_json(json.loads(doc)) for (doc,) in conn.execute(query))
    }


class ClaimsProjector:
    name = "claims"

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None:
        touched = [e for e in events if e.stream.startswith("claim/")]
        if touched:
            ids = sorted({claim_id_of(e.stream) or "" for e in touched})
            state = load_claims(conn, ids)
            changed: dict[str, Claim] = {}
            for e in touched:
                cid = claim_id_of(e.stream) or ""
                new = evolve_claim(
                    state.get(cid), e.type, e.data, e.position, e.version, e.recorded_at
                )
                if new is not None:
                    state[cid] = changed[cid] = new
            if changed:
                _upsert(conn, claims_table, [claim_row(c) for c in changed.values()], "id")
        if events:
            set_position(conn, self.name, events[-1].position)

    def reset(self, conn: Connection) -> None:
        conn.execute(delete(claims_table))
        set_position(conn, self.name, 0)

    def write_state(self, conn: Connection, state: dict[str, Claim], position: int) -> None:
        """Replace the whole read model by a state computed by replay."""
        self.reset(conn)
        rows = [claim_row(c) for c in state.values()]
        for i in range(0, len(rows), 1000):
            conn.execute(claims_table.insert(), rows[i : i + 1000])
        set_position(conn, self.name, position)
