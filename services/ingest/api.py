"""Ingest over HTTP: `POST /articles` (one JSON article, a JSON array, or NDJSON).

Run: `claimline ingest serve` (standalone, Kafka + Redis) — or inside `claimline demo`.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, FastAPI, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.common.http import SecurityHeaders, bearer_guard
from services.ingest.core import parse_submission
from services.ingest.service import IngestService


class ReceiptOut(BaseModel):
    id: str
    status: str
    topic: str
    partition: int
    offset: int
    language: str | None = None
    note: str | None = None  # e.g. unsupported_language: the article will give no events


class SubmitOut(BaseModel):
    accepted: int
    duplicates: int
    articles: list[ReceiptOut]


class ProblemOut(BaseModel):
    item: int
    field: str | None
    problem: str


class RejectOut(BaseModel):
    detail: str
    problems: list[ProblemOut]


def build_router(get_service: Callable[[], IngestService], *, max_body_bytes: int,
                 write_token: str | None) -> APIRouter:
    router = APIRouter(tags=["ingest"])

    @router.post(
        "/articles",
        response_model=SubmitOut,
        status_code=status.HTTP_202_ACCEPTED,
        dependencies=[Depends(bearer_guard(write_token))],
        responses={
            413: {"model": RejectOut, "description": "body or an article text is too large"},
            422: {"model": RejectOut, "description": "an article is invalid; nothing was published"},
        },
        openapi_extra={"requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ArticleIn"}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        }, "required": True}},
        summary="Ingest one article (JSON) or many (JSON array or NDJSON)",
    )
    async def post_articles(request: Request) -> SubmitOut | JSONResponse:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_body_bytes:
            return _reject(413, f"body is {declared} bytes; the limit is {max_body_bytes}", [])
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > max_body_bytes:
                return _reject(413, f"body exceeds the limit of {max_body_bytes} bytes", [])
        submission = parse_submission(bytes(body), request.headers.get("content-type", ""),
                                      now=datetime.now(UTC))
        if submission.problems:
            code = 413 if submission.too_large else 422
            return _reject(code, "invalid submission; nothing was published", submission.problems)
        receipts = await get_service().submit(submission.articles)
        return SubmitOut(
            accepted=sum(r.status == "accepted" for r in receipts),
            duplicates=sum(r.status == "duplicate" for r in receipts),
            articles=[ReceiptOut(**r.as_dict()) for r in receipts],
        )

    return router


def _reject(code: int, detail: str, problems) -> JSONResponse:
    return JSONResponse(status_code=code, content={"detail": detail, "problems": [p.as_dict() for p in problems]})


def create_app(service_factory: Callable[[], Awaitable[IngestService]], *, max_body_bytes: int,
               write_token: str | None, health: Callable[[], Awaitable[dict]],
               on_shutdown: Callable[[], Awaitable[None]]) -> FastAPI:
    """A standalone ingest app; the services are built at start-up, not at import."""
    from contextlib import asynccontextmanager

    holder: dict[str, IngestService] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder["service"] = await service_factory()
        yield
        await on_shutdown()

    app = FastAPI(title="Claimline ingest", version="0.1.0", lifespan=lifespan)
    app.add_middleware(SecurityHeaders)
    app.include_router(build_router(lambda: holder["service"], max_body_bytes=max_body_bytes,
                                    write_token=write_token))

    @app.get("/health", tags=["ops"])
    async def get_health() -> JSONResponse:
        report = await health()
        return JSONResponse(status_code=200 if report.get("ok") else 503, content=report)

    # Document ArticleIn in the OpenAPI components (the body is read raw to allow NDJSON).
    from schemas.article import ArticleIn

    original_openapi = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original_openapi()
        schema.setdefault("components", {}).setdefault("schemas", {})["ArticleIn"] = ArticleIn.model_json_schema()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
