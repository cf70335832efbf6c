"""The live projector keeps its touched entries' states between batches (issue 14): what it
writes stays what a rebuild of the same log writes, and it forgets the states as soon as the
store was written by anyone else."""
from __future__ import annotations

import asyncio
import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.events import Event, dump_event
from schemas.extraction import ArticleExtracted
from services.common.topics import ALL_TOPICS, EVENTS
from services.embedded.sqlite_log import SqliteLog
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.projection import Projector, rebuild
from services.timeline.store import ChangeSet
from tests.unit.timeline.builders import ev
from tests.unit.timeline.test_properties import event_lists


def _value(record: Event | ArticleExtracted) -> bytes:
    if isinstance(record, ArticleExtracted):
        return record.model_dump_json().encode("utf-8")
    return dump_event(record)


def _tally(i: int, version: str = "1.0.0") -> Event:
    return ev("casualties_claimed", article=f"t{i}", version=version, published=f"2024-12-{1 + i % 28:02d}",
              claimants=[("UKR", "RUS", "WEST")[i % 3]], quantities=[("casualties", 1000 + 700 * (i % 5))],
              locations=["Kursk"] if i % 2 else [], modality=("claimed", "denied", "estimated")[i % 3])


def _snapshot(store: MemoryTimelineStore) -> tuple:
    return (store._entries, {k: v for k, v in store._members.items() if v}, store._events)


async def _live_and_rebuilt(records: list[Event | ArticleExtracted], batch_size: int,
                            max_claims: int) -> tuple[tuple, tuple, Projector]:
    log = SqliteLog(":memory:")
    await log.ensure_topics(ALL_TOPICS)
    live = MemoryTimelineStore()
    projector = Projector(log, live, batch_size=batch_size, max_cached_claims=max_claims)
    # Published in slices with a step after each, so that states stay warm across batches
    for start in range(0, len(records), 3):
        await log.publish_many(EVENTS, [(r.article, _value(r)) for r in records[start:start + 3]])
        await projector.step(timeout_s=0.01)
    await projector.catch_up(idle_timeout_s=0.01)
    rebuilt = MemoryTimelineStore()
    await rebuild(log, rebuilt, workers=1)
    await log.close()
    return _snapshot(live), _snapshot(rebuilt), projector


@settings(max_examples=40, deadline=None)
@given(events=event_lists(max_size=16), data=st.data(), batch_size=st.integers(1, 5),
       max_claims=st.sampled_from([1, 4, 500_000]))
def test_the_live_fold_with_kept_states_equals_a_rebuild(events, data, batch_size, max_claims):
    # Given a log of events, a running tally, and markers of newer extractions (dropping claims)
    tally = [_tally(i) for i in range(data.draw(st.integers(0, 12)))]
    markers = [ArticleExtracted(article=e.article, extractor_version="9.0.0", published_at=e.published_at)
               for e in data.draw(st.lists(st.sampled_from(tally), max_size=3))] if tally else []
    records = data.draw(st.permutations(events + tally)) + markers
    # When the projector folds it batch by batch, keeping entry states between batches
    live, rebuilt, _ = asyncio.run(_live_and_rebuilt(records, batch_size, max_claims))
    # Then it wrote exactly what a rebuild of the log writes
    assert live == rebuilt


def test_states_are_dropped_when_another_writer_moved_the_store():
    async def scenario() -> None:
        log = SqliteLog(":memory:")
        await log.ensure_topics(ALL_TOPICS)
        store = MemoryTimelineStore()
        projector = Projector(log, store, batch_size=10)
        # Given a projector that folded a tally and keeps its entry's state
        await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in map(_tally, range(6))])
        await projector.catch_up(idle_timeout_s=0.01)
        assert projector.cache.states and projector.cache.positions == await store.positions(log.topic_name(EVENTS))
        # When another projector (a replica that held the lease meanwhile) folds a claim into it
        other = _tally(7)
        await log.publish(EVENTS, other.article, dump_event(other))
        await Projector(log, store, batch_size=10).step(timeout_s=0.01)
        # Then the projector's next batch starts from the store, not from its states
        await log.publish(EVENTS, "t8", dump_event(_tally(8)))
        await projector.step(timeout_s=0.01)
        entry = next(iter(store._entries.values()))
        assert {c.event_id for c in entry.claims} >= {other.event_id, _tally(8).event_id}
        await log.close()

    asyncio.run(scenario())


def test_a_failed_commit_drops_the_states():
    class FailingStore(MemoryTimelineStore):
        fail = False

        async def commit(self, changes: ChangeSet) -> None:
            if self.fail:
                raise OSError("store went away")
            await super().commit(changes)

    async def scenario() -> None:
        log = SqliteLog(":memory:")
        await log.ensure_topics(ALL_TOPICS)
        store = FailingStore()
        projector = Projector(log, store, batch_size=10)
        await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in map(_tally, range(4))])
        await projector.catch_up(idle_timeout_s=0.01)
        # Given a batch whose commit fails after its states took it in
        await log.publish(EVENTS, "t5", dump_event(_tally(5)))
        store.fail = True
        with contextlib.suppress(OSError):
            await projector.step(timeout_s=0.01)
        # Then the states are gone, and the retried batch is folded once
        assert not projector.cache.states and projector.cache.positions is None
        store.fail = False
        await projector.step(timeout_s=0.01)
        entry = next(iter(store._entries.values()))
        assert entry.claims_total == 5
        await log.close()

    asyncio.run(scenario())
