"""Pure parts of the parse stage: language detection and CoreNLP's JSON to a `ParsedArticle`.

No I/O: the HTTP call to the CoreNLP server lives in `corenlp.py`, so these functions are
tested on recorded parser output.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from schemas.article import Article
from schemas.parse import PARSER_VERSION, ParsedArticle, ParsedSentence
from services.common.language import detect_language, is_supported

__all__ = ["detect_language", "from_corenlp", "is_supported", "parser_text", "unsupported"]

PARSER_INPUT_FILE = Path(__file__).with_name("parser_input.yaml")


@dataclass(frozen=True)
class StandIn:
    """A word the tagger misreads, the same-length word the parser is sent instead, and the
    lemma the parse keeps."""
    word: str
    stand_in: str
    lemma: str


@lru_cache(maxsize=1)
def _parser_input() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PARSER_INPUT_FILE.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def stand_ins() -> dict[str, StandIn]:
    entries = [StandIn(**e) for e in _parser_input()["stand_ins"]]
    for e in entries:
        if len(e.word) != len(e.stand_in):
            raise ValueError(f"parser_input.yaml: {e.word!r} and {e.stand_in!r} differ in length: offsets would move")
    return {e.word: e for e in entries}


@lru_cache(maxsize=1)
def _stand_in_regex() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(stand_ins(), key=len, reverse=True)) + r")\b",
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def dateline_regex() -> re.Pattern[str]:
    """A wire dateline at the start of a line, as its group `dateline`."""
    return re.compile("^" + _parser_input()["datelines"]["pattern"], re.VERBOSE | re.MULTILINE)


def _same_case(model: str, word: str) -> str:
    if model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _blank(m: re.Match[str]) -> str:
    start, end = m.span("dateline")
    return m.group(0)[:start - m.start()] + " " * (end - start) + m.group(0)[end - m.start():]


def parser_text(text: str, title: str | None = None) -> str:
    """The text the parser is sent, at the same offsets: every misread word replaced by its
    stand-in in the same case ('A Russian drone struck' -> 'A Russian plane struck'), every
    line's opening dateline blanked ('MOSCOW (Reuters) - Russia said' -> spaces, then
    'Russia said'), a text wrapped inside its sentences unwrapped, and the article's title
    glued to a line's lead set apart from it."""
    table = stand_ins()

    def standing_in(words: str) -> str:
        return _stand_in_regex().sub(lambda m: _same_case(m.group(0), table[m.group(0).lower()].stand_in), words)
    # (the title is looked for as the parser is sent it, stand-ins and all)
    return _title_set_apart(_unwrapped(dateline_regex().sub(_blank, standing_in(text))), standing_in(title or ""))


def _title_set_apart(text: str, title: str | None) -> str:
    """A line that opens with the title, then a space and the lead, is sent with a line break for
    that space (parser_input.yaml, `glued_titles`)."""
    spec = _parser_input()["glued_titles"]
    title = (title or "").strip()
    if len(title) < spec["min_title_chars"] or title.split()[-1].lower() in spec["open_endings"]:
        return text
    glued = re.compile(r"(?:^|(?<=\n))" + re.escape(title) + r"( )(?=[A-Z0-9\"“‘'])")
    return glued.sub(lambda m: m.group(0)[:-1] + "\n", text)


_SINGLE_LINE_BREAK = re.compile(r"(?<!\n)\n(?!\n)")


@lru_cache(maxsize=1)
def _line_break_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    spec = _parser_input()["line_breaks"]
    return re.compile(spec["wrapped_line"]), re.compile(spec["open_line"])


def _spaces(m: re.Match[str]) -> str:
    return " " * len(m.group(0))


def _unwrapped(text: str) -> str:
    """The parser ends a sentence at every line break. A text wrapped inside its sentences is
    sent with its single line breaks as spaces, and any text with the line breaks after a
    line that goes on (parser_input.yaml, `line_breaks`)."""
    wrapped_line, open_line = _line_break_regexes()
    if len(wrapped_line.findall(text)) >= _parser_input()["line_breaks"]["wrapped_article"]:
        return _SINGLE_LINE_BREAK.sub(" ", text)
    return open_line.sub(_spaces, text)


def unsupported(article: Article, language: str) -> ParsedArticle:
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         status="unsupported_language")


def _code_points(text: str) -> list[int] | None:
    """CoreNLP counts offsets in UTF-16 units (Java's chars), Python in code points: they part
    after a character beyond the Basic Multilingual Plane, an emoji ('🔍 Search' atop a page).
    The code point each UTF-16 offset falls at, None when the two agree all through."""
    if text.isascii() or all(ord(c) <= 0xFFFF for c in text):
        return None
    table: list[int] = []
    for i, c in enumerate(text):
        table.append(i)
        if ord(c) > 0xFFFF:
            table.append(i)  # (the second unit of a surrogate pair)
    table.append(len(text))
    return table


def from_corenlp(article: Article, doc: Mapping[str, Any], language: str = "en") -> ParsedArticle:
    """Convert the CoreNLP server's JSON (`outputFormat=json`) for `parser_text(article.text, article.title)`:
    offsets are turned into code points, words are read back from the article's own text, and
    a stand-in's lemma is the word's."""
    text = article.text
    table = stand_ins()
    points = _code_points(text)

    def at(offset: int) -> int:
        return points[offset] if points is not None else offset

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
        starts = tuple(at(t["characterOffsetBegin"]) for t in tokens)
        ends = tuple(at(t["characterOffsetEnd"]) for t in tokens)
        words = tuple(text[b:e] for b, e in zip(starts, ends))
        sent = [t["originalText"] if "originalText" in t else t["word"] for t in tokens]
        lemmas = tuple(table[w.lower()].lemma if w != s_ and w.lower() in table else t.get("lemma", t["word"])
                       for w, s_, t in zip(words, sent, tokens))
        sentences.append(ParsedSentence(
            start=starts[0],
            end=ends[-1],
            words=words,
            lemmas=lemmas,
            pos=tuple(t["pos"] for t in tokens),
            starts=starts,
            ends=ends,
            heads=tuple(heads),
            deps=tuple(deps),
        ))
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language=language,
                         sentences=tuple(sentences))
