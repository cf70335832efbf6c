"""`GET /figures`: how one figure evolved claim by claim, or the figures there are."""
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel

from services.timeline.api.deps import ContextDep
from services.timeline.core.figures import METRICS, figure_history, list_subjects, parse_subject
from services.timeline.core.model import Entry, FigurePoint, SubjectInfo

router = APIRouter()


class FiguresOut(BaseModel):
    subject: str | None
    points: list[FigurePoint]
    subjects: list[SubjectInfo]


@router.get("/figures", response_model=FiguresOut, tags=["figures"],
            summary="How one figure evolved claim by claim (e.g. subject=PRK troops)",
            responses={422: {"description": "subject not understood"}})
async def get_figures(
    ctx: ContextDep,
    subject: Annotated[str | None, Query(description="'<party> <metric>', e.g. 'PRK troops', "
                                                    "'North Korean casualties'; omit to list subjects")] = None,
) -> FiguresOut:
    if subject is None:
        entries: list[Entry] = []
        for metric_type in sorted({t for t, _ in METRICS.values()}):
            entries.extend(await ctx.entries_where(type=metric_type))
        return FiguresOut(subject=None, points=[], subjects=list_subjects(entries))
    try:
        wanted = parse_subject(subject)
    except ValueError as error:
        raise HTTPException(status_code=422, detail=f"subject: {error}") from error
    event_type, _ = METRICS[wanted.metric]
    entries = await ctx.entries_where(type=event_type, actor=wanted.actor)
    return FiguresOut(subject=wanted.label, points=figure_history(entries, wanted), subjects=[])
