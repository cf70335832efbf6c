"""The marker the extract service publishes on the events topic after an article's events.

It says "article A was extracted by version V and gave these events", so the timeline can
drop what an older extractor said about A even when V finds nothing in it.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from schemas.parse import ParseStatus


class ArticleExtracted(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    record_type: Literal["article_extracted"] = "article_extracted"
    article: str
    extractor_version: str
    published_at: date
    event_ids: tuple[str, ...] = ()
    # What the parse stage said of the article (absent on markers written before it existed):
    # an `unsupported_language` article has no events, and the marker says why.
    language: str | None = None
    status: ParseStatus | None = None
