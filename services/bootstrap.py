"""Wiring for the Kafka + Redis deployment: builds adapters from settings at start-up.

The embedded mode has its own wiring (services/embedded/runtime.py) around the same
services; nothing here holds business logic.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable
from typing import Any

import redis.asyncio as aioredis

from services.common.dlq import dead_letter_counts
from services.common.kafka_log import KafkaLog
from services.common.ports import EventLog
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, EVENTS
from services.ingest.seen import RedisSeenStore
from services.ingest.service import IngestService, recover_seen
from services.timeline.api import TimelineContext
from services.timeline.lease import Lease, RedisLease, SoloLease
from services.timeline.projection import DEFAULT_REBUILD_MEMORY_MB, Projector, rebuild
from services.timeline.readiness import ProgressWatch, assess
from services.timeline.redis_store import RedisTimelineStore
from services.timeline.replay import Progress, replay_into
from services.timeline.store import NotLeader, ProjectionLost, TimelineStore

log = logging.getLogger(__name__)


def kafka_log(settings: Settings, client_id: str) -> KafkaLog:
    return KafkaLog(settings.kafka_bootstrap, settings.topic_prefix, client_id=client_id)


async def log_reachable(event_log: EventLog) -> tuple[bool, dict[int, int] | str]:
    try:
        return True, await asyncio.wait_for(event_log.end_offsets(EVENTS), timeout=3.0)
    except Exception as error:  # noqa: BLE001 - unreachable is the answer
        return False, f"{type(error).__name__}: {error}"


async def parked_letters(event_log: EventLog) -> dict[str, int] | None:
    """Letters on every dead-letter topic (None when the log does not answer in time)."""
    try:
        return await asyncio.wait_for(dead_letter_counts(event_log), timeout=3.0)
    except Exception:  # noqa: BLE001 - unknown is the answer
        return None


def lag_of(ends: dict[int, int], positions: dict[int, int]) -> int:
    return sum(max(0, end - positions.get(p, 0)) for p, end in ends.items())


async def timeline_health(event_log: EventLog, store: TimelineStore, projector: Projector,
                          backend: dict[str, str], *, watch: ProgressWatch | None = None,
                          stall_after_s: float = 30.0, role: str = "projector",
                          clock: Callable[[], float] = time.monotonic) -> dict[str, Any]:
    """Reachability, lag and readiness: `ok` is false (and /health answers 503) while the
    projection is incomplete (rebuilding) or stalled, not only when a backend is down."""
    store_ok = await store.ping()
    log_ok, ends = await log_reachable(event_log)
    report: dict[str, Any] = {"service": "timeline", **backend, "role": role,
                              "store": "up" if store_ok else "down", "log": "up" if log_ok else "down"}
    positions: dict[int, int] = {}
    lag = 0
    if log_ok and store_ok:
        positions = await store.positions(event_log.topic_name(EVENTS))
        lag = lag_of(ends, positions)  # type: ignore[arg-type]
        report["consumer_lag"] = lag
        report["positions"] = positions
    elif not log_ok:
        report["log_error"] = ends
    stalled_for = watch.stalled_for(positions, lag, clock()) if watch is not None and log_ok and store_ok else 0.0
    readiness = assess(store_up=store_ok, log_up=log_ok, has_positions=bool(positions),
                       log_records=sum(ends.values()) if log_ok else 0,  # type: ignore[union-attr]
                       lag=lag, stalled_for_s=stalled_for, stall_after_s=stall_after_s)
    report.update(ok=readiness.ready, ready=readiness.ready, state=readiness.state)
    if readiness.reason:
        report["reason"] = readiness.reason
    report["folded_events"] = projector.stats.events
    # What this process's projector parked since it started; every dead-letter topic's
    # count (parse, extract and timeline stages alike) is under `dead_letter_topics`.
    report["dead_letters"] = projector.stats.dead_letters
    parked = await parked_letters(event_log) if log_ok else None
    if parked is not None:
        report["dead_letter_topics"] = parked
        report["dead_letters_parked"] = sum(parked.values())
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
        for suffix, count in (await parked_letters(event_log) or {}).items():
            values[f'claimline_dead_letters_total{{topic="{suffix}"}}'] = count
    values["claimline_store_up"] = 1.0 if await store.ping() else 0.0
    return values


# How many collections of the middle generation the collector makes per full collection in a
# timeline process (CPython's default: 10); see TimelineRuntime.start.
FULL_COLLECTION_EVERY = 200


class TimelineRuntime:
    """The timeline service's moving parts: store, log, and the projector task.

    Only the holder of the projector lease folds (and rebuilds); other replicas on the same
    store serve reads. The holder rebuilds whenever the store has no positions while the log
    has records (first start, or Redis lost its data), and folds batch by batch otherwise."""

    def __init__(self, event_log: EventLog, store: TimelineStore, backend: dict[str, str],
                 articles=None, rebuild_workers: int = 0, lease: Lease | None = None,
                 stall_after_s: float = 30.0, rebuild_memory_mb: int = DEFAULT_REBUILD_MEMORY_MB) -> None:
        self.log = event_log
        self.store = store
        self.projector = Projector(event_log, store)
        self.lease: Lease = lease or SoloLease()
        self.leading = False
        self.rebuilds = 0
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._backend = backend
        self._articles = articles
        self._rebuild_workers = rebuild_workers  # 0: rebuild's default
        self._rebuild_memory_mb = rebuild_memory_mb
        self._stall_after_s = stall_after_s
        self._watch = ProgressWatch()
        self._topic = event_log.topic_name(EVENTS)
        self._context: TimelineContext | None = None

    async def _needs_rebuild(self) -> bool:
        if await self.store.positions(self._topic):
            return False
        return sum((await self.log.end_offsets(EVENTS)).values()) > 0

    async def _rebuild(self) -> None:
        report = await rebuild(self.log, self.store, workers=self._rebuild_workers, fence=self.lease.token,
                               memory_mb=self._rebuild_memory_mb)
        self.rebuilds += 1
        log.info("rebuilt the timeline from the event log: %s", report)

    async def _lead(self) -> bool:
        """Take or renew the lease (a Redis hiccup counts as not leading, for now)."""
        try:
            self.leading = await self.lease.hold()
        except Exception:  # the next renewal tries again
            log.exception("could not renew the projector lease")
            self.leading = False
        return self.leading

    async def start(self) -> None:
        # The lease holder fills an empty store with the linear rebuild before serving;
        # a replica without the lease serves what the holder writes (not ready until complete).
        # The lease is kept on its own clock from the start: a first rebuild of a long log
        # takes longer than the lease's TTL, and its last commit is fenced by the lease.
        leading = await self._lead()
        self._tasks = [asyncio.create_task(self._keep_lease(), name="timeline-lease")]
        if leading and await self._needs_rebuild():
            try:
                await self._rebuild()
            except NotLeader:
                log.warning("the projector lease moved to another process during the rebuild; serving reads only")
                self.leading = False
        self._tasks.append(asyncio.create_task(self._project(), name="timeline-projector"))
        # What start-up loaded (modules, the app, a rebuild's leftovers) lives as long as
        # the process: move it out of the collector's sight, so the full collections that
        # request garbage triggers stay short and do not show up as latency spikes.
        gc.collect()
        gc.freeze()
        # What a serving process keeps per store generation (parsed entries, entries as at an
        # as_of, documents by version: up to a few hundred MB of objects) is not frozen, and a
        # full collection walks all of it: 60-150 ms each, twice a second under as_of load at
        # 100k events (by gc.callbacks), which was most of the pages' p99. Full collections
        # only every FULL_COLLECTION_EVERY-th collection of the middle generation, not the 10th.
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)

    async def _keep_lease(self) -> None:
        # Renewed on its own clock, so a long rebuild or a slow batch never lets it lapse.
        interval = getattr(self.lease, "ttl_ms", 10_000) / 3000
        while not self._stop.is_set():
            await self._lead()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stop.wait(), timeout=interval)

    async def _project(self) -> None:
        while not self._stop.is_set():
            try:
                if not self.leading:
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(self._stop.wait(), timeout=0.5)
                    continue
                if await self._needs_rebuild():
                    await self._rebuild()
                    continue
                await self.projector.step(timeout_s=0.2, fence=self.lease.token)
            except asyncio.CancelledError:
                raise
            except ProjectionLost:
                log.warning("the store lost the projection's positions; rebuilding")
            except NotLeader:
                log.warning("the projector lease moved to another process; serving reads only")
                self.leading = False
            except Exception:  # keep serving; the same batch is retried from the stored positions
                log.exception("projection step failed; retrying")
                await asyncio.sleep(1.0)

    async def stop_folding(self) -> None:
        """Stop the projector (and the lease renewal) and wait for them, but keep serving: what
        a projector that makes no progress looks like to /health."""
        self._stop.set()
        for task in self._tasks:
            await task

    async def stop(self) -> None:
        self._stop.set()
        if self._context is not None and self._context.fanout is not None:
            await self._context.fanout.close()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(task, timeout=10)
        if self.leading:
            with contextlib.suppress(Exception):
                await self.lease.release()  # another replica takes over at once, not after the TTL
            self.leading = False

    def context(self) -> TimelineContext:
        """The handlers' context: one per runtime, so every request shares its live fan-out."""
        if self._context is None:
            self._context = TimelineContext(
                store=self.store,
                health=lambda: timeline_health(self.log, self.store, self.projector, self._backend,
                                               watch=self._watch, stall_after_s=self._stall_after_s,
                                               role="projector" if self.leading else "reader"),
                metrics=lambda: timeline_metrics(self.log, self.store, self.projector),
                articles=self._articles,
            )
        return self._context


async def build_timeline_runtime(settings: Settings) -> TimelineRuntime:
    event_log = kafka_log(settings, "claimline-timeline")
    await event_log.ensure_topics(ALL_TOPICS)
    store = RedisTimelineStore.from_url(settings.redis_url, settings.redis_prefix)
    lease = RedisLease(aioredis.from_url(settings.redis_url), store.lease_key, ttl_ms=settings.lease_ttl_ms)
    return TimelineRuntime(event_log, store, {"log_backend": "kafka", "store_backend": "redis"},
                           rebuild_workers=settings.rebuild_workers, lease=lease,
                           rebuild_memory_mb=settings.rebuild_memory_mb,
                           stall_after_s=settings.stall_after_s)


async def build_ingest(settings: Settings) -> tuple[IngestService, KafkaLog, RedisSeenStore]:
    event_log = kafka_log(settings, "claimline-ingest")
    await event_log.ensure_topics(ALL_TOPICS)
    seen = RedisSeenStore(aioredis.from_url(settings.redis_url), settings.redis_prefix)
    if await seen.is_empty():
        # A new deployment, or Redis lost its data: what the log holds was acknowledged.
        recovered = await recover_seen(event_log, seen)
        if recovered:
            log.info("seen-store was empty: recovered %d article ids from the articles topic", recovered)
    return IngestService(event_log, seen), event_log, seen


async def replay_redis(settings: Settings, *, progress: Progress | None = None, keep_old: bool = False,
                       namespace: str | None = None) -> dict[str, Any]:
    """`claimline timeline replay`: rebuild from Kafka into a fresh Redis namespace, then switch to it."""
    event_log = kafka_log(settings, "claimline-replay")
    namespace = namespace or f"r{int(time.time() * 1000)}"
    store = RedisTimelineStore.from_url(settings.redis_url, settings.redis_prefix, namespace=namespace)
    try:
        await event_log.ensure_topics(ALL_TOPICS)
        await store.drop_namespace(namespace)
        started = time.perf_counter()
        report = await replay_into(event_log, store, progress=progress, workers=settings.rebuild_workers,
                                   memory_mb=settings.rebuild_memory_mb)
        seconds = time.perf_counter() - started
        old = await store.switch_to(namespace)
        if not keep_old and old != namespace:
            await asyncio.sleep(0.5)  # let an in-flight live step finish on the old namespace
            await store.drop_namespace(old)
        counts = await store.counts()
        return {"records": report["records"], "seconds": round(seconds, 3), "workers": report["workers"],
                "partitions": report["partitions"], "phases": report["phases"],
                "namespace": namespace, "replaced": old, **counts}
    finally:
        await event_log.close()
        await store.close()
