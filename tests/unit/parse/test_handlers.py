"""The parse and extract handlers with a fake parser: validation, dead letters, waiting out
an unreachable parser, the marker's language and status. No server, no broker."""
from __future__ import annotations

import json
from datetime import date

import pytest

from schemas.article import Article
from schemas.parse import PARSER_VERSION, ParsedArticle
from services.extract.core import EXTRACTOR_VERSION
from services.extract.handler import handle_parsed
from services.parse.core import unsupported
from services.parse.corenlp import ParserFailed, ParserUnavailable
from services.parse.handler import Backoff, handle_article

ARTICLE = Article(id="a1", text="Kyiv said on Monday that its forces repelled an attack.", published_at=date(2025, 3, 10))
FAST = Backoff(first_s=0.001, most_s=0.002, failed_attempts=3)


class FakeParser:
    """Fails with the given errors first, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def parse(self, article: Article) -> ParsedArticle:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return ParsedArticle(article=article, parser_version=PARSER_VERSION, language="en")


def now() -> int:
    return 1


async def handle(value: bytes | None, parser: FakeParser):
    return await handle_article(value, b"k", topic="t.articles", partition=0, offset=7, now_ms=now, parser=parser,
                                backoff=FAST)


async def test_an_article_is_parsed_and_keyed_by_its_id() -> None:
    outcome = await handle(ARTICLE.model_dump_json().encode(), FakeParser())
    assert outcome.dead_letter is None and outcome.parsed.article == ARTICLE
    key, value = outcome.record()
    assert key == "a1" and ParsedArticle.model_validate_json(value) == outcome.parsed


@pytest.mark.parametrize("value, reason", [
    (b"", "empty message"),
    (b"{nope", "not a valid article"),
    (json.dumps({"id": "x", "text": "no date"}).encode(), "published_at"),
])
async def test_what_is_not_an_article_is_parked_with_the_reason(value: bytes, reason: str) -> None:
    parser = FakeParser()
    outcome = await handle(value, parser)
    assert outcome.parsed is None and reason in outcome.dead_letter.reason
    assert outcome.dead_letter.stage == "validate" and outcome.dead_letter.source_offset == 7
    assert parser.calls == 0


async def test_an_unreachable_parser_is_waited_for_not_skipped() -> None:
    parser = FakeParser(*[ParserUnavailable("connection refused")] * 10)
    outcome = await handle(ARTICLE.model_dump_json().encode(), parser)
    assert outcome.parsed is not None and outcome.attempts == 11 and parser.calls == 11


async def test_a_document_the_parser_keeps_failing_on_is_parked() -> None:
    parser = FakeParser(*[ParserFailed("500: timed out")] * 5)
    outcome = await handle(ARTICLE.model_dump_json().encode(), parser)
    assert outcome.parsed is None and outcome.dead_letter.stage == "parse" and parser.calls == FAST.failed_attempts


def test_backoff_doubles_up_to_its_ceiling() -> None:
    b = Backoff(first_s=0.5, most_s=4.0)
    assert [b.delay(n) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]


def test_extract_marks_an_unsupported_language_and_finds_nothing() -> None:
    parsed = unsupported(ARTICLE.model_copy(update={"text": "Kiew sagte am Montag, man habe einen Angriff abgewehrt."}),
                         "de")
    outcome = handle_parsed(parsed.model_dump_json().encode(), b"a1", topic="t.articles.parsed", partition=0,
                            offset=0, now_ms=1)
    assert outcome.events == [] and outcome.dead_letter is None
    marker = outcome.marker
    assert marker is not None
    assert (marker.language, marker.status, marker.event_ids, marker.extractor_version) == (
        "de", "unsupported_language", (), EXTRACTOR_VERSION)


@pytest.mark.parametrize("value", [b"", b"not json", ARTICLE.model_dump_json().encode()])
def test_extract_parks_what_is_not_a_parsed_article(value: bytes) -> None:
    outcome = handle_parsed(value, b"k", topic="t.articles.parsed", partition=1, offset=3, now_ms=1)
    assert outcome.marker is None and outcome.dead_letter is not None
    assert outcome.dead_letter.stage == "validate"
    assert outcome.dead_letter.source_topic == "t.articles.parsed"
