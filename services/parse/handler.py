"""What the parse service does with one raw message from the articles topic.

Shared by the faust agent, the embedded mode and the tests: validate, parse, and say what to
publish — the parsed article, or a dead letter with the reason. A bad message is parked,
never dropped. A parser that cannot be reached is waited for (retried with backoff, for as
long as it takes): the record is never skipped, so nothing is committed past it.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from pydantic import ValidationError

from schemas.article import Article
from schemas.deadletter import DeadLetter
from schemas.parse import ParsedArticle
from services.common.errors import describe_validation_error
from services.common.ports import EventLog
from services.common.topics import ARTICLES_DLQ, ARTICLES_PARSED
from services.parse.corenlp import ParserFailed, ParserUnavailable

log = logging.getLogger(__name__)


class Parser(Protocol):
    """The parser port: `services.parse.corenlp.CoreNLPClient`, or a fake in tests."""

    async def parse(self, article: Article) -> ParsedArticle:
        """Raises ParserUnavailable when the parser cannot answer now."""


@dataclass(frozen=True)
class Backoff:
    """Waits between attempts: `first`, doubling up to `most`. A document the reachable parser
    fails on (`ParserFailed`) is given `failed_attempts` tries, then parked."""

    first_s: float = 0.5
    most_s: float = 15.0
    failed_attempts: int = 4

    def delay(self, attempt: int) -> float:
        return min(self.most_s, self.first_s * 2 ** max(0, attempt - 1))


@dataclass
class Outcome:
    parsed: ParsedArticle | None = None
    dead_letter: DeadLetter | None = None
    attempts: int = 0  # parser calls it took (0: not parsed)

    def record(self) -> tuple[str, bytes] | None:
        """(key, value) for the articles.parsed topic."""
        if self.parsed is None:
            return None
        return self.parsed.article.id, self.parsed.model_dump_json().encode("utf-8")


async def parse_with_retry(parser: Parser, article: Article, backoff: Backoff,
                           sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> tuple[ParsedArticle, int]:
    """Parse, waiting out an unreachable parser for as long as it takes. Raises ParserFailed
    when the reachable parser keeps failing on this document."""
    attempt = 0
    failed = 0
    while True:
        attempt += 1
        try:
            return await parser.parse(article), attempt
        except ParserFailed as error:
            failed += 1
            if failed >= backoff.failed_attempts:
                raise
            log.warning("parser failed on article %s (attempt %d): %s", article.id, attempt, error)
        except ParserUnavailable as error:
            log.warning("parser unavailable (attempt %d for article %s; next try in %.1fs): %s",
                        attempt, article.id, backoff.delay(attempt), error)
        await sleep(backoff.delay(attempt))


async def handle_article(value: bytes | None, key: bytes | None, *, topic: str, partition: int | None,
                         offset: int | None, now_ms: Callable[[], int], parser: Parser,
                         backoff: Backoff = Backoff()) -> Outcome:
    def park(reason: str, stage: str) -> Outcome:
        return Outcome(dead_letter=DeadLetter.of(source_topic=topic, value=value or b"", key=key, reason=reason,
                                                 stage=stage, failed_at_ms=now_ms(), partition=partition,
                                                 offset=offset))

    if not value:
        return park("empty message: expected an article as JSON", "validate")
    try:
        article = Article.model_validate_json(value)
    except ValidationError as error:
        return park(f"not a valid article: {describe_validation_error(error)}", "validate")
    try:
        parsed, attempts = await parse_with_retry(parser, article, backoff)
    except ParserFailed as error:
        return park(f"parser failed {backoff.failed_attempts} times: {error}", "parse")
    except (ValueError, KeyError, TypeError) as error:  # the parser's answer did not convert: park, don't stop
        return park(f"parse conversion {type(error).__name__}: {error}", "parse")
    return Outcome(parsed=parsed, attempts=attempts)


async def publish_outcome(event_log: EventLog, outcome: Outcome) -> None:
    record = outcome.record()
    if record is not None:
        await event_log.publish(ARTICLES_PARSED, *record)
    if outcome.dead_letter is not None:
        await event_log.publish(ARTICLES_DLQ, outcome.dead_letter.key, outcome.dead_letter.model_dump_json().encode())
