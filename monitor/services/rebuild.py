"""Rebuilding projections from a replay, and checking an export file before import."""

from __future__ import annotations

from pathlib import Path

from ..app import App
from ..domain import events as ev
from ..domain.hashing import canonical_json, event_hash
from ..errors import ValidationError
from ..jsonl import read_events
from ..schemas import validate_event_data
from .replay import ReplayResult


def rebuild_projections(app: App, result: ReplayResult) -> None:
    """Replace the claims read model by the replayed state, in one locked transaction.

    Other projectors (feeds, reports) rebuild by re-applying the log in pages.
    """
    with app.store.writer() as w:
        app.claims_projector.write_state(w.conn, result.claims, result.position)
        for projector in app.projectors:
            if projector is app.claims_projector or not hasattr(projector, "rebuild"):
                continue
            projector.rebuild(w.conn, app.store)


def verify_file(path: Path) -> int:
    """Check an exported log whole (schemas, positions, chain) before anything is written."""
    prev = ev.GENESIS_HASH
    n = 0
    for n, e in enumerate(read_events(path), start=1):
        where = f"{path}:{n}"
        if e.position != n:
            raise ValidationError(f"{where}: position {e.position}, expected {n}")
        try:
            validate_event_data(e.type, e.schema_version, e.data)
        except ValidationError as exc:
            raise ValidationError(f"{where}: {exc}") from exc
        if e.prev_hash != prev:
            raise ValidationError(f"{where}: prev_hash does not chain onto line {n - 1}")
        digest = event_hash(
            e.prev_hash,
            e.position,
            e.stream,
            e.version,
            e.type,
            e.schema_version,
            e.occurred_at,
            e.recorded_at,
            canonical_json(e.data),
            canonical_json(e.metadata),
            e.dedup_key,
        )
        if digest != e.hash:
            raise ValidationError(f"{where}: hash does not match the event's content")
        prev = e.hash
    return n
