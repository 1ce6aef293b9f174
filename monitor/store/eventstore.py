"""The append-only event store over SQLAlchemy Core (SQLite and PostgreSQL).

Appends are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory
lock), which is what makes positions gapless and in commit order and lets each event's hash
chain onto the one before it. Projectors run inside the same transaction, so read models and the
outbox never disagree with the log.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from ..domain import events as ev
from ..domain.hashing import CHAIN_META, KEYED_CHAIN, canonical_json, event_hash
from ..errors import ConcurrencyError, StoreError, ValidationError
from ..schemas import validate_event_data
from .db import is_sqlite, safe_url, translate_errors
from .integrity import AnchorWriter, Integrity
from .tables import events as events_table
from .upcasting import upcast

ADVISORY_LOCK_ID = 0x6D6F6E69  # "moni"


def utc_now_iso() -> str:
    """Now, as the log spells times: 2026-11-25T21:49:39.123456Z (sorts as text)."""
    now = time.time()
    seconds = int(now)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (
        f".{int((now - seconds) * 1_000_000):06d}Z"
    )


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


def raw_cursor(conn: Connection) -> Any:
    """A DBAPI cursor on the connection's current transaction."""
    return conn.connection.driver_connection.cursor()


def driver_integrity_errors(engine: Engine) -> tuple[type[Exception], ...]:
    dbapi = engine.dialect.dbapi
    return (dbapi.IntegrityError,) if dbapi is not None else (SAIntegrityError,)


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
        integrity: Integrity | None = None,
        lock_timeout: float = 30.0,
        statement_timeout: float = 300.0,
    ) -> None:
        self.engine = engine
        self.integrity = integrity or Integrity()
        self._anchor = (
            AnchorWriter(self.integrity.anchor_path, self.integrity.key)
            if self.integrity.anchor_path is not None
            else None
        )
        self.projectors = list(projectors)
        self.clock = clock
        self.url = url or str(engine.url)
        self._sqlite = is_sqlite(engine)
        self._insert = events_table.insert()
        self._marker = "?" if self._sqlite else "%s"
        self._insert_sql = (
            f"INSERT INTO events ({_COLUMNS}) VALUES ({', '.join([self._marker] * 12)})"
        )
        self._driver_integrity_errors = driver_integrity_errors(engine)
        m = self._marker
        self._probe_sql = (
            f"SELECT (SELECT max(version) FROM events WHERE stream = {m}),"
            f" (SELECT dedup_key FROM events WHERE dedup_key = {m}),"
            " h.position, h.hash, h.recorded_at FROM (SELECT 1 AS one) AS o LEFT JOIN"
            " (SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1)"
            " AS h ON 1 = 1"
        )
        # PostgreSQL: the writer's timeouts are set for its transaction in the statement that
        # takes the append lock (one round trip): a writer stuck on a statement cannot hold
        # the lock for ever, and the others give up waiting (and retry) instead of piling up.
        self._lock_sql = (
            f"SELECT set_config('lock_timeout', '{max(1, int(lock_timeout * 1000))}ms', true),"
            f" set_config('statement_timeout', '{max(1, int(statement_timeout * 1000))}ms',"
            f" true), pg_advisory_xact_lock({ADVISORY_LOCK_ID})"
        )
        self._local = threading.local()
        self._conns: list[Connection] = []
        self._conns_lock = threading.Lock()

    # ---- writing -------------------------------------------------------------------------
    def _write_connection(self) -> Connection:
        """This thread's writing connection, kept open: checkout and return cost more than
        the append itself."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect()
            if self._sqlite:
                conn = conn.execution_options(sqlite_immediate=True)
            self._local.conn = conn
            with self._conns_lock:
                self._conns.append(conn)
        return conn

    def _drop_write_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()

    def close(self) -> None:
        with self._conns_lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            with contextlib.suppress(Exception):
                conn.close()

    @contextlib.contextmanager
    def writer(self) -> Iterator[Writer]:
        """One transaction holding the append lock; everything appended commits together."""
        with translate_errors(self.url):
            conn = self._write_connection()
            try:
                with conn.begin():
                    if not self._sqlite:
                        conn.exec_driver_sql(self._lock_sql)
                    writer = Writer(self, conn)
                    yield writer
                if self._anchor is not None and writer.result.recorded:
                    last = writer.result.recorded[-1]
                    self._anchor.write(last.position, last.hash, last.recorded_at)
            except BaseException as exc:
                for projector in self.projectors:
                    forget = getattr(projector, "forget", None)
                    if forget is not None:
                        forget()
                if isinstance(exc, DBAPIError) or not isinstance(exc, Exception):
                    self._drop_write_connection()
                raise

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
        key = self.integrity.require_key() if self.integrity.keyed else None
        # The hot path speaks to the driver directly (inside SQLAlchemy's transaction): Core's
        # statement building costs more than the database work for one small event.
        cur = raw_cursor(conn)
        if len(new_events) == 1:
            existing, versions, head = self._probe_one(cur, new_events[0])
        else:
            existing, versions, head = self._probe_many(cur, new_events)
        if expected_versions:
            for stream, expected in expected_versions.items():
                actual = versions.get(stream, 0)
                if actual != expected:
                    raise ConcurrencyError(
                        f"stream {stream} is at version {actual}, expected {expected}: "
                        "someone else appended first; re-read and retry"
                    )
        position, prev_hash = (head[0], head[1]) if head else (0, ev.GENESIS_HASH)
        # recorded_at never goes backwards along the log (a clock stepped back by NTP included),
        # which lets `position_at` binary-search positions instead of keeping an index.
        recorded_at = self.clock()
        if head is not None and recorded_at < head[2]:
            recorded_at = head[2]
        rows: list[tuple[Any, ...]] = []
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
            metadata = new.metadata
            if key is not None:
                metadata = {**metadata, CHAIN_META: KEYED_CHAIN}
            data_json = canonical_json(new.data)
            meta_json = canonical_json(metadata)
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
                key,
            )
            rows.append(
                (
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
                    prev_hash,
                    digest,
                )
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
                    metadata,
                    new.dedup_key,
                    prev_hash,
                    digest,
                )
            )
            prev_hash = digest
        if rows:
            try:
                if len(rows) == 1:
                    cur.execute(self._insert_sql, rows[0])
                else:
                    cur.executemany(self._insert_sql, rows)
            except self._driver_integrity_errors as exc:
                raise ConcurrencyError(
                    f"append conflicted with another writer on {safe_url(self.url)}: {exc}"
                ) from exc
            for projector in self.projectors:
                projector.apply(conn, recorded)
        result.recorded.extend(recorded)
        return result

    def _probe_one(
        self, cur: Any, new: ev.NewEvent
    ) -> tuple[set[str], dict[str, int], tuple[Any, ...] | None]:
        """Dedup key, stream version and head in one round trip (the one-event append)."""
        cur.execute(self._probe_sql, (new.stream, new.dedup_key))
        version, dup, position, digest, recorded_at = cur.fetchone()
        existing = {dup} if dup is not None else set()
        versions = {new.stream: version} if version else {}
        head = (position, digest, recorded_at) if position is not None else None
        return existing, versions, head

    def _probe_many(
        self, cur: Any, new_events: Sequence[ev.NewEvent]
    ) -> tuple[set[str], dict[str, int], tuple[Any, ...] | None]:
        m = self._marker
        keys = [e.dedup_key for e in new_events if e.dedup_key is not None]
        existing: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            cur.execute(
                f"SELECT dedup_key FROM events WHERE dedup_key IN ({','.join([m] * len(chunk))})",
                chunk,
            )
            existing.update(r[0] for r in cur.fetchall())
        versions = self._stream_versions(cur, {e.stream for e in new_events})
        cur.execute("SELECT position, hash, recorded_at FROM events ORDER BY position DESC LIMIT 1")
        return existing, versions, cur.fetchone()

    def _stream_versions(self, cur: Any, streams: set[str]) -> dict[str, int]:
        m = self._marker
        if len(streams) == 1:
            (stream,) = streams
            cur.execute(f"SELECT max(version) FROM events WHERE stream = {m}", (stream,))
            v = cur.fetchone()[0]
            return {stream: v} if v else {}
        out: dict[str, int] = {}
        ordered = sorted(streams)
        for i in range(0, len(ordered), 500):
            chunk = ordered[i : i + 500]
            # One index probe per stream (max over the unique (stream, version) index), not a
            # GROUP BY that walks every version of every stream.
            values = ", ".join([f"({m})"] * len(chunk))
            cur.execute(
                f"WITH s(name) AS (VALUES {values}) SELECT name, "
                "(SELECT max(version) FROM events WHERE stream = s.name) FROM s",
                chunk,
            )
            out.update((name, v) for name, v in cur.fetchall() if v)
        return out

    def import_recorded(self, recorded: Iterable[ev.RecordedEvent], batch: int = 1000) -> int:
        """Insert an exported log as it is (positions and hashes kept) into an empty store."""
        count = 0
        last: ev.RecordedEvent | None = None
        with self.writer() as w:
            conn = w.conn
            if conn.execute(select(func.count()).select_from(events_table)).scalar():
                raise StoreError("import needs an empty event log (it keeps positions and hashes)")
            chunk: list[ev.RecordedEvent] = []
            for event in recorded:
                if last is not None and event.recorded_at < last.recorded_at:
                    # `position_at` (claims --as-of, replay --until) relies on this order.
                    raise ValidationError(
                        f"position {event.position}: recorded_at {event.recorded_at} is before "
                        f"{last.recorded_at} of position {last.position}: a log's times never "
                        "go back, so time travel over this one would answer wrong"
                    )
                last = event
                chunk.append(event)
                if len(chunk) >= batch:
                    self._insert_recorded(conn, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                self._insert_recorded(conn, chunk)
                count += len(chunk)
        if self._anchor is not None and last is not None:
            self._anchor.write(last.position, last.hash, last.recorded_at)
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
            # An import restores history: projectors with side effects (the outbox) stay out.
            if getattr(projector, "on_import", True):
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
        """The last position recorded at or before a time (ISO 8601 UTC): a binary search,
        since recorded_at never decreases along the log."""
        with translate_errors(self.url), self.engine.connect() as conn:
            cur = raw_cursor(conn)
            m = self._marker
            cur.execute("SELECT max(position) FROM events")
            hi = cur.fetchone()[0] or 0
            lo = 0  # invariant: position lo is at or before the moment (0: before the log)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                cur.execute(f"SELECT recorded_at FROM events WHERE position = {m}", (mid,))
                if cur.fetchone()[0] <= moment:
                    lo = mid
                else:
                    hi = mid - 1
            return lo

    def stream_version(self, stream: str) -> int:
        with translate_errors(self.url), self.engine.connect() as conn:
            return self._stream_versions(raw_cursor(conn), {stream}).get(stream, 0)


def check_new_event(new: ev.NewEvent) -> None:
    """Validate without appending (used to check whole files before anything is written)."""
    if new.type not in ev.CURRENT_VERSIONS:
        raise ValidationError(f"unknown event type {new.type!r}")
    validate_event_data(new.type, new.effective_schema_version, new.data, where=new.stream)
