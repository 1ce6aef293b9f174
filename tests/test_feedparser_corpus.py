"""Every document of feedparser's own test suite, served over real HTTP, fetched and parsed.

Each must end as a ParsedFeed or a FeedParseError / fetch error: never another exception, never
a hang. Documents that carry ``Header:`` lines in their leading comment (feedparser's fixture
convention, e.g. a Content-Type with a charset) are served with those headers.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from feeds_server import FeedServer

from monitor.feeds.fetch import Fetcher, FetchPolicy
from monitor.feeds.parse import FeedParseError, parse_feed

CORPUS = Path(__file__).resolve().parents[1].parent / "shared/corpus/feedparser-tests"
PER_DOCUMENT_SECONDS = 10.0
_HEADER = re.compile(rb"^Header:[ \t]*([A-Za-z0-9-]+):[ \t]*(.*?)[ \t]*\r?$", re.MULTILINE)


def _documents() -> list[Path]:
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name != "LICENSE")


def _headers(body: bytes) -> dict[str, str]:
    """The fixture's own ``Header:`` lines, else the Content-Type a typical server would send."""
    head = body[:4096]
    found = {m.group(1).decode(): m.group(2).decode("latin-1") for m in _HEADER.finditer(head)}
    if not any(k.lower() == "content-type" for k in found):
        found["Content-Type"] = "application/xml"
    return found


@pytest.mark.timeout(240)
def test_every_feedparser_fixture_ends_as_a_feed_or_a_recorded_error():
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"feedparser corpus missing at {CORPUS}")
        pytest.skip(f"feedparser corpus not found at {CORPUS}")
    docs = _documents()
    assert len(docs) > 2000

    counts = {"with entries": 0, "empty feed": 0, "feed error": 0, "fetch error": 0}
    problems: list[str] = []
    slowest = (0.0, "")

    with FeedServer() as server, Fetcher(FetchPolicy(timeout_connect=5, timeout_read=5)) as fetcher:
        paths: dict[Path, str] = {}
        for doc in docs:
            body = doc.read_bytes()
            path = "/" + quote(doc.relative_to(CORPUS).as_posix())
            server.set(path, body, _headers(body))
            paths[doc] = path

        def one(doc: Path) -> tuple[str, str, float]:
            started = time.monotonic()
            result = fetcher.fetch(server.url(paths[doc]))
            if result.error is not None or result.body is None:
                outcome = "fetch error"
            else:
                try:
                    feed = parse_feed(result.body, result.headers, url=result.final_url)
                    outcome = "with entries" if feed.entries else "empty feed"
                except FeedParseError:
                    outcome = "feed error"
                except Exception as exc:  # the point of this test: report, don't stop
                    outcome = f"CRASH {type(exc).__name__}: {exc}"
            return str(doc.relative_to(CORPUS)), outcome, time.monotonic() - started

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=4) as pool:
            for name, outcome, took in pool.map(one, docs):
                if outcome in counts:
                    counts[outcome] += 1
                else:
                    problems.append(f"{name}: {outcome}")
                if took > PER_DOCUMENT_SECONDS:
                    problems.append(f"{name}: took {took:.1f}s")
                slowest = max(slowest, (took, name))
        total = time.monotonic() - started

    print(
        f"\nfeedparser corpus: {len(docs)} documents in {total:.1f}s; "
        + ", ".join(f"{k}: {v}" for k, v in counts.items())
        + f"; slowest {slowest[1]} {slowest[0]:.2f}s"
    )
    assert not problems, "\n".join(problems[:50])
    assert counts["fetch error"] == 0  # every document is served fine; only parsing may refuse
    assert sum(counts.values()) == len(docs)
