"""How a cycle's polls are scheduled and what they share: the host-aware queue, grouped small
writes, HTTP keep-alive, and parsing in a child process. Real loopback servers and a real store.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpcore
import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, make_app, rss
from sqlalchemy import select

from monitor.daemon import run_once
from monitor.feeds.fetch import Fetcher
from monitor.feeds.politeness import HostGate, HostQueue
from monitor.services.feeds import get_feed, subscribe
from monitor.services.poll import PARSE_OFFLOAD_BYTES, Poller
from monitor.store.tables import feed_state

DULL = "Dealers in Europe expect the first customer cars to arrive later in the year."


# ---- HostQueue ------------------------------------------------------------------------------


def test_the_queue_never_hands_out_two_items_of_one_host_at_once() -> None:
    queue: HostQueue[str] = HostQueue(lambda url: url)
    for url in ["http://a.example/1", "http://a.example/2", "http://b.example/1"]:
        queue.put(url)
    queue.seal()
    first = queue.take()
    second = queue.take()
    assert first is not None and second is not None
    assert {first.host, second.host} == {"a.example", "b.example"}
    assert queue.take(timeout=0.05) is None  # a.example's second item waits for its host
    (first if first.host == "a.example" else second).release()
    third = queue.take(timeout=1)
    assert third is not None and third.item == "http://a.example/2"
    third.release()
    third.release()  # idempotent
    assert queue.take() is None  # sealed and empty


def test_the_queue_waits_out_a_hosts_gap_and_hands_out_deferred_hosts_at_once() -> None:
    gate = HostGate(min_gap=0.3)
    queue: HostQueue[str] = HostQueue(lambda url: url, gate, max_wait=30)
    with gate.slot("http://a.example/0"):
        pass  # a.example may be asked again in 0.3 s
    gate.defer("http://c.example/0", 600)  # Retry-After: its polls reschedule themselves
    for url in ["http://a.example/1", "http://b.example/1", "http://c.example/1"]:
        queue.put(url)
    hosts = [queue.take(timeout=1), queue.take(timeout=1)]
    assert sorted(t.host for t in hosts if t) == ["b.example", "c.example"]
    started = time.monotonic()
    late = queue.take(timeout=2)
    assert late is not None and late.host == "a.example"
    assert time.monotonic() - started >= 0.2


def test_closing_the_queue_ends_every_take() -> None:
    queue: HostQueue[str] = HostQueue(lambda url: url)
    results: list[object] = []
    waiter = threading.Thread(target=lambda: results.append(queue.take()))
    waiter.start()
    time.sleep(0.05)
    queue.put("http://a.example/1")  # taken by the waiter
    waiter.join(timeout=2)
    queue.put("http://a.example/2")
    queue.close()
    assert queue.take() is None and len(queue) == 0
    assert results and results[0] is not None


# ---- a cycle ---------------------------------------------------------------------------------


@pytest.fixture
def hosts() -> Iterator[list[FeedServer]]:
    servers = [FeedServer(host=f"127.0.0.{i}").start() for i in (1, 2, 3, 4)]
    try:
        yield servers
    finally:
        for srv in servers:
            srv.stop()


def test_every_host_is_kept_busy_at_once(sqlite_url: str, hosts: list[FeedServer]) -> None:
    """4 hosts x 5 feeds, 0.1 s per response: one host takes 0.5 s, the cycle barely more."""
    app = make_app(sqlite_url, workers=4)
    for n, srv in enumerate(hosts):
        for k in range(5):
            path = f"/f{k}.xml"
            items = [Item(f"h{n}-f{k}", "News", DULL)]
            srv.set(path, rss(items), {**RSS_HEADERS, "ETag": f'"{n}-{k}"'}, latency=0.1)
            subscribe(app, srv.url(path))
    assert run_once(app, deliver=False).to_json()["totals"]["new"] == 20
    started = time.monotonic()
    again = run_once(app, deliver=False)
    elapsed = time.monotonic() - started
    assert all(o.not_modified for o in again.outcomes)
    assert elapsed < 1.5, elapsed  # serial per host would be 2 s and more
    for srv in hosts:
        spans = sorted(r.started for r in srv.requests)
        # One request at a time per host: each starts a latency after the previous one.
        assert all(b - a >= 0.09 for a, b in zip(spans, spans[1:], strict=False))
    with app.engine.connect() as conn:
        assert set(conn.execute(select(feed_state.c.lease_owner)).scalars()) == {None}


def test_a_304_reuses_the_hosts_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    connects: list[object] = []
    real = httpcore._sync.connection.HTTPConnection._connect

    def counting(self, request):  # noqa: ANN001, ANN202
        connects.append(request)
        return real(self, request)

    monkeypatch.setattr(httpcore._sync.connection.HTTPConnection, "_connect", counting)
    with FeedServer() as srv, Fetcher() as fetcher:
        srv.set("/a.xml", rss([Item("a", "t", DULL)]), {**RSS_HEADERS, "ETag": '"v1"'})
        srv.set("/gone.xml", b"oops", {"Content-Type": "text/plain"}, status=500)
        assert fetcher.fetch(srv.url("/a.xml")).status == 200
        for _ in range(3):
            assert fetcher.fetch(srv.url("/a.xml"), '"v1"').not_modified
            assert fetcher.fetch(srv.url("/gone.xml")).status == 500
    assert len(connects) == 1


def test_a_large_feed_is_parsed_in_a_child_process_with_the_same_result(
    sqlite_url: str,
) -> None:
    app = make_app(sqlite_url)
    items = [Item(f"big-{j}", f"News {j}", f"{DULL} Item {j}.") for j in range(60)]
    body = rss(items)
    assert len(body) >= PARSE_OFFLOAD_BYTES
    with FeedServer() as srv:
        srv.set("/big.xml", body, RSS_HEADERS)
        fid, _ = subscribe(app, srv.url("/big.xml"))
        inline, offloaded = Poller(app, parse_processes=0), Poller(app, parse_processes=1)
        try:
            expected = inline._parse(body, RSS_HEADERS, srv.url("/big.xml"), 10_000)
            assert offloaded._parse(body, RSS_HEADERS, srv.url("/big.xml"), 10_000) == expected
            assert offloaded._parsers is not None  # it really went to a child
            # A child that dies (OOM killer, a signal) costs nothing but the parallelism.
            for process in list(offloaded._parsers._processes.values()):
                process.kill()
            outcome = offloaded.poll(get_feed(app, fid))
            assert (outcome.error, outcome.new) == (None, 60)
        finally:
            inline.close()
            offloaded.close()


def test_small_writes_of_concurrent_polls_share_transactions(sqlite_url: str) -> None:
    """Leases and 304 states of many polls at once: each feed's own conditions still hold."""
    app = make_app(sqlite_url, workers=16)
    with FeedServer() as srv:
        for k in range(16):
            srv.set(f"/f{k}.xml", rss([Item(f"f{k}", "t", DULL)]), {**RSS_HEADERS, "ETag": '"1"'})
            subscribe(app, srv.url(f"/f{k}.xml"))
        poller = Poller(app)
        transactions = 0
        real = poller._txn

        def counting():  # noqa: ANN202
            nonlocal transactions
            transactions += 1
            return real()

        poller._txn = counting  # type: ignore[method-assign]
        poller._batch._txn = counting
        try:
            run_once(app, poller, deliver=False)
            transactions = 0
            again = run_once(app, poller, deliver=False)
        finally:
            poller.close()
    assert all(o.not_modified for o in again.outcomes)
    assert transactions < 2 * 16  # one lease and one state write per feed, grouped
    with app.engine.connect() as conn:
        rows = conn.execute(select(feed_state.c.lease_owner, feed_state.c.last_status)).all()
    assert set(rows) == {(None, 304)}
