"""One subscription per process fans changes out to every live reader; a reader that
does not keep up is dropped with a resync instead of slowing the others."""
from __future__ import annotations

import asyncio

from services.timeline.fanout import RESYNC, Fanout
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.projection import plan
from tests.support.events import make_event


class CountingStore(MemoryTimelineStore):
    def __init__(self) -> None:
        super().__init__()
        self.subscriptions = 0
        self.entry_reads = 0

    def subscribe(self):
        self.subscriptions += 1
        return super().subscribe()

    async def entry(self, entry_id):
        self.entry_reads += 1
        return await super().entry(entry_id)


async def publish(store, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        event = make_event(f"f{i}", "strike", actor="RUS", location=f"Place{i}")
        await store.commit(await plan(store, [event]))


async def settle(fanout: Fanout, batches: int) -> None:
    for _ in range(200):
        if fanout.published >= batches:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"only {fanout.published} of {batches} change batches delivered")


async def test_every_listener_gets_every_change_through_one_subscription():
    store = CountingStore()
    fanout = Fanout(store)
    listeners = [fanout.connect() for _ in range(500)]
    await asyncio.sleep(0.05)  # the pump subscribes
    await publish(store, 5)
    await settle(fanout, 5)
    assert store.subscriptions == 1
    assert store.entry_reads == 5  # each changed entry read once, not once per listener
    for listener in listeners:
        frames = "".join(listener.queue.get_nowait() for _ in range(listener.queue.qsize()))
        assert frames.count("event: entry\n") == 5
    await fanout.close()


async def test_a_slow_listener_is_dropped_with_a_resync_and_the_others_go_on():
    store = MemoryTimelineStore()
    fanout = Fanout(store, queue_size=2)
    slow, fast = fanout.connect(), fanout.connect()
    await asyncio.sleep(0.05)
    received = []
    for i in range(4):
        await publish(store, 1, start=i)
        await settle(fanout, i + 1)
        received.append(fast.queue.get_nowait())
    assert all("event: entry\n" in frame for frame in received)
    assert slow.dropped and slow.queue.get_nowait() == RESYNC and slow.queue.empty()
    fanout.disconnect(slow)
    assert fanout.listeners == 1
    await fanout.close()
