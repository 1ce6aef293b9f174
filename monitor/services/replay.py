"""Replay: fold the log into claim state (streamed, flat memory), verify the chain, rebuild.

The fold reads only the columns it needs, and parses an event's JSON only for the event types
whose payload changes a claim (a corroboration is counted, not read).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import fastjsonschema

from ..domain import events as ev
from ..domain.claims import Claim
from ..domain.fold import ClaimState, evolve_claim
from ..domain.hashing import event_hash
from ..errors import ValidationError
from ..schemas import event_schema_path, fast_validator, validate_event_data
from ..store.eventstore import EventStore
from ..store.upcasting import upcast

_NEEDS_DATA = frozenset(
    {ev.CLAIM_ASSERTED, ev.CLAIM_STATUS_CHANGED, ev.CLAIM_VALUE_CHANGED, ev.CLAIM_CORRECTED}
)
_EMPTY: dict = {}

Progress = Callable[[int], None]


@dataclass
class ReplayResult:
    events: int = 0
    position: int = 0
    head_hash: str = ev.GENESIS_HASH
    claims: ClaimState = field(default_factory=dict)
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    first_bad_position: int | None = None
    seconds: float = 0.0


def fold_log(
    store: EventStore, until: int | None = None, progress: Progress | None = None
) -> ReplayResult:
    """The claim state as of position `until` (the whole log when None)."""
    started = time.perf_counter()
    rows = store.iter_rows(
        0, until, columns="position, stream, version, type, recorded_at, data, schema_version, hash"
    )
    tally = _Tally()
    state = fold_rows(rows, progress, tally)
    return ReplayResult(
        events=tally.events,
        position=tally.position,
        head_hash=tally.head,
        claims=state,
        seconds=time.perf_counter() - started,
    )


_LIGHT = frozenset({ev.CLAIM_CORROBORATED, ev.CHANGE_SUSPECTED})


@dataclass
class _Tally:
    events: int = 0
    position: int = 0
    head: str = ev.GENESIS_HASH


def fold_rows(
    rows: Iterable[Sequence[Any]], progress: Progress | None = None, tally: _Tally | None = None
) -> ClaimState:
    """`fold` over rows (position, stream, version, type, recorded_at, data, schema_version
    [, hash]).

    The hot loop of replay. Corroborations and suspected changes only move a claim's version,
    time and count, so they are gathered per claim and applied once, before the claim's next
    content-changing event or at the end; the result equals `domain.fold.fold` (a property
    test checks).
    """
    state: ClaimState = {}
    pending: dict[str, list[Any]] = {}  # claim -> [version, position, at, corroborations]
    loads = json.loads
    corroborated = ev.CLAIM_CORROBORATED
    light = _LIGHT
    needs_data = _NEEDS_DATA
    n = 0
    row: Sequence[Any] = ()
    for row in rows:
        n += 1
        if progress is not None and not n % 10000:
            progress(n)
        stream = row[1]
        if stream[:6] != "claim/":
            continue
        cid = stream[6:]
        type_ = row[3]
        if type_ in light:
            p = pending.get(cid)
            if p is None:
                pending[cid] = [row[2], row[0], row[4], 1 if type_ == corroborated else 0]
            else:
                p[0] = row[2]
                p[1] = row[0]
                p[2] = row[4]
                if type_ == corroborated:
                    p[3] += 1
            continue
        claim = state.get(cid)
        p = pending.pop(cid, None)
        if p is not None and claim is not None:
            claim = _touched(claim, p)
        if type_ in needs_data:
            _, data = upcast(type_, row[6], loads(row[5]))
        else:
            data = _EMPTY
        new = evolve_claim(claim, type_, data, row[0], row[2], row[4])
        if new is not None:
            state[cid] = new
    for cid, p in pending.items():
        claim = state.get(cid)
        if claim is not None:
            state[cid] = _touched(claim, p)
    if progress is not None:
        progress(n)
    if tally is not None and n:
        tally.events = n
        tally.position = row[0]
        tally.head = row[7] if len(row) > 7 else tally.head
    return state


def _touched(claim: Claim, p: list[Any]) -> Claim:
    return replace(
        claim,
        version=p[0],
        position=p[1],
        updated_at=p[2],
        corroborations=claim.corroborations + p[3],
    )


def verify_log(
    store: EventStore, until: int | None = None, progress: Progress | None = None
) -> ReplayResult:
    """Check every event's schema, stream version and hash, and the chain; fold as it goes."""
    return verify_rows(store.iter_rows(0, until), progress)


def verify_rows(rows: Iterable[Sequence[Any]], progress: Progress | None = None) -> ReplayResult:
    """`verify_log` over rows in the events table's column order (from any source)."""
    started = time.perf_counter()
    result = ReplayResult()
    state = result.claims
    prev_hash = ev.GENESIS_HASH
    expected_position = 1
    versions: dict[str, int] = {}
    loads = json.loads

    def bad(position: int, why: str) -> None:
        result.ok = False
        if result.first_bad_position is None:
            result.first_bad_position = position
        if len(result.problems) < 20:
            result.problems.append(f"position {position}: {why}")

    for row in rows:
        (
            position,
            stream,
            version,
            type_,
            schema_version,
            occurred_at,
            recorded_at,
            data_json,
            meta_json,
            dedup_key,
            row_prev,
            row_hash,
        ) = row
        result.events += 1
        if progress is not None and result.events % 10000 == 0:
            progress(result.events)
        if position != expected_position:
            bad(position, f"gap: expected position {expected_position}")
        expected_position = position + 1
        if row_prev != prev_hash:
            bad(position, "prev_hash does not match the previous event's hash")
        digest = event_hash(
            row_prev,
            position,
            stream,
            version,
            type_,
            schema_version,
            occurred_at,
            recorded_at,
            data_json,
            meta_json,
            dedup_key,
        )
        if digest != row_hash:
            bad(position, "hash does not match the event's content (edited?)")
        expected_version = versions.get(stream, 0) + 1
        if version != expected_version:
            bad(position, f"{stream} version {version}, expected {expected_version}")
        versions[stream] = version
        try:
            data = loads(data_json)
            loads(meta_json)
            try:
                fast_validator(event_schema_path(type_, schema_version))(data)
            except fastjsonschema.JsonSchemaException:
                validate_event_data(type_, schema_version, data)
        except (ValueError, ValidationError) as exc:
            bad(position, f"invalid {type_}: {exc}")
            data = None
        prev_hash = row_hash
        result.position = position
        if data is not None and stream.startswith("claim/"):
            cid = stream[6:]
            _, data = upcast(type_, schema_version, data)
            new = evolve_claim(state.get(cid), type_, data, position, version, recorded_at)
            if new is not None:
                state[cid] = new
    if progress is not None:
        progress(result.events)
    result.head_hash = prev_hash
    result.seconds = time.perf_counter() - started
    return result
