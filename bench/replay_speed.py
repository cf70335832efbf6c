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
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aiokafka import AIOKafkaConsumer, TopicPartition  # noqa: E402

from bench.common import publish_log, synthetic_log  # noqa: E402
from schemas.extraction import ArticleExtracted  # noqa: E402
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


async def main(n: int, empty: int, reextracted: int) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-bench-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    try:
        prefix = "bench."
        print(f"generating {n} events ...", flush=True)
        records = synthetic_log(n, empty_articles=empty, reextracted=reextracted)
        await publish_log(kafka.bootstrap, prefix, records)
        topic = EVENTS.name(prefix)
        total = len(records)
        markers = sum(1 for r in records if isinstance(r, ArticleExtracted))
        bare = await bare_read(kafka.bootstrap, topic, EVENTS.partitions, total)
        settings = Settings(kafka_bootstrap=kafka.bootstrap, redis_url=redis_.url, topic_prefix=prefix,
                            redis_prefix="bench")
        report = await replay_redis(settings)
        replay = report["seconds"]
        print(f"records: {total} ({total - markers} events, of them {total - markers - n} by an older "
              f"extractor; {markers} markers, of them {empty} of articles without events), "
              f"entries: {report['entries']}, contested: {report['contested']}")
        print(f"bare aiokafka consumer: {total / bare:,.0f} records/s ({bare:.2f} s)")
        print(f"timeline replay into Redis: {total / replay:,.0f} records/s ({replay:.2f} s, "
              f"{report['workers']} writer processes)")
        print(f"replay phases: {report['phases']}")
        print(f"replay / bare consumer: {bare / replay:.2f}")
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--empty-articles", type=int, default=0)
    parser.add_argument("--reextracted", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.empty_articles, args.reextracted))
