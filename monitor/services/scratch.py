"""A baseline as a user loads it, in a throw-away database: what `monitor eval --baseline` scores
against (the same validation, events and fold as `monitor init --no-baseline && monitor baseline
load FILE`, with nothing left behind)."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from ..app import bootstrap, ensure_schema, load_baseline
from ..config import Settings
from ..domain.claims import Claim
from .claims import current_claims


def claims_in_scratch_database(settings: Settings, baseline: Path) -> dict[str, Claim]:
    """Load `baseline` into a new SQLite file and read the claims back from its projection."""
    with tempfile.TemporaryDirectory(prefix="monitor-eval-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
        app = bootstrap(dataclasses.replace(settings, database_url=url))
        try:
            ensure_schema(app)
            load_baseline(app, baseline)
            return current_claims(app)
        finally:
            app.close()
