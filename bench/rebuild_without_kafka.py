"""CPU a record of a timeline rebuild into Redis, without Kafka: the low-noise comparison.

`bench/replay_speed.py` rebuilds from a real broker, whose client and server share the
machine's cores with the rebuild, so its CPU a record moves by a third between runs. This
serves the same synthetic log (`bench.common.iter_synthetic_log`) from this process's memory
(`bench.common.MemoryLog`) to `projection.rebuild`, which folds it and writes the entries
into a real Redis with its forked writers, as `timeline replay` does. It starts its own Redis
(`tests.support.infra.start_redis`, deploy/local/redis.sh) on a free port and stops it after.

    PYTHONPATH=/work/wt-a .venv/bin/python bench/rebuild_without_kafka.py [--events 100000]
        [--empty-articles 0] [--reextracted 0] [--repeat 1] [--workers 0]

The rebuild is the code at PYTHONPATH (this worktree's without it), so one copy of this
script compares any two worktrees, older than it too.

Each run prints the load average before it, the records/s, and the µs of CPU a record in
the reading process and in its writers (getrusage; Redis's own work is not counted); with
`--repeat N`, the range and median over the N runs (the log is generated once). This is the
"Without Kafka" figure of the issue-14 rebuild row (docs/measured-figures.md): run it alternately with
PYTHONPATH at each of two worktrees, 5 rounds each at `--events 100000`, and compare the
medians (of the reading process, and of the whole rebuild).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The code under test (services, schemas, tests) is PYTHONPATH's when it is set, so another
# worktree's version, one from before this script too, runs with this script's helpers from
# bench/ (the same log generator and in-memory log for both versions).
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(REPO))
import schemas  # noqa: E402, F401  (binds the packages to the version under test)
import services  # noqa: E402
import tests  # noqa: E402, F401

sys.path.insert(0, str(REPO))

from bench.common import MemoryLog, add_log_arguments, iter_synthetic_log  # noqa: E402
from services.timeline.projection import rebuild  # noqa: E402
from services.timeline.redis_store import RedisTimelineStore  # noqa: E402
from tests.support.infra import start_redis  # noqa: E402

NAMESPACE = "rebuild"


@dataclass(frozen=True)
class Run:
    load: float  # 1-minute load average before the run
    seconds: float
    own_s: float  # CPU of this (the reading) process
    writers_s: float  # CPU of its forked writers
    records: int

    def us(self, cpu_s: float) -> float:
        return cpu_s / self.records * 1e6


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


async def one_rebuild(log: MemoryLog, url: str, workers: int) -> tuple[Run, dict]:
    store = RedisTimelineStore.from_url(url, "bench", namespace=NAMESPACE)
    await store.drop_namespace(NAMESPACE)
    gc.collect()
    load = os.getloadavg()[0]
    # The writers are waited-for children: their CPU shows in RUSAGE_CHILDREN once they end.
    own0, kids0 = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    report = await rebuild(log, store, workers=workers)
    seconds = time.perf_counter() - started
    own, kids = _cpu(resource.RUSAGE_SELF) - own0, _cpu(resource.RUSAGE_CHILDREN) - kids0
    await store.drop_namespace(NAMESPACE)
    await store.close()
    return Run(load, seconds, own, kids, log.size()), report


def _spread(values: list[float], fmt: str) -> str:
    return (f"{format(min(values), fmt)}-{format(max(values), fmt)}, "
            f"median {format(statistics.median(values), fmt)}")


async def main(n: int, empty: int, reextracted: int, repeat: int, workers: int) -> None:
    print(f"code under test: {Path(services.__file__).resolve().parents[1]}; generating {n} events ...", flush=True)
    log = MemoryLog.of(iter_synthetic_log(n, empty_articles=empty, reextracted=reextracted))
    redis_ = start_redis(Path(tempfile.mkdtemp(prefix="claimline-bench-")) / "redis")
    try:
        runs = []
        for i in range(1, repeat + 1):
            run, report = await one_rebuild(log, redis_.url, workers)
            runs.append(run)
            print(f"run {i}: load {run.load:.2f}; {run.records} records, {report['entries']} entries, "
                  f"{report['workers']} writers, {report.get('partitions', 1)} partition(s): "
                  f"{run.seconds:.2f} s, {run.records / run.seconds:,.0f} records/s; CPU a record "
                  f"{run.us(run.own_s):.1f} us reading + {run.us(run.writers_s):.1f} us writers = "
                  f"{run.us(run.own_s + run.writers_s):.1f} us ({run.own_s:.2f} s + {run.writers_s:.2f} s); "
                  f"phases {report['phases']}", flush=True)
        if repeat > 1:
            print(f"over {repeat} runs (load {min(r.load for r in runs):.2f}-{max(r.load for r in runs):.2f}), "
                  f"us of CPU a record: reading {_spread([r.us(r.own_s) for r in runs], '.1f')}; "
                  f"writers {_spread([r.us(r.writers_s) for r in runs], '.1f')}; "
                  f"whole {_spread([r.us(r.own_s + r.writers_s) for r in runs], '.1f')}; "
                  f"records/s {_spread([r.records / r.seconds for r in runs], ',.0f')}")
    finally:
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_log_arguments(parser, events=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="rebuilds of the same log, one after another")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.empty_articles, args.reextracted, args.repeat, args.workers))
