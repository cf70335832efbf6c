"""Replay throughput: events/s folded from Kafka into Redis by `timeline replay`, and its
ratio to a bare aiokafka consumer reading the same topic in the same run.

Starts its own Kafka broker and Redis server (deploy/local scripts) on free ports, fills
an events topic with N events (the bundled articles, extracted, re-dated copy by copy so
they spread over time as a real stream does), then times both readers.

    .venv/bin/python bench/replay_speed.py [--events 100000] [--empty-articles 0] [--reextracted 0]

The log has the shape the extract service writes: each article copy's events, then its
extraction marker. `--empty-articles N` interleaves N markers of articles that gave no events
(many articles yield nothing); `--reextracted K` first logs K article copies as an older
extractor version saw them, which the newer markers must replace. A rebuild must stay linear
in records whatever the mix.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiokafka import AIOKafkaConsumer, TopicPartition  # noqa: E402

from bench.common import add_log_arguments, iter_synthetic_log, publish_log  # noqa: E402
from services.bootstrap import replay_redis  # noqa: E402
from services.common.settings import Settings  # noqa: E402
from services.common.topics import EVENTS  # noqa: E402
from tests.support.infra import start_kafka, start_redis  # noqa: E402


async def bare_read(bootstrap: str, topic: str, partitions: int, total: int) -> float:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest", fetch_max_bytes=16 * 1024 * 1024,
                                max_partition_fetch_bytes=4 * 1024 * 1024)
    await consumer.start()
    consumer.assign([TopicPartition(topic, p) for p in range(partitions)])
    await consumer.seek_to_beginning()
    started = time.perf_counter()
    seen = 0
    while seen < total:
        batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
        seen += sum(len(m) for m in batches.values())
    elapsed = time.perf_counter() - started
    await consumer.stop()
    return elapsed


def _proc_kb(path: str, field: str) -> int:
    """A 'Field:   123 kB' line of a /proc file, in kB (0 when the process is gone)."""
    try:
        with open(path) as lines:
            for line in lines:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _rss_kb(pid: int) -> int:
    return _proc_kb(f"/proc/{pid}/status", "VmRSS:")


def _pss_kb(pid: int) -> int:
    # Proportional set size: a page shared by k processes counts 1/k in each, so the sum over
    # the parent and its forked writers is the memory they really hold together.
    return _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")


def _python_children(pid: int) -> list[int]:
    # The forked writers: children of this process that are Python (the broker's and Redis'
    # processes are started through scripts, under other parents or other names).
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/comm") as comm:
                name = comm.read().strip()
        except OSError:
            continue
        if int(fields[1]) == pid and name.startswith("python"):
            out.append(int(entry))
    return out


class PeakRss:
    """Samples, every 0.1 s, the RSS of this process alone and of this process plus its forked
    writers (a sum of RSS: pages the writers share copy-on-write with the parent count twice,
    so it over-states the tree; the sum of their PSS does not). Linux only (/proc); the
    replay's own memory, not the broker's."""

    def __init__(self) -> None:
        self.own_kb = self.tree_kb = self.tree_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(0.1):
            own = _rss_kb(me)
            children = _python_children(me)
            self.own_kb = max(self.own_kb, own)
            self.tree_kb = max(self.tree_kb, own + sum(_rss_kb(c) for c in children))
            self.tree_pss_kb = max(self.tree_pss_kb, _pss_kb(me) + sum(_pss_kb(c) for c in children))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


async def main(n: int, empty: int, reextracted: int, workers: int = 0, profile: str | None = None) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-bench-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    try:
        prefix = "bench."
        print(f"generating {n} events ...", flush=True)
        # Generated and published a chunk at a time: the generated log is not the replay's memory.
        total, markers = await publish_log(kafka.bootstrap, prefix,
                                           iter_synthetic_log(n, empty_articles=empty, reextracted=reextracted))
        topic = EVENTS.name(prefix)
        gc.collect()
        bare = await bare_read(kafka.bootstrap, topic, EVENTS.partitions, total)
        settings = Settings(kafka_bootstrap=kafka.bootstrap, redis_url=redis_.url, topic_prefix=prefix,
                            redis_prefix="bench", rebuild_workers=workers)
        before_kb = _rss_kb(os.getpid())
        # CPU seconds, beside the wall clock: on a shared machine the wall clock also counts
        # whatever else ran; the writers are waited-for children, the broker and Redis are not.
        own0, kids0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        profiler = None
        if profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
        with PeakRss() as peak:
            report = await replay_redis(settings)
        if profile and profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        own1, kids1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        own_cpu = own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime
        kids_cpu = kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime
        replay = report["seconds"]
        print(f"records: {total} ({total - markers} events, of them {total - markers - n} by an older "
              f"extractor; {markers} markers, of them {empty} of articles without events), "
              f"entries: {report['entries']}, contested: {report['contested']}")
        print(f"bare aiokafka consumer: {total / bare:,.0f} records/s ({bare:.2f} s)")
        print(f"timeline replay into Redis: {total / replay:,.0f} records/s ({replay:.2f} s, "
              f"{report['workers']} writer processes, the fold in {report.get('partitions', 1)} partitions)")
        print(f"replay phases: {report['phases']}")
        print(f"replay / bare consumer: {bare / replay:.2f}")
        print(f"replay CPU: {own_cpu:.2f} s in this process + {kids_cpu:.2f} s in its forked writers "
              f"({(own_cpu + kids_cpu) / total * 1e6:.1f} us a record)")
        print(f"peak RSS during the replay: {peak.own_kb / 1024:,.0f} MB in this process "
              f"({before_kb / 1024:,.0f} MB before it), {peak.tree_kb / 1024:,.0f} MB with its forked writers "
              f"(sum of RSS; sum of PSS {peak.tree_pss_kb / 1024:,.0f} MB)")
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_log_arguments(parser, events=100_000)
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the replay into FILE (only this process: use --workers 1 to see the writes)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.empty_articles, args.reextracted, args.workers, args.profile))
