"""The embedded mode: ingest, parse, extract and timeline in one process, with the SQLite
event log in place of Kafka and the in-process store in place of Redis. Only the adapters
differ from the Kafka + Redis deployment; every service runs the same code. The parser is
the real one: a local CoreNLP server (deploy/local/corenlp.sh), started when none answers at
CLAIMLINE_PARSER_URL and stopped with the process.

Run: `claimline demo` (loads the bundled sample articles and serves API and web page).

Everything the embedded mode keeps is in one data directory (`--data-dir`, else
CLAIMLINE_DATA_DIR, else `.claimline` under the working directory): the SQLite log
(`claimline.sqlite`) and, while a demo runs, `demo.json` (its pid and URL), by which
`claimline timeline replay --embedded` finds the running demo and rebuilds its store.
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI

from schemas.article import Article
from services.bootstrap import TimelineRuntime
from services.common.http import SecurityHeaders, bearer_guard
from services.common.ports import EventLog, Written
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, ARTICLES, ARTICLES_PARSED
from services.embedded.sqlite_log import SqliteLog
from services.extract.worker import extract_records
from services.ingest.api import articles_router as ingest_articles_router
from services.ingest.api import use_limits as use_ingest_limits
from services.ingest.api import use_service as use_ingest_service
from services.ingest.seen import MemorySeenStore
from services.ingest.service import IngestService
from services.parse.corenlp import CoreNLPClient
from services.parse.handler import Parser
from services.parse.local import ensure_parser
from services.parse.worker import parse_records
from services.timeline.api import api_router as timeline_api_router
from services.timeline.api import ops_router as timeline_ops_router
from services.timeline.api import static_router as timeline_static_router
from services.timeline.api import use_context, use_read_token
from services.timeline.memory_store import MemoryTimelineStore
from services.timeline.replay import Progress, replay_into

log = logging.getLogger(__name__)

SAMPLES_DIR = Path(__file__).parent / "samples"
EXTRACT_GROUP = "claimline-extract"
PARSE_GROUP = "claimline-parse"
LOG_FILE = "claimline.sqlite"
DEMO_FILE = "demo.json"
BACKEND = {"log_backend": "sqlite", "store_backend": "memory"}


def log_path(data_dir: str | Path) -> Path:
    """The embedded SQLite log in a data directory."""
    return Path(data_dir) / LOG_FILE


def demo_file(data_dir: str | Path) -> Path:
    """Where a running demo leaves its pid and URL."""
    return Path(data_dir) / DEMO_FILE


async def fold_log(event_log: EventLog, *, progress: Progress | None = None) -> tuple[MemoryTimelineStore,
                                                                                      dict[str, Any]]:
    """The store a demo serves, built from its log: the events topic folded into a fresh
    in-process store by the timeline's rebuild (the one a start and the Redis replay run)."""
    store = MemoryTimelineStore()
    started = time.perf_counter()
    report = await replay_into(event_log, store, progress=progress)
    return store, {"records": report["records"], "seconds": round(time.perf_counter() - started, 3),
                   **await store.counts()}


async def warm_seen(event_log: EventLog, seen: MemorySeenStore) -> int:
    """Rebuild ingest's dedup memory from the articles already in the log."""
    positions: dict[int, int] = {}
    count = 0
    while True:
        records = await event_log.read(ARTICLES, positions, max_records=5000, timeout_s=0)
        if not records:
            return count
        for record in records:
            if record.key:
                await seen.put(record.key.decode(), Written(record.topic, record.partition, record.offset))
                count += 1
            positions[record.partition] = record.offset + 1


class EmbeddedRuntime:
    """`parser`: the parse stage's parser; by default a client of the CoreNLP server at
    `settings.parser_url`, or of a local one started for this process."""

    def __init__(self, settings: Settings, *, db_path: str | Path | None = None, parser: Parser | None = None) -> None:
        self.settings = settings
        self.parser = parser
        self._own_client: CoreNLPClient | None = None
        path = db_path if db_path is not None else log_path(settings.data_dir)
        self.log = SqliteLog(path, settings.topic_prefix)
        self.seen = MemorySeenStore()
        self.ingest = IngestService(self.log, self.seen)
        self.timeline = TimelineRuntime(self.log, MemoryTimelineStore(), BACKEND, articles=self.article)
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._replaying = asyncio.Lock()

    async def start(self) -> None:
        if self.parser is None:
            # Started for this process (fetched the first time) unless one answers already.
            url = await asyncio.to_thread(ensure_parser, self.settings, owner_pid=os.getpid())
            self._own_client = CoreNLPClient(url)
            self.parser = self._own_client
            log.info("parser: CoreNLP at %s", url)
        await self.log.ensure_topics(ALL_TOPICS)
        await warm_seen(self.log, self.seen)
        # The in-process store starts empty: the whole event log is folded first (the log is the truth).
        await self.timeline.start()
        self._tasks = [asyncio.create_task(self._parse_loop(), name="embedded-parse"),
                       asyncio.create_task(self._extract_loop(), name="embedded-extract")]

    async def _parse_loop(self) -> None:
        assert self.parser is not None
        positions = await self.log.committed(PARSE_GROUP, ARTICLES)
        while not self._stop.is_set():
            try:
                count, positions = await parse_records(self.log, positions, self.parser, max_records=10,
                                                       timeout_s=0.2)
                if count:
                    await self.log.commit(PARSE_GROUP, ARTICLES, positions)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the demo alive; the batch is retried from the committed positions
                log.exception("embedded parse step failed")
                await asyncio.sleep(1.0)
                positions = await self.log.committed(PARSE_GROUP, ARTICLES)

    async def _extract_loop(self) -> None:
        positions = await self.log.committed(EXTRACT_GROUP, ARTICLES_PARSED)
        while not self._stop.is_set():
            try:
                count, positions = await extract_records(self.log, positions, timeout_s=0.2,
                                                         time_limit_s=self.settings.extract_time_limit_s)
                if count:
                    await self.log.commit(EXTRACT_GROUP, ARTICLES_PARSED, positions)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the demo alive; the batch is retried from the committed positions
                log.exception("embedded extract step failed")
                await asyncio.sleep(1.0)
                positions = await self.log.committed(EXTRACT_GROUP, ARTICLES_PARSED)

    async def article(self, article_id: str) -> dict | None:
        """The ingested article (from the log), for GET /articles/{id}."""
        seen = await self.seen.get(article_id)
        if seen is None:
            return None
        records = await self.log.read(ARTICLES, {seen.partition: seen.offset}, max_records=64, timeout_s=0)
        for record in records:
            if record.partition == seen.partition and record.offset == seen.offset and record.value is not None:
                return json.loads(record.value)
        return None

    async def _lag(self, group: str, spec) -> int:
        ends = await self.log.end_offsets(spec)
        done = await self.log.committed(group, spec)
        return sum(max(0, end - done.get(p, 0)) for p, end in ends.items())

    async def health(self) -> dict:
        """The timeline's health plus how far the parse and extract stages are behind:
        `pipeline_lag` is 0 once every ingested article is parsed, extracted and folded."""
        report = await self.timeline.context().health()
        report["parse_lag"] = await self._lag(PARSE_GROUP, ARTICLES)
        report["extract_lag"] = await self._lag(EXTRACT_GROUP, ARTICLES_PARSED)
        report["pipeline_lag"] = report["parse_lag"] + report["extract_lag"] + report.get("consumer_lag", 0)
        return report

    def context(self):
        return dataclasses.replace(self.timeline.context(), health=self.health)

    async def settle(self, timeout_s: float = 60.0) -> None:
        """Wait until every ingested article is parsed and extracted and every event folded."""
        from services.common.topics import EVENTS

        async def caught_up(group: str | None, spec) -> bool:
            ends = await self.log.end_offsets(spec)
            if group is None:
                done = await self.timeline.store.positions(self.log.topic_name(spec))
            else:
                done = await self.log.committed(group, spec)
            return all(done.get(p, 0) >= e for p, e in ends.items())

        async def done() -> bool:
            # In pipeline order: what a later stage has not seen yet is still upstream.
            return (await caught_up(PARSE_GROUP, ARTICLES) and await caught_up(EXTRACT_GROUP, ARTICLES_PARSED)
                    and await caught_up(None, EVENTS))

        deadline = asyncio.get_running_loop().time() + timeout_s
        while not await done():
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the embedded pipeline did not settle in time")
            await asyncio.sleep(0.05)

    async def replay(self) -> dict[str, Any]:
        """`claimline timeline replay --embedded` on a running demo: fold the log into a fresh
        store (`fold_log`), then serve it in place of the old one. The old store's projector
        stops first; the new one goes on from the positions the fold reached."""
        async with self._replaying:
            store, report = await fold_log(self.log)
            old, self.timeline = self.timeline, TimelineRuntime(self.log, store, BACKEND, articles=self.article)
            await old.stop()
            await self.timeline.start()
            return report

    async def stop(self) -> None:
        self._stop.set()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.timeline.stop()
        await self.log.close()
        if self._own_client is not None:
            await self._own_client.close()


def load_jsonl_articles(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def load_samples(runtime: EmbeddedRuntime) -> tuple[int, int]:
    """Ingest the bundled sample articles through the normal ingest path."""
    from datetime import datetime

    from services.ingest.core import validate_item

    articles: list[Article] = []
    now = datetime.now(UTC)
    for path in sorted(SAMPLES_DIR.glob("*.jsonl")):
        for index, item in enumerate(load_jsonl_articles(path)):
            outcome = validate_item(index, item, now=now)
            if isinstance(outcome, Article):
                articles.append(outcome)
            else:
                log.warning("sample %s:%d rejected: %s", path.name, index + 1, outcome)
    receipts = await runtime.ingest.submit(articles)
    return sum(r.status == "accepted" for r in receipts), sum(r.status == "duplicate" for r in receipts)


def running_demo(data_dir: str | Path) -> dict[str, Any] | None:
    """The demo running on `data_dir` ({"pid", "url"}), or None when none is."""
    try:
        info = json.loads(demo_file(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pid = info.get("pid") if isinstance(info, dict) else None
    if not isinstance(pid, int) or pid <= 0 or not isinstance(info.get("url"), str):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None  # left behind by a demo that was killed
    except PermissionError:
        pass  # alive, another user's
    return info


def create_embedded_app(settings: Settings, *, load_bundled: bool = True, db_path: str | Path | None = None,
                        parser: Parser | None = None, url: str | None = None) -> FastAPI:
    """`url`: where the app is served; when given, the running app announces itself in the data
    directory's `demo.json` (so that the CLI's embedded tools find it) and removes it at stop."""
    holder: dict[str, EmbeddedRuntime] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        runtime = EmbeddedRuntime(settings, db_path=db_path, parser=parser)
        await runtime.start()
        holder["runtime"] = runtime
        app.state.runtime = runtime
        use_context(app, runtime.context)
        use_ingest_service(app, lambda: runtime.ingest)
        if load_bundled:
            accepted, duplicates = await load_samples(runtime)
            log.info("bundled samples: %d new, %d already in the log", accepted, duplicates)
        announced = demo_file(settings.data_dir) if url is not None else None
        if announced is not None:
            announced.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
        try:
            yield
        finally:
            if announced is not None and (running_demo(settings.data_dir) or {}).get("pid") == os.getpid():
                announced.unlink(missing_ok=True)
            await runtime.stop()

    app = FastAPI(title="Claimline (embedded demo)", version="0.1.0", lifespan=lifespan,
                  description="Ingest, parse, extract and timeline in one process on an embedded SQLite log.")
    app.add_middleware(SecurityHeaders)
    use_read_token(app, settings.read_token)
    use_ingest_limits(app, max_body_bytes=settings.max_body_bytes, write_token=settings.api_token)

    app.include_router(timeline_ops_router)
    app.include_router(ingest_articles_router)
    app.include_router(timeline_api_router)
    app.include_router(timeline_static_router)

    @app.post("/admin/replay", tags=["ops"], dependencies=[Depends(bearer_guard(settings.api_token))],
              summary="Rebuild this demo's timeline store from its SQLite log (claimline timeline replay --embedded)")
    async def admin_replay() -> dict[str, Any]:
        return await holder["runtime"].replay()

    return app


async def replay_embedded(settings: Settings, *, progress: Progress | None = None) -> dict[str, Any]:
    """`claimline timeline replay --embedded` with no demo running: fold the SQLite log into the
    store a demo on this data directory builds at start (`fold_log`), and report what it holds.
    A missing log is an error, not an empty one created in passing."""
    path = log_path(settings.data_dir)
    if not path.is_file():
        raise FileNotFoundError(path)
    event_log = SqliteLog(path, settings.topic_prefix)
    try:
        await event_log.ensure_topics(ALL_TOPICS)
        _, report = await fold_log(event_log, progress=progress)
        return report
    finally:
        await event_log.close()
