"""Placeholder extractor: one `troops_deployed`/`offensive_launched` event per matching sentence.

Being replaced by the rule-based extractor (issue 3); kept only so the pipeline runs.
"""
from __future__ import annotations

import hashlib
import re

from schemas.article import Article
from schemas.events import Event, parse_event

EXTRACTOR_VERSION = "0.0.1"

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def extract(article: Article) -> list[Event]:
    events: list[Event] = []
    for match in _SENTENCE.finditer(article.text):
        sentence = match.group(0).strip()
        lowered = sentence.lower()
        if "offensive" in lowered:
            kind = "offensive_launched"
        elif "troops" in lowered and ("deploy" in lowered or "sent" in lowered):
            kind = "troops_deployed"
        else:
            continue
        start = match.start() + (len(match.group(0)) - len(match.group(0).lstrip()))
        digest = hashlib.sha256(f"{article.id}|{EXTRACTOR_VERSION}|{kind}|{start}".encode()).hexdigest()[:16]
        events.append(parse_event({
            "type": kind,
            "event_id": f"ev_{digest}",
            "extractor_version": EXTRACTOR_VERSION,
            "article": article.id,
            "published_at": article.published_at.isoformat(),
            "source": article.source,
            "ingested_at": article.ingested_at.isoformat() if article.ingested_at else None,
            "time": {"start": article.published_at.isoformat(), "end": article.published_at.isoformat(),
                     "granularity": "day", "from_article_date": True},
            "evidence": [{"sentence": sentence, "start": start, "end": start + len(sentence)}],
        }))
    return events
