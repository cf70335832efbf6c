"""`claimline`: one command for every service and tool. `claimline --help` lists them."""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from datetime import UTC
from typing import Any

from services.common.ports import EventLog
from services.common.settings import Settings, load_settings


def _serve(app, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)


# --- ingest
def cmd_ingest_serve(args: argparse.Namespace, settings: Settings) -> int:
    from services.bootstrap import build_ingest, log_reachable
    from services.ingest.api import create_app

    parts: dict = {}

    async def factory():
        service, event_log, seen = await build_ingest(settings)
        parts.update(log=event_log, seen=seen)
        return service

    async def health():
        ok, detail = await log_reachable(parts["log"])
        report = {"ok": ok, "service": "ingest", "log": "up" if ok else "down"}
        if not ok:
            report["log_error"] = detail
        return report

    async def shutdown():
        await parts["log"].close()
        await parts["seen"].close()

    app = create_app(factory, max_body_bytes=settings.max_body_bytes, write_token=settings.api_token,
                     health=health, on_shutdown=shutdown)
    _serve(app, args.host or settings.ingest_host, args.port or settings.ingest_port)
    return 0


# --- parse
def cmd_parse_run(args: argparse.Namespace, settings: Settings) -> int:
    from faust import Worker

    from services.bootstrap import kafka_log
    from services.common.topics import ALL_TOPICS
    from services.parse.app import create_app

    if args.parser_url:
        settings = settings.model_copy(update={"parser_url": args.parser_url})
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    event_log = kafka_log(settings, "claimline-parse-admin")
    loop.run_until_complete(event_log.ensure_topics(ALL_TOPICS))
    loop.run_until_complete(event_log.close())
    app = create_app(settings)
    worker = Worker(app, loglevel="WARNING", loop=loop)
    worker.execute_from_commandline()
    return 0


# --- extract
def cmd_extract_run(args: argparse.Namespace, settings: Settings) -> int:
    from faust import Worker

    from services.bootstrap import kafka_log
    from services.common.topics import ALL_TOPICS
    from services.extract.app import create_app

    # Topics are created explicitly (auto-creation is off on the broker), on the loop faust
    # will then use.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    event_log = kafka_log(settings, "claimline-extract-admin")
    loop.run_until_complete(event_log.ensure_topics(ALL_TOPICS))
    loop.run_until_complete(event_log.close())
    app = create_app(settings)
    worker = Worker(app, loglevel="WARNING", loop=loop)
    worker.execute_from_commandline()
    return 0


def cmd_extract_file(args: argparse.Namespace, settings: Settings) -> int:
    from services.offline import extract_file
    from services.parse.local import local_parse_cache

    count = extract_file(args.input, args.output, parses=local_parse_cache(settings))
    print(f"wrote {count} events to {args.output}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from services.offline import evaluate
    from services.parse.local import local_parse_cache

    evaluate(args.gold, args.articles, parses=local_parse_cache(settings))
    return 0


# --- timeline
def cmd_timeline_serve(args: argparse.Namespace, settings: Settings) -> int:
    from services.bootstrap import build_timeline_runtime
    from services.timeline.api import create_app

    holder: dict = {}

    async def factory():
        runtime = await build_timeline_runtime(settings)
        await runtime.start()
        holder["runtime"] = runtime
        return runtime.context()

    async def shutdown():
        runtime = holder["runtime"]
        await runtime.stop()
        await runtime.log.close()
        await runtime.store.close()

    app = create_app(factory, read_token=settings.read_token, on_shutdown=shutdown)
    _serve(app, args.host or settings.timeline_host, args.port or settings.timeline_port)
    return 0


# --- shared helpers
def _progress(label: str):
    """A plain progress bar on stderr (no extra dependency)."""
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        if total and done >= total:
            sys.stderr.write("\n")
    return show


def _open_log(args: argparse.Namespace, settings: Settings):
    if getattr(args, "embedded", False):
        from pathlib import Path

        from services.embedded.sqlite_log import SqliteLog

        return SqliteLog(Path(settings.data_dir) / "claimline.sqlite", settings.topic_prefix)
    from services.bootstrap import kafka_log

    return kafka_log(settings, "claimline-cli")


# --- demo
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from services.embedded.runtime import create_embedded_app
    from services.parse.local import ParserNotAvailable, ensure_parser

    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": Path(args.data_dir)})
    # The parse stage needs a real parser: the configured CoreNLP server, or a local one
    # started now (fetched from Maven Central the first time) and stopped with the demo.
    print(f"parser: looking for CoreNLP at {settings.parser_url} (starting a local one if nothing answers)",
          flush=True)
    try:
        parser_url = ensure_parser(settings, owner_pid=os.getpid())
    except ParserNotAvailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    settings = settings.model_copy(update={"parser_url": parser_url})
    app = create_embedded_app(settings, load_bundled=not args.no_samples)
    url = f"http://{args.host}:{args.port}"
    print(f"Claimline demo (embedded: SQLite log in {settings.data_dir}, in-process cache, CoreNLP at {parser_url})\n"
          f"  web page     {url}/\n  timeline     {url}/timeline\n  API docs     {url}/docs\n"
          f"  ingest       POST {url}/articles   (or: claimline push FILE --url {url})\n"
          f"Stop with Ctrl-C.", flush=True)
    _serve(app, args.host, args.port)
    return 0


# --- push
def cmd_push(args: argparse.Namespace, settings: Settings) -> int:
    import json
    from datetime import datetime
    from pathlib import Path

    import httpx

    from schemas.article import Article
    from services.ingest.core import validate_item
    from services.ingest.files import read_items

    source = None if args.path == "-" else Path(args.path)
    if source is not None and not source.exists():
        print(f"error: {source} does not exist", file=sys.stderr)
        return 2
    items = list(read_items(source, sys.stdin.read() if source is None else None))
    rejected: list[tuple[str, str]] = []
    valid: list[tuple[str, dict]] = []
    now = datetime.now(UTC)
    for where, item in items:
        if isinstance(item, Exception):
            rejected.append((where, str(item)))
            continue
        if isinstance(item, dict):
            item = dict(item)
            if args.published_at and not item.get("published_at"):
                item["published_at"] = args.published_at
            if args.source and not item.get("source"):
                item["source"] = args.source
        outcome = validate_item(0, item, now=now)
        if isinstance(outcome, Article):
            valid.append((where, item))
        else:
            rejected.append((where, "; ".join(f"{p.field or 'article'}: {p.message}" for p in outcome)))
    url = (args.url or settings.ingest_url).rstrip("/") + "/articles"
    headers = {"Content-Type": "application/x-ndjson"}
    token = args.token or settings.api_token
    if token:
        headers["Authorization"] = f"Bearer {token}"
    accepted = duplicates = 0
    notes: list[tuple[str, str]] = []
    show = _progress("pushing")
    with httpx.Client(timeout=60) as client:
        for start in range(0, len(valid), args.batch):
            batch = valid[start:start + args.batch]
            body = "".join(json.dumps(item) + "\n" for _, item in batch)
            try:
                response = client.post(url, content=body.encode(), headers=headers)
            except httpx.HTTPError as error:
                print(f"\nerror: cannot reach ingest at {url}: {error}", file=sys.stderr)
                return 1
            if response.status_code >= 400:
                detail = response.json() if "json" in response.headers.get("content-type", "") else response.text
                for where, _ in batch:
                    rejected.append((where, f"HTTP {response.status_code}: {detail}"))
            else:
                result = response.json()
                accepted += result["accepted"]
                duplicates += result["duplicates"]
                for (where, _), receipt in zip(batch, result.get("articles", ())):
                    if receipt.get("note"):
                        notes.append((where, receipt["note"]))
            show(min(start + args.batch, len(valid)), len(valid))
    print(f"accepted {accepted}, duplicates {duplicates}, rejected {len(rejected)}")
    for where, reason in rejected:
        print(f"  rejected {where}: {reason}")
    for where, note in notes:
        print(f"  note {where}: {note}")
    return 1 if rejected and not (accepted or duplicates) else 0


# --- dead letters
def cmd_dlq_list(args: argparse.Namespace, settings: Settings) -> int:
    from services.common.dlq import read_dead_letters

    async def run() -> int:
        event_log = _open_log(args, settings)
        try:
            letters = await read_dead_letters(event_log, args.topic)
        finally:
            await event_log.close()
        for where, letter in letters:
            print(f"{where}\t{letter.stage}\t{letter.source_topic}@{letter.source_partition}:{letter.source_offset}"
                  f"\tkey={letter.key}\t{letter.reason}")
        print(f"{len(letters)} parked message(s) on the {args.topic} dead-letter topic", file=sys.stderr)
        return 0

    return asyncio.run(run())


async def retry_article_letters(event_log: EventLog, settings: Settings, *, embedded: bool) -> dict[str, Any]:
    """Re-drive parked articles with the deployment's seen-store: Redis, or in the embedded
    mode an in-process one refilled from the SQLite log first."""
    from services.ingest.redrive import redrive_articles
    from services.ingest.seen import MemorySeenStore, RedisSeenStore, SeenStore

    seen: SeenStore
    if embedded:
        from services.embedded.runtime import warm_seen

        memory = MemorySeenStore()
        await warm_seen(event_log, memory)
        seen = memory
    else:
        import redis.asyncio as aioredis

        seen = RedisSeenStore(aioredis.from_url(settings.redis_url), settings.redis_prefix)
    return await redrive_articles(event_log, seen)


def cmd_dlq_retry(args: argparse.Namespace, settings: Settings) -> int:
    async def run() -> int:
        event_log = _open_log(args, settings)
        try:
            report = await retry_article_letters(event_log, settings, embedded=args.embedded)
        finally:
            await event_log.close()
        print(f"re-driven {report['accepted']}, already ingested {report['duplicates']}, "
              f"still invalid {len(report['still_invalid'])}")
        for where, reason in report["still_invalid"]:
            print(f"  still invalid {where}: {reason}")
        return 0

    return asyncio.run(run())


# --- replays
def cmd_timeline_replay(args: argparse.Namespace, settings: Settings) -> int:
    from services.bootstrap import replay_redis
    from services.embedded.runtime import replay_embedded

    if args.embedded:
        counts = asyncio.run(replay_embedded(settings, progress=_progress("replaying events")))
    else:
        counts = asyncio.run(replay_redis(settings, progress=_progress("replaying events"), keep_old=args.keep_old))
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_extract_replay(args: argparse.Namespace, settings: Settings) -> int:
    from services.common.topics import ALL_TOPICS
    from services.extract.core import EXTRACTOR_VERSION
    from services.extract.worker import replay_articles

    async def run() -> int:
        event_log = _open_log(args, settings)
        try:
            await event_log.ensure_topics(ALL_TOPICS)
            return await replay_articles(event_log, progress=_progress("re-extracting"))
        finally:
            await event_log.close()

    count = asyncio.run(run())
    print(f"re-extracted {count} articles with extractor {EXTRACTOR_VERSION}")
    return 0


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    from services.common.topics import ALL_TOPICS

    async def run() -> None:
        event_log = _open_log(args, settings)
        try:
            if args.action == "create":
                await event_log.ensure_topics(ALL_TOPICS)
            for spec in ALL_TOPICS:
                print(f"{event_log.topic_name(spec)}\tpartitions={spec.partitions}\twriter={spec.writer}"
                      f"\treaders={','.join(spec.readers)}\tkey={spec.key}")
        finally:
            await event_log.close()

    asyncio.run(run())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    services = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = services.add_parser("ingest", help="the ingest service").add_subparsers(dest="action", required=True)
    p = ingest.add_parser("serve", help="serve POST /articles (Kafka + Redis)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_ingest_serve)

    parse = services.add_parser("parse", help="the parse service (Stanford CoreNLP)").add_subparsers(
        dest="action", required=True)
    p = parse.add_parser("run", help="run the faust worker: articles -> articles.parsed")
    p.add_argument("--parser-url", help="the CoreNLP server (default: CLAIMLINE_PARSER_URL)")
    p.set_defaults(func=cmd_parse_run)

    extract = services.add_parser("extract", help="the extract service and extractor tools").add_subparsers(
        dest="action", required=True)
    p = extract.add_parser("run", help="run the faust worker: articles.parsed -> events")
    p.set_defaults(func=cmd_extract_run)
    p = extract.add_parser("file", help="extract events from an articles JSONL file")
    p.add_argument("--input", required=True, help="articles, one JSON object a line")
    p.add_argument("--output", required=True, help="where to write the events (JSONL)")
    p.set_defaults(func=cmd_extract_file)

    p = services.add_parser("eval", help="score the extractor against gold events (ANNOTATION.md rules)")
    p.add_argument("--gold", required=True)
    p.add_argument("--articles", required=True)
    p.set_defaults(func=cmd_eval)

    timeline = services.add_parser("timeline", help="the timeline service").add_subparsers(
        dest="action", required=True)
    p = timeline.add_parser("serve", help="fold events into Redis and serve the timeline API")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_timeline_serve)

    p = extract.add_parser("replay", help="re-extract every article from the start of the articles.parsed topic "
                                          "(reuses the parses: no parser needed)")
    p.add_argument("--embedded", action="store_true", help="on the embedded SQLite log instead of Kafka")
    p.set_defaults(func=cmd_extract_replay)

    p = timeline.add_parser("replay", help="rebuild the projection from the start of the events topic")
    p.add_argument("--embedded", action="store_true", help="on the embedded SQLite log instead of Kafka + Redis")
    p.add_argument("--keep-old", action="store_true", help="keep the replaced Redis namespace")
    p.set_defaults(func=cmd_timeline_replay)

    p = services.add_parser("demo", help="everything in one process, embedded log, bundled articles, web page")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data-dir", help="where the SQLite log lives (default: CLAIMLINE_DATA_DIR or .claimline)")
    p.add_argument("--no-samples", action="store_true", help="do not load the bundled sample articles")
    p.set_defaults(func=cmd_demo)

    p = services.add_parser("push",
                            help="send articles from files (.txt .json .jsonl .ndjson, directories) or - (stdin)")
    p.add_argument("path", help="a file, a directory, or - for standard input")
    p.add_argument("--url", help="ingest base URL (default: CLAIMLINE_INGEST_URL)")
    p.add_argument("--published-at", help="publication date for articles that lack one (YYYY-MM-DD)")
    p.add_argument("--source", help="outlet for articles that lack one")
    p.add_argument("--token", help="bearer token (default: CLAIMLINE_API_TOKEN)")
    p.add_argument("--batch", type=int, default=100, help="articles per request")
    p.set_defaults(func=cmd_push)

    dlq = services.add_parser("dlq", help="dead-letter topics: list and re-drive parked messages").add_subparsers(
        dest="action", required=True)
    p = dlq.add_parser("list", help="show parked messages with their reasons")
    p.add_argument("--topic", choices=["articles", "parsed", "events"], default="articles")
    p.add_argument("--embedded", action="store_true")
    p.set_defaults(func=cmd_dlq_list)
    p = dlq.add_parser("retry", help="re-drive parked articles through ingest (validated again)")
    p.add_argument("--embedded", action="store_true")
    p.set_defaults(func=cmd_dlq_retry)

    topics = services.add_parser("topics", help="the declared Kafka topics").add_subparsers(dest="action",
                                                                                          required=True)
    for name in ("list", "create"):
        p = topics.add_parser(name, help=f"{name} the declared topics")
        p.add_argument("--embedded", action="store_true")
        p.set_defaults(func=cmd_topics)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    return int(args.func(args, load_settings()) or 0)


if __name__ == "__main__":
    sys.exit(main())
