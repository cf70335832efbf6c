"""Small FastAPI helpers shared by the HTTP services: the bearer-token guard and the
security headers every response carries."""
from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from fastapi import HTTPException, Request, status

# The web page keeps a read token the user typed in this cookie (SameSite=Strict), so the
# page's requests and its EventSource, which cannot set headers, carry it.
READ_TOKEN_COOKIE = "claimline_read_token"


def bearer_guard(token: str | None, *, cookie: str | None = None) -> Callable[[Request], Awaitable[None]]:
    """A dependency that requires `Authorization: Bearer <token>` when a token is set
    (or, when `cookie` is named, that cookie holding the token: for reads only, so a
    cross-site page can never make a browser write with it).

    A coroutine on purpose: FastAPI runs a plain-function dependency in its thread pool,
    which costs a thread hand-off on every request."""

    async def guard(request: Request) -> None:
        check_bearer(request, token, cookie=cookie)

    return guard


def check_bearer(request: Request, token: str | None, *, cookie: str | None = None) -> None:
    """What `bearer_guard` checks, for a dependency that finds its token at request time:
    raises 401 unless the request carries `token` (nothing to check when it is None or
    empty)."""
    if not token:
        return
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if not header and cookie:
        scheme, given = "bearer", unquote(request.cookies.get(cookie, ""))
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="a valid bearer token is required (Authorization: Bearer <token>)",
            headers={"WWW-Authenticate": "Bearer"},
        )


# The page loads only its own script and style sheet and talks only to its own origin.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load Swagger UI / ReDoc from jsDelivr with an inline
# bootstrap script: allowed there and nowhere else.
DOCS_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
            "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
            "font-src 'self' https://fonts.gstatic.com; img-src 'self' data: https://fastapi.tiangolo.com "
            "https://cdn.redoc.ly; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; frame-ancestors 'none'")
_COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def security_headers(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to `path` (pure)."""
    csp = DOCS_CSP if path in ("/docs", "/redoc", "/docs/oauth2-redirect") else PAGE_CSP
    return [*_COMMON, (b"content-security-policy", csp.encode())]


class SecurityHeaders:
    """ASGI middleware adding `security_headers` to every HTTP response, streamed ones
    included (a plain ASGI wrapper: no per-request task or body buffering)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = security_headers(scope.get("path", ""))

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []),
                                                  *((n, v) for n, v in extra if n not in present)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
