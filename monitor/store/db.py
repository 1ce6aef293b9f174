"""Engines for SQLite (the embedded default) and PostgreSQL, and their error translation."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from ..errors import LockTimeoutError, StoreError

DEFAULT_URL = "sqlite:///monitor.db"
BUSY_TIMEOUT_MS = 30_000
# Tests of a long-held lock lower the wait; not a config key (operators have no need for it).
BUSY_TIMEOUT_ENV = "MONITOR_SQLITE_BUSY_TIMEOUT_MS"


def busy_timeout_ms() -> int:
    """How long a SQLite statement waits for another writer's lock before failing."""
    value = os.environ.get(BUSY_TIMEOUT_ENV, "")
    return int(value) if value.isdigit() else BUSY_TIMEOUT_MS


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DBAPI objects
    # Transactions are begun by us (BEGIN or BEGIN IMMEDIATE), not by the driver.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-16384")  # 16 MiB: a large log's indexes stay hot
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # Writers take the write lock up front, so two writers never deadlock upgrading a read lock.
    raw = conn.connection.driver_connection
    raw.execute(
        "BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else "BEGIN"
    )


def make_engine(url: str = DEFAULT_URL, *, echo: bool = False) -> Engine:
    """An engine for the URL; a SQLite file's folder must exist (the file is created)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"invalid database URL {url!r}: {exc}") from exc
    if parsed.drivername.startswith("postgresql") and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername.startswith("sqlite"):
        db = parsed.database
        if db and db != ":memory:" and not Path(db).parent.exists():
            raise StoreError(f"database folder does not exist: {Path(db).parent}")
        engine = create_engine(parsed, echo=echo)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        return create_engine(parsed, echo=echo, pool_pre_ping=True, pool_size=10)
    except Exception as exc:  # missing driver, bad options
        raise StoreError(f"cannot use database {safe_url(url)}: {exc}") from exc


def _timeout_kind(exc: DBAPIError) -> str | None:
    """Which writer timeout an error is, if any: the lock (PostgreSQL 55P03, SQLite busy) or
    a statement (PostgreSQL 57014)."""
    state = getattr(exc.orig, "sqlstate", None)
    if state == "55P03":
        return "another writer held the lock past database.lock_timeout"
    if state == "57014":
        return "a statement ran past database.statement_timeout"
    if "database is locked" in str(exc.orig):
        return "another writer held the lock past the busy timeout"
    return None


@contextlib.contextmanager
def translate_errors(url: str) -> Iterator[None]:
    """Turn driver errors into StoreError naming the database (never its password)."""
    try:
        yield
    except OperationalError as exc:
        timeout = _timeout_kind(exc)
        if timeout is not None:
            raise LockTimeoutError(f"database {safe_url(url)}: {timeout}: {exc.orig}") from exc
        raise StoreError(f"database {safe_url(url)} unavailable: {exc.orig}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreError(f"lost connection to {safe_url(url)}: {exc.orig}") from exc
        raise
