"""Replay: fold the log into claim state (streamed, flat memory), verify the chain, rebuild.

The fold reads only the columns it needs, and parses an event's JSON only for the event types
whose payload changes a claim (a corroboration is counted, not read).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import fastjsonschema

from ..domain import events as ev
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
    state: ClaimState = {}
    get = state.get
    n = 0
    position = 0
    head = ev.GENESIS_HASH
    loads = json.loads
    for row in store.iter_rows(
        0, until, columns="position, stream, version, type, recorded_at, data, schema_version, hash"
    ):
        n += 1
        position, stream, version, type_ = row[0], row[1], row[2], row[3]
        head = row[7]
        if progress is not None and n % 10000 == 0:
            progress(n)
        if not stream.startswith("claim/"):
            continue
        cid = stream[6:]
        if type_ in _NEEDS_DATA:
            schema_version, data = upcast(type_, row[6], loads(row[5]))
        else:
            data = _EMPTY
        new = evolve_claim(get(cid), type_, data, position, version, row[4])
        if new is not None:
            state[cid] = new
    if progress is not None:
        progress(n)
    return ReplayResult(
        events=n,
        position=position,
        head_hash=head,
        claims=state,
        seconds=time.perf_counter() - started,
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
