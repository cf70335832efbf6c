"""The marker the extract service publishes on the events topic after an article's events.

It says "article A was extracted by version V and gave these events", so the timeline can
drop what an older extractor said about A even when V finds nothing in it.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict


class ArticleExtracted(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    record_type: Literal["article_extracted"] = "article_extracted"
    article: str
    extractor_version: str
    published_at: date
    event_ids: tuple[str, ...] = ()
