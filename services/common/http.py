"""Small FastAPI helpers shared by the HTTP services."""
from __future__ import annotations

import secrets
from typing import Callable

from fastapi import HTTPException, Request, status


def bearer_guard(token: str | None) -> Callable[[Request], None]:
    """A dependency that requires `Authorization: Bearer <token>` when a token is set."""

    def guard(request: Request) -> None:
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
