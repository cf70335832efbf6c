"""The article: what ingest accepts and what travels on the articles topic.

`ArticleIn` is the shape a user or producer sends; `Article` is the validated, identified
record that ingest publishes (and that the extract service re-validates, because other
producers may write to the topic too).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

ARTICLE_SCHEMA_VERSION = 1

# Limits that keep one article from starving the pipeline; ingest answers 413 past them.
MAX_TEXT_CHARS = 200_000
MAX_TITLE_CHARS = 1_000

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$"


def _normalized_text(text: str) -> str:
    # Whitespace and Unicode form differences must not make the same article look new.
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def derive_article_id(text: str) -> str:
    """A stable id from the content, so the same article is never ingested twice."""
    digest = hashlib.sha256(_normalized_text(text).encode("utf-8")).hexdigest()
    return f"art_{digest[:20]}"


class ArticleIn(BaseModel):
    """An article as submitted. Only `text` is required."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS)
    published_at: date | None = None
    published_at_inferred: bool = False
    source: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2_000)
    language: str | None = Field(default=None, max_length=16)
    id: str | None = Field(default=None, pattern=_ID_PATTERN)

    @field_validator("published_at", mode="before")
    @classmethod
    def _accept_datetimes(cls, value: object) -> object:
        # Feeds give full timestamps; the chronology works in dates.
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str) and len(value) > 10 and value[10] in "T ":
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        return value

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is blank")
        return value


class Article(BaseModel):
    """A validated article with its id, as published on the articles topic."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    schema_version: int = ARTICLE_SCHEMA_VERSION
    id: str = Field(pattern=_ID_PATTERN)
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    title: str | None = None
    published_at: date
    published_at_inferred: bool = False
    source: str | None = None
    url: str | None = None
    language: str | None = None
    # Set by ingest when it accepts the article: the timeline's `as_of` filter reads it.
    ingested_at: datetime | None = None

    @classmethod
    def from_input(cls, article: ArticleIn, *, now: datetime) -> Article:
        """Identify an input article; `now` is the ingestion time and stands in for a
        missing publication date."""
        return cls(
            id=article.id or derive_article_id(article.text),
            text=article.text,
            title=article.title,
            published_at=article.published_at or now.date(),
            published_at_inferred=article.published_at_inferred or article.published_at is None,
            source=article.source,
            url=article.url,
            language=article.language,
            ingested_at=now,
        )
