"""Poison records on real Kafka and Redis: parked with their reason and bytes, never fatal.

Given valid events mixed with records no fold can use (NaN and ±Infinity figures, a
tombstone, bytes that are not JSON, JSON nested thousands deep, a 900 KB non-event) and an
extraction marker whose keys are reordered, when the live projector folds the topic, then
every valid event is on the timeline and every poison record is on the events dead-letter
topic once, with its reason; `timeline replay` and a start on an empty Redis give the same
timeline and park nothing twice. An oversized invalid article reaching the parse worker
is parked as a truncated copy with its size and hash, and the worker goes on."""
from __future__ import annotations

import asyncio
import hashlib
import json
import time

from schemas.events import dump_event
from schemas.extraction import ArticleExtracted
from services.bootstrap import TimelineRuntime, replay_redis
from services.common.dlq import read_dead_letters
from services.common.kafka_log import KafkaLog
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, ARTICLES, EVENTS
from services.timeline.core import fold
from services.timeline.projection import Projector
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.support.events import make_event
from tests.support.services import ServiceProcess, service_env


async def all_entries(store) -> dict:
    found, cursor = {}, None
    while True:
        page = await store.page(TimelineQuery(limit=500, cursor=cursor))
        found.update({e.entry_id: e for e in page.entries})
        if not (cursor := page.next_cursor):
            return found


def good_events(n: int):
    return [make_event(f"art{i}", "casualties_claimed", actor="RUS", claimant="UKR" if i % 2 else "WEST",
                       quantity=("killed", float(100 + i)), location="Kursk") for i in range(n)]


def poison_values() -> list[bytes | None]:
    base = good_events(1)[0].model_dump_json()
    return [
        base.replace('"value":100.0', '"value":NaN').encode(),
        base.replace('"value":100.0', '"value":Infinity').encode(),
        base.replace('"value":100.0', '"value":-Infinity').encode(),
        None,  # a tombstone
        b"\x00\xffnot json",
        b"[" * 3000 + b"]" * 3000,
        json.dumps({"type": "strike", "padding": "x" * 900_000}).encode(),
    ]


async def test_poison_records_are_parked_and_never_stop_the_timeline(kafka_bootstrap, redis_url, unique_prefix):
    settings = Settings(kafka_bootstrap=kafka_bootstrap, redis_url=redis_url, topic_prefix=unique_prefix,
                        redis_prefix=unique_prefix.rstrip("."))
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    events = good_events(30)
    marker = ArticleExtracted(article="art0", extractor_version="1.0.0", published_at="2025-01-01",
                              event_ids=(events[0].event_id,))
    reordered = json.dumps(dict(reversed(list(json.loads(marker.model_dump_json()).items()))), indent=2)
    # Everything under one key lands on one partition, so the poison sits between valid events.
    await log.publish_many(EVENTS, [("k", dump_event(e)) for e in events[:15]])
    for value in poison_values():
        await log.publish(EVENTS, "k", value)  # None is a tombstone
    await log.publish_many(EVENTS, [("k", dump_event(e)) for e in events[15:]] + [("k", reordered.encode())])

    # Live: the projector folds past every poison record.
    live = RedisTimelineStore.from_url(redis_url, settings.redis_prefix)
    projector = Projector(log, live, batch_size=4)
    await asyncio.wait_for(projector.catch_up(), timeout=60)
    expected = fold(events)
    assert await all_entries(live) == expected
    assert projector.stats.dead_letters == 7
    letters = [letter for _, letter in await read_dead_letters(log, "events")]
    assert len(letters) == 7
    reasons = [letter.reason for letter in letters]
    assert sum("quantities.0.value" in r for r in reasons) == 3, reasons
    assert sum("tombstone" in r for r in reasons) == 1
    by_offset = {letter.source_offset: letter for letter in letters}
    assert len(by_offset) == 7  # one letter per record
    assert {letter.original_value() for letter in letters if not letter.value_truncated} >= set(poison_values()[:3])
    big = [letter for letter in letters if letter.value_truncated]
    assert len(big) == 1 and big[0].value_size == len(poison_values()[-1])
    assert big[0].value_sha256 == hashlib.sha256(poison_values()[-1]).hexdigest()

    # Replay: the same timeline, nothing parked twice.
    report = await replay_redis(settings)
    assert report["events"] == len(events)
    assert await all_entries(live) == expected
    assert len(await read_dead_letters(log, "events")) == 7

    # A fresh start on an empty Redis: the start-up rebuild folds past them too.
    fresh = RedisTimelineStore.from_url(redis_url, f"{settings.redis_prefix}-fresh")
    runtime = TimelineRuntime(log, fresh, {"log_backend": "kafka", "store_backend": "redis"})
    await runtime.start()
    try:
        assert await all_entries(fresh) == expected
    finally:
        await runtime.stop()
    assert len(await read_dead_letters(log, "events")) == 7
    await fresh.close()
    await live.close()
    await log.close()


async def test_an_oversized_invalid_article_is_parked_truncated_and_the_worker_goes_on(
        kafka_bootstrap, redis_url, unique_prefix, tmp_path):
    env = service_env(kafka_bootstrap, redis_url, unique_prefix)
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    huge = json.dumps({"id": "huge", "title": "t", "body": "é" * 450_000}, ensure_ascii=False).encode()  # ~900 KB, no text
    assert 850_000 < len(huge) < 1_000_000
    await log.publish(ARTICLES, "huge", huge)
    await log.publish(ARTICLES, "small", b'{"id": "small"}')
    # the parse stage validates what arrives on `articles` (an invalid record never needs the parser)
    worker = ServiceProcess("parse", ["parse", "run"], env, tmp_path / "parse.log").start()
    try:
        deadline = time.monotonic() + 90
        letters = []
        while time.monotonic() < deadline:
            letters = [letter for _, letter in await read_dead_letters(log, "articles")]
            if len(letters) >= 2:
                break
            assert worker.process.poll() is None, worker.log_tail()
            await asyncio.sleep(0.5)
        keys = {letter.key: letter for letter in letters}
        assert set(keys) == {"huge", "small"}, (letters, worker.log_tail())
        assert keys["huge"].value_truncated and keys["huge"].value_size == len(huge)
        assert keys["huge"].value_sha256 == hashlib.sha256(huge).hexdigest()
        assert keys["huge"].original_value() == huge[:len(keys["huge"].original_value())]
        assert worker.process.poll() is None
    finally:
        worker.stop()
        await log.close()
