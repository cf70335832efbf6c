"""Ingest over HTTP: `POST /articles` (one JSON article, a JSON array, or NDJSON).

Run: `claimline ingest serve` (standalone, Kafka + Redis) — or inside `claimline demo`.
One router per resource in `routes/`; what handlers depend on is declared once in `deps`.
"""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from schemas.article import ArticleIn
from services.common.http import SecurityHeaders
from services.ingest.api.deps import HealthCheck, use_health, use_limits, use_service
from services.ingest.api.routes import articles, health
from services.ingest.service import IngestService

articles_router = articles.router
health_router = health.router

__all__ = ["articles_router", "create_app", "health_router", "use_limits", "use_service"]


def create_app(service_factory: Callable[[], Awaitable[IngestService]], *, max_body_bytes: int,
               write_token: str | None, health: HealthCheck,
               on_shutdown: Callable[[], Awaitable[None]]) -> FastAPI:
    """A standalone ingest app; the services are built at start-up, not at import."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = await service_factory()
        use_service(app, lambda: service)
        yield
        await on_shutdown()

    app = FastAPI(title="Claimline ingest", version="0.1.0", lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    use_limits(app, max_body_bytes=max_body_bytes, write_token=write_token)
    use_health(app, health)
    app.include_router(articles_router)
    app.include_router(health_router)

    # Document ArticleIn in the OpenAPI components (the body is read raw to allow NDJSON).
    original_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original_openapi()
        schema.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = ArticleIn.model_json_schema()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
