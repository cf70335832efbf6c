"""`GET /health` of the standalone ingest service (the embedded demo has the timeline's)."""
from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from services.ingest.api.deps import HealthDep

router = APIRouter(tags=["ops"])


@router.get("/health")
async def get_health(health: HealthDep) -> JSONResponse:
    report = await health()
    return JSONResponse(status_code=200 if report.get("ok") else 503, content=report)
