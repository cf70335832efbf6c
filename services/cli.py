"""`claimline`: one command for every service and tool. `claimline --help` lists them.

On a failure every command prints one line, `claimline: error: ...`, on standard error and
exits 2 (bad arguments or input files) or 1 (something it needs is down or failed), never
with a traceback unless asked for (`--debug` or CLAIMLINE_DEBUG=1).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import socket
import sys
import traceback
from datetime import UTC, date
from pathlib import Path
from typing import Any, NoReturn

from services.common.ports import EventLog
from services.common.settings import Settings, load_settings

USAGE = 2  # bad arguments, options or input files
FAILURE = 1  # a service or store the command needs is down, or the work failed
INTERRUPTED = 130
CONNECT_TIMEOUT_S = 5.0  # how long a command waits for Kafka, Redis or a server to answer at all


class CliError(Exception):
    """A failure the user can act on: printed as one line, exit `code`."""

    def __init__(self, message: str, code: int = FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def redact(url: str) -> str:
    """A URL without its password (redis://:secret@host -> redis://:***@host)."""
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def explain(error: BaseException, settings: Settings | None) -> tuple[str, int]:
    """The one-line message and exit code for an error that reached the top: known classes
    get a message that says what to change; anything else its type and text."""
    bootstrap = settings.kafka_bootstrap if settings else "CLAIMLINE_KAFKA_BOOTSTRAP"
    if isinstance(error, CliError):
        return error.message, error.code
    if isinstance(error, KeyboardInterrupt):
        return "interrupted", INTERRUPTED
    from services.offline import InputError

    if isinstance(error, InputError):
        return str(error), USAGE
    if "aiokafka" in sys.modules:
        from aiokafka.errors import KafkaError

        if isinstance(error, KafkaError):
            return (f"Kafka at {bootstrap}: {error} (is the broker up? `make kafka-up`; the address is "
                    f"CLAIMLINE_KAFKA_BOOTSTRAP)"), FAILURE
    if "redis" in sys.modules:
        from redis.exceptions import RedisError

        if isinstance(error, RedisError):
            where = redact(settings.redis_url) if settings else "CLAIMLINE_REDIS_URL"
            return f"Redis at {where}: {error} (is it up? `make redis-up`; the address is CLAIMLINE_REDIS_URL)", FAILURE
    if "httpx" in sys.modules:
        import httpx

        if isinstance(error, httpx.HTTPError):
            target = getattr(getattr(error, "request", None), "url", None) if isinstance(error, httpx.RequestError) \
                else None
            return f"HTTP request{f' to {target}' if target else ''} failed: {error}", FAILURE
    from services.parse.local import ParserNotAvailable

    if isinstance(error, ParserNotAvailable):
        return f"{error} (the parser is CLAIMLINE_PARSER_URL)", FAILURE
    import sqlite3

    if isinstance(error, sqlite3.Error):
        return f"embedded log: {error}", FAILURE
    if isinstance(error, FileNotFoundError):
        return f"{error.filename or error}: no such file", USAGE
    if isinstance(error, OSError):
        return f"{error.filename + ': ' if error.filename else ''}{error.strerror or error}", FAILURE
    return f"{type(error).__name__}: {error} (run with --debug for the traceback)", FAILURE


def debug_wanted(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("CLAIMLINE_DEBUG", "").lower() in ("1", "true", "yes")


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with its errors as one line (exit 2) instead of the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


# --- option types: a bad value is a usage error naming the option
def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


def port_number(text: str) -> int:
    value = positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a TCP port (1-65535)")
    return value


def iso_date(text: str) -> str:
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return text


# --- what a command needs: checked up front, with a short timeout and a message that says what to change
def require_kafka(settings: Settings, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Some bootstrap server accepts a connection, or a CliError naming the address and the setting."""
    problems = []
    for address in settings.kafka_bootstrap.split(","):
        host, _, port = address.strip().rpartition(":")
        if not host or not port.isdigit():
            raise CliError(f"CLAIMLINE_KAFKA_BOOTSTRAP={settings.kafka_bootstrap!r} is not host:port[,host:port]",
                           USAGE)
        try:
            with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s):
                return
        except OSError as error:
            problems.append(f"{address.strip()}: {error.strerror or error}")
    raise CliError(f"cannot reach Kafka at {settings.kafka_bootstrap} ({'; '.join(problems)}); start it "
                   f"(`make kafka-up`) or set CLAIMLINE_KAFKA_BOOTSTRAP; --embedded works on the demo's log instead")


def require_redis(settings: Settings, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    import redis

    try:
        client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    except ValueError as error:
        raise CliError(f"CLAIMLINE_REDIS_URL={redact(settings.redis_url)!r} is not a Redis URL: {error}",
                       USAGE) from None
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        raise CliError(f"cannot reach Redis at {redact(settings.redis_url)} ({error}); start it (`make redis-up`) "
                       f"or set CLAIMLINE_REDIS_URL") from None
    finally:
        client.close()


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
    print(f"wrote {count} events to {'standard output' if args.output == '-' else args.output}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from services.offline import evaluate
    from services.parse.local import local_parse_cache

    evaluate(args.gold, args.articles, parses=local_parse_cache(settings))
    return 0


# --- timeline
def cmd_timeline_serve(args: argparse.Namespace, settings: Settings) -> int:
    host, port = args.host or settings.timeline_host, args.port or settings.timeline_port
    if settings.timeline_workers > 1:
        # Each worker process is a replica of its own on the one port (the projector lease
        # lets one of them fold; see TimelineRuntime), built from the same CLAIMLINE_* settings.
        import uvicorn

        uvicorn.run("services.cli:timeline_app", factory=True, workers=settings.timeline_workers, host=host,
                    port=port, log_level="info", access_log=False)
        return 0
    _serve(timeline_app(settings), host, port)
    return 0


def timeline_app(settings: Settings | None = None):
    """The timeline service's app: folds events into Redis (when it holds the projector lease)
    and serves the API; what `timeline serve` runs in each worker process."""
    from services.bootstrap import build_timeline_runtime
    from services.timeline.api import create_app

    settings = settings or load_settings()
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

    return create_app(factory, read_token=settings.read_token, on_shutdown=shutdown)


# --- shared helpers
_progress_state = {"open": False}


def _progress(label: str):
    """A plain progress bar on stderr (no extra dependency)."""
    def show(done: int, total: int) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        _progress_state["open"] = True
        if total and done >= total:
            sys.stderr.write("\n")
            _progress_state["open"] = False
        sys.stderr.flush()
    return show


def embedded_log_path(settings: Settings) -> Path:
    """The embedded SQLite log of `settings.data_dir`; an error when there is none (a tool never
    creates an empty log in passing, which would look like a demo with nothing in it)."""
    from services.embedded.runtime import log_path

    path = log_path(settings.data_dir)
    if not path.is_file():
        raise CliError(f"no embedded log at {path.absolute()}: point --data-dir (or CLAIMLINE_DATA_DIR) at the "
                       f"demo's data directory, or start one with `claimline demo --data-dir {settings.data_dir}`")
    return path


def no_demo_running(settings: Settings, action: str) -> None:
    """Writers on the embedded log refuse while a demo appends to it (their offsets would clash)."""
    from services.embedded.runtime import running_demo

    demo = running_demo(settings.data_dir)
    if demo is not None:
        raise CliError(f"a demo (pid {demo['pid']}, {demo['url']}) is running on {settings.data_dir}: stop it "
                       f"before you {action} (two processes appending to one SQLite log would clash)")


def _open_log(args: argparse.Namespace, settings: Settings, *, writes: str | None = None,
              create: bool = False) -> EventLog:
    """The event log a tool works on: the embedded SQLite log (--embedded / --data-dir) or Kafka.
    `writes`: what the tool appends, for the message when a demo is using the embedded log."""
    if getattr(args, "embedded", False):
        from services.embedded.runtime import log_path
        from services.embedded.sqlite_log import SqliteLog

        path = log_path(settings.data_dir) if create else embedded_log_path(settings)
        if writes:
            no_demo_running(settings, writes)
        return SqliteLog(path, settings.topic_prefix)
    from services.bootstrap import kafka_log

    require_kafka(settings)
    return kafka_log(settings, "claimline-cli")


# --- demo
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from services.embedded.runtime import create_embedded_app
    from services.parse.local import ParserNotAvailable, ensure_parser

    # The parse stage needs a real parser: the configured CoreNLP server, or a local one
    # started now (fetched from Maven Central the first time) and stopped with the demo.
    print(f"parser: looking for CoreNLP at {settings.parser_url} (starting a local one if nothing answers)",
          flush=True)
    try:
        parser_url = ensure_parser(settings, owner_pid=os.getpid())
    except ParserNotAvailable as error:
        raise CliError(f"{error} (the parser is CLAIMLINE_PARSER_URL)") from None
    settings = settings.model_copy(update={"parser_url": parser_url})
    url = f"http://{args.host}:{args.port}"
    local = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::', '') else args.host}:{args.port}"
    app = create_embedded_app(settings, load_bundled=not args.no_samples, url=local)
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

    import httpx

    from schemas.article import Article
    from services.ingest.core import validate_item
    from services.ingest.files import read_items

    source = None if args.path == "-" else Path(args.path)
    if source is not None and not source.exists():
        raise CliError(f"{source}: no such file or directory", USAGE)
    items = list(read_items(source, sys.stdin.read() if source is None else None))
    rejected: list[tuple[str, str]] = []
    valid: list[tuple[str, object]] = []  # (where, the item as read: a JSON object that validated)
    undated: list[str] = []  # valid articles without a publication date (ingest dates them today, inferred)
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
            if isinstance(item, dict) and not item.get("published_at"):
                undated.append(where)
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
    with httpx.Client(timeout=httpx.Timeout(60, connect=CONNECT_TIMEOUT_S)) as client:
        for start in range(0, len(valid), args.batch):
            batch = valid[start:start + args.batch]
            body = "".join(json.dumps(item) + "\n" for _, item in batch)
            try:
                response = client.post(url, content=body.encode(), headers=headers)
            except httpx.HTTPError as error:
                sent = f"; {accepted} accepted, {duplicates} duplicates before that" if start else ""
                raise CliError(f"cannot reach ingest at {url} ({error or type(error).__name__}): is the demo or "
                               f"the ingest service running? Pass --url or set CLAIMLINE_INGEST_URL{sent}") from None
            if response.status_code >= 400:
                detail = response.json() if "json" in response.headers.get("content-type", "") else response.text
                for where, _ in batch:
                    rejected.append((where, f"HTTP {response.status_code}: {detail}"))
            else:
                try:
                    result = response.json()
                    result["accepted"], result["duplicates"]
                except (ValueError, KeyError, TypeError):
                    raise CliError(f"{url} answered HTTP {response.status_code} without ingest's receipt: is --url "
                                   f"the base URL of the demo or the ingest service?") from None
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
    undated = [where for where in undated if where not in {w for w, _ in rejected}]
    if undated:
        # Never silently dated today: say which articles got an inferred date, and how to give one.
        print(f"warning: {len(undated)} article(s) without a publication date: dated the day they are ingested "
              f"({now.date().isoformat()}) and marked inferred (published_at_inferred); give --published-at "
              f"YYYY-MM-DD or a published_at field to date them", file=sys.stderr)
        for where in undated:
            print(f"  undated {where}", file=sys.stderr)
    return 1 if rejected and not (accepted or duplicates) else 0


# --- dead letters
def cmd_dlq_list(args: argparse.Namespace, settings: Settings) -> int:
    from services.common.dlq import read_dead_letters
    from services.common.topics import ALL_TOPICS

    async def run() -> int:
        event_log = _open_log(args, settings)
        try:
            if args.embedded:
                await event_log.ensure_topics(ALL_TOPICS)  # a log from before the dead-letter topics
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
    from services.common.topics import ALL_TOPICS

    async def run() -> int:
        event_log = _open_log(args, settings, writes="re-drive parked articles")
        try:
            if args.embedded:
                await event_log.ensure_topics(ALL_TOPICS)
            else:
                require_redis(settings)  # the seen-store
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
def _counts_line(counts: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def cmd_timeline_replay(args: argparse.Namespace, settings: Settings) -> int:
    if args.embedded:
        return replay_embedded_store(settings)
    from services.bootstrap import replay_redis

    require_kafka(settings)
    require_redis(settings)
    counts = asyncio.run(replay_redis(settings, progress=_progress("replaying events"), keep_old=args.keep_old))
    print(_counts_line(counts))
    return 0


def replay_embedded_store(settings: Settings) -> int:
    """Rebuild the store of the demo running on the data directory (it folds its own log, the
    same rebuild as its start, and serves the result); with no demo running, fold the log into
    the store a demo started there would build, and report it."""
    import httpx

    from services.embedded.runtime import replay_embedded, running_demo

    embedded_log_path(settings)
    demo = running_demo(settings.data_dir)
    if demo is None:
        counts = asyncio.run(replay_embedded(settings, progress=_progress("replaying events")))
        print(_counts_line(counts))
        print(f"no demo is running on {settings.data_dir}: this is the store a demo started there builds from "
              f"its log", file=sys.stderr)
        return 0
    url = demo["url"].rstrip("/") + "/admin/replay"
    headers = {"Authorization": f"Bearer {settings.api_token}"} if settings.api_token else {}
    print(f"rebuilding the store of the demo at {demo['url']} (pid {demo['pid']}) from its log", file=sys.stderr)
    try:
        response = httpx.post(url, headers=headers, timeout=httpx.Timeout(3600, connect=CONNECT_TIMEOUT_S))
    except httpx.HTTPError as error:
        raise CliError(f"a demo (pid {demo['pid']}) runs on {settings.data_dir} but {url} does not answer "
                       f"({error or type(error).__name__})") from None
    if response.status_code == 401:
        raise CliError(f"the demo at {demo['url']} wants its write token: set CLAIMLINE_API_TOKEN")
    if response.status_code != 200:
        raise CliError(f"the demo at {demo['url']} could not rebuild its store: HTTP {response.status_code} "
                       f"{response.text[:200]}")
    print(_counts_line(response.json()))
    print(f"the demo at {demo['url']} now serves the rebuilt store", file=sys.stderr)
    return 0


def cmd_extract_replay(args: argparse.Namespace, settings: Settings) -> int:
    from services.common.topics import ALL_TOPICS
    from services.extract.core import EXTRACTOR_VERSION
    from services.extract.worker import replay_articles

    async def run() -> int:
        event_log = _open_log(args, settings, writes="re-extract the articles")
        try:
            await event_log.ensure_topics(ALL_TOPICS)
            return await replay_articles(event_log, progress=_progress("re-extracting"),
                                         time_limit_s=settings.extract_time_limit_s)
        finally:
            await event_log.close()

    count = asyncio.run(run())
    print(f"re-extracted {count} articles with extractor {EXTRACTOR_VERSION}")
    return 0


async def _existing_topics(event_log: EventLog, args: argparse.Namespace, settings: Settings) -> set[str] | None:
    """The topic names the log has (None: unknown)."""
    from services.common.topics import ALL_TOPICS

    if args.embedded:
        present = set()
        for spec in ALL_TOPICS:
            try:
                await event_log.end_offsets(spec)
                present.add(event_log.topic_name(spec))
            except LookupError:
                pass
        return present
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap, client_id="claimline-cli-admin",
                                request_timeout_ms=int(CONNECT_TIMEOUT_S * 2000))
    await asyncio.wait_for(admin.start(), timeout=CONNECT_TIMEOUT_S * 2)
    try:
        return set(await asyncio.wait_for(admin.list_topics(), timeout=CONNECT_TIMEOUT_S * 2))
    finally:
        await admin.close()


def cmd_topics(args: argparse.Namespace, settings: Settings) -> int:
    """The declared topics and, on the log at hand, whether each exists and how many records were written to it."""
    from services.common.topics import ALL_TOPICS

    async def run() -> None:
        creating = args.action == "create"
        event_log = _open_log(args, settings, create=creating)
        try:
            if creating:
                await event_log.ensure_topics(ALL_TOPICS)
            present = await _existing_topics(event_log, args, settings)
            for spec in ALL_TOPICS:
                name = event_log.topic_name(spec)
                if present is not None and name not in present:
                    status = "missing"
                else:
                    ends = await asyncio.wait_for(event_log.end_offsets(spec), timeout=CONNECT_TIMEOUT_S * 6)
                    status = f"written={sum(ends.values())}"
                print(f"{name}\t{status}\tpartitions={spec.partitions}\twriter={spec.writer}"
                      f"\treaders={','.join(spec.readers)}\tkey={spec.key}")
        finally:
            await event_log.close()

    asyncio.run(run())
    return 0


def _embedded_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--embedded", action="store_true", help=f"on the embedded SQLite log (the demo's) instead of {what}")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="the embedded mode's data directory (implies --embedded; default: CLAIMLINE_DATA_DIR, "
                        "else .claimline)")


def build_parser() -> argparse.ArgumentParser:
    # --debug and -v are taken before or after the command: `claimline --debug dlq list`, `claimline dlq list --debug`.
    common = ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="debug logging")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of a failure (also: CLAIMLINE_DEBUG=1)")
    parser = ArgumentParser(prog="claimline", description=__doc__, parents=[common],
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    services = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(group, name: str, **kwargs) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[common], **kwargs)

    ingest = services.add_parser("ingest", help="the ingest service").add_subparsers(dest="action", required=True)
    p = command(ingest, "serve", help="serve POST /articles (Kafka + Redis)")
    p.add_argument("--host")
    p.add_argument("--port", type=port_number)
    p.set_defaults(func=cmd_ingest_serve)

    parse = services.add_parser("parse", help="the parse service (Stanford CoreNLP)").add_subparsers(
        dest="action", required=True)
    p = command(parse, "run", help="run the faust worker: articles -> articles.parsed")
    p.add_argument("--parser-url", help="the CoreNLP server (default: CLAIMLINE_PARSER_URL)")
    p.set_defaults(func=cmd_parse_run)

    extract = services.add_parser("extract", help="the extract service and extractor tools").add_subparsers(
        dest="action", required=True)
    p = command(extract, "run", help="run the faust worker: articles.parsed -> events")
    p.set_defaults(func=cmd_extract_run)
    p = command(extract, "file", help="extract events from an articles JSONL file")
    p.add_argument("--input", required=True, help="articles, one JSON object a line (- for standard input)")
    p.add_argument("--output", required=True, help="where to write the events, JSONL (- for standard output)")
    p.set_defaults(func=cmd_extract_file)

    p = command(services, "eval", help="score the extractor against gold events (ANNOTATION.md rules)")
    p.add_argument("--gold", required=True, help="gold events, one JSON object a line")
    p.add_argument("--articles", required=True, help="the articles they come from, one JSON object a line")
    p.set_defaults(func=cmd_eval)

    timeline = services.add_parser("timeline", help="the timeline service").add_subparsers(
        dest="action", required=True)
    p = command(timeline, "serve", help="fold events into Redis and serve the timeline API")
    p.add_argument("--host")
    p.add_argument("--port", type=port_number)
    p.set_defaults(func=cmd_timeline_serve)

    p = command(extract, "replay", help="re-extract every article from the start of the articles.parsed topic "
                                        "(reuses the parses: no parser needed)")
    _embedded_options(p, "Kafka")
    p.set_defaults(func=cmd_extract_replay)

    p = command(timeline, "replay", help="rebuild the projection from the start of the events topic (with "
                                         "--embedded: the store of the demo running on the data directory)")
    _embedded_options(p, "Kafka + Redis")
    p.add_argument("--keep-old", action="store_true", help="keep the replaced Redis namespace")
    p.set_defaults(func=cmd_timeline_replay)

    p = command(services, "demo", help="everything in one process, embedded log, bundled articles, web page")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port_number, default=8000)
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="where the SQLite log lives (default: CLAIMLINE_DATA_DIR, else .claimline)")
    p.add_argument("--no-samples", action="store_true", help="do not load the bundled sample articles")
    p.set_defaults(func=cmd_demo)

    p = command(services, "push",
                help="send articles from files (.txt .json .jsonl .ndjson, directories) or - (stdin)")
    p.add_argument("path", help="a file, a directory, or - for standard input")
    p.add_argument("--url", help="ingest base URL (default: CLAIMLINE_INGEST_URL)")
    p.add_argument("--published-at", type=iso_date,
                   help="publication date for articles that lack one (YYYY-MM-DD)")
    p.add_argument("--source", help="outlet for articles that lack one")
    p.add_argument("--token", help="bearer token (default: CLAIMLINE_API_TOKEN)")
    p.add_argument("--batch", type=positive_int, default=100, help="articles per request")
    p.set_defaults(func=cmd_push)

    dlq = services.add_parser("dlq", help="dead-letter topics: list and re-drive parked messages").add_subparsers(
        dest="action", required=True)
    p = command(dlq, "list", help="show parked messages with their reasons")
    p.add_argument("--topic", choices=["articles", "parsed", "events"], default="articles")
    _embedded_options(p, "Kafka")
    p.set_defaults(func=cmd_dlq_list)
    p = command(dlq, "retry", help="re-drive parked articles through ingest (validated again)")
    _embedded_options(p, "Kafka + Redis")
    p.set_defaults(func=cmd_dlq_retry)

    topics = services.add_parser("topics", help="the declared Kafka topics").add_subparsers(dest="action",
                                                                                          required=True)
    for name, what in (("list", "list the declared topics, whether each exists and how much was written to it"),
                       ("create", "create the declared topics that are missing, then list them")):
        p = command(topics, name, help=what)
        _embedded_options(p, "Kafka")
        p.set_defaults(func=cmd_topics)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    """CLAIMLINE_* settings with the command's --data-dir applied; a bad setting is a usage error."""
    from pydantic import ValidationError

    try:
        settings = load_settings()
    except ValidationError as error:
        problems = "; ".join(f"CLAIMLINE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
                             for e in error.errors()[:3])
        raise CliError(f"invalid setting: {problems}", USAGE) from None
    if getattr(args, "data_dir", None) is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
        if hasattr(args, "embedded"):
            args.embedded = True
    return settings


def main(argv: list[str] | None = None) -> int:
    """Run one command. Every failure that reaches here is one line on stderr and an exit code
    (`explain`); --debug (or CLAIMLINE_DEBUG=1) shows the traceback as well."""
    argv = sys.argv[1:] if argv is None else argv
    debug = debug_wanted(argv)
    settings: Settings | None = None
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("httpx").setLevel(logging.WARNING)
        settings = _settings(args)
        return int(args.func(args, settings) or 0)
    except BrokenPipeError:
        # The reader of standard output went away (`... --output - | head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return FAILURE
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - the one place failures become messages
        if debug:
            traceback.print_exc()
        message, code = explain(error, settings)
        print(f"\nclaimline: error: {message}" if _mid_line() else f"claimline: error: {message}", file=sys.stderr)
        return code


def _mid_line() -> bool:
    """A progress bar left the cursor mid-line on stderr (the message then starts on a new line)."""
    return _progress_state["open"]


if __name__ == "__main__":
    sys.exit(main())
