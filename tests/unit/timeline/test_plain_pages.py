"""GET /timeline's plain JSON pages answered before FastAPI's routing (`api.plain_pages`): every
request is answered with the same status, headers (the security headers included) and bytes as
by the route alone, with the read token set or not and the page memos on or off; the middleware
answers only what the router would give the JSON route, and passes everything else on."""
from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from services.timeline.api.plain_pages import PlainPages
from services.timeline.api.routes import timeline as timeline_route
from services.timeline.core.fold import fold
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.store import ChangeSet
from tests.unit.timeline.test_simple_query import QUERIES, app_over, events

TOKEN = "r34d"


class GenerationalStore(MemoryTimelineStore):
    """The in-process store with a generation token, which the route's page memo needs."""

    def __init__(self) -> None:
        super().__init__()
        self.commits = 0

    async def commit(self, changes: ChangeSet) -> None:
        await super().commit(changes)
        self.commits += 1

    async def generation(self) -> bytes:
        return str(self.commits).encode()


async def _store() -> MemoryTimelineStore:
    store = GenerationalStore()
    await store.commit(ChangeSet(upsert_entries=fold(events())))
    return store


def _app(store: MemoryTimelineStore, *, token: str | None, plain_pages: bool):
    app = app_over(store, read_token=token)
    if not plain_pages:  # the route alone, as before the middleware
        app.user_middleware = [m for m in app.user_middleware if m.cls is not PlainPages]
    return app


class Recorded:
    """An app with the scopes of its requests kept (to see which way each one took)."""

    def __init__(self, app) -> None:
        self.app = app
        self.scopes: list[dict] = []

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            self.scopes.append(scope)
        await self.app(scope, receive, send)


async def _clients(token: str | None) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, Recorded]]:
    store = await _store()
    with_middleware = _app(store, token=token, plain_pages=True)
    route_only = _app(store, token=token, plain_pages=False)
    recorded = Recorded(with_middleware)
    async with with_middleware.router.lifespan_context(with_middleware), \
            route_only.router.lifespan_context(route_only):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=recorded), base_url="http://t") as fast, \
                httpx.AsyncClient(transport=httpx.ASGITransport(app=route_only), base_url="http://t") as declared:
            yield fast, declared, recorded


@pytest.fixture(params=[None, TOKEN], ids=["open", "token"])
async def clients(request):
    async for both in _clients(request.param):
        yield both


def _answer(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.headers.multi_items()), response.content


@pytest.mark.parametrize("memo_items", [0, 256], ids=["memos-off", "memos-on"])
async def test_every_request_is_answered_as_by_the_route_alone(clients, monkeypatch, memo_items):
    monkeypatch.setattr(timeline_route, "PAGE_MEMO_ITEMS", memo_items)
    fast, declared, recorded = clients
    auth = {"Authorization": f"Bearer {TOKEN}"}
    cursor = (await declared.get("/timeline?limit=4", headers=auth)).headers["x-next-cursor"]
    answered_before_routing = 0
    for query in [*QUERIES, f"limit=4&cursor={cursor}", f"limit=4&order=desc&cursor={cursor}"]:
        for headers in ({}, auth, {"Authorization": "Bearer wrong"}, {"Cookie": f"claimline_read_token={TOKEN}"},
                        {**auth, "Accept": "text/csv"}, {**auth, "Accept": "application/json"}):
            for _ in range(2):  # the second time from the memo, when it is on
                recorded.scopes.clear()
                got = _answer(await fast.get(f"/timeline?{query}", headers=headers))
                assert got == _answer(await declared.get(f"/timeline?{query}", headers=headers)), (query, headers)
                passed_on = recorded.scopes[0].get(timeline_route.PLAIN_PAGE_TRIED, False)
                answered_before_routing += not passed_on
    # (every plain JSON page: about half the queries, with and without the token's headers)
    assert answered_before_routing >= 100


async def test_what_it_passes_on_reaches_the_timeline_route(clients):
    fast, _declared, recorded = clients
    response = await fast.get("/timeline?limit=0", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 422
    scope = recorded.scopes[0]
    assert scope[timeline_route.PLAIN_PAGE_TRIED] is True
    # The route the router picks for GET /timeline is the one the middleware stands in for.
    assert scope["endpoint"] is timeline_route.get_timeline


@pytest.mark.parametrize("method, path", [("HEAD", "/timeline"), ("POST", "/timeline"), ("GET", "/timeline/"),
                                          ("GET", "/health"), ("GET", "/timeline/nothing-such")])
async def test_other_methods_and_paths_are_passed_on_untouched(clients, method, path):
    fast, declared, recorded = clients
    got = await fast.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"})
    assert _answer(got) == _answer(await declared.request(method, path, headers={"Authorization": f"Bearer {TOKEN}"}))
    assert timeline_route.PLAIN_PAGE_TRIED not in recorded.scopes[0]


async def test_a_plain_page_carries_the_security_headers(clients):
    fast, _declared, recorded = clients
    response = await fast.get("/timeline?limit=3", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert timeline_route.PLAIN_PAGE_TRIED not in recorded.scopes[0]  # answered before routing
    assert [name for name, _ in response.headers.multi_items()] == [
        "x-next-cursor", "content-length", "content-type", "x-content-type-options", "x-frame-options",
        "referrer-policy", "cross-origin-opener-policy", "content-security-policy"]


@pytest.mark.parametrize("documents", [[], [b'{"a":1}'], [b'{"a":1}', b'{"b":"\\u00e9"}', b"{}"]])
@pytest.mark.parametrize("cursor", [None, "abc", 'a"b'])
def test_page_body_is_the_page_as_json(documents, cursor):
    import json

    body = timeline_route.page_body(documents, cursor)
    assert json.loads(body) == {"entries": [json.loads(d) for d in documents], "count": len(documents),
                                "next_cursor": cursor}
    assert body == b"".join((b'{"entries":[', b",".join(documents),
                             f'],"count":{len(documents)},"next_cursor":{json.dumps(cursor)}}}'.encode()))
