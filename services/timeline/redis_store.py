"""The Redis projection of the timeline.

Layout (every key under `{prefix}:{namespace}`; `{prefix}:current` names the live
namespace, so a replay is written beside the live projection and switched in with one SET):

    events              hash  event id -> event JSON (current events only)
    artver              hash  article id -> extractor version in force
    artev:{article}     set   event ids of the article
    members:{entry}     set   event ids of the entry
    entries             hash  entry id -> entry JSON (every claim)
    entries_list        hash  entry id -> the entry's list view JSON (a few claims)
    entryidx            hash  entry id -> JSON list of the index keys it is in
    z:all               zset  entry id scored by event time (Entry.sort_score)
    z:type:{t} z:actor:{a} z:loc:{place} z:claimant:{party} z:contested z:word:{token}
                        zsets, same score: every filter is an index lookup
    pos:{topic}         hash  partition -> next offset, written in the same MULTI/EXEC
                              as the state it produced

Changed entry ids are published on `{prefix}:changes` after each commit.
"""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import AsyncIterator

import redis.asyncio as aioredis

from schemas.events import Event, parse_event
from services.timeline.core.model import Entry
from services.timeline.query import (entry_as_of, entry_index_keys, index_is_exact, index_key_for, list_view,
                                     matches, score_floor)
from services.timeline.store import ChangeSet, JsonPage, Page, TimelineQuery, decode_cursor, encode_cursor

DEFAULT_NAMESPACE = "v1"


class RedisTimelineStore:
    def __init__(self, client: aioredis.Redis, prefix: str, namespace: str | None = None) -> None:
        """`namespace=None` follows the live pointer (re-read on every step and query);
        a fixed namespace is used by a replay that builds beside the live one."""
        self._r = client
        self._prefix = prefix
        self._fixed_ns = namespace
        self._ns = namespace or DEFAULT_NAMESPACE

    @classmethod
    def from_url(cls, url: str, prefix: str, namespace: str | None = None) -> "RedisTimelineStore":
        return cls(aioredis.from_url(url, decode_responses=False), prefix, namespace)

    # --- namespaces
    @property
    def pointer_key(self) -> str:
        return f"{self._prefix}:current"

    async def _refresh_ns(self) -> str:
        if self._fixed_ns is None:
            current = await self._r.get(self.pointer_key)
            self._ns = current.decode() if current else DEFAULT_NAMESPACE
        return self._ns

    @property
    def namespace(self) -> str:
        return self._ns

    def _k(self, suffix: str) -> str:
        return f"{self._prefix}:{self._ns}:{suffix}"

    async def live_namespace(self) -> str:
        current = await self._r.get(self.pointer_key)
        return current.decode() if current else DEFAULT_NAMESPACE

    async def switch_to(self, namespace: str) -> str:
        """Make `namespace` the live one atomically; returns the one it replaced."""
        old = await self._r.getset(self.pointer_key, namespace)
        return old.decode() if old else DEFAULT_NAMESPACE

    async def drop_namespace(self, namespace: str) -> int:
        removed = 0
        async for key in self._r.scan_iter(match=f"{self._prefix}:{namespace}:*", count=1000):
            removed += await self._r.unlink(key)
        return removed

    # --- projector reads
    async def positions(self, topic: str) -> dict[int, int]:
        await self._refresh_ns()
        raw = await self._r.hgetall(self._k(f"pos:{topic}"))
        return {int(p): int(o) for p, o in raw.items()}

    async def article_state(self, article_ids: set[str]) -> tuple[dict[str, str], dict[str, Event]]:
        ids = sorted(article_ids)
        pipe = self._r.pipeline(transaction=False)
        pipe.hmget(self._k("artver"), ids)
        for article in ids:
            pipe.smembers(self._k(f"artev:{article}"))
        results = await pipe.execute()
        versions = {a: v.decode() for a, v in zip(ids, results[0]) if v is not None}
        event_ids = {e.decode() for members in results[1:] for e in members}
        return versions, await self.events(event_ids)

    async def entry_members(self, entry_ids: set[str]) -> dict[str, set[str]]:
        ids = sorted(entry_ids)
        pipe = self._r.pipeline(transaction=False)
        for entry_id in ids:
            pipe.smembers(self._k(f"members:{entry_id}"))
        results = await pipe.execute()
        return {e: {m.decode() for m in members} for e, members in zip(ids, results)}

    async def events(self, event_ids: set[str]) -> dict[str, Event]:
        if not event_ids:
            return {}
        ids = sorted(event_ids)
        raw = await self._r.hmget(self._k("events"), ids)
        return {i: parse_event(r) for i, r in zip(ids, raw) if r is not None}

    # --- the write
    async def commit(self, changes: ChangeSet) -> None:
        changed = changes.changed_entry_ids
        old_index = {}
        if changed:
            raw = await self._r.hmget(self._k("entryidx"), changed)
            old_index = {e: json.loads(r) for e, r in zip(changed, raw) if r is not None}
        pipe = self._r.pipeline(transaction=True)
        if changes.add_events:
            raw = changes.raw_events
            pipe.hset(self._k("events"), mapping={i: raw.get(i) or e.model_dump_json()
                                                  for i, e in changes.add_events.items()})
            by_article: dict[str, list[str]] = {}
            for i, e in changes.add_events.items():
                by_article.setdefault(e.article, []).append(i)
            for article, ids in by_article.items():
                pipe.sadd(self._k(f"artev:{article}"), *ids)
        if changes.remove_events:
            removed = sorted(changes.remove_events)
            pipe.hdel(self._k("events"), *removed)
        for article, version in changes.article_versions.items():
            pipe.hset(self._k("artver"), article, version)
        if changes.remove_events:
            # Superseded events belong to articles whose version just changed.
            for article in changes.article_versions:
                pipe.srem(self._k(f"artev:{article}"), *sorted(changes.remove_events))
        for entry_id, ids in changes.member_add.items():
            pipe.sadd(self._k(f"members:{entry_id}"), *sorted(ids))
        for entry_id, ids in changes.member_remove.items():
            pipe.srem(self._k(f"members:{entry_id}"), *sorted(ids))
        for entry_id in changes.delete_entries:
            pipe.hdel(self._k("entries"), entry_id)
            pipe.hdel(self._k("entries_list"), entry_id)
            pipe.hdel(self._k("entryidx"), entry_id)
            pipe.delete(self._k(f"members:{entry_id}"))
            for key in old_index.get(entry_id, []):
                pipe.zrem(self._k(key), entry_id)
        for entry_id, entry in changes.upsert_entries.items():
            keys = entry_index_keys(entry)
            for key in set(old_index.get(entry_id, [])) - set(keys):
                pipe.zrem(self._k(key), entry_id)
            for key in keys:
                pipe.zadd(self._k(key), {entry_id: entry.sort_score})
            pipe.hset(self._k("entries"), entry_id, entry.model_dump_json())
            pipe.hset(self._k("entries_list"), entry_id, list_view(entry).model_dump_json())
            pipe.hset(self._k("entryidx"), entry_id, json.dumps(keys))
        for topic, positions in changes.positions.items():
            if positions:
                pipe.hset(self._k(f"pos:{topic}"), mapping={str(p): o for p, o in positions.items()})
        await pipe.execute()
        if changed:
            await self._r.publish(f"{self._prefix}:changes",
                                  json.dumps({"namespace": self._ns, "entries": changed}))

    # --- queries
    async def _range(self, key: str, low: str, high: str, *, descending: bool, offset: int, num: int):
        """(member, score) rows of an index set between two scores, in the query's order."""
        if descending:
            return await self._r.zrange(key, high, low, byscore=True, desc=True, offset=offset, num=num,
                                        withscores=True)
        return await self._r.zrange(key, low, high, byscore=True, offset=offset, num=num, withscores=True)

    async def page(self, query: TimelineQuery) -> Page:
        await self._refresh_ns()
        key = self._k(index_key_for(query))
        low, high = "-inf", "+inf"
        if query.end is not None:
            # sort_score grows with the start day: nothing starting after `to` can match,
            # so the index range stops there.
            high = f"({score_floor(query.end + timedelta(days=1))!r}"
        cursor = decode_cursor(query.cursor) if query.cursor else None
        if cursor:
            if query.descending:
                high = repr(cursor[0]) if query.end is None else repr(min(cursor[0], score_floor(query.end + timedelta(days=1))))
            else:
                low = repr(cursor[0])
        found: list[Entry] = []
        offset = 0
        chunk = max(query.limit * 2, 64)
        has_more = False
        while True:
            rows = await self._range(key, low, high, descending=query.descending, offset=offset, num=chunk)
            if not rows:
                break
            offset += len(rows)
            candidates = [(m.decode(), s) for m, s in rows]
            if cursor:
                candidates = [(m, s) for m, s in candidates
                              if ((s, m) < cursor if query.descending else (s, m) > cursor)]
            if candidates:
                raw = await self._r.hmget(self._k("entries"), [m for m, _ in candidates])
                entries = [Entry.model_validate_json(r) for r in raw if r is not None]
                if query.as_of is not None:
                    entries = [v for v in (entry_as_of(e, query.as_of) for e in entries) if v is not None]
                for entry in entries:
                    if matches(entry, query):
                        if len(found) == query.limit:
                            has_more = True
                            break
                        found.append(entry)
            if has_more or len(rows) < chunk:
                break
        next_cursor = encode_cursor(found[-1].sort_score, found[-1].entry_id) if has_more and found else None
        return Page(entries=found, next_cursor=next_cursor)

    async def page_json(self, query: TimelineQuery) -> JsonPage:
        if not index_is_exact(query):
            page = await self.page(query)
            view = (lambda e: e) if query.full_claims else list_view
            return JsonPage([view(e).model_dump_json() for e in page.entries], page.next_cursor)
        # Fast path: the index set is the answer; read limit+1 members past the cursor and
        # the entries' stored JSON, without parsing them.
        await self._refresh_ns()
        key = self._k(index_key_for(query))
        cursor = decode_cursor(query.cursor) if query.cursor else None
        low, high = ("-inf", "+inf")
        if cursor:
            low, high = (low, repr(cursor[0])) if query.descending else (repr(cursor[0]), high)
        members: list[tuple[str, float]] = []
        offset, chunk = 0, query.limit + 8
        while len(members) <= query.limit:
            rows = await self._range(key, low, high, descending=query.descending, offset=offset, num=chunk)
            offset += len(rows)
            for member, score in rows:
                position = (score, member.decode())
                if cursor and (position >= cursor if query.descending else position <= cursor):
                    continue
                members.append(position)
            if len(rows) < chunk:
                break
        has_more = len(members) > query.limit
        members = members[:query.limit]
        documents = self._k("entries" if query.full_claims else "entries_list")
        raw = await self._r.hmget(documents, [m for _, m in members]) if members else []
        next_cursor = encode_cursor(*members[-1]) if has_more and members else None
        return JsonPage([r.decode() for r in raw if r is not None], next_cursor)

    async def entry(self, entry_id: str) -> Entry | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("entries"), entry_id)
        return Entry.model_validate_json(raw) if raw else None

    async def entries(self, entry_ids: list[str]) -> list[Entry]:
        if not entry_ids:
            return []
        raw = await self._r.hmget(self._k("entries"), entry_ids)
        return [Entry.model_validate_json(r) for r in raw if r is not None]

    async def event(self, event_id: str) -> Event | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("events"), event_id)
        return parse_event(raw) if raw else None

    async def article_event_ids(self, article_id: str) -> list[str]:
        await self._refresh_ns()
        return sorted(m.decode() for m in await self._r.smembers(self._k(f"artev:{article_id}")))

    async def counts(self) -> dict[str, int]:
        await self._refresh_ns()
        pipe = self._r.pipeline(transaction=False)
        pipe.hlen(self._k("events"))
        pipe.hlen(self._k("entries"))
        pipe.zcard(self._k("z:contested"))
        events, entries, contested = await pipe.execute()
        return {"events": events, "entries": entries, "contested": contested}

    async def subscribe(self) -> AsyncIterator[list[str]]:
        pubsub = self._r.pubsub()
        await pubsub.subscribe(f"{self._prefix}:changes")
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                payload = json.loads(message["data"])
                if payload.get("namespace") == await self.live_namespace():
                    yield payload["entries"]
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._r.ping(), timeout=1.0))
        except Exception:  # noqa: BLE001 - unreachable is the answer
            return False

    async def close(self) -> None:
        await self._r.aclose()
