"""Being a polite client: one request at a time per host, a gap between them, jittered timing.

Why: many feeds often live on one host (a publisher's section feeds); polling them all at once
looks like an attack and gets us rate-limited. Jitter keeps a fleet of daemons (or one daemon's
feeds that share an interval) from hitting servers in lockstep.
"""

from __future__ import annotations

import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


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
