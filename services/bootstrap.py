"""Wiring for the Kafka + Redis deployment: builds adapters from settings at start-up.

The embedded mode has its own wiring (services/embedded/runtime.py) around the same
services; nothing here holds business logic.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from typing import Any

import redis.asyncio as aioredis

from services.common.kafka_log import KafkaLog
from services.common.ports import EventLog
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, EVENTS
from services.ingest.seen import RedisSeenStore
from services.ingest.service import IngestService
from services.timeline.api import TimelineContext
from services.timeline.projection import Projector, rebuild
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.store import TimelineStore

log = logging.getLogger(__name__)


def kafka_log(settings: Settings, client_id: str) -> KafkaLog:
    return KafkaLog(settings.kafka_bootstrap, settings.topic_prefix, client_id=client_id)


async def log_reachable(event_log: EventLog) -> tuple[bool, dict[int, int] | str]:
    try:
        return True, await asyncio.wait_for(event_log.end_offsets(EVENTS), timeout=3.0)
    except Exception as error:  # noqa: BLE001 - unreachable is the answer
        return False, f"{type(error).__name__}: {error}"


def lag_of(ends: dict[int, int], positions: dict[int, int]) -> int:
    return sum(max(0, end - positions.get(p, 0)) for p, end in ends.items())


async def timeline_health(event_log: EventLog, store: TimelineStore, projector: Projector,
                          backend: dict[str, str]) -> dict[str, Any]:
    store_ok = await store.ping()
    log_ok, ends = await log_reachable(event_log)
    report: dict[str, Any] = {"ok": store_ok and log_ok, "service": "timeline", **backend,
                              "store": "up" if store_ok else "down", "log": "up" if log_ok else "down"}
    if log_ok and store_ok:
        positions = await store.positions(event_log.topic_name(EVENTS))
        report["consumer_lag"] = lag_of(ends, positions)  # type: ignore[arg-type]
        report["positions"] = positions
    elif not log_ok:
        report["log_error"] = ends
    report["folded_events"] = projector.stats.events
    report["dead_letters"] = projector.stats.dead_letters
    return report


async def timeline_metrics(event_log: EventLog, store: TimelineStore, projector: Projector) -> dict[str, float]:
    counts = await store.counts()
    values: dict[str, float] = {
        "claimline_timeline_events": counts["events"],
        "claimline_timeline_entries": counts["entries"],
        "claimline_timeline_contested_entries": counts["contested"],
        "claimline_projector_records_total": projector.stats.records,
        "claimline_projector_dead_letters_total": projector.stats.dead_letters,
        "claimline_projector_batches_total": projector.stats.batches,
        "claimline_projector_last_commit_timestamp_seconds": projector.stats.last_commit_ms / 1000,
    }
    ok, ends = await log_reachable(event_log)
    values["claimline_log_up"] = 1.0 if ok else 0.0
    if ok:
        values["claimline_projector_lag_records"] = lag_of(ends, await store.positions(event_log.topic_name(EVENTS)))  # type: ignore[arg-type]
    values["claimline_store_up"] = 1.0 if await store.ping() else 0.0
    return values


class TimelineRuntime:
    """The timeline service's moving parts: store, log, and the projector task."""

    def __init__(self, event_log: EventLog, store: TimelineStore, backend: dict[str, str],
                 articles=None, rebuild_workers: int = 0) -> None:
        self.log = event_log
        self.store = store
        self.projector = Projector(event_log, store)
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._backend = backend
        self._articles = articles
        self._rebuild_workers = rebuild_workers  # 0: rebuild's default

    async def start(self) -> None:
        # An empty store (first start, or Redis lost its data) is filled by the linear
        # rebuild; after that the projector folds batch by batch.
        if not await self.store.positions(self.log.topic_name(EVENTS)):
            report = await rebuild(self.log, self.store, workers=self._rebuild_workers)
            log.info("rebuilt the timeline from the event log: %s", report)
        self._task = asyncio.create_task(self.projector.run(self._stop), name="timeline-projector")
        # What start-up loaded (modules, the app, a rebuild's leftovers) lives as long as
        # the process: move it out of the collector's sight, so the full collections that
        # request garbage triggers stay short and do not show up as latency spikes.
        gc.collect()
        gc.freeze()

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._task, timeout=10)

    def context(self) -> TimelineContext:
        return TimelineContext(
            store=self.store,
            health=lambda: timeline_health(self.log, self.store, self.projector, self._backend),
            metrics=lambda: timeline_metrics(self.log, self.store, self.projector),
            articles=self._articles,
        )


async def build_timeline_runtime(settings: Settings) -> TimelineRuntime:
    event_log = kafka_log(settings, "claimline-timeline")
    await event_log.ensure_topics(ALL_TOPICS)
    store = RedisTimelineStore.from_url(settings.redis_url, settings.redis_prefix)
    return TimelineRuntime(event_log, store, {"log_backend": "kafka", "store_backend": "redis"},
                           rebuild_workers=settings.rebuild_workers)


async def build_ingest(settings: Settings) -> tuple[IngestService, KafkaLog, RedisSeenStore]:
    event_log = kafka_log(settings, "claimline-ingest")
    await event_log.ensure_topics(ALL_TOPICS)
    seen = RedisSeenStore(aioredis.from_url(settings.redis_url), settings.redis_prefix)
    return IngestService(event_log, seen), event_log, seen
