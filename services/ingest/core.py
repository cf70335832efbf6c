"""Pure ingest logic: parse a submission (one JSON article, a JSON array, or NDJSON),
validate every article, and name each problem by item and field.

No I/O and no clock: the caller passes `now` (ingestion time).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from schemas.article import MAX_TEXT_CHARS, Article, ArticleIn


@dataclass(frozen=True)
class Problem:
    item: int  # 0-based position in the submission (line number - 1 for NDJSON)
    field: str  # dotted path, or "" for the item as a whole
    message: str
    too_large: bool = False

    def as_dict(self) -> dict:
        return {"item": self.item, "field": self.field or None, "problem": self.message}


@dataclass
class Submission:
    articles: list[Article] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def too_large(self) -> bool:
        return any(p.too_large for p in self.problems)


def _field_path(loc: tuple) -> str:
    return ".".join(str(part) for part in loc)


def validate_item(index: int, data: object, *, now: datetime) -> Article | list[Problem]:
    """One article, or the problems that keep it out."""
    if not isinstance(data, dict):
        return [Problem(index, "", f"expected a JSON object, got {type(data).__name__}")]
    text = data.get("text")
    if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
        return [Problem(index, "text", f"text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}", too_large=True)]
    try:
        article_in = ArticleIn.model_validate(data)
    except ValidationError as error:
        return [Problem(index, _field_path(e["loc"]), e["msg"]) for e in error.errors()]
    return Article.from_input(article_in, now=now)


def parse_submission(body: bytes, content_type: str, *, now: datetime) -> Submission:
    """Parse and validate a request body. NDJSON when the content type says so or the
    body has several non-empty lines that are not one JSON document."""
    submission = Submission()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        submission.problems.append(Problem(0, "", f"body is not UTF-8: {error}"))
        return submission
    items: list[object] = []
    is_ndjson = "ndjson" in content_type or "jsonl" in content_type or "json-seq" in content_type
    if not is_ndjson:
        try:
            document = json.loads(text) if text.strip() else None
        except json.JSONDecodeError:
            lines = [line for line in text.splitlines() if line.strip()]
            is_ndjson = len(lines) > 1
            if not is_ndjson:
                submission.problems.append(Problem(0, "", "body is not valid JSON"))
                return submission
        else:
            if document is None:
                submission.problems.append(Problem(0, "", "body is empty"))
                return submission
            items = document if isinstance(document, list) else [document]
    if is_ndjson:
        for number, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as error:
                submission.problems.append(Problem(number, "", f"line {number + 1} is not valid JSON: {error.msg}"))
                items.append(None)
    if not items and not submission.problems:
        submission.problems.append(Problem(0, "", "no articles in the body"))
    for index, item in enumerate(items):
        if item is None:
            continue
        outcome = validate_item(index, item, now=now)
        if isinstance(outcome, Article):
            submission.articles.append(outcome)
        else:
            submission.problems.extend(outcome)
    return submission
