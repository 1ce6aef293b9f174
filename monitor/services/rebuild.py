"""Rebuilding projections from a replay, and checking an export file before import."""

from __future__ import annotations

from pathlib import Path

from ..app import App
from ..jsonl import read_verified
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


def verify_file(path: Path, key: bytes | None = None) -> int:
    """Check an exported log whole (schemas, positions, chain, time order, keyed hashes with
    ``key``) before anything is written."""
    return sum(1 for _ in read_verified(path, key))
