"""What adding or removing one claim costs for an entry that already holds N claims.

A running story makes one entry grow all season: a casualty tally of North Korean troops,
reported every day by several claimants (Ukraine, Russia, Western and US estimates, the
articles themselves), with figures, some of them ranges, bounds or denials. Each claim is
its own article, so removing one claim is a newer extraction of its article that drops it.

Two paths are timed for N = 100, 1,000, 3,000 and 10,000 claims:

* core: what the fold does to the entry. `build_entry` rebuilds it from all its claims;
  when `core.entry_state` exists, its incremental `EntryState` is timed beside it.
* projector: one event (or one extraction marker) appended to an in-memory log
  (`SqliteLog(':memory:')`) and folded by `Projector.step` into the in-process store
  (`MemoryTimelineStore`), the embedded mode's path: decode, plan, build, commit.

    .venv/bin/python bench/entry_update.py [--sizes 100,1000,3000,10000] [--repeat 15]

Each figure is the median of `--repeat` operations, after one untimed warm-up operation
(a projector's first touch of an entry may load it from the store).

A second table times building one entry from all its N claims (what a rebuild does per
entry), per claim, with the cyclic GC paused as `projection.rebuild` pauses it: the passes
of `reference_entry` against `build_entry` (an `EntryState` loaded in bulk from 2,000 claims
on), the best of three.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from schemas.events import Event, dump_event, parse_event  # noqa: E402
from schemas.extraction import ArticleExtracted  # noqa: E402
from services.common.topics import ALL_TOPICS, EVENTS  # noqa: E402
from services.embedded.sqlite_log import SqliteLog  # noqa: E402
from services.timeline.core import build_entry, entry_key  # noqa: E402
from services.timeline.core.fold import reference_entry  # noqa: E402
from services.timeline.memory_store import MemoryTimelineStore  # noqa: E402
from services.timeline.projection import Projector  # noqa: E402

VERSION = "2.0.0"
NEWER = "2.0.1"
START = date(2024, 12, 1)  # the season 2024/25-winter: one tally entry for 90 days
CLAIMANTS = [("UKR", "Ukraine's defence intelligence"), ("RUS", "the Russian defence ministry"),
             ("WEST", "Western officials"), ("USA", "the Pentagon"), (None, "the article")]
MODALITIES = ["claimed", "estimated", "claimed", "asserted", "claimed", "estimated", "denied"]


def tally_claim(i: int) -> Event:
    """Claim number i of the running tally: a day of the season, a claimant, a figure."""
    day = START + timedelta(days=i % 90)
    party, name = CLAIMANTS[i % len(CLAIMANTS)]
    base = 1000 + 40 * (i % 90)
    spread = {"UKR": 1.6, "RUS": 0.4, "WEST": 1.0, "USA": 1.1, None: 1.2}[party]
    value = round(base * spread)
    if i % 11 == 0:
        quantity: dict[str, object] = {"kind": "killed_or_wounded", "low": value - 200, "high": value + 200,
                                       "approx": True}
    elif i % 7 == 0:
        quantity = {"kind": "casualties", "value": value, "bound": "at_least", "text": f"more than {value:,}"}
    elif i % 13 == 0:
        quantity = {"kind": "casualties", "vague": "thousands"}
    else:
        quantity = {"kind": "casualties", "value": value, "approx": i % 3 == 0}
    return parse_event({
        "type": "casualties_claimed", "event_id": f"ev_tally_{i:06d}", "extractor_version": VERSION,
        "article": f"art_tally_{i:06d}", "published_at": day.isoformat(), "source": "bench",
        "ingested_at": datetime.combine(day, datetime.min.time(), UTC).replace(hour=i % 24).isoformat(),
        "actor": "PRK", "locations": [{"name": "Kursk"}] if i % 4 else [],
        "quantities": [quantity],
        "time": {"start": day.isoformat(), "end": day.isoformat(), "granularity": "day",
                 "from_article_date": True},
        "claimants": [{"party": party, "name": name}] if party else [],
        "modality": MODALITIES[i % len(MODALITIES)],
        "evidence": [{"sentence": f"Report {i}: {value} North Korean soldiers killed or wounded.",
                      "start": 0, "end": 20}],
    })


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_each(operations: list[Callable[[], object]]) -> float:
    operations[0]()  # warm-up
    samples = []
    for op in operations[1:]:
        started = time.perf_counter()
        op()
        samples.append(time.perf_counter() - started)
    return median_ms(samples)


def core_rebuild(n: int, repeat: int) -> tuple[float, float]:
    claims = [tally_claim(i) for i in range(n)]
    entry_id = entry_key(claims[0])
    extra = [tally_claim(n + k) for k in range(repeat + 1)]
    add = time_each([partial(build_entry, entry_id, [*claims, e]) for e in extra])
    remove = time_each([partial(build_entry, entry_id, claims[:k] + claims[k + 1:]) for k in range(repeat + 1)])
    return add, remove


def core_incremental(n: int, repeat: int) -> tuple[float, float] | None:
    if importlib.util.find_spec("services.timeline.core.entry_state") is None:
        return None
    from services.timeline.core.entry_state import EntryState

    claims = [tally_claim(i) for i in range(n)]
    entry_id = entry_key(claims[0])
    state = EntryState(entry_id, claims)
    state.entry()
    extra = [tally_claim(n + k) for k in range(repeat + 1)]

    def add(e: Event) -> None:
        state.add(e)
        state.entry()

    def remove(e: Event) -> None:
        state.remove(e.event_id)
        state.entry()

    return (time_each([partial(add, e) for e in extra]),
            time_each([partial(remove, e) for e in claims[:repeat + 1]]))


async def projector_path(n: int, repeat: int) -> tuple[float, float]:
    log = SqliteLog(":memory:")
    await log.ensure_topics(ALL_TOPICS)
    store = MemoryTimelineStore()
    projector = Projector(log, store, batch_size=5000)
    claims = [tally_claim(i) for i in range(n)]
    for start in range(0, n, 5000):
        await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in claims[start:start + 5000]])
    await projector.catch_up(idle_timeout_s=0.01)

    async def step(key: str, value: bytes) -> float:
        await log.publish(EVENTS, key, value)
        started = time.perf_counter()
        consumed = await projector.step(timeout_s=0.01)
        elapsed = time.perf_counter() - started
        assert consumed == 1, consumed
        return elapsed

    adds = [await step(e.article, dump_event(e)) for e in (tally_claim(n + k) for k in range(repeat + 1))]
    removes = []
    for e in claims[:repeat + 1]:
        marker = ArticleExtracted(article=e.article, extractor_version=NEWER, published_at=e.published_at)
        removes.append(await step(e.article, marker.model_dump_json().encode("utf-8")))
    entry = await store.entry(entry_key(claims[0]))
    assert entry is not None and entry.claims_total == n, entry and entry.claims_total
    await log.close()
    return median_ms(adds[1:]), median_ms(removes[1:])


def whole_entry_us(n: int) -> tuple[float, float]:
    """µs per claim to build one entry from n claims: reference_entry, build_entry (GC paused)."""
    claims = [tally_claim(i) for i in range(n)]
    entry_id = entry_key(claims[0])
    best: list[float] = []
    gc.disable()
    try:
        for build in (reference_entry, build_entry):
            samples = []
            for _ in range(3):
                started = time.perf_counter()
                build(entry_id, claims)
                samples.append(time.perf_counter() - started)
            best.append(min(samples) / n * 1e6)
    finally:
        gc.enable()
    return best[0], best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,3000,10000")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"one entry of N claims (a casualty tally by {len(CLAIMANTS)} claimants, reported daily); "
          f"median of {args.repeat} operations, ms")
    print(f"{'N':>7} | {'path':<34} | {'add one claim':>13} | {'remove one claim':>16}")
    print("-" * 80)
    for n in sizes:
        rows = [("core: build_entry (full rebuild)", core_rebuild(n, args.repeat))]
        incremental = core_incremental(n, args.repeat)
        if incremental is not None:
            rows.append(("core: EntryState (incremental)", incremental))
        rows.append(("projector step (memory store)", asyncio.run(projector_path(n, args.repeat))))
        for label, (add, remove) in rows:
            print(f"{n:>7,} | {label:<34} | {add:>13.3f} | {remove:>16.3f}", flush=True)
    print()
    print("one entry built from all its N claims, GC paused (as a rebuild runs), best of 3; µs per claim")
    print(f"{'N':>7} | {'reference_entry (passes)':>24} | {'build_entry':>11}")
    print("-" * 50)
    for n in sorted({*sizes, 30_000}):
        reference, built = whole_entry_us(n)
        print(f"{n:>7,} | {reference:>24.1f} | {built:>11.1f}", flush=True)


if __name__ == "__main__":
    main()
