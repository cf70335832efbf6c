"""The parse service: a faust-streaming app around `handle_article`.

Run: `claimline parse run`. Reads `articles`, publishes each article with its parse on
`articles.parsed` (or parks it on `articles.deadletter` with the reason). The agent awaits
the handler, which waits out an unreachable parser with backoff: faust commits an offset
only once its record is processed, so nothing is skipped while the parser is down.
Concurrency stays 1 (a faust bug commits offsets past in-flight messages when it is higher).
"""
from __future__ import annotations

import time

import faust

from schemas.parse import PARSER_VERSION
from services.common.settings import Settings
from services.common.topics import ARTICLES, ARTICLES_DLQ, ARTICLES_PARSED, MAX_RECORD_BYTES
from services.parse.corenlp import CoreNLPClient
from services.parse.handler import Backoff, handle_article


def _now_ms() -> int:
    return int(time.time() * 1000)


def create_app(settings: Settings, *, backoff: Backoff = Backoff()) -> faust.App:
    app = faust.App(
        settings.parse_group,
        broker=[f"kafka://{hp}" for hp in settings.kafka_bootstrap.split(",")],
        store="memory://",
        value_serializer="raw",
        key_serializer="raw",
        autodiscover=False,
        web_enabled=True,
        web_host=settings.ingest_host,
        web_port=settings.parse_web_port,
        web_in_thread=False,
        topic_disable_leader=True,
        topic_allow_declare=False,  # topics are created explicitly by `ensure_topics`
        consumer_auto_offset_reset="earliest",
        broker_commit_every=20,
        broker_commit_interval=1.0,
        # A parser outage can hold one record for minutes: stay in the group meanwhile.
        broker_max_poll_interval=3600.0,
        producer_acks=-1,
        producer_max_request_size=MAX_RECORD_BYTES + 64 * 1024,
    )
    prefix = settings.topic_prefix

    def raw_topic(spec):
        return app.topic(spec.name(prefix), key_type=bytes, value_type=bytes, key_serializer="raw",
                         value_serializer="raw", partitions=spec.partitions)

    articles, parsed_topic, dead_letters = raw_topic(ARTICLES), raw_topic(ARTICLES_PARSED), raw_topic(ARTICLES_DLQ)
    parser: dict[str, CoreNLPClient] = {}
    counters = {"articles": 0, "parsed": 0, "unsupported_language": 0, "dead_letters": 0, "parser_retries": 0}

    def client() -> CoreNLPClient:
        # Built on the worker's loop at first use, never at import.
        if "client" not in parser:
            parser["client"] = CoreNLPClient(settings.parser_url)
        return parser["client"]

    @app.agent(articles, concurrency=1)
    async def parse_articles(stream):
        async for message in stream.events():
            outcome = await handle_article(
                message.value, message.key, topic=message.message.topic,
                partition=message.message.partition, offset=message.message.offset,
                now_ms=_now_ms, parser=client(), backoff=backoff,
            )
            record = outcome.record()
            if record is not None:
                key, value = record
                await parsed_topic.send(key=key.encode("utf-8"), value=value)
                counters[outcome.parsed.status] += 1
                counters["parser_retries"] += max(0, outcome.attempts - 1)
            if outcome.dead_letter is not None:
                letter = outcome.dead_letter
                await dead_letters.send(key=letter.key.encode("utf-8") if letter.key else None,
                                        value=letter.model_dump_json().encode("utf-8"))
                counters["dead_letters"] += 1
            counters["articles"] += 1

    @app.page("/health")
    async def health(web, request):
        parser_up = await client().ready()
        return web.json({"ok": True, "service": "parse", "parser_version": PARSER_VERSION,
                         "parser_url": settings.parser_url, "parser": "up" if parser_up else "down", **counters})

    return app
