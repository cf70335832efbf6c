"""GET /timeline under load: requests/s and latency percentiles with 32 concurrent clients.

Starts Kafka and Redis (deploy/local scripts), publishes N events (default 100,000),
starts `claimline timeline serve` as its own process, waits until it has folded them all,
then drives it with `wrk` (Debian's package, a separate load process) on loopback.

    .venv/bin/python bench/timeline_load.py [--events 100000] [--seconds 15] [--connections 32] [--only LABEL ...]
                                            [--uncached] [--memory-only] [--workers N]

`--only` runs the rows whose label starts with one of the given words (e.g. `--only first`);
the trivial endpoint's baseline always runs first.

Repeated requests are answered from the process's memo of pages (per generation of the
store). `--uncached` starts the service with its page memos off (CLAIMLINE_PAGE_MEMO_ITEMS=0),
so every request is computed anew by the store, and makes wrk cycle through up to 4,000
variants of each row's request (the letter case of `q`, `actor`, `claimant` and `location`,
which those filters ignore; `limit` 40-60; the second of `as_of`), so what the store keeps
per entry (parsed entries, entries as at an as_of) is exercised as by distinct clients.
The "±15 days" row spreads `as_of` over a month, so entries straddling it are rebuilt anew.
Each row's request is answered once before the load and that first answer's time is printed
apart: it builds what the process keeps for the store's generation (a long story's entry parsed
and shown as at an as_of takes a few hundred milliseconds, once), which a serving process does
once in its life, not in each 15 s window; inside the window it had been most of the p99 of the
as_of rows.

The events carry ingestion times (each article copy ingested at noon UTC of its publication
day), so `as_of` has something to show. Redis's `used_memory` before the fold and after it,
divided by the events, is printed as bytes per event beside the events' own JSON bytes, with
the share of each kind of key (MEMORY USAGE of every key); `--memory-only` stops there.
Each row prints the load average (1 min) measured after it: the machine has 2 cores.

`--workers N` serves the timeline with N worker processes (CLAIMLINE_TIMELINE_WORKERS) and the
trivial baseline with as many (uvicorn --workers N), so the ratio compares like with like.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bench.common import publish_synthetic_events  # noqa: E402
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


def run_wrk(wrk: str, url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    extra = ["-s", str(script)] if script else []
    out = subprocess.run([wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    def latency_ms(label: str) -> float:
        value, unit = _found(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out)
        return float(value) / 1000 if unit == "us" else float(value) * 1000 if unit == "s" else float(value)
    rps = float(_found(r"Requests/sec:\s+([\d.]+)", out)[0])
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": latency_ms("50"), "p99_ms": latency_ms("99"),
            "non_2xx": int(errors.group(1)) if errors else 0}


VARIANTS = 4000
CASE_FREE = {"q", "actor", "claimant", "location"}


def variants(query: str, rng: random.Random) -> list[str]:
    """Up to VARIANTS distinct spellings of a query string that ask for the same entries (see
    the module docstring); fewer when the query has little to vary."""
    params = [tuple(part.split("=", 1)) for part in query.split("&")]
    out: set[str] = set()
    for _ in range(VARIANTS * 4):
        parts = []
        for name, value in params:
            if name in CASE_FREE:
                value = "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in value)
            elif name == "limit":
                value = str(rng.randint(40, 60))
            elif name == "as_of" and value.startswith("~"):  # any moment of the month around it
                moment = datetime.fromisoformat(value[1:]) + timedelta(seconds=rng.randint(-15 * 86400, 15 * 86400))
                value = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif name == "as_of" and len(value) >= 19:  # another minute and second of the hour
                value = f"{value[:14]}{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}{value[19:]}"
            parts.append(f"{name}={value}")
        out.add("&".join(parts))
        if len(out) >= VARIANTS:
            break
    return sorted(out)


def wrk_script(run_dir: Path, label: str, paths: list[str]) -> Path:
    """A wrk script cycling through `paths`, each of its two threads from its own half."""
    lua = run_dir / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}.lua"
    assert not any('"' in p or "\\" in p for p in paths)
    table = ",\n".join(f'"{p}"' for p in paths)
    lua.write_text(f"local paths = {{\n{table}\n}}\nlocal started = 0\n"
                   "function setup(thread)\n  thread:set('offset', started * math.floor(#paths / 2))\n"
                   "  started = started + 1\nend\nlocal i = 0\n"
                   "request = function()\n  i = i + 1\n"
                   "  return wrk.format(nil, paths[(i + offset) % #paths + 1])\nend\n")
    return lua


def redis_memory(url: str) -> tuple[int, dict[str, int]]:
    """used_memory, and MEMORY USAGE summed per kind of key (the key's name without the
    prefix, namespace and the part after the kind, e.g. `z:word`, `members`, `entries`)."""
    import redis as redis_client

    client = redis_client.Redis.from_url(url)
    try:
        used = int(client.info("memory")["used_memory"])
        kinds: dict[str, int] = {}
        for key in client.scan_iter(count=1000):
            name = key.decode(errors="replace").split(":")
            kind = ":".join(name[2:4]) if len(name) > 3 and name[2] == "z" else name[2] if len(name) > 2 else name[0]
            kinds[kind] = kinds.get(kind, 0) + int(client.memory_usage(key, samples=0) or 0)
        return used, kinds
    finally:
        client.close()


def load_rows(cursor: str | None, after_all: str, middle: str) -> list[tuple[str, str]]:
    """The rows of the bench, (label, query string): every filter of the README alone and in
    pairs. `cursor`: the 21st page's; `after_all`: a moment after the last ingestion;
    `middle`: the median ingestion moment (ISO seconds with Z)."""
    return [("first page, 50 entries", "limit=50"),
            ("21st page (cursor), 50 entries", f"limit=50&cursor={cursor}"),
            ("newest first, 50 entries", "order=desc&limit=50"),
            ("type", "type=casualties_claimed&limit=50"),
            ("actor", "actor=PRK&limit=50"),
            ("claimant", "claimant=UKR&limit=50"),
            ("contested", "contested=true&limit=50"),
            ("location", "location=kursk&limit=50"),
            ("from/to", "from=2025-06-01&to=2025-12-31&limit=50"),
            ("from", "from=2026-01-01&limit=50"),
            ("contested=false", "contested=false&limit=50"),
            ("q one word", "q=Kursk&limit=50"),
            ("q phrase", "q=North Korean troops&limit=50"),
            ("q word part", "q=ursk&limit=50"),
            ("q rare word", "q=Pyongyang&limit=50"),
            (f"as_of after all ({after_all})", f"as_of={after_all}&limit=50"),
            (f"as_of mid-log ({middle})", f"as_of={middle}&limit=50"),
            ("as_of mid-log ±15 days", f"as_of=~{middle}&limit=50"),
            ("as_of mid-log, from its day", f"as_of={middle}&from={middle[:10]}&limit=50"),
            ("type+actor", "type=troops_deployed&actor=PRK&limit=50"),
            ("location+claimant", "location=kursk&claimant=UKR&limit=50"),
            ("actor+from/to", "actor=RUS&from=2025-06-01&to=2025-12-31&limit=50"),
            ("contested+type", "contested=true&type=territory_claimed&limit=50"),
            ("q+type", "q=Kursk&type=troops_deployed&limit=50"),
            ("q+actor", "q=Kursk&actor=PRK&limit=50"),
            ("q+claimant", "q=Kursk&claimant=UKR&limit=50"),
            ("q+location", "q=troops&location=kursk&limit=50"),
            ("q+contested", "q=Kursk&contested=true&limit=50"),
            ("q+from/to", "q=Kursk&from=2025-06-01&to=2025-12-31&limit=50"),
            ("q+as_of", f"q=Kursk&as_of={middle}&limit=50"),
            ("as_of+type", f"as_of={middle}&type=troops_deployed&limit=50"),
            ("as_of+actor", f"as_of={middle}&actor=PRK&limit=50"),
            ("as_of+claimant", f"as_of={middle}&claimant=UKR&limit=50"),
            ("as_of+location", f"as_of={middle}&location=kursk&limit=50"),
            ("as_of+contested", f"as_of={middle}&contested=true&limit=50"),
            ("as_of+from/to", f"as_of={middle}&from=2025-06-01&to=2025-12-31&limit=50")]


class TrivialEndpoint:
    """The raw baseline: a trivial FastAPI endpoint (uvicorn, `workers` processes, as
    `timeline serve`) answering `page`'s bytes without reading anything, at `url` while in
    the `with`."""

    def __init__(self, run_dir: Path, page: bytes, port: int, workers: int = 1) -> None:
        (run_dir / "page.json").write_bytes(page)
        (run_dir / "trivial.py").write_text(
            "from pathlib import Path\nfrom fastapi import FastAPI\nfrom fastapi.responses import Response\n"
            f"BODY = Path({str(run_dir / 'page.json')!r}).read_bytes()\napp = FastAPI()\n"
            "@app.get('/p')\nasync def p():\n    return Response(BODY, media_type='application/json')\n")
        self.url = f"http://127.0.0.1:{port}/p"
        self._command = [sys.executable, "-m", "uvicorn", "trivial:app", "--port", str(port), "--log-level",
                         "warning", "--no-access-log", "--workers", str(workers)]
        self._cwd = run_dir
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> TrivialEndpoint:
        self.process = subprocess.Popen(self._command, cwd=self._cwd)
        for _ in range(100):
            try:
                if httpx.get(self.url, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()


def main(n: int, seconds: int, connections: int, only: list[str] | None = None, uncached: bool = False,
         memory_only: bool = False, workers: int = 1) -> None:
    wrk = ensure_wrk()
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-load-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    timeline = None
    try:
        prefix = "load."
        print(f"generating and publishing {n} events ...", flush=True)
        started = time.perf_counter()
        raw_bytes, middle, after_all = publish_synthetic_events(kafka.bootstrap, prefix, n)
        print(f"published in {time.perf_counter() - started:.1f} s", flush=True)
        used_before, _ = redis_memory(redis_.url)
        env = service_env(kafka.bootstrap, redis_.url, prefix)
        if uncached:
            env["CLAIMLINE_PAGE_MEMO_ITEMS"] = "0"  # no page memo: every request computed anew
        env["CLAIMLINE_TIMELINE_WORKERS"] = str(workers)
        timeline = ServiceProcess("timeline", ["timeline", "serve"], env, run_dir / "timeline.log").start()
        base = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
        # An empty store is filled by the rebuild before the process answers (about 90 s at 1M
        # events on this machine), so the wait grows with the log.
        started = time.perf_counter()
        wait_http_ok(f"{base}/health", timeline, timeout_s=max(60.0, n / 1000))
        while httpx.get(f"{base}/health", timeout=10).json().get("consumer_lag") != 0:
            time.sleep(0.5)
        print(f"timeline serve rebuilt and folded {n} events in {time.perf_counter() - started:.1f} s", flush=True)
        counts = httpx.get(f"{base}/metrics").text
        (entries,) = _found(r"^claimline_timeline_entries (\S+)", counts)
        print(f"timeline: {float(entries):.0f} entries")
        used_after, kinds = redis_memory(redis_.url)
        stored = used_after - used_before
        print(f"Redis used_memory: {used_before:,} B before the fold, {used_after:,} B after: "
              f"{stored / n:,.0f} B per event; the events' own JSON: {raw_bytes / n:,.0f} B per event "
              f"(ratio {stored / raw_bytes:.2f})")
        total = sum(kinds.values()) or 1
        print("  by kind of key (MEMORY USAGE): " + ", ".join(
            f"{kind} {size / n:,.0f} B/event ({size / total:.0%})"
            for kind, size in sorted(kinds.items(), key=lambda item: -item[1]) if size / total >= 0.005))
        if memory_only:
            return
        page = httpx.get(f"{base}/timeline", params={"limit": 50}).content
        print(f"one page of 50 entries: {len(page) / 1024:.0f} KiB")
        # A page deep in the timeline, reached by following next_cursor as a client does.
        cursor = None
        for _ in range(20):
            cursor = httpx.get(f"{base}/timeline", params={"limit": 50, "cursor": cursor}).json()["next_cursor"]
        # The raw baseline, same run: a trivial FastAPI endpoint (uvicorn, one process, as
        # `timeline serve`) answering the first page's bytes without reading anything.
        with TrivialEndpoint(run_dir, page, int(env["CLAIMLINE_TIMELINE_PORT"]) + 17, workers) as trivial:
            baseline = run_wrk(wrk, trivial.url, seconds, connections)
        print(f"baseline, trivial FastAPI endpoint, same bytes: {baseline['rps']:,.0f} req/s, "
              f"p99 {baseline['p99_ms']:.1f} ms ({workers} worker process{'es' if workers > 1 else ''}, "
              f"as the timeline)")
        rows = load_rows(cursor, after_all, middle)
        rng = random.Random(14)
        for label, query in rows:
            if only and not any(label.startswith(word) for word in only):
                continue
            script, note = None, ""
            if uncached:
                paths = [f"/timeline?{v}".replace(" ", "%20") for v in variants(query, rng)]
                script = wrk_script(run_dir, label, paths)
                note = f", {len(paths):,} variants, page memos off"
            query = query.replace("as_of=~", "as_of=")  # (one moment when not --uncached)
            # The row's first answer, timed on its own before the load: it builds what the
            # process keeps for the store's generation (entries parsed and shown as at an
            # as_of), which a serving process does once, not in each 15 s of its life.
            started = time.perf_counter()
            httpx.get(f"{base}/timeline?{query}", timeout=300).raise_for_status()
            first_ms = (time.perf_counter() - started) * 1000
            result = run_wrk(wrk, f"{base}/timeline?{query.replace(' ', '%20')}", seconds, connections, script)
            entries_found = len(httpx.get(f"{base}/timeline?{query}", timeout=300).json()["entries"])
            print(f"{label}: {result['rps']:,.0f} req/s ({result['rps'] / baseline['rps']:.2f}x baseline), "
                  f"p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, non-2xx {result['non_2xx']} "
                  f"({connections} connections, {seconds} s, wrk{note}; {entries_found} entries on the page; "
                  f"load average {os.getloadavg()[0]:.1f}; its first answer, before the load: {first_ms:,.0f} ms)",
                  flush=True)
    finally:
        if timeline:
            timeline.stop()
        kafka.stop()
        redis_.stop()
        shutil.rmtree(run_dir, ignore_errors=True)  # Kafka's and Redis's data: gigabytes at 1M events


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--only", nargs="*", help="rows whose label starts with one of these words")
    parser.add_argument("--uncached", action="store_true",
                        help="vary each request so the memos cannot answer it (see above)")
    parser.add_argument("--memory-only", action="store_true", help="stop after the bytes per event")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes of the timeline and of the trivial baseline")
    args = parser.parse_args()
    main(args.events, args.seconds, args.connections, args.only, args.uncached, args.memory_only, args.workers)
