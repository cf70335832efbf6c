"""The contract every `EventLog` adapter passes (SQLite here, Kafka in integration).

Subclasses provide an async `open_log(prefix)` returning a fresh adapter."""
from __future__ import annotations

import uuid

import pytest

from services.common.topics import ALL_TOPICS, ARTICLES, EVENTS


class EventLogContract:
    async def open_log(self, prefix: str):  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    @pytest.fixture
    async def event_log(self):
        log = await self.open_log(f"c{uuid.uuid4().hex[:8]}.")
        await log.ensure_topics(ALL_TOPICS)
        yield log
        await log.close()

    async def read_all(self, log, spec, positions=None):
        positions = dict(positions or {})
        out = []
        ends = await log.end_offsets(spec)
        while any(positions.get(p, 0) < e for p, e in ends.items()):
            batch = await log.read(spec, positions, timeout_s=2.0)
            assert batch, "records below the end offsets were not returned"
            for r in batch:
                out.append(r)
                positions[r.partition] = r.offset + 1
        return out

    async def test_ensure_topics_is_idempotent(self, event_log):
        await event_log.ensure_topics(ALL_TOPICS)
        assert set((await event_log.end_offsets(EVENTS)).keys()) == set(range(EVENTS.partitions))

    async def test_publish_then_read_round_trip(self, event_log):
        written = await event_log.publish(ARTICLES, "a-1", b'{"x": 1}')
        assert written.topic == event_log.topic_name(ARTICLES)
        records = await self.read_all(event_log, ARTICLES)
        assert [(r.key, r.value, r.partition, r.offset) for r in records] == [
            (b"a-1", b'{"x": 1}', written.partition, written.offset)]

    async def test_same_key_same_partition_in_order(self, event_log):
        written = await event_log.publish_many(EVENTS, [("art-7", f"{i}".encode()) for i in range(20)])
        assert len({w.partition for w in written}) == 1
        offsets = [w.offset for w in written]
        assert offsets == sorted(offsets) and len(set(offsets)) == 20
        records = [r for r in await self.read_all(event_log, EVENTS) if r.key == b"art-7"]
        assert [r.value for r in records] == [f"{i}".encode() for i in range(20)]

    async def test_read_from_positions_skips_what_was_consumed(self, event_log):
        written = await event_log.publish_many(EVENTS, [("k", b"first"), ("k", b"second"), ("k", b"third")])
        p = written[0].partition
        records = await self.read_all(event_log, EVENTS, {p: written[1].offset})
        assert [r.value for r in records if r.partition == p] == [b"second", b"third"]

    async def test_read_can_go_back_to_an_earlier_position(self, event_log):
        written = await event_log.publish_many(EVENTS, [("k", b"a"), ("k", b"b")])
        p = written[0].partition
        await self.read_all(event_log, EVENTS)
        again = await self.read_all(event_log, EVENTS, {p: written[0].offset})
        assert [r.value for r in again if r.partition == p] == [b"a", b"b"]

    async def test_a_missing_partition_is_read_from_its_beginning_again(self, event_log):
        # A second full replay through the same log handle must see everything again.
        await event_log.publish_many(EVENTS, [(f"k{i}", f"v{i}".encode()) for i in range(6)])
        first = await self.read_all(event_log, EVENTS)
        again = await event_log.read(EVENTS, {}, max_records=100, timeout_s=2.0)
        assert again and {(r.partition, r.offset) for r in again} <= {(r.partition, r.offset) for r in first}
        assert min(r.offset for r in again) == min(r.offset for r in first)

    async def test_end_offsets_count_what_was_written(self, event_log):
        before = await event_log.end_offsets(EVENTS)
        written = await event_log.publish_many(EVENTS, [(f"k{i}", b"v") for i in range(10)])
        after = await event_log.end_offsets(EVENTS)
        assert sum(after.values()) - sum(before.values()) == 10
        for w in written:
            assert after[w.partition] > w.offset

    async def test_read_times_out_empty_when_nothing_new(self, event_log):
        ends = await event_log.end_offsets(EVENTS)
        assert await event_log.read(EVENTS, ends, timeout_s=0.3) == []
