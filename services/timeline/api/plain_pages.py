"""GET /timeline's plain JSON pages answered before FastAPI's routing.

A page computed anew costs the timeline process about 0.4 ms of CPU, and a fifth of it was the
same for every request whatever its filters: the ASGI layers between the app and the route
(exception handling, the body limit, the exit stack, three routers, the route's request and
dependency machinery), each one more coroutine to enter and leave. A JSON page asked for with
plain parameters (`routes.timeline.plain_page`: the read token checked, `simple_query`, the memo)
never needs any of them, so this middleware answers it where it stands. What it answers goes
out through the same outer middleware (`SecurityHeaders`, the server-error handler) as before,
and the same `plain_page` makes it, so the status, headers and bytes are the route's. Every
other request (another path or method, an export, parameters spelled otherwise, no valid token,
a bad cursor) is passed on untouched, and the route answers it as declared.
"""
from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from services.timeline.api.routes import timeline as timeline_route

PATH = "/timeline"


class PlainPages:
    """ASGI middleware: GET /timeline's plain JSON pages, answered by `plain_page` without the
    layers inside it. Add it before `SecurityHeaders` (`add_middleware` puts the last one
    added outermost), so its answers carry the same headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Only the route's own path: a root path (the app mounted under a prefix) or a path the
        # router would redirect is left to the router.
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == PATH \
                and not scope.get("root_path"):
            try:
                # (looked up on the module on each request, so a test can replace it)
                response = await timeline_route.plain_page(Request(scope, receive))
            except ValueError:  # a bad cursor: the route answers its 400
                response = None
            if response is not None:
                await response(scope, receive, send)
                return
            scope[timeline_route.PLAIN_PAGE_TRIED] = True
        await self.app(scope, receive, send)
