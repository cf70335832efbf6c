"""Which articles ingest already published, and where: the dedup memory of ingest.

Durable: Redis keeps it with its append-only file (deploy/local/redis.sh, compose), and an
ingest that starts on an empty store refills it from the articles topic
(`service.recover_seen`), so a re-post is recognised whatever restarted.

Checked before publishing and written after, so a failed publish is never remembered
as done; a race between two identical posts at most publishes twice, which downstream
absorbs (event ids are deterministic and the fold ignores redelivered events).
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Protocol

from services.common.ports import Written


class SeenStore(Protocol):
    async def get(self, article_id: str) -> Written | None: ...
    async def put(self, article_id: str, where: Written) -> None: ...
    async def get_many(self, article_ids: Sequence[str]) -> dict[str, Written]:
        """Where each of the already published ones went (one round trip per chunk)."""
    async def put_many(self, placed: Mapping[str, Written]) -> None: ...
    async def is_empty(self) -> bool: ...
    async def close(self) -> None: ...


# Ids per Redis round trip: bounded, so one huge submission never builds one huge command.
_CHUNK = 10_000


class MemorySeenStore:
    def __init__(self) -> None:
        self._seen: dict[str, Written] = {}

    async def get(self, article_id: str) -> Written | None:
        return self._seen.get(article_id)

    async def put(self, article_id: str, where: Written) -> None:
        self._seen.setdefault(article_id, where)

    async def get_many(self, article_ids: Sequence[str]) -> dict[str, Written]:
        return {a: self._seen[a] for a in article_ids if a in self._seen}

    async def is_empty(self) -> bool:
        return not self._seen

    async def put_many(self, placed: Mapping[str, Written]) -> None:
        for article_id, where in placed.items():
            self._seen.setdefault(article_id, where)

    async def close(self) -> None:
        return None


class RedisSeenStore:
    def __init__(self, redis, prefix: str) -> None:  # redis: redis.asyncio.Redis
        self._redis = redis
        self._key = f"{prefix}:ingest:seen"

    async def get(self, article_id: str) -> Written | None:
        raw = await self._redis.hget(self._key, article_id)
        return Written(**json.loads(raw)) if raw else None

    async def put(self, article_id: str, where: Written) -> None:
        await self.put_many({article_id: where})

    async def is_empty(self) -> bool:
        return not await self._redis.exists(self._key)

    async def get_many(self, article_ids: Sequence[str]) -> dict[str, Written]:
        found: dict[str, Written] = {}
        ids = list(article_ids)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            for article_id, raw in zip(chunk, await self._redis.hmget(self._key, chunk)):
                if raw:
                    found[article_id] = Written(**json.loads(raw))
        return found

    async def put_many(self, placed: Mapping[str, Written]) -> None:
        items = list(placed.items())
        for start in range(0, len(items), _CHUNK):
            pipe = self._redis.pipeline(transaction=False)
            for article_id, where in items[start:start + _CHUNK]:
                value = json.dumps({"topic": where.topic, "partition": where.partition, "offset": where.offset})
                pipe.hsetnx(self._key, article_id, value)  # the first placement stays the answer
            await pipe.execute()

    async def close(self) -> None:
        await self._redis.aclose()
