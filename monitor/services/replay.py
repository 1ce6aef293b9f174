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
from ..domain.hashing import CHAIN_META, KEYED_CHAIN, anchor_mac, event_hash
from ..errors import ValidationError
from ..schemas import event_schema_path, fast_validator, validate_event_data
from ..store.eventstore import EventStore
from ..store.integrity import Anchor, read_anchor
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
    keyed_events: int = 0  # events whose hash is an HMAC under the chain key
    macs_checked: bool = False  # True: every keyed event's HMAC was recomputed with the key
    anchors: list[dict[str, Any]] = field(default_factory=list)  # each anchor and its verdict
    notes: list[str] = field(default_factory=list)  # what this verify could not check, and why


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


def _keyed(meta_json: str) -> bool:
    """Whether the event's metadata marks it as keyed (a cheap test first: most are not)."""
    if KEYED_CHAIN not in meta_json:
        return False
    try:
        meta = json.loads(meta_json)
    except ValueError:
        return False
    return isinstance(meta, dict) and meta.get(CHAIN_META) == KEYED_CHAIN


def verify_log(
    store: EventStore,
    until: int | None = None,
    progress: Progress | None = None,
    *,
    anchors: Sequence[Anchor] = (),
) -> ReplayResult:
    """Check every event's schema, stream version, time order and hash, the chain, the keyed
    chain (with the store's key) and the given anchors; fold as it goes. The configured anchor
    file, if any, is one of the anchors."""
    integrity = store.integrity
    checks = list(anchors)
    notes: list[str] = []
    path = integrity.anchor_path
    if path is not None:
        if path.exists():
            checks.append(read_anchor(path))
        else:
            notes.append(f"anchor file {path} does not exist yet: no anchor checked from it")
    result = verify_rows(
        store.iter_rows(0, until),
        progress,
        key=integrity.key,
        key_env=integrity.key_env,
        anchors=checks,
        complete=until is None,
    )
    result.notes[:0] = notes
    return result


def verify_rows(
    rows: Iterable[Sequence[Any]],
    progress: Progress | None = None,
    *,
    key: bytes | None = None,
    key_env: str | None = None,
    anchors: Sequence[Anchor] = (),
    complete: bool = True,
) -> ReplayResult:
    """`verify_log` over rows in the events table's column order (from any source).

    ``key_env`` set means the log is keyed: with ``key``, every keyed event's HMAC is checked,
    an unkeyed event after a keyed one is a rewrite and so is an unkeyed head (``complete``:
    the rows end at the head); without ``key``, the keyed hashes cannot be checked and a note
    says so. Anchors with a position must match there; anchors without one must be some
    event's hash."""
    started = time.perf_counter()
    result = ReplayResult()
    state = result.claims
    prev_hash = ev.GENESIS_HASH
    expected_position = 1
    versions: dict[str, int] = {}
    loads = json.loads
    last_recorded_at = ""
    first_keyed: int | None = None
    unchecked = 0
    head_keyed = False
    by_position = {a.position: a for a in anchors if a.position is not None}
    by_hash = {a.hash: a for a in anchors if a.position is None}
    found: dict[Anchor, int] = {}
    differs: set[Anchor] = set()

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
        if recorded_at < last_recorded_at:
            bad(
                position,
                f"recorded_at {recorded_at} is before the previous event's {last_recorded_at}"
                " (times must never go back: `--as-of` would answer wrong)",
            )
        else:
            last_recorded_at = recorded_at
        keyed = _keyed(meta_json)
        if keyed:
            result.keyed_events += 1
            if first_keyed is None:
                first_keyed = position
        elif first_keyed is not None and key_env is not None:
            bad(position, "not keyed, after keyed events: rewritten without the chain key?")
        head_keyed = keyed
        if keyed and key is None:
            unchecked += 1  # an HMAC cannot be recomputed without the key
        else:
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
                key if keyed else None,
            )
            if digest != row_hash:
                bad(
                    position,
                    "HMAC does not match the event's content (edited, or another key?)"
                    if keyed
                    else "hash does not match the event's content (edited?)",
                )
        anchor = by_position.get(position)
        if anchor is not None:
            found[anchor] = position
            if anchor.hash != row_hash:
                differs.add(anchor)
        anchor = by_hash.get(row_hash)
        if anchor is not None:
            found[anchor] = position
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
    if key_env is not None and key is not None and complete and result.events and not head_keyed:
        bad(
            result.position,
            f"the head is not keyed although integrity.key_env (${key_env}) is set: the keyed "
            "events were rewritten away, or nothing was appended since the key was set",
        )
    if unchecked:
        result.notes.append(
            f"{unchecked} keyed events: their HMACs were NOT checked (only their links): "
            + (f"${key_env} is not set" if key_env else "no integrity.key_env is configured")
        )
    result.macs_checked = bool(result.keyed_events) and not unchecked
    for anchor in anchors:
        position = found.get(anchor)
        verdict: dict[str, Any] = {
            "source": anchor.source,
            "position": anchor.position,
            "hash": anchor.hash,
        }
        if anchor.mac is not None:
            if key is None:
                result.notes.append(f"anchor {anchor.source}: its MAC was NOT checked (no key)")
            elif anchor.mac != anchor_mac(key, anchor.position or 0, anchor.hash):
                verdict["ok"] = False
                result.ok = False
                result.problems.append(f"anchor {anchor.source}: MAC does not match (forged?)")
                result.anchors.append(verdict)
                continue
        if anchor.position is not None and anchor.position > result.position:
            ok = False
            why = f"the log ends at #{result.position}, before {anchor.describe()} (truncated?)"
            if not complete:
                ok, why = True, ""  # verifying a prefix: the anchor lies beyond it
        elif anchor.position is not None:
            ok = position is not None and anchor not in differs
            why = "" if ok else f"the hash at #{anchor.position} differs from {anchor.describe()}"
        else:
            ok = position is not None
            why = "" if ok else f"no event has the hash of {anchor.describe()} (rewritten?)"
        verdict["ok"] = ok
        verdict["found_at"] = position
        result.anchors.append(verdict)
        if not ok:
            result.ok = False
            if result.first_bad_position is None and anchor.position is not None:
                result.first_bad_position = min(anchor.position, result.position + 1)
            result.problems.append(f"anchor: {why}")
    result.seconds = time.perf_counter() - started
    return result
