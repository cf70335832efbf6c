"""Each topic's value model encodes and decodes its records."""
from __future__ import annotations

from datetime import date

from schemas.article import Article
from schemas.extraction import ArticleExtracted
from schemas.records import parse_record
from services.common.topics import ALL_TOPICS, ARTICLES, EVENTS


def test_every_topic_has_a_value_model() -> None:
    for spec in ALL_TOPICS:
        assert spec.value_model is not None


def test_the_articles_topic_round_trips_an_article() -> None:
    article = Article(id="a1", text="Kyiv said on Monday that its forces repelled an attack.",
                      published_at=date(2025, 3, 10))
    assert ARTICLES.decode(ARTICLES.encode(article)) == article


def test_the_events_topic_tells_a_marker_by_its_discriminator() -> None:
    marker = ArticleExtracted(article="a1", extractor_version="2.1+x", published_at=date(2025, 3, 10), event_ids=())
    raw = EVENTS.encode(marker)
    assert isinstance(EVENTS.decode(raw), ArticleExtracted)
    assert EVENTS.decode(raw) == parse_record(raw) == marker
