"""Read models kept in the appending transaction: the current claims.

Each projector records the position it has applied up to in `projection_positions`, in the same
transaction as its rows, so a crash never leaves it half applied.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache

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


_DOC_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps's own, without its checks


def claim_row(claim: Claim) -> dict:
    return {
        "id": claim.id,
        "subject": claim.subject,
        "status": claim.status,
        "value": claim.value,
        "updated_at": claim.updated_at,
        "version": claim.version,
        "position": claim.position,
        "doc": _DOC_ENCODER.encode(claim.to_json()),
    }


def load_claims(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, Claim]:
    query = select(claims_table.c.doc)
    if ids is not None:
        query = query.where(claims_table.c.id.in_(list(ids)))
    return {
        claim.id: claim
        for claim in (Claim.from_json(json.loads(doc)) for (doc,) in conn.execute(query))
    }


_CLAIM_COLUMNS = ("id", "subject", "status", "value", "updated_at", "version", "position", "doc")


@cache
def _upsert_sql(table: str, columns: tuple[str, ...], marker: str) -> str:
    """INSERT ... ON CONFLICT DO UPDATE: the same text on SQLite (>= 3.24) and PostgreSQL."""
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
        f" ON CONFLICT ({columns[0]}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
    )


@cache
def _update_sql(table: str, columns: tuple[str, ...], marker: str) -> str:
    """UPDATE of every column but the key (the key is the last parameter)."""
    sets = ", ".join(f"{c} = {marker}" for c in columns[1:])
    return f"UPDATE {table} SET {sets} WHERE {columns[0]} = {marker}"


class ClaimsProjector:
    """Current claims, one row each; hot path on the driver cursor like the event append."""

    name = "claims"

    def __init__(self) -> None:
        # Claims as last written by this process. An entry is used only when its version is the
        # stream's version just before the event being applied (the row and the stream move
        # together), so another process's writes simply miss; a rollback clears it (`forget`).
        self._cache: dict[str, Claim] = {}

    def forget(self) -> None:
        self._cache.clear()

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None:
        marker = "?" if conn.dialect.name == "sqlite" else "%s"
        cur = conn.connection.driver_connection.cursor()
        touched = [e for e in events if e.stream.startswith("claim/")]
        if touched:
            first_version: dict[str, int] = {}
            for e in touched:
                first_version.setdefault(claim_id_of(e.stream) or "", e.version)
            state: dict[str, Claim] = {}
            for cid, version in first_version.items():
                cached = self._cache.get(cid)
                if cached is not None and cached.version == version - 1:
                    state[cid] = cached
            ids = sorted(cid for cid, v in first_version.items() if cid not in state and v > 1)
            for i in range(0, len(ids), 500):
                chunk = ids[i : i + 500]
                cur.execute(
                    f"SELECT doc FROM claims WHERE id IN ({','.join([marker] * len(chunk))})",
                    chunk,
                )
                for (doc,) in cur.fetchall():
                    claim = Claim.from_json(json.loads(doc))
                    state[claim.id] = claim
            changed: dict[str, Claim] = {}
            for e in touched:
                cid = claim_id_of(e.stream) or ""
                new = evolve_claim(
                    state.get(cid), e.type, e.data, e.position, e.version, e.recorded_at
                )
                if new is not None:
                    state[cid] = changed[cid] = new
            if changed:
                # Claims whose stream existed before this append have a row: a plain UPDATE
                # (one index probe) instead of an upsert (an insert attempt, then the update).
                # Should a row be missing after all, the rowcount says so and the upsert runs.
                known = [c for cid, c in changed.items() if first_version[cid] > 1]
                new_rows = [c for cid, c in changed.items() if first_version[cid] <= 1]
                if known:
                    rows = [(*tuple(claim_row(c).values())[1:], c.id) for c in known]
                    sql = _update_sql("claims", _CLAIM_COLUMNS, marker)
                    if len(rows) == 1:
                        cur.execute(sql, rows[0])
                    else:
                        cur.executemany(sql, rows)
                    if cur.rowcount != len(rows):
                        new_rows = list(changed.values())
                if new_rows:
                    rows = [tuple(claim_row(c).values()) for c in new_rows]
                    sql = _upsert_sql("claims", _CLAIM_COLUMNS, marker)
                    if len(rows) == 1:
                        cur.execute(sql, rows[0])
                    else:
                        cur.executemany(sql, rows)
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache.update(changed)
        if events:
            cur.execute(
                _upsert_sql("projection_positions", ("name", "position"), marker),
                (self.name, events[-1].position),
            )

    def reset(self, conn: Connection) -> None:
        self._cache.clear()
        conn.execute(delete(claims_table))
        set_position(conn, self.name, 0)

    def write_state(self, conn: Connection, state: dict[str, Claim], position: int) -> None:
        """Replace the whole read model by a state computed by replay."""
        self.reset(conn)
        rows = [claim_row(c) for c in state.values()]
        for i in range(0, len(rows), 1000):
            conn.execute(claims_table.insert(), rows[i : i + 1000])
        set_position(conn, self.name, position)
