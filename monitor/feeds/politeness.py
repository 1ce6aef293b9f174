"""Being a polite client: one request at a time per host, a gap between them, jittered timing.

Why: many feeds often live on one host (a publisher's section feeds); polling them all at once
looks like an attack and gets us rate-limited. Jitter keeps a fleet of daemons (or one daemon's
feeds that share an interval) from hitting servers in lockstep.
"""

from __future__ import annotations

import functools
import random
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@functools.lru_cache(maxsize=16384)  # a daemon asks for the same URLs' keys every cycle
def host_key(url: str) -> str:
    """The politeness key of a URL: its lower-cased host and port ("" for local files)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        return ""
    host = (parts.hostname or "").lower()
    port = parts.port
    return f"{host}:{port}" if port else host


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_allowed: float = 0.0


class HostGate:
    """At most one request in flight per host, and ``min_gap`` seconds between the end of one
    request and the start of the next to the same host. Different hosts never wait on each
    other. Thread-safe. Local files (``file://``, paths) are not gated.
    """

    def __init__(
        self,
        min_gap: float = 1.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if min_gap < 0:
            raise ValueError("min_gap must be >= 0")
        self.min_gap = min_gap
        self._clock = clock
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, key: str) -> _Host:
        with self._lock:
            host = self._hosts.get(key)
            if host is None:
                host = self._hosts[key] = _Host()
            return host

    def defer(self, url: str, seconds: float) -> None:
        """Keep the host quiet for ``seconds`` from now (e.g. after a 429 with Retry-After)."""
        key = host_key(url)
        if not key:
            return
        host = self._host(key)
        with self._lock:
            host.next_allowed = max(host.next_allowed, self._clock() + seconds)

    def wait_seconds(self, url: str) -> float:
        """How long a request to this URL's host would wait for its gap or Retry-After now."""
        key = host_key(url)
        if not key:
            return 0.0
        host = self._host(key)
        with self._lock:
            return max(0.0, host.next_allowed - self._clock())

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        """Wait for this URL's host to be free and its gap to pass; hold it while in the block."""
        key = host_key(url)
        if not key:
            yield
            return
        host = self._host(key)
        with host.lock:
            while True:
                with self._lock:
                    wait = host.next_allowed - self._clock()
                if wait <= 0:
                    break
                self._sleep(wait)
            try:
                yield
            finally:
                with self._lock:
                    host.next_allowed = max(host.next_allowed, self._clock() + self.min_gap)


class HostTicket(Generic[T]):
    """One item taken from a `HostQueue`; `release()` (idempotent) frees its host."""

    __slots__ = ("_queue", "host", "item", "_released")

    def __init__(self, queue: HostQueue[T], host: str, item: T) -> None:
        self._queue = queue
        self.host = host
        self.item = item
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._queue._release(self.host)


class HostQueue(Generic[T]):
    """Work for a pool of workers, scheduled by host: no two workers hold items of one host
    at once, and a free host whose politeness gap has passed is preferred, so a pool spreads
    over every host instead of queueing behind one host's gate.

    A worker ``take()``s a ticket and releases it once its request to the host is over (not
    when the whole poll is: parsing and recording overlap with the next request to the host).
    Items of one host are handed out in the order they were put. ``seal()`` says no more items
    will come (``take()`` then returns None once none is left); ``close()`` ends every
    ``take()`` at once (pending items are dropped). Thread-safe.
    """

    def __init__(
        self,
        url_of: Callable[[T], str],
        gate: HostGate | None = None,
        *,
        max_wait: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._url_of = url_of
        self._gate = gate
        self._max_wait = max_wait  # a host deferred for longer is handed out at once
        self._clock = clock
        self._cond = threading.Condition()
        self._pending: dict[str, deque[T]] = {}  # host -> items; dict order is the rotation
        self._busy: set[str] = set()
        self._sealed = False
        self._closed = False
        self._anonymous = 0  # items without a host key (local files): never exclusive

    def put(self, item: T) -> None:
        key = host_key(self._url_of(item))
        with self._cond:
            if self._closed:
                return
            if not key:
                self._anonymous += 1
                key = f"\0{self._anonymous}"  # its own "host": never waits for another
            self._pending.setdefault(key, deque()).append(item)
            self._cond.notify()

    def seal(self) -> None:
        with self._cond:
            self._sealed = True
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._pending.clear()
            self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return sum(len(q) for q in self._pending.values())

    def _wait_of(self, key: str, items: deque[T]) -> float:
        if self._gate is None or key.startswith("\0"):
            return 0.0
        wait = self._gate.wait_seconds(self._url_of(items[0]))
        return 0.0 if wait > self._max_wait else wait

    def take(self, timeout: float | None = None) -> HostTicket[T] | None:
        """The next item of a free host; None when closed, sealed and empty, or timed out."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while not self._closed:
                soonest: float | None = None
                for key, items in self._pending.items():
                    if key in self._busy:
                        continue
                    wait = self._wait_of(key, items)
                    if wait <= 0:
                        item = items.popleft()
                        del self._pending[key]
                        if items:
                            self._pending[key] = items  # to the end of the rotation
                        self._busy.add(key)
                        return HostTicket(self, key, item)
                    soonest = wait if soonest is None else min(soonest, wait)
                if self._sealed and not self._pending:
                    return None
                if deadline is not None:
                    left = deadline - self._clock()
                    if left <= 0:
                        return None
                    soonest = left if soonest is None else min(soonest, left)
                self._cond.wait(soonest)
            return None

    def _release(self, key: str) -> None:
        with self._cond:
            self._busy.discard(key)
            self._cond.notify_all()


def backoff_seconds(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """Delay before retrying after ``failures`` consecutive failures: exponential, capped, with
    "equal" jitter (half the step fixed, half uniform random).

    Full jitter (uniform over [0, step]) can retry a broken feed seconds after its fifth
    failure; keeping the lower half fixed makes the delay grow with every failure while the
    random half still spreads retries apart.
    """
    if failures <= 0:
        return 0.0
    step = min(cap, base * 2.0 ** min(failures - 1, 60))
    return step / 2 + rng.uniform(0, step / 2)


def jittered_interval(interval: float, rng: random.Random, fraction: float = 0.1) -> float:
    """``interval`` moved by up to ±``fraction`` of itself, so polls do not fall in lockstep."""
    return max(0.0, interval * (1.0 + rng.uniform(-fraction, fraction)))
