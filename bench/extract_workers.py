"""Extract scaling: does a backlog on `articles.parsed` (4 partitions) drain faster with two
`claimline extract run` workers in one consumer group than with one?

Starts a Kafka broker (tests/support/infra.py; CLAIMLINE_TEST_KAFKA_BOOTSTRAP reuses a running
one) with a unique topic prefix, and publishes a backlog of N parsed articles: the repo's test
articles (tests/data/*-articles.jsonl), parsed once (kept in .cache/parses; the local CoreNLP is
started only when a parse is missing, or --parser-url), copied with distinct article ids and
keyed by them. Then, for 1 and for 2 workers, each time with a fresh consumer group: launches the
real faust worker(s) as subprocesses and waits until the group has drained the backlog:

  - its committed offsets have reached the end of every `articles.parsed` partition, and
  - every backlog article has been handled since the run began: an `article_extracted` marker
    on `events`, or (should extract reject one) a record on `articles.parsed.deadletter`
    (both read from where those topics ended before the run; parked articles are reported).

Reported per run: wall time from launch until the bench saw the committed offsets at the end
(includes interpreter and faust start-up and the group join/rebalance), and the processing
window from the first to the last marker (the markers' Kafka timestamps), as articles/s; the
CPU the workers, the broker, this script and the rest of the machine used meanwhile (the machine
may be shared: the rates only mean something next to those figures).

Each run gives up after --timeout seconds, or as soon as a worker or the broker exits. The workers
are stopped after each run, and die with this script (PR_SET_PDEATHSIG); the broker is stopped at
the end (and by its watchdog if this script is killed). The run directory (logs, faust's data
directories) is removed unless --keep or a failure.

    .venv/bin/python bench/extract_workers.py [--articles 2000] [--timeout 600] [--parser-url URL] [--keep]
"""
from __future__ import annotations

import argparse
import asyncio
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from aiokafka import AIOKafkaConsumer, TopicPartition  # noqa: E402
from aiokafka.admin import AIOKafkaAdminClient  # noqa: E402
from aiokafka.errors import KafkaError  # noqa: E402

from services.common.kafka_log import KafkaLog  # noqa: E402
from services.common.topics import ALL_TOPICS, ARTICLES_PARSED, EVENTS, PARSED_DLQ  # noqa: E402
from services.offline import read_articles  # noqa: E402
from services.parse.local import local_parse_cache  # noqa: E402
from tests.support.infra import free_ports, start_kafka  # noqa: E402

MARKER = b'"record_type":"article_extracted"'


def base_parses(parser_url: str | None) -> list:
    """The test articles, parsed (from .cache/parses; the parser only for a missing parse)."""
    articles = []
    for path in sorted((REPO / "tests" / "data").glob("*-articles.jsonl")):
        articles += read_articles(path)
    # owner_pid: a CoreNLP server started here stops when the bench ends.
    return local_parse_cache(parser_url, owner_pid=os.getpid()).parse_all(articles)


def backlog(parsed: list, n: int) -> list[tuple[str, bytes]]:
    """n (article id, ParsedArticle JSON) pairs: copies of the parses with distinct article ids."""
    items: list[tuple[str, bytes]] = []
    copy = 0
    while len(items) < n:
        for p in parsed:
            if len(items) == n:
                break
            article = p.article.model_copy(update={"id": f"{p.article.id[:100]}-w{copy}"})
            items.append((article.id, p.model_copy(update={"article": article}).model_dump_json().encode("utf-8")))
        copy += 1
    return items


async def publish_backlog(bootstrap: str, prefix: str, items: list[tuple[str, bytes]]) -> dict[int, int]:
    log = KafkaLog(bootstrap, prefix, client_id="bench-extract-workers")
    try:
        await log.ensure_topics(ALL_TOPICS)
        for start in range(0, len(items), 200):
            await log.publish_many(ARTICLES_PARSED, items[start:start + 200])
        return await log.end_offsets(ARTICLES_PARSED)
    finally:
        await log.close()


_PRCTL: Any
try:  # looked up here, not in the forked child
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):
    _PRCTL = None


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the bench dies, even by SIGKILL (PR_SET_PDEATHSIG)."""
    if _PRCTL is not None:
        _PRCTL(1, signal.SIGTERM)


@dataclass
class Worker:
    """One `claimline extract run` process (its own session, so its whole group can be signalled)."""
    name: str
    env: dict[str, str]
    cwd: Path
    log_path: Path
    web_port: int
    process: subprocess.Popen | None = None
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self) -> Worker:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - open for the worker's lifetime, closed in stop()
        # cwd: faust keeps an `<app id>-data` directory in the working directory; keep it in the run dir.
        self.process = subprocess.Popen(
            [sys.executable, "-m", "services.cli", "extract", "run"], cwd=self.cwd,
            env={**os.environ, "PYTHONPATH": str(REPO), **self.env},
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, preexec_fn=_die_with_parent)
        return self

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def cpu_seconds(self) -> float | None:
        return process_cpu_seconds(self.process.pid) if self.process else None

    def health(self) -> dict:
        try:
            return httpx.get(f"http://127.0.0.1:{self.web_port}/health", timeout=2.0).json()
        except (httpx.HTTPError, ValueError):
            return {}

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(wait_s)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if self._log:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class HandledCounter:
    """Follows `events` and `articles.parsed.deadletter` from given positions on: which backlog
    articles got their `article_extracted` marker (and when), and which were parked instead."""

    def __init__(self, bootstrap: str, events_topic: str, dlq_topic: str, start: dict[tuple[str, int], int],
                 wanted: set[str]) -> None:
        self._events_topic = events_topic
        self._start = start
        self._wanted = wanted
        self.seen: dict[str, int] = {}  # article id -> timestamp (ms) of its first marker
        self.parked: set[str] = set()  # article ids extract sent to the dead-letter topic
        self.markers = 0  # all markers, redeliveries included
        self.events = 0
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                          client_id="bench-handled-counter", fetch_max_bytes=16 * 1024 * 1024,
                                          max_partition_fetch_bytes=4 * 1024 * 1024)

    def handled(self) -> int:
        return len(self.seen.keys() | self.parked)

    async def start(self) -> None:
        await self._consumer.start()
        tps = [TopicPartition(topic, p) for topic, p in self._start]
        self._consumer.assign(tps)
        for tp in tps:
            self._consumer.seek(tp, self._start[(tp.topic, tp.partition)])

    async def poll(self, timeout_ms: int = 200) -> None:
        batches = await self._consumer.getmany(timeout_ms=timeout_ms, max_records=10000)
        for tp, messages in batches.items():
            for m in messages:
                if tp.topic != self._events_topic:
                    if m.key is not None and m.key.decode("utf-8", "replace") in self._wanted:
                        self.parked.add(m.key.decode("utf-8"))
                    continue
                if m.value is None or MARKER not in m.value:
                    self.events += 1
                    continue
                self.markers += 1
                article = json.loads(m.value)["article"]
                if article in self._wanted and article not in self.seen:
                    self.seen[article] = m.timestamp

    async def stop(self) -> None:
        await self._consumer.stop()


def process_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, TypeError):
        return None


def broker_pid(kafka) -> int | None:
    """The pid of the broker this bench started (None for a reused one)."""
    try:
        return int((kafka.run_dir / "kafka.pid").read_text().strip()) if kafka.owned else None
    except (OSError, ValueError, TypeError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds every core has spent busy since boot (Linux /proc/stat: all but idle and iowait)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


async def committed(admin: AIOKafkaAdminClient, group: str, topic: str) -> dict[int, int]:
    """The group's committed offsets on `topic` ({} until it has committed: on a fresh broker the
    offsets topic and the group coordinator only appear once a group asks for them)."""
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    except KafkaError:
        return {}
    return {tp.partition: om.offset for tp, om in offsets.items() if tp.topic == topic and om.offset >= 0}


async def run_workers(count: int, *, bootstrap: str, prefix: str, run_dir: Path, ends: dict[int, int],
                      wanted: set[str], timeout_s: float, broker: int | None) -> dict:
    group = f"{prefix}extract-{count}w-{uuid.uuid4().hex[:6]}"
    parsed_topic, events_topic = ARTICLES_PARSED.name(prefix), EVENTS.name(prefix)
    probe = KafkaLog(bootstrap, prefix, client_id="bench-extract-workers-probe")
    try:
        start = {(spec.name(prefix), p): offset for spec in (EVENTS, PARSED_DLQ)
                 for p, offset in (await probe.end_offsets(spec)).items()}
    finally:
        await probe.close()
    counter = HandledCounter(bootstrap, events_topic, PARSED_DLQ.name(prefix), start, wanted)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="bench-extract-workers-admin")
    workers: list[Worker] = []
    try:
        await counter.start()
        await admin.start()
        ports = free_ports(count)
        load_before = os.getloadavg()[0]
        busy_before = machine_busy_seconds()
        broker_before, bench_before = process_cpu_seconds(broker) or 0.0, time.process_time()
        launched_ms = time.time() * 1000
        launched = time.perf_counter()
        for i, port in enumerate(ports):
            env = {"CLAIMLINE_KAFKA_BOOTSTRAP": bootstrap, "CLAIMLINE_TOPIC_PREFIX": prefix,
                   "CLAIMLINE_EXTRACT_GROUP": group, "CLAIMLINE_EXTRACT_WEB_PORT": str(port)}
            workers.append(Worker(f"extract-{count}w-{i}", env, run_dir, run_dir / f"extract-{count}w-{i}.log",
                                  port).start())
        deadline = launched + timeout_s
        drained_s = None
        next_commit_check = 0.0
        while True:
            await counter.poll(200)
            now = time.perf_counter()
            for w in workers:
                if not w.alive():
                    code = w.process.returncode if w.process is not None else None
                    raise RuntimeError(f"{w.name} exited with {code}:\n{w.log_tail()}")
            if broker is not None and process_cpu_seconds(broker) is None:
                raise RuntimeError(f"the Kafka broker (pid {broker}) is gone: see {run_dir / 'kafka' / 'kafka.log'}")
            if now >= next_commit_check:
                next_commit_check = now + 0.2
                done = await committed(admin, group, parsed_topic)
                if all(done.get(p, -1) >= end for p, end in ends.items()):
                    drained_s = time.perf_counter() - launched
            if drained_s is not None and counter.handled() == len(wanted):
                break
            if now > deadline:
                tails = "\n".join(w.log_tail() for w in workers)
                raise TimeoutError(
                    f"{count} worker(s): not drained after {timeout_s:.0f} s (markers {len(counter.seen)}, parked "
                    f"{len(counter.parked)}, of {len(wanted)}; committed {done}, ends {ends})\n{tails}")
        busy_after = machine_busy_seconds()
        broker_cpu = (process_cpu_seconds(broker) or 0.0) - broker_before
        bench_cpu = time.process_time() - bench_before
        health = [w.health() for w in workers]
        cpu = [w.cpu_seconds() for w in workers]
        busy = None if busy_before is None or busy_after is None else busy_after - busy_before
        stamps: list[float] = sorted(counter.seen.values()) or [launched_ms]
        window_s = max((stamps[-1] - stamps[0]) / 1000, 1e-3)
        return {
            "workers": count, "group": group, "articles": len(wanted),
            "drained_s": drained_s, "rate": len(wanted) / drained_s,
            "first_marker_s": (stamps[0] - launched_ms) / 1000, "last_marker_s": (stamps[-1] - launched_ms) / 1000,
            "window_s": window_s, "window_rate": max(len(counter.seen) - 1, 0) / window_s,
            "redelivered": counter.markers - len(counter.seen), "events": counter.events,
            "parked": len(counter.parked),
            "per_worker": [h.get("articles") for h in health],
            "cpu_s": cpu, "load_before": load_before, "machine_busy_s": busy,
            "broker_cpu_s": broker_cpu, "bench_cpu_s": bench_cpu,
        }
    finally:
        for w in workers:
            w.stop()
        await counter.stop()
        await admin.close()


def _raise_interrupt(signum, frame):  # SIGTERM: unwind through the finally blocks like Ctrl-C
    raise KeyboardInterrupt(f"signal {signum}")


async def main(n: int, timeout_s: float, parser_url: str | None, keep: bool) -> None:
    signal.signal(signal.SIGTERM, _raise_interrupt)
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}", flush=True)
    t = time.perf_counter()
    parsed = base_parses(parser_url)
    items = backlog(parsed, n)
    print(f"backlog: {n} parsed articles from {len(parsed)} test-article parses "
          f"({sum(len(v) for _, v in items) / 1e6:.1f} MB) built in {time.perf_counter() - t:.1f} s", flush=True)
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-xworkers-"))
    kafka = start_kafka(run_dir / "kafka")
    ok = False
    try:
        prefix = f"xw{uuid.uuid4().hex[:8]}."
        ends = await publish_backlog(kafka.bootstrap, prefix, items)
        print(f"published on {ARTICLES_PARSED.name(prefix)} ({kafka.bootstrap}"
              f"{', reused' if not kafka.owned else ''}); per partition: "
              + ", ".join(f"p{p} {ends[p]}" for p in sorted(ends)), flush=True)
        wanted = {key for key, _ in items}
        results = []
        for count in (1, 2):
            r = await run_workers(count, bootstrap=kafka.bootstrap, prefix=prefix, run_dir=run_dir, ends=ends,
                                  wanted=wanted, timeout_s=timeout_s, broker=broker_pid(kafka))
            results.append(r)
            cpu = "+".join(f"{c:.1f}" for c in r["cpu_s"] if c is not None)
            print(f"{count} worker(s): drained in {r['drained_s']:.1f} s; markers from {r['first_marker_s']:.1f} s "
                  f"to {r['last_marker_s']:.1f} s after launch; articles per worker {r['per_worker']}; "
                  f"worker CPU {cpu} s; redelivered markers {r['redelivered']}; parked {r['parked']}; "
                  f"load average before {r['load_before']:.2f}"
                  + (f"; all processes on the machine used {r['machine_busy_s']:.1f} CPU s "
                     f"of {os.cpu_count() * r['drained_s']:.1f}" if r["machine_busy_s"] is not None else ""),
                  flush=True)
        one, two = results
        print()
        print(f"extract workers, {n} parsed articles on 4 partitions, {os.cpu_count()} cores")
        print(f"{'workers':>7} | {'launch -> drained':>17} | {'articles/s':>10} | {'first -> last marker':>20} "
              f"| {'articles/s':>10} | {'worker CPU':>10} | cores used: workers / broker / bench / rest")
        for r in results:
            cpu = sum(c for c in r["cpu_s"] if c is not None)
            wall = r["drained_s"]
            rest = (f"{(r['machine_busy_s'] - cpu - r['broker_cpu_s'] - r['bench_cpu_s']) / wall:.2f}"
                    if r["machine_busy_s"] is not None else "?")
            print(f"{r['workers']:>7} | {wall:>15.1f} s | {r['rate']:>10.0f} | {r['window_s']:>18.1f} s "
                  f"| {r['window_rate']:>10.0f} | {cpu:>8.1f} s | {cpu / wall:.2f} / "
                  f"{r['broker_cpu_s'] / wall:.2f} / {r['bench_cpu_s'] / wall:.2f} / {rest}")
        print(f"{'2 / 1':>7} | {'':>17} | {two['rate'] / one['rate']:>10.2f} | {'':>20} "
              f"| {two['window_rate'] / one['window_rate']:>10.2f} |")
        print(f"(worker CPU: user + system seconds of the worker processes, start-up included. Cores used: CPU "
              f"seconds per second of the drain, of {os.cpu_count()}: the workers; the broker (when started here); "
              "this script; everything else on the machine. A large last figure means other processes were "
              "competing for the cores and the rates above are depressed by them.)")
        ok = True
    finally:
        kafka.stop()
        if keep or not ok:
            print(f"run dir (logs): {run_dir}")
        else:
            shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=2000, help="backlog size (default 2000)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds each run may take (default 600)")
    ap.add_argument("--parser-url", default=None, help="a running CoreNLP server for parses missing from .cache/parses")
    ap.add_argument("--keep", action="store_true", help="keep the run directory (worker and broker logs)")
    args = ap.parse_args()
    asyncio.run(main(args.articles, args.timeout, args.parser_url, args.keep))
