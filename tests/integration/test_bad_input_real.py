"""Bad input against the real adapters (Kafka log, Redis seen-store, Redis timeline store):
a 4xx, never a 500; big batches accepted in one linear pass, re-posts recognised."""
from __future__ import annotations

import base64
import json

import httpx
import pytest
import redis.asyncio as aioredis

from schemas.events import dump_event
from services.common.kafka_log import KafkaLog
from services.common.topics import ALL_TOPICS, EVENTS
from services.ingest.api import create_app as create_ingest_app
from services.ingest.seen import RedisSeenStore
from services.ingest.service import IngestService
from services.timeline.api import TimelineContext
from services.timeline.api import create_app as create_timeline_app
from services.timeline.projection import Projector
from services.timeline.redis_store import RedisTimelineStore
from tests.support.events import make_event


def nan_cursor() -> str:
    return base64.urlsafe_b64encode(b'[NaN, "x"]').decode().rstrip("=")


async def _noop() -> None:
    return None


@pytest.fixture
async def apps(kafka_bootstrap, redis_url, unique_prefix):
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    prefix = unique_prefix.rstrip(".")
    seen = RedisSeenStore(aioredis.from_url(redis_url), prefix)
    store = RedisTimelineStore.from_url(redis_url, prefix)
    await log.publish_many(EVENTS, [(f"a{i}", dump_event(make_event(f"a{i}", "strike", actor="RUS", location="Kyiv")))
                                    for i in range(5)])
    await Projector(log, store).catch_up()

    async def service():
        return IngestService(log, seen)

    async def ok():
        return {"ok": True}

    async def context():
        return TimelineContext(store=store, health=ok, metrics=ok)

    ingest = create_ingest_app(service, max_body_bytes=5_000_000, write_token=None, health=ok, on_shutdown=_noop)
    timeline = create_timeline_app(context, read_token=None, on_shutdown=_noop)
    async with ingest.router.lifespan_context(ingest), timeline.router.lifespan_context(timeline):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ingest), base_url="http://i", timeout=120) as i, \
                httpx.AsyncClient(transport=httpx.ASGITransport(app=timeline), base_url="http://t") as t:
            yield i, t
    await seen.close()
    await store.close()
    await log.close()


@pytest.mark.parametrize("path", [
    "/timeline?to=9999-12-31", "/timeline?from=9999-12-31&to=9999-12-31", "/timeline?to=9999-12-31&order=desc",
    "/timeline?to=9999-12-31&format=ndjson", f"/timeline?cursor={nan_cursor()}", f"/timeline?cursor={nan_cursor()}&order=desc",
    f"/timeline?cursor={nan_cursor()}&location=kyiv", "/static/app.js%00.png", "/timeline/%00", "/events/%00",
    "/timeline?as_of=9999-12-31T23:59:59Z&to=9999-12-31",
])
async def test_odd_queries_on_redis_are_4xx_or_200(apps, path):
    _, timeline = apps
    response = await timeline.get(path)
    assert response.status_code < 500, (path, response.text[:300])
    if "cursor" in path:
        assert response.status_code == 400
    if path.startswith("/timeline?to=9999") or path.startswith("/timeline?from=9999"):
        assert response.status_code == 200


async def test_bad_bodies_on_kafka_are_4xx(apps):
    ingest, _ = apps
    deep = ("[" * 1000 + "]" * 1000).encode()
    assert (await ingest.post("/articles", content=deep, headers={"Content-Type": "application/json"})).status_code == 422
    escaped = {"text": "a" + "\x01" * 190_000}
    assert (await ingest.post("/articles", json=escaped)).status_code == 413


async def test_a_big_batch_is_accepted_then_recognised_as_duplicates(apps):
    ingest, _ = apps
    body = "".join(json.dumps({"text": f"Report number {i}.", "published_at": "2025-01-01"}) + "\n"
                   for i in range(20_000)).encode()
    headers = {"Content-Type": "application/x-ndjson"}
    first = (await ingest.post("/articles", content=body, headers=headers)).json()
    assert first["accepted"] == 20_000
    again = (await ingest.post("/articles", content=body, headers=headers)).json()
    assert again["duplicates"] == 20_000 and again["accepted"] == 0
    assert [a["offset"] for a in again["articles"]] == [a["offset"] for a in first["articles"]]
