"""Live updates for many readers: one store subscription per process, fanned out in memory.

Each SSE client used to open its own subscription (a Redis connection held for as long as
the client listens), so a few hundred readers exhausted the connection pool and every other
request failed. Here one pump task reads the store's change feed, fetches each changed entry
once, renders its SSE frame once, and offers the frames to every client's bounded queue. A
client too slow to keep up (its queue full) is not waited for: its queue is replaced by a
single `resync` frame, the stream ends, and the page reconnects and reloads its view.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field

from services.timeline.store import TimelineStore

log = logging.getLogger(__name__)

RESYNC = "event: resync\ndata: {}\n\n"


def entry_frame(entry_id: str, entry_json: str | None) -> str:
    """One server-sent event: the entry as it is now, or its removal (pure)."""
    if entry_json is None:
        return f"event: entry_removed\ndata: {json.dumps({'entry_id': entry_id})}\n\n"
    return f"event: entry\nid: {entry_id}\ndata: {entry_json}\n\n"


@dataclass(eq=False)
class Listener:
    """One SSE client: a bounded queue of rendered frames."""

    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(maxsize=256))
    dropped: bool = False

    def offer(self, frames: str) -> None:
        if self.dropped:
            return
        try:
            self.queue.put_nowait(frames)
        except asyncio.QueueFull:
            # Too slow: what it missed is unknown to it now, so it must reload, not go on.
            self.dropped = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


class Fanout:
    def __init__(self, store: TimelineStore, *, queue_size: int = 256) -> None:
        self._store = store
        self._queue_size = queue_size
        self._listeners: set[Listener] = set()
        self._task: asyncio.Task | None = None
        self.published = 0  # change batches delivered to listeners (for tests and metrics)

    @property
    def listeners(self) -> int:
        return len(self._listeners)

    def connect(self) -> Listener:
        listener = Listener(queue=asyncio.Queue(maxsize=self._queue_size))
        self._listeners.add(listener)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._pump(), name="timeline-fanout")
        return listener

    def disconnect(self, listener: Listener) -> None:
        self._listeners.discard(listener)

    async def _render(self, changed: list[str]) -> str:
        parts = []
        for entry_id in changed:
            entry = await self._store.entry(entry_id)
            parts.append(entry_frame(entry_id, entry.model_dump_json() if entry is not None else None))
        return "".join(parts)

    async def _pump(self) -> None:
        while True:
            try:
                async for changed in self._store.subscribe():
                    if not self._listeners:
                        continue
                    frames = await self._render(changed)
                    for listener in list(self._listeners):
                        listener.offer(frames)
                    self.published += 1
            except asyncio.CancelledError:
                raise
            except Exception:  # the feed broke: clients may have missed changes
                log.exception("live change feed failed; resubscribing")
                for listener in list(self._listeners):
                    listener.offer(RESYNC)
                    listener.dropped = True
                await asyncio.sleep(1.0)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
