"""Fetch a feed's bytes: conditional GET, redirects, size and time limits.

Why the care: the daemon polls many feeds unattended, so one misbehaving server must cost a
bounded amount of time and memory and end as data (``FetchResult.error``), never as an exception.

- Redirects are followed here, not by httpx, so a permanent move (301/308) can be told apart from a
  temporary one and reported as ``permanent_redirect_to``; only http(s) targets are followed (a
  server must not be able to point us at ``file://``).
- No request reaches a loopback, private, link-local, multicast or reserved address (SSRF: a
  public feed must not be able to make the daemon fetch a cloud metadata endpoint or an intranet
  page through a redirect). The check is made on the address actually connected to: the network
  backend resolves the name itself, refuses the addresses it must not reach and connects to an
  allowed address it resolved (so a DNS answer that changes between check and connect, DNS
  rebinding, gains nothing). Allowed anyway: the very address a feed's URL was given with (a
  feed an operator put on ``http://10.0.0.5/``) and everything with ``allow_private``.
- The body is read raw and decompressed here with ``max_length``, so the size limit counts DECODED
  bytes and a gzip bomb never inflates more than one small step past the limit in memory.
- Read and connect timeouts bound each socket operation; a total deadline (``total_timeout``)
  bounds a response that trickles bytes forever.
- ``file://`` URLs and plain paths are read from disk with the same size limit (for tests, demos
  and feeds generated on the same machine).
"""

from __future__ import annotations

import functools
import ipaddress
import os
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate, parsedate_to_datetime

import httpcore
import httpx

import monitor

PERMANENT_REDIRECTS = frozenset({301, 308})
TEMPORARY_REDIRECTS = frozenset({302, 303, 307})
MAX_REDIRECTS = 10
_CHUNK = 64 * 1024


def _default_user_agent() -> str:
    return f"monitor/{monitor.__version__} (+https://github.com/monitor-news/monitor)"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch. ``total_timeout`` None means connect + read timeout."""

    timeout_connect: float = 10
    timeout_read: float = 30
    max_bytes: int = 10_000_000
    user_agent: str = field(default_factory=_default_user_agent)
    total_timeout: float | None = None
    max_redirects: int = MAX_REDIRECTS
    trust_env: bool = False  # True: honour HTTP(S)_PROXY, NO_PROXY, SSL_CERT_FILE, .netrc
    # True: connect to loopback/private/link-local/reserved addresses too (polling.allow_private)
    allow_private: bool = False

    @property
    def deadline_seconds(self) -> float:
        if self.total_timeout is not None:
            return self.total_timeout
        return self.timeout_connect + self.timeout_read


@dataclass(frozen=True)
class FetchResult:
    """What one fetch brought: a body, a 304, or an error, plus what the scheduler needs."""

    url: str
    final_url: str
    status: int | None
    body: bytes | None
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None
    not_modified: bool
    permanent_redirect_to: str | None
    gone: bool
    retry_after: float | None
    error: str | None
    elapsed_ms: float
    permanent_redirect_status: int | None = None  # 301 or 308: the first permanent hop's code

    @property
    def ok(self) -> bool:
        """True when there is a body to parse or a 304 to record."""
        return self.error is None


class _TooLarge(Exception):
    pass


class _DeadlineExceeded(Exception):
    pass


class _BadEncoding(Exception):
    pass


IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedAddress(Exception):
    """A hop would connect to an address feeds may not reach (see the module docstring)."""


def address_class(ip: IpAddress) -> str | None:
    """Why ``ip`` is refused ("loopback", "private", ...), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is not None:
            return address_class(mapped)
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def literal_address(host: str) -> IpAddress | None:
    """The address a URL's host spells literally ("127.0.0.1", "[::1]"), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressPolicy:
    """Which non-public addresses one fetch may reach: all (``allow_private``) or only the
    ones its feed URL was given with."""

    allow_private: bool = False
    allowed: frozenset[IpAddress] = frozenset()

    @classmethod
    def for_url(cls, url: str, allow_private: bool) -> AddressPolicy:
        if allow_private:
            return cls(True)
        ip = literal_address(urllib.parse.urlsplit(url).hostname or "")
        return cls(False, frozenset({ip}) if ip is not None else frozenset())

    @property
    def key(self) -> str:
        if self.allow_private:
            return "any"
        return ",".join(sorted(str(ip) for ip in self.allowed))

    def refusal(self, ip: IpAddress) -> str | None:
        """Why connecting to ``ip`` is refused, or None when it is allowed."""
        if self.allow_private or ip in self.allowed:
            return None
        kind = address_class(ip)
        return None if kind is None else f"{ip} is a {kind} address"


def _refused_message(host: str, why: str) -> str:
    return (
        f"refusing to connect to {host}: {why} (feeds may reach only public addresses, or the "
        "address their own URL names; set polling.allow_private = true to allow private ones)"
    )


class _GuardedBackend(httpcore.SyncBackend):
    """httpcore's network backend, resolving names itself and connecting only to addresses
    the policy allows: the check is on the address the socket connects to."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: object = None,
    ) -> httpcore.NetworkStream:
        if self.policy.allow_private:
            return super().connect_tcp(host, port, timeout, local_address, socket_options)  # type: ignore[arg-type]
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        allowed: list[str] = []
        refused: list[str] = []
        for info in infos:
            ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
            why = self.policy.refusal(ip)
            if why is None:
                if str(info[4][0]) not in allowed:
                    allowed.append(str(info[4][0]))
            else:
                refused.append(why)
        if not allowed:
            raise RefusedAddress(_refused_message(host, refused[0] if refused else "no address"))
        last: Exception | None = None
        for address in allowed:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)  # type: ignore[arg-type]
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses `_GuardedBackend`."""

    def __init__(self, policy: AddressPolicy, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        super().__init__(verify=ssl_context, limits=limits, trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_GuardedBackend(policy),
        )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None if unparseable."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


class _Decoder:
    """Incremental Content-Encoding decoder whose output per step is bounded."""

    def __init__(self, encodings: list[str]) -> None:
        self._kinds: list[str] = []
        for enc in reversed(encodings):  # the last applied encoding is undone first
            if enc in ("", "identity"):
                continue
            if enc in ("gzip", "x-gzip", "deflate"):
                self._kinds.append(enc)
            else:
                raise _BadEncoding(f"unsupported content-encoding {enc!r}")
        self._objs = [self._make(kind) for kind in self._kinds]
        self._started = [False] * len(self._objs)

    @staticmethod
    def _make(kind: str, raw_deflate: bool = False) -> zlib._Decompress:
        if kind == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(zlib.MAX_WBITS | 16)

    def _step(self, i: int, data: bytes) -> Iterator[bytes]:
        """Feed ``data`` to decoder i and yield its output in pieces of at most _CHUNK."""
        obj = self._objs[i]
        if not self._started[i] and self._kinds[i] == "deflate" and data:
            # "deflate" is zlib-wrapped by the RFC, raw deflate by many servers: sniff.
            self._started[i] = True
            try:
                zlib.decompressobj().decompress(data[:2])
                # A zlib header passes; raw deflate usually fails here.
            except zlib.error:
                obj = self._objs[i] = self._make("deflate", raw_deflate=True)
        self._started[i] = True
        pending = data
        while pending:
            out = obj.decompress(pending, _CHUNK)
            pending = obj.unconsumed_tail
            if out:
                yield out
            if obj.eof:
                break

    def decode(self, data: bytes, i: int = 0) -> Iterator[bytes]:
        if i == len(self._objs):
            if data:
                yield data
            return
        for piece in self._step(i, data):
            yield from self.decode(piece, i + 1)

    def flush(self, i: int = 0) -> Iterator[bytes]:
        if i == len(self._objs):
            return
        tail = self._objs[i].flush()
        if tail:
            yield from self.decode(tail, i + 1)
        yield from self.flush(i + 1)


def _read_limited(
    chunks: Iterator[bytes], decoder: _Decoder, max_bytes: int, deadline: float
) -> bytes:
    """Decode ``chunks`` into at most ``max_bytes`` bytes, checking the deadline as it goes."""
    parts: list[bytes] = []
    size = 0

    def take(piece: bytes) -> None:
        nonlocal size
        size += len(piece)
        if size > max_bytes:
            raise _TooLarge()
        parts.append(piece)

    for raw in chunks:
        for piece in decoder.decode(raw):
            take(piece)
        if time.monotonic() > deadline:
            raise _DeadlineExceeded()
    for piece in decoder.flush():
        take(piece)
    return b"".join(parts)


def _lower_headers(headers: httpx.Headers) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in headers.multi_items():
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _is_local(url: str) -> bool:
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    return scheme == "file" or scheme == "" or (len(scheme) == 1 and os.name == "nt")


_DRAIN_BYTES = 64 * 1024


def _close(response: httpx.Response, deadline: float) -> None:
    """Close a response, first reading what is left of a short body (a 304's end, a small
    redirect or error page): a response closed before its end closes its connection too, and
    the next poll of the host would pay for a new one."""
    try:
        if not response.is_stream_consumed and not response.is_closed:
            length = response.headers.get("content-length", "")
            if response.status_code in (204, 304) or (
                length.isdigit() and int(length) <= _DRAIN_BYTES
            ):
                read = 0
                for chunk in response.iter_raw():
                    read += len(chunk)
                    if read > _DRAIN_BYTES or time.monotonic() > deadline:
                        break
    except (httpx.HTTPError, httpx.StreamError, OSError):
        pass  # the connection is dropped by the close below
    finally:
        response.close()


KEEPALIVE_SECONDS = 60.0


@functools.lru_cache(maxsize=8)
def _tls_context(trust_env: bool, cafile: str | None, capath: str | None) -> ssl.SSLContext:
    """One verifying TLS context per CA setting, shared by every client of the process
    (loading the CA bundle costs tens of milliseconds; a client context is thread-safe)."""
    return httpx.create_ssl_context(trust_env=trust_env)


def _shared_tls_context(trust_env: bool) -> ssl.SSLContext:
    if not trust_env:
        return _tls_context(False, None, None)
    return _tls_context(True, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


class _ReceivedCookies(httpx.Cookies):
    """httpx builds urllib request and response stand-ins for every response to extract its
    cookies (a tenth of a 304's cost); a response without Set-Cookie has none to extract."""

    def extract_cookies(self, response: httpx.Response) -> None:
        if "set-cookie" in response.headers:
            super().extract_cookies(response)


@dataclass
class _HostClient:
    client: httpx.Client
    busy: int = 0
    last_used: float = 0.0


class Fetcher:
    """One per daemon; thread-safe. Keeps one httpx.Client per origin (scheme, host, port), so
    a host's connection stays open from one poll to the next (HTTP keep-alive: a 304 costs no
    new TCP or TLS handshake) and polls of different hosts never contend for one connection
    pool's lock. Clients idle for longer than the keep-alive are closed, so a daemon polling
    thousands of hosts holds sockets only for the ones it polls now. All clients share one
    TLS context (loading the CA bundle is the expensive part of a client).
    """

    def __init__(
        self,
        policy: FetchPolicy = FetchPolicy(),
        transport: httpx.BaseTransport | None = None,
        *,
        max_connections: int = 100,
    ) -> None:
        self.policy = policy
        self._transport = transport
        # Per origin: requests to one host are one at a time (the host gate), a redirect hop
        # may overlap; max_connections stays the cap of one origin's connections.
        self._limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=2,
            keepalive_expiry=KEEPALIVE_SECONDS,
        )
        self._timeout = httpx.Timeout(
            connect=policy.timeout_connect,
            read=policy.timeout_read,
            write=policy.timeout_read,
            pool=policy.timeout_connect,
        )
        self._headers = {
            "User-Agent": policy.user_agent,
            "Accept-Encoding": "gzip, deflate",
            "Accept": (
                "application/atom+xml, application/rss+xml, application/rdf+xml, "
                "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
            ),
        }
        self._ssl: ssl.SSLContext | None = None
        self._clients: dict[str, _HostClient] = {}
        self._lock = threading.Lock()
        self._last_sweep = time.monotonic()
        self._closed = threading.Event()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if not self._closed.is_set():
            self._closed.set()
            with self._lock:
                clients, self._clients = list(self._clients.values()), {}
            for held in clients:
                held.client.close()

    def _new_client(self, addresses: AddressPolicy) -> httpx.Client:
        transport = self._transport
        if transport is None:
            if self._ssl is None:
                self._ssl = _shared_tls_context(self.policy.trust_env)
            # (With trust_env, a proxy from the environment is reached through httpx's own
            # transport: then only literal addresses are checked, before each hop.)
            transport = _GuardedTransport(addresses, self._ssl, self._limits)
        client = httpx.Client(
            transport=transport,
            verify=self._ssl if self._ssl is not None else True,
            limits=self._limits,
            follow_redirects=False,
            timeout=self._timeout,
            headers=self._headers,
            trust_env=self.policy.trust_env,
        )
        # The cookie setter would copy into a plain Cookies: swap the (empty) jar's wrapper.
        if type(getattr(client, "_cookies", None)) is httpx.Cookies:
            client._cookies = _ReceivedCookies(client._cookies.jar)
        return client

    @contextmanager
    def _client_for(self, url: str, addresses: AddressPolicy) -> Iterator[httpx.Client]:
        """The client of the URL's origin, marked busy (not swept) while in the block. Fetches
        under different address policies never share a client: a kept-alive connection made
        for a feed allowed to reach 10.0.0.5 is not reused by a redirect from another feed."""
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()} {addresses.key}"
        if self._transport is not None:
            origin = ""  # a test transport stands in for every host: one client
        now = time.monotonic()
        with self._lock:
            if self._closed.is_set():
                raise httpx.TransportError("the fetcher is closed")
            held = self._clients.get(origin)
            if held is None:
                held = self._clients[origin] = _HostClient(self._new_client(addresses))
            held.busy += 1
            stale = self._sweep(now)
        for old in stale:
            old.close()
        try:
            yield held.client
        finally:
            with self._lock:
                held.busy -= 1
                held.last_used = time.monotonic()

    def _sweep(self, now: float) -> list[httpx.Client]:
        """Under the lock: take out the clients idle past the keep-alive (at most every 10s)."""
        if now - self._last_sweep < 10.0:
            return []
        self._last_sweep = now
        stale = [
            origin
            for origin, held in self._clients.items()
            if not held.busy and now - held.last_used > KEEPALIVE_SECONDS
        ]
        return [self._clients.pop(origin).client for origin in stale]

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch ``url``; every network, HTTP, size or time problem ends in ``result.error``."""
        start = time.monotonic()
        try:
            local = _is_local(url)
        except ValueError as exc:  # urllib refuses it (e.g. "http://[::1")
            return FetchResult(
                url=url, final_url=url, status=None, body=None, headers={}, etag=None,
                last_modified=None, not_modified=False, permanent_redirect_to=None, gone=False,
                retry_after=None, error=f"invalid URL: {exc}",
                elapsed_ms=(time.monotonic() - start) * 1000,
            )  # fmt: skip
        if local:
            return self._fetch_file(url, last_modified, start)
        return self._fetch_http(url, etag, last_modified, start)

    # -- local files -------------------------------------------------------------------

    def _fetch_file(self, url: str, last_modified: str | None, start: float) -> FetchResult:
        parts = urllib.parse.urlsplit(url)
        path = urllib.request.url2pathname(parts.path) if parts.scheme.lower() == "file" else url
        limit = self.policy.max_bytes

        def result(**kw: object) -> FetchResult:
            base: dict[str, object] = dict(
                url=url, final_url=url, status=None, body=None, headers={}, etag=None,
                last_modified=None, not_modified=False, permanent_redirect_to=None, gone=False,
                retry_after=None, error=None, elapsed_ms=(time.monotonic() - start) * 1000,
            )  # fmt: skip
            base.update(kw)
            return FetchResult(**base)  # type: ignore[arg-type]

        try:
            with open(path, "rb") as fh:
                mtime = formatdate(os.fstat(fh.fileno()).st_mtime, usegmt=True)
                if last_modified is not None and last_modified == mtime:
                    return result(status=304, not_modified=True, last_modified=mtime)
                body = fh.read(limit + 1)
        except (OSError, ValueError) as exc:
            return result(error=f"cannot read {path}: {exc.__class__.__name__}: {exc}")
        if len(body) > limit:
            return result(error=f"response larger than {limit} bytes")
        return result(status=200, body=body, last_modified=mtime)

    # -- HTTP --------------------------------------------------------------------------

    def _fetch_http(
        self, url: str, etag: str | None, last_modified: str | None, start: float
    ) -> FetchResult:
        policy = self.policy
        deadline = start + policy.deadline_seconds
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified

        current = url
        addresses = AddressPolicy.for_url(url, policy.allow_private)
        permanent_to: str | None = None
        permanent_status: int | None = None
        still_permanent = True  # only a chain of permanent hops from the start moves the feed
        status: int | None = None
        resp_headers: dict[str, str] = {}

        def result(**kw: object) -> FetchResult:
            ok = kw.get("error") is None
            base: dict[str, object] = dict(
                url=url, final_url=current, status=status, body=None, headers=resp_headers,
                etag=None, last_modified=None, not_modified=False,
                permanent_redirect_to=permanent_to if ok else None, gone=False,
                permanent_redirect_status=permanent_status if ok and permanent_to else None,
                retry_after=None, error=None, elapsed_ms=(time.monotonic() - start) * 1000,
            )  # fmt: skip
            base.update(kw)
            return FetchResult(**base)  # type: ignore[arg-type]

        try:
            for _hop in range(policy.max_redirects + 1):
                scheme = urllib.parse.urlsplit(current).scheme.lower()
                if scheme not in ("http", "https"):
                    return result(error=f"refusing to fetch {scheme or 'relative'} URL {current}")
                host = urllib.parse.urlsplit(current).hostname or ""
                literal = literal_address(host)
                why = addresses.refusal(literal) if literal is not None else None
                if why is not None:  # also checked on connect; this covers proxies and tests
                    raise RefusedAddress(_refused_message(host, why))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise _DeadlineExceeded()
                with self._client_for(current, addresses) as client:
                    request = client.build_request(
                        "GET", current, headers=headers, timeout=self._timeouts(remaining)
                    )
                    response = client.send(request, stream=True)
                    try:
                        status = response.status_code
                        resp_headers = _lower_headers(response.headers)
                        if status in PERMANENT_REDIRECTS or status in TEMPORARY_REDIRECTS:
                            location = response.headers.get("location")
                            if not location:
                                return result(error=f"HTTP {status} redirect without Location")
                            current = str(response.url.join(location.strip()))
                            if status in PERMANENT_REDIRECTS and still_permanent:
                                permanent_to = current
                                permanent_status = permanent_status or status
                            else:
                                still_permanent = False
                            continue
                        return self._final(response, etag, last_modified, deadline, result)
                    finally:
                        _close(response, deadline)
            return result(error=f"too many redirects (more than {policy.max_redirects})")
        except httpx.TimeoutException as exc:
            kind = {
                httpx.ConnectTimeout: "connect",
                httpx.ReadTimeout: "read",
                httpx.WriteTimeout: "write",
                httpx.PoolTimeout: "pool",
            }.get(type(exc), "")
            return result(error=f"timeout: {kind} timeout ({exc or type(exc).__name__})")
        except RefusedAddress as exc:
            return result(error=f"{exc} (URL {current})")
        except _DeadlineExceeded:
            return result(error=f"timeout: response not complete after {policy.deadline_seconds}s")
        except _TooLarge:
            return result(error=f"response larger than {policy.max_bytes} bytes")
        except _BadEncoding as exc:
            return result(error=str(exc))
        except zlib.error as exc:
            return result(error=f"cannot decode compressed body: {exc}")
        except httpx.ConnectError as exc:
            return result(error=f"connection failed: {exc or type(exc).__name__}")
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            return result(error=f"{type(exc).__name__}: {exc}")
        except (OSError, ValueError) as exc:  # e.g. a host name IDNA rejects
            return result(error=f"{type(exc).__name__}: {exc}")

    def _timeouts(self, remaining: float) -> httpx.Timeout:
        p = self.policy
        return httpx.Timeout(
            connect=min(p.timeout_connect, remaining),
            read=min(p.timeout_read, remaining),
            write=min(p.timeout_read, remaining),
            pool=min(p.timeout_connect, remaining),
        )

    def _final(
        self,
        response: httpx.Response,
        etag: str | None,
        last_modified: str | None,
        deadline: float,
        result: Callable[..., FetchResult],
    ) -> FetchResult:
        """Turn the last response of the redirect chain into a result (reading its body)."""
        status = response.status_code
        r_etag = response.headers.get("etag")
        r_modified = response.headers.get("last-modified")
        if status == 304:
            # A 304 may omit the validators; the ones we sent are still the right ones.
            return result(
                not_modified=True,
                etag=r_etag or etag,
                last_modified=r_modified or last_modified,
            )
        if status == 410:
            return result(gone=True, error="HTTP 410 Gone")
        if status >= 400:
            retry = (
                parse_retry_after(response.headers.get("retry-after"))
                if status in (429, 503)
                else None
            )
            reason = response.reason_phrase or ""
            return result(retry_after=retry, error=f"HTTP {status} {reason}".rstrip())
        if status >= 300 or status < 200:
            return result(error=f"HTTP {status} is not a feed response")
        encodings = [
            e.strip().lower()
            for e in response.headers.get("content-encoding", "").split(",")
            if e.strip()
        ]
        decoder = _Decoder(encodings)
        # Tighten the socket read timeout to what is left of the total deadline. httpcore reads
        # the per-request timeout dict when the body starts streaming, so this is best effort;
        # the deadline is also checked after every chunk.
        remaining = max(0.001, deadline - time.monotonic())
        timeouts = response.request.extensions.get("timeout")
        if isinstance(timeouts, dict):
            timeouts["read"] = min(timeouts.get("read") or remaining, remaining)
        if response.is_stream_consumed:
            # A test transport built the response from bytes: httpx already read and decoded it.
            chunks: Iterator[bytes] = iter([response.content])
            decoder = _Decoder([])
        else:
            chunks = response.iter_raw()
        body = _read_limited(chunks, decoder, self.policy.max_bytes, deadline)
        return result(body=body, etag=r_etag, last_modified=r_modified)
