"""Every Kafka topic, declared once: name, key, value model, partitions, and its one writer.

Services never spell a topic name themselves; they take it from here with the configured
prefix, so tests can run side by side on one broker with unique prefixes.
"""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from schemas.article import Article
from schemas.deadletter import DeadLetter
from schemas.events import _EventBase


@dataclass(frozen=True)
class TopicSpec:
    suffix: str
    key: str
    value_model: type[BaseModel]
    partitions: int
    writer: str
    readers: tuple[str, ...]
    doc: str

    def name(self, prefix: str) -> str:
        return f"{prefix}{self.suffix}"


ARTICLES = TopicSpec(
    suffix="articles",
    key="article id (stable: given, or derived from the text)",
    value_model=Article,
    partitions=4,
    writer="ingest",
    readers=("extract",),
    doc="Validated articles as JSON.",
)

EVENTS = TopicSpec(
    suffix="events",
    key="article id, so one article's events stay in order on one partition",
    value_model=_EventBase,
    partitions=4,
    writer="extract",
    readers=("timeline",),
    doc="Typed events (schemas.events.Event) as JSON; the source of truth of the timeline.",
)

ARTICLES_DLQ = TopicSpec(
    suffix="articles.deadletter",
    key="the original message key, when it had one",
    value_model=DeadLetter,
    partitions=1,
    writer="extract",
    readers=("operators (claimline dlq)",),
    doc="Messages on the articles topic that could not be processed, with the reason.",
)

EVENTS_DLQ = TopicSpec(
    suffix="events.deadletter",
    key="the original message key, when it had one",
    value_model=DeadLetter,
    partitions=1,
    writer="timeline",
    readers=("operators (claimline dlq)",),
    doc="Messages on the events topic that the timeline could not fold, with the reason.",
)

ALL_TOPICS: tuple[TopicSpec, ...] = (ARTICLES, EVENTS, ARTICLES_DLQ, EVENTS_DLQ)
