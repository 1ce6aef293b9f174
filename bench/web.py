"""Load figures for `monitor serve`: /api/claims and the claims page on a log of 1,000 claims and
100,000 events, 50 concurrent clients over loopback.

    python bench/web.py --json [--events 100000 --claims 1000 --seconds 10 --connections 50]

The server is the real one (`monitor serve`: one uvicorn worker, one process) on a SQLite file;
the load generator is Debian's `wrk` in its own process (one thread), so the server and the
generator share the machine's cores as they would on a small host. Memory is the server's RSS
sampled from /proc before, between and after the runs ("flat": it does not grow with requests).
The database is built once and kept under --workdir (re-used on the next run).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from eventstore import generate  # noqa: E402

from monitor.app import bootstrap, ensure_schema  # noqa: E402
from monitor.config import Settings  # noqa: E402

TARGETS = {"api_claims_rps": 1000, "api_claims_p99_ms": 50, "claims_page_rps": 300}


def build_database(path: Path, events: int, claims: int) -> str:
    url = f"sqlite:///{path}"
    if path.exists():
        return url
    tmp = path.with_suffix(".building")
    for leftover in tmp.parent.glob(tmp.name + "*"):
        leftover.unlink()
    app = bootstrap(Settings(database_url=f"sqlite:///{tmp}"))
    ensure_schema(app)
    batch = []
    started = time.perf_counter()
    for e in generate(events, claims):
        batch.append(e)
        if len(batch) == 1000:
            app.store.append(batch)
            batch = []
    if batch:
        app.store.append(batch)
    app.close()
    tmp.rename(path)
    print(f"built {path}: {events} events in {time.perf_counter() - started:.0f}s", file=sys.stderr)
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    assert m, text
    return float(m.group(1)) * _UNITS[m.group(2)]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SERVER_PID = 0


def wrk(url: str, seconds: int, connections: int, headers: list[str] | None = None) -> dict:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    for h in headers or []:
        cmd += ["-H", h]
    cpu = cpu_seconds(SERVER_PID)
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(SERVER_PID) - cpu
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    pct = {p: _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": round(rps),
        # Server CPU per request: what one request costs, whatever else the machine runs.
        "server_cpu_ms_per_request": round(cpu * 1000 / max(total, 1), 3),
        "server_cpu_share": round(cpu / seconds, 2),
        "p50_ms": pct.get("50"),
        "p99_ms": pct.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=1000)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--churn", type=int, default=30, help="appends while watching RSS")
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/monitor-bench-web"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/web.py needs wrk (apt-get install wrk)")

    args.workdir.mkdir(parents=True, exist_ok=True)
    db = args.workdir / f"web-{args.claims}-{args.events}.db"
    url = build_database(db, args.events, args.claims)
    port = free_port()
    env = {**os.environ, "MONITOR_CONFIG": "", "MONITOR_DATABASE_URL": ""}
    env["MONITOR_WEB_TOKEN"] = "bench-token-0123456789"
    server = subprocess.Popen(
        [sys.executable, "-m", "monitor.cli", "--db", url, "serve", "--port", str(port)],
        cwd=args.workdir,
        env=env,
    )
    global SERVER_PID
    SERVER_PID = server.pid
    base = f"http://127.0.0.1:{port}"
    result: dict = {
        "events": args.events,
        "claims": args.claims,
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg()[0],
    }
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        result["rss_mib_start"] = round(rss_mib(server.pid), 1)
        t = time.perf_counter()
        first = httpx.get(base + "/api/claims", timeout=60, headers={"Accept-Encoding": "identity"})
        result["api_claims_first_ms"] = round((time.perf_counter() - t) * 1000, 1)
        assert first.json()["count"] == args.claims
        result["api_claims_bytes"] = len(first.content)
        t = time.perf_counter()
        httpx.get(base + "/claims", timeout=60).raise_for_status()
        result["claims_page_first_ms"] = round((time.perf_counter() - t) * 1000, 1)
        result["rss_mib_warm"] = round(rss_mib(server.pid), 1)

        api = wrk(base + "/api/claims", args.seconds, args.connections)
        result["api_claims"] = api
        result["rss_mib_after_api"] = round(rss_mib(server.pid), 1)
        page = wrk(base + "/claims", args.seconds, args.connections)
        result["claims_page"] = page
        result["rss_mib_after_page"] = round(rss_mib(server.pid), 1)
        # wrk sends no Accept-Encoding: revalidate the identity variant (its own ETag).
        etag = httpx.head(base + "/api/claims", headers={"Accept-Encoding": "identity"}).headers[
            "etag"
        ]
        result["api_claims_304"] = wrk(
            base + "/api/claims", args.seconds, args.connections, [f"If-None-Match: {etag}"]
        )
        result["api_claims_gzip"] = wrk(
            base + "/api/claims", args.seconds, args.connections, ["Accept-Encoding: gzip"]
        )
        # A change moves the head: the next read rebuilds the claims (incrementally).
        httpx.post(
            f"{base}/api/claims/claim-1/corrections",
            json={"status": "approved", "reason": "bench"},
            headers={"Authorization": f"Bearer {env['MONITOR_WEB_TOKEN']}"},
        ).raise_for_status()
        t = time.perf_counter()
        httpx.get(base + "/api/claims", timeout=60).raise_for_status()
        result["api_claims_after_append_ms"] = round((time.perf_counter() - t) * 1000, 1)
        again = wrk(base + "/api/claims", args.seconds, args.connections)
        result["api_claims_again"] = again
        # Memory under churn: each append replaces the cached claims (and their rendered and
        # compressed variants); RSS must level off, not climb with every head.
        churn = []
        for i in range(args.churn):
            httpx.post(
                f"{base}/api/claims/claim-{i % args.claims}/corrections",
                json={"value": f"v{i}", "reason": "bench churn"},
                headers={"Authorization": f"Bearer {env['MONITOR_WEB_TOKEN']}"},
            ).raise_for_status()
            httpx.get(base + "/api/claims", timeout=60).raise_for_status()
            httpx.get(base + "/claims", timeout=60).raise_for_status()
            churn.append(round(rss_mib(server.pid), 1))
        result["rss_mib_churn"] = churn
        result["rss_mib_end"] = round(rss_mib(server.pid), 1)
    finally:
        server.terminate()
        server.wait(10)
    result["targets"] = TARGETS
    churn = result.get("rss_mib_churn", [])
    result["met"] = {
        "api_claims_rps": api["rps"] >= TARGETS["api_claims_rps"],
        "api_claims_p99_ms": api["p99_ms"] <= TARGETS["api_claims_p99_ms"],
        "claims_page_rps": page["rps"] >= TARGETS["claims_page_rps"],
        # Flat: the second half of the churn adds less than 5 MiB.
        "memory_flat": churn[-1] - churn[len(churn) // 2] < 5 if churn else None,
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
