"""A real loopback HTTP server for feed tests, daemon tests and the benchmark.

Serves a mutable mapping ``path -> Response`` (or a ``(body, headers, status)`` tuple, or a
callable that writes the raw response itself), answers conditional GETs from the route's ETag
and Last-Modified, can delay a response, records the requests it saw, and listens on any
loopback address (``127.0.0.2`` works on Linux) so tests can have several "hosts".

    with FeedServer() as srv:
        srv.set("/feed.xml", b"<rss .../>", {"Content-Type": "application/rss+xml", "ETag": '"v1"'})
        fetcher.fetch(srv.url("/feed.xml"))
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Union

RawHandler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Response:
    """One canned response; ``latency`` seconds pass before its status line is sent."""

    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    status: int = 200
    latency: float = 0.0

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


Route = Union[Response, tuple, RawHandler]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True)
class SeenRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    started: float = 0.0  # time.monotonic() when the request arrived


def _as_response(route: Response | tuple) -> Response:
    if isinstance(route, Response):
        return route
    body, *rest = route
    headers = rest[0] if len(rest) > 0 and rest[0] is not None else {}
    status = rest[1] if len(rest) > 1 else 200
    latency = rest[2] if len(rest) > 2 else 0.0
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Response(body=body, headers=dict(headers), status=status, latency=latency)


def _not_modified(resp: Response, req_headers: Mapping[str, str]) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    inm = req_headers.get("if-none-match")
    etag = resp.header("ETag")
    if inm is not None:
        if etag is None:
            return False
        tags = [t.strip() for t in inm.split(",")]
        weak = etag.removeprefix("W/")
        return "*" in tags or any(t.removeprefix("W/") == weak for t in tags)
    ims = req_headers.get("if-modified-since")
    lm = resp.header("Last-Modified")
    if ims and lm:
        try:
            return parsedate_to_datetime(lm) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up mid-response (size limit, deadline) is expected here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """A threaded HTTP/1.1 server (keep-alive) on a loopback address; routes can change live."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, Route] = {}
        self.requests: list[SeenRequest] = []
        self._in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}  # path -> most requests served at once
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else Nagle + delayed ACK add ~40 ms per response

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_HEAD(self) -> None:  # noqa: N802
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                server._serve(self)

        self._httpd = _QuietServer((host, port), Handler)
        self._thread: threading.Thread | None = None

    # -- routes ------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def set(
        self,
        path: str,
        body: bytes | str = b"",
        headers: Mapping[str, str] | None = None,
        status: int = 200,
        latency: float = 0.0,
    ) -> None:
        """Serve ``body`` at ``path`` from now on (replacing what was there)."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        with self._lock:
            self._routes[path] = Response(body, dict(headers or {}), status, latency)

    def set_route(self, path: str, route: Route) -> None:
        """Serve a Response, a ``(body, headers, status[, latency])`` tuple or a raw handler."""
        with self._lock:
            self._routes[path] = route

    def set_handler(self, path: str, handler: RawHandler) -> None:
        self.set_route(path, handler)

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def requests_for(self, path: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> FeedServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- serving -----------------------------------------------------------------------

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        req_headers = {k.lower(): v for k, v in h.headers.items()}
        path = h.path
        with self._lock:
            self.requests.append(SeenRequest(h.command, path, req_headers, time.monotonic()))
            route = self._routes.get(path)
            if route is None:
                route = self._routes.get(path.split("?", 1)[0])
            self._in_flight[path] = self._in_flight.get(path, 0) + 1
            self.max_in_flight[path] = max(self.max_in_flight.get(path, 0), self._in_flight[path])
        try:
            if route is None:
                self._write(h, Response(b"not found\n", {"Content-Type": "text/plain"}, 404))
            elif callable(route) and not isinstance(route, (Response, tuple)):
                route(h)
            else:
                resp = _as_response(route)
                if resp.latency:
                    threading.Event().wait(resp.latency)
                if resp.status == 200 and _not_modified(resp, req_headers):
                    keep = {
                        k: v
                        for k, v in resp.headers.items()
                        if k.lower() in ("etag", "last-modified", "cache-control")
                    }
                    self._write(h, Response(b"", keep, 304))
                else:
                    self._write(h, resp)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            h.close_connection = True
        finally:
            with self._lock:
                self._in_flight[path] -= 1

    @staticmethod
    def _write(h: BaseHTTPRequestHandler, resp: Response) -> None:
        h.send_response(resp.status)
        has_length = False
        for key, value in resp.headers.items():
            h.send_header(key, value)
            has_length = has_length or key.lower() == "content-length"
        no_body = resp.status in (204, 304) or 100 <= resp.status < 200
        if not has_length and not no_body:
            h.send_header("Content-Length", str(len(resp.body)))
        h.end_headers()
        if not no_body and h.command != "HEAD":
            h.wfile.write(resp.body)
        h.wfile.flush()


# -- documents and apps for poll tests and the benchmark -----------------------------------


@dataclass(frozen=True)
class Item:
    guid: str | None
    title: str
    text: str
    link: str | None = None
    published: str = "Tue, 10 Sep 2024 08:00:00 GMT"


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def rss(items: list[Item] | tuple[Item, ...], title: str = "News") -> bytes:
    """A small RSS 2.0 document."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
             f"<title>{_esc(title)}</title><link>http://example.invalid/</link>"
             "<description>test feed</description>"]  # fmt: skip
    for it in items:
        parts.append("<item>")
        if it.guid is not None:
            parts.append(f'<guid isPermaLink="false">{_esc(it.guid)}</guid>')
        parts.append(f"<title>{_esc(it.title)}</title>")
        if it.link is not None:
            parts.append(f"<link>{_esc(it.link)}</link>")
        parts.append(f"<pubDate>{it.published}</pubDate>")
        parts.append(f"<description>{_esc(it.text)}</description></item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}


def make_app(database_url: str, **polling: object):  # noqa: ANN201 - monitor.app.App
    """A bootstrapped, initialised App (baseline loaded) with no config feeds and no host gap."""
    import dataclasses

    from monitor.app import bootstrap, init
    from monitor.config import PollingConfig, load_settings
    from monitor.wiring import extra_projectors

    options: dict[str, object] = {"host_gap": 0.0, **polling}
    settings = dataclasses.replace(
        load_settings(None, database_url), feeds=(), polling=PollingConfig(**options)
    )
    app = bootstrap(settings, extra_projectors=extra_projectors(settings))
    init(app)
    return app
