"""What the extract service does with one raw message from the articles.parsed topic.

Shared by the faust agent, the embedded mode and `claimline extract replay`: validate the
parsed article, call the pure extractor, and say what to publish — events and a marker, or
a dead letter with the reason. Nothing here raises for bad input: a bad message is parked,
never dropped. Nothing here parses: the parse stage did that once, and its parses are kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import ValidationError

from schemas.deadletter import DeadLetter
from schemas.events import Event, dump_event
from schemas.extraction import ArticleExtracted
from schemas.parse import ParsedArticle
from services.common.errors import describe_validation_error
from services.common.ports import EventLog
from services.common.topics import EVENTS, PARSED_DLQ
from services.extract.core import EXTRACTOR_VERSION, extract, load_knowledge
from services.extract.time_limit import TimeLimitExceeded, time_limit


@dataclass
class Outcome:
    events: list[Event] = field(default_factory=list)
    dead_letter: DeadLetter | None = None
    # Published after the events: lets the timeline drop an older extractor's events of
    # this article even when this extraction found none.
    marker: ArticleExtracted | None = None

    def records(self) -> list[tuple[str, bytes]]:
        """(key, value) pairs for the events topic, in order."""
        out = [(e.article, dump_event(e)) for e in self.events]
        if self.marker is not None:
            out.append((self.marker.article, self.marker.model_dump_json().encode("utf-8")))
        return out


def handle_parsed(value: bytes | None, key: bytes | None, *, topic: str, partition: int | None,
                  offset: int | None, now_ms: int, time_limit_s: float | None = None) -> Outcome:
    """`time_limit_s`: an extraction that runs longer is interrupted and its article parked
    (see `time_limit`); None for no limit."""
    def park(reason: str, stage: str) -> Outcome:
        return Outcome(dead_letter=DeadLetter.of(source_topic=topic, value=value or b"", key=key, reason=reason,
                                                 stage=stage, failed_at_ms=now_ms, partition=partition, offset=offset))

    if not value:
        return park("empty message: expected a parsed article as JSON", "validate")
    try:
        parsed = ParsedArticle.model_validate_json(value)
    except ValidationError as error:
        return park(f"not a valid parsed article: {describe_validation_error(error)}", "validate")
    load_knowledge()  # once a process, and outside the limit: it is no article's fault
    try:
        with time_limit(time_limit_s):
            events = extract(parsed)
    except TimeLimitExceeded as error:
        return park(f"extractor {error}: the article is parked so that the stream goes on", "extract")
    except Exception as error:  # noqa: BLE001 - an extractor bug must park the article, not stop the stream
        return park(f"extractor {type(error).__name__}: {error}", "extract")
    article = parsed.article
    marker = ArticleExtracted(article=article.id, extractor_version=EXTRACTOR_VERSION,
                              published_at=article.published_at, event_ids=tuple(e.event_id for e in events),
                              language=parsed.language, status=parsed.status)
    return Outcome(events=events, marker=marker)


async def publish_outcome(log: EventLog, outcome: Outcome) -> None:
    records = outcome.records()
    if records:
        await log.publish_many(EVENTS, records)
    if outcome.dead_letter is not None:
        await log.publish(PARSED_DLQ, outcome.dead_letter.key, outcome.dead_letter.model_dump_json().encode())
