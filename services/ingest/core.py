"""Pure ingest logic: parse a submission (one JSON article, a JSON array, or NDJSON),
validate every article, and name each problem by item and field.

No I/O and no clock: the caller passes `now` (ingestion time).
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from schemas.article import MAX_TEXT_CHARS, Article, ArticleIn
from services.common.language import detect_language

# An article is a flat object and a submission a list of them: anything nested deeper is
# not an article, and refusing it early keeps deep JSON from reaching recursive code.
MAX_DEPTH = 8
# Articles per request (a body is also capped in bytes by the API).
MAX_ITEMS = 100_000
# The article's record on the articles topic must fit under Kafka's default 1 MiB record
# limit (escaping can grow a text six-fold: a control character becomes \u00XX).
MAX_RECORD_BYTES = 900_000
# Bytes an article's record can take beyond its text (every other field at its limit, escaped).
_FIXED_RECORD_BYTES = 25_000


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
        return [Problem(index, "text", f"text is {len(text)} characters; the limit is {MAX_TEXT_CHARS}",
                        too_large=True)]
    try:
        article_in = ArticleIn.model_validate(data)
    except ValidationError as error:
        return [Problem(index, _field_path(e["loc"]), e["msg"]) for e in error.errors()]
    article = Article.from_input(article_in, now=now)
    # The article records its language (declared, else detected), so that one the rules cannot
    # read is answered with a note, not silently left without events.
    article = article.model_copy(update={"language": detect_language(article.text, article.language)})
    # Serializing is only needed when the text is long enough for the record to be too big.
    if len(article.text) * 6 + _FIXED_RECORD_BYTES > MAX_RECORD_BYTES:
        size = len(article.model_dump_json().encode("utf-8"))
        if size > MAX_RECORD_BYTES:
            return [Problem(index, "text", f"the article's record is {size} bytes once encoded; the limit is "
                                           f"{MAX_RECORD_BYTES}", too_large=True)]
    return article


def too_deep(value: object, limit: int = MAX_DEPTH) -> bool:
    """Whether a decoded JSON value nests containers deeper than `limit` (iterative:
    no recursion, however deep the value)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children: Iterable[object]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def _loads(text: str) -> object:
    """json.loads with deep nesting as a ValueError (the decoder raises RecursionError)."""
    try:
        return json.loads(text)
    except RecursionError as error:
        raise ValueError(f"JSON nested deeper than {MAX_DEPTH} levels") from error


def parse_submission(body: bytes, content_type: str, *, now: datetime, max_items: int = MAX_ITEMS) -> Submission:
    """Parse and validate a request body. NDJSON when the content type says so or the
    body has several non-empty lines that are not one JSON document. Linear in the body."""
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
            document = _loads(text) if text.strip() else None
        except ValueError as error:
            if not isinstance(error, json.JSONDecodeError):
                submission.problems.append(Problem(0, "", str(error)))
                return submission
            lines = [line for line in text.splitlines() if line.strip()]
            is_ndjson = len(lines) > 1
            if not is_ndjson:
                submission.problems.append(Problem(0, "", "body is not valid JSON"))
                return submission
        else:
            if document is None:
                submission.problems.append(Problem(0, "", "body is empty"))
                return submission
            if too_deep(document):
                submission.problems.append(Problem(0, "", f"JSON nested deeper than {MAX_DEPTH} levels"))
                return submission
            items = document if isinstance(document, list) else [document]
    if is_ndjson:
        for number, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                item = _loads(line)
            except json.JSONDecodeError as error:
                submission.problems.append(Problem(number, "", f"line {number + 1} is not valid JSON: {error.msg}"))
                item = None
            except ValueError as error:
                submission.problems.append(Problem(number, "", f"line {number + 1}: {error}"))
                item = None
            else:
                if too_deep(item):
                    submission.problems.append(Problem(number, "", f"line {number + 1}: JSON nested deeper than "
                                                                   f"{MAX_DEPTH} levels"))
                    item = None
            items.append(item)
            if len(items) > max_items:
                break
    if len(items) > max_items:
        submission.problems.append(Problem(0, "", f"more than {max_items} articles in one request; send them in "
                                                  "several", too_large=True))
        return submission
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
