"""The Redis projection of the timeline.

Layout (every key under `{prefix}:{namespace}`; `{prefix}:current` names the live
namespace, so a replay is written beside the live projection and switched in with one SET):

    events              hash  event id -> event JSON (current events only)
    artver              hash  article id -> extractor version in force
    artev:{article}     set   event ids of the article
    members:{entry}     set   event ids of the entry
    entries             hash  entry id -> entry JSON (every claim), deflated (see _pack)
    entries_list        hash  entry id -> the entry's list view JSON (a few claims)
    entryidx            hash  entry id -> JSON list of the index keys it is in
    z:all               zset  entry id scored by event time (Entry.sort_score)
    z:type:{t} z:actor:{a} z:loc:{place} z:claimant:{party} z:contested z:word:{token}
                        zsets, same score: every filter is an index lookup
    pos:{topic}         hash  partition -> next offset, written in the same MULTI/EXEC
                              as the state it produced

`{prefix}:generation` (outside the namespaces) is set to a fresh random token by every
commit, in its MULTI/EXEC, and by every namespace switch or drop: whatever a reader could see
changed exactly when the token did. A process keeps the JSON pages it served keyed by it
(`page_json`, and GET /timeline its response bodies), so a repeated page costs one GET of
the token (see `store.GenerationCache`).

Changed entry ids are published on `{prefix}:changes` after each commit.
"""
from __future__ import annotations

import asyncio
import json
import os
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import hiredis
import redis
import redis.asyncio as aioredis
from redis.exceptions import DataError, WatchError

from schemas.events import Event, parse_event
from services.timeline.core.model import Entry
from services.timeline.query import (
    entry_as_of,
    entry_index_keys,
    index_is_exact,
    index_key_for,
    index_keys_for,
    list_view,
    matches,
    score_after,
)
from services.timeline.store import (
    ChangeSet,
    GenerationCache,
    JsonPage,
    NotLeader,
    Page,
    ProjectionLost,
    TimelineQuery,
    decode_cursor,
    encode_cursor,
)

DEFAULT_NAMESPACE = "v1"

# The fast path of a timeline page, run inside Redis (one round trip, and atomic with a
# namespace switch). KEYS[1] is the namespace pointer; the namespaced keys are derived
# from it inside the script, which is fine on a single Redis server (not Redis Cluster).
# ARGV: fixed namespace or "", default namespace, key prefix, index set, documents hash,
# descending (1/0), limit, cursor score or "", cursor member. Returns
# {flat (member, score) list of up to limit+1 positions past the cursor, documents of the
# first `limit`}.
PAGE_SCRIPT = """
local ns = ARGV[1]
if ns == '' then ns = redis.call('GET', KEYS[1]) or ARGV[2] end
local base = ARGV[3] .. ns .. ':'
local key, docs = base .. ARGV[4], base .. ARGV[5]
local desc, limit = ARGV[6] == '1', tonumber(ARGV[7])
local cursor_score, cursor_member = tonumber(ARGV[8]), ARGV[9]
-- Byte order, as Redis orders equal scores (Lua's '<' would follow the server's locale).
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local low, high = '-inf', '+inf'
if cursor_score then
  if desc then high = ARGV[8] else low = ARGV[8] end
end
local positions = {}
local offset, chunk = 0, limit + 8
while #positions / 2 <= limit do
  local rows
  if desc then
    rows = redis.call('ZRANGE', key, high, low, 'BYSCORE', 'REV', 'LIMIT', offset, chunk, 'WITHSCORES')
  else
    rows = redis.call('ZRANGE', key, low, high, 'BYSCORE', 'LIMIT', offset, chunk, 'WITHSCORES')
  end
  offset = offset + #rows / 2
  for i = 1, #rows, 2 do
    local member, score = rows[i], tonumber(rows[i + 1])
    local past = true
    if cursor_score then
      if desc then
        past = score < cursor_score or (score == cursor_score and before(member, cursor_member))
      else
        past = score > cursor_score or (score == cursor_score and before(cursor_member, member))
      end
    end
    if past and #positions / 2 <= limit then
      positions[#positions + 1] = member
      positions[#positions + 1] = rows[i + 1]
    end
  end
  if #rows / 2 < chunk then break end
end
local shown = {}
for i = 1, math.min(#positions / 2, limit) do shown[i] = positions[2 * i - 1] end
local documents = {}
if #shown > 0 then documents = redis.call('HMGET', docs, unpack(shown)) end
return {positions, documents}
"""


# Any set of exact index filters and an event-time window, inside Redis (issue 14): walk
# the smallest index set in score order between the window's scores and keep the members
# that every other set holds (ZSCORE), and whose end (start day + span, both in the score,
# see core.fold.sort_score) reaches `from`. The walk starts `maxspan` days before `from`
# (the longest span stored), so an entry that started earlier and still runs is found.
# KEYS[1]: the namespace pointer. ARGV: fixed ns or "", default ns, key prefix, documents
# hash, desc (1/0), limit, cursor score or "", cursor member, from ordinal or "", to
# ordinal or "", then the index keys. Returns {flat (member, score) list, documents}.
QUERY_SCRIPT = """
local ns = ARGV[1]
if ns == '' then ns = redis.call('GET', KEYS[1]) or ARGV[2] end
local base = ARGV[3] .. ns .. ':'
local docs = base .. ARGV[4]
local desc, limit = ARGV[5] == '1', tonumber(ARGV[6])
local cursor_score, cursor_member = tonumber(ARGV[7]), ARGV[8]
local from_ord, to_ord = tonumber(ARGV[9]), tonumber(ARGV[10])
local SHIFT, SPAN = 2 ^ 31, 2 ^ 21
local sets = {}
for i = 11, #ARGV do sets[#sets + 1] = base .. ARGV[i] end
local best, best_n = 1, nil
for i = 1, #sets do
  local n = redis.call('ZCARD', sets[i])
  if best_n == nil or n < best_n then best, best_n = i, n end
end
local driver = sets[best]
local others = {}
for i = 1, #sets do if i ~= best then others[#others + 1] = sets[i] end end
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local low, high = '-inf', '+inf'
if from_ord then
  local maxspan = tonumber(redis.call('GET', base .. 'maxspan') or '0') or 0
  low = string.format('%.0f', (from_ord - maxspan) * SHIFT)
end
if to_ord then high = '(' .. string.format('%.0f', (to_ord + 1) * SHIFT) end
if cursor_score then
  if desc then
    if high == '+inf' or tonumber((string.gsub(high, '%(', ''))) > cursor_score then high = ARGV[7] end
  else
    if low == '-inf' or tonumber(low) < cursor_score then low = ARGV[7] end
  end
end
local positions = {}
local offset, chunk = 0, limit + 8
while #positions / 2 <= limit do
  local rows
  if desc then
    rows = redis.call('ZRANGE', driver, high, low, 'BYSCORE', 'REV', 'LIMIT', offset, chunk, 'WITHSCORES')
  else
    rows = redis.call('ZRANGE', driver, low, high, 'BYSCORE', 'LIMIT', offset, chunk, 'WITHSCORES')
  end
  offset = offset + #rows / 2
  for i = 1, #rows, 2 do
    local member, score = rows[i], tonumber(rows[i + 1])
    local keep = true
    if cursor_score then
      if desc then
        keep = score < cursor_score or (score == cursor_score and before(member, cursor_member))
      else
        keep = score > cursor_score or (score == cursor_score and before(cursor_member, member))
      end
    end
    if keep and from_ord then
      local start = math.floor(score / SHIFT)
      local span = math.floor(score / SPAN) % 1024
      keep = span >= 1023 or start + span >= from_ord
    end
    if keep then
      for j = 1, #others do
        if not redis.call('ZSCORE', others[j], member) then keep = false break end
      end
    end
    if keep and #positions / 2 <= limit then
      positions[#positions + 1] = member
      positions[#positions + 1] = rows[i + 1]
    end
  end
  if #rows / 2 < chunk then break end
end
local shown = {}
for i = 1, math.min(#positions / 2, limit) do shown[i] = positions[2 * i - 1] end
local documents = {}
if #shown > 0 then documents = redis.call('HMGET', docs, unpack(shown)) end
return {positions, documents}
"""


def _text(value: bytes | str) -> str:
    """A reply as text: this store's client returns bytes (decode_responses=False), which
    redis's types do not know."""
    return value if isinstance(value, str) else value.decode()


# Full-entry documents are stored deflated. Every claim with its evidence is in them, so they
# are the largest part of a projection: deflating them (level 1, about 5x on this JSON) shrinks
# what a rebuild ships to Redis and what Redis holds, for a fraction of a millisecond per read.
# Events stay plain (deflating 800-byte documents one by one costs more than it saves), and so
# does the list view the first page serves. A deflate stream starts with 0x78 and a JSON
# document with '{', so a namespace written before entries were deflated still reads.
_DEFLATED = 0x78


def _pack(document: bytes | str) -> bytes:
    return zlib.compress(document.encode("utf-8") if isinstance(document, str) else document, 1)


def _unpack(stored: bytes | str) -> bytes:
    if isinstance(stored, str):  # a client that decodes responses
        return stored.encode("utf-8")
    return zlib.decompress(stored) if stored[:1] == bytes([_DEFLATED]) else stored


def _hiredis_pack(*args: object) -> bytes:
    """One command in the Redis protocol, packed by hiredis (C). Accepts what redis-py's own
    packer accepts (str, bytes, int, float, memoryview; a first argument of several words, as in
    'CONFIG GET', is split) and refuses the rest with the same DataError."""
    first = args[0]
    if isinstance(first, str):
        args = (*first.encode().split(), *args[1:])
    elif isinstance(first, bytes) and b" " in first:
        args = (*first.split(), *args[1:])
    try:
        return hiredis.pack_command(tuple(bytes(a) if isinstance(a, bytearray) else a  # type: ignore[arg-type]
                                          for a in args))
    except TypeError as error:
        raise DataError(str(error)) from error


class _HiredisPacking:
    """A mixin for redis-py's connection classes: commands packed by hiredis, as redis-py's
    synchronous client does when hiredis is installed. Its asyncio client packs them in Python,
    which was most of a rebuild's write phase by the profile (hundreds of thousands of set
    members, scores and documents a rebuild)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        return [_hiredis_pack(*args)]

    def pack_commands(self, commands: Iterable[Iterable[Any]]) -> list[bytes]:
        return [b"".join([_hiredis_pack(*command) for command in commands])]


def _packing_with_hiredis(client: aioredis.Redis) -> aioredis.Redis:
    """`client` with its pool's connections packing through hiredis (TCP, TLS or Unix socket
    alike: the pool's connection class gets the packing methods)."""
    pool = client.connection_pool
    base = pool.connection_class
    if not issubclass(base, _HiredisPacking):
        pool.connection_class = type(f"HiredisPacking{base.__name__}", (_HiredisPacking, base), {})
    return client


def _new_generation() -> str:
    """A token no earlier state of any Redis had: random, so a store wiped and refilled with
    as many commits never repeats the token a reader cached a page under."""
    return os.urandom(12).hex()


class EventStager:
    """Writes event documents into a namespace's `events` hash while a rebuild still reads and
    decodes the log (`projection.rebuild`), so Redis stores them on the other core meanwhile
    instead of during the write phase, when the writer processes need both.

    The documents go out as one HSET per read batch over a connection of its own, sent from a
    worker thread (a blocking send gives up the GIL, so the rebuild decodes on while Redis
    reads) without waiting for the replies; `finish` writes the corrections the fold calls for
    (the copy it kept of an event, superseded events dropped), then reads every reply, so an
    error surfaces before the rebuild writes anything that marks the namespace complete."""

    def __init__(self, url: str, events_key: str) -> None:
        self._client: redis.Redis = redis.Redis.from_url(url)
        self._key = events_key
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimline-stage")
        self._conn: redis.connection.ConnectionInterface | None = None
        self._pending: asyncio.Future[None] | None = None
        self._replies = 0

    def _send(self, payload: bytes) -> None:
        if self._conn is None:
            self._conn = self._client.connection_pool.get_connection()
        self._conn.send_packed_command([payload], check_health=False)

    def _read_replies(self) -> None:
        assert self._conn is not None
        errors = []
        for _ in range(self._replies):
            try:
                self._conn.read_response()
            except redis.ResponseError as error:
                errors.append(error)
        self._replies = 0
        if errors:
            raise errors[0]

    async def _queue(self, command: tuple[str | bytes, ...]) -> None:
        # hiredis's stub types the argument as a 1-tuple; it takes any number of arguments.
        payload = hiredis.pack_command(command)  # type: ignore[arg-type]
        if self._pending is not None:
            await self._pending
        self._pending = asyncio.get_running_loop().run_in_executor(self._executor, self._send, payload)
        self._replies += 1

    async def write(self, documents: Mapping[str, bytes]) -> None:
        """Queue one batch of documents (event id -> JSON); returns before Redis answers."""
        if documents:
            await self._queue(("HSET", self._key, *(part for item in documents.items() for part in item)))

    async def finish(self, correct: Mapping[str, bytes], drop: Iterable[str]) -> None:
        """Write `correct` over what was staged, remove `drop`, and wait for every reply."""
        await self.write(correct)
        dropped = sorted(drop)
        for start in range(0, len(dropped), 10000):
            await self._queue(("HDEL", self._key, *dropped[start:start + 10000]))
        if self._pending is not None:
            await self._pending
            self._pending = None
            await asyncio.get_running_loop().run_in_executor(self._executor, self._read_replies)
        await self.close()

    async def close(self) -> None:
        """Stop the worker thread (a rebuild forks its writers after this) and the connection."""
        if self._pending is not None:
            await asyncio.gather(self._pending, return_exceptions=True)
            self._pending = None
        self._executor.shutdown(wait=True)
        if self._conn is not None:
            self._conn.disconnect()
            self._conn = None
        self._client.close()


class RedisTimelineStore:
    def __init__(self, client: aioredis.Redis, prefix: str, namespace: str | None = None) -> None:
        """`namespace=None` follows the live pointer (re-read on every step and query);
        a fixed namespace is used by a replay that builds beside the live one."""
        self._r = client
        self._prefix = prefix
        self._fixed_ns = namespace
        self._ns = namespace or DEFAULT_NAMESPACE
        self._page_script = client.register_script(PAGE_SCRIPT)
        self._query_script = client.register_script(QUERY_SCRIPT)
        self._url: str | None = None  # set by from_url; lets a forked rebuild process reconnect
        self._pages: GenerationCache[TimelineQuery, JsonPage] = GenerationCache(
            lambda page: sum(len(d) for d in page.entries))

    @classmethod
    def from_url(cls, url: str, prefix: str, namespace: str | None = None) -> RedisTimelineStore:
        store = cls(_packing_with_hiredis(aioredis.from_url(url, decode_responses=False)), prefix, namespace)
        store._url = url
        return store

    def forked_writer(self) -> Callable[[], RedisTimelineStore] | None:
        """How a forked rebuild process opens its own client on this store's namespace
        (None when the store was not made from a URL)."""
        if self._url is None:
            return None
        url, prefix, namespace = self._url, self._prefix, self._ns
        return lambda: RedisTimelineStore.from_url(url, prefix, namespace=namespace)

    def event_stager(self) -> EventStager | None:
        """What a rebuild streams the events' documents through while it reads the log (None
        when the store was not made from a URL)."""
        return EventStager(self._url, self._k("events")) if self._url is not None else None

    # --- namespaces
    @property
    def pointer_key(self) -> str:
        return f"{self._prefix}:current"

    @property
    def generation_key(self) -> str:
        """Set to a new token by every commit and namespace change (outside the namespaces)."""
        return f"{self._prefix}:generation"

    @property
    def lease_key(self) -> str:
        """The projector lease (services.timeline.lease): outside the namespaces."""
        return f"{self._prefix}:projector:lease"

    async def _refresh_ns(self) -> str:
        if self._fixed_ns is None:
            current = await self._r.get(self.pointer_key)
            self._ns = _text(current) if current else DEFAULT_NAMESPACE
        return self._ns

    @property
    def namespace(self) -> str:
        return self._ns

    def _k(self, suffix: str) -> str:
        return f"{self._prefix}:{self._ns}:{suffix}"

    async def live_namespace(self) -> str:
        current = await self._r.get(self.pointer_key)
        return _text(current) if current else DEFAULT_NAMESPACE

    async def switch_to(self, namespace: str) -> str:
        """Make `namespace` the live one atomically; returns the one it replaced."""
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.getset(self.pointer_key, namespace)
            pipe.set(self.generation_key, _new_generation())
            old, _ = await pipe.execute()
        return _text(old) if old else DEFAULT_NAMESPACE

    async def drop_namespace(self, namespace: str) -> int:
        removed = 0
        async for key in self._r.scan_iter(match=f"{self._prefix}:{namespace}:*", count=1000):
            removed += await self._r.unlink(key)
        await self._r.set(self.generation_key, _new_generation())
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
        """One MULTI/EXEC with everything the change set does and the new positions.

        Writes are batched per key (one HSET per hash, one ZADD / ZREM per index set), so a
        commit costs a command per touched key, not per entry and key: a rebuild chunk
        touches thousands of word index sets, each for many entries."""
        changed = changes.changed_entry_ids
        old_index = {}
        if changed:
            raw = await self._r.hmget(self._k("entryidx"), changed)
            old_index = {e: json.loads(r) for e, r in zip(changed, raw) if r is not None}
        # The holder's own lease renewal (PEXPIRE) also trips the WATCH: check and try again.
        for _ in range(5):
            try:
                await self._commit_once(changes, old_index)
                break
            except WatchError:
                continue
        else:
            raise NotLeader("the positions or the lease kept changing during the commit")
        if changed:
            await self._r.publish(f"{self._prefix}:changes",
                                  json.dumps({"namespace": self._ns, "entries": changed}))

    async def _commit_once(self, changes: ChangeSet, old_index: dict[str, list[str]]) -> None:
        async with self._r.pipeline(transaction=True) as pipe:
            if changes.continues is not None or changes.fence is not None:
                # WATCH makes EXEC fail if the positions or the lease change between this
                # check and the write (a wipe, or another replica taking the lease).
                watched = [self._k(f"pos:{changes.continues}")] if changes.continues else []
                if changes.fence is not None:
                    watched.append(self.lease_key)
                await pipe.watch(*watched)
                if changes.continues is not None and not await pipe.exists(watched[0]):
                    raise ProjectionLost(f"no positions for {changes.continues} in namespace {self._ns}")
                if changes.fence is not None and await pipe.get(self.lease_key) != changes.fence.encode():
                    raise NotLeader("the projector lease is held by another process")
                pipe.multi()
            self._queue_commit(pipe, changes, old_index)
            await pipe.execute()

    def _queue_commit(self, pipe, changes: ChangeSet, old_index: dict[str, list[str]]) -> None:
        if changes.add_events:
            raw = changes.raw_events
            if not changes.events_staged:
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
        if changes.article_versions:
            pipe.hset(self._k("artver"), mapping=dict(changes.article_versions))
        if changes.remove_events:
            # Superseded events belong to articles whose version just changed.
            for article in changes.article_versions:
                pipe.srem(self._k(f"artev:{article}"), *sorted(changes.remove_events))
        for entry_id, members in changes.member_add.items():
            pipe.sadd(self._k(f"members:{entry_id}"), *sorted(members))
        for entry_id, members in changes.member_remove.items():
            pipe.srem(self._k(f"members:{entry_id}"), *sorted(members))
        index_removals: dict[str, list[str]] = {}
        index_additions: dict[str, dict[str, float]] = {}
        if changes.delete_entries:
            gone = sorted(changes.delete_entries)
            for field_hash in ("entries", "entries_list", "entryidx"):
                pipe.hdel(self._k(field_hash), *gone)
            pipe.delete(*(self._k(f"members:{entry_id}") for entry_id in gone))
            for entry_id in gone:
                for key in old_index.get(entry_id, []):
                    index_removals.setdefault(key, []).append(entry_id)
        documents: dict[str, bytes] = {}
        list_documents: dict[str, str] = {}
        index_documents: dict[str, str] = {}
        for entry_id, entry in changes.upsert_entries.items():
            keys = entry_index_keys(entry)
            for key in set(old_index.get(entry_id, [])).difference(keys):
                index_removals.setdefault(key, []).append(entry_id)
            for key in keys:
                index_additions.setdefault(key, {})[entry_id] = entry.sort_score
            documents[entry_id] = _pack(entry.model_dump_json())
            list_documents[entry_id] = list_view(entry).model_dump_json()
            index_documents[entry_id] = json.dumps(keys)
        # An entry is never both removed from and added to the same set in one change
        # set (removals are old keys minus new ones), so the order of the two is free.
        for key, removed in index_removals.items():
            pipe.zrem(self._k(key), *removed)
        for key, scored in index_additions.items():
            pipe.zadd(self._k(key), scored)
        if changes.upsert_entries:
            # The longest span stored (only grows): how far before `from` a window query looks.
            longest = max(min(max((e.time.end - e.time.start).days, 0), 1023) for e in changes.upsert_entries.values())
            pipe.eval("local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
                      "if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 0",
                      1, self._k("maxspan"), longest)
        if documents:
            pipe.hset(self._k("entries"), mapping=documents)
            pipe.hset(self._k("entries_list"), mapping=list_documents)
            pipe.hset(self._k("entryidx"), mapping=index_documents)
        for topic, positions in changes.positions.items():
            if positions:
                pipe.hset(self._k(f"pos:{topic}"), mapping={str(p): o for p, o in positions.items()})
        pipe.set(self.generation_key, _new_generation())

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
            high = f"({score_after(query.end)!r}"
        cursor = decode_cursor(query.cursor) if query.cursor else None
        if cursor:
            if query.descending:
                high = repr(cursor[0]) if query.end is None else repr(min(cursor[0], score_after(query.end)))
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
                entries = [Entry.model_validate_json(_unpack(r)) for r in raw if r is not None]
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
        """A page as stored JSON documents; a page this process served before is answered from
        memory while the store's generation token is unchanged (one GET)."""
        if self._fixed_ns is not None:
            return await self._page_json(query)
        generation = await self.generation()
        cached = self._pages.get(generation, query)
        if cached is not None:
            return cached
        page = await self._page_json(query)
        if generation is not None and await self.generation() == generation:
            self._pages.put(generation, query, page)
        return page

    async def generation(self) -> bytes | str | None:
        """The token every commit and namespace change replaces (None: no commit since the
        store was created or wiped). Whatever a reader sees changed only if it changed."""
        token: bytes | str | None = await self._r.get(self.generation_key)
        return token

    async def _page_json(self, query: TimelineQuery) -> JsonPage:
        keys = index_keys_for(query)
        if keys is not None and not index_is_exact(query):
            return await self._indexed_page(query, keys)
        if not index_is_exact(query):
            page = await self.page(query)
            view = (lambda e: e) if query.full_claims else list_view
            return JsonPage([view(e).model_dump_json().encode() for e in page.entries], page.next_cursor)
        # Fast path: the index set is the answer. One server-side script resolves the live
        # namespace, reads limit+1 members past the cursor and the entries' stored JSON,
        # so a page costs one round trip and no parsing.
        cursor = decode_cursor(query.cursor) if query.cursor else None
        positions, documents = await self._page_script(
            keys=[self.pointer_key],
            args=[self._fixed_ns or "", DEFAULT_NAMESPACE, f"{self._prefix}:", index_key_for(query),
                  "entries" if query.full_claims else "entries_list", 1 if query.descending else 0,
                  query.limit, repr(cursor[0]) if cursor else "", cursor[1] if cursor else ""])
        has_more = len(positions) > 2 * query.limit
        next_cursor = None
        if has_more:
            last = 2 * (query.limit - 1)
            next_cursor = encode_cursor(float(positions[last + 1]), positions[last].decode())
        return JsonPage([_unpack(d) for d in documents if d is not None], next_cursor)

    async def _indexed_page(self, query: TimelineQuery, keys: list[str]) -> JsonPage:
        """Several exact filters and/or an event-time window: one script (QUERY_SCRIPT)."""
        cursor = decode_cursor(query.cursor) if query.cursor else None
        positions, documents = await self._query_script(
            keys=[self.pointer_key],
            args=[self._fixed_ns or "", DEFAULT_NAMESPACE, f"{self._prefix}:",
                  "entries" if query.full_claims else "entries_list", 1 if query.descending else 0, query.limit,
                  repr(cursor[0]) if cursor else "", cursor[1] if cursor else "",
                  query.start.toordinal() if query.start else "", query.end.toordinal() if query.end else "",
                  *keys])
        next_cursor = None
        if len(positions) > 2 * query.limit:
            last = 2 * (query.limit - 1)
            next_cursor = encode_cursor(float(positions[last + 1]), positions[last].decode())
        return JsonPage([_unpack(d) for d in documents if d is not None], next_cursor)

    async def entry(self, entry_id: str) -> Entry | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("entries"), entry_id)
        return Entry.model_validate_json(_unpack(raw)) if raw else None

    async def entries(self, entry_ids: list[str]) -> list[Entry]:
        if not entry_ids:
            return []
        raw = await self._r.hmget(self._k("entries"), entry_ids)
        return [Entry.model_validate_json(_unpack(r)) for r in raw if r is not None]

    async def event(self, event_id: str) -> Event | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("events"), event_id)
        return parse_event(raw) if raw else None

    async def article_event_ids(self, article_id: str) -> list[str]:
        await self._refresh_ns()
        return sorted(_text(m) for m in await self._r.smembers(self._k(f"artev:{article_id}")))

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
