"""The in-process timeline store: the embedded mode's cache in place of Redis.

Same port, same contract tests as the Redis store. Not persistent by design: the embedded
event log is, and the timeline is rebuilt from it at start (the log is the truth).
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from schemas.events import Event
from services.timeline.core.model import Entry
from services.timeline.query import entry_as_of, list_view, matches
from services.timeline.store import (
    ChangeSet,
    JsonPage,
    Page,
    ProjectionLost,
    TimelineQuery,
    decode_cursor,
    encode_cursor,
)


class MemoryTimelineStore:
    def __init__(self) -> None:
        self._events: dict[str, Event] = {}
        self._article_versions: dict[str, str] = {}
        self._article_events: dict[str, set[str]] = {}
        self._members: dict[str, set[str]] = {}
        self._entries: dict[str, Entry] = {}
        self._positions: dict[str, dict[int, int]] = {}
        self._subscribers: set[asyncio.Queue] = set()
        self._lock = asyncio.Lock()

    async def positions(self, topic: str) -> dict[int, int]:
        return dict(self._positions.get(topic, {}))

    async def article_state(self, article_ids: set[str]) -> tuple[dict[str, str], dict[str, Event]]:
        versions = {a: self._article_versions[a] for a in article_ids if a in self._article_versions}
        events = {i: self._events[i] for a in article_ids for i in self._article_events.get(a, ()) if i in self._events}
        return versions, events

    async def entry_members(self, entry_ids: set[str]) -> dict[str, set[str]]:
        return {e: set(self._members.get(e, ())) for e in entry_ids}

    async def events(self, event_ids: set[str]) -> dict[str, Event]:
        return {i: self._events[i] for i in event_ids if i in self._events}

    async def commit(self, changes: ChangeSet) -> None:
        # No await inside: the whole change applies at once, as MULTI/EXEC does in Redis.
        # One process owns this store: the lease fence has nothing to check.
        if changes.continues is not None and not self._positions.get(changes.continues):
            raise ProjectionLost(f"no positions for {changes.continues}")
        for event_id, event in changes.add_events.items():
            self._events[event_id] = event
            self._article_events.setdefault(event.article, set()).add(event_id)
        for event_id in changes.remove_events:
            removed = self._events.pop(event_id, None)
            if removed is not None:
                self._article_events.get(removed.article, set()).discard(event_id)
        self._article_versions.update(changes.article_versions)
        for entry_id, ids in changes.member_add.items():
            self._members.setdefault(entry_id, set()).update(ids)
        for entry_id, ids in changes.member_remove.items():
            self._members.get(entry_id, set()).difference_update(ids)
        for entry_id in changes.delete_entries:
            self._entries.pop(entry_id, None)
            self._members.pop(entry_id, None)
        self._entries.update(changes.upsert_entries)
        for topic, positions in changes.positions.items():
            self._positions.setdefault(topic, {}).update(positions)
        changed = changes.changed_entry_ids
        if changed:
            for queue in list(self._subscribers):
                queue.put_nowait(changed)

    async def page(self, query: TimelineQuery) -> Page:
        ordered = sorted(self._entries.values(), key=lambda e: (e.sort_score, e.entry_id), reverse=query.descending)
        cursor = decode_cursor(query.cursor) if query.cursor else None
        found: list[Entry] = []
        last: tuple[float, str] | None = None
        has_more = False
        for entry in ordered:
            position = (entry.sort_score, entry.entry_id)
            if cursor and (position >= cursor if query.descending else position <= cursor):
                continue
            shown: Entry | None = entry if query.as_of is None else entry_as_of(entry, query.as_of)
            if shown is None:
                continue
            if not matches(shown, query):
                continue
            if len(found) == query.limit:
                has_more = True
                break
            found.append(shown)
            last = position
        # The position in the walk, not the shown entry's: an entry shown as at `as_of` may
        # have another time, and the next page continues the walk.
        next_cursor = encode_cursor(*last) if has_more and last else None
        return Page(entries=found, next_cursor=next_cursor)

    async def page_json(self, query: TimelineQuery, *, generation: bytes | str | None = None) -> JsonPage:
        page = await self.page(query)
        view = (lambda e: e) if query.full_claims else list_view
        return JsonPage([view(e).model_dump_json().encode() for e in page.entries], page.next_cursor)

    async def entry(self, entry_id: str) -> Entry | None:
        return self._entries.get(entry_id)

    async def entries(self, entry_ids: list[str]) -> list[Entry]:
        return [self._entries[e] for e in entry_ids if e in self._entries]

    async def event(self, event_id: str) -> Event | None:
        return self._events.get(event_id)

    async def article_event_ids(self, article_id: str) -> list[str]:
        return sorted(self._article_events.get(article_id, ()))

    async def counts(self) -> dict[str, int]:
        return {"events": len(self._events), "entries": len(self._entries),
                "contested": sum(e.contested for e in self._entries.values())}

    async def subscribe(self) -> AsyncIterator[list[str]]:
        queue: asyncio.Queue = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            while True:
                yield await queue.get()
        finally:
            self._subscribers.discard(queue)

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        return None
