"""The Redis store's search script on more entries than a page (issue 14): `as_of` walks the
index and tests each entry's first ingestion when the entries ingested by then are many, and
falls back to the set of those entries when a walk finds no page in its first rows. Every way
must answer what the reference query (`core.query.filter_entries`) does, page by page."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

import pytest

from services.timeline.core import fold
from services.timeline.core.query import filter_entries
from services.timeline.projection import plan
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineQuery
from tests.support.events import make_event

DAYS = 240
FIRST = date(2025, 1, 1)


def day_by_day() -> list:
    """One strike or deployment a day, ingested at noon of its day, so the entries in event-time
    order are ingested in that order too; the last ten days' were ingested late (a backfill)."""
    events = []
    for k in range(DAYS):
        when = FIRST + timedelta(days=k)
        ingested = datetime.combine(when + timedelta(days=400 if k >= DAYS - 10 else 0), time(12), tzinfo=UTC)
        kind = "strike" if k % 3 else "troops_deployed"
        actor = "RUS" if k % 2 else "UKR"
        events.append(make_event(f"a{k}", kind, actor=actor, location="Kursk" if k % 5 == 0 else "Sumy",
                                 when=when, ingested=ingested,
                                 sentence=f"Day {k}: a {kind.replace('_', ' ')} near the front."))
    return events


async def walk(store: RedisTimelineStore, limit: int, descending: bool, **filters) -> list[str]:
    ids, cursor = [], None
    while True:
        page = await store.page(TimelineQuery(limit=limit, cursor=cursor, descending=descending, **filters))
        ids += [e.entry_id for e in page.entries]
        cursor = page.next_cursor
        if not cursor:
            return ids


@pytest.fixture
async def store(redis_url):
    store = RedisTimelineStore.from_url(redis_url, f"t{uuid.uuid4().hex[:8]}")
    changes = await plan(store, day_by_day())
    changes.positions = {"t": {}}
    await store.commit(changes)
    yield store
    await store.close()


MOMENTS = [datetime.combine(FIRST + timedelta(days=d), time(18), tzinfo=UTC)
           for d in (10, 120, 200, DAYS + 5, DAYS + 500)]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("filters", [{}, {"type": "strike"}, {"actor": "RUS"}, {"location": "kursk"},
                                     {"q": "front", "type": "troops_deployed"}])
async def test_as_of_pages_are_the_reference_whichever_way_the_script_walks(store, moment, filters):
    entries = fold(day_by_day())
    order = sorted(entries.values(), key=lambda e: (e.sort_score, e.entry_id))
    position = {e.entry_id: i for i, e in enumerate(order)}
    expected = sorted((e.entry_id for e in filter_entries(entries, as_of=moment, **filters)),
                      key=position.__getitem__)
    assert expected or moment == MOMENTS[0]
    for limit in (2, 50):
        assert await walk(store, limit, False, as_of=moment, **filters) == expected
        assert await walk(store, limit, True, as_of=moment, **filters) == expected[::-1]


async def test_a_page_says_the_generation_it_was_computed_under(store):
    generation = await store.generation()
    page = await store.page_json(TimelineQuery(q="front"), generation=generation)
    assert page.generation == generation and page.entries
    assert (await store.page_json(TimelineQuery(q="front"))).generation == generation
