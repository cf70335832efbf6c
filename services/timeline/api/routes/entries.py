"""`GET /timeline/{entry_id}`: one entry with every claim."""
from fastapi import APIRouter, HTTPException

from services.timeline.api.deps import ContextDep
from services.timeline.core.model import Entry

router = APIRouter()


@router.get("/timeline/{entry_id}", response_model=Entry, tags=["timeline"],
            summary="One entry with all its claims and sources", responses={404: {"description": "no such entry"}})
async def get_entry(entry_id: str, ctx: ContextDep) -> Entry:
    entry = await ctx.store.entry(entry_id)
    if entry is None:
        raise HTTPException(status_code=404, detail=f"no timeline entry {entry_id!r}")
    return entry
