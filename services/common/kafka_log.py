"""The Kafka adapter of the `EventLog` port (aiokafka).

Reads use manual partition assignment and explicit seeks, never consumer-group commits:
the timeline stores its positions in Redis, atomically with its state, and hands them
back here on every read.
"""
from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from services.common.ports import Record, Written
from services.common.topics import MAX_RECORD_BYTES, TopicSpec


class KafkaLog:
    def __init__(self, bootstrap: str, prefix: str, *, client_id: str = "claimline") -> None:
        self._bootstrap = bootstrap
        self._prefix = prefix
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._readers: dict[str, _Reader] = {}
        self._lock = asyncio.Lock()

    def topic_name(self, spec: TopicSpec) -> str:
        return spec.name(self._prefix)

    async def ensure_topics(self, specs: Sequence[TopicSpec]) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self._bootstrap, client_id=f"{self._client_id}-admin")
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            missing = [
                NewTopic(name=self.topic_name(s), num_partitions=s.partitions, replication_factor=1,
                         topic_configs=({"max.message.bytes": str(s.max_message_bytes)}
                                        if s.max_message_bytes else {}))
                for s in specs
                if self.topic_name(s) not in existing
            ]
            if missing:
                try:
                    response = await admin.create_topics(missing)
                except TopicAlreadyExistsError:
                    return  # another service created them in the meantime
                for name, code, *_ in getattr(response, "topic_errors", ()):
                    # 36 = TOPIC_ALREADY_EXISTS: a concurrent start-up won the race.
                    if code not in (0, 36):
                        raise RuntimeError(f"could not create topic {name}: error code {code}")
        finally:
            await admin.close()

    async def _ensure_producer(self) -> AIOKafkaProducer:
        async with self._lock:
            if self._producer is None:
                producer = AIOKafkaProducer(
                    bootstrap_servers=self._bootstrap,
                    client_id=self._client_id,
                    acks="all",
                    enable_idempotence=True,
                    linger_ms=5,
                    max_request_size=MAX_RECORD_BYTES + 64 * 1024,  # a whole parsed article, with headroom
                )
                await producer.start()
                self._producer = producer
            return self._producer

    async def publish(self, spec: TopicSpec, key: str | None, value: bytes) -> Written:
        return (await self.publish_many(spec, [(key, value)]))[0]

    async def publish_many(self, spec: TopicSpec, items: Sequence[tuple[str | None, bytes]]) -> list[Written]:
        producer = await self._ensure_producer()
        topic = self.topic_name(spec)
        futures = [
            await producer.send(topic, value=value, key=key.encode("utf-8") if key is not None else None)
            for key, value in items
        ]
        results = await asyncio.gather(*futures)
        return [Written(topic=topic, partition=r.partition, offset=r.offset) for r in results]

    async def _reader(self, spec: TopicSpec) -> _Reader:
        topic = self.topic_name(spec)
        reader = self._readers.get(topic)
        if reader is None:
            reader = _Reader(self._bootstrap, topic, spec.partitions, self._client_id)
            await reader.start()
            self._readers[topic] = reader
        return reader

    async def read(self, spec: TopicSpec, positions: Mapping[int, int], *,
                   max_records: int = 5000, timeout_s: float = 0.5) -> list[Record]:
        reader = await self._reader(spec)
        return await reader.read(positions, max_records=max_records, timeout_s=timeout_s)

    async def end_offsets(self, spec: TopicSpec) -> dict[int, int]:
        reader = await self._reader(spec)
        return await reader.end_offsets()

    async def close(self) -> None:
        for reader in self._readers.values():
            await reader.stop()
        self._readers.clear()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None


# A reader position: sought to the partition's beginning, no record returned since (the
# first offset is not always 0: retention deletes old segments).
class _AtBeginning:
    pass


_AT_BEGINNING = _AtBeginning()


class _Reader:
    """One consumer per topic, assigned every partition, positioned by the caller."""

    def __init__(self, bootstrap: str, topic: str, partitions: int, client_id: str) -> None:
        self._topic = topic
        self._partitions = [TopicPartition(topic, p) for p in range(partitions)]
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap,
            client_id=f"{client_id}-reader",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            fetch_max_bytes=16 * 1024 * 1024,
            max_partition_fetch_bytes=4 * 1024 * 1024,
        )
        # Where the consumer will read next, as far as we asked it; None = not yet seeked.
        self._next: dict[int, int | _AtBeginning | None] = {}

    async def start(self) -> None:
        await self._consumer.start()
        self._consumer.assign(self._partitions)
        self._next = {tp.partition: None for tp in self._partitions}

    async def stop(self) -> None:
        await self._consumer.stop()

    async def _seek(self, positions: Mapping[int, int]) -> None:
        to_beginning = []
        for tp in self._partitions:
            wanted = positions.get(tp.partition)
            if wanted is None:
                # Missing means "from the beginning" (the port's contract), also for a reader
                # that has read on since: seek back unless it is still there.
                if self._next[tp.partition] is not _AT_BEGINNING:
                    to_beginning.append(tp)
                    self._next[tp.partition] = _AT_BEGINNING
                continue
            if self._next[tp.partition] != wanted:
                self._consumer.seek(tp, wanted)
                self._next[tp.partition] = wanted
        if to_beginning:
            await self._consumer.seek_to_beginning(*to_beginning)

    async def read(self, positions: Mapping[int, int], *, max_records: int, timeout_s: float) -> list[Record]:
        await self._seek(positions)
        batches = await self._consumer.getmany(timeout_ms=int(timeout_s * 1000), max_records=max_records)
        records: list[Record] = []
        for tp, messages in batches.items():
            for m in messages:
                records.append(Record(self._topic, tp.partition, m.offset, m.key, m.value, m.timestamp))
            if messages:
                self._next[tp.partition] = messages[-1].offset + 1
        return records

    async def end_offsets(self) -> dict[int, int]:
        ends = await self._consumer.end_offsets(self._partitions)
        return {tp.partition: offset for tp, offset in ends.items()}
