"""Offline tools behind `claimline extract file` and `claimline eval` (wired in services/cli.py): they
compose the parse cache (services.parse) with the pure extractor (services.extract.core).

Input that is not what a tool reads (a missing file, a `.txt` page, a line that is not an
article) raises `InputError` naming the file and line; the CLI prints it as one line."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from schemas.article import Article, ArticleIn
from schemas.parse import ParsedArticle
from services.common.errors import describe_validation_error
from services.extract.core import EXTRACTOR_VERSION, extract
from services.extract.evaluation import format_report, score
from services.parse.cache import ParseCache

# Articles without an ingestion time get this fixed one, so that runs stay reproducible.
_NO_INGEST = datetime(1970, 1, 1, tzinfo=UTC)


class InputError(ValueError):
    """An input file a tool cannot read: the message names the file (and line) and what is wrong."""


STDIN = "-"


def _lines(path: str | Path, what: str) -> list[tuple[int, str]]:
    """The non-empty lines of `path` (`-`: standard input), numbered from 1."""
    if str(path) == STDIN:
        text = sys.stdin.read()
    else:
        source = Path(path)
        if source.is_dir():
            raise InputError(f"{source}: is a directory, not a {what} file")
        try:
            text = source.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{source}: no such file") from None
        except UnicodeDecodeError:
            raise InputError(f"{source}: not UTF-8 text, not a {what} file") from None
        except OSError as error:
            raise InputError(f"{source}: cannot read it ({error.strerror or error})") from None
    return [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _json_object(path: str | Path, n: int, line: str, what: str) -> dict[str, Any]:
    where = "<stdin>" if str(path) == STDIN else str(path)
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        hint = ""
        if Path(where).suffix.lower() == ".txt":
            hint = (" (a .txt page is not read here: send it with `claimline push FILE --published-at DATE`, "
                    "or write it as a JSON line with text and published_at)")
        raise InputError(f"{where}:{n}: not JSON ({error.msg}); {what} files hold one JSON object a line"
                         f"{hint}") from None
    if not isinstance(data, dict):
        raise InputError(f"{where}:{n}: a JSON {type(data).__name__}, not an object; {what} files hold one "
                         f"JSON object a line")
    return data


def read_articles(path: str | Path) -> list[Article]:
    """Articles from a JSON-lines file in the `seed-articles.jsonl` format (`-`: standard input)."""
    out = []
    for n, line in _lines(path, "articles (JSON lines)"):
        data = _json_object(path, n, line, "articles")
        try:
            art_in = ArticleIn.model_validate(data)
        except ValidationError as error:
            where = "<stdin>" if str(path) == STDIN else str(path)
            raise InputError(f"{where}:{n}: not an article: {describe_validation_error(error)}") from None
        art = Article.from_input(art_in, now=_NO_INGEST)
        if data.get("ingested_at") is None:
            art = art.model_copy(update={"ingested_at": None})
        out.append(art)
    return out


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    return [_json_object(path, n, line, "JSON lines") for n, line in _lines(path, "JSON lines")]


def event_record(event) -> dict[str, Any]:
    """One event as a JSON-ready dict in the annotation's field names plus the envelope."""
    return event.model_dump(mode="json")


def predict(parsed: Iterable[ParsedArticle]) -> list[dict[str, Any]]:
    return [event_record(e) for p in parsed for e in extract(p)]


def extract_file(input_path: str | Path, output_path: str | Path, *, parses: ParseCache) -> int:
    """Extract events from every article of `input_path`; write one event per line to `output_path`
    (`-`: standard output). Parses come from `parses` (kept on disk; the parser is asked only for
    new texts). Nothing is written when the input cannot be read."""
    to_stdout = str(output_path) == STDIN
    if not to_stdout and Path(output_path).is_dir():
        raise InputError(f"{output_path}: is a directory; --output names a file (or - for standard output)")
    parsed = parses.parse_all(read_articles(input_path))
    if to_stdout:
        return _write_events(parsed, sys.stdout)
    out = Path(output_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fh:
        return _write_events(parsed, fh)


def _write_events(parsed: Iterable[ParsedArticle], fh: IO[str]) -> int:
    n = 0
    for p in parsed:
        for event in extract(p):
            fh.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
            n += 1
    fh.flush()
    return n


def evaluate(gold_path: str | Path, articles_path: str | Path, out: IO[str] | None = sys.stdout, *,
             parses: ParseCache) -> dict[str, Any]:
    """Run the extractor on `articles_path`, score it against `gold_path` (ANNOTATION.md rules),
    print a readable report to `out` and return the numbers. Parses come from `parses`."""
    gold = read_jsonl(gold_path)
    articles = read_articles(articles_path)
    preds = predict(parses.parse_all(articles))
    published: dict[str, date] = {a.id: a.published_at for a in articles}
    try:
        scores = score(gold, preds, published)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"{gold_path}: not gold events in the annotation format (ANNOTATION.md): "
                         f"{type(error).__name__}: {error}") from error
    if out is not None:
        out.write(format_report(scores, f"Extractor {EXTRACTOR_VERSION} on {Path(gold_path).name}"))
    result = scores.as_dict()
    result["extractor_version"] = EXTRACTOR_VERSION
    result["predictions"] = len(preds)
    result["gold"] = len(gold)
    return result


if __name__ == "__main__":  # python -m services.offline GOLD ARTICLES [PARSER_URL]
    from services.parse.local import local_parse_cache

    if len(sys.argv) in (3, 4):
        evaluate(sys.argv[1], sys.argv[2], parses=local_parse_cache(sys.argv[3] if len(sys.argv) == 4 else None))
    else:
        print("usage: python -m services.offline GOLD.jsonl ARTICLES.jsonl [PARSER_URL]", file=sys.stderr)
        sys.exit(2)
