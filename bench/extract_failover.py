"""Extract worker failover: two `claimline extract run` workers in one consumer group on
real Kafka; one is killed (SIGKILL, as a crash) or stopped (SIGTERM, a clean shutdown),
parsed articles are published at once on `articles.parsed` (what extract reads), and the
time until every one of them has been handled (its extraction marker or a dead letter
written) is measured. The records are articles the parse stage marked as in a language the
rules do not read: extract handles them (a marker, no events) without any parser running.

    .venv/bin/python bench/extract_failover.py [--mode kill|stop] [--rounds 1]
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

import httpx  # noqa: E402

from schemas.article import Article  # noqa: E402
from schemas.parse import PARSER_VERSION, ParsedArticle  # noqa: E402
from services.common.kafka_log import KafkaLog  # noqa: E402
from services.common.topics import ALL_TOPICS, ARTICLES_PARSED, EVENTS, PARSED_DLQ  # noqa: E402
from tests.support.infra import free_port, start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def article(tag: str, i: int) -> tuple[str, bytes]:
    text = f"Russland sagte, es habe das Dorf {i} am Montag beschossen."
    a = Article.model_validate({"id": f"{tag}{i}", "text": text, "published_at": "2025-03-01", "language": "de"})
    parsed = ParsedArticle(article=a, parser_version=PARSER_VERSION, language="de", status="unsupported_language")
    return a.id, parsed.model_dump_json().encode()


async def handled_keys(log: KafkaLog, since: dict) -> set[str]:
    """Article ids that got events or a dead letter since the given end offsets."""
    keys: set[str] = set()
    for spec in (EVENTS, PARSED_DLQ):
        positions = dict(since[spec.name("")])
        while True:
            records = await log.read(spec, positions, max_records=5000, timeout_s=0.05)
            if not records:
                break
            for r in records:
                positions[r.partition] = r.offset + 1
                if r.key:
                    keys.add(r.key.decode())
    return keys


async def snapshot(log: KafkaLog) -> dict:
    return {spec.name(""): await log.end_offsets(spec) for spec in (EVENTS, PARSED_DLQ)}


async def wait_handled(log: KafkaLog, since: dict, wanted: set[str], timeout_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if wanted <= await handled_keys(log, since):
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise TimeoutError(f"not every article handled within {timeout_s} s")


async def failover_seconds(kafka: str, redis_url: str, prefix: str, run_dir: Path, *, mode: str = "kill",
                           n: int = 40) -> float:
    """Seconds from killing (or stopping) one of two workers to every article published
    right after it being handled by the survivor."""
    env = service_env(kafka, redis_url, prefix)
    log = KafkaLog(kafka, prefix)
    await log.ensure_topics(ALL_TOPICS)
    ports = [free_port(), free_port()]
    workers = [ServiceProcess(f"extract{k}", ["extract", "run"], {**env, "CLAIMLINE_EXTRACT_WEB_PORT": str(p)},
                              run_dir / f"extract{k}.log").start() for k, p in enumerate(ports)]
    try:
        for worker, port in zip(workers, ports):
            await asyncio.to_thread(wait_http_ok, f"http://127.0.0.1:{port}/health", worker, 90)
        # Warm up until both workers have handled articles: both hold partitions.
        round_ = 0
        async with httpx.AsyncClient(timeout=5) as client:
            while True:
                since = await snapshot(log)
                batch = [article(f"warm{round_}-", i) for i in range(20)]
                await log.publish_many(ARTICLES_PARSED, batch)
                await wait_handled(log, since, {k for k, _ in batch}, 90)
                counts = [(await client.get(f"http://127.0.0.1:{p}/health")).json()["articles"] for p in ports]
                if all(counts):
                    break
                round_ += 1
        since = await snapshot(log)
        (workers[0].kill if mode == "kill" else workers[0].stop)()
        started = time.monotonic()
        batch = [article("after-", i) for i in range(n)]
        await log.publish_many(ARTICLES_PARSED, batch)
        await wait_handled(log, since, {k for k, _ in batch}, 120)
        return time.monotonic() - started
    finally:
        for worker in workers:
            worker.stop()
        await log.close()


def main(mode: str, rounds: int) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-failover-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    try:
        for r in range(rounds):
            seconds = asyncio.run(failover_seconds(kafka.bootstrap, redis_.url, f"fo{r}.", run_dir, mode=mode))
            how = "killed (SIGKILL)" if mode == "kill" else "stopped (SIGTERM)"
            print(f"round {r + 1}: one of two extract workers {how}"
                  f" -> every article published right after handled in {seconds:.1f} s", flush=True)
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["kill", "stop"], default="kill")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    main(args.mode, args.rounds)
