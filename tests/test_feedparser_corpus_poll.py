"""Every document of feedparser's test suite served over HTTP and POLLED into a real SQLite
store: each ends as recorded reports or a recorded feed error; nothing crashes, hangs or is
half-written (the chain verifies and the claims read model equals a fold of the log).

The documents are spread over several loopback addresses so the per-host gate lets a pool of
workers poll them in parallel, as a daemon would.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from conftest import shared_path
from feeds_server import FeedServer, make_app
from test_feedparser_corpus import _headers

from monitor.daemon import run_once
from monitor.services.feeds import list_feeds, subscribe
from monitor.services.replay import fold_log, verify_log
from monitor.store.projections import load_claims

HOSTS = 8


@pytest.mark.timeout(300)
def test_every_feedparser_fixture_polls_to_reports_or_a_feed_error(sqlite_url: str) -> None:
    corpus = shared_path("corpus/feedparser-tests")
    docs = sorted(p for p in corpus.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(docs) > 2000
    app = make_app(sqlite_url, workers=8, connect_timeout=5.0, read_timeout=5.0)
    servers = [FeedServer(host=f"127.0.0.{1 + i}").start() for i in range(HOSTS)]
    try:
        for n, doc in enumerate(docs):
            body = doc.read_bytes()
            srv = servers[n % HOSTS]
            path = "/" + quote(doc.relative_to(corpus).as_posix())
            srv.set(path, body, _headers(body))
            subscribe(app, srv.url(path), feed_id=f"fp-{n}")
        started = time.monotonic()
        summary = run_once(app, deliver=False)
        seconds = time.monotonic() - started
    finally:
        for srv in servers:
            srv.stop()
    assert len(summary.outcomes) == len(docs)
    state = {f.id: f for f in list_feeds(app)}
    problems = []
    for o in summary.outcomes:
        feed = state[o.feed]
        if o.skipped:
            problems.append(f"{o.feed}: skipped ({o.skipped})")
        elif o.error is None:
            if feed.last_error is not None or feed.consecutive_failures:
                problems.append(f"{o.feed}: success but an error on its state")
        elif feed.last_error is None or o.error.startswith("internal error"):
            problems.append(f"{o.feed}: {o.error}")
        if feed.reports != o.new:
            problems.append(f"{o.feed}: {o.new} new but {feed.reports} on its state")
    assert not problems, problems[:10]
    assert sum(o.new for o in summary.outcomes) > 1000
    assert seconds < 120, f"polling the corpus took {seconds:.0f}s"
    verified = verify_log(app.store)
    assert verified.ok, verified.problems
    with app.engine.connect() as conn:
        projected = {k: c.to_json() for k, c in load_claims(conn).items()}
    assert projected == {k: c.to_json() for k, c in fold_log(app.store).claims.items()}
