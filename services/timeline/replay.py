"""`claimline timeline replay`: rebuild the projection from the start of the events topic.

On Redis the rebuild is written into a fresh namespace beside the live one and switched
in with one atomic SET of the namespace pointer; readers and the live projector follow
the pointer. In the embedded mode the in-process store is always rebuilt at start, so a
replay there folds the SQLite log into a fresh store and reports what it holds.

The adapters come from the composition roots: `services.bootstrap.replay_redis` (Kafka +
Redis) and `services.embedded.runtime.replay_embedded` (SQLite + in-process store).
"""
from __future__ import annotations

from collections.abc import Callable

from services.timeline.projection import DEFAULT_REBUILD_MEMORY_MB, rebuild

Progress = Callable[[int, int], None]


async def replay_into(event_log, store, *, progress: Progress | None = None, workers: int = 0,
                      memory_mb: int = DEFAULT_REBUILD_MEMORY_MB) -> dict:
    """The rebuild's report: records read, events and entries kept, dead letters, workers,
    partitions (the fold's passes, from the log's size and `memory_mb`)."""
    return await rebuild(event_log, store, progress=progress, workers=workers, memory_mb=memory_mb)
