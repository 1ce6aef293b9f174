"""Properties of the fold and the hash chain (hypothesis), on the pure core and real logs."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.domain import events as ev
from monitor.domain.fold import fold
from monitor.domain.hashing import canonical_json, event_hash
from monitor.domain.statuses import STATUSES
from monitor.resources import schemas_dir
from monitor.services.replay import fold_log, verify_log, verify_rows
from monitor.store.db import make_engine
from monitor.store.eventstore import EventStore
from monitor.store.migrate import upgrade
from monitor.store.projections import ClaimsProjector

CLAIMS = ["a", "b", "c"]


def asserted(cid: str) -> tuple[str, dict]:
    return ev.CLAIM_ASSERTED, {
        "claim": cid,
        "subject": f"S {cid}",
        "aliases": [cid],
        "status": "rumored",
        "value": None,
        "quote": "q",
        "source": {"title": "t", "link": "https://x"},
    }


step = st.tuples(
    st.sampled_from(CLAIMS),
    st.sampled_from(["change", "value", "corroborate", "correct", "suspect"]),
    st.sampled_from(STATUSES),
    st.sampled_from([None, "2027", "2028-H2", "2029-03"]),
)


def build_chain(steps) -> list[ev.RecordedEvent]:
    """A valid recorded log, hashed exactly as the store hashes."""
    out: list[ev.RecordedEvent] = []
    versions: dict[str, int] = {}
    status = {c: "rumored" for c in CLAIMS}
    prev = ev.GENESIS_HASH
    items = [(c, "assert", None, None) for c in CLAIMS] + list(steps)
    for n, (cid, kind, new_status, value) in enumerate(items, start=1):
        base = {"claim": cid, "evidence": "e", "report": {"key": f"r{n}"}, "confidence": 0.9}
        if kind == "assert":
            t, data = asserted(cid)
        elif kind == "change":
            t, data = ev.CLAIM_STATUS_CHANGED, {**base, "from": status[cid], "to": new_status}
            status[cid] = new_status
        elif kind == "value":
            t, data = ev.CLAIM_VALUE_CHANGED, {**base, "from": None, "to": value}
        elif kind == "corroborate":
            t, data = ev.CLAIM_CORROBORATED, {**base, "status": status[cid]}
        elif kind == "suspect":
            t, data = (
                ev.CHANGE_SUSPECTED,
                {**base, "from": status[cid], "to": new_status, "confidence": 0.4},
            )
        else:
            t, data = (
                ev.CLAIM_CORRECTED,
                {"claim": cid, "status": new_status, "reason": "r", "from_status": status[cid]},
            )
            status[cid] = new_status
        stream = ev.claim_stream(cid)
        versions[stream] = versions.get(stream, 0) + 1
        at = f"2026-01-01T00:00:{n % 60:02d}.000000Z"
        h = event_hash(
            prev,
            n,
            stream,
            versions[stream],
            t,
            1,
            at,
            at,
            canonical_json(data),
            canonical_json({}),
            None,
        )
        out.append(
            ev.RecordedEvent(n, stream, versions[stream], t, 1, at, at, data, {}, None, prev, h)
        )
        prev = h
    return out


def rows_of(events: list[ev.RecordedEvent]) -> list[tuple]:
    return [
        (
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
            e.prev_hash,
            e.hash,
        )
        for e in events
    ]


def test_the_status_vocabulary_is_defined_once_and_the_schema_agrees():
    common = json.loads((schemas_dir() / "common.schema.json").read_text())
    assert tuple(common["$defs"]["status"]["enum"]) == STATUSES
    seed = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "CLAIMS.md"
    if seed.exists():
        table = seed.read_text().split("## Status vocabulary")[1]
        listed = [
            line.split("|")[1].strip()
            for line in table.splitlines()
            if line.startswith("| ") and not line.startswith("| status")
        ]
        assert tuple(listed) == STATUSES


@given(st.lists(step, max_size=40))
def test_the_fold_is_deterministic(steps):
    log = build_chain(steps)
    assert fold(log) == fold(list(log))


@given(st.lists(step, max_size=40), st.integers(min_value=0, max_value=45))
def test_replaying_a_prefix_equals_the_state_at_that_point(steps, cut):
    log = build_chain(steps)
    cut = min(cut, len(log))
    state = {}
    for i, e in enumerate(log, start=1):
        fold([e], state)
        if i == cut:
            snapshot = dict(state)
    if cut == 0:
        snapshot = {}
    assert fold(log[:cut]) == snapshot
    assert verify_rows(rows_of(log[:cut])).claims == snapshot


@given(st.lists(step, min_size=1, max_size=30), st.data())
def test_any_edited_deleted_or_reordered_event_fails_verify(steps, data):
    log = build_chain(steps)
    rows = rows_of(log)
    assert verify_rows(rows).ok
    i = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    how = data.draw(st.sampled_from(["edit", "delete", "swap"]))
    tampered = list(rows)
    if how == "edit":
        row = list(tampered[i])
        row[7] = row[7].replace('"claim"', '"claim" ', 1) if '"claim"' in row[7] else row[7] + " "
        tampered[i] = tuple(row)
    elif how == "delete":
        if i == len(rows) - 1 and i > 0:
            i -= 1  # deleting the head leaves a valid shorter log; delete inside it instead
        if len(rows) == 1:
            return
        del tampered[i]
    else:
        j = i + 1 if i + 1 < len(rows) else i - 1
        if j < 0:
            return
        tampered[i], tampered[j] = tampered[j], tampered[i]
    result = verify_rows(tampered)
    assert not result.ok
    assert result.first_bad_position is not None


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(step, max_size=25))
def test_export_then_import_round_trips_through_a_real_store(tmp_path_factory, steps):
    log = build_chain(steps)
    folder = tmp_path_factory.mktemp("rt")
    url = f"sqlite:///{folder / 'a.db'}"
    engine = make_engine(url)
    upgrade(engine)
    store = EventStore(engine, [ClaimsProjector()], url=url)
    store.import_recorded(log)
    back = list(store.read())
    assert [e.to_json() for e in back] == [e.to_json() for e in log]
    assert verify_log(store).ok
    assert fold_log(store).claims == fold(log)
    store.close()
    engine.dispose()


@given(st.lists(step, max_size=60))
def test_the_replay_fast_path_equals_the_domain_fold(steps):
    from monitor.services.replay import fold_rows

    log = build_chain(steps)
    rows = [
        (
            e.position,
            e.stream,
            e.version,
            e.type,
            e.recorded_at,
            canonical_json(e.data),
            e.schema_version,
        )
        for e in log
    ]
    assert fold_rows(rows) == fold(log)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_canonical_json_spells_values_as_json_dumps_does(value):
    """The hash chain's canonical form is json.dumps's, byte for byte (logs written before the
    encoder was built once must still verify)."""
    expected = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(value) == expected
