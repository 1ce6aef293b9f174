"""Shared fixtures: real SQLite files, and a fresh real PostgreSQL database per test.

PostgreSQL tests run when MONITOR_TEST_POSTGRES_URL is set (CI sets it) and fail loudly if the
server cannot be reached; without it they are skipped on a laptop and fail when CI is set
(`.ci/run` sets CI=1). Every test that uses PostgreSQL carries the `postgres` marker.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

PG_ENV = "MONITOR_TEST_POSTGRES_URL"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def shared_path(relative: str) -> Path:
    """A file of ../shared; missing is a failure in CI, a skip elsewhere."""
    path = SHARED / relative
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing (CI must have ../shared beside the checkout)")
        pytest.skip(f"{path} not present")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'monitor.db'}"


def _admin_url(base: str) -> str:
    url = make_url(base)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    base = os.environ.get(PG_ENV)
    if not base:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} not set: CI must run the PostgreSQL tests")
        pytest.skip(f"{PG_ENV} not set")
    admin = create_engine(_admin_url(base), isolation_level="AUTOCOMMIT")
    name = f"monitor_t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # never skip when CI asked for PostgreSQL
        admin.dispose()
        pytest.fail(f"PostgreSQL at {base} unreachable: {exc}")
    url = make_url(_admin_url(base)).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Run a test against every storage backend (the contract suite)."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for PostgreSQL is marked so (``-m postgres`` selects it, whoever
    forgot the decorator)."""
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("db_url") == "sqlite":
                continue
            item.add_marker(pytest.mark.postgres)
