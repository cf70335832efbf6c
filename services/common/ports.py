"""The small interfaces between Claimline's logic and its infrastructure.

`EventLog` is the transport (Kafka in deployment, SQLite in the embedded mode): publish a
record, read a topic from given offsets. Services depend on these protocols only, so the
embedded mode swaps the adapters without touching any logic. Each port has one contract
test suite (tests/contract) that every adapter must pass.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from services.common.topics import TopicSpec


@dataclass(frozen=True)
class Record:
    """One message read from a topic."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None  # None: a tombstone (Kafka's null value)
    timestamp_ms: int


@dataclass(frozen=True)
class Written:
    """Where a published message landed."""

    topic: str
    partition: int
    offset: int


class EventLog(Protocol):
    """An append-only, partitioned log of topics."""

    async def ensure_topics(self, specs: Sequence[TopicSpec]) -> None:
        """Create the topics if they are missing (idempotent)."""

    def topic_name(self, spec: TopicSpec) -> str:
        """The concrete topic name of a spec (prefix applied)."""

    async def publish(self, spec: TopicSpec, key: str | None, value: bytes) -> Written:
        """Append one message and wait until the log has it durably."""

    async def publish_many(self, spec: TopicSpec, items: Sequence[tuple[str | None, bytes]]) -> list[Written]:
        """Append several messages; returns where each landed, in order."""

    async def read(self, spec: TopicSpec, positions: Mapping[int, int], *,
                   max_records: int = 5000, timeout_s: float = 0.5) -> list[Record]:
        """Read the next records at or after `positions` (next offset per partition;
        a partition missing from the map is read from its beginning). Returns an empty list
        when nothing arrives within `timeout_s`. Records of one partition come in offset order."""

    async def end_offsets(self, spec: TopicSpec) -> dict[int, int]:
        """The next offset to be written, per partition."""

    async def close(self) -> None:
        ...
