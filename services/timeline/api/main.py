"""The timeline's routers put together (as in FastAPI's full-stack template,
`backend/app/api/main.py`).

* `ops_router`: `/health`, `/metrics`; open.
* `api_router`: every resource behind the read token, in the order their paths must be
  tried (`/timeline/stream` before `/timeline/{entry_id}`).
* `static_router`: the pages and their files; open and outside the API schema.

A new resource is a module in `routes/` with a `router`, included here.
"""
from fastapi import APIRouter

from services.timeline.api.deps import ReadAccess
from services.timeline.api.routes import articles, entries, events, figures, ops, places, static, stream, timeline

ops_router = ops.router

api_router = APIRouter(dependencies=[ReadAccess])
api_router.include_router(timeline.router)
api_router.include_router(stream.router)
api_router.include_router(figures.router)
api_router.include_router(entries.router)
api_router.include_router(events.router)
api_router.include_router(articles.router)
api_router.include_router(places.router)

static_router = static.router
