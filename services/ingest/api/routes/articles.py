"""`POST /articles`: one JSON article, a JSON array, or NDJSON."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from services.ingest.api.deps import LimitsDep, ServiceDep, WriteAccess
from services.ingest.core import Problem, parse_submission

router = APIRouter(tags=["ingest"])


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


@router.post(
    "/articles",
    response_model=SubmitOut,
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[WriteAccess],
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
async def post_articles(request: Request, service: ServiceDep, limits: LimitsDep) -> SubmitOut | JSONResponse:
    max_body_bytes = limits.max_body_bytes
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
    receipts = await service.submit(submission.articles)
    return SubmitOut(
        accepted=sum(r.status == "accepted" for r in receipts),
        duplicates=sum(r.status == "duplicate" for r in receipts),
        articles=[ReceiptOut(**r.as_dict()) for r in receipts],
    )


def _reject(code: int, detail: str, problems: Sequence[Problem]) -> JSONResponse:
    return JSONResponse(status_code=code, content={"detail": detail, "problems": [p.as_dict() for p in problems]})
