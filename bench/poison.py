"""Poison records against a running `claimline timeline serve` (real Kafka and Redis):
valid events interleaved with every kind of poison record (NaN / ±Infinity figures,
tombstones, bytes that are not JSON, JSON nested thousands deep, a 900 KB non-event);
then Redis is wiped and the process must rebuild past them. Counts stuck projectors
(lag not back to 0) and lost messages (records neither folded nor parked).

    .venv/bin/python bench/poison.py [--events 2000] [--poison-rounds 20]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402

from schemas.events import dump_event  # noqa: E402
from services.common.dlq import read_dead_letters  # noqa: E402
from services.common.kafka_log import KafkaLog  # noqa: E402
from services.common.topics import ALL_TOPICS, EVENTS  # noqa: E402
from services.timeline.core import fold  # noqa: E402
from tests.support.events import make_event  # noqa: E402
from tests.support.infra import start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def poison(i: int) -> list[bytes | None]:
    base = make_event(f"p{i}", "casualties_claimed", actor="RUS", claimant="UKR",
                      quantity=("killed", 100.0)).model_dump_json()
    return [base.replace('"value":100.0', f'"value":{v}').encode() for v in ("NaN", "Infinity", "-Infinity")] + [
        None, b"\x00\xffnot json", b"[" * 3000 + b"]" * 3000,
        json.dumps({"type": "strike", "padding": "x" * 900_000}).encode()]


async def settle(client: httpx.AsyncClient, timeout_s: float = 120) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        report = (await client.get("/health")).json()
        if report.get("ok") and report.get("consumer_lag") == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise TimeoutError(f"projector stuck: {report}")


async def served_entries(client: httpx.AsyncClient) -> dict:
    found, cursor = {}, None
    while True:
        page = (await client.get("/timeline", params={"limit": 500, "claims": "all",
                                                      **({"cursor": cursor} if cursor else {})})).json()
        found.update({e["entry_id"]: e for e in page["entries"]})
        if not (cursor := page["next_cursor"]):
            return found


async def run(kafka: str, redis_url: str, run_dir: Path, n: int, rounds: int) -> None:
    env = service_env(kafka, redis_url, "poison.")
    log = KafkaLog(kafka, "poison.")
    await log.ensure_topics(ALL_TOPICS)
    proc = ServiceProcess("timeline", ["timeline", "serve"], env, run_dir / "timeline.log").start()
    base = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
    good = [make_event(f"g{i}", "strike", actor="RUS", location=f"Town{i % 60}", claimant="UKR") for i in range(n)]
    bad = 0
    stuck = 0
    try:
        await asyncio.to_thread(wait_http_ok, f"{base}/health", proc)
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            per_round = max(1, n // rounds)
            for r in range(rounds):
                chunk = good[r * per_round:(r + 1) * per_round] if r < rounds - 1 else good[r * per_round:]
                await log.publish_many(EVENTS, [("k", dump_event(e)) for e in chunk[: len(chunk) // 2]])
                for value in poison(r):
                    await log.publish(EVENTS, "k", value)  # type: ignore[arg-type]
                    bad += 1
                await log.publish_many(EVENTS, [("k", dump_event(e)) for e in chunk[len(chunk) // 2:]])
            try:
                live_s = await settle(client)
            except TimeoutError:
                stuck += 1
                live_s = float("nan")
            expected = {e.entry_id for e in fold(good).values()}
            live_ok = set(await served_entries(client)) == expected
            redis = aioredis.from_url(redis_url)
            await redis.delete(*[k async for k in redis.scan_iter(match="poison:*")])
            await redis.aclose()
            try:
                rebuild_s = await settle(client)
            except TimeoutError:
                stuck += 1
                rebuild_s = float("nan")
            rebuilt_ok = set(await served_entries(client)) == expected
        letters = await read_dead_letters(log, "events")
        coordinates = {(letter.source_partition, letter.source_offset) for _, letter in letters}
        ends = await log.end_offsets(EVENTS)
        records = sum(ends.values())
        lost = records - n - len(coordinates)
        print(f"records: {records} ({n} valid events, {bad} poison records, {rounds} rounds of 7 kinds)")
        print(f"live: caught up in {live_s:.1f} s, entries {'=' if live_ok else '!='} the fold of the valid events; "
              f"after a Redis wipe: rebuilt in {rebuild_s:.1f} s, entries {'=' if rebuilt_ok else '!='} the fold")
        print(f"dead letters: {len(letters)} ({len(coordinates)} distinct records); "
              f"stuck projectors: {stuck}; lost messages: {lost}")
    finally:
        proc.stop()
        await log.close()


def main(n: int, rounds: int) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-poison-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    try:
        asyncio.run(run(kafka.bootstrap, redis_.url, run_dir, n, rounds))
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--poison-rounds", type=int, default=20)
    args = parser.parse_args()
    main(args.events, args.poison_rounds)
