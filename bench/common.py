"""Shared by the benchmarks: synthetic event streams and publishing them."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from schemas.article import Article
from schemas.events import dump_event
from services.common.kafka_log import KafkaLog
from services.common.topics import ALL_TOPICS, EVENTS
from services.extract.core import extract
from services.parse.local import local_parse_cache

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "services" / "embedded" / "samples"


def synthetic_events(n: int):
    """n events: copies of the bundled articles, each copy published a day later. The articles
    are parsed once (kept in .cache/parses; the local CoreNLP is started when one is missing)."""
    base = [Article.model_validate(json.loads(line)) for path in sorted(SAMPLES.glob("*.jsonl"))
            for line in path.read_text().splitlines() if line.strip()]
    parsed = local_parse_cache().parse_all(base)
    events, copy = [], 0
    while len(events) < n:
        for p in parsed:
            article = p.article
            shifted = article.model_copy(update={"id": f"{article.id}-{copy}",
                                                 "published_at": article.published_at + timedelta(days=copy)})
            events.extend(extract(p.model_copy(update={"article": shifted})))
        copy += 1
    return events[:n]


async def publish_events(bootstrap: str, prefix: str, events) -> None:
    log = KafkaLog(bootstrap, prefix)
    await log.ensure_topics(ALL_TOPICS)
    for start in range(0, len(events), 5000):
        chunk = events[start:start + 5000]
        await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in chunk])
    await log.close()


def empty_markers(n: int):
    """n extraction markers of articles that gave no events."""
    from datetime import date

    from schemas.extraction import ArticleExtracted
    from services.extract.core import EXTRACTOR_VERSION

    return [ArticleExtracted(article=f"empty-{i}", extractor_version=EXTRACTOR_VERSION,
                             published_at=date(2025, 1, 1), event_ids=()) for i in range(n)]


async def publish_markers(bootstrap: str, prefix: str, markers) -> None:
    log = KafkaLog(bootstrap, prefix)
    await log.ensure_topics(ALL_TOPICS)
    for start in range(0, len(markers), 5000):
        chunk = markers[start:start + 5000]
        await log.publish_many(EVENTS, [(m.article, m.model_dump_json().encode("utf-8")) for m in chunk])
    await log.close()
