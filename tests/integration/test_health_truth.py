"""/health tells the truth on real Kafka and Redis.

Given a timeline process folding the events topic, when Redis loses its data, then health
says 'rebuilding' (not ready) until the projector has rebuilt the whole timeline, and the
timeline is then complete again; when the projector stops making progress while records
wait, health says 'stalled'."""
from __future__ import annotations

import asyncio
import time

import redis.asyncio as aioredis

from schemas.deadletter import DeadLetter
from schemas.events import dump_event
from services.bootstrap import TimelineRuntime
from services.common.kafka_log import KafkaLog
from services.common.topics import ALL_TOPICS, ARTICLES_DLQ, EVENTS, PARSED_DLQ
from services.timeline.core import fold
from services.timeline.lease import RedisLease
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.support.events import make_event


async def all_entries(store) -> dict:
    found, cursor = {}, None
    while True:
        page = await store.page(TimelineQuery(limit=500, cursor=cursor))
        found.update({e.entry_id: e for e in page.entries})
        if not (cursor := page.next_cursor):
            return found


def events(n: int, start: int = 0):
    return [make_event(f"h{i}", "strike", actor="RUS", location=f"Town{i % 50}", claimant="UKR")
            for i in range(start, start + n)]


async def wait_for(predicate, timeout_s: float = 60.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached")


async def runtime_on(kafka_bootstrap, redis_url, prefix, ttl_ms: int = 3000,
                     **kwargs) -> tuple[TimelineRuntime, KafkaLog]:
    log = KafkaLog(kafka_bootstrap, prefix)
    await log.ensure_topics(ALL_TOPICS)
    store = RedisTimelineStore.from_url(redis_url, prefix.rstrip("."))
    lease = RedisLease(aioredis.from_url(redis_url), store.lease_key, ttl_ms=ttl_ms)
    return TimelineRuntime(log, store, {"store_backend": "redis"}, lease=lease, **kwargs), log


async def test_after_a_redis_wipe_health_says_rebuilding_until_the_timeline_is_whole(
        kafka_bootstrap, redis_url, unique_prefix):
    runtime, log = await runtime_on(kafka_bootstrap, redis_url, unique_prefix)
    published = events(3000)
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in published])
    await runtime.start()
    health = runtime.context().health
    try:
        assert await wait_for(lambda: _ok(health)), "never healthy after start"
        expected = fold(published)
        assert await all_entries(runtime.store) == expected

        client = aioredis.from_url(redis_url)
        keys = [k async for k in client.scan_iter(match=f"{unique_prefix.rstrip('.')}:*")]
        await client.delete(*keys)  # the lease goes too: the process takes it again
        report = await health()
        seen_states = {report["state"]}
        assert report["ok"] is False and report["ready"] is False, report
        while not (report := await health())["ok"]:
            seen_states.add(report["state"])
            await asyncio.sleep(0.05)
        assert "rebuilding" in seen_states
        assert await all_entries(runtime.store) == expected
        assert runtime.rebuilds >= 2  # at start, and after the wipe
        await client.aclose()
    finally:
        await runtime.stop()
        await runtime.store.close()
        await log.close()


async def test_a_first_rebuild_longer_than_the_lease_keeps_the_lease_and_starts(
        kafka_bootstrap, redis_url, unique_prefix):
    """A fresh start on a long log: the rebuild outlasts the lease's TTL many times over, and
    its last commit is fenced by the lease. The lease is renewed on its own clock meanwhile, so
    the process starts, leads and serves the whole timeline (it used to fail its start-up with
    NotLeader once a rebuild took longer than the TTL, e.g. 100,000 events and a 10 s lease)."""
    # (a short TTL and a log that takes several of them to rebuild, however fast the rebuild gets)
    runtime, log = await runtime_on(kafka_bootstrap, redis_url, unique_prefix, ttl_ms=500)
    published = events(16000)
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in published])
    started = time.monotonic()
    await runtime.start()
    try:
        assert time.monotonic() - started > 0.5, "the rebuild was shorter than the lease: nothing tested"
        assert runtime.leading and runtime.rebuilds == 1
        assert await all_entries(runtime.store) == fold(published)
    finally:
        await runtime.stop()
        await runtime.store.close()
        await log.close()


async def _ok(health) -> bool:
    return (await health())["ok"]


async def test_a_projector_that_makes_no_progress_is_reported_stalled(kafka_bootstrap, redis_url, unique_prefix):
    runtime, log = await runtime_on(kafka_bootstrap, redis_url, unique_prefix, stall_after_s=1.0)
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events(10)])
    await runtime.start()
    health = runtime.context().health
    try:
        assert await wait_for(lambda: _ok(health))
        await runtime.stop_folding()  # the projector stops folding; the process keeps serving
        await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events(5, start=10)])
        first = await health()
        assert first["consumer_lag"] == 5 and first["ok"] is True  # behind, but not for long yet
        await asyncio.sleep(1.3)
        report = await health()
        assert report["ok"] is False and report["state"] == "stalled", report
    finally:
        await runtime.stop()
        await runtime.store.close()
        await log.close()


async def test_health_and_metrics_count_every_dead_letter_topic(kafka_bootstrap, redis_url, unique_prefix):
    """Issue 10 item 7, on Kafka: letters parked by parse and extract (published here as
    those stages do) and by this timeline's projector all show in /health and /metrics."""
    runtime, log = await runtime_on(kafka_bootstrap, redis_url, unique_prefix)
    for spec, count in ((ARTICLES_DLQ, 2), (PARSED_DLQ, 1)):
        letters = [DeadLetter.of(source_topic=f"{unique_prefix}x", value=b"junk", key=f"k{i}".encode(), reason="test",
                                 stage="validate", failed_at_ms=0) for i in range(count)]
        await log.publish_many(spec, [(letter.key, letter.model_dump_json().encode()) for letter in letters])
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events(3)] + [("junk", b'{"type": "x"}')])
    await runtime.start()
    context = runtime.context()
    try:
        assert await wait_for(lambda: _ok(context.health))
        report = await wait_for(lambda: _parked(context.health, 4))
        assert report["dead_letter_topics"] == {"articles.deadletter": 2, "articles.parsed.deadletter": 1,
                                                "events.deadletter": 1}
        metrics = await context.metrics()
        assert {k: v for k, v in metrics.items() if k.startswith("claimline_dead_letters_total")} == {
            'claimline_dead_letters_total{topic="articles.deadletter"}': 2,
            'claimline_dead_letters_total{topic="articles.parsed.deadletter"}': 1,
            'claimline_dead_letters_total{topic="events.deadletter"}': 1}
    finally:
        await runtime.stop()
        await runtime.store.close()
        await log.close()


async def _parked(health, total: int) -> dict | None:
    report = await health()
    return report if report.get("dead_letters_parked") == total else None
