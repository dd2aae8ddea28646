"""The benchmark's server side: ``lineage serve`` started on a store, and load tests over loopback.

Reads: a store folder, a port, the paths to request. Returns: the server's process and
start time, latency percentiles and requests per second (through ``wrk`` when it is
installed, else Python threads), a process's resident memory.

Why apart from :mod:`bench.run`: the run decides what to measure and prints it; how a
server is started and loaded is a job of its own, and the other benchmarks can use it.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def start_server(store_dir: Path, port: int, timeout: float = 300) -> tuple[subprocess.Popen[bytes], float]:
    """Start ``lineage serve`` on the store; seconds until ``/api/stats`` answers 200."""
    exe = Path(sys.executable).with_name("lineage")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "lineage.cli"]
    cmd += ["serve", "--store", str(store_dir), "--port", str(port)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"lineage serve exited with {proc.returncode}: {err[-2000:]}")
        try:
            status, _ = get(port, "/api/stats", timeout=5)
            if status == 200:
                return proc, time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError(f"lineage serve did not answer within {timeout}s")


_WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%%d errors=%%d p50_us=%%d p99_us=%%d mean_us=%%f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def load_test_wrk(port: int, paths: list[str], clients: int, seconds: float) -> dict[str, float] | None:
    """``clients`` keep-alive connections from wrk (a separate C process, so the load
    generator does not share Python's GIL with anything); None when wrk is absent."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    lua = ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(_WRK_SCRIPT % lua)
        script = f.name
    try:
        out = subprocess.run(
            [
                wrk,
                "-t1",
                f"-c{clients}",
                f"-d{max(1, int(seconds))}s",
                "--timeout",
                "10s",
                "-s",
                script,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    kv = dict(x.split("=") for x in line.split()[1:])
    dur = max(1, int(seconds))
    return {
        "requests": float(kv["requests"]),
        "errors": float(kv["errors"]),
        "p50_ms": int(kv["p50_us"]) / 1e3,
        "p99_ms": int(kv["p99_us"]) / 1e3,
        "mean_ms": float(kv["mean_us"]) / 1e3,
        "rps": float(kv["requests"]) / dur,
        "tool": "wrk",
    }


def load_test(
    port: int, paths: list[str], clients: int = 32, max_requests: int = 2000, max_s: float = 30.0
) -> dict[str, float]:
    """``clients`` concurrent keep-alive clients GET ``paths`` in turn; latencies in ms.

    wrk when installed (Debian's ``wrk``), else Python threads, bounded by
    ``max_requests`` and ``max_s``."""
    # One request per path first: the first answer for a plan is prepared (and then
    # cached by the server); the timed run measures the steady state, the warm-up
    # time is reported on its own.
    t = time.perf_counter()
    for p in paths:
        get(port, p)
    warm_ms = (time.perf_counter() - t) * 1e3 / max(1, len(paths))
    measured = load_test_wrk(port, paths, clients, min(max_s, 15.0))
    if measured is not None:
        measured["first_ms"] = warm_ms
        return measured
    return load_test_threads(port, paths, clients, max_requests, max_s)


def load_test_threads(
    port: int, paths: list[str], clients: int = 32, max_requests: int = 2000, max_s: float = 30.0
) -> dict[str, float]:
    """``clients`` threads with keep-alive connections GET ``paths`` in turn; latencies in ms."""
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + max_s

    def worker(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path = paths[(i * 7 + k) % len(paths)]
            t = time.perf_counter()
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            dt = (time.perf_counter() - t) * 1e3
            with lock:
                if ok:
                    lat.append(dt)
                else:
                    errors[0] += 1
        conn.close()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - t0
    return {
        "requests": float(len(lat)),
        "errors": float(errors[0]),
        "p50_ms": pct(lat, 0.50),
        "p99_ms": pct(lat, 0.99),
        "mean_ms": statistics.fmean(lat) if lat else float("nan"),
        "rps": len(lat) / wall if wall else 0.0,
    }


def rss_mb(pid: int) -> float:
    """VmRSS of a process from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
