"""Pure parts of the parse stage: language detection and CoreNLP's JSON to a `ParsedArticle`.

No I/O: the HTTP call to the CoreNLP server lives in `corenlp.py`, so these functions are
tested on recorded parser output.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.article import Article
from schemas.parse import PARSER_VERSION, ParsedArticle, ParsedSentence
from services.common.language import detect_language, is_supported

__all__ = ["detect_language", "from_corenlp", "is_supported", "unsupported"]

def unsupported(article: Article, language: str) -> ParsedArticle:
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         status="unsupported_language")


def from_corenlp(article: Article, doc: Mapping[str, Any], language: str = "en") -> ParsedArticle:
    """Convert the CoreNLP server's JSON (`outputFormat=json`) for `article.text`."""
    sentences = []
    for s in doc.get("sentences", ()):
        tokens = s["tokens"]
        n = len(tokens)
        if n == 0:
            continue
        heads = [0] * n
        deps = ["dep"] * n
        for d in s.get("basicDependencies", ()):
            i = d["dependent"] - 1
            if 0 <= i < n:
                heads[i] = d["governor"]
                deps[i] = d["dep"]
        sentences.append(ParsedSentence(
            start=tokens[0]["characterOffsetBegin"],
            end=tokens[-1]["characterOffsetEnd"],
            words=tuple(t["originalText"] if "originalText" in t else t["word"] for t in tokens),
            lemmas=tuple(t.get("lemma", t["word"]) for t in tokens),
            pos=tuple(t["pos"] for t in tokens),
            starts=tuple(t["characterOffsetBegin"] for t in tokens),
            ends=tuple(t["characterOffsetEnd"] for t in tokens),
            heads=tuple(heads),
            deps=tuple(deps),
        ))
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         sentences=tuple(sentences))
