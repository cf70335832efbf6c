"""Parses kept on disk for the offline tools (`claimline eval`, `extract file`, tests, benches).

A parse is a deterministic function of the text, the declared language and the parser's
version, so the cache key is a hash of the three: a new parser version never reads an old
parse. The streaming services keep their parses on the `articles.parsed` topic instead.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from schemas.article import Article
from schemas.parse import PARSER_VERSION, ParsedArticle
from services.parse.core import detect_language, is_supported, unsupported
from services.parse.corenlp import parse_sync


def parse_key(article: Article) -> str:
    # (the title is sent with the text: a title glued to the lead is set apart, parser_input.yaml)
    material = "\x00".join([PARSER_VERSION, article.language or "", article.title or "", article.text])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


class ParseCache:
    """`cache.parse_all(articles)`: parsed articles, from disk where they were parsed before."""

    def __init__(self, directory: Path, parser_url: str | None) -> None:
        self.directory = directory
        self.parser_url = parser_url

    def parse(self, article: Article) -> ParsedArticle:
        path = self.directory / f"{parse_key(article)}.json"
        if path.exists():
            cached = ParsedArticle.model_validate_json(path.read_bytes())
            # The parse is of the text; the article's other fields (id, dates) come from the caller.
            return cached.model_copy(update={"article": article})
        language = detect_language(article.text, article.language)
        if not is_supported(language):
            return unsupported(article, language)  # nothing to parse: no parser needed
        if self.parser_url is None:
            raise LookupError(f"no stored parse of article {article.id} and no parser to ask")
        parsed = parse_sync(self.parser_url, article)
        if parsed.status != "parsed":
            return parsed  # no parse to keep: the language guess is cheap and may improve
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(parsed.model_dump_json().encode("utf-8"))
        tmp.replace(path)
        return parsed

    def parse_all(self, articles: Iterable[Article]) -> list[ParsedArticle]:
        return [self.parse(a) for a in articles]
