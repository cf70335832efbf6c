"""Many live readers on one `timeline serve` process (real Kafka and Redis).

Given 150 clients on GET /timeline/stream (more than the service's Redis connection
pool), when events are folded, then every client receives every changed entry, GET
/timeline and /health still answer 200, and the process holds a handful of Redis
connections, not one per client."""
from __future__ import annotations

import asyncio
import time

import httpx
import redis.asyncio as aioredis

from schemas.events import dump_event
from services.common.kafka_log import KafkaLog
from services.common.topics import ALL_TOPICS, EVENTS
from services.timeline.core import entry_key
from tests.support.events import make_event
from tests.support.services import ServiceProcess, service_env, wait_http_ok
from tests.support.sse import SseReader

CLIENTS = 150


async def test_many_live_readers_share_one_subscription(kafka_bootstrap, redis_url, unique_prefix, tmp_path):
    env = service_env(kafka_bootstrap, redis_url, unique_prefix)
    port = int(env["CLAIMLINE_TIMELINE_PORT"])
    base = f"http://127.0.0.1:{port}"
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    proc = ServiceProcess("timeline", ["timeline", "serve"], env, tmp_path / "timeline.log").start()
    readers: list[SseReader] = []
    try:
        await asyncio.to_thread(wait_http_ok, f"{base}/health", proc)
        readers = [SseReader("127.0.0.1", port).start() for _ in range(CLIENTS)]
        await asyncio.wait_for(asyncio.gather(*(r.connected.wait() for r in readers)), timeout=30)
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            assert (await client.get("/timeline")).status_code == 200
            assert (await client.get("/health")).status_code == 200
            events = [make_event(f"live{i}", "strike", actor="RUS", location=f"Village{i}") for i in range(10)]
            await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events])
            wanted = {entry_key(e) for e in events}
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(r.ids() >= wanted for r in readers):
                await asyncio.sleep(0.1)
            missing = [r for r in readers if not r.ids() >= wanted]
            assert not missing, f"{len(missing)} of {CLIENTS} readers missed updates"
            assert (await client.get("/timeline")).json()["count"] == 10
            assert (await client.get("/health")).status_code == 200
        redis = aioredis.from_url(redis_url)
        connections = (await redis.info("clients"))["connected_clients"]
        await redis.aclose()
        assert connections < 30, f"{connections} Redis connections for {CLIENTS} live readers"
    finally:
        for reader in readers:
            await reader.stop()
        proc.stop()
        await log.close()
