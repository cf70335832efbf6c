"""CSV and NDJSON exports of `GET /timeline` on the embedded (in-process) store: the whole
selection by default, streamed page by page, every filter applied; one page on request;
one row per claim or per entry (issue 10, item 5)."""
from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

import httpx
import pytest

from services.timeline.api import TimelineContext, create_app
from services.timeline.api.exports import CLAIM_COLUMNS, ENTRY_COLUMNS, EXPORT_PAGE
from services.timeline.core.fold import fold
from services.timeline.core.query import filter_entries
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.store import ChangeSet, Page, TimelineQuery
from tests.unit.timeline.builders import day, ev

ARTICLES: dict[str, dict[str, Any]] = {"art0": {"url": "https://example.org/0", "published_at_inferred": False},
            "art1": {"url": None, "published_at_inferred": True}}


class CountingStore(MemoryTimelineStore):
    """The in-process store, remembering the pages it was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[TimelineQuery] = []

    async def page(self, query: TimelineQuery) -> Page:
        self.asked.append(query)
        return await super().page(query)


def events() -> list[Any]:
    """Many entries (more than two export pages), some with several claims and figures."""
    out = []
    for i in range(EXPORT_PAGE * 2 + 37):
        when = day(f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}")
        place = f"Place{i}"
        out.append(ev("strike", actor="RUS", locations=[place], time=when, article=f"art{i % 2}",
                      source="Wire" if i % 3 else None, claimants=["UKR"], sentence=f"Russia struck {place}, UKR said."))
        if i % 4 == 0:
            out.append(ev("strike", actor="RUS", locations=[place], time=when, article="art1", modality="denied",
                          claimants=["RUS"], sentence=f"Russia denied striking {place}."))
        if i % 5 == 0:
            out.append(ev("casualties_claimed", actor="PRK", time=when, article="art0", claimants=[("UKR", "Zelensky")],
                          quantities=[{"kind": "killed", "value": 100 + i, "bound": "at_least", "scope": "total",
                                       "unit": "soldiers", "text": f"more than {100 + i} soldiers"}],
                          published=f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                          sentence=f"Zelensky said more than {100 + i} North Korean soldiers were killed."))
    return out


@pytest.fixture
async def exported():
    store = CountingStore()
    entries = fold(events())
    await store.commit(ChangeSet(upsert_entries=entries))

    async def article(article_id: str) -> dict[str, Any] | None:
        return ARTICLES.get(article_id)

    async def health() -> dict[str, Any]:
        return {"ok": True}

    async def metrics() -> dict[str, float]:
        return {}

    async def context() -> TimelineContext:
        return TimelineContext(store=store, health=health, metrics=metrics, articles=article)

    async def nothing() -> None:
        return None

    app = create_app(context, read_token=None, on_shutdown=nothing)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield client, store, entries


def read_csv(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


async def test_csv_is_every_claim_of_the_whole_selection_streamed_page_by_page(exported):
    client, store, entries = exported
    claims = sum(len(e.claims) for e in entries.values())
    assert len(entries) > 2 * EXPORT_PAGE
    store.asked.clear()
    answer = await client.get("/timeline", params={"format": "csv"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "x-next-cursor" not in answer.headers and "attachment" in answer.headers["content-disposition"]
    columns, rows = read_csv(answer.text)
    assert columns == CLAIM_COLUMNS and len(rows) == claims
    # Iterated page by page, never the whole store at once.
    assert len(store.asked) >= 3 and all(q.limit == EXPORT_PAGE for q in store.asked)
    # Timeline order, each claim once, with what a citation needs.
    ordered = [c.event_id for e in filter_entries(entries) for c in e.claims]
    assert [r["event_id"] for r in rows] == ordered
    casualty = next(r for r in rows if r["type"] == "casualties_claimed")
    assert casualty["claimant_names"] == "Zelensky" and casualty["claimant_parties"] == "UKR"
    assert casualty["figure_kinds"] == "killed" and casualty["figure_units"] == "soldiers"
    assert casualty["figure_bounds"] == "at_least" and casualty["figure_scopes"] == "total"
    assert casualty["figures"].startswith("killed: more than") and casualty["url"] == "https://example.org/0"
    assert casualty["published_at_inferred"] == "false" and casualty["article_id"] == "art0"
    assert casualty["evidence"].startswith("Zelensky said") and casualty["entry_title"]
    inferred = next(r for r in rows if r["article_id"] == "art1")
    assert inferred["url"] == "" and inferred["published_at_inferred"] == "true"
    assert {r["modality"] for r in rows} >= {"asserted", "denied"}
    assert {r["outlet"] for r in rows} == {"Wire", ""}


async def test_entries_rows_and_every_filter(exported):
    client, _, entries = exported
    columns, rows = read_csv((await client.get("/timeline", params={"format": "csv", "rows": "entries"})).text)
    assert columns == ENTRY_COLUMNS and [r["entry_id"] for r in rows] == [e.entry_id for e in filter_entries(entries)]
    # Filters hold across every page: a selection bigger than one export page.
    strikes = filter_entries(entries, type="strike", start=date(2024, 3, 1))
    assert len(strikes) > EXPORT_PAGE
    answer = await client.get("/timeline", headers={"Accept": "text/csv"},
                              params={"type": "strike", "from": "2024-03-01", "rows": "entries"})
    assert [r["entry_id"] for r in read_csv(answer.text)[1]] == [e.entry_id for e in strikes]
    _, claim_rows = read_csv((await client.get("/timeline", params={"format": "csv", "claimant": "RUS"})).text)
    assert {r["entry_id"] for r in claim_rows} == {e.entry_id for e in filter_entries(entries, claimant="RUS")}
    assert len(claim_rows) == sum(len(e.claims) for e in filter_entries(entries, claimant="RUS"))


async def test_ndjson_is_every_entry_by_default_or_every_claim(exported):
    client, _, entries = exported
    answer = await client.get("/timeline", params={"format": "ndjson"})
    assert answer.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.text.splitlines()]
    assert [x["entry_id"] for x in lines] == [e.entry_id for e in filter_entries(entries)]
    assert all(len(x["claims"]) <= 3 for x in lines)  # the list view unless claims=all
    full = (await client.get("/timeline", params={"format": "ndjson", "claims": "all"})).text.splitlines()
    assert sum(len(json.loads(line)["claims"]) for line in full) == sum(len(e.claims) for e in entries.values())
    claims = [json.loads(line) for line in
              (await client.get("/timeline", params={"format": "ndjson", "rows": "claims"})).text.splitlines()]
    assert len(claims) == sum(len(e.claims) for e in entries.values())
    figure = next(c for c in claims if c["figures"])["figures"][0]
    assert figure["kind"] == "killed" and figure["bound"] == "at_least" and figure["as_written"].startswith("more than")


async def test_paging_is_still_there_when_asked_for(exported):
    client, _, entries = exported
    ordered = [e.entry_id for e in filter_entries(entries)]
    first = await client.get("/timeline", params={"format": "csv", "rows": "entries", "limit": 10})
    assert [r["entry_id"] for r in read_csv(first.text)[1]] == ordered[:10]
    cursor = first.headers["x-next-cursor"]
    second = await client.get("/timeline", params={"format": "ndjson", "cursor": cursor})
    assert [json.loads(line)["entry_id"] for line in second.text.splitlines()] == ordered[10:60]
    assert (await client.get("/timeline", params={"format": "csv", "cursor": "garbage"})).status_code == 400
    # JSON pages are unchanged: 50 by default.
    page = (await client.get("/timeline")).json()
    assert page["count"] == 50 and page["next_cursor"]
