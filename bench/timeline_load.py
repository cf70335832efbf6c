"""GET /timeline under load: requests/s and latency percentiles with 32 concurrent clients.

Starts Kafka and Redis (deploy/local scripts), publishes N events (default 100,000),
starts `claimline timeline serve` as its own process, waits until it has folded them all,
then drives it with `wrk` (Debian's package, a separate load process) on loopback.

    .venv/bin/python bench/timeline_load.py [--events 100000] [--seconds 15] [--connections 32] [--only LABEL ...]

`--only` runs the rows whose label starts with one of the given words (e.g. `--only first`);
the trivial endpoint's baseline always runs first.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bench.common import publish_events, synthetic_events  # noqa: E402
from tests.support.infra import start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
        path = shutil.which("wrk")
    assert path, "wrk could not be installed"
    return path


def _found(pattern: str, text: str) -> tuple[str, ...]:
    """The groups of the first line matching `pattern` (an error naming it when none does)."""
    match = re.search(pattern, text, re.M)
    if match is None:
        raise ValueError(f"no line matches {pattern!r} in:\n{text}")
    return match.groups()


def run_wrk(wrk: str, url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    def latency_ms(label: str) -> float:
        value, unit = _found(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out)
        return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)
    rps = float(_found(r"Requests/sec:\s+([\d.]+)", out)[0])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": latency_ms("50"), "p99_ms": latency_ms("99"),
            "non_2xx": int(errors.group(1)) if errors else 0}


def main(n: int, seconds: int, connections: int, only: list[str] | None = None) -> None:
    wrk = ensure_wrk()
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-load-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    timeline = None
    try:
        prefix = "load."
        print(f"generating and publishing {n} events ...", flush=True)
        asyncio.run(publish_events(kafka.bootstrap, prefix, synthetic_events(n)))
        env = service_env(kafka.bootstrap, redis_.url, prefix)
        timeline = ServiceProcess("timeline", ["timeline", "serve"], env, run_dir / "timeline.log").start()
        base = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
        wait_http_ok(f"{base}/health", timeline)
        started = time.perf_counter()
        while httpx.get(f"{base}/health", timeout=10).json().get("consumer_lag") != 0:
            time.sleep(0.5)
        print(f"live projector folded {n} events in {time.perf_counter() - started:.1f} s")
        counts = httpx.get(f"{base}/metrics").text
        (entries,) = _found(r"^claimline_timeline_entries (\S+)", counts)
        print(f"timeline: {float(entries):.0f} entries")
        page = httpx.get(f"{base}/timeline", params={"limit": 50}).content
        print(f"one page of 50 entries: {len(page) / 1024:.0f} KiB")
        # A page deep in the timeline, reached by following next_cursor as a client does.
        cursor = None
        for _ in range(20):
            cursor = httpx.get(f"{base}/timeline", params={"limit": 50, "cursor": cursor}).json()["next_cursor"]
        # The raw baseline, same run: a trivial FastAPI endpoint (uvicorn, one process, as
        # `timeline serve`) answering the first page's bytes without reading anything.
        (run_dir / "page.json").write_bytes(page)
        (run_dir / "trivial.py").write_text(
            "from pathlib import Path\nfrom fastapi import FastAPI\nfrom fastapi.responses import Response\n"
            f"BODY = Path({str(run_dir / 'page.json')!r}).read_bytes()\napp = FastAPI()\n"
            "@app.get('/p')\nasync def p():\n    return Response(BODY, media_type='application/json')\n")
        port = int(env["CLAIMLINE_TIMELINE_PORT"]) + 17
        trivial = subprocess.Popen([sys.executable, "-m", "uvicorn", "trivial:app", "--port", str(port),
                                    "--log-level", "warning", "--no-access-log"], cwd=run_dir)
        try:
            for _ in range(100):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/p", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            baseline = run_wrk(wrk, f"http://127.0.0.1:{port}/p", seconds, connections)
        finally:
            trivial.terminate()
            trivial.wait()
        print(f"baseline, trivial FastAPI endpoint, same bytes: {baseline['rps']:,.0f} req/s, "
              f"p99 {baseline['p99_ms']:.1f} ms")
        rows = [("first page, 50 entries", "limit=50"),
                ("21st page (cursor), 50 entries", f"limit=50&cursor={cursor}"),
                ("newest first, 50 entries", "order=desc&limit=50"),
                ("type", "type=casualties_claimed&limit=50"),
                ("actor", "actor=PRK&limit=50"),
                ("claimant", "claimant=UKR&limit=50"),
                ("contested", "contested=true&limit=50"),
                ("location", "location=kursk&limit=50"),
                ("from/to", "from=2025-06-01&to=2025-12-31&limit=50"),
                ("from", "from=2026-01-01&limit=50"),
                ("q", "q=Kursk&limit=50"),
                ("as_of", "as_of=2030-01-01T00:00:00Z&limit=50"),
                ("type+actor", "type=troops_deployed&actor=PRK&limit=50"),
                ("location+claimant", "location=kursk&claimant=UKR&limit=50"),
                ("actor+from/to", "actor=RUS&from=2025-06-01&to=2025-12-31&limit=50"),
                ("contested+type", "contested=true&type=territory_claimed&limit=50")]
        for label, query in rows:
            if only and not any(label.startswith(word) for word in only):
                continue
            result = run_wrk(wrk, f"{base}/timeline?{query}", seconds, connections)
            print(f"{label}: {result['rps']:,.0f} req/s ({result['rps'] / baseline['rps']:.2f}x baseline), "
                  f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']} "
                  f"({connections} connections, {seconds} s, wrk)", flush=True)
    finally:
        if timeline:
            timeline.stop()
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", nargs="*", help="rows whose label starts with one of these words")
    args = parser.parse_args()
    main(args.events, args.seconds, args.connections, args.only)
