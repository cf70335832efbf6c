"""Replay on real Kafka and Redis: the event log is the truth.

Given events on the events topic and a live projection in Redis, when Redis loses the
projection and `timeline replay` rebuilds it, then the result equals what was there; and
when parsed articles are re-extracted with the current extractor, the timeline shows only
that extractor's events. Events come from the pure extractor over real CoreNLP parses."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import redis.asyncio as aioredis

from bench.common import iter_synthetic_log
from schemas.article import Article
from schemas.events import dump_event
from schemas.extraction import ArticleExtracted
from services.bootstrap import replay_redis
from services.common.kafka_log import KafkaLog
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, ARTICLES_PARSED, EVENTS
from services.extract.core import EXTRACTOR_VERSION, extract
from services.extract.worker import replay_articles
from services.timeline.core import fold
from services.timeline.projection import Projector, rebuild
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.support.events import make_event

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-articles.jsonl"


def seed_articles(copies: int) -> list[Article]:
    raw = [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]
    return [Article.model_validate({**a, "id": f"{a['id']}-{i}"}) for i in range(copies) for a in raw]


async def all_entries(store) -> dict:
    found, cursor = {}, None
    while True:
        page = await store.page(TimelineQuery(limit=500, cursor=cursor))
        found.update({e.entry_id: e for e in page.entries})
        if not (cursor := page.next_cursor):
            return found


async def test_flush_then_replay_gives_back_the_same_timeline(kafka_bootstrap, redis_url, unique_prefix, parse_cache):
    settings = Settings(kafka_bootstrap=kafka_bootstrap, redis_url=redis_url, topic_prefix=unique_prefix,
                        redis_prefix=unique_prefix.rstrip("."))
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    events = [e for p in parse_cache.parse_all(seed_articles(20)) for e in extract(p)]
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events])
    await log.publish(EVENTS, "garbage", b'{"type": "strike"}')  # parked, not folded

    live = RedisTimelineStore.from_url(redis_url, settings.redis_prefix)
    projector = Projector(log, live, batch_size=500)
    await projector.catch_up()
    before = await all_entries(live)
    assert before == fold(events)
    assert projector.stats.dead_letters == 1

    client = aioredis.from_url(redis_url)
    keys = [k async for k in client.scan_iter(match=f"{settings.redis_prefix}:*")]
    await client.delete(*keys)
    assert await all_entries(live) == {}

    report = await replay_redis(settings)
    assert report["events"] == len(events)
    assert await all_entries(live) == before  # the live store follows the switched namespace
    # The replaced namespace is gone
    assert not [k async for k in client.scan_iter(match=f"{settings.redis_prefix}:v1:*")]
    await client.aclose()
    await live.close()
    await log.close()


async def test_re_extraction_replaces_an_older_extractor_version(kafka_bootstrap, redis_url, unique_prefix,
                                                                 parse_cache):
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    articles = seed_articles(1)
    parsed = parse_cache.parse_all(articles)
    await log.publish_many(ARTICLES_PARSED, [(p.article.id, p.model_dump_json().encode()) for p in parsed])
    # What an older extractor once said about these articles
    old = [make_event(a.id, "strike", actor="UKR", location="Belaya", when=date(2024, 12, 30), version="0.0.0-old",
                      sentence=a.text.splitlines()[0]) for a in articles]
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in old])
    store = RedisTimelineStore.from_url(redis_url, unique_prefix.rstrip("."))
    projector = Projector(log, store)
    await projector.catch_up()
    assert {c.extractor_version for e in (await all_entries(store)).values() for c in e.claims} == {"0.0.0-old"}

    count = await replay_articles(log)
    assert count == len(articles)
    await projector.catch_up()
    entries = await all_entries(store)
    assert {c.extractor_version for e in entries.values() for c in e.claims} == {EXTRACTOR_VERSION}
    assert entries == fold([e for p in parsed for e in extract(p)])
    await store.close()
    await log.close()


async def namespace_contents(client, prefix: str, namespace: str) -> dict:
    """Every key of a namespace (without the namespace) with its whole value."""
    contents = {}
    async for key in client.scan_iter(match=f"{prefix}:{namespace}:*", count=1000):
        name = key.decode().split(":", 2)[2]
        kind = (await client.type(key)).decode()
        if kind == "hash":
            contents[name] = await client.hgetall(key)
        elif kind == "set":
            contents[name] = await client.smembers(key)
        elif kind == "zset":
            contents[name] = await client.zrange(key, 0, -1, withscores=True)
        elif kind == "string":  # e.g. `maxspan`, the longest entry span a window query looks back
            contents[name] = await client.get(key)
        else:
            raise AssertionError(f"unexpected {kind} at {key!r}")
    return contents


async def test_a_rebuild_shared_by_forked_writers_equals_a_single_process_one(kafka_bootstrap, redis_url,
                                                                              unique_prefix, parse_cache):
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    events = [e for p in parse_cache.parse_all(seed_articles(20)) for e in extract(p)]
    # An older extractor's event for one article: the rebuild must drop it in every share.
    stale = make_event(events[0].article, "strike", actor="UKR", location="Belaya", when=date(2024, 12, 30),
                       version="0.0.0-old", sentence="Ukraine struck a command post near Belaya.")
    await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in [stale, *events]])
    prefix = unique_prefix.rstrip(".")
    single = RedisTimelineStore.from_url(redis_url, prefix, namespace="single")
    shared = RedisTimelineStore.from_url(redis_url, prefix, namespace="shared")
    one = await rebuild(log, single, workers=1)
    three = await rebuild(log, shared, workers=3, min_entries_per_worker=1, entries_per_commit=7)
    assert one["workers"] == 1 and three["workers"] == 3
    assert await all_entries(shared) == await all_entries(single) == fold([stale, *events])
    client = aioredis.from_url(redis_url)
    assert await namespace_contents(client, prefix, "shared") == await namespace_contents(client, prefix, "single")
    assert await shared.positions(EVENTS.name(unique_prefix)) == await log.end_offsets(EVENTS)
    await client.aclose()
    for store in (single, shared):
        await store.close()
    await log.close()


async def test_a_rebuild_writes_what_the_live_projector_wrote_key_for_key(kafka_bootstrap, redis_url, unique_prefix):
    """Every key a rebuild writes (entry documents, list views, index sets, text, time hulls,
    members, events, articles' sets) is the one the live projector wrote folding the same log
    batch by batch, byte for byte: a rebuild's shortcuts (forked writers, bulk commits, one
    pass per entry over its claims) change how it writes, never what. The log: bundled
    articles' events, some first logged by an older extractor, and markers of articles that
    gave none."""
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    records = list(iter_synthetic_log(3000, empty_articles=40, reextracted=60))
    await log.publish_many(EVENTS, [(r.article, r.model_dump_json().encode() if isinstance(r, ArticleExtracted)
                                     else dump_event(r)) for r in records])
    prefix = unique_prefix.rstrip(".")
    live = RedisTimelineStore.from_url(redis_url, prefix, namespace="live")
    rebuilt = RedisTimelineStore.from_url(redis_url, prefix, namespace="rebuilt")
    # Also folded in partitioned passes (`core.passes`), as a log past the memory budget is
    partitioned = RedisTimelineStore.from_url(redis_url, prefix, namespace="partitioned")
    await Projector(log, live, batch_size=250).catch_up()
    report = await rebuild(log, rebuilt, workers=2, min_entries_per_worker=1, entries_per_commit=50)
    assert report["workers"] == 2 and report["partitions"] == 1
    report = await rebuild(log, partitioned, workers=2, min_entries_per_worker=1, entries_per_commit=50,
                           partitions=3)
    assert report["workers"] == 2 and report["partitions"] == 3
    client = aioredis.from_url(redis_url)
    live_keys = await namespace_contents(client, prefix, "live")
    assert len(live_keys) > 100
    for namespace in ("rebuilt", "partitioned"):
        rebuilt_keys = await namespace_contents(client, prefix, namespace)
        assert sorted(rebuilt_keys) == sorted(live_keys)
        assert [k for k in sorted(live_keys) if live_keys[k] != rebuilt_keys[k]] == []
    await client.aclose()
    for store in (live, rebuilt, partitioned):
        await store.close()
    await log.close()
