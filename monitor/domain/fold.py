"""The fold: claim state is what you get by applying every claim event, oldest first.

`evolve` is pure and total: an event of a type it does not know leaves the state as it was, so
feed and report events can share the log with claim events.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from . import events as ev
from .claims import Claim, Source

ClaimState = dict[str, Claim]


def _asserted(data: Mapping[str, Any], position: int, version: int, at: str) -> Claim:
    src = data.get("source") or {}
    return Claim(
        id=data["claim"],
        subject=data["subject"],
        status=data["status"],
        value=data.get("value"),
        aliases=tuple(data.get("aliases") or ()),
        lookalikes=tuple(data.get("lookalikes") or ()),
        quote=data.get("quote") or "",
        source=Source.from_json(src),
        version=version,
        updated_at=at,
        position=position,
        evidence=data.get("quote") or "",
        evidence_link=src.get("link") or "",
    )


def evolve_claim(
    claim: Claim | None,
    type_: str,
    data: Mapping[str, Any],
    position: int,
    version: int,
    at: str,
) -> Claim | None:
    """The claim after one event of its stream (None while it has not been asserted)."""
    if type_ == ev.CLAIM_ASSERTED:
        return _asserted(data, position, version, at)
    if claim is None:
        return None
    status, value, corroborations = claim.status, claim.value, claim.corroborations
    evidence, evidence_link = claim.evidence, claim.evidence_link
    if type_ == ev.CLAIM_STATUS_CHANGED:
        status = data["to"]
        evidence = data.get("evidence") or ""
        evidence_link = (data.get("report") or {}).get("link") or ""
    elif type_ == ev.CLAIM_VALUE_CHANGED:
        value = data["to"]
        evidence = data.get("evidence") or evidence
        evidence_link = (data.get("report") or {}).get("link") or evidence_link
    elif type_ == ev.CLAIM_CORROBORATED:
        corroborations += 1
    elif type_ == ev.CLAIM_CORRECTED:
        if data.get("status") is not None:
            status = data["status"]
        if "value" in data:
            value = data["value"]
        evidence = data.get("reason") or ""
        evidence_link = ""
    elif type_ == ev.CHANGE_SUSPECTED:
        pass  # kept for review; not treated as fact
    else:
        return claim
    return Claim(
        id=claim.id,
        subject=claim.subject,
        status=status,
        value=value,
        aliases=claim.aliases,
        lookalikes=claim.lookalikes,
        quote=claim.quote,
        source=claim.source,
        version=version,
        updated_at=at,
        position=position,
        corroborations=corroborations,
        evidence=evidence,
        evidence_link=evidence_link,
    )


def claim_id_of(stream: str) -> str | None:
    return stream[6:] if stream.startswith("claim/") else None


def evolve(state: ClaimState, event: ev.RecordedEvent) -> ClaimState:
    """Apply one recorded event to the state, in place, and return it (replay is a hot loop)."""
    claim_id = claim_id_of(event.stream)
    if claim_id is None:
        return state
    new = evolve_claim(
        state.get(claim_id),
        event.type,
        event.data,
        event.position,
        event.version,
        event.recorded_at,
    )
    if new is not None:
        state[claim_id] = new
    return state


def fold(events: Iterable[ev.RecordedEvent], state: ClaimState | None = None) -> ClaimState:
    state = {} if state is None else state
    for event in events:
        evolve(state, event)
    return state
