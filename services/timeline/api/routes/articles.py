"""`GET /articles/{article_id}`: what was ingested, and what was extracted from it."""
import json

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from services.timeline.api.deps import ContextDep

router = APIRouter()


class ArticleOut(BaseModel):
    id: str
    # Bare `dict`: the schema stays a plain object (`dict[str, Any]` would add additionalProperties).
    article: dict | None
    events: list[dict]


@router.get("/articles/{article_id}", response_model=ArticleOut, tags=["articles"],
            summary="What was ingested, and what was extracted from it",
            responses={404: {"description": "no such article"}})
async def get_article(article_id: str, ctx: ContextDep) -> ArticleOut:
    article = await ctx.articles(article_id) if ctx.articles else None
    event_ids = await ctx.store.article_event_ids(article_id)
    if article is None and not event_ids:
        raise HTTPException(status_code=404, detail=f"no article {article_id!r}")
    events = await ctx.store.events(set(event_ids))
    return ArticleOut(id=article_id, article=article,
                      events=[json.loads(events[i].model_dump_json()) for i in event_ids if i in events])
