"""The embedded mode's `EventLog`: a partitioned append-only log in one SQLite file.

Same semantics as Kafka where the services rely on them: per-partition offsets from 0,
key-hashed partitioning (so one article's events stay in order), reads from given
positions. It survives a restart; `path=":memory:"` gives a throwaway log for tests.
"""
from __future__ import annotations

import asyncio
import sqlite3
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path

from services.common.ports import Record, Written
from services.common.topics import TopicSpec

_SCHEMA = """
CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    topic TEXT NOT NULL, part INTEGER NOT NULL, off INTEGER NOT NULL,
    key BLOB, value BLOB NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (topic, part, off)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS consumer_positions (
    grp TEXT NOT NULL, topic TEXT NOT NULL, part INTEGER NOT NULL, off INTEGER NOT NULL,
    PRIMARY KEY (grp, topic, part)
) WITHOUT ROWID;
"""


def partition_for(key: str | None, partitions: int, counter: int) -> int:
    if key is None:
        return counter % partitions  # keyless messages spread round-robin, as Kafka's sticky default roughly does
    return zlib.crc32(key.encode("utf-8")) % partitions


class SqliteLog:
    def __init__(self, path: str | Path, prefix: str = "claimline.") -> None:
        self._path = str(path)
        if self._path != ":memory:":
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._prefix = prefix
        self._next: dict[tuple[str, int], int] = {
            (t, p): o + 1
            for t, p, o in self._db.execute("SELECT topic, part, MAX(off) FROM records GROUP BY topic, part")
        }
        self._partitions: dict[str, int] = dict(self._db.execute("SELECT name, partitions FROM topics"))
        self._keyless = 0
        # Set (and replaced) on every append; readers wait on the one they saw before reading.
        # Not an asyncio.Condition: on Python 3.11, wait_for() cancelling Condition.wait() races
        # with its lock re-acquisition ("Lock is not acquired"), and several readers hit it.
        self._appended = asyncio.Event()

    def topic_name(self, spec: TopicSpec) -> str:
        return spec.name(self._prefix)

    async def ensure_topics(self, specs: Sequence[TopicSpec]) -> None:
        for spec in specs:
            name = self.topic_name(spec)
            if name not in self._partitions:
                self._db.execute("INSERT OR IGNORE INTO topics VALUES (?, ?)", (name, spec.partitions))
                self._partitions[name] = spec.partitions

    def _require(self, spec: TopicSpec) -> str:
        name = self.topic_name(spec)
        if name not in self._partitions:
            raise LookupError(f"topic {name} does not exist (call ensure_topics first)")
        return name

    async def publish(self, spec: TopicSpec, key: str | None, value: bytes) -> Written:
        return (await self.publish_many(spec, [(key, value)]))[0]

    async def publish_many(self, spec: TopicSpec, items: Sequence[tuple[str | None, bytes]]) -> list[Written]:
        name = self._require(spec)
        partitions = self._partitions[name]
        now = int(time.time() * 1000)
        rows, written = [], []
        for key, value in items:
            part = partition_for(key, partitions, self._keyless)
            if key is None:
                self._keyless += 1
            off = self._next.get((name, part), 0)
            self._next[(name, part)] = off + 1
            rows.append((name, part, off, key.encode("utf-8") if key is not None else None, value, now))
            written.append(Written(name, part, off))
        self._db.execute("BEGIN")
        self._db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", rows)
        self._db.execute("COMMIT")
        appended, self._appended = self._appended, asyncio.Event()
        appended.set()
        return written

    def _fetch(self, name: str, positions: Mapping[int, int], max_records: int) -> list[Record]:
        records: list[Record] = []
        for part in range(self._partitions[name]):
            if len(records) >= max_records:
                break
            rows = self._db.execute(
                "SELECT off, key, value, ts FROM records WHERE topic=? AND part=? AND off>=? ORDER BY off LIMIT ?",
                (name, part, positions.get(part, 0), max_records - len(records)),
            ).fetchall()
            records.extend(Record(name, part, off, key, value, ts) for off, key, value, ts in rows)
        return records

    async def read(self, spec: TopicSpec, positions: Mapping[int, int], *,
                   max_records: int = 5000, timeout_s: float = 0.5) -> list[Record]:
        name = self._require(spec)
        appended = self._appended  # taken before reading: an append after the read sets it
        records = self._fetch(name, positions, max_records)
        if records or timeout_s <= 0:
            return records
        try:
            await asyncio.wait_for(appended.wait(), timeout=timeout_s)
        except TimeoutError:
            return []
        return self._fetch(name, positions, max_records)

    async def end_offsets(self, spec: TopicSpec) -> dict[int, int]:
        name = self._require(spec)
        return {p: self._next.get((name, p), 0) for p in range(self._partitions[name])}

    # Consumer-group positions: what Kafka keeps for faust, kept here for the embedded
    # extract loop, so a restart does not extract every article again.
    async def committed(self, group: str, spec: TopicSpec) -> dict[int, int]:
        rows = self._db.execute("SELECT part, off FROM consumer_positions WHERE grp=? AND topic=?",
                                (group, self.topic_name(spec)))
        return dict(rows)

    async def commit(self, group: str, spec: TopicSpec, positions: Mapping[int, int]) -> None:
        name = self.topic_name(spec)
        self._db.executemany("INSERT OR REPLACE INTO consumer_positions VALUES (?, ?, ?, ?)",
                             [(group, name, p, o) for p, o in positions.items()])

    async def close(self) -> None:
        self._db.close()
