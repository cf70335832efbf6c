"""`GET /timeline/stream`: new and changed entries as server-sent events."""
import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from services.timeline.api.deps import ContextDep
from services.timeline.fanout import RESYNC

router = APIRouter()


@router.get("/timeline/stream", tags=["timeline"],
            summary="Server-sent events: new and changed entries, live",
            responses={200: {"content": {"text/event-stream": {}}}})
async def stream(request: Request, ctx: ContextDep) -> StreamingResponse:
    fanout = ctx.live()

    async def events() -> AsyncIterator[str]:
        # Frames come rendered from the process's one subscription (services.timeline.fanout).
        listener = fanout.connect()
        try:
            yield "retry: 2000\n\n"
            while True:
                try:
                    frames = await asyncio.wait_for(listener.queue.get(), timeout=15.0)
                except TimeoutError:
                    if await request.is_disconnected():
                        break
                    yield ": keep-alive\n\n"
                    continue
                yield frames
                if frames == RESYNC:
                    break  # dropped as too slow: the client reconnects and reloads
        finally:
            fanout.disconnect(listener)

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
