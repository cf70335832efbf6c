"""The timeline store port: what the projector needs to read and write, and the queries.

Adapters (`RedisTimelineStore`, `MemoryTimelineStore`) only do I/O; what to write is
decided by `services.timeline.projection` with the pure core. Both adapters pass the same
contract tests (tests/contract/test_timeline_store.py).
"""
from __future__ import annotations

import base64
import json
import math
import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, Protocol, TypeVar

from schemas.events import Event
from services.timeline.core.model import Entry


@dataclass
class ChangeSet:
    """Everything one batch changes, written atomically with the consumed positions."""

    add_events: dict[str, Event] = field(default_factory=dict)
    remove_events: set[str] = field(default_factory=set)
    article_versions: dict[str, str] = field(default_factory=dict)
    member_add: dict[str, set[str]] = field(default_factory=dict)  # entry id -> event ids
    member_remove: dict[str, set[str]] = field(default_factory=dict)
    upsert_entries: dict[str, Entry] = field(default_factory=dict)
    delete_entries: set[str] = field(default_factory=set)
    positions: dict[str, dict[int, int]] = field(default_factory=dict)  # topic -> partition -> next offset
    # The events' JSON as read from the log, when the writer has it (saves re-serializing).
    raw_events: dict[str, bytes] = field(default_factory=dict)
    # True when the documents of `add_events` are in the store already (a rebuild streams them
    # in through the store's `event_stager` while it reads the log): a store that staged them
    # writes only what refers to them (article and entry sets); any other store may ignore it.
    events_staged: bool = False
    # Guards of the live projector's commits. `continues`: the topic whose positions the
    # batch was read from; the commit is refused (ProjectionLost) if the store no longer has
    # them (Redis lost its data meanwhile: only a rebuild may start a projection again).
    # `fence`: the projector-lease token the commit needs to still hold (NotLeader otherwise),
    # so a replica that lost the lease can never write over the new leader.
    continues: str | None = None
    fence: str | None = None

    @property
    def changed_entry_ids(self) -> list[str]:
        return sorted(set(self.upsert_entries) | self.delete_entries)


@dataclass(frozen=True)
class TimelineQuery:
    type: str | None = None
    actor: str | None = None
    location: str | None = None
    claimant: str | None = None
    contested: bool | None = None
    start: date | None = None  # event time window (`from`)
    end: date | None = None  # (`to`)
    as_of: datetime | None = None
    q: str | None = None
    descending: bool = False
    limit: int = 50
    cursor: str | None = None
    # page_json: full entries (every claim) instead of the list view
    full_claims: bool = False


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    next_cursor: str | None


@dataclass(frozen=True)
class JsonPage:
    """A page as the entries' JSON documents (UTF-8 bytes), for serving without
    re-serializing or re-encoding them."""

    entries: list[bytes]
    next_cursor: str | None
    # The store's generation both before and after the page was computed, when the store
    # read it (None: unknown, or a commit landed meanwhile); not part of the page's value.
    generation: bytes | str | None = field(default=None, compare=False)


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


# How many pages each page memo keeps (the route's, by query string, and the store's, by
# query): `CLAIMLINE_PAGE_MEMO_ITEMS`, 256 when unset. 0 keeps none, so every request is
# computed anew (`bench/timeline_load.py --uncached` measures the query paths so).
PAGE_MEMO_ITEMS = int(os.environ.get("CLAIMLINE_PAGE_MEMO_ITEMS") or 256)


class GenerationCache(Generic[K, V]):
    """Answers kept for one generation of a store (`RedisTimelineStore.generation`: a token
    every commit replaces): `get` forgets everything as soon as it is asked with another
    generation. Bounded in items and in bytes (`size` of a value), least recently used first
    out; a value larger than a quarter of the bytes is not kept.

    A caller keeps an answer only under a generation it read both before and after computing
    the answer (no commit landed in between), and serves it only while the store still shows
    that generation, so the first read after any commit computes the answer anew."""

    def __init__(self, size: Callable[[V], int], max_items: int = 256, max_bytes: int = 32 * 1024 * 1024) -> None:
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._generation: bytes | str | None = None
        self._bytes = 0
        self._size = size
        self._max_items = max_items
        self._max_bytes = max_bytes

    def get(self, generation: bytes | str | None, key: K) -> V | None:
        if generation is None or generation != self._generation:
            self.clear(generation)
            return None
        found = self._items.get(key)
        if found is None:
            return None
        self._items.move_to_end(key)
        return found[0]

    def put(self, generation: bytes | str, key: K, value: V) -> None:
        if self._max_items <= 0:
            return
        if generation != self._generation:
            self.clear(generation)
        size = self._size(value) + 64
        if size > self._max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._items[key] = (value, size)
        self._bytes += size
        while len(self._items) > self._max_items or self._bytes > self._max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= dropped

    def clear(self, generation: bytes | str | None = None) -> None:
        self._items.clear()
        self._bytes = 0
        self._generation = generation


class ProjectionLost(RuntimeError):
    """The store lost the positions a commit continues from: the projection must be rebuilt."""


class NotLeader(RuntimeError):
    """The commit's lease token is no longer the projector lease's holder."""


def encode_cursor(score: float, entry_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([score, entry_id]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[float, str]:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        score, entry_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        score = float(score)
    except Exception as error:  # any garbage is the same client error
        raise ValueError("cursor is not one this server issued") from error
    # Scores are exact integers below 2**53 (core.fold.sort_score): NaN, infinities, and
    # anything else a client made up would reach the store's range queries.
    if not isinstance(entry_id, str) or not math.isfinite(score) or not 0 <= score < 2.0 ** 53:
        raise ValueError("cursor is not one this server issued")
    return score, entry_id


class TimelineStore(Protocol):
    # --- what the projector reads
    async def positions(self, topic: str) -> dict[int, int]: ...
    async def article_state(self, article_ids: set[str]) -> tuple[dict[str, str], dict[str, Event]]:
        """Current extractor version per article, and the current events of those articles."""
    async def entry_members(self, entry_ids: set[str]) -> dict[str, set[str]]: ...
    async def events(self, event_ids: set[str]) -> dict[str, Event]: ...
    # --- the one write
    async def commit(self, changes: ChangeSet) -> None:
        """Apply a change set and the positions atomically; then notify subscribers."""
    # --- queries
    async def page(self, query: TimelineQuery) -> Page: ...
    async def page_json(self, query: TimelineQuery, *, generation: bytes | str | None = None) -> JsonPage:
        """The same page as `page`, each entry as its JSON document. `generation`: the
        store's generation as the caller read it just before (a store with generations
        need not read it again)."""
    async def entry(self, entry_id: str) -> Entry | None: ...
    async def event(self, event_id: str) -> Event | None: ...
    async def article_event_ids(self, article_id: str) -> list[str]: ...
    async def counts(self) -> dict[str, int]: ...
    def subscribe(self) -> AsyncIterator[list[str]]:
        """Changed entry ids, batch by batch, as they are committed."""
    async def ping(self) -> bool: ...
    async def close(self) -> None: ...
