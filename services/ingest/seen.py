"""Which articles ingest already published, and where: the dedup memory of ingest.

Checked before publishing and written after, so a failed publish is never remembered
as done; a race between two identical posts at most publishes twice, which downstream
absorbs (event ids are deterministic and the fold ignores redelivered events).
"""
from __future__ import annotations

import json
from typing import Protocol

from services.common.ports import Written


class SeenStore(Protocol):
    async def get(self, article_id: str) -> Written | None: ...
    async def put(self, article_id: str, where: Written) -> None: ...
    async def close(self) -> None: ...


class MemorySeenStore:
    def __init__(self) -> None:
        self._seen: dict[str, Written] = {}

    async def get(self, article_id: str) -> Written | None:
        return self._seen.get(article_id)

    async def put(self, article_id: str, where: Written) -> None:
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
        value = json.dumps({"topic": where.topic, "partition": where.partition, "offset": where.offset})
        await self._redis.hsetnx(self._key, article_id, value)

    async def close(self) -> None:
        await self._redis.aclose()
