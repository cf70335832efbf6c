"""Small FastAPI helpers shared by the HTTP services."""
from __future__ import annotations

import secrets
from typing import Awaitable, Callable

from fastapi import HTTPException, Request, status


def bearer_guard(token: str | None) -> Callable[[Request], Awaitable[None]]:
    """A dependency that requires `Authorization: Bearer <token>` when a token is set.

    A coroutine on purpose: FastAPI runs a plain-function dependency in its thread pool,
    which costs a thread hand-off on every request."""

    async def guard(request: Request) -> None:
        if not token:
            return
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="a valid bearer token is required (Authorization: Bearer <token>)",
                headers={"WWW-Authenticate": "Bearer"},
            )

    return guard
