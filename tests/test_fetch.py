"""The fetcher against real loopback servers: HTTP semantics, limits and failures as data."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from feeds_server import FeedServer

import monitor
from monitor.feeds.fetch import Fetcher, FetchPolicy, parse_retry_after

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
XML = {"Content-Type": "application/rss+xml"}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as srv:
        yield srv


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchPolicy(timeout_connect=2, timeout_read=2)) as f:
        yield f


def _gzip_bomb(decoded_size: int) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    parts = [comp.compress(zeros) for _ in range(decoded_size >> 20)]
    parts.append(comp.flush())
    return b"".join(parts)


# -- the plain case and the request we send ----------------------------------------------


def test_a_feed_is_fetched_with_its_validators_and_lowercased_headers(server, fetcher):
    server.set("/f", RSS, {**XML, "ETag": '"v1"', "Last-Modified": "Mon, 03 Apr 2023 01:02:03 GMT"})
    r = fetcher.fetch(server.url("/f"))
    assert r.error is None and r.status == 200 and r.body == RSS
    assert r.etag == '"v1"' and r.last_modified == "Mon, 03 Apr 2023 01:02:03 GMT"
    assert r.headers["content-type"] == "application/rss+xml"
    assert not r.not_modified and not r.gone and r.permanent_redirect_to is None
    assert r.final_url == r.url == server.url("/f") and r.elapsed_ms > 0


def test_the_request_carries_an_honest_user_agent_and_accepts_compression(server, fetcher):
    server.set("/f", RSS, XML)
    fetcher.fetch(server.url("/f"))
    sent = server.requests_for("/f")[-1].headers
    assert sent["user-agent"].startswith(f"monitor/{monitor.__version__} (+https://")
    assert "gzip" in sent["accept-encoding"] and "deflate" in sent["accept-encoding"]


def test_a_gzip_body_is_decoded(server, fetcher):
    server.set("/f", gzip.compress(RSS), {**XML, "Content-Encoding": "gzip"})
    assert fetcher.fetch(server.url("/f")).body == RSS


@pytest.mark.parametrize("wbits", [zlib.MAX_WBITS, -zlib.MAX_WBITS], ids=["zlib", "raw"])
def test_a_deflate_body_is_decoded_whether_zlib_wrapped_or_raw(server, fetcher, wbits):
    comp = zlib.compressobj(6, zlib.DEFLATED, wbits)
    server.set("/f", comp.compress(RSS) + comp.flush(), {**XML, "Content-Encoding": "deflate"})
    assert fetcher.fetch(server.url("/f")).body == RSS


def test_an_unknown_content_encoding_is_an_error(server, fetcher):
    server.set("/f", b"xxxx", {**XML, "Content-Encoding": "br"})
    r = fetcher.fetch(server.url("/f"))
    assert r.body is None and "content-encoding" in r.error


def test_a_server_on_another_loopback_address_is_reachable(fetcher):
    with FeedServer(host="127.0.0.2") as other:
        other.set("/f", RSS, XML)
        r = fetcher.fetch(other.url("/f"))
    assert r.body == RSS and r.url.startswith("http://127.0.0.2:")


# -- conditional GET ---------------------------------------------------------------------


def test_a_matching_etag_brings_a_304_and_no_body(server, fetcher):
    server.set("/f", RSS, {**XML, "ETag": '"v1"'})
    r = fetcher.fetch(server.url("/f"), etag='"v1"')
    assert server.requests_for("/f")[-1].headers["if-none-match"] == '"v1"'
    assert r.status == 304 and r.not_modified and r.body is None and r.error is None
    assert r.etag == '"v1"'


def test_a_changed_etag_brings_the_new_body(server, fetcher):
    server.set("/f", RSS, {**XML, "ETag": '"v2"'})
    r = fetcher.fetch(server.url("/f"), etag='"v1"')
    assert r.status == 200 and r.body == RSS and r.etag == '"v2"'


def test_an_unchanged_last_modified_brings_a_304(server, fetcher):
    stamp = "Mon, 03 Apr 2023 01:02:03 GMT"
    server.set("/f", RSS, {**XML, "Last-Modified": stamp})
    r = fetcher.fetch(server.url("/f"), last_modified=stamp)
    assert server.requests_for("/f")[-1].headers["if-modified-since"] == stamp
    assert r.not_modified and r.body is None and r.last_modified == stamp


def test_a_304_without_validators_keeps_the_ones_we_sent(server, fetcher):
    server.set("/f", b"", {}, status=304)
    r = fetcher.fetch(server.url("/f"), etag='"a"', last_modified="Mon, 03 Apr 2023 01:02:03 GMT")
    assert r.not_modified and r.etag == '"a"'
    assert r.last_modified == "Mon, 03 Apr 2023 01:02:03 GMT"


# -- redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_reports_the_new_url(server, fetcher, status):
    server.set("/old", b"", {"Location": "/new"}, status=status)
    server.set("/new", RSS, XML)
    r = fetcher.fetch(server.url("/old"))
    assert r.body == RSS and r.status == 200
    assert r.permanent_redirect_to == server.url("/new") == r.final_url


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_temporary_redirect_is_followed_but_not_reported_as_a_move(server, fetcher, status):
    server.set("/old", b"", {"Location": server.url("/tmp")}, status=status)
    server.set("/tmp", RSS, XML)
    r = fetcher.fetch(server.url("/old"))
    assert r.body == RSS and r.final_url == server.url("/tmp")
    assert r.permanent_redirect_to is None


def test_a_permanent_move_then_a_temporary_hop_moves_the_feed_to_the_middle(server, fetcher):
    server.set("/a", b"", {"Location": "/b"}, status=301)
    server.set("/b", b"", {"Location": "/c"}, status=302)
    server.set("/c", RSS, XML)
    r = fetcher.fetch(server.url("/a"))
    assert r.permanent_redirect_to == server.url("/b") and r.final_url == server.url("/c")


def test_a_temporary_hop_before_a_permanent_one_moves_nothing(server, fetcher):
    server.set("/a", b"", {"Location": "/b"}, status=307)
    server.set("/b", b"", {"Location": "/c"}, status=308)
    server.set("/c", RSS, XML)
    assert fetcher.fetch(server.url("/a")).permanent_redirect_to is None


def test_a_permanent_redirect_to_a_broken_url_is_not_reported_as_a_move(server, fetcher):
    server.set("/a", b"", {"Location": "/missing"}, status=301)
    r = fetcher.fetch(server.url("/a"))
    assert r.status == 404 and r.error == "HTTP 404 Not Found" and r.permanent_redirect_to is None


def test_a_redirect_loop_ends_in_an_error(server, fetcher):
    server.set("/a", b"", {"Location": "/b"}, status=302)
    server.set("/b", b"", {"Location": "/a"}, status=302)
    assert "too many redirects" in fetcher.fetch(server.url("/a")).error


def test_a_redirect_to_a_local_file_is_refused(server, fetcher, tmp_path):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS)
    server.set("/a", b"", {"Location": secret.as_uri()}, status=302)
    r = fetcher.fetch(server.url("/a"))
    assert r.body is None and "refusing" in r.error


# -- errors as data ----------------------------------------------------------------------


def test_410_means_the_feed_is_gone(server, fetcher):
    server.set("/f", b"gone", {}, status=410)
    r = fetcher.fetch(server.url("/f"))
    assert r.gone and r.status == 410 and r.body is None and r.error == "HTTP 410 Gone"


def test_429_with_retry_after_in_seconds(server, fetcher):
    server.set("/f", b"slow down", {"Retry-After": "120"}, status=429)
    r = fetcher.fetch(server.url("/f"))
    assert r.status == 429 and r.retry_after == 120.0 and r.error.startswith("HTTP 429")


def test_429_with_retry_after_as_an_http_date(server, fetcher):
    server.set("/f", b"", {"Retry-After": formatdate(time.time() + 600, usegmt=True)}, status=429)
    r = fetcher.fetch(server.url("/f"))
    assert 590 <= r.retry_after <= 601


def test_503_with_retry_after_and_without(server, fetcher):
    server.set("/f", b"", {"Retry-After": "30"}, status=503)
    r = fetcher.fetch(server.url("/f"))
    assert r.status == 503 and r.retry_after == 30.0 and "503" in r.error
    server.set("/f", b"", {}, status=503)
    assert fetcher.fetch(server.url("/f")).retry_after is None


def test_retry_after_parsing_accepts_past_dates_and_rejects_garbage():
    assert parse_retry_after("Mon, 03 Apr 2000 01:02:03 GMT") == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after("") is None
    assert parse_retry_after("-5") is None and parse_retry_after(None) is None


def test_500_is_an_error_without_a_body(server, fetcher):
    server.set("/f", b"oops", {}, status=500)
    r = fetcher.fetch(server.url("/f"))
    assert r.status == 500 and r.body is None and r.error == "HTTP 500 Internal Server Error"


def test_connection_refused_is_an_error(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = fetcher.fetch(f"http://127.0.0.1:{port}/f")
    assert r.status is None and r.body is None and r.error.startswith("connection failed")


def test_a_server_that_answers_too_late_is_a_read_timeout(server):
    server.set("/f", RSS, XML, latency=2.0)
    with Fetcher(FetchPolicy(timeout_connect=1, timeout_read=0.3)) as f:
        started = time.monotonic()
        r = f.fetch(server.url("/f"))
    assert time.monotonic() - started < 1.5
    assert r.status is None and r.error.startswith("timeout")


def _trickle(h: BaseHTTPRequestHandler) -> None:
    """Promise 10 MB, then send one byte every 50 ms: never idle long enough to time out."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", "10000000")
    h.end_headers()
    h.wfile.flush()
    stop = time.monotonic() + 20
    while time.monotonic() < stop:
        h.wfile.write(b"<")
        h.wfile.flush()
        time.sleep(0.05)


def test_an_endlessly_trickling_response_ends_within_the_total_deadline(server):
    server.set_handler("/f", _trickle)
    with Fetcher(FetchPolicy(timeout_connect=1, timeout_read=1)) as f:
        started = time.monotonic()
        r = f.fetch(server.url("/f"))
        took = time.monotonic() - started
    assert r.body is None and r.error.startswith("timeout")
    assert took < 4.0  # connect + read = 2 s of total deadline, plus slack for a busy box


def test_a_body_over_the_limit_is_cut_off(server):
    server.set("/f", b"x" * 3_000_000, XML)
    with Fetcher(FetchPolicy(max_bytes=1_000_000)) as f:
        r = f.fetch(server.url("/f"))
    assert r.body is None and r.error == "response larger than 1000000 bytes"


def test_a_gzip_bomb_is_cut_off_on_its_decoded_size(server):
    bomb = _gzip_bomb(200 << 20)  # 200 MB of zeros, ~200 kB on the wire
    assert len(bomb) < 1_000_000
    server.set("/f", bomb, {**XML, "Content-Encoding": "gzip"})
    with Fetcher(FetchPolicy(max_bytes=1_000_000)) as f:
        started = time.monotonic()
        tracemalloc.start()
        try:
            r = f.fetch(server.url("/f"))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert r.body is None and r.error == "response larger than 1000000 bytes"
    assert time.monotonic() - started < 5.0
    assert peak < 10_000_000  # decoded in small steps: never near the 200 MB


def test_a_body_exactly_at_the_limit_is_accepted(server):
    server.set("/f", gzip.compress(b"y" * 1000), {**XML, "Content-Encoding": "gzip"})
    with Fetcher(FetchPolicy(max_bytes=1000)) as f:
        assert f.fetch(server.url("/f")).body == b"y" * 1000


def test_a_malformed_url_is_an_error_not_an_exception(fetcher):
    assert fetcher.fetch("http://[::1").error
    assert fetcher.fetch("ftp://example.invalid/f").error.startswith("refusing")


def test_concurrent_fetches_share_one_fetcher(server, fetcher):
    for i in range(16):
        server.set(f"/f{i}", RSS + str(i).encode(), XML)
    results: dict[int, bytes | None] = {}

    def get(i: int) -> None:
        results[i] = fetcher.fetch(server.url(f"/f{i}")).body

    threads = [threading.Thread(target=get, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert results == {i: RSS + str(i).encode() for i in range(16)}


def test_a_transport_can_stand_in_for_the_network():
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=RSS))
    with Fetcher(transport=transport) as f:
        assert f.fetch("http://feeds.example/rss").body == RSS


# -- local files -------------------------------------------------------------------------


def test_a_file_url_and_a_plain_path_are_read_from_disk(tmp_path: Path, fetcher):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    for ref in (feed.as_uri(), str(feed)):
        r = fetcher.fetch(ref)
        assert r.status == 200 and r.body == RSS and r.error is None and r.last_modified


def test_an_unchanged_file_is_not_modified(tmp_path: Path, fetcher):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(RSS)
    first = fetcher.fetch(str(feed))
    again = fetcher.fetch(str(feed), last_modified=first.last_modified)
    assert again.not_modified and again.body is None


def test_a_local_file_obeys_the_size_limit_and_a_missing_one_is_an_error(tmp_path: Path):
    big = tmp_path / "big.xml"
    big.write_bytes(b"x" * 2000)
    with Fetcher(FetchPolicy(max_bytes=1000)) as f:
        assert f.fetch(str(big)).error == "response larger than 1000 bytes"
        missing = f.fetch((tmp_path / "nope.xml").as_uri())
    assert missing.status is None and "cannot read" in missing.error
