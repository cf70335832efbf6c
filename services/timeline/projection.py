"""The projector: turns a batch of raw records from the events topic into one atomic
change of the timeline store, using the pure fold.

It loads just the part of the state the batch touches (the batch's articles and the
entries their events fall into), folds the batch in with `core.apply`, updates the touched
entries' incremental states (`core.entry_state.EntryState`, kept between batches in an
`EntryCache`: adding a claim to an entry of thousands costs O(log n), not a rebuild), and
commits that with the new positions. A rebuild folds the log keeping documents instead of
events (`core.compact.CompactFold`) and builds each entry once with `core.build_entry`,
which the states equal. Records that are not valid events go to the
events dead-letter topic first, so nothing is lost.
"""
from __future__ import annotations

import asyncio
import contextlib
import gc
import heapq
import logging
import os
import pickle
import queue
import sys
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka.errors import KafkaError
from pydantic import ValidationError
from redis.exceptions import RedisError

from schemas.deadletter import DeadLetter
from schemas.events import Event, parse_event
from schemas.extraction import ArticleExtracted
from schemas.records import parse_record
from services.common.dlq import park, parked_coordinates
from services.common.errors import describe_validation_error
from services.common.ports import EventLog, Record
from services.common.topics import EVENTS, EVENTS_DLQ
from services.timeline.core import FoldState, apply, build_entry, entry_key
from services.timeline.core.compact import CompactFold, DocumentSpill, read_spilled
from services.timeline.core.entry_state import EntryState
from services.timeline.core.grouping import KeyParts, base_key, entry_key_parts, key_from_parts, resolve_keys
from services.timeline.core.passes import (
    EntryShare,
    Runs,
    article_partition,
    entry_bucket,
    entry_shares,
    id_bucket,
    ids_cross_partitions,
    partitions_for,
)
from services.timeline.store import ChangeSet, TimelineStore

log = logging.getLogger(__name__)

# Failures of the store or the log, not of the data: the batch is retried, nothing parked.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (RedisError, KafkaError, OSError, asyncio.TimeoutError)


@dataclass
class ProjectorStats:
    records: int = 0
    events: int = 0
    dead_letters: int = 0
    batches: int = 0
    last_commit_ms: int = 0
    positions: dict[int, int] = field(default_factory=dict)


class EntryCache:
    """What the live projector keeps between batches so that a claim added to an entry of
    thousands costs O(log n), not a reload and a rebuild of the whole entry (issue 14): each
    recently touched entry as an `EntryState`, and each recently touched base (the events
    `grouping.resolve_keys` may move together) as its event ids by key parts.

    Only an optimisation: it holds what the store holds, so it is valid only for the store
    state it was last in step with. The projector drops it whenever the store's positions
    are not those of its own last commit (another writer, a rebuild, a lost Redis) and after
    any failed batch; `plan` without a cache starts from an empty one, loading everything
    from the store as before. Bounded: least recently touched entries and bases go first
    once they hold more than `max_claims` event ids."""

    def __init__(self, max_claims: int = 500_000) -> None:
        self.max_claims = max_claims
        self.states: OrderedDict[str, EntryState] = OrderedDict()
        self.bases: OrderedDict[str, dict[KeyParts, set[str]]] = OrderedDict()
        # The store positions (of the events topic) the cache is in step with.
        self.positions: dict[int, int] | None = None
        self._sizes: dict[str, int] = {}
        self._held = 0

    def clear(self) -> None:
        self.states.clear()
        self.bases.clear()
        self.positions = None
        self._sizes.clear()
        self._held = 0

    def valid_at(self, positions: dict[int, int]) -> None:
        """Keep the cache only if the store is at the positions it was left at."""
        if self.positions != positions:
            self.clear()

    def touched(self, key: str) -> None:
        """Count `key`'s size again (and make it the most recently touched)."""
        state = self.states.get(key)
        if state is not None:
            self.states.move_to_end(key)
            size = len(state)
        elif key in self.bases:
            self.bases.move_to_end(key)
            size = sum(len(ids) for ids in self.bases[key].values())
        else:
            size = 0
        self._held += size - self._sizes.pop(key, 0)
        if size:
            self._sizes[key] = size

    def evict(self) -> None:
        """Drop the least recently touched beyond the budget (after a batch: never an entry
        the batch is still working on)."""
        while self._held > self.max_claims and (self.states or self.bases):
            # Entries first: a base is only ids, an entry holds its events.
            victims = self.states if self.states else self.bases
            victim, _ = victims.popitem(last=False)
            self._held -= self._sizes.pop(victim, 0)


async def plan(store: TimelineStore, events: Sequence[Event | ArticleExtracted],
               cache: EntryCache | None = None) -> ChangeSet:
    """What folding `events` into the store's state changes (reads only, apart from `cache`:
    the projector's entry states, which it updates to the state after the batch; without
    one, everything the batch touches is loaded from the store)."""
    changes = ChangeSet()
    if not events:
        return changes
    cache = cache if cache is not None else EntryCache()
    article_ids = {e.article for e in events}
    versions, current = await store.article_state(article_ids)
    before = FoldState(events=dict(current), article_versions=dict(versions))
    after = before
    for event in events:
        after = apply(after, event)
    added = {k: v for k, v in after.events.items() if k not in before.events}
    removed = {k: v for k, v in before.events.items() if k not in after.events}
    # Another copy of a held event that the fold ranks higher (a re-published article's
    # events differ in ingested_at only) replaces it under the same id, as in a rebuild.
    replaced = {k: v for k, v in after.events.items()
                if k in before.events and before.events[k] is not v and before.events[k] != v}
    # A marker can move an article's version without changing any event: keep it anyway,
    # so an older extractor's events arriving later are still refused.
    changes.article_versions = {a: v for a, v in after.article_versions.items() if versions.get(a) != v}
    if not added and not removed and not replaced:
        return changes
    changes.remove_events = set(removed)
    # Events whose entry is their own key (grouping.base_key is None) move alone; the others
    # by their base (the key without its place), whose unplaced claims may join or leave a
    # placed entry as the base's places change (grouping.resolve_keys).
    olds = {**removed, **{i: before.events[i] for i in replaced}}
    news = {**added, **replaced}
    bases = {b for e in (*olds.values(), *news.values()) if (b := base_key(e)) is not None}
    for event_id, event in olds.items():
        new_copy = news.get(event_id)
        if base_key(event) is None and (new_copy is None or entry_key(new_copy) != entry_key(event)):
            changes.member_remove.setdefault(entry_key(event), set()).add(event_id)
    for event_id, event in news.items():
        if base_key(event) is None:
            changes.member_add.setdefault(entry_key(event), set()).add(event_id)
    if bases:
        await _plan_bases(store, bases, olds, news, changes, cache)
    changes.add_events = news
    touched = {k for k in set(changes.member_add) | set(changes.member_remove) if not k.startswith("bs_")}
    await _load_states(store, touched, cache)
    # The events that move between entries (unplaced claims joining or leaving a placed one),
    # taken before any state changes: from the batch, the states, or the store.
    moving = {i for k in touched for i in changes.member_add.get(k, ())} - set(news)
    found: dict[str, Event] = {}
    for entry_id in touched:
        state = cache.states[entry_id]
        found.update({i: e for i in moving if (e := state.event_of(i)) is not None})
    missing = moving - set(found)
    found.update(await store.events(missing) if missing else {})
    for entry_id in sorted(touched):
        state = cache.states[entry_id]
        # (stored members | added) - removed, as the store applies them
        for event_id in changes.member_add.get(entry_id, ()):
            claim = news.get(event_id) or found.get(event_id)
            if claim is not None:
                state.remove(event_id)  # a new copy of a held event replaces it
                state.add(claim)
        for event_id in changes.member_remove.get(entry_id, ()):
            state.remove(event_id)
        if len(state):
            changes.upsert_entries[entry_id] = state.entry()
        else:
            changes.delete_entries.add(entry_id)
            del cache.states[entry_id]
        cache.touched(entry_id)
    cache.evict()
    return changes


async def _stored_members(store: TimelineStore, keys: set[str]) -> dict[str, list[Event]]:
    """The stored events of each member set (entries, bases 'bs_...'), in one read of each kind."""
    members = await store.entry_members(keys)
    loaded = await store.events({i for ids in members.values() for i in ids})
    return {key: [loaded[i] for i in members.get(key, ()) if i in loaded] for key in keys}


async def _load_states(store: TimelineStore, entry_ids: set[str], cache: EntryCache) -> None:
    """The entry states of `entry_ids` the cache does not hold, from the store."""
    wanted = entry_ids - set(cache.states)
    if not wanted:
        return
    for entry_id, events in (await _stored_members(store, wanted)).items():
        cache.states[entry_id] = EntryState(entry_id, events)


async def _base_parts(store: TimelineStore, bases: set[str], cache: EntryCache) -> None:
    """Each base's event ids by their key parts, from the store when the cache lacks them."""
    wanted = bases - set(cache.bases)
    if not wanted:
        return
    for base, events in (await _stored_members(store, wanted)).items():
        parts: dict[KeyParts, set[str]] = {}
        for event in events:
            parts.setdefault(entry_key_parts(event), set()).add(event.event_id)
        cache.bases[base] = parts


async def _plan_bases(store: TimelineStore, bases: set[str], olds: dict[str, Event], news: dict[str, Event],
                      changes: ChangeSet, cache: EntryCache) -> None:
    """Memberships of the events of the bases a batch touches, before and after it: each
    event's entry is resolved over its base's key parts (`grouping.resolve_keys`), and every
    event whose entry changed moves (the batch's own, and the unplaced claims of key parts
    whose entry changed: joining or leaving a placed entry). The store keeps each base's
    event ids as the member set 'bs_...'; the cache keeps them by key parts, so a batch reads
    a base's few distinct key parts, not all its events."""
    await _base_parts(store, bases, cache)
    was: dict[str, str] = {}
    now: dict[str, str] = {}
    for base in sorted(bases):
        index = cache.bases[base]
        in_base_old = {i: e for i, e in olds.items() if base_key(e) == base}
        in_base_new = {i: e for i, e in news.items() if base_key(e) == base}
        for event_id, event in in_base_old.items():  # olds are stored members of the base
            index.setdefault(entry_key_parts(event), set()).add(event_id)
        old_resolved = resolve_keys(p for p, ids in index.items() if ids)
        for event_id, event in in_base_old.items():
            was[event_id] = key_from_parts(old_resolved[entry_key_parts(event)])
            ids = index[entry_key_parts(event)]
            ids.discard(event_id)
        for event_id, event in in_base_new.items():
            index.setdefault(entry_key_parts(event), set()).add(event_id)
        for parts in [p for p, ids in index.items() if not ids]:
            del index[parts]
        new_resolved = resolve_keys(index)
        for event_id, event in in_base_new.items():
            now[event_id] = key_from_parts(new_resolved[entry_key_parts(event)])
        # Key parts whose entry changed move all their events (those of the batch are set above).
        for parts, ids in index.items():
            if old_resolved.get(parts) != new_resolved[parts]:
                for event_id in ids:
                    if event_id not in in_base_new:
                        was[event_id] = key_from_parts(old_resolved[parts])
                    now[event_id] = key_from_parts(new_resolved[parts])
        cache.touched(base)
    for event_id in was.keys() | now.keys():
        before_entry, after_entry = was.get(event_id), now.get(event_id)
        if before_entry is not None and before_entry != after_entry:
            changes.member_remove.setdefault(before_entry, set()).add(event_id)
        if after_entry is not None and (before_entry != after_entry or event_id in news):
            changes.member_add.setdefault(after_entry, set()).add(event_id)
    for event_id, event in olds.items():
        if (b := base_key(event)) is not None and (event_id not in news or base_key(news[event_id]) != b):
            changes.member_remove.setdefault(b, set()).add(event_id)
    for event_id, event in news.items():
        if (b := base_key(event)) is not None:
            changes.member_add.setdefault(b, set()).add(event_id)


def _park_letter(record: Record, reason: str, now_ms: int) -> DeadLetter:
    return DeadLetter.of(source_topic=record.topic, value=record.value, key=record.key, reason=reason,
                         stage="fold", failed_at_ms=now_ms, partition=record.partition, offset=record.offset)


def decode_record(record: Record, now_ms: int) -> Event | ArticleExtracted | DeadLetter:
    """One record of the events topic as an event or a marker, or the dead letter that
    parks it (a tombstone, bytes that are not JSON, JSON that is neither, NaN figures...).
    Never raises: whatever is on the topic, the projector keeps going."""
    if record.value is None:
        return _park_letter(record, "tombstone: a null value is neither an event nor a marker", now_ms)
    try:
        return parse_record(record.value)
    except ValidationError as error:
        return _park_letter(record, f"not a valid event: {describe_validation_error(error)}", now_ms)
    except (ValueError, RecursionError) as error:
        return _park_letter(record, f"not a valid event: {type(error).__name__}: {error}", now_ms)


def unfoldable_reason(event: Event | ArticleExtracted) -> str | None:
    """Why the pure core cannot fold this event on its own (None: it can). Pure; used to
    single out a poison event when a batch fails to fold, instead of retrying it forever."""
    if isinstance(event, ArticleExtracted):
        return None
    try:
        build_entry(entry_key(event), [event])
    except Exception as error:  # noqa: BLE001 - any failure of the pure core is the reason
        return f"the fold cannot use this event: {type(error).__name__}: {error}"
    return None


def _decode(records: Sequence[Record],
            now_ms: int) -> tuple[list[tuple[Record, Event | ArticleExtracted]], list[DeadLetter]]:
    decoded = [(r, decode_record(r, now_ms)) for r in records]
    return ([(r, d) for r, d in decoded if not isinstance(d, DeadLetter)],
            [d for _, d in decoded if isinstance(d, DeadLetter)])


# The fold state a rebuild may hold (`core.passes.partitions_for`); CLAIMLINE_REBUILD_MEMORY_MB.
DEFAULT_REBUILD_MEMORY_MB = 256


def default_rebuild_workers() -> int:
    """Processes a rebuild builds and writes entries with: one per CPU, at most four."""
    return max(1, min(os.cpu_count() or 1, 4))


async def rebuild(event_log: EventLog, store: TimelineStore, *, progress: Callable[[int, int], None] | None = None,
                  entries_per_commit: int = 2000, workers: int = 0, min_entries_per_worker: int = 250,
                  clock_ms: Callable[[], int] = lambda: int(time.time() * 1000), fence: str | None = None,
                  memory_mb: int = DEFAULT_REBUILD_MEMORY_MB, partitions: int | None = None) -> dict:
    """Fold the whole events topic into an empty store (a replay into a fresh namespace).

    Reads to the end offsets, keeping each event's document in a temporary file and what the
    fold reads of each record in its article's partition run (`core.passes`), then folds the
    partitions one at a time with the core (`core.compact.CompactFold`; linear time, and
    memory bounded by `memory_mb` whatever the log's size: `partitions`, when given, instead
    of the count the budget calls for), groups the kept events into entries one bucket of keys
    at a time, and builds the entries from their events decoded again one chunk at a time.
    Building and writing the entries, most of the work, is shared by `workers` processes (0:
    `default_rebuild_workers()`) when the store can be reopened in a forked child
    (`store.bulk_writer`, Redis); the positions go in one last commit after every share is
    written, so a store that shows positions holds the whole state. Invalid records are
    parked on the events dead-letter topic unless they are there already."""
    # Hundreds of thousands of live event objects make each cyclic GC pass expensive, and a
    # rebuild creates no cycles worth collecting: pause the collector for its duration.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return await _rebuild(event_log, store, progress=progress, entries_per_commit=entries_per_commit,
                              workers=workers or default_rebuild_workers(),
                              min_entries_per_worker=min_entries_per_worker, clock_ms=clock_ms, fence=fence,
                              memory_mb=memory_mb, partitions=partitions)
    finally:
        if gc_was_enabled:
            gc.enable()


async def _rebuild(event_log: EventLog, store: TimelineStore, *, progress, entries_per_commit: int, workers: int,
                   min_entries_per_worker: int, clock_ms, fence: str | None, memory_mb: int,
                   partitions: int | None) -> dict:
    topic = event_log.topic_name(EVENTS)
    # The events' documents go to a temporary file as they are read (the fold keeps their
    # places, not the documents). Stores that a forked process can write entries to
    # (RedisTimelineStore) say how; the writer processes are forked first, while this process
    # is still small: they share none of the fold and receive their entries' document places
    # through a pipe, so neither the fold nor the writers grow with the documents.
    open_bulk: Callable[[], Any] | None = getattr(store, "bulk_writer", lambda: None)()
    spill = DocumentSpill()
    pool = _WriterPool.start(open_bulk, spill.fd, workers) if open_bulk is not None and hasattr(os, "fork") else None
    stager = None
    runs: Runs | None = None
    kept: Runs | None = None
    try:
        ends = await event_log.end_offsets(EVENTS)
        target = sum(ends.values())
        # Memory bounded whatever the log's size (`core.passes`): what the fold reads of each
        # record goes to its article's partition run, and the partitions are folded one by one.
        count = partitions or partitions_for(target, memory_mb)
        runs = Runs(count)
        # A log that fits the budget in one partition is folded as it is read (its records need
        # no run on disk: 1-2 us a record less), by the same fold.
        live = CompactFold(spill) if count == 1 else None
        # (event id, partition) by id, to check that no id crosses partitions (one never does
        # in a log the extractor wrote; a hand-made one is then folded in one pass).
        ids = Runs(count) if count > 1 else None
        positions: dict[int, int] = {}
        letters: list[DeadLetter] = []
        # Stores that can take the events' documents while the log is still read (Redis) say
        # how. Every event's document is sent as read (the fold decides after the read); the
        # fold then rewrites or deletes the ids whose last copy it did not keep.
        stager = getattr(store, "event_stager", lambda: None)()
        staged = stager is not None
        done = 0
        seq = 0
        started = time.perf_counter()
        while any(positions.get(p, 0) < end for p, end in ends.items()):
            records = await event_log.read(EVENTS, positions, max_records=20000, timeout_s=1.0)
            if not records:
                break
            records = [r for r in records if r.offset < ends.get(r.partition, 0)]
            now = clock_ms()
            batch: dict[str, bytes] = {}
            for record in records:
                item = decode_record(record, now)
                if isinstance(item, DeadLetter):
                    letters.append(item)
                    continue
                partition = article_partition(item.article, count)
                seq += 1
                if isinstance(item, ArticleExtracted):
                    row: tuple[Any, ...] = (seq, None, item.article, item.extractor_version, None, -1)
                    if live is None:
                        runs.add(partition, row)
                    else:
                        live.apply_record(row)  # type: ignore[arg-type]  # a FoldRecord's fields
                    continue
                value: bytes = record.value  # type: ignore[assignment]  # decoded, so not None
                row = (seq, item.event_id, item.article, item.extractor_version, entry_key_parts(item),
                       spill.put(value))
                if live is None:
                    runs.add(partition, row)
                else:
                    live.apply_record(row)  # type: ignore[arg-type]  # a FoldRecord's fields
                if ids is not None:
                    ids.add(id_bucket(item.event_id, count), (item.event_id, partition))
                batch[item.event_id] = value
            if stager is not None:
                await stager.write(batch)
            for record in records:
                positions[record.partition] = record.offset + 1
            done += len(records)
            if progress:
                progress(done, target)
        # A rebuild parks what it cannot fold exactly as the live projector does (a start on an
        # empty Redis may be the first to see a record); what is parked already is not again.
        if letters:
            await park(event_log, EVENTS_DLQ, letters, already=await parked_coordinates(event_log, "events"))
        spill.flush()
        read_s = time.perf_counter() - started
        groups = [[k] for k in range(count)]
        if ids is not None:
            if ids_cross_partitions(ids):
                log.warning("rebuild: an event id appears under articles of two partitions; folding in one pass")
                groups = [list(range(count))]
            ids.close()
            ids = None
        kept = Runs(count) if live is None else None
        events_kept = 0
        for group in groups:
            if live is not None:
                fold = live
            else:
                fold = CompactFold(spill)
                source = runs.read(group[0]) if len(group) == 1 else heapq.merge(*(runs.read(k) for k in group))
                apply = fold.apply_record
                for row in source:
                    apply(row)  # type: ignore[arg-type]  # a FoldRecord's fields, as written
            if stager is not None:
                # The events hash must hold exactly the state's events: each staged document is
                # the last copy read of its id, so only the ids whose last copy the fold did not
                # keep go again (or go). With forked writers, each article's event set is
                # written here too, once.
                await stager.write({i: fold.document(fold.held[i]) for i in sorted(fold.stale) if i in fold.held})
                await stager.drop(i for i in fold.stale if i not in fold.held)
                if pool is not None:
                    await stager.add_article_sets(fold.article_members())
            if fold.article_versions:
                await store.commit(ChangeSet(article_versions=fold.article_versions))
            events_kept += len(fold.held)
            if kept is not None:
                for held in fold.held.values():
                    parts = fold.parts_of_key(held.key)
                    kept.add(entry_bucket(parts, count), (parts, held.event_id, held.document))
                del fold
        runs.close()
        runs = None
        if stager is not None:
            await stager.finish()
            stager = None
        fold_s = time.perf_counter() - started - read_s
        entries = 0
        used: int | None = None
        for bucket in range(count):
            shares = entry_shares(kept.read(bucket) if kept is not None else _kept_events(live))  # type: ignore[arg-type]
            entries += len(shares)
            if used is None:
                # Below a few hundred entries a process costs more than it saves: the others get
                # none (the entries of the first bucket of `count` tell how many there are).
                used = 1 if pool is None else min(workers, max(1, len(shares) * count // min_entries_per_worker))
            entry_ids = sorted(shares)
            sizes = {e: sum(len(refs) for _, _, refs in shares[e]) for e in entry_ids}
            for chunk in _chunks_by_size(entry_ids, sizes, entries_per_commit):
                work: WriterChunk = [(entry_id, shares[entry_id]) for entry_id in chunk]
                if pool is not None:
                    await pool.send(work, used)
                else:
                    await store.commit(_chunk_changes(work, spill.fd, with_events=True, events_staged=staged))
            del shares
        if pool is not None:
            failed = await pool.finish()
            pool = None
            if failed:
                raise RuntimeError(f"rebuild: {failed} of {workers} writer processes failed (see their output "
                                   "above); nothing was marked as complete")
        workers = used or 1
    finally:
        if stager is not None:
            await stager.close()
        if pool is not None:
            await pool.finish()
        for open_runs in (runs, kept):
            if open_runs is not None:
                open_runs.close()
        spill.close()
    # The positions mark the projection complete: only while holding the lease, if one is used.
    await store.commit(ChangeSet(positions={topic: positions}, fence=fence))
    write_s = time.perf_counter() - started - read_s - fold_s
    return {"records": done, "events": events_kept, "entries": entries, "dead_letters": len(letters),
            "workers": workers, "partitions": count,
            "phases": {"read_decode_s": round(read_s, 2), "fold_s": round(fold_s, 2), "write_s": round(write_s, 2)}}


def _kept_events(fold: CompactFold) -> Iterator[tuple[KeyParts, str, int]]:
    """What a partition run of kept events holds, (key parts, event id, document handle) per
    event, of a fold that is still in memory (a log folded in one partition)."""
    for held in fold.held.values():
        yield fold.parts_of_key(held.key), held.event_id, held.document  # type: ignore[misc]


# At most this many claims are decoded, built and committed at once by a rebuild's writer:
# what its memory holds beyond the folded documents. Counted in claims, not entries, as a
# few entries may hold most of a log's claims.
CLAIMS_PER_COMMIT = 10_000


def _chunks_by_size(entry_ids: list[str], sizes: Mapping[str, int], entries_per_commit: int) -> Iterator[list[str]]:
    """The entries in runs of at most `entries_per_commit` entries and, unless one entry has
    more, CLAIMS_PER_COMMIT claims (`sizes`: each entry's claims)."""
    chunk: list[str] = []
    claims = 0
    for entry_id in entry_ids:
        if chunk and (len(chunk) >= entries_per_commit or claims + sizes[entry_id] > CLAIMS_PER_COMMIT):
            yield chunk
            chunk, claims = [], 0
        chunk.append(entry_id)
        claims += sizes[entry_id]
    if chunk:
        yield chunk


def _commit_chunks(entry_ids: list[str], by_entry: Mapping[str, frozenset[str]],
                   entries_per_commit: int) -> Iterator[list[str]]:
    """`_chunks_by_size` of entries given by their event ids."""
    return _chunks_by_size(entry_ids, {e: len(by_entry[e]) for e in entry_ids}, entries_per_commit)


# One chunk of a writer's work, per entry: (entry id, [(key parts, base key or None, [document
# handles])]), one item per key of the entry, the handles of its events in the `DocumentSpill`.
WriterChunk = list[tuple[str, EntryShare]]


def _chunk_changes(chunk: WriterChunk, spill_fd: int, *, with_events: bool = False,
                   events_staged: bool = True) -> ChangeSet:
    """What one chunk of entries commits: the entries built from their events' documents,
    their member sets and their bases'. A forked writer commits only that (the events and the
    articles' sets are written by the rebuild itself); a rebuild without writers adds the
    events (`with_events`), with their documents unless they were staged already."""
    changes = ChangeSet(events_staged=events_staged)
    for entry_id, keys in chunk:
        claims: list[Event] = []
        parts_of: dict[str, KeyParts] = {}
        bases: list[tuple[str, list[str]]] = []
        for parts, base, handles in keys:
            documents = [read_spilled(spill_fd, handle) for handle in handles]
            events = [parse_event(document) for document in documents]
            claims += events
            parts_of.update((e.event_id, parts) for e in events)
            if base is not None:
                bases.append((base, [e.event_id for e in events]))
            if with_events:
                changes.add_events.update((e.event_id, e) for e in events)
                if not events_staged:
                    changes.raw_events.update((e.event_id, d) for e, d in zip(events, documents))
        changes.member_add[entry_id] = set(parts_of)
        for base, ids in bases:  # the bases the live projector resolves unplaced claims over (plan)
            changes.member_add.setdefault(base, set()).update(ids)
        changes.upsert_entries[entry_id] = build_entry(entry_id, claims, parts_of)
    return changes


def _writer_process(open_bulk: Callable[[], Any], spill_fd: int, read_fd: int) -> None:
    """A forked writer: commits the chunks it reads from its pipe until the rebuild closes it."""
    writer = open_bulk()
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            while header := pipe.read(8):
                chunk: WriterChunk = pickle.loads(pipe.read(int.from_bytes(header, "little")))
                writer.commit(_chunk_changes(chunk, spill_fd))
    finally:
        writer.close()


class _WriterPool:
    """A rebuild's writer processes, forked before the log is read, each fed chunks through a
    pipe by a thread of its own: the next chunk goes to whichever writer is free, so the
    shares balance whatever the entries' sizes. Each runs synchronous code only, never the
    parent's event loop or connections, and leaves with os._exit."""

    def __init__(self, pids: list[int], pipes: list[Any]) -> None:
        self._pids = pids
        self._pipes = pipes
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=2 * len(pids))
        self._threads: list[threading.Thread] = []
        self._finished: int | None = None

    @classmethod
    def start(cls, open_bulk: Callable[[], Any], spill_fd: int, count: int) -> _WriterPool:
        ends = [os.pipe() for _ in range(count)]
        pids = []
        sys.stdout.flush()
        sys.stderr.flush()
        for k in range(count):
            pid = os.fork()
            if pid == 0:  # the writer
                code = 1
                try:
                    for j, (read_fd, write_fd) in enumerate(ends):
                        os.close(write_fd)
                        if j != k:
                            os.close(read_fd)
                    _writer_process(open_bulk, spill_fd, ends[k][0])
                    code = 0
                except BaseException:  # noqa: BLE001 - reported, then the exit status tells the parent
                    traceback.print_exc()
                finally:
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(code)
            pids.append(pid)
        for read_fd, _ in ends:
            os.close(read_fd)
        return cls(pids, [os.fdopen(write_fd, "wb") for _, write_fd in ends])

    def _feed(self, k: int) -> None:
        pipe = self._pipes[k]
        try:
            while (message := self._queue.get()) is not None:
                pipe.write(message)
                pipe.flush()
        except BrokenPipeError:  # the writer died: its exit status says so; keep draining
            while self._queue.get() is not None:
                pass

    async def send(self, chunk: WriterChunk, used: int) -> None:
        """Queue one chunk for the first `used` writers (the others get none)."""
        if not self._threads:
            self._threads = [threading.Thread(target=self._feed, args=(k,), daemon=True,
                                              name=f"claimline-rebuild-feed-{k}") for k in range(used)]
            for thread in self._threads:
                thread.start()
        payload = pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL)
        message = len(payload).to_bytes(8, "little") + payload
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            await asyncio.get_running_loop().run_in_executor(None, self._queue.put, message)

    async def finish(self) -> int:
        """Close the pipes, wait for every writer; how many failed."""
        if self._finished is not None:
            return self._finished
        loop = asyncio.get_running_loop()
        for _ in self._threads:
            await loop.run_in_executor(None, self._queue.put, None)
        for thread in self._threads:
            await loop.run_in_executor(None, thread.join)
        for pipe in self._pipes:
            with contextlib.suppress(OSError):
                pipe.close()
        self._finished = sum([not await _exited_cleanly(pid) for pid in self._pids])
        return self._finished


async def _exited_cleanly(pid: int) -> bool:
    _, status = await asyncio.get_running_loop().run_in_executor(None, os.waitpid, pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


class Projector:
    """Reads the events topic from the store's positions and folds it in, batch by batch."""

    def __init__(self, log_: EventLog, store: TimelineStore, *, batch_size: int = 5000,
                 clock_ms: Callable[[], int] = lambda: int(time.time() * 1000),
                 max_cached_claims: int = 500_000) -> None:
        self._log = log_
        self._store = store
        self._batch_size = batch_size
        self._clock_ms = clock_ms
        self.stats = ProjectorStats()
        self._topic = log_.topic_name(EVENTS)
        # Source coordinates of what is parked (read from the dead-letter topic when first
        # needed): a retried batch, or a projection rebuilt beside another, parks a record once.
        self._parked: set[tuple[str, int | None, int | None]] | None = None
        # The touched entries' states between batches (valid while the store stays at the
        # positions of this projector's last commit).
        self.cache = EntryCache(max_cached_claims)

    async def step(self, *, timeout_s: float = 0.5, fence: str | None = None) -> int:
        """Read and fold one batch; returns how many records it consumed.

        Every record ends up folded or parked before the positions move past it: dead
        letters are published (and acknowledged by the log) first, then the fold and the
        positions are committed together. An event the pure core cannot fold is parked
        too, so one poison record never stops the projection; a store or log failure
        raises, and the batch is read again from the stored positions."""
        positions = await self._store.positions(self._topic)
        records = await self._log.read(EVENTS, positions, max_records=self._batch_size, timeout_s=timeout_s)
        if not records:
            self.stats.positions = positions
            return 0
        self.cache.valid_at(positions)
        try:
            events, dead, new_positions = await self._fold(records, positions, fence)
        except BaseException:
            # The states may hold a batch the store does not have: start again from the store.
            self.cache.clear()
            raise
        self.cache.positions = new_positions
        self.stats.records += len(records)
        self.stats.events += sum(not isinstance(e, ArticleExtracted) for e in events)
        self.stats.dead_letters += len(dead)
        self.stats.batches += 1
        self.stats.last_commit_ms = self._clock_ms()
        self.stats.positions = new_positions
        return len(records)

    async def _fold(self, records: Sequence[Record], positions: dict[int, int],
                    fence: str | None) -> tuple[list[Event | ArticleExtracted], list[DeadLetter], dict[int, int]]:
        """Fold and commit one batch read from `positions`: the records folded, the dead
        letters parked, and the positions committed."""
        now = self._clock_ms()
        decoded, dead = _decode(records, now)
        events = [e for _, e in decoded]
        try:
            changes = await plan(self._store, events, self.cache)
        except INFRASTRUCTURE_ERRORS:
            raise
        except Exception:  # a poison event: find it with the pure core and park it
            self.cache.clear()  # a batch that failed half-way left the states half-changed
            log.exception("folding a batch of %d records failed; screening its events", len(records))
            kept = []
            for record, event in decoded:
                reason = unfoldable_reason(event)
                if reason is None:
                    kept.append(event)
                else:
                    dead.append(_park_letter(record, reason, now))
            events = kept
            changes = await plan(self._store, events, self.cache)
        if dead:
            if self._parked is None:
                self._parked = await parked_coordinates(self._log, "events")
            await park(self._log, EVENTS_DLQ, dead, already=self._parked)
        new_positions = dict(positions)
        for record in records:
            new_positions[record.partition] = max(new_positions.get(record.partition, 0), record.offset + 1)
        changes.positions = {self._topic: new_positions}
        if fence is not None:
            changes.fence = fence
            changes.continues = self._topic if positions else None
        await self._store.commit(changes)
        return events, dead, new_positions

    async def run(self, stop: asyncio.Event, *, timeout_s: float = 0.2) -> None:
        while not stop.is_set():
            try:
                await self.step(timeout_s=timeout_s)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep serving; the same batch is retried from the stored positions
                log.exception("projection step failed; retrying")
                await asyncio.sleep(1.0)

    async def catch_up(self, *, idle_timeout_s: float = 1.0,
                       progress: Callable[[int, int], None] | None = None) -> int:
        """Fold until the store's positions reach the topic's end offsets (replay)."""
        total = 0
        ends = await self._log.end_offsets(EVENTS)
        target = sum(ends.values())
        while True:
            positions = await self._store.positions(self._topic)
            done = sum(min(positions.get(p, 0), end) for p, end in ends.items())
            if progress:
                progress(done, target)
            if all(positions.get(p, 0) >= end for p, end in ends.items()):
                return total
            consumed = await self.step(timeout_s=idle_timeout_s)
            total += consumed
