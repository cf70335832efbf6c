"""The Redis store's page cache (`RedisTimelineStore.page_json`) and GET /timeline's memo of
response bodies (`routes.timeline.MemoizedPages`): a page served before is answered from
memory while the store's generation token is unchanged, and never after a commit, a
namespace switch or a wipe, whichever process made them (replicas share Redis)."""
from __future__ import annotations

import json
import uuid
from datetime import date

import httpx
import pytest

from services.timeline.projection import plan
from services.timeline.redis_store import DocumentCache, RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.contract.timeline_store_contract import TOPIC, scenario
from tests.support.events import make_event


async def fold_in(store, events, positions=None):
    changes = await plan(store, events)
    changes.positions = {TOPIC: positions or {0: len(events)}}
    await store.commit(changes)


def ids(page) -> list[str]:
    return [json.loads(d)["entry_id"] for d in page.entries]


@pytest.fixture
async def stores(redis_url):
    """The projecting process's store and a reader replica's, on one prefix."""
    prefix = f"t{uuid.uuid4().hex[:8]}"
    leader, reader = (RedisTimelineStore.from_url(redis_url, prefix) for _ in range(2))
    yield leader, reader
    async for key in leader._r.scan_iter(match=f"{prefix}:*", count=1000):
        await leader._r.unlink(key)
    await leader.close()
    await reader.close()


def spy(monkeypatch, obj, name: str) -> list:
    """Replace an async method by one that records its argument and calls it; returns the record."""
    calls: list = []
    original = getattr(obj, name)

    async def counted(query, **kwargs):
        calls.append(query)
        return await original(query, **kwargs)

    monkeypatch.setattr(obj, name, counted)
    return calls


async def test_a_repeated_page_is_not_read_again(stores, monkeypatch):
    leader, reader = stores
    await fold_in(leader, scenario())
    first = await reader.page_json(TimelineQuery())
    calls = spy(monkeypatch, reader, "_page_json")
    assert await reader.page_json(TimelineQuery()) == first
    assert calls == []
    await reader.page_json(TimelineQuery(type="strike"))  # another query is read
    assert len(calls) == 1


async def test_a_commit_of_another_process_shows_on_the_next_read(stores):
    leader, reader = stores
    await fold_in(leader, scenario()[:3])
    before = await reader.page_json(TimelineQuery())
    await fold_in(leader, [make_event("a9", "strike", actor="UKR", location="Kursk", when=date(2024, 12, 20),
                                      sentence="Ukraine struck a depot in Kursk.")])
    after = await reader.page_json(TimelineQuery())
    assert len(ids(after)) == len(ids(before)) + 1


async def test_a_namespace_switch_shows_on_the_next_read(stores, redis_url):
    leader, reader = stores
    await fold_in(leader, scenario()[:1])
    assert len(ids(await reader.page_json(TimelineQuery()))) == 1
    replay = RedisTimelineStore.from_url(redis_url, leader._prefix, namespace="v2")
    try:
        await fold_in(replay, scenario())
        await replay.switch_to("v2")
    finally:
        await replay.close()
    assert len(ids(await reader.page_json(TimelineQuery()))) == len(ids(await leader.page_json(TimelineQuery()))) > 1


async def test_a_wiped_and_refilled_store_is_never_answered_from_before(stores):
    """As many commits after a wipe as before it: a counter would repeat, the token does not."""
    leader, reader = stores
    await fold_in(leader, scenario()[:2])
    before = await reader.page_json(TimelineQuery())
    async for key in leader._r.scan_iter(match=f"{leader._prefix}:*", count=1000):
        await leader._r.unlink(key)
    await fold_in(leader, scenario()[3:5])
    after = await reader.page_json(TimelineQuery())
    assert ids(after) and set(ids(after)).isdisjoint(ids(before))


@pytest.fixture
async def api(stores):
    """GET /timeline of an app reading the reader replica's store, with a read token."""
    from services.timeline.api import TimelineContext, create_app

    leader, reader = stores

    async def factory() -> TimelineContext:
        async def health():
            return {"ok": True}

        async def metrics():
            return {}

        return TimelineContext(store=reader, health=health, metrics=metrics)

    async def shutdown() -> None:
        return None

    app = create_app(factory, read_token="r34d", on_shutdown=shutdown)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield leader, reader, client


READ = {"Authorization": "Bearer r34d"}


async def test_a_repeated_request_is_answered_from_memory_and_a_commit_shows_on_the_next(api, monkeypatch):
    leader, reader, client = api
    await fold_in(leader, scenario())
    first = await client.get("/timeline", params={"limit": 2}, headers=READ)
    assert first.status_code == 200 and first.headers["x-next-cursor"]
    reads = spy(monkeypatch, reader, "page_json")
    again = await client.get("/timeline", params={"limit": 2}, headers=READ)
    assert reads == []  # neither the route nor the store read the page again
    assert again.content == first.content and again.headers["x-next-cursor"] == first.headers["x-next-cursor"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-content-type-options"] == first.headers["x-content-type-options"]  # security headers
    # The token is checked on every request, answered from memory or not.
    assert (await client.get("/timeline", params={"limit": 2})).status_code == 401
    # Another query, another Accept header (an export), a bad cursor: each goes through the route.
    assert (await client.get("/timeline", params={"limit": 3}, headers=READ)).status_code == 200
    csv = await client.get("/timeline", params={"limit": 2}, headers={**READ, "Accept": "text/csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert (await client.get("/timeline", params={"cursor": "nope"}, headers=READ)).status_code == 400
    assert (await client.get("/timeline", params={"cursor": "nope"}, headers=READ)).status_code == 400
    # A commit of the projecting process: the very next request shows it.
    await fold_in(leader, [make_event("a9", "strike", actor="UKR", location="Kursk", when=date(2023, 12, 20),
                                      sentence="Ukraine struck a depot in Kursk.")])
    after = await client.get("/timeline", params={"limit": 2}, headers=READ)
    assert after.json()["entries"][0]["type"] == "strike" and after.content != first.content
    assert after.json()["entries"][0]["time"]["start"] == "2023-12-20"


# --- the documents a process keeps by version (`redis_store.DocumentCache`)

async def test_kept_documents_are_served_only_for_the_version_redis_holds(stores, monkeypatch):
    leader, reader = stores
    monkeypatch.setattr("services.timeline.redis_store.PAGE_MEMO_ITEMS", 0)  # every page computed anew
    await fold_in(leader, scenario())
    first = await reader.page_json(TimelineQuery())
    reads = []
    original = reader._r.pipeline

    def counted(*args, **kwargs):
        reads.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(reader._r, "pipeline", counted)
    again = await reader.page_json(TimelineQuery())
    assert again.entries == first.entries and not reads  # every document kept: none read
    searched = await reader.page_json(TimelineQuery(actor="PRK", type="casualties_claimed"))
    assert searched.entries and not reads
    # A commit changes one entry: its document is read again, the others are kept.
    more = [*scenario(), make_event("a4", "casualties_claimed", actor="PRK", claimant="RUS",
                                    quantity=("casualties", 200), when=date(2025, 1, 6),
                                    sentence="Russia says 200 were hit.")]
    await fold_in(leader, more[-1:], positions={0: len(more)})
    changed = await reader.page_json(TimelineQuery())
    assert len(reads) == 1 and changed.entries != first.entries
    assert changed.entries == (await leader.page_json(TimelineQuery())).entries


async def test_a_commit_between_the_script_and_the_documents_is_never_mixed_in(stores, monkeypatch):
    leader, reader = stores
    monkeypatch.setattr("services.timeline.redis_store.PAGE_MEMO_ITEMS", 0)
    await fold_in(leader, scenario())
    original = reader._documents
    calls: list[int] = []
    committed = [len(scenario())]

    async def commit_first(*args, **kwargs):
        if not calls:  # another process commits after the script read the versions
            article = f"c{committed[0]}"
            await fold_in(leader, [make_event(article, "casualties_claimed", actor="PRK", claimant="RUS",
                                              quantity=("casualties", committed[0]), when=date(2025, 1, 6),
                                              sentence=f"Russia says {committed[0]} were hit.")],
                          positions={0: committed[0] + 1})
            committed[0] += 1
        calls.append(1)
        return await original(*args, **kwargs)

    monkeypatch.setattr(reader, "_documents", commit_first)
    for query in (TimelineQuery(), TimelineQuery(actor="PRK", type="casualties_claimed")):
        calls.clear()
        reader._documents_kept = DocumentCache()  # nothing kept: the documents must be read
        before = (await leader.page_json(query)).entries
        page = await reader.page_json(query)
        after = (await leader.page_json(query)).entries
        # The versions the script read were gone when the documents were read: read again,
        # the page is the new state's, never the old index with new documents.
        assert before != after and page.entries == after


async def test_a_namespace_written_without_versions_is_still_served(stores, monkeypatch):
    leader, reader = stores
    monkeypatch.setattr("services.timeline.redis_store.PAGE_MEMO_ITEMS", 0)
    await fold_in(leader, scenario())
    expected = [await leader.page_json(q) for q in (TimelineQuery(), TimelineQuery(actor="PRK", claimant="UKR"))]
    await leader._r.delete(leader._k("entryver"))
    for query, page in zip((TimelineQuery(), TimelineQuery(actor="PRK", claimant="UKR")), expected):
        assert (await reader.page_json(query)).entries == page.entries


async def test_as_of_rechecks_read_the_namespace_and_the_generation_together(stores):
    """`_refresh_ns_and_generation` (one MGET): what `_refresh_ns` and `generation` read."""
    leader, reader = stores
    assert await reader._refresh_ns_and_generation() is None and reader.namespace == "v1" == leader.namespace
    await fold_in(leader, scenario()[:1])
    await leader.switch_to("v2")
    generation = await reader._refresh_ns_and_generation()
    assert generation is not None and generation == await leader.generation()
    assert reader.namespace == "v2" == await leader.live_namespace()


def test_document_cache_get_many_is_get_of_each():
    one, many = DocumentCache(max_bytes=8 * 1000), DocumentCache(max_bytes=8 * 1000)
    for cache in (one, many):
        for k in range(12):
            cache.put("entries_list", f"e{k}", b"v1", b"x" * 400)
    ids_ = [f"e{k}" for k in (3, 0, 11, 5, 99)]
    versions = [b"v1", b"v2", b"v1", b"v1", b"v1"]
    assert many.get_many("entries_list", ids_, versions) == [
        one.get("entries_list", i, v) for i, v in zip(ids_, versions)] == [b"x" * 400, None, b"x" * 400, b"x" * 400, None]
    # The same ones were made the most recent: the same ones are dropped next.
    for cache in (one, many):
        cache.put("entries_list", "new", b"v1", b"y" * 900)
    assert list(one._items) == list(many._items)
