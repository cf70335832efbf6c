"""GET /timeline's JSON pages asked for with plain parameters skip FastAPI's parameter handling
(`routes.timeline.simple_query`): whichever way a request takes, it is answered with the same
status, headers and bytes, and the store is asked the same query."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.timeline.api import TimelineContext, create_app
from services.timeline.api.routes import timeline as timeline_route
from services.timeline.core.fold import fold
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.store import ChangeSet, JsonPage, TimelineQuery
from tests.unit.timeline.builders import day, ev


class RecordingStore(MemoryTimelineStore):
    """The in-process store, remembering the queries of the JSON pages it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[TimelineQuery] = []

    async def page_json(self, query: TimelineQuery, *, generation: bytes | str | None = None) -> JsonPage:
        self.asked.append(query)
        return await super().page_json(query, generation=generation)


def events() -> list[Any]:
    out = []
    for i in range(40):
        when = day(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")
        place = f"Place{i % 7}"
        out.append(ev("strike", actor="RUS", locations=[place], time=when, article=f"art{i}",
                      claimants=["UKR"], sentence=f"Russia struck {place}, Ukraine said.",
                      ingested=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00Z"))
        if i % 3 == 0:
            out.append(ev("strike", actor="RUS", locations=[place], time=when, article=f"den{i}", modality="denied",
                          claimants=["RUS"], sentence=f"Russia denied striking {place}.",
                          ingested=f"2024-{1 + (i + 2) % 12:02d}-{1 + i % 28:02d}T12:00:00Z"))
        if i % 5 == 0:
            out.append(ev("troops_deployed", actor="PRK", partners=["RUS"], locations=["Kursk"], time=when,
                          article=f"prk{i}", claimants=[("UKR", "Zelensky")],
                          sentence="Zelensky said North Korean troops were deployed in Kursk."))
    return out


def app_over(store: MemoryTimelineStore, *, read_token: str | None = None):
    """The timeline API over `store`, as the service builds it (health and metrics stubbed)."""
    async def health() -> dict[str, Any]:
        return {"ok": True}

    async def metrics() -> dict[str, float]:
        return {}

    async def context() -> TimelineContext:
        return TimelineContext(store=store, health=health, metrics=metrics)

    async def nothing() -> None:
        return None

    return create_app(context, read_token=read_token, on_shutdown=nothing)


@pytest.fixture
async def client():
    store = RecordingStore()
    await store.commit(ChangeSet(upsert_entries=fold(events())))
    app = app_over(store)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            yield c, store


QUERIES = [
    "", "limit=5", "limit=50", "limit=500", "limit=501", "limit=0", "limit=050", "limit=+5", "limit=5.0",
    "type=strike", "type=troops_deployed&actor=prk", "type=nonsense", "actor=RUS", "actor=North%20Korea",
    "actor=", "claimant=ukr", "claimant=Zelensky", "location=place3", "location=Kursk&claimant=UKR",
    "contested=true", "contested=false", "contested=True", "contested=1", "contested=yes",
    "from=2024-03-01", "from=2024-03-01&to=2024-06-30", "from=2024-06-30&to=2024-03-01", "from=2024-13-01",
    "from=20240301", "to=2024-02-30", "as_of=2024-05-01T12:00:00Z", "as_of=2024-05-01T14:00:00%2B02:00",
    "as_of=2024-05-01T12:00:00", "as_of=2024-05-01", "as_of=2024-05-01T12:00:00.5Z", "as_of=2024-05-32T12:00:00Z",
    "as_of=2024-06-01T12:00:00Z&from=2024-05-01", "q=Russia", "q=russia%20struck", "q=a", "q=" + "x" * 201,
    "q=Kursk&type=troops_deployed", "order=desc&limit=3", "order=DESC", "claims=all&limit=3", "claims=none",
    "format=json", "format=csv&limit=2", "format=ndjson&limit=2", "rows=entries", "rows=other",
    "cursor=garbage", "cursor=", "limit=5&limit=6", "type=strike&type=strike", "unknown=1",
]


async def both_ways(client: httpx.AsyncClient, store: RecordingStore, query: str,
                    monkeypatch: pytest.MonkeyPatch, headers: dict[str, str] | None = None):
    answers = []
    for simple in (True, False):
        with monkeypatch.context() as patch:
            if not simple:
                patch.setattr(timeline_route, "simple_query", lambda request: None)
            store.asked.clear()
            response = await client.get(f"/timeline?{query}", headers=headers)
            # (a bad cursor is asked for twice the fast way: the route answers its 400)
            answers.append((response.status_code, dict(response.headers), response.content,
                            list(dict.fromkeys(store.asked))))
    return answers


async def test_a_page_is_the_same_whichever_way_its_parameters_are_read(client, monkeypatch):
    client, store = client
    took_the_fast_way = 0
    cursor = (await client.get("/timeline?limit=4")).json()["next_cursor"]
    assert cursor
    for query in [*QUERIES, f"limit=4&cursor={cursor}", f"limit=4&order=desc&cursor={cursor}"]:
        fast, declared = await both_ways(client, store, query, monkeypatch)
        assert fast == declared, query
        took_the_fast_way += fast[0] == 200 and bool(fast[3])
    assert took_the_fast_way >= 20
    for accept in ("text/csv", "application/x-ndjson", "application/json"):
        fast, declared = await both_ways(client, store, "limit=3", monkeypatch, headers={"Accept": accept})
        assert fast == declared, accept


@pytest.mark.parametrize("query, expected", [
    ("limit=7&type=strike&actor=rus&order=desc", TimelineQuery(type="strike", actor="RUS", limit=7, descending=True)),
    ("as_of=2024-05-01T12:00:00Z&from=2024-05-01&claims=all",
     TimelineQuery(as_of=timeline_route.datetime.fromisoformat("2024-05-01T12:00:00+00:00"),
                   start=timeline_route.date(2024, 5, 1), full_claims=True)),
    ("contested=yes", None), ("limit=5&limit=6", None), ("format=csv", None), ("unknown=1", None),
])
async def test_simple_query_reads_only_plain_parameters(client, query, expected):
    client, _store = client
    seen = []
    original = timeline_route.simple_query

    def spy(request):
        seen.append(original(request))
        return seen[-1]

    timeline_route.simple_query = spy
    try:
        await client.get(f"/timeline?{query}")
    finally:
        timeline_route.simple_query = original
    assert seen == [expected]
