"""A minimal server-sent-events reader on a raw socket: cheap enough to hold a thousand
open streams in one process (tests and bench/sse_fanout.py)."""
from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field


@dataclass(eq=False)
class SseReader:
    host: str
    port: int
    path: str = "/timeline/stream"
    events: list[tuple[str, str, float]] = field(default_factory=list)  # (event, id, monotonic time)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    closed: bool = False
    _task: asyncio.Task | None = None

    def start(self) -> SseReader:
        self._task = asyncio.create_task(self._run())
        return self

    async def _run(self) -> None:
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=2 ** 22)
        writer.write(f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nAccept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        try:
            status = await reader.readline()
            if b" 200 " not in status:
                raise RuntimeError(f"stream answered {status!r}")
            while (await reader.readline()) not in (b"\r\n", b""):
                pass  # headers
            self.connected.set()
            event, event_id = "message", ""
            while True:
                line = await reader.readline()
                if not line:
                    break
                text = line.decode("utf-8", "replace").rstrip("\r\n")
                # Chunked transfer encoding: size lines are bare hex numbers; data lines are not.
                if text.startswith("event: "):
                    event = text[7:]
                elif text.startswith("id: "):
                    event_id = text[4:]
                elif text.startswith("data: "):
                    self.events.append((event, event_id, time.monotonic()))
                    event, event_id = "message", ""
        finally:
            self.closed = True
            writer.close()

    def ids(self, event: str = "entry") -> set[str]:
        return {i for e, i, _ in self.events if e == event}

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
