"""`GET /articles/{article_id}`: what was ingested, and what was extracted from it.

JSON for programs (the default, and `Accept: application/json`); the citable article view
for a person (`Accept: text/html`, as a browser sends, or `?format=html`): the text with
every claim's evidence highlighted (`services.timeline.web.article`)."""
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from services.timeline.api.deps import ContextDep
from services.timeline.core.grouping import base_key, entry_ids, entry_key
from services.timeline.web.article import render_article_page

router = APIRouter()


class ArticleOut(BaseModel):
    id: str
    # Bare `dict`: the schema stays a plain object (`dict[str, Any]` would add additionalProperties).
    article: dict | None
    events: list[dict]


def wants_html(request: Request, fmt: str | None) -> bool:
    """`format` when given, else whether the client asks for HTML (a browser's Accept)."""
    if fmt:
        return fmt == "html"
    return "text/html" in request.headers.get("accept", "")


@router.get("/articles/{article_id}", response_model=ArticleOut, tags=["articles"],
            summary="What was ingested, and what was extracted from it (JSON, or HTML for a person)",
            responses={200: {"content": {"text/html": {}}}, 404: {"description": "no such article"}})
async def get_article(
    article_id: str, request: Request, ctx: ContextDep,
    format: Annotated[Literal["json", "html"] | None, Query(
        description="overrides Accept: 'html' is the readable article view with the evidence highlighted")] = None,
) -> Response:
    article = await ctx.articles(article_id) if ctx.articles else None
    event_ids = await ctx.store.article_event_ids(article_id)
    html = wants_html(request, format)
    if article is None and not event_ids:
        if html:
            return HTMLResponse(render_article_page(article_id, None, [], {}, {}), status_code=404,
                                headers={"Vary": "Accept"})
        raise HTTPException(status_code=404, detail=f"no article {article_id!r}")
    stored = await ctx.store.events(set(event_ids))
    events = [stored[i] for i in event_ids if i in stored]
    if not html:
        body = ArticleOut(id=article_id, article=article, events=[e.model_dump(mode="json") for e in events])
        return Response(body.model_dump_json(), media_type="application/json", headers={"Vary": "Accept"})
    # Claims in text order (then by id), each with its entry and the entry's title.
    events.sort(key=lambda e: (min((ev.start for ev in e.evidence), default=0), e.event_id))
    entry_of = {e.event_id: entry_key(e) for e in events}
    # An unplaced claim may have joined its placed entry (grouping.resolve_keys): resolve it
    # over the events of its base, as the projector does.
    bases = {b for e in events if (b := base_key(e)) is not None}
    if bases:
        members = await ctx.store.entry_members(bases)
        peers = await ctx.store.events({i for ids in members.values() for i in ids})
        for base in bases:
            resolved = entry_ids(peers[i] for i in members.get(base, set()) if i in peers)
            entry_of.update({i: k for i, k in resolved.items() if i in entry_of})
    titles: dict[str, str] = {}
    for entry_id in dict.fromkeys(entry_of.values()):
        entry = await ctx.store.entry(entry_id)
        if entry is not None:
            titles[entry_id] = entry.title
    return HTMLResponse(render_article_page(article_id, article, events, entry_of, titles),
                        headers={"Vary": "Accept"})
