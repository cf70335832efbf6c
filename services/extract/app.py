"""The extract service: a faust-streaming app around `handle_parsed`.

Run: `claimline extract run`. Reads `articles.parsed` (the parse stage's output), publishes
events and an `article_extracted` marker per article on `events`. The agent only deserializes,
calls the handler, publishes and lets faust commit; at-least-once delivery is safe because event ids are deterministic
and the timeline ignores redelivered events. Concurrency stays 1 (a faust bug commits
offsets past in-flight messages when it is higher).
"""
from __future__ import annotations

import time

import faust

from services.common.settings import Settings
from services.common.topics import ARTICLES_PARSED, EVENTS, MAX_RECORD_BYTES, PARSED_DLQ
from services.extract.core import EXTRACTOR_VERSION
from services.extract.handler import handle_parsed


def create_app(settings: Settings) -> faust.App:
    app = faust.App(
        settings.extract_group,
        broker=[f"kafka://{hp}" for hp in settings.kafka_bootstrap.split(",")],
        store="memory://",
        value_serializer="raw",
        key_serializer="raw",
        autodiscover=False,
        web_enabled=True,
        web_host=settings.ingest_host,
        web_port=settings.extract_web_port,
        web_in_thread=False,
        topic_disable_leader=True,
        topic_allow_declare=False,  # topics are created explicitly by `ensure_topics`
        consumer_auto_offset_reset="earliest",
        broker_commit_every=100,
        broker_commit_interval=1.0,
        producer_acks=-1,
        producer_max_request_size=2 * MAX_RECORD_BYTES,  # a dead letter holds a whole parsed article
        # A killed worker's partitions move to the others once the broker stops hearing
        # from it: after the session timeout (faust's default, 60 s, stalled the pipeline
        # that long). Heartbeats must come well inside it.
        broker_session_timeout=settings.extract_session_timeout_s,
        broker_heartbeat_interval=settings.extract_session_timeout_s / 4,
        broker_rebalance_timeout=max(20.0, settings.extract_session_timeout_s * 2),
    )
    prefix = settings.topic_prefix
    parsed = app.topic(ARTICLES_PARSED.name(prefix), key_type=bytes, value_type=bytes,
                       key_serializer="raw", value_serializer="raw", partitions=ARTICLES_PARSED.partitions)
    events = app.topic(EVENTS.name(prefix), key_type=bytes, value_type=bytes,
                       key_serializer="raw", value_serializer="raw", partitions=EVENTS.partitions)
    dead_letters = app.topic(PARSED_DLQ.name(prefix), key_type=bytes, value_type=bytes,
                             key_serializer="raw", value_serializer="raw", partitions=PARSED_DLQ.partitions)
    counters = {"articles": 0, "events": 0, "dead_letters": 0}

    @app.agent(parsed, concurrency=1)
    async def extract_articles(stream):
        async for message in stream.events():
            outcome = handle_parsed(
                message.value, message.key, topic=message.message.topic,
                partition=message.message.partition, offset=message.message.offset,
                now_ms=int(time.time() * 1000), time_limit_s=settings.extract_time_limit_s,
            )
            for key, value in outcome.records():
                await events.send(key=key.encode("utf-8"), value=value)
            if outcome.dead_letter is not None:
                letter = outcome.dead_letter
                await dead_letters.send(key=letter.key.encode("utf-8") if letter.key else None,
                                        value=letter.model_dump_json().encode("utf-8"))
                counters["dead_letters"] += 1
            counters["articles"] += 1
            counters["events"] += len(outcome.events)

    @app.page("/health")
    async def health(web, request):
        return web.json({"ok": True, "service": "extract", "extractor_version": EXTRACTOR_VERSION, **counters})

    return app
