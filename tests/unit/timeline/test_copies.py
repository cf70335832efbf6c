"""A re-published article's events differ only in ingested_at: the fold keeps the
earliest copy whatever the arrival order, and the live projection keeps the same one."""
from __future__ import annotations

import itertools
from datetime import UTC, datetime

from services.timeline.core import fold
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.projection import plan
from services.timeline.store import TimelineQuery
from tests.support.events import make_event

T0 = datetime(2025, 1, 1, 8, tzinfo=UTC)
T1 = datetime(2025, 1, 1, 9, tzinfo=UTC)
T2 = datetime(2025, 1, 2, 9, tzinfo=UTC)


def copy(ingested):
    event = make_event("a1", "strike", actor="RUS", location="Kyiv", claimant="UKR")
    return event.model_copy(update={"ingested_at": ingested})


def test_the_earliest_ingested_copy_wins_in_any_order():
    copies = [copy(T1), copy(T0), copy(T2), copy(None)]
    for order in itertools.permutations(copies):
        (entry,) = fold(list(order)).values()
        assert [c.ingested_at for c in entry.claims] == [T0]


async def test_live_folding_keeps_the_same_copy_as_a_rebuild():
    for order in itertools.permutations([copy(T1), copy(T0), copy(T2)]):
        store = MemoryTimelineStore()
        for event in order:  # one batch per copy, as re-publications arrive
            await store.commit(await plan(store, [event]))
        (entry,) = (await store.page(TimelineQuery())).entries
        assert entry == next(iter(fold(list(order)).values()))
        assert (await store.event(order[0].event_id)).ingested_at == T0
