"""`GET /events/{event_id}`: one extracted event, as stored."""
from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from services.timeline.api.deps import ContextDep

router = APIRouter()


@router.get("/events/{event_id}", tags=["events"], summary="One extracted event",
            responses={404: {"description": "no such event"}})
async def get_event(event_id: str, ctx: ContextDep) -> Response:
    event = await ctx.store.event(event_id)
    if event is None:
        raise HTTPException(status_code=404, detail=f"no event {event_id!r} in the timeline")
    return Response(event.model_dump_json(), media_type="application/json")
