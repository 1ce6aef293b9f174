"""Queries and commands on claims: current and past state, history, corrections."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from ..app import App
from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.statuses import is_status
from ..errors import UnknownClaimError, ValidationError
from ..store.db import translate_errors
from ..store.projections import load_claims
from ..store.tables import claims as claims_table
from .replay import fold_log


def current_claims(app: App) -> dict[str, Claim]:
    with translate_errors(app.settings.database_url), app.engine.connect() as conn:
        return load_claims(conn)


def claims_as_of(app: App, moment: str) -> dict[str, Claim]:
    """What the log believed at a time: the fold of every event recorded until then."""
    return fold_log(app.store, until=app.store.position_at(moment)).claims


def require_claim(app: App, claim_id: str) -> Claim:
    with translate_errors(app.settings.database_url), app.engine.connect() as conn:
        found = load_claims(conn, [claim_id]).get(claim_id)
        if found is None:
            known = sorted(conn.execute(select(claims_table.c.id)).scalars())
    if found is None:
        hint = f" (known: {', '.join(known[:30])})" if known else " (no claims: load a baseline)"
        raise UnknownClaimError(f"unknown claim id {claim_id!r}{hint}")
    return found


def history(app: App, claim_id: str) -> list[ev.RecordedEvent]:
    require_claim(app, claim_id)
    return app.store.read_stream(ev.claim_stream(claim_id))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def correct(
    app: App,
    claim_id: str,
    *,
    status: str | None,
    value: str | None,
    reason: str,
    by: str = "",
    clear_value: bool = False,
) -> ev.RecordedEvent:
    """A person's override, appended with optimistic concurrency on the claim's stream."""
    if status is None and value is None and not clear_value:
        raise ValidationError("a correction needs --status and/or --value")
    if status is not None and not is_status(status):
        raise ValidationError(f"--status: {status!r} is not a status of the vocabulary")
    if not reason.strip():
        raise ValidationError("--reason: a correction needs a reason")
    claim = require_claim(app, claim_id)
    data = {
        "claim": claim_id,
        "status": status,
        "from_status": claim.status,
        "from_value": claim.value,
        "reason": reason,
        "by": by,
    }
    if value is not None or clear_value:
        data["value"] = value
    event = ev.NewEvent(
        stream=ev.claim_stream(claim_id),
        type=ev.CLAIM_CORRECTED,
        data=data,
        occurred_at=now_iso(),
        metadata={"cause": "person"},
    )
    result = app.store.append([event], expected_versions={event.stream: claim.version})
    return result.recorded[0]
