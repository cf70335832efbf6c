"""The timeline over HTTP (FastAPI). Run: `claimline timeline serve`, or inside `claimline demo`.

Handlers only translate HTTP to store queries and back; filtering semantics live in
`services.timeline.query`, the fold in `services.timeline.core`. One router per resource in
`routes/`, put together in `main`; what handlers depend on is declared once in `deps`.
"""
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from services.common.http import SecurityHeaders
from services.timeline.api.deps import TimelineContext, use_context, use_read_token
from services.timeline.api.main import api_router, ops_router, static_router
from services.timeline.api.plain_pages import PlainPages
from services.timeline.api.routes.timeline import party_code

__all__ = ["TimelineContext", "api_router", "create_app", "ops_router", "party_code", "static_router",
           "use_context", "use_read_token"]


def create_app(ctx_factory: Callable[[], Awaitable[TimelineContext]], *, read_token: str | None,
               on_shutdown: Callable[[], Awaitable[None]], extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = await ctx_factory()
        use_context(app, lambda: ctx)
        yield
        await on_shutdown()

    app = FastAPI(title="Claimline timeline", version="0.1.0", lifespan=lifespan,
                  description="A dated, source-attributed, queryable chronology of war claims.")
    # The last added is the outermost: plain pages are answered inside SecurityHeaders.
    app.add_middleware(PlainPages)
    app.add_middleware(SecurityHeaders)
    use_read_token(app, read_token)
    app.include_router(ops_router)
    app.include_router(api_router)
    for router in extra_routers:
        app.include_router(router)
    app.include_router(static_router)
    return app
