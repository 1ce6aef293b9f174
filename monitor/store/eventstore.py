"""The append-only event store over SQLAlchemy Core (SQLite and PostgreSQL).

Appends are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
lock), which is what makes positions gapless and in commit order and lets each event's hash
chain onto the one before it. Projectors run inside the same transaction, so read models and the
outbox never disagree with the log.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from ..domain import events as ev
from ..domain.hashing import canonical_json, event_hash
from ..errors import ConcurrencyError, StoreError, ValidationError
from ..schemas import validate_event_data
from .db import is_sqlite, safe_url, translate_errors
from .tables import events as events_table
from .upcasting import upcast

ADVISORY_LOCK_ID = 0x6D6F6E69  # "moni"


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Projector(Protocol):
    """A read model kept in step with the log, inside the appending transaction."""

    name: str

    def apply(self, conn: Connection, events: Sequence[ev.RecordedEvent]) -> None: ...

    def reset(self, conn: Connection) -> None: ...


@dataclass
class AppendResult:
    recorded: list[ev.RecordedEvent] = field(default_factory=list)
    duplicates: list[ev.NewEvent] = field(default_factory=list)


_COLUMNS = (
    "position, stream, version, type, schema_version, occurred_at, recorded_at, data, "
    "metadata, dedup_key, prev_hash, hash"
)


def row_to_event(row: Sequence[Any], *, upcast_data: bool = True) -> ev.RecordedEvent:
    data = json.loads(row[7])
    schema_version = row[4]
    if upcast_data:
        schema_version, data = upcast(row[3], schema_version, data)
    return ev.RecordedEvent(
        position=row[0],
        stream=row[1],
        version=row[2],
        type=row[3],
        schema_version=schema_version,
        occurred_at=row[5],
        recorded_at=row[6],
        data=data,
        metadata=json.loads(row[8]),
        dedup_key=row[9],
        prev_hash=row[10],
        hash=row[11],
    )


class Writer:
    """Appends within one locked transaction; obtained from `EventStore.writer()`."""

    def __init__(self, store: EventStore, conn: Connection) -> None:
        self.store = store
        self.conn = conn
        self.result = AppendResult()

    def append(
        self,
        new_events: Sequence[ev.NewEvent],
        expected_versions: Mapping[str, int] | None = None,
        *,
        validate: bool = True,
    ) -> AppendResult:
        """Append events in order; events whose dedup key exists are skipped and reported."""
        return self.store._append_locked(
            self.conn, new_events, expected_versions, validate, self.result
        )


class EventStore:
    def __init__(
        self,
        engine: Engine,
        projectors: Sequence[Projector] = (),
        clock: Callable[[], str] = utc_now_iso,
        url: str | None = None,
    ) -> None:
        self.engine = engine
        self.projectors = list(projectors)
        self.clock = clock
        self.url = url or str(engine.url)
        self._sqlite = is_sqlite(engine)
        self._insert = events_table.insert()

    # ---- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[Writer]:
        """One transaction holding the append lock; everything appended commits together."""
        with translate_errors(self.url):
            conn = self.engine.connect()
            try:
                if self._sqlite:
                    conn = conn.execution_options(sqlite_immediate=True)
                with conn.begin():
                    if not self._sqlite:
                        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_ID})")
                    yield Writer(self, conn)
            finally:
                conn.close()

    def append(
        self,
        new_events: Sequence[ev.NewEvent],
        expected_versions: Mapping[str, int] | None = None,
        *,
        validate: bool = True,
    ) -> AppendResult:
        with self.writer() as w:
            return w.append(new_events, expected_versions, validate=validate)

    def _append_locked(
        self,
        conn: Connection,
        new_events: Sequence[ev.NewEvent],
        expected_versions: Mapping[str, int] | None,
        validate: bool,
        result: AppendResult,
    ) -> AppendResult:
        if not new_events:
            return result
        keys = [e.dedup_key for e in new_events if e.dedup_key is not None]
        existing: set[str] = set()
        if keys:
            for i in range(0, len(keys), 500):
                chunk = keys[i : i + 500]
                existing.update(
                    conn.execute(
                        select(events_table.c.dedup_key).where(events_table.c.dedup_key.in_(chunk))
                    ).scalars()
                )
        streams = {e.stream for e in new_events}
        versions = self._stream_versions(conn, streams)
        if expected_versions:
            for stream, expected in expected_versions.items():
                actual = versions.get(stream, 0)
                if actual != expected:
                    raise ConcurrencyError(
                        f"stream {stream} is at version {actual}, expected {expected}: "
                        "someone else appended first; re-read and retry"
                    )
        head = conn.execute(
            select(events_table.c.position, events_table.c.hash)
            .order_by(events_table.c.position.desc())
            .limit(1)
        ).first()
        position, prev_hash = (head[0], head[1]) if head else (0, ev.GENESIS_HASH)
        recorded_at = self.clock()
        rows: list[dict[str, Any]] = []
        recorded: list[ev.RecordedEvent] = []
        seen_keys: set[str] = set()
        for new in new_events:
            if new.dedup_key is not None:
                if new.dedup_key in existing or new.dedup_key in seen_keys:
                    result.duplicates.append(new)
                    continue
                seen_keys.add(new.dedup_key)
            schema_version = new.effective_schema_version
            if validate:
                validate_event_data(new.type, schema_version, new.data, where=new.stream)
            position += 1
            version = versions.get(new.stream, 0) + 1
            versions[new.stream] = version
            data_json = canonical_json(new.data)
            meta_json = canonical_json(new.metadata)
            digest = event_hash(
                prev_hash,
                position,
                new.stream,
                version,
                new.type,
                schema_version,
                new.occurred_at,
                recorded_at,
                data_json,
                meta_json,
                new.dedup_key,
            )
            rows.append(
                {
                    "position": position,
                    "stream": new.stream,
                    "version": version,
                    "type": new.type,
                    "schema_version": schema_version,
                    "occurred_at": new.occurred_at,
                    "recorded_at": recorded_at,
                    "data": data_json,
                    "metadata": meta_json,
                    "dedup_key": new.dedup_key,
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            recorded.append(
                ev.RecordedEvent(
                    position,
                    new.stream,
                    version,
                    new.type,
                    schema_version,
                    new.occurred_at,
                    recorded_at,
                    new.data,
                    new.metadata,
                    new.dedup_key,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
        if rows:
            try:
                conn.execute(self._insert, rows)
            except SAIntegrityError as exc:
                raise ConcurrencyError(
                    f"append conflicted with another writer on {safe_url(self.url)}: {exc.orig}"
                ) from exc
            for projector in self.projectors:
                projector.apply(conn, recorded)
        result.recorded.extend(recorded)
        return result

    def _stream_versions(self, conn: Connection, streams: set[str]) -> dict[str, int]:
        if len(streams) == 1:
            (stream,) = streams
            v = conn.execute(
                select(func.max(events_table.c.version)).where(events_table.c.stream == stream)
            ).scalar()
            return {stream: v} if v else {}
        out: dict[str, int] = {}
        ordered = sorted(streams)
        for i in range(0, len(ordered), 500):
            chunk = ordered[i : i + 500]
            for stream, version in conn.execute(
                select(events_table.c.stream, func.max(events_table.c.version))
                .where(events_table.c.stream.in_(chunk))
                .group_by(events_table.c.stream)
            ):
                out[stream] = version
        return out

    def import_recorded(self, recorded: Iterable[ev.RecordedEvent], batch: int = 1000) -> int:
        """Insert an exported log as it is (positions and hashes kept) into an empty store."""
        count = 0
        with self.writer() as w:
            conn = w.conn
            if conn.execute(select(func.count()).select_from(events_table)).scalar():
                raise StoreError("import needs an empty event log (it keeps positions and hashes)")
            chunk: list[ev.RecordedEvent] = []
            for event in recorded:
                chunk.append(event)
                if len(chunk) >= batch:
                    self._insert_recorded(conn, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                self._insert_recorded(conn, chunk)
                count += len(chunk)
        return count

    def _insert_recorded(self, conn: Connection, chunk: list[ev.RecordedEvent]) -> None:
        conn.execute(
            self._insert,
            [
                {
                    "position": e.position,
                    "stream": e.stream,
                    "version": e.version,
                    "type": e.type,
                    "schema_version": e.schema_version,
                    "occurred_at": e.occurred_at,
                    "recorded_at": e.recorded_at,
                    "data": canonical_json(e.data),
                    "metadata": canonical_json(e.metadata),
                    "dedup_key": e.dedup_key,
                    "prev_hash": e.prev_hash,
                    "hash": e.hash,
                }
                for e in chunk
            ],
        )
        for projector in self.projectors:
            projector.apply(conn, chunk)

    # ---- reading -------------------------------------------------------------------------
    def iter_rows(
        self,
        since: int = 0,
        until: int | None = None,
        *,
        columns: str = _COLUMNS,
        batch: int = 5000,
        stream: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Raw rows in position order, streamed in keyset pages (memory stays flat)."""
        last = since
        with translate_errors(self.url), self.engine.connect() as conn:
            raw = conn.connection.driver_connection
            marker = "?" if self._sqlite else "%s"
            where = f"position > {marker}"
            extra: list[Any] = []
            if until is not None:
                where += f" AND position <= {marker}"
                extra.append(until)
            if stream is not None:
                where += f" AND stream = {marker}"
                extra.append(stream)
            sql = f"SELECT {columns} FROM events WHERE {where} ORDER BY position LIMIT {batch}"
            while True:
                cur = raw.cursor()
                cur.execute(sql, (last, *extra))
                rows = cur.fetchall()
                cur.close()
                if not rows:
                    return
                yield from rows
                if len(rows) < batch:
                    return
                last = rows[-1][0]

    def read(
        self,
        since: int = 0,
        until: int | None = None,
        *,
        stream: str | None = None,
        limit: int | None = None,
    ) -> Iterator[ev.RecordedEvent]:
        for n, row in enumerate(self.iter_rows(since, until, stream=stream)):
            if limit is not None and n >= limit:
                return
            yield row_to_event(row)

    def read_stream(self, stream: str) -> list[ev.RecordedEvent]:
        return list(self.read(stream=stream))

    def head(self) -> tuple[int, str]:
        with translate_errors(self.url), self.engine.connect() as conn:
            row = conn.execute(
                select(events_table.c.position, events_table.c.hash)
                .order_by(events_table.c.position.desc())
                .limit(1)
            ).first()
        return (row[0], row[1]) if row else (0, ev.GENESIS_HASH)

    def position_at(self, moment: str) -> int:
        """The last position recorded at or before a time (ISO 8601 UTC)."""
        with translate_errors(self.url), self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(events_table.c.position)).where(
                    events_table.c.recorded_at <= moment
                )
            ).scalar()
        return value or 0

    def stream_version(self, stream: str) -> int:
        with translate_errors(self.url), self.engine.connect() as conn:
            return self._stream_versions(conn, {stream}).get(stream, 0)


def check_new_event(new: ev.NewEvent) -> None:
    """Validate without appending (used to check whole files before anything is written)."""
    if new.type not in ev.CURRENT_VERSIONS:
        raise ValidationError(f"unknown event type {new.type!r}")
    validate_event_data(new.type, new.effective_schema_version, new.data, where=new.stream)
