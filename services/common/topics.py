"""Every Kafka topic, declared once: name, key, value model, partitions, and its one writer.

Services never spell a topic name themselves; they take it from here with the configured
prefix, so tests can run side by side on one broker with unique prefixes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter

from schemas.article import Article
from schemas.deadletter import DeadLetter
from schemas.parse import ParsedArticle
from schemas.records import EventsTopicRecord

# A parsed article carries its text (up to 200,000 characters) and one entry per token in
# seven columns: a long article's record is several MB, past Kafka's 1 MB default. Its dead
# letter holds the same bytes in base64 (4/3 as many). Producers use MAX_RECORD_BYTES as their
# request limit; topics that need more than the broker's default declare it.
MAX_RECORD_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class TopicSpec:
    suffix: str
    key: str
    # What the topic's values are: a model, or a discriminated union where the topic carries
    # several kinds of record (the events topic: events and article_extracted markers).
    value_model: Any
    partitions: int
    writer: str
    readers: tuple[str, ...]
    doc: str
    # The topic's max.message.bytes (None: the broker's default, about 1 MB).
    max_message_bytes: int | None = None

    _adapter: TypeAdapter[Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_adapter", TypeAdapter(self.value_model))

    def name(self, prefix: str) -> str:
        return f"{prefix}{self.suffix}"

    def decode(self, value: bytes | str) -> Any:
        """One record's value, validated as the topic's value model (JSON, dispatched on its
        discriminator where the topic carries several kinds)."""
        return self._adapter.validate_json(value)

    def encode(self, value: Any) -> bytes:
        """One record's value as the topic's JSON."""
        return self._adapter.dump_json(value)


ARTICLES = TopicSpec(
    suffix="articles",
    key="article id (stable: given, or derived from the text)",
    value_model=Article,
    partitions=4,
    writer="ingest",
    readers=("parse",),
    doc="Validated articles as JSON.",
)

ARTICLES_PARSED = TopicSpec(
    suffix="articles.parsed",
    key="article id (the articles topic's key)",
    value_model=ParsedArticle,
    partitions=4,
    writer="parse",
    readers=("extract", "claimline extract replay"),
    doc="Each article with its parse (tokens, lemmas, POS, dependencies; schemas.parse.ParsedArticle) as "
        "JSON, or its unsupported language. Kept: re-extraction reads these and never parses again.",
    max_message_bytes=MAX_RECORD_BYTES,
)

EVENTS = TopicSpec(
    suffix="events",
    key="article id, so one article's events stay in order on one partition",
    value_model=EventsTopicRecord,
    partitions=4,
    writer="extract",
    readers=("timeline",),
    doc="Typed events (schemas.events.Event) as JSON, then each article's article_extracted marker "
        "(schemas.records.EventsTopicRecord); the source of truth of the timeline.",
)

ARTICLES_DLQ = TopicSpec(
    suffix="articles.deadletter",
    key="the original message key, when it had one",
    value_model=DeadLetter,
    partitions=1,
    writer="parse",
    readers=("operators (claimline dlq)",),
    doc="Messages on the articles topic that could not be processed, with the reason.",
    max_message_bytes=4 * 1024 * 1024,  # a 200,000-character article in base64
)

PARSED_DLQ = TopicSpec(
    suffix="articles.parsed.deadletter",
    key="the original message key, when it had one",
    value_model=DeadLetter,
    partitions=1,
    writer="extract",
    readers=("operators (claimline dlq)",),
    doc="Messages on the articles.parsed topic that extract could not process, with the reason.",
    max_message_bytes=MAX_RECORD_BYTES * 3 // 2,
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

ALL_TOPICS: tuple[TopicSpec, ...] = (ARTICLES, ARTICLES_PARSED, EVENTS, ARTICLES_DLQ, PARSED_DLQ, EVENTS_DLQ)
