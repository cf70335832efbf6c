"""`claimline`: one command for every service and tool. `claimline --help` lists them."""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys

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
    from services.extract.cli_commands import extract_file

    count = extract_file(args.input, args.output)
    print(f"wrote {count} events to {args.output}", file=sys.stderr)
    return 0


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from services.extract.cli_commands import evaluate

    evaluate(args.gold, args.articles)
    return 0


# --- timeline
def cmd_timeline_serve(args: argparse.Namespace, settings: Settings) -> int:
    from services.bootstrap import build_timeline_runtime
    from services.timeline.api import create_app

    holder: dict = {}

    async def factory():
        runtime = await build_timeline_runtime(settings)
        runtime.start()
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    services = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = services.add_parser("ingest", help="the ingest service").add_subparsers(dest="action", required=True)
    p = ingest.add_parser("serve", help="serve POST /articles (Kafka + Redis)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.set_defaults(func=cmd_ingest_serve)

    extract = services.add_parser("extract", help="the extract service and extractor tools").add_subparsers(
        dest="action", required=True)
    p = extract.add_parser("run", help="run the faust worker: articles -> events")
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
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.func(args, load_settings()) or 0)


if __name__ == "__main__":
    sys.exit(main())
