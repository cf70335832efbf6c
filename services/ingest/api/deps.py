"""What the ingest handlers depend on, declared once (as in FastAPI's full-stack template,
`backend/app/api/deps.py`): the ingest service, the body limit, the write token and the
health check.

An app serving these routes says where they come from with `use_service` and `use_limits`
(and `use_health` for `/health`); `create_app` does, and so does the embedded demo. Every
dependency is a coroutine on purpose: FastAPI runs a plain-function dependency in its thread
pool, which costs a thread hand-off on every request.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from services.common.http import check_bearer
from services.ingest.service import IngestService

HealthCheck = Callable[[], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int
    write_token: str | None  # None: writes are open


# Where an app keeps them (app.state attributes).
_SERVICE = "ingest_service"
_LIMITS = "ingest_limits"
_HEALTH = "ingest_health"


def use_service(app: FastAPI, service: Callable[[], IngestService]) -> None:
    """Serve requests with the service `service()` returns (called on every request)."""
    setattr(app.state, _SERVICE, service)


def use_limits(app: FastAPI, *, max_body_bytes: int, write_token: str | None) -> None:
    setattr(app.state, _LIMITS, Limits(max_body_bytes=max_body_bytes, write_token=write_token))


def use_health(app: FastAPI, health: HealthCheck) -> None:
    setattr(app.state, _HEALTH, health)


async def get_service(request: Request) -> IngestService:
    service: Callable[[], IngestService] = getattr(request.app.state, _SERVICE)
    return service()


async def get_limits(request: Request) -> Limits:
    limits: Limits = getattr(request.app.state, _LIMITS)
    return limits


async def get_health(request: Request) -> HealthCheck:
    health: HealthCheck = getattr(request.app.state, _HEALTH)
    return health


async def require_write_token(request: Request) -> None:
    limits: Limits = getattr(request.app.state, _LIMITS)
    check_bearer(request, limits.write_token)


ServiceDep = Annotated[IngestService, Depends(get_service)]
LimitsDep = Annotated[Limits, Depends(get_limits)]
HealthDep = Annotated[HealthCheck, Depends(get_health)]
# A route's or router's `dependencies=[WriteAccess]`: it needs the write token.
WriteAccess = Depends(require_write_token)
