"""Offline tools behind `claimline extract file` and `claimline eval` (wired in services/cli.py): they
compose the parse cache (services.parse) with the pure extractor (services.extract.core)."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from schemas.article import Article, ArticleIn
from schemas.parse import ParsedArticle
from services.extract.core import EXTRACTOR_VERSION, extract
from services.extract.evaluation import format_report, score
from services.parse.cache import ParseCache

# Articles without an ingestion time get this fixed one, so that runs stay reproducible.
_NO_INGEST = datetime(1970, 1, 1, tzinfo=UTC)


def read_articles(path: str | Path) -> list[Article]:
    """Articles from a JSON-lines file in the `seed-articles.jsonl` format."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            data = json.loads(line)
            art_in = ArticleIn.model_validate(data)
            art = Article.from_input(art_in, now=_NO_INGEST)
            if data.get("ingested_at") is None:
                art = art.model_copy(update={"ingested_at": None})
            out.append(art)
    return out


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def event_record(event) -> dict[str, Any]:
    """One event as a JSON-ready dict in the annotation's field names plus the envelope."""
    return event.model_dump(mode="json")


def predict(parsed: Iterable[ParsedArticle]) -> list[dict[str, Any]]:
    return [event_record(e) for p in parsed for e in extract(p)]


def extract_file(input_path: str | Path, output_path: str | Path, *, parses: ParseCache) -> int:
    """Extract events from every article of `input_path`; write one event per line to `output_path`.
    Parses come from `parses` (kept on disk; the parser is asked only for new texts)."""
    n = 0
    out = Path(output_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    parsed = parses.parse_all(read_articles(input_path))
    with open(out, "w", encoding="utf-8") as fh:
        for p in parsed:
            for event in extract(p):
                fh.write(json.dumps(event_record(event), ensure_ascii=False) + "\n")
                n += 1
    return n


def evaluate(gold_path: str | Path, articles_path: str | Path, out: IO[str] | None = sys.stdout, *,
             parses: ParseCache) -> dict[str, Any]:
    """Run the extractor on `articles_path`, score it against `gold_path` (ANNOTATION.md rules),
    print a readable report to `out` and return the numbers. Parses come from `parses`."""
    articles = read_articles(articles_path)
    gold = read_jsonl(gold_path)
    preds = predict(parses.parse_all(articles))
    published: dict[str, date] = {a.id: a.published_at for a in articles}
    scores = score(gold, preds, published)
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
