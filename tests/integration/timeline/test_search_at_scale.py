"""The Redis store's search script on more entries than a page (issue 14): `as_of` walks the
index and tests each entry's first ingestion when the entries ingested by then are many, and
falls back to the set of those entries when a walk finds no page in its first rows. Every way
must answer what the reference query (`core.query.filter_entries`) does, page by page."""
from __future__ import annotations

import itertools
import json
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


def reference_ids(entries: dict, **filters) -> list[str]:
    """The ids of the entries the reference query keeps, in the timeline's order (by sort
    score, then id): what every page of the store must give, in turn."""
    return sorted((e.entry_id for e in filter_entries(entries, **filters)), key=lambda i: (entries[i].sort_score, i))


async def _store_of(redis_url, events):
    """A fresh namespace holding `events`, folded and committed."""
    store = RedisTimelineStore.from_url(redis_url, f"t{uuid.uuid4().hex[:8]}")
    changes = await plan(store, events)
    changes.positions = {"t": {}}
    await store.commit(changes)
    return store


@pytest.fixture
async def store(redis_url):
    store = await _store_of(redis_url, day_by_day())
    yield store
    await store.close()


MOMENTS = [datetime.combine(FIRST + timedelta(days=d), time(18), tzinfo=UTC)
           for d in (10, 120, 200, DAYS + 5, DAYS + 500)]


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("filters", [{}, {"type": "strike"}, {"actor": "RUS"}, {"location": "kursk"},
                                     {"q": "front", "type": "troops_deployed"}])
async def test_as_of_pages_are_the_reference_whichever_way_the_script_walks(store, moment, filters):
    entries = fold(day_by_day())
    expected = reference_ids(entries, as_of=moment, **filters)
    assert expected or moment == MOMENTS[0]
    for limit in (2, 50):
        assert await walk(store, limit, False, as_of=moment, **filters) == expected
        assert await walk(store, limit, True, as_of=moment, **filters) == expected[::-1]


async def test_a_page_says_the_generation_it_was_computed_under(store):
    generation = await store.generation()
    page = await store.page_json(TimelineQuery(q="front"), generation=generation)
    assert page.generation == generation and page.entries
    assert (await store.page_json(TimelineQuery(q="front"))).generation == generation


def spans() -> list:
    """Entries of every length, short ones most, some long (`z:long`) and one longer than the
    1023 days a score holds, so a window query reads both of its ranges; most ingested a few
    days after they start, some (`z:ahead`) months before, one never."""
    events = []
    for k in range(180):
        start = FIRST + timedelta(days=2 * k)
        length = 2000 if k == 7 else 400 - k if k % 17 == 0 else 30 + k % 9 if k % 5 == 0 else k % 4
        time_span = {"start": start, "end": start + timedelta(days=length)}
        lead = None if k == 13 else timedelta(days=-90 - k) if k % 11 == 0 else timedelta(days=k % 5)
        event = make_event(f"s{k}", "strike" if k % 3 else "troops_deployed", actor="RUS" if k % 2 else "UKR",
                           location="Kursk" if k % 4 == 0 else "Sumy", when=start,
                           ingested=None if lead is None else datetime.combine(start + lead, time(12), tzinfo=UTC),
                           sentence=f"Span {k}: fighting went on near the front.")
        events.append(event.model_copy(update={"time": event.time.model_copy(update=time_span)}))
    return events


@pytest.fixture
async def spanned(redis_url):
    store = await _store_of(redis_url, spans())
    yield store
    await store.close()


WINDOWS = [(date(2025, 6, 1), None), (date(2025, 6, 1), date(2025, 7, 15)), (date(2026, 1, 1), None),
           (date(2027, 6, 1), date(2030, 1, 1)), (None, date(2025, 3, 1)), (date(2025, 1, 20), date(2025, 1, 20))]


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("filters", [{}, {"actor": "RUS"}, {"location": "kursk", "type": "troops_deployed"}])
async def test_window_pages_read_long_entries_before_from_and_are_the_reference(spanned, window, filters):
    entries = fold(spans())
    assert sum((e.time.end - e.time.start).days > 7 for e in entries.values()) > 10
    start, end = window
    expected = reference_ids(entries, start=start, end=end, **filters)
    assert expected or (window == WINDOWS[3] and filters)
    for limit in (2, 50):
        assert await walk(spanned, limit, False, start=start, end=end, **filters) == expected
        assert await walk(spanned, limit, True, start=start, end=end, **filters) == expected[::-1]
    # A namespace written without `z:long` is walked as before, with the same answers.
    await spanned._r.delete(spanned._k("haslong"))
    assert await walk(spanned, 50, False, start=start, end=end, **filters) == expected


@pytest.mark.parametrize("window", [(None, None), *WINDOWS])
@pytest.mark.parametrize("moment", [datetime(2025, 3, 1, 12, tzinfo=UTC), datetime(2025, 6, 2, 12, tzinfo=UTC),
                                    datetime(2026, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)])
async def test_as_of_pages_read_long_and_ahead_entries_and_are_the_reference(spanned, window, moment):
    entries = fold(spans())
    assert sum(e.time.start.toordinal() - min(c.ingested_at for c in e.claims if c.ingested_at).date().toordinal() > 7
               for e in entries.values() if any(c.ingested_at for c in e.claims)) > 5
    start, end = window
    expected = reference_ids(entries, start=start, end=end, as_of=moment)
    for limit in (2, 50):
        assert await walk(spanned, limit, False, start=start, end=end, as_of=moment) == expected
        assert await walk(spanned, limit, True, start=start, end=end, as_of=moment) == expected[::-1]
    await spanned._r.delete(spanned._k("haslong"))
    assert await walk(spanned, 50, False, start=start, end=end, as_of=moment) == expected


@pytest.mark.parametrize("window", WINDOWS)
async def test_as_of_pages_read_entries_written_before_their_packed_ingestion(spanned, window):
    """A namespace written before `ingb` (or partly: a projector upgraded in the middle of a
    log) has each missing entry's ingestion read by its scores, with the same answers."""
    moment = datetime(2025, 6, 2, 12, tzinfo=UTC)
    entries = fold(spans())
    start, end = window
    expected = reference_ids(entries, start=start, end=end, as_of=moment)
    packed = await spanned._r.hgetall(spanned._k("ingb"))
    assert len(packed) == sum(any(c.ingested_at for c in e.claims) for e in entries.values())
    await spanned._r.hdel(spanned._k("ingb"), *sorted(packed)[::2])
    assert await walk(spanned, 2, False, start=start, end=end, as_of=moment) == expected
    await spanned._r.delete(spanned._k("ingb"))
    assert await walk(spanned, 50, True, start=start, end=end, as_of=moment) == expected[::-1]


ONE_FILTER = [{"type": "strike"}, {"actor": "RUS"}, {"location": "kursk"}, {"contested": False},
              {"start": date(2025, 6, 1), "end": date(2025, 9, 30)}, {"start": date(2025, 8, 1)},
              {"q": "fighting went"}, {"as_of": datetime(2025, 7, 1, 12, tzinfo=UTC)}]


@pytest.mark.parametrize("first, second", list(itertools.combinations(range(len(ONE_FILTER)), 2)))
async def test_pairs_of_filters_page_like_the_reference(spanned, first, second):
    """Every pair of the README's filters (issue 14), page by page from each page's cursor in
    both orders, as models and as JSON pages: the script tests the window before the sets and
    skips the cursor test on a first page, so each way through it is compared."""
    filters = {**ONE_FILTER[first], **ONE_FILTER[second]}
    entries = fold(spans())
    expected = reference_ids(entries, **filters)
    for limit in (3, 50):
        assert await walk(spanned, limit, False, **filters) == expected, (filters, limit)
        assert await walk(spanned, limit, True, **filters) == expected[::-1], (filters, limit)
    ids, cursor = [], None
    while True:
        page = await spanned.page_json(TimelineQuery(limit=4, cursor=cursor, **filters))
        ids += [json.loads(document)["entry_id"] for document in page.entries]
        cursor = page.next_cursor
        if not cursor:
            break
    assert ids == expected, filters


PLACES = ["Kursk", "Sumy", "Kharkiv", "Donetsk", "Luhansk", "Zaporizhzhia", "Kherson", "Belgorod", "Bryansk"]


async def assert_pages(store: RedisTimelineStore, expected: list[str], **filters) -> None:
    """Pages of 3 and of 50, walked both ways, give `expected` in order."""
    for limit in (3, 50):
        assert await walk(store, limit, False, **filters) == expected
        assert await walk(store, limit, True, **filters) == expected[::-1]


# More entries contested in the end than a walk's first rows (`probe`: 80 for a page of 3), so
# that a page of entries contested early, walked from the end, falls back to `z:cfrom`.
CONTEST_ENTRIES = 150
CONTEST_MOMENTS = [datetime.combine(FIRST + timedelta(days=d), time(10), tzinfo=UTC) for d in (0, 200, 450, 900, 1600)]


def contests_over_time() -> list:
    """Strike entries, one every ten days in one of nine places, each told by Ukraine on its
    day and by Russia later (from the same day to 90 days after): Russia's toll is far off
    Ukraine's in two entries in three (the entry turns contested when Russia's claim is
    ingested), near it in the third (never contested); every seventh entry also has a denial,
    ingested at once (contested from the start)."""
    events = []
    for k in range(CONTEST_ENTRIES):
        when = FIRST + timedelta(days=10 * k)
        place = PLACES[k % len(PLACES)]
        told = datetime.combine(when, time(9), tzinfo=UTC)
        later = told + timedelta(days=(k * 37) % 91, hours=k % 5)
        events.append(make_event(f"u{k}", "strike", actor="RUS", claimant="UKR", location=place,
                                 quantity=("civilians_killed", 3000), when=when, ingested=told,
                                 sentence=f"Ukraine says 3,000 were killed on day {k}."))
        events.append(make_event(f"r{k}", "strike", actor="RUS", claimant="RUS", location=place,
                                 quantity=("civilians_killed", 1000 if k % 3 else 2900), when=when, ingested=later,
                                 sentence=f"Russia says far fewer were killed on day {k}."))
        if k % 7 == 0:
            events.append(make_event(f"d{k}", "strike", actor="RUS", claimant="RUS", location=place,
                                     modality="denied", when=when, ingested=told,
                                     sentence=f"Russia denies the losses of day {k}."))
    return events


@pytest.fixture
async def contests(redis_url):
    store = await _store_of(redis_url, contests_over_time())
    yield store
    await store.close()


@pytest.mark.parametrize("moment", CONTEST_MOMENTS)
@pytest.mark.parametrize("filters", [{"contested": True}, {"contested": False},
                                     {"contested": True, "location": "kursk"}, {"contested": False, "q": "day 4"}])
async def test_contested_as_at_as_of_pages_are_the_reference(contests, moment, filters):
    """`contested` with as_of walks the entries contested by then (`z:cfrom`) and skips them
    for `contested=false`: the same pages as the reference, whichever way they are walked."""
    entries = fold(contests_over_time())
    expected = reference_ids(entries, as_of=moment, **filters)
    await assert_pages(contests, expected, as_of=moment, **filters)


def test_the_contests_scenario_turns_entries_contested_over_time():
    entries = fold(contests_over_time())
    assert len(entries) == CONTEST_ENTRIES
    counts = [len(filter_entries(entries, contested=True, as_of=moment)) for moment in CONTEST_MOMENTS]
    assert counts[0] < counts[1] < counts[2] < counts[3] < counts[4] < CONTEST_ENTRIES, counts
    assert counts[-1] - counts[1] > 80, counts


def actors_over_time() -> list:
    """Territory entries (keyed by the place, not by who holds it) told first with one side
    taking the place, then (ingested later) by more claims of the other side retaking it: the
    actor of each entry as at a moment between is the first side, not the one its full set of
    claims names."""
    events = []
    for k in range(120):
        when = FIRST + timedelta(days=10 * k)
        place = PLACES[k % len(PLACES)]
        first, then = ("UKR", "RUS") if k % 2 else ("RUS", "UKR")
        told = datetime.combine(when, time(9), tzinfo=UTC)
        events.append(make_event(f"f{k}", "territory_claimed", actor=first, location=place, when=when,
                                 ingested=told, change="captured", sentence=f"{first} took {place} on day {k}."))
        for j in range(2):
            events.append(make_event(f"t{k}-{j}", "territory_claimed", actor=then, location=place, when=when,
                                     ingested=told + timedelta(days=5 + (k * 7) % 40, hours=j), change="regained",
                                     sentence=f"{then} retook {place} on day {k} ({j})."))
    return events


@pytest.fixture
async def actors(redis_url):
    store = await _store_of(redis_url, actors_over_time())
    yield store
    await store.close()


@pytest.mark.parametrize("days", [3, 400, 2000])
@pytest.mark.parametrize("actor", ["UKR", "RUS"])
async def test_actor_as_at_as_of_pages_are_the_reference(actors, days, actor):
    """`actor` with as_of: an entry straddling the moment is rejected by its claims' parties
    (`z:actany`) and otherwise rebuilt; the same pages as the reference in both orders."""
    moment = datetime.combine(FIRST + timedelta(days=days), time(12), tzinfo=UTC)
    entries = fold(actors_over_time())
    expected = reference_ids(entries, as_of=moment, actor=actor)
    shown = filter_entries(entries, as_of=moment)
    assert any(e.actor != entries[e.entry_id].actor for e in shown) or days == 2000
    await assert_pages(actors, expected, as_of=moment, actor=actor)
