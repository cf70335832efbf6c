"""A parsed article: what the parse stage publishes on the `articles.parsed` topic.

A parse is a deterministic function of the text and the parser's version, so it is kept:
re-running changed extraction rules over the archive (`claimline extract replay`) reads these
records and never parses again.

Tokens are stored column-wise (one tuple per attribute, aligned by token position) because
a long article has tens of thousands of tokens: columns keep the record about a third of the
size of one object per token, and validate several times faster.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schemas.article import Article

PARSE_SCHEMA_VERSION = 1

# The parser and what it was asked for: part of every extractor version, so that a new parser
# makes a replay replace what the old parses gave.
PARSER_NAME = "corenlp"
PARSER_RELEASE = "4.5.10"
PARSER_ANNOTATORS = "tokenize,ssplit,pos,lemma,depparse"
# How the text is prepared for the parser (stand-ins of misread words, blanked datelines:
# services/parse/parser_input.yaml), named by the first 8 hex digits of that file's SHA-256
# (a test keeps the two equal).
PARSER_INPUT = "input-e14299de"
# Offsets are code points of the article text (CoreNLP's are UTF-16 units, which part from code
# points after an emoji: services/parse/core.py); parses stored before that are of another version
PARSER_OFFSETS = "codepoints"
PARSER_VERSION = f"{PARSER_NAME}-{PARSER_RELEASE}[{PARSER_ANNOTATORS}]+{PARSER_INPUT}+{PARSER_OFFSETS}"

# The languages the extraction rules are written for.
SUPPORTED_LANGUAGES = frozenset({"en"})

ParseStatus = Literal["parsed", "unsupported_language"]


class ParsedSentence(BaseModel):
    """One sentence: its character span in `article.text` and its tokens, column-wise.

    `heads[i]` is the 1-based position of token i's head in this sentence (0 for the root),
    `deps[i]` its Universal Dependencies relation (basic, a tree) to that head.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    words: tuple[str, ...]
    lemmas: tuple[str, ...]
    pos: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    heads: tuple[int, ...]
    deps: tuple[str, ...]

    @model_validator(mode="after")
    def _aligned(self) -> ParsedSentence:
        n = len(self.words)
        if not all(len(col) == n for col in (self.lemmas, self.pos, self.starts, self.ends, self.heads, self.deps)):
            raise ValueError("token columns differ in length")
        if any(h < 0 or h > n for h in self.heads):
            raise ValueError("a head points outside the sentence")
        return self


class ParsedArticle(BaseModel):
    """An article with its parse. Unsupported languages carry no sentences, and say so."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = PARSE_SCHEMA_VERSION
    article: Article
    parser_version: str
    language: str
    status: ParseStatus = "parsed"
    sentences: tuple[ParsedSentence, ...] = ()

