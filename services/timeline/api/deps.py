"""What the timeline's handlers depend on, declared once (as in FastAPI's full-stack template,
`backend/app/api/deps.py`): the handlers' context and the read-token check.

An app serving these routes says where both come from with `use_context` and
`use_read_token` (`create_app` does, and so does the embedded demo). Every dependency is a
coroutine on purpose: FastAPI runs a plain-function dependency in its thread pool, which
costs a thread hand-off on every request.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from services.common.http import READ_TOKEN_COOKIE, check_bearer
from services.timeline.core.model import Entry
from services.timeline.fanout import Fanout
from services.timeline.store import TimelineQuery, TimelineStore


@dataclass
class TimelineContext:
    """What the handlers need, built at start-up by the service or the embedded mode."""

    store: TimelineStore
    # Returns {"ok": bool, ...details}: Kafka (or log) reachability, Redis, consumer lag.
    health: Callable[[], Awaitable[dict[str, Any]]]
    metrics: Callable[[], Awaitable[dict[str, float]]]
    articles: Callable[[str], Awaitable[dict[str, Any] | None]] | None = None
    # The process's live-update fan-out (one store subscription), made on first use.
    fanout: Fanout | None = None

    def live(self) -> Fanout:
        if self.fanout is None:
            self.fanout = Fanout(self.store)
        return self.fanout

    async def entries_where(self, *, type: str | None = None, actor: str | None = None,
                            location: str | None = None) -> list[Entry]:
        """Every entry matching the filters, through the store's index (page by page)."""
        found: list[Entry] = []
        cursor: str | None = None
        while True:
            page = await self.store.page(TimelineQuery(type=type, actor=actor, location=location, limit=500,
                                                       cursor=cursor))
            found.extend(page.entries)
            cursor = page.next_cursor
            if not cursor:
                return found


# Where an app keeps them (app.state attributes).
_CONTEXT = "timeline_context"
_READ_TOKEN = "timeline_read_token"


def use_context(app: FastAPI, context: Callable[[], TimelineContext]) -> None:
    """Serve requests with the context `context()` returns (called on every request)."""
    setattr(app.state, _CONTEXT, context)


def use_read_token(app: FastAPI, token: str | None) -> None:
    """Require this bearer token (or the page's cookie holding it) on reads; None: open."""
    setattr(app.state, _READ_TOKEN, token)


async def get_context(request: Request) -> TimelineContext:
    context: Callable[[], TimelineContext] = getattr(request.app.state, _CONTEXT)
    return context()


async def require_read_token(request: Request) -> None:
    token: str | None = getattr(request.app.state, _READ_TOKEN)
    check_bearer(request, token, cookie=READ_TOKEN_COOKIE)


ContextDep = Annotated[TimelineContext, Depends(get_context)]
# A router's `dependencies=[ReadAccess]`: its routes need the read token.
ReadAccess = Depends(require_read_token)
