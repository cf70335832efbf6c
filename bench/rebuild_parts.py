"""CPU a rebuild spends per record in each of its steps, without Kafka or Redis.

`bench/replay_speed.py` measures the whole rebuild, but on a machine shared with Kafka, Redis
and other work its CPU a record moves by a third between runs, more than most changes of one
step. This times the steps one at a time, in one process, over the same synthetic log
(`bench.common.iter_synthetic_log`), each the best of `--repeat` passes with the cyclic GC
paused as `projection.rebuild` pauses it:

* fold: `CompactFold.apply` of every decoded record (key parts, versions, spill);
* decode: a writer's `parse_event` of every held document;
* build: `build_entry` of every entry from its decoded claims and their key parts;
* commit: `RedisTimelineStore._queue_commit` of the entries in commits of 300, with each
  queued command packed into the Redis protocol as the writers' pipeline packs it (nothing
  is sent: Redis's own work is not this process's).

    .venv/bin/python bench/rebuild_parts.py [--events 50000] [--repeat 7]

Run it alternately on two versions to compare a step; figures are microseconds an event.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402
import redis.asyncio as aioredis  # noqa: E402
from redis.connection import HiredisRespSerializer  # noqa: E402

from bench.common import iter_synthetic_log  # noqa: E402
from schemas.events import Event, dump_event, parse_event  # noqa: E402
from schemas.extraction import ArticleExtracted  # noqa: E402
from schemas.records import parse_record  # noqa: E402
from services.timeline.core.compact import CompactFold, DocumentSpill  # noqa: E402
from services.timeline.core.fold import build_entry  # noqa: E402
from services.timeline.core.grouping import KeyParts  # noqa: E402
from services.timeline.core.model import Entry  # noqa: E402
from services.timeline.redis_store import RedisTimelineStore  # noqa: E402
from services.timeline.store import ChangeSet  # noqa: E402

COMMIT_ENTRIES = 300


def best_of(repeat: int, step: Callable[[], object]) -> float:
    """The least CPU seconds of `repeat` runs of `step`."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best


def main(n: int, repeat: int) -> None:
    records = list(iter_synthetic_log(n))
    documents = [r.model_dump_json().encode() if isinstance(r, ArticleExtracted) else dump_event(r) for r in records]
    decoded = [parse_record(d) for d in documents]
    gc.disable()

    def fold_all() -> CompactFold:
        spill = DocumentSpill()
        fold = CompactFold(spill)
        for record, document in zip(decoded, documents):
            fold.apply(record, document)
        spill.close()
        return fold

    fold_s = best_of(repeat, fold_all)
    fold = CompactFold()
    for record, document in zip(decoded, documents):
        fold.apply(record, document)
    # Per entry: (key parts, held documents) of each of its keys, as a writer receives them.
    shares = {entry_id: [(fold.parts_of_key(key), [fold.held[i].document for i in sorted(fold.key_members(key))])
                         for key in keys]
              for entry_id, keys in fold.entry_keys().items()}
    claims: dict[str, tuple[list[Event], dict[str, KeyParts]]] = {}

    def decode_all() -> None:
        for entry_id, keys in shares.items():
            events: list[Event] = []
            parts_of: dict[str, KeyParts] = {}
            for parts, held in keys:
                batch = [parse_event(document) for document in held]  # type: ignore[arg-type]  # no spill
                events += batch
                parts_of.update((e.event_id, parts) for e in batch)
            claims[entry_id] = (events, parts_of)

    decode_s = best_of(repeat, decode_all)
    entries: dict[str, Entry] = {}

    def build_all() -> None:
        for entry_id, (events, parts_of) in claims.items():
            entries[entry_id] = build_entry(entry_id, events, parts_of)

    build_s = best_of(repeat, build_all)
    store = RedisTimelineStore(aioredis.Redis(), "bench", "rebuild")  # key names only: never connects
    client = redis.Redis()  # a pipeline to queue commands in: never connects either
    packer = HiredisRespSerializer()
    ids = sorted(entries)

    def commit_all() -> None:
        for start in range(0, len(ids), COMMIT_ENTRIES):
            pipe = client.pipeline(transaction=False)
            chunk = ids[start:start + COMMIT_ENTRIES]
            changes = ChangeSet(events_staged=True,
                                upsert_entries={e: entries[e] for e in chunk},
                                member_add={e: {c.event_id for c in entries[e].claims} for e in chunk})
            store._queue_commit(pipe, changes, {})
            for args, _ in pipe.command_stack:
                packer.pack(*args)

    commit_s = best_of(repeat, commit_all)
    print(f"{len(documents)} records ({n} events), {len(entries)} entries; best of {repeat}, CPU us an event:")
    for name, seconds in (("fold", fold_s), ("decode", decode_s), ("build", build_s), ("commit", commit_s)):
        print(f"  {name:<7}{seconds / n * 1e6:6.2f}")
    print(f"  {'total':<7}{(fold_s + decode_s + build_s + commit_s) / n * 1e6:6.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    main(args.events, args.repeat)
