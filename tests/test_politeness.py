"""HostGate with real threads and clocks; backoff and jitter with a seeded RNG."""

from __future__ import annotations

import random
import threading
import time

import pytest

from monitor.feeds.politeness import HostGate, backoff_seconds, host_key, jittered_interval


def _run_concurrently(gate: HostGate, urls: list[str], hold: float) -> list[tuple[float, float]]:
    """Enter ``gate.slot`` for every URL at once from its own thread; return (start, end)."""
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(urls)
    barrier = threading.Barrier(len(urls))

    def work(i: int, url: str) -> None:
        barrier.wait()
        with gate.slot(url):
            start = time.monotonic()
            time.sleep(hold)
            spans[i] = (start, time.monotonic())

    threads = [threading.Thread(target=work, args=(i, u)) for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return spans


def test_requests_to_one_host_never_overlap_and_keep_the_gap():
    gate = HostGate(min_gap=0.1)
    urls = [f"http://news.example/feed{i}" for i in range(4)]
    spans = sorted(_run_concurrently(gate, urls, hold=0.05))
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        assert start >= end + 0.1 - 0.005


def test_different_hosts_run_in_parallel():
    gate = HostGate(min_gap=1.0)
    urls = [f"http://host{i}.example/feed" for i in range(4)]
    started = time.monotonic()
    spans = _run_concurrently(gate, urls, hold=0.2)
    assert time.monotonic() - started < 0.75  # one after another: >= 0.8 s
    latest_start = max(s for s, _ in spans)
    earliest_end = min(e for _, e in spans)
    assert latest_start < earliest_end  # all four were inside their slots at once


def test_a_zero_gap_still_serialises_one_host():
    gate = HostGate(min_gap=0)
    spans = sorted(_run_concurrently(gate, ["http://a.example/1", "http://A.example/2"], 0.05))
    assert spans[1][0] >= spans[0][1]


def test_the_gap_counts_from_the_end_of_the_previous_request():
    gate = HostGate(min_gap=0.2)
    with gate.slot("http://a.example/x"):
        pass
    started = time.monotonic()
    with gate.slot("http://a.example/y"):
        waited = time.monotonic() - started
    assert 0.18 <= waited < 0.5


def test_a_slot_is_released_when_the_request_fails():
    gate = HostGate(min_gap=0)
    with pytest.raises(RuntimeError), gate.slot("http://a.example/"):
        raise RuntimeError("boom")
    done = threading.Event()

    def again() -> None:
        with gate.slot("http://a.example/"):
            done.set()

    threading.Thread(target=again).start()
    assert done.wait(2)


def test_defer_keeps_a_host_quiet():
    gate = HostGate(min_gap=0)
    gate.defer("http://busy.example/feed", 0.2)
    started = time.monotonic()
    with gate.slot("http://busy.example/other"):
        assert time.monotonic() - started >= 0.18
    with gate.slot("http://calm.example/feed"):
        pass


def test_host_keys_ignore_path_and_case_and_local_files_are_not_gated():
    assert host_key("https://News.Example/a?b") == host_key("https://news.example/c")
    assert host_key("http://127.0.0.2:8080/f") == "127.0.0.2:8080"
    assert host_key("file:///tmp/feed.xml") == host_key("/tmp/feed.xml") == ""


def test_backoff_grows_with_failures_and_is_capped():
    rng = random.Random(7)
    assert backoff_seconds(0, 60, 3600, rng) == 0
    for n in range(1, 7):
        step = 60 * 2 ** (n - 1)
        for _ in range(50):
            assert step / 2 <= backoff_seconds(n, 60, 3600, rng) <= step
    for n in (7, 20, 10_000):
        assert 1800 <= backoff_seconds(n, 60, 3600, rng) <= 3600


def test_backoff_is_jittered():
    rng = random.Random(1)
    values = {round(backoff_seconds(5, 60, 3600, rng), 6) for _ in range(100)}
    assert len(values) > 90


def test_jittered_interval_stays_within_its_fraction_and_varies():
    rng = random.Random(3)
    values = [jittered_interval(600, rng) for _ in range(500)]
    assert all(540 <= v <= 660 for v in values)
    assert max(values) - min(values) > 60
    assert jittered_interval(600, rng, fraction=0) == 600
