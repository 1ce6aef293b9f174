"""The composition root: `bootstrap(settings)` builds the adapters; handlers take an `App`.

The one place that wires collaborators: the engine, the store with every projector, the
fetcher's policy, the detector cache and the mail transport all come from here, so the daemon,
`run --once` and every command get the same ones. No import-time effects: nothing connects,
reads or writes until a handler runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect

from .baseline import baseline_events
from .config import Settings
from .errors import StoreError
from .feeds.fetch import Fetcher, FetchPolicy
from .resources import shipped_baseline
from .store.db import make_engine, safe_url, translate_errors
from .store.eventstore import AppendResult, EventStore, Projector
from .store.integrity import Integrity
from .store.migrate import is_current, upgrade
from .store.projections import ClaimsProjector

if TYPE_CHECKING:
    from .notify.transports import Transport
    from .services.diffing import DetectorCache


@dataclass
class App:
    settings: Settings
    engine: Engine
    store: EventStore
    claims_projector: ClaimsProjector
    projectors: list[Projector] = field(default_factory=list)
    _detectors: DetectorCache | None = field(default=None, repr=False)
    _transport: Transport | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def detectors(self) -> DetectorCache:
        """The process's one detector cache (a compiled detector per set of claims)."""
        with self._lock:
            if self._detectors is None:
                from .services.diffing import DetectorCache

                self._detectors = DetectorCache(self.settings)
            return self._detectors

    def make_fetcher(self, *, max_connections: int = 100) -> Fetcher:
        """A fetcher with `[polling]`'s limits and address policy (the caller closes it)."""
        return Fetcher(fetch_policy(self.settings), max_connections=max_connections)

    def transport(self) -> Transport:
        """The mail transport of `[smtp]` (else the Maildir), built once."""
        with self._lock:
            if self._transport is None:
                from .notify.delivery import make_transport

                self._transport = make_transport(self.settings)
            return self._transport

    def close(self) -> None:
        self.store.close()
        self.engine.dispose()


def bootstrap(settings: Settings, extra_projectors: list[Projector] | None = None) -> App:
    """The app with every projector the daemon runs (claims, then feeds and outbox), or with
    the claims projector and ``extra_projectors`` when given."""
    if extra_projectors is None:
        from .wiring import extra_projectors as default_projectors

        extra_projectors = default_projectors(settings)
    engine = make_engine(settings.database_url)
    claims = ClaimsProjector()
    projectors: list[Projector] = [claims, *(extra_projectors or [])]
    integrity = Integrity(
        key=settings.integrity.key(),
        key_env=settings.integrity.key_env,
        anchor_path=settings.integrity.anchor_path,
    )
    store = EventStore(
        engine,
        projectors,
        url=settings.database_url,
        integrity=integrity,
        lock_timeout=settings.lock_timeout,
        statement_timeout=settings.statement_timeout,
    )
    return App(settings, engine, store, claims, projectors)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits and address policy of `[polling]`, for every fetcher of the process."""
    p = settings.polling
    return FetchPolicy(
        timeout_connect=p.connect_timeout,
        timeout_read=p.read_timeout,
        max_bytes=p.max_bytes,
        allow_private=p.allow_private,
    )


def ensure_schema(app: App) -> None:
    """Create or migrate the schema (idempotent)."""
    with translate_errors(app.settings.database_url):
        upgrade(app.engine)


def require_schema(app: App) -> None:
    """Refuse to run on a database that `monitor init` has not prepared."""
    with translate_errors(app.settings.database_url):
        if "events" not in inspect(app.engine).get_table_names():
            raise StoreError(
                f"database {safe_url(app.settings.database_url)} has no monitor schema: "
                "run `monitor init` first"
            )
        if not is_current(app.engine):
            upgrade(app.engine)


def load_baseline(app: App, path: Path) -> AppendResult:
    """Validate the whole file first, then append idempotently (loading twice appends once)."""
    events = baseline_events(path)
    return app.store.append(events)


def init(app: App, with_baseline: bool = True) -> AppendResult | None:
    ensure_schema(app)
    if not with_baseline or not app.settings.load_baseline_on_init:
        return None
    return load_baseline(app, app.settings.baseline_path or shipped_baseline())


def prepare(app: App) -> None:
    """What `run` and `serve` do first: on a database `monitor init` never saw, create the
    schema and load the baseline as `init` does; on an initialised one, only migrate."""
    with translate_errors(app.settings.database_url):
        fresh = "events" not in inspect(app.engine).get_table_names()
    if fresh:
        init(app)
    else:
        ensure_schema(app)
