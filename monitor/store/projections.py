"""Read models kept in the appending transaction: the current claims (laid out by `claim_rows`).

Each projector records the position it has applied up to in `projection_positions`, in the same
transaction as its rows, so a crash never leaves it half applied.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.fold import claim_id_of, evolve_claim
from .claim_rows import (
    HOT_COLUMNS,
    MOVING_COLUMNS,
    TEXT_COLUMNS,
    claim_from_row,
    claims_by_cursor,
    hot_row,
    moving_row,
    static_part,
    text_row,
)
from .tables import claim_texts, projection_positions
from .tables import claims as claims_table


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


def load_claims(conn: Connection, ids: Sequence[str] | None = None) -> dict[str, Claim]:
    query = select(*(claims_table.c[name] for name in HOT_COLUMNS), claim_texts.c.doc).join_from(
        claims_table, claim_texts, claim_texts.c.id == claims_table.c.id
    )
    if ids is not None:
        query = query.where(claims_table.c.id.in_(list(ids)))
    return {claim.id: claim for claim in map(claim_from_row, conn.execute(query))}


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
            state.update(claims_by_cursor(cur, marker, ids))
            before = dict(state)
            changed: dict[str, Claim] = {}
            for e in touched:
                cid = claim_id_of(e.stream) or ""
                new = evolve_claim(
                    state.get(cid), e.type, e.data, e.position, e.version, e.recorded_at
                )
                if new is not None:
                    state[cid] = changed[cid] = new
            if changed:
                self._write(cur, marker, before, changed)
                if len(self._cache) > 100_000:
                    self._cache.clear()
                self._cache.update(changed)
        if events:
            cur.execute(
                _upsert_sql("projection_positions", ("name", "position"), marker),
                (self.name, events[-1].position),
            )

    @staticmethod
    def _write(cur: Any, marker: str, before: dict[str, Claim], changed: dict[str, Claim]) -> None:
        """A claim whose words are as before gets a plain UPDATE of its hot row (one index
        probe, a small row); an asserted one (or one whose row is missing) is upserted with
        its text. Should a row be missing after all, the rowcount says so and all upsert."""
        moved: list[Claim] = []
        rewritten: list[Claim] = []
        for cid, claim in changed.items():
            old = before.get(cid)
            if old is not None and static_part(old) == static_part(claim):
                moved.append(claim)
            else:
                rewritten.append(claim)
        if moved:
            rows = [moving_row(c) for c in moved]
            _run(cur, _update_sql("claims", MOVING_COLUMNS, marker), rows)
            if cur.rowcount != len(rows):
                rewritten = list(changed.values())
        if rewritten:
            _run(cur, _upsert_sql("claims", HOT_COLUMNS, marker), [hot_row(c) for c in rewritten])
            _run(
                cur,
                _upsert_sql("claim_texts", TEXT_COLUMNS, marker),
                [text_row(c) for c in rewritten],
            )

    def reset(self, conn: Connection) -> None:
        self._cache.clear()
        conn.execute(delete(claims_table))
        conn.execute(delete(claim_texts))
        set_position(conn, self.name, 0)

    def write_state(self, conn: Connection, state: dict[str, Claim], position: int) -> None:
        """Replace the whole read model (both tables) by a state computed by replay."""
        self.reset(conn)
        claims = list(state.values())
        for i in range(0, len(claims), 1000):
            chunk = claims[i : i + 1000]
            conn.execute(
                claims_table.insert(),
                [dict(zip(HOT_COLUMNS, hot_row(c), strict=True)) for c in chunk],
            )
            conn.execute(
                claim_texts.insert(),
                [dict(zip(TEXT_COLUMNS, text_row(c), strict=True)) for c in chunk],
            )
        set_position(conn, self.name, position)


def _run(cur: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
    if len(rows) == 1:
        cur.execute(sql, rows[0])
    else:
        cur.executemany(sql, rows)
