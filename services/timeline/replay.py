"""`claimline timeline replay`: rebuild the projection from the start of the events topic.

On Redis the rebuild is written into a fresh namespace beside the live one and switched
in with one atomic SET of the namespace pointer; readers and the live projector follow
the pointer. In the embedded mode the in-process store is always rebuilt at start, so a
replay there folds the SQLite log into a fresh store and reports what it holds.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Callable

from services.common.settings import Settings
from services.common.topics import ALL_TOPICS
from services.timeline.projection import rebuild

Progress = Callable[[int, int], None]


async def replay_into(event_log, store, *, progress: Progress | None = None, workers: int = 0) -> dict:
    """The rebuild's report: records read, events and entries kept, dead letters, workers."""
    return await rebuild(event_log, store, progress=progress, workers=workers)


async def replay_redis(settings: Settings, *, progress: Progress | None = None, keep_old: bool = False,
                       namespace: str | None = None) -> dict:
    from services.bootstrap import kafka_log
    from services.timeline.redis_store import RedisTimelineStore

    event_log = kafka_log(settings, "claimline-replay")
    namespace = namespace or f"r{int(time.time() * 1000)}"
    store = RedisTimelineStore.from_url(settings.redis_url, settings.redis_prefix, namespace=namespace)
    try:
        await event_log.ensure_topics(ALL_TOPICS)
        await store.drop_namespace(namespace)
        started = time.perf_counter()
        report = await replay_into(event_log, store, progress=progress, workers=settings.rebuild_workers)
        seconds = time.perf_counter() - started
        old = await store.switch_to(namespace)
        if not keep_old and old != namespace:
            await asyncio.sleep(0.5)  # let an in-flight live step finish on the old namespace
            await store.drop_namespace(old)
        counts = await store.counts()
        return {"records": report["records"], "seconds": round(seconds, 3), "workers": report["workers"],
                "namespace": namespace, "replaced": old, **counts}
    finally:
        await event_log.close()
        await store.close()


async def replay_embedded(settings: Settings, *, progress: Progress | None = None) -> dict:
    from services.embedded.sqlite_log import SqliteLog
    from services.timeline.memory_store import MemoryTimelineStore

    event_log = SqliteLog(Path(settings.data_dir) / "claimline.sqlite", settings.topic_prefix)
    store = MemoryTimelineStore()
    try:
        await event_log.ensure_topics(ALL_TOPICS)
        report = await replay_into(event_log, store, progress=progress)
        return {"records": report["records"], **await store.counts()}
    finally:
        await event_log.close()
