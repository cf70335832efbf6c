"""GET /timeline of two checkouts, alternated on the same data: requests/s, latency, and
where the CPU of a request goes (the timeline process against Redis's scripts).

The machine has 2 cores shared with other work, so a figure measured at one moment says
little about a figure measured at another: this bench serves the same log from two
checkouts at once (each its own `timeline serve` process, with the page memos off, on its
own Redis prefix of one Redis, folded from one Kafka topic) and runs every row on each in
turn, several rounds, the order swapped each round.

    .venv/bin/python bench/timeline_compare.py --before /work/main [--after .] [--events 100000]
        [--seconds 10] [--rounds 3] [--only LABEL ...] [--profile DIR] [--baseline]

Rows and request variants are `bench/timeline_load.py`'s (`--uncached`). Besides req/s, p50 and
p99 each measurement prints, per request: the CPU time of the timeline process (user+system,
from /proc) and Redis's time in EVALSHA (`INFO commandstats`, reset before each run) and in
all commands. Only the process being measured gets requests; the other one idles.
`--baseline` also runs, in every round before the rows, `timeline_load`'s raw baseline: a
trivial FastAPI endpoint returning the first page's bytes (its req/s against the first page's
is the issue's ratio), with its CPU per request.

At 1M events the log takes minutes to publish and each projection minutes to fold: `--hold`
keeps Kafka and Redis (with the log, and each checkout's projection under its own Redis
prefix) for later runs, which reuse them through CLAIMLINE_TEST_KAFKA_BOOTSTRAP and
CLAIMLINE_TEST_REDIS_URL; `--fresh` folds the measured checkout's projection anew (a change
to what is indexed).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import redis as redis_client  # noqa: E402

from bench.common import publish_synthetic_events  # noqa: E402
from bench.timeline_load import (  # noqa: E402
    TrivialEndpoint,
    ensure_wrk,
    load_rows,
    run_wrk,
    variants,
    wrk_script,
)
from tests.support.infra import KAFKA_ENV, REDIS_ENV, start_kafka, start_redis  # noqa: E402
from tests.support.services import CLAIMLINE, service_env  # noqa: E402

_TICKS = os.sysconf("SC_CLK_TCK")
PUBLISHED_KEY = "cmp:published"


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children that are alive (uvicorn's workers)."""
    total = 0.0
    pids = [pid]
    while pids:
        current = pids.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / _TICKS
            for task in Path(f"/proc/{current}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def redis_times(client: redis_client.Redis) -> tuple[float, int, float]:
    """(µs in EVALSHA, EVALSHA calls, µs in all commands) since the last CONFIG RESETSTAT."""
    stats = client.info("commandstats")
    evalsha = stats.get("cmdstat_evalsha", {})
    return (float(evalsha.get("usec", 0)), int(evalsha.get("calls", 0)),
            float(sum(v.get("usec", 0) for v in stats.values())))


class Served:
    """One checkout's `timeline serve` on its own Redis prefix and port."""

    def __init__(self, name: str, checkout: Path, kafka: str, redis_url: str, topic_prefix: str,
                 run_dir: Path) -> None:
        self.name = name
        env = service_env(kafka, redis_url, topic_prefix)
        env["CLAIMLINE_REDIS_PREFIX"] = f"cmp-{name}"
        env["CLAIMLINE_PAGE_MEMO_ITEMS"] = "0"
        env["CLAIMLINE_TIMELINE_WORKERS"] = "1"
        env["PYTHONPATH"] = str(checkout)
        self.base = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
        self._log = open(run_dir / f"timeline-{name}.log", "ab")  # noqa: SIM115 - open while it runs
        self.process = subprocess.Popen([*CLAIMLINE, "timeline", "serve"], cwd=checkout,
                                        env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def wait_folded(self, n: int) -> None:
        started = time.perf_counter()
        deadline = time.monotonic() + max(120.0, n / 500)
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: timeline serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.base}/health", timeout=10).json().get("consumer_lag") == 0:
                    break
            except (httpx.HTTPError, ValueError):
                pass  # not serving yet (an empty projection is rebuilt first)
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.name}: not folded in time")
            time.sleep(0.5)
        print(f"{self.name}: serving, {n} events folded, after {time.perf_counter() - started:.1f} s", flush=True)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
        self._log.close()


def published(bootstrap: str, redis_url: str, topic_prefix: str, n: int) -> tuple[str, str]:
    """Publishes the n events once per Kafka and Redis (a run that reuses both, see `--hold`,
    finds them there: `cmp:published` in Redis); returns the middle ingestion moment and one
    after all of them."""
    client = redis_client.Redis.from_url(redis_url)
    try:
        kept = client.get(PUBLISHED_KEY)
        if kept is not None:
            done = json.loads(kept)
            if done["events"] != n:
                raise SystemExit(f"this Kafka holds {done['events']} events, not {n}")
            return done["middle"], done["after_all"]
        _, middle, after_all = publish_synthetic_events(bootstrap, topic_prefix, n)
        client.set(PUBLISHED_KEY, json.dumps({"events": n, "middle": middle, "after_all": after_all}))
        return middle, after_all
    finally:
        client.close()


def wipe_prefix(redis_url: str, prefix: str) -> None:
    """Deletes a checkout's projection, so its process rebuilds it (an index it adds)."""
    client = redis_client.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=10000))
        for start in range(0, len(keys), 10000):
            client.delete(*keys[start:start + 10000])
    finally:
        client.close()


def main(before: Path, after: Path, n: int, seconds: int, connections: int, rounds: int,
         only: list[str] | None, profile: Path | None = None, hold: bool = False, fresh: bool = False,
         baseline: bool = False) -> None:
    wrk = ensure_wrk()
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-compare-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    served: list[Served] = []
    try:
        topic_prefix = "cmp."
        middle, after_all = published(kafka.bootstrap, redis_.url, topic_prefix, n)
        if hold:
            print(f"holding: {KAFKA_ENV}={kafka.bootstrap} {REDIS_ENV}={redis_.url}", flush=True)
            # Blocked first, so the signal is waited for instead of ending the process before
            # the `finally` below stops Kafka and Redis and removes their data (gigabytes at 1M).
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
            return
        if fresh:
            wipe_prefix(redis_.url, "cmp-after")
        # One after the other: two rebuilds at once would share the 2 cores.
        for name, checkout in (("before", before), ("after", after)):
            one = Served(name, checkout, kafka.bootstrap, redis_.url, topic_prefix, run_dir)
            served.append(one)
            one.wait_folded(n)
        cursor = None
        for _ in range(20):
            page = httpx.get(f"{served[0].base}/timeline", params={"limit": 50, "cursor": cursor})
            cursor = page.json()["next_cursor"]
        stats = redis_client.Redis.from_url(redis_.url)
        if baseline:
            first_page = httpx.get(f"{served[-1].base}/timeline", params={"limit": 50}, timeout=60).content
            with TrivialEndpoint(run_dir, first_page, int(served[-1].base.rsplit(":", 1)[1]) + 17) as trivial:
                print(f"trivial FastAPI endpoint, the first page's {len(first_page):,} bytes:", flush=True)
                for _ in range(rounds):
                    assert trivial.process is not None
                    cpu = process_cpu_seconds(trivial.process.pid)
                    result = run_wrk(wrk, trivial.url, seconds, connections)
                    cpu = process_cpu_seconds(trivial.process.pid) - cpu
                    print(f"  trivial {result['rps']:7,.0f} req/s, p50 {result['p50_ms']:6.1f} ms, "
                          f"p99 {result['p99_ms']:7.1f} ms, non-2xx {result['non_2xx']}; per request: process CPU "
                          f"{cpu / max(1.0, result['rps'] * seconds) * 1e3:.2f} ms; load {os.getloadavg()[0]:.1f}",
                          flush=True)
        rng = random.Random(14)
        for label, query in load_rows(cursor, after_all, middle):
            if only and not any(label.startswith(word) for word in only):
                continue
            paths = [f"/timeline?{v}".replace(" ", "%20") for v in variants(query, rng)]
            script = wrk_script(run_dir, label, paths)
            plain = query.replace("as_of=~", "as_of=")
            answers = {one.name: pages(one.base, plain) for one in served}
            same = "same answer" if answers["before"] == answers["after"] else "ANSWERS DIFFER"
            print(f"{label} ({len(paths):,} variants; {same}):", flush=True)
            for k in range(rounds):
                for one in (served if k % 2 == 0 else served[::-1]):
                    stats.config_resetstat()
                    cpu = process_cpu_seconds(one.process.pid)
                    spy = None
                    if profile is not None and k == 0:
                        # Collapsed stacks of the measured process (py-spy's own CPU is not in it).
                        out = profile / f"{re.sub(r'[^a-z0-9]+', '-', label.lower())}-{one.name}.txt"
                        spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record",
                                                "--format", "raw", "--nonblocking", "-r", "200",
                                                "-d", str(seconds), "-p", str(one.process.pid), "-o", str(out)],
                                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    result = run_wrk(wrk, f"{one.base}/timeline?{plain.replace(' ', '%20')}", seconds, connections,
                                     script)
                    cpu = process_cpu_seconds(one.process.pid) - cpu
                    if spy is not None:
                        spy.wait()
                    evalsha_us, calls, redis_us = redis_times(stats)
                    requests = max(1.0, result["rps"] * seconds)
                    print(f"  {one.name:6} {result['rps']:7,.0f} req/s, p50 {result['p50_ms']:6.1f} ms, "
                          f"p99 {result['p99_ms']:7.1f} ms, non-2xx {result['non_2xx']}; per request: "
                          f"process CPU {cpu / requests * 1e3:.2f} ms, EVALSHA {evalsha_us / requests / 1e3:.2f} ms "
                          f"({calls / requests:.2f} calls), Redis {redis_us / requests / 1e3:.2f} ms; "
                          f"load {os.getloadavg()[0]:.1f}", flush=True)
        stats.close()
    finally:
        for one in served:
            one.stop()
        kafka.stop()
        redis_.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


def pages(base: str, query: str, count: int = 4) -> list[bytes]:
    """The first `count` pages of a query, each next one by the cursor of the one before."""
    out: list[bytes] = []
    cursor = None
    for _ in range(count):
        response = httpx.get(f"{base}/timeline?{query}" + (f"&cursor={cursor}" if cursor else ""), timeout=300)
        out.append(response.content)
        cursor = response.headers.get("x-next-cursor")
        if not cursor:
            break
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the checkout to compare against")
    parser.add_argument("--after", type=Path, default=REPO, help="the checkout measured (default: this one)")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="rows whose label starts with one of these words")
    parser.add_argument("--profile", type=Path,
                        help="a folder for py-spy's collapsed stacks of each first-round run (slows it)")
    parser.add_argument("--hold", action="store_true",
                        help="start Kafka and Redis, publish, print their addresses and wait: later runs given "
                             f"{KAFKA_ENV} and {REDIS_ENV} reuse them (and the checkouts' projections)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the measured checkout's projection")
    parser.add_argument("--baseline", action="store_true",
                        help="also run the trivial FastAPI endpoint returning the first page's bytes, each round")
    args = parser.parse_args()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    main(args.before.resolve(), args.after.resolve(), args.events, args.seconds, args.connections, args.rounds,
         args.only, args.profile, args.hold, args.fresh, args.baseline)
