"""Shared by the benchmarks: synthetic event streams and publishing them."""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple

from schemas.article import Article
from schemas.events import Event, dump_event
from schemas.extraction import ArticleExtracted
from services.common.kafka_log import KafkaLog
from services.common.ports import Record, Written
from services.common.topics import ALL_TOPICS, EVENTS, TopicSpec
from services.extract.core import extract
from services.parse.local import local_parse_cache
from tests.support.infra import start_kafka, start_redis
from tests.support.services import ServiceProcess, service_env, wait_http_ok

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "services" / "embedded" / "samples"


def _bundled_extractions() -> list[list[Event]]:
    """The bundled articles, parsed once (kept in .cache/parses; the local CoreNLP is started
    when a parse is missing, and stops when this process ends: a test run or a bench leaves no
    server behind) and extracted once: one list of events per article."""
    base = [Article.model_validate(json.loads(line)) for path in sorted(SAMPLES.glob("*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()]
    return [extract(p) for p in local_parse_cache(owner_pid=os.getpid()).parse_all(base)]


def _redate(event: Event, copy: int, version: str | None = None, ingested: bool = False) -> Event:
    """`event` as copy number `copy` says it: its article and id get the copy's suffix and
    every date moves `copy` days later. Extracting each copy again would give the same
    events at 1,000x the cost, which made a 100k-event log take minutes to generate.
    `ingested`: the copy was ingested at noon UTC of its publication day (the bundled
    articles carry no ingestion time, so `as_of` would show nothing)."""
    shift = timedelta(days=copy)
    update: dict[str, object] = {
        "event_id": f"{event.event_id}-{copy}" + (f"-{version}" if version else ""),
        "article": f"{event.article}-{copy}",
        "published_at": event.published_at + shift,
        "time": event.time.model_copy(update={"start": event.time.start + shift,
                                              "end": event.time.end + shift}),
    }
    if version:
        update["extractor_version"] = version
    if ingested:
        update["ingested_at"] = datetime.combine(event.published_at + shift, time(12), tzinfo=UTC)
    return event.model_copy(update=update)


def synthetic_events(n: int, *, ingested: bool = False) -> list[Event]:
    """n events: copies of the bundled articles' events, each copy published a day later
    (and, with `ingested`, ingested that day at noon UTC)."""
    return list(iter_synthetic_events(n, ingested=ingested))


def iter_synthetic_events(n: int, *, ingested: bool = False) -> Iterator[Event]:
    """`synthetic_events`, event by event, holding none of them (1M events as a list of
    models take about 2.7 GB)."""
    events = (r for r in iter_synthetic_log(n, ingested=ingested) if not isinstance(r, ArticleExtracted))
    return itertools.islice(events, n)


def synthetic_log(n_events: int, *, empty_articles: int = 0, reextracted: int = 0,
                  ingested: bool = False) -> list[Event | ArticleExtracted]:
    """A log of the shape the extract service writes: per article copy its events and then its
    extraction marker, until `n_events` events are reached. The first `reextracted` article
    copies are first extracted by an older version (their events stay in the log and the newer
    marker must replace them); `empty_articles` markers of articles that gave no events are interleaved
    evenly, as a real stream has many articles that yield nothing."""
    return list(iter_synthetic_log(n_events, empty_articles=empty_articles, reextracted=reextracted,
                                   ingested=ingested))


def iter_synthetic_log(n_events: int, *, empty_articles: int = 0, reextracted: int = 0,
                       ingested: bool = False) -> Iterator[Event | ArticleExtracted]:
    """`synthetic_log`, record by record, holding none of it (a 3M-event log as a list takes
    more memory than the rebuild it feeds)."""
    per_article = [events for events in _bundled_extractions() if events]
    if not empty_articles:
        yield from _articles_log(per_article, n_events, reextracted, ingested)
        return
    total = _articles_log_size(per_article, n_events, reextracted)
    step = max(1, total // empty_articles)
    empties = iter(empty_markers(empty_articles))
    for i, record in enumerate(_articles_log(per_article, n_events, reextracted, ingested)):
        yield record
        if i % step == step - 1:
            yield from itertools.islice(empties, 1)
    yield from empties


class _Copy(NamedTuple):
    copy: int  # which pass over the bundled articles (each pass re-dates them)
    number: int  # the article copy's place in the log, from 1
    events: list[Event]  # all the article's events
    size: int  # how many of them are logged (the last copy may be cut at n_events)


def _article_copies(per_article: list[list[Event]], n_events: int) -> Iterator[_Copy]:
    """The article copies the log holds, in log order, until n_events events are logged."""
    emitted, copy, number = 0, 0, 0
    while emitted < n_events:
        for events in per_article:
            if emitted >= n_events:
                break
            size = min(len(events), n_events - emitted)
            number += 1
            yield _Copy(copy, number, events, size)
            emitted += size
        copy += 1


def _articles_log_size(per_article: list[list[Event]], n_events: int, reextracted: int) -> int:
    """How many records `_articles_log` yields, without building them."""
    return sum(c.size + 1 + (len(c.events) + 1 if c.number <= reextracted else 0)
               for c in _article_copies(per_article, n_events))


def _articles_log(per_article: list[list[Event]], n_events: int, reextracted: int,
                  ingested: bool) -> Iterator[Event | ArticleExtracted]:
    """The log without the empty articles' markers."""
    old_version = "0.0.0-bench-old"
    for c in _article_copies(per_article, n_events):
        batch = [_redate(e, c.copy, ingested=ingested) for e in c.events[:c.size]]
        if c.number <= reextracted:
            old = [_redate(e, c.copy, old_version) for e in c.events]
            yield from old
            yield _marker(old, old_version)
        yield from batch
        yield _marker(batch, batch[0].extractor_version)


def _marker(events: list[Event], version: str) -> ArticleExtracted:
    first = events[0]
    return ArticleExtracted(article=first.article, extractor_version=version, published_at=first.published_at,
                            event_ids=tuple(e.event_id for e in events))


def encode_record(record: Event | ArticleExtracted) -> bytes:
    """A log record's value as the extract service writes it."""
    return record.model_dump_json().encode("utf-8") if isinstance(record, ArticleExtracted) else dump_event(record)


class MemoryLog:
    """An `EventLog` held in this process's memory, for a rebuild without a broker: the same
    records, keyed by article into the topic's partitions (crc32 of the key, as the embedded
    log does), offsets from 0; `read` returns at once up to `max_records` spread evenly over the
    partitions. What a rebuild costs reading it is the rebuild's own work, not a client's."""

    def __init__(self, prefix: str = "bench.") -> None:
        self._prefix = prefix
        self._topics: dict[str, list[list[Record]]] = {}

    @classmethod
    def of(cls, records: Iterable[Event | ArticleExtracted], prefix: str = "bench.") -> MemoryLog:
        """A log whose events topic holds `records` in order (a generator is read once)."""
        log = cls(prefix)
        for record in records:
            log._append(EVENTS, record.article, encode_record(record))
        return log

    def _partitions(self, spec: TopicSpec) -> list[list[Record]]:
        return self._topics.setdefault(self.topic_name(spec), [[] for _ in range(spec.partitions)])

    def _append(self, spec: TopicSpec, key: str | None, value: bytes) -> Written:
        partitions = self._partitions(spec)
        p = zlib.crc32(key.encode("utf-8")) % len(partitions) if key is not None else 0
        records = partitions[p]
        records.append(Record(self.topic_name(spec), p, len(records), key.encode("utf-8") if key else None, value, 0))
        return Written(self.topic_name(spec), p, len(records) - 1)

    def size(self, spec: TopicSpec = EVENTS) -> int:
        """How many records the topic holds."""
        return sum(len(records) for records in self._partitions(spec))

    async def ensure_topics(self, specs: Sequence[TopicSpec]) -> None:
        for spec in specs:
            self._partitions(spec)

    def topic_name(self, spec: TopicSpec) -> str:
        return spec.name(self._prefix)

    async def publish(self, spec: TopicSpec, key: str | None, value: bytes) -> Written:
        return self._append(spec, key, value)

    async def publish_many(self, spec: TopicSpec, items: Sequence[tuple[str | None, bytes]]) -> list[Written]:
        return [self._append(spec, key, value) for key, value in items]

    async def read(self, spec: TopicSpec, positions: Mapping[int, int], *,
                   max_records: int = 5000, timeout_s: float = 0.5) -> list[Record]:
        partitions = self._partitions(spec)
        share = max(1, max_records // len(partitions))
        out: list[Record] = []
        for p, records in enumerate(partitions):
            start = positions.get(p, 0)
            out += records[start:start + share]
        return out

    async def end_offsets(self, spec: TopicSpec) -> dict[int, int]:
        return {p: len(records) for p, records in enumerate(self._partitions(spec))}

    async def close(self) -> None:
        pass


async def publish_log(bootstrap: str, prefix: str, records: Iterable[Event | ArticleExtracted]) -> tuple[int, int]:
    """Publish events and markers in log order, keyed by article as the extract service does,
    5,000 at a time (`records` may be a generator: only a chunk is held). Returns how many
    records and how many markers were published."""
    log = KafkaLog(bootstrap, prefix)
    await log.ensure_topics(ALL_TOPICS)
    total = markers = 0
    it = iter(records)
    while chunk := list(itertools.islice(it, 5000)):
        total += len(chunk)
        markers += sum(1 for r in chunk if isinstance(r, ArticleExtracted))
        await log.publish_many(EVENTS, [(r.article, encode_record(r)) for r in chunk])
    await log.close()
    return total, markers


async def publish_events(bootstrap: str, prefix: str, events: Iterable[Event]) -> int:
    """Publish events keyed by article, 5,000 at a time (`events` may be a generator: only a
    chunk is held). Returns the bytes of the events' JSON."""
    log = KafkaLog(bootstrap, prefix)
    await log.ensure_topics(ALL_TOPICS)
    it, size = iter(events), 0
    while chunk := list(itertools.islice(it, 5000)):
        encoded = [(e.article, dump_event(e)) for e in chunk]
        size += sum(len(value) for _, value in encoded)
        await log.publish_many(EVENTS, encoded)
    await log.close()
    return size


class Published(NamedTuple):
    """What publishing the synthetic events gave: the bytes of their JSON, the middle ingestion
    moment and a moment a day after the last one (ISO, UTC)."""
    raw_bytes: int
    middle: str
    after_all: str


def publish_synthetic_events(bootstrap: str, prefix: str, n: int) -> Published:
    """Publishes n synthetic events with ingestion times, streamed (1M events held as a list of
    models took about 2.7 GB); only their ingestion moments are kept, for the as_of requests."""
    ingested: list[datetime] = []

    def events() -> Iterator[Event]:
        for event in iter_synthetic_events(n, ingested=True):
            if event.ingested_at:
                ingested.append(event.ingested_at)
            yield event

    raw_bytes = asyncio.run(publish_events(bootstrap, prefix, events()))
    ingested.sort()
    # after the last ingestion (the log spans about 3 years at 100k events, 34 at 1M: a fixed
    # 2030 was mid-log at 1M)
    return Published(raw_bytes, ingested[len(ingested) // 2].strftime("%Y-%m-%dT%H:%M:%SZ"),
                     (ingested[-1] + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"))


def empty_markers(n: int):
    """n extraction markers of articles that gave no events."""
    from datetime import date

    from services.extract.core import EXTRACTOR_VERSION

    return [ArticleExtracted(article=f"empty-{i}", extractor_version=EXTRACTOR_VERSION,
                             published_at=date(2025, 1, 1), event_ids=()) for i in range(n)]


@contextmanager
def serving_apis(run_dir: Path, prefix: str = "bench.",
                 events_before: list[Event | ArticleExtracted] | None = None) -> Iterator[dict[str, str]]:
    """Kafka, Redis, `claimline ingest serve` and `timeline serve` started for one bench run, and
    stopped after it: yields {'ingest': url, 'timeline': url} once both answer /health.
    `events_before` are published on the events topic before the services start."""
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    procs: list[ServiceProcess] = []
    try:
        env = service_env(kafka.bootstrap, redis_.url, prefix)
        if events_before:
            asyncio.run(publish_log(kafka.bootstrap, prefix, events_before))
        procs = [ServiceProcess(name, [name, "serve"], env, run_dir / f"{name}.log").start()
                 for name in ("ingest", "timeline")]
        urls = {"ingest": f"http://127.0.0.1:{env['CLAIMLINE_INGEST_PORT']}",
                "timeline": f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"}
        for proc, url in zip(procs, urls.values(), strict=True):
            wait_http_ok(f"{url}/health", proc)
        yield urls
    finally:
        for proc in procs:
            proc.stop()
        kafka.stop()
        redis_.stop()


def add_log_arguments(parser: argparse.ArgumentParser, *, events: int, empty_articles: int = 0,
                      reextracted: int = 0) -> None:
    """The options of a rebuild over `iter_synthetic_log`, shared by the rebuild benches: the
    log's shape (`--events`, `--empty-articles`, `--reextracted`) and the rebuild's `--workers`."""
    parser.add_argument("--events", type=int, default=events)
    parser.add_argument("--empty-articles", type=int, default=empty_articles)
    parser.add_argument("--reextracted", type=int, default=reextracted)
    parser.add_argument("--workers", type=int, default=0,
                        help="writer processes of the rebuild (0: its default, one per CPU up to 4)")
