"""The poll path end to end: a real loopback HTTP server, a real SQLite (or PostgreSQL) store,
the real fetcher, parser, detector and event store; nothing of ours is mocked.

Each test checks what the issue asks of polling: the log records news, not heartbeats; a
feed's health is a state with one event per change; a report and the claim events it causes
commit together; hostile documents end as recorded reports or a recorded feed error.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feeds_server import RSS_HEADERS, FeedServer, Item, make_app, rss
from sqlalchemy import select

from monitor.app import App
from monitor.daemon import run_once
from monitor.domain import events as ev
from monitor.services.feeds import FeedView, get_feed, list_feeds, subscribe, sync_config_feeds
from monitor.services.poll import Poller, PollOutcome
from monitor.services.replay import fold_log, verify_log
from monitor.store.projections import load_claims
from monitor.store.tables import feed_state

APPROVE = "BMW has officially approved the i4 Convertible (NA3) for production."
DULL = "The weather in Munich was mild on Tuesday and traffic moved freely around the ring."


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


def app_for(url: str, **polling: object) -> App:
    return make_app(url, **polling)


def events_since(app: App, position: int) -> list[ev.RecordedEvent]:
    return list(app.store.read(since=position))


def head(app: App) -> int:
    return app.store.head()[0]


def types(events: list[ev.RecordedEvent]) -> list[str]:
    return [e.type for e in events]


def poll(app: App, feed_id: str, poller: Poller | None = None) -> PollOutcome:
    own = poller is None
    poller = poller or Poller(app)
    try:
        return poller.poll(get_feed(app, feed_id))
    finally:
        if own:
            poller.close()


def feed(app: App, feed_id: str) -> FeedView:
    return {f.id: f for f in list_feeds(app, include_unsubscribed=True)}[feed_id]


def parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def assert_consistent(app: App) -> None:
    """The chain verifies and the claims read model equals a fold of the log."""
    verified = verify_log(app.store)
    assert verified.ok, verified.problems
    with app.engine.connect() as conn:
        projected = {cid: c.to_json() for cid, c in load_claims(conn).items()}
    folded = {cid: c.to_json() for cid, c in fold_log(app.store).claims.items()}
    assert projected == folded


def serve_feed(srv: FeedServer, path: str, items: list[Item], **headers: str) -> None:
    srv.set(path, rss(items), {**RSS_HEADERS, **headers})


# ---- conditional GET, redirects, 410 ------------------------------------------------------


def test_a_second_poll_is_a_304_and_appends_nothing(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    serve_feed(
        server,
        "/feed.xml",
        [Item("a1", "Plant news", DULL, "http://n.invalid/a1")],
        ETag='"v1"',
        **{"Last-Modified": "Tue, 10 Sep 2024 08:00:00 GMT"},
    )
    fid, _ = subscribe(app, server.url("/feed.xml"))
    first = poll(app, fid)
    assert (first.status, first.new) == (200, 1)
    position = head(app)
    second = poll(app, fid)
    assert second.not_modified and second.status == 304 and second.error is None
    assert head(app) == position  # news, not heartbeats
    sent = server.requests_for("/feed.xml")[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 10 Sep 2024 08:00:00 GMT"
    state = feed(app, fid)
    assert state.last_status == 304 and state.consecutive_failures == 0
    assert state.next_due is not None and state.last_polled is not None


def test_a_200_with_the_same_entries_appends_nothing(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    serve_feed(server, "/feed.xml", [Item("a1", "Plant news", DULL)])  # no validators
    fid, _ = subscribe(app, server.url("/feed.xml"))
    assert poll(app, fid).new == 1
    position = head(app)
    again = poll(app, fid)
    assert (again.status, again.new, again.revised) == (200, 0, 0)
    assert head(app) == position


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_moves_the_feed(
    sqlite_url: str, server: FeedServer, status: int
) -> None:
    app = app_for(sqlite_url)
    serve_feed(server, "/new.xml", [Item("a1", "Plant news", DULL)], ETag='"n1"')
    server.set("/old.xml", b"", {"Location": "/new.xml"}, status=status)
    fid, _ = subscribe(app, server.url("/old.xml"))
    position = head(app)
    outcome = poll(app, fid)
    assert outcome.error is None and outcome.new == 1
    moved = [e for e in events_since(app, position) if e.type == ev.FEED_URL_CHANGED]
    assert len(moved) == 1
    assert moved[0].data["from"] == server.url("/old.xml")
    assert moved[0].data["to"] == server.url("/new.xml")
    assert moved[0].data["http_status"] == status
    state = feed(app, fid)
    assert state.url == server.url("/new.xml") and state.etag == '"n1"'
    # The next poll goes straight to the new URL (and is a 304 there).
    before = len(server.requests_for("/old.xml"))
    assert poll(app, fid).not_modified
    assert len(server.requests_for("/old.xml")) == before
    # The config still naming the old URL is the same subscription, not a move back.
    position = head(app)
    sync_config_feeds(app, (_config(server.url("/old.xml"), fid),))
    assert head(app) == position and feed(app, fid).url == server.url("/new.xml")


def _config(url: str, fid: str):  # noqa: ANN202
    from monitor.config import FeedConfig

    return FeedConfig(url=url, id=fid, name=fid)


def test_a_temporary_redirect_keeps_the_url(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    serve_feed(server, "/today.xml", [Item("a1", "Plant news", DULL)])
    server.set("/feed.xml", b"", {"Location": "/today.xml"}, status=302)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    outcome = poll(app, fid)
    assert outcome.error is None and outcome.new == 1
    assert ev.FEED_URL_CHANGED not in types(events_since(app, position))
    assert feed(app, fid).url == server.url("/feed.xml")


def test_410_disables_the_feed_and_run_once_skips_it(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    server.set("/gone.xml", b"gone", {"Content-Type": "text/plain"}, status=410)
    serve_feed(server, "/ok.xml", [Item("a1", "Plant news", DULL)])
    gone, _ = subscribe(app, server.url("/gone.xml"))
    subscribe(app, server.url("/ok.xml"))
    position = head(app)
    outcome = poll(app, gone)
    assert outcome.error and "410" in outcome.error
    disabled = [e for e in events_since(app, position) if e.type == ev.FEED_DISABLED]
    assert len(disabled) == 1 and disabled[0].data["http_status"] == 410
    assert feed(app, gone).state == "disabled"
    requests = len(server.requests_for("/gone.xml"))
    position = head(app)
    summary = run_once(app, deliver=False)
    assert len(server.requests_for("/gone.xml")) == requests
    assert [o.feed for o in summary.outcomes] != [] and gone not in [
        o.feed for o in summary.outcomes
    ]
    # Polling it directly does nothing either (the lease refuses a disabled feed).
    assert poll(app, gone).skipped
    assert ev.FEED_DISABLED not in types(events_since(app, position))


# ---- failures: Retry-After, timeouts, backoff, failing and recovered ---------------------


def test_429_retry_after_sets_next_due(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url, backoff_base=10.0)
    server.set("/feed.xml", b"slow down", {"Retry-After": "3600"}, status=429)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    before = datetime.now(UTC).replace(microsecond=0)
    outcome = poll(app, fid)
    assert outcome.error and "429" in outcome.error
    state = feed(app, fid)
    assert parse_time(state.next_due) >= before + timedelta(seconds=3600)
    assert state.consecutive_failures == 1 and state.last_status == 429
    assert head(app) == position  # one failure is state, not news


def test_503_retry_after_as_a_date(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url, backoff_base=10.0)
    when = datetime.now(UTC) + timedelta(hours=2)
    server.set(
        "/feed.xml",
        b"maintenance",
        {"Retry-After": when.strftime("%a, %d %b %Y %H:%M:%S GMT")},
        status=503,
    )
    fid, _ = subscribe(app, server.url("/feed.xml"))
    poll(app, fid)
    assert parse_time(feed(app, fid).next_due) >= when.replace(microsecond=0) - timedelta(seconds=2)


def test_a_host_behind_retry_after_is_not_waited_for(sqlite_url: str, server: FeedServer) -> None:
    """Another feed of the host is rescheduled, not slept on by a worker."""
    app = app_for(sqlite_url)
    server.set("/a.xml", b"", {"Retry-After": "600"}, status=429)
    serve_feed(server, "/b.xml", [Item("b1", "Plant news", DULL)])
    a, _ = subscribe(app, server.url("/a.xml"))
    b, _ = subscribe(app, server.url("/b.xml"))
    poller = Poller(app)
    try:
        poll(app, a, poller)
        started = time.monotonic()
        outcome = poll(app, b, poller)
        assert time.monotonic() - started < 5
    finally:
        poller.close()
    assert outcome.skipped and "deferred" in outcome.skipped
    assert server.requests_for("/b.xml") == []
    assert parse_time(feed(app, b).next_due) > datetime.now(UTC) + timedelta(seconds=500)


def test_a_timeout_is_a_recorded_failure(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url, connect_timeout=0.5, read_timeout=0.5, backoff_base=10.0)
    server.set("/slow.xml", rss([Item("a", "t", DULL)]), RSS_HEADERS, latency=3.0)
    fid, _ = subscribe(app, server.url("/slow.xml"))
    position = head(app)
    started = time.monotonic()
    outcome = poll(app, fid)
    assert time.monotonic() - started < 2.5
    assert outcome.error is not None and outcome.new == 0
    state = feed(app, fid)
    assert state.consecutive_failures == 1 and state.last_error
    assert head(app) == position


def test_backoff_grows_and_is_capped(sqlite_url: str, server: FeedServer) -> None:
    base, cap = 10.0, 80.0
    app = app_for(sqlite_url, backoff_base=base, backoff_cap=cap, failure_threshold=100)
    server.set("/feed.xml", b"oops", {"Content-Type": "text/plain"}, status=500)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    poller = Poller(app)
    delays = []
    try:
        for failures in range(1, 8):
            poll(app, fid, poller)
            state = feed(app, fid)
            assert state.consecutive_failures == failures
            delay = (parse_time(state.next_due) - parse_time(state.last_polled)).total_seconds()
            step = min(cap, base * 2 ** (failures - 1))
            assert step / 2 - 1 <= delay <= step + 1, (failures, delay)
            delays.append(delay)
    finally:
        poller.close()
    assert delays[3] > delays[0]  # grows
    assert max(delays) <= cap + 1  # capped


def test_failing_then_recovered_is_one_event_each(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url, failure_threshold=3, backoff_base=1.0)
    server.set("/feed.xml", b"down", {"Content-Type": "text/plain"}, status=500)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    poller = Poller(app)
    try:
        for _ in range(6):
            assert poll(app, fid, poller).error
        assert feed(app, fid).state == "failing"
        serve_feed(server, "/feed.xml", [Item("a1", "Plant news", DULL)])
        assert poll(app, fid, poller).error is None
        assert poll(app, fid, poller).error is None
    finally:
        poller.close()
    health = [e for e in events_since(app, position) if e.type.startswith("Feed")]
    assert types(health) == [ev.FEED_FAILING, ev.FEED_RECOVERED]
    assert health[0].data["failures"] == 3 and "500" in health[0].data["error"]
    assert health[1].data["failures"] == 6
    state = feed(app, fid)
    assert (state.state, state.consecutive_failures, state.last_error) == ("ok", 0, None)


# ---- reports, revisions, claim changes ---------------------------------------------------


def test_a_status_change_end_to_end(db_url: str, server: FeedServer) -> None:
    app = app_for(db_url)
    link = "http://news.invalid/bmw-na3-approved"
    serve_feed(server, "/feed.xml", [Item("na3-1", "i4 Convertible approved", APPROVE, link)])
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    outcome = poll(app, fid)
    assert (outcome.new, outcome.changes) == (1, 1)
    new = events_since(app, position)
    assert types(new) == [ev.REPORT_RECORDED, ev.CLAIM_STATUS_CHANGED]
    report, change = new
    assert change.stream == "claim/i4-convertible-na3"
    assert (change.data["from"], change.data["to"]) == ("unapproved", "approved")
    assert "approved" in change.data["evidence"]
    assert change.data["report"]["link"] == link
    assert change.data["report"]["key"] == report.data["key"]
    assert change.metadata["cause"] == "poll"
    with app.engine.connect() as conn:
        claim = load_claims(conn)["i4-convertible-na3"]
    assert claim.status == "approved" and claim.evidence_link == link
    assert feed(app, fid).reports == 1
    assert_consistent(app)


def test_a_revised_entry_is_recorded_and_diffed_again(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    link = "http://news.invalid/na3"
    serve_feed(server, "/feed.xml", [Item("na3", "Convertible", DULL, link)])
    fid, _ = subscribe(app, server.url("/feed.xml"))
    assert poll(app, fid).new == 1
    position = head(app)
    serve_feed(server, "/feed.xml", [Item("na3", "Convertible", DULL + " " + APPROVE, link)])
    outcome = poll(app, fid)
    assert (outcome.new, outcome.revised, outcome.changes) == (0, 1, 1)
    new = events_since(app, position)
    assert types(new) == [ev.REPORT_REVISED, ev.CLAIM_STATUS_CHANGED]
    assert new[0].data["report"] == "na3"
    assert new[1].data["report"]["key"] == new[0].data["key"]
    # Reverting to the first text is a revision again (recorded), with no claim event twice.
    serve_feed(server, "/feed.xml", [Item("na3", "Convertible", DULL, link)])
    position = head(app)
    assert poll(app, fid).revised == 1
    assert types(events_since(app, position)) == [ev.REPORT_REVISED]
    position = head(app)
    assert poll(app, fid).revised == 0 and head(app) == position
    assert_consistent(app)


def test_the_same_entry_in_two_feeds_changes_the_claim_once(
    sqlite_url: str, server: FeedServer
) -> None:
    app = app_for(sqlite_url)
    item = Item("urn:news:na3", "i4 Convertible approved", APPROVE, "http://news.invalid/na3")
    serve_feed(server, "/a.xml", [item])
    serve_feed(server, "/b.xml", [item])
    a, _ = subscribe(app, server.url("/a.xml"))
    b, _ = subscribe(app, server.url("/b.xml"))
    position = head(app)
    poll(app, a)
    poll(app, b)
    new = events_since(app, position)
    assert types(new).count(ev.REPORT_RECORDED) == 2
    assert {e.stream for e in new if e.type == ev.REPORT_RECORDED} == {f"feed/{a}", f"feed/{b}"}
    assert types(new).count(ev.CLAIM_STATUS_CHANGED) == 1
    assert ev.CLAIM_CORROBORATED not in types(new)  # the same report does not corroborate itself
    assert_consistent(app)


def test_identity_is_guid_else_link_else_hash(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    long_guid = "tag:news.invalid,2024:" + "x" * 600  # longer than any key column
    items = [
        Item(long_guid, "With a long guid", DULL, "http://n.invalid/1"),
        Item(None, "With a link only", DULL, "http://n.invalid/2"),
        Item(None, "With neither", DULL + " Nothing else."),
    ]
    serve_feed(server, "/feed.xml", items)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    assert poll(app, fid).new == 3
    identities = [e.data["report"] for e in events_since(app, position)]
    assert identities[0] == long_guid
    assert identities[1] == "http://n.invalid/2"
    assert identities[2].startswith("sha256:")
    assert poll(app, fid).new == 0


# ---- bozo and empty feeds ----------------------------------------------------------------


def test_a_bozo_feed_with_entries_is_used_and_its_warning_kept(
    sqlite_url: str, server: FeedServer
) -> None:
    app = app_for(sqlite_url)
    body = rss([Item("b1", "Plant news &nbsp; today", DULL)]).replace(b"&amp;nbsp;", b"&nbsp;")
    body = body.replace(b"</channel></rss>", b"")  # unclosed: ill-formed, entries still there
    server.set("/feed.xml", body, RSS_HEADERS)
    fid, _ = subscribe(app, server.url("/feed.xml"))
    outcome = poll(app, fid)
    assert outcome.error is None and outcome.new == 1
    assert outcome.warning
    state = feed(app, fid)
    assert state.warning == outcome.warning and state.last_error is None


def test_a_document_without_entries_is_a_feed_error(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    server.set(
        "/feed.xml", b"<html><body><p>Not a feed <b>at all</p>", {"Content-Type": "text/html"}
    )
    fid, _ = subscribe(app, server.url("/feed.xml"))
    position = head(app)
    outcome = poll(app, fid)
    assert outcome.error and outcome.error.startswith("unusable feed")
    state = feed(app, fid)
    assert state.last_error == outcome.error and state.consecutive_failures == 1
    assert head(app) == position


# ---- hostile documents through the whole poll path ---------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>laughs</title>
<item><guid>l1</guid><title>&lol9;</title><description>&lol9;</description></item>
</channel></rss>
"""


def _xxe(secret: Path) -> bytes:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>
<rss version="2.0"><channel><title>xxe</title>
<item><guid>x1</guid><title>leak &xxe;</title><description>&xxe;</description></item>
</channel></rss>
""".encode()


def _trickle(h) -> None:  # noqa: ANN001 - BaseHTTPRequestHandler
    """Headers, then one byte now and then, forever (until the client hangs up)."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "100000000")
    h.end_headers()
    h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
    h.wfile.flush()
    for _ in range(200):
        time.sleep(0.05)
        h.wfile.write(b" ")
        h.wfile.flush()


def test_hostile_documents_end_as_reports_or_feed_errors(
    sqlite_url: str, server: FeedServer, tmp_path: Path
) -> None:
    app = app_for(sqlite_url, connect_timeout=1.0, read_timeout=1.0, max_bytes=2_000_000)
    secret = tmp_path / "secret.txt"
    marker = "TOP-SECRET-7f3a9c"
    secret.write_text(marker)
    bomb = gzip.compress(b"<rss>" + b"\0" * 50_000_000, compresslevel=9)
    invalid_utf8 = rss([Item("u1", "caf\u00e9 news", DULL)]).replace("é".encode(), b"\xff\xfe\xc3")
    many = rss([Item(f"m{i}", f"Item {i}", f"Short note number {i}.") for i in range(10_000)])
    docs = {
        "/laughs.xml": (BILLION_LAUGHS, RSS_HEADERS),
        "/xxe.xml": (_xxe(secret), RSS_HEADERS),
        "/bomb.xml": (bomb, {**RSS_HEADERS, "Content-Encoding": "gzip"}),
        "/utf8.xml": (invalid_utf8, RSS_HEADERS),
        "/many.xml": (many, RSS_HEADERS),
    }
    for path, (body, headers) in docs.items():
        server.set(path, body, headers)
    server.set_handler("/slow.xml", _trickle)
    ids = {path: subscribe(app, server.url(path))[0] for path in [*docs, "/slow.xml"]}
    started = time.monotonic()
    summary = run_once(app, deliver=False)
    assert time.monotonic() - started < 60
    outcomes = {o.feed: o for o in summary.outcomes}
    for path, fid in ids.items():
        o, state = outcomes[fid], feed(app, fid)
        assert o.new > 0 or (o.error and state.last_error == o.error[:2000]), (path, o)
    assert outcomes[ids["/many.xml"]].new == 10_000
    assert feed(app, ids["/many.xml"]).reports == 10_000
    assert "XXE" in (outcomes[ids["/xxe.xml"]].error or "")
    assert outcomes[ids["/bomb.xml"]].error and "larger" in outcomes[ids["/bomb.xml"]].error
    assert outcomes[ids["/slow.xml"]].error
    assert outcomes[ids["/laughs.xml"]].error
    # Nothing of the local file reached the log or the feeds' state.
    for row in app.store.iter_rows():
        assert marker not in row[7] and marker not in row[8]
    with app.engine.connect() as conn:
        for row in conn.execute(select(feed_state)):
            assert marker not in json.dumps([str(v) for v in row])
    assert_consistent(app)


# ---- run_once, concurrency within one process ---------------------------------------------


def test_run_once_polls_every_feed_in_parallel_and_is_quiet_the_second_time(
    sqlite_url: str,
) -> None:
    app = app_for(sqlite_url, workers=4)
    servers = [FeedServer(host=f"127.0.0.{i}").start() for i in (1, 2, 3)]
    try:
        for n, srv in enumerate(servers):
            for k in range(4):
                path = f"/f{k}.xml"
                items = [Item(f"h{n}-f{k}-{j}", f"News {j}", DULL) for j in range(5)]
                serve_feed(srv, path, items, ETag=f'"{n}-{k}"')
                subscribe(app, srv.url(path))
        summary = run_once(app, deliver=False)
        totals = summary.to_json()["totals"]
        assert totals == {
            "feeds": 12,
            "failed": 0,
            "new": 60,
            "revised": 0,
            "changes": 0,
            "suspected": 0,
        }
        position = head(app)
        again = run_once(app, deliver=False)
        assert all(o.not_modified for o in again.outcomes) and head(app) == position
        # Every feed of a host was fetched one at a time (the host gate).
        for srv in servers:
            assert all(v == 1 for v in srv.max_in_flight.values())
    finally:
        for srv in servers:
            srv.stop()
    assert_consistent(app)


def test_two_pollers_never_poll_one_feed_at_once(sqlite_url: str, server: FeedServer) -> None:
    app = app_for(sqlite_url)
    serve_feed(server, "/feed.xml", [Item("a1", "t", DULL)])
    server.set_route("/feed.xml", (rss([Item("a1", "t", DULL)]), RSS_HEADERS, 200, 0.5))
    fid, _ = subscribe(app, server.url("/feed.xml"))
    one, two = Poller(app, owner="one"), Poller(app, owner="two")
    results: list[PollOutcome] = []
    try:
        threads = [
            threading.Thread(target=lambda p=p: results.append(poll(app, fid, p)))
            for p in (one, two)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        one.close()
        two.close()
    assert sorted(bool(r.skipped) for r in results) == [False, True]
    assert len(server.requests_for("/feed.xml")) == 1
    assert feed(app, fid).reports == 1
