"""Re-posts across restarts, on real Kafka and Redis.

Given an acknowledged article, when Redis restarts (its append-only file reloaded) or
loses every key, then posting the article again is recognised as a duplicate and nothing
is published; and when an article was published twice anyway (different ingested_at),
the live projection and a rebuild keep the same, earliest copy."""
from __future__ import annotations

from datetime import UTC, datetime

import redis.asyncio as aioredis

from schemas.article import Article
from schemas.events import dump_event
from services.bootstrap import build_ingest, replay_redis
from services.common.kafka_log import KafkaLog
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, ARTICLES, EVENTS
from services.ingest.seen import RedisSeenStore
from services.ingest.service import IngestService
from services.timeline.projection import Projector
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.support.events import make_event
from tests.support.infra import start_redis

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def article(i: int) -> Article:
    return Article.model_validate({"id": f"rp{i}", "text": f"Report {i}.", "published_at": "2025-03-01",
                                   "ingested_at": NOW.isoformat()})


async def test_a_re_post_is_a_duplicate_after_a_redis_restart(kafka_bootstrap, unique_prefix, tmp_path):
    redis_ = start_redis(tmp_path / "redis", reuse_env=False)  # our own server, to restart it
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    try:
        seen = RedisSeenStore(aioredis.from_url(redis_.url), "p")
        first = await IngestService(log, seen).submit([article(1)])
        assert first[0].status == "accepted"
        await seen.close()
        redis_.stop()
        redis_ = start_redis(tmp_path / "redis", reuse_env=False)  # same dir: the AOF is reloaded
        seen = RedisSeenStore(aioredis.from_url(redis_.url), "p")
        again = await IngestService(log, seen).submit([article(1)])
        assert again[0].status == "duplicate" and again[0].offset == first[0].offset
        await seen.close()
        assert sum((await log.end_offsets(ARTICLES)).values()) == 1
    finally:
        redis_.stop()
        await log.close()


async def test_a_re_post_is_a_duplicate_after_redis_lost_everything(kafka_bootstrap, redis_url, unique_prefix):
    settings = Settings(kafka_bootstrap=kafka_bootstrap, redis_url=redis_url, topic_prefix=unique_prefix,
                        redis_prefix=unique_prefix.rstrip("."))
    service, log, seen = await build_ingest(settings)
    receipts = await service.submit([article(i) for i in range(50)])
    await seen.close()
    await log.close()
    client = aioredis.from_url(redis_url)
    await client.delete(*[k async for k in client.scan_iter(match=f"{settings.redis_prefix}:*")])
    await client.aclose()

    service, log, seen = await build_ingest(settings)  # starts on an empty seen-store
    again = await service.submit([article(i) for i in range(50)])
    assert [r.status for r in again] == ["duplicate"] * 50
    assert [r.offset for r in again] == [r.offset for r in receipts]
    assert sum((await log.end_offsets(ARTICLES)).values()) == 50
    await seen.close()
    await log.close()


async def test_live_and_rebuild_keep_the_same_copy_of_a_re_published_article(kafka_bootstrap, redis_url,
                                                                               unique_prefix):
    settings = Settings(kafka_bootstrap=kafka_bootstrap, redis_url=redis_url, topic_prefix=unique_prefix,
                        redis_prefix=unique_prefix.rstrip("."))
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    times = [datetime(2025, 3, 1, h, tzinfo=UTC) for h in (9, 7, 11)]  # the earliest comes second
    base = [make_event(f"rp{i}", "strike", actor="RUS", location="Kharkiv", claimant="UKR", sentence=f"Strike {i}.")
            for i in range(20)]
    store = RedisTimelineStore.from_url(redis_url, settings.redis_prefix)
    projector = Projector(log, store, batch_size=7)
    for when in times:  # three publications of the same events, folded live one after another
        await log.publish_many(EVENTS, [(e.article, dump_event(e.model_copy(update={"ingested_at": when})))
                                        for e in base])
        await projector.catch_up()
    live = {e.entry_id: e for e in (await store.page(TimelineQuery(limit=500, full_claims=True))).entries}
    assert {c.ingested_at for e in live.values() for c in e.claims} == {times[1]}
    live_events = {e.event_id: await store.event(e.event_id) for e in base}
    assert {e.ingested_at for e in live_events.values() if e} == {times[1]}
    await replay_redis(settings)
    rebuilt = {e.entry_id: e for e in (await store.page(TimelineQuery(limit=500, full_claims=True))).entries}
    assert rebuilt == live
    # The stored events too: the copy the fold kept, not the last one read.
    assert {e.event_id: await store.event(e.event_id) for e in base} == live_events
    await store.close()
    await log.close()
