"""The event store contract, run against SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from monitor.domain import events as ev
from monitor.errors import ConcurrencyError, ValidationError
from monitor.services.replay import fold_log, verify_log
from monitor.store.db import make_engine
from monitor.store.eventstore import EventStore
from monitor.store.migrate import upgrade
from monitor.store.projections import ClaimsProjector, load_claims


def asserted(claim: str, status: str = "rumored", key: str | None = None) -> ev.NewEvent:
    return ev.NewEvent(
        stream=ev.claim_stream(claim),
        type=ev.CLAIM_ASSERTED,
        data={
            "claim": claim,
            "subject": f"Subject {claim}",
            "aliases": [claim],
            "status": status,
            "value": None,
            "quote": "q",
            "source": {"title": "t", "link": "https://x/1"},
        },
        occurred_at="2026-01-01T00:00:00Z",
        metadata={"cause": "baseline"},
        dedup_key=key,
    )


def changed(claim: str, old: str, new: str, key: str | None = None) -> ev.NewEvent:
    return ev.NewEvent(
        stream=ev.claim_stream(claim),
        type=ev.CLAIM_STATUS_CHANGED,
        data={
            "claim": claim,
            "from": old,
            "to": new,
            "evidence": "It was approved.",
            "report": {"key": key or "r", "link": "https://x/2"},
            "confidence": 0.9,
        },
        occurred_at="2026-01-02T00:00:00Z",
        metadata={"cause": "poll"},
        dedup_key=key,
    )


@pytest.fixture
def store(db_url: str) -> EventStore:
    engine = make_engine(db_url)
    upgrade(engine)
    yield EventStore(engine, [ClaimsProjector()], url=db_url)
    engine.dispose()


def test_appended_events_read_back_in_order_with_positions_versions_and_chain(store):
    r = store.append([asserted("a"), asserted("b"), changed("a", "rumored", "approved")])
    assert [e.position for e in r.recorded] == [1, 2, 3]
    assert [e.version for e in r.recorded] == [1, 1, 2]
    back = list(store.read())
    assert [e.hash for e in back] == [e.hash for e in r.recorded]
    assert back[0].prev_hash == ev.GENESIS_HASH
    assert back[1].prev_hash == back[0].hash
    assert back[2].data["to"] == "approved"
    assert store.head() == (3, back[2].hash)


def test_the_claims_projection_follows_in_the_same_transaction(store):
    store.append([asserted("a"), changed("a", "rumored", "approved")])
    with store.engine.connect() as conn:
        claims = load_claims(conn)
    assert claims["a"].status == "approved"
    assert claims["a"].version == 2


def test_a_stale_expected_version_raises_and_appends_nothing(store):
    store.append([asserted("a")])
    with pytest.raises(ConcurrencyError, match="expected 0"):
        store.append([changed("a", "rumored", "approved")], expected_versions={"claim/a": 0})
    assert store.head()[0] == 1


def test_an_existing_dedup_key_appends_nothing_and_is_reported(store):
    first = store.append([asserted("a", key="k1")])
    again = store.append([asserted("a", key="k1"), asserted("b", key="k2")])
    assert len(first.recorded) == 1
    assert [d.dedup_key for d in again.duplicates] == ["k1"]
    assert [e.stream for e in again.recorded] == ["claim/b"]


def test_a_batch_commits_together_or_not_at_all(store):
    bad = changed("a", "rumored", "not-a-status")
    with pytest.raises(ValidationError, match="data.to"):
        store.append([asserted("a"), bad])
    assert store.head()[0] == 0
    with store.engine.connect() as conn:
        assert load_claims(conn) == {}


def test_an_invalid_event_names_the_field(store):
    broken = asserted("a")
    broken.data.pop("subject")
    with pytest.raises(ValidationError, match="subject"):
        store.append([broken])


@pytest.mark.parametrize("statement", ["UPDATE events SET type = 'X'", "DELETE FROM events"])
def test_the_database_refuses_update_and_delete_on_events(store, statement):
    store.append([asserted("a")])
    with pytest.raises(DBAPIError, match="append-only"), store.engine.begin() as conn:
        conn.execute(text(statement))
    assert store.head()[0] == 1


def test_two_threads_appending_get_gapless_non_interleaved_positions(store):
    def writer(prefix: str) -> None:
        for i in range(25):
            store.append([asserted(f"{prefix}{i}"), changed(f"{prefix}{i}", "rumored", "approved")])

    threads = [threading.Thread(target=writer, args=(p,)) for p in ("x", "y")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = list(store.read())
    assert [e.position for e in events] == list(range(1, 101))
    # each batch of two is contiguous: a claim's assert is followed by its change
    for first, second in zip(events[::2], events[1::2], strict=True):
        assert first.stream == second.stream
    assert verify_log(store).ok


def test_fold_equals_the_projection(store):
    store.append([asserted("a"), asserted("b", "expected"), changed("a", "rumored", "approved")])
    with store.engine.connect() as conn:
        projected = load_claims(conn)
    assert fold_log(store).claims == projected


@pytest.mark.postgres
def test_a_tailing_reader_never_misses_an_event_committed_late(postgres_url):
    engine = make_engine(postgres_url)
    upgrade(engine)
    store = EventStore(engine, [ClaimsProjector()], url=postgres_url)
    store.append([asserted("seed")])
    seen: list[int] = []
    stop = threading.Event()

    def tail() -> None:
        last = 0
        while not stop.is_set():
            for e in store.read(last):
                seen.append(e.position)
                last = e.position
            time.sleep(0.005)
        for e in store.read(last):
            seen.append(e.position)

    reader = threading.Thread(target=tail)
    reader.start()
    slow_started = threading.Event()

    def slow_writer() -> None:
        with store.writer() as w:
            slow_started.set()
            w.append([asserted("slow")])
            time.sleep(0.3)  # commits later than the fast writers queued behind it

    def fast_writer(i: int) -> None:
        slow_started.wait()
        store.append([asserted(f"fast{i}")])

    threads = [threading.Thread(target=slow_writer)] + [
        threading.Thread(target=fast_writer, args=(i,)) for i in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    time.sleep(0.05)
    stop.set()
    reader.join()
    assert seen == list(range(1, 8))
    engine.dispose()
