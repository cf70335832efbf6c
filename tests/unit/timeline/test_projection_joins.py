"""The live projector (plan + commit, batch by batch) gives the reference fold when unplaced
claims join and leave their placed entry (grouping.resolve_keys), in any order of batches."""
from __future__ import annotations

import asyncio

from hypothesis import given, settings
from hypothesis import strategies as st

from services.timeline.core import fold
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.projection import EntryCache, plan
from services.timeline.store import TimelineQuery
from tests.unit.timeline.builders import day, ev
from tests.unit.timeline.test_properties import event_lists

COMMON = {"actor": "PRK", "movement": "deployed", "time": day("2024-12-30"), "published": "2024-12-30"}


def _events():
    return [
        ev(article="u1", **COMMON),  # unplaced
        ev(article="u2", claimants=["UKR"], **COMMON),  # unplaced, another claimant
        ev(article="r", locations=["Russia"], **COMMON),
        ev(article="k", locations=["Kurakhove"], **COMMON),  # a second place: no join
        ev(article="r2", locations=["Kursk"], **COMMON),  # Kursk is in Russia: the same placed entry
        ev(article="r", version="2.0.0", **COMMON),  # a re-extraction of 'r' that drops its place
        ev(article="k", version="2.0.0", locations=["Russia"], **COMMON),  # one that corrects it
        ev("strike", actor="RUS", time=day("2024-12-30"), article="s"),
        ev("offensive_launched", actor="UKR", time=day("2024-12-30"), article="o1"),
        ev("offensive_launched", actor="UKR", locations=["Kursk"], time=day("2024-12-30"), article="o2"),
    ]


async def _project(batches) -> dict:
    store = MemoryTimelineStore()
    for batch in batches:
        await store.commit(await plan(store, batch))
    page = await store.page(TimelineQuery(limit=500))
    return {e.entry_id: e for e in page.entries}


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_live_batches_give_the_reference_fold(data):
    events = data.draw(st.lists(st.sampled_from(_events()), min_size=1, max_size=10))
    order = data.draw(st.permutations(events))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=3)))
    batches, start = [], 0
    for cut in [*cuts, len(order)]:
        if order[start:cut]:
            batches.append(order[start:cut])
        start = cut
    got = asyncio.run(_project(batches))
    expected = fold(events)
    assert sorted(got) == sorted(expected)
    for entry_id, entry in expected.items():
        assert got[entry_id] == entry


def test_a_second_place_sends_the_unplaced_claim_back_and_its_removal_joins_it_again():
    unplaced, _, russia, kurakhove, *_ = _events()
    got = asyncio.run(_project([[unplaced], [russia]]))
    assert len(got) == 1
    got = asyncio.run(_project([[unplaced], [russia], [kurakhove]]))
    assert len(got) == 3


async def _project_stores(batches, caches) -> list[MemoryTimelineStore]:
    stores = [MemoryTimelineStore() for _ in caches]
    for batch in batches:
        for store, cache in zip(stores, caches):
            await store.commit(await plan(store, batch, cache))
    return stores


def _batches(data, events):
    order = data.draw(st.permutations(events))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(order) - 1)), max_size=4)))
    batches, start = [], 0
    for cut in [*cuts, len(order)]:
        if order[start:cut]:
            batches.append(order[start:cut])
        start = cut
    return batches


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_entry_states_kept_between_batches_write_what_a_reload_writes(data):
    # Given batches of joining and leaving claims and of any events, with re-extractions
    events = data.draw(st.lists(st.sampled_from(_events()), max_size=8)) + data.draw(event_lists(max_size=10))
    if not events:
        return
    batches = _batches(data, events)
    # When they are planned with no cache (every entry loaded from the store), with entry
    # states kept between batches, and with a cache so small it evicts after every batch
    plain, kept, tiny = asyncio.run(_project_stores(batches, [None, EntryCache(), EntryCache(max_claims=2)]))
    # Then the stores are identical, and they hold the reference fold
    for other in (kept, tiny):
        assert other._entries == plain._entries
        assert {k: v for k, v in other._members.items() if v} == {k: v for k, v in plain._members.items() if v}
        assert other._events == plain._events
    assert plain._entries == fold(events)
