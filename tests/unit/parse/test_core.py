"""The pure parse core on a recorded CoreNLP answer: no server needed."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from schemas.article import Article
from schemas.parse import PARSER_VERSION, ParsedArticle
from services.parse.core import detect_language, from_corenlp, is_supported, unsupported

RECORDED = json.loads((Path(__file__).resolve().parents[2] / "data" / "corenlp" / "kursk-two-sentences.json")
                      .read_text(encoding="utf-8"))


def article(text: str, **kw) -> Article:
    return Article(id=kw.pop("id", "a1"), text=text, published_at=kw.pop("published_at", date(2025, 3, 13)), **kw)


@pytest.fixture(scope="module")
def parsed() -> ParsedArticle:
    return from_corenlp(article(RECORDED["text"]), RECORDED["corenlp"])


def test_sentences_and_token_columns(parsed: ParsedArticle) -> None:
    assert parsed.status == "parsed" and parsed.language == "en" and parsed.parser_version == PARSER_VERSION
    assert len(parsed.sentences) == 2
    first, second = parsed.sentences
    assert first.words[:3] == ("Russia", "is", "bringing")
    assert first.lemmas[:3] == ("Russia", "be", "bring")
    assert first.pos[:3] == ("NNP", "VBZ", "VBG")
    assert second.words == ("Kyiv", "denied", "it", ".")


def test_offsets_point_into_the_text(parsed: ParsedArticle) -> None:
    text = parsed.article.text
    for s in parsed.sentences:
        assert [text[a:b] for a, b in zip(s.starts, s.ends)] == list(s.words)
        assert text[s.start:s.end].startswith(s.words[0]) and text[s.start:s.end].endswith(s.words[-1])
    assert parsed.sentences[1].start == RECORDED["text"].index("Kyiv")


def test_basic_dependencies_become_heads_and_relations(parsed: ParsedArticle) -> None:
    s = parsed.sentences[0]

    def rel(dependent: str) -> tuple[str, str]:
        i = s.words.index(dependent)
        head = s.heads[i]
        return s.deps[i], ("ROOT" if head == 0 else s.words[head - 1])

    assert rel("bringing") == ("ROOT", "ROOT")
    assert rel("Russia") == ("nsubj", "bringing")
    assert rel("soldiers") == ("obj", "bringing")
    assert rel("Kursk") == ("compound", "region")
    assert rel("commander") == ("nsubj", "said")
    assert sum(h == 0 for h in s.heads) == 1


def test_the_record_round_trips_as_json(parsed: ParsedArticle) -> None:
    assert ParsedArticle.model_validate_json(parsed.model_dump_json()) == parsed


def test_misaligned_columns_are_rejected(parsed: ParsedArticle) -> None:
    data = json.loads(parsed.model_dump_json())
    data["sentences"][0]["pos"] = data["sentences"][0]["pos"][:-1]
    with pytest.raises(ValueError, match="token columns differ"):
        ParsedArticle.model_validate(data)


def test_language_declared_or_detected() -> None:
    assert detect_language("anything", "en-GB") == "en"
    assert detect_language("Die ukrainischen Streitkräfte haben nach eigenen Angaben einen russischen Angriff "
                           "in der Region Charkiw abgewehrt.") == "de"
    assert detect_language("short") == "en"  # too little text to guess
    assert is_supported("en") and not is_supported("de")
    u = unsupported(article("Bonjour"), "fr")
    assert u.status == "unsupported_language" and u.language == "fr" and u.sentences == ()


def test_the_parser_input_file_is_named_in_the_parser_version() -> None:
    """A changed stand-in or dateline pattern changes parses: it must change the parser
    version (and so the parse cache's keys and the extractor version)."""
    import hashlib

    from schemas.parse import PARSER_INPUT
    from services.parse.core import PARSER_INPUT_FILE
    digest = hashlib.sha256(PARSER_INPUT_FILE.read_bytes()).hexdigest()[:8]
    assert f"input-{digest}" == PARSER_INPUT, "bump PARSER_INPUT in schemas/parse.py"
    assert PARSER_INPUT in PARSER_VERSION


def test_the_parser_is_sent_stand_ins_of_the_same_length_and_case() -> None:
    from services.parse.core import parser_text
    text = "Drones hit Odesa. A Russian drone struck; DRONES, droned, androne."
    sent = parser_text(text)
    assert sent == "Planes hit Odesa. A Russian plane struck; PLANES, droned, androne."
    assert len(sent) == len(text)


def _parser_input(section: str) -> dict[str, Any]:
    import yaml

    from services.parse.core import PARSER_INPUT_FILE
    return yaml.safe_load(PARSER_INPUT_FILE.read_text(encoding="utf-8"))[section]


def _dateline_cases() -> list[tuple[str, str | None]]:
    spec = _parser_input("datelines")
    return ([(e["text"], e["dateline"]) for e in spec["examples"]]
            + [(t, None) for t in spec["counter_examples"]])


@pytest.mark.parametrize(("text", "dateline"), _dateline_cases())
def test_a_dateline_is_sent_as_spaces_at_the_same_offsets(text: str, dateline: str | None) -> None:
    """The examples of parser_input.yaml: the dateline, and nothing else, becomes spaces."""
    from services.parse.core import parser_text
    sent = parser_text(text)
    assert len(sent) == len(text)
    if dateline is None:
        assert sent == text
    else:
        assert text.startswith(dateline)
        assert sent == " " * len(dateline) + text[len(dateline):]


def test_a_dateline_is_blanked_at_the_start_of_any_line_only() -> None:
    from services.parse.core import parser_text
    text = "Lead.\nKYIV - Russia struck. Later, KYIV - Russia struck again."
    assert parser_text(text) == "Lead.\n       Russia struck. Later, KYIV - Russia struck again."


def test_the_parse_keeps_the_articles_words_and_the_lemma_of_a_stand_in() -> None:
    text = "A drone hit Kyiv."
    doc = {"sentences": [{"tokens": [
        {"word": w, "originalText": w, "lemma": lem, "pos": p, "characterOffsetBegin": a, "characterOffsetEnd": b}
        for w, lem, p, a, b in [("A", "a", "DT", 0, 1), ("plane", "plane", "NN", 2, 7), ("hit", "hit", "VBD", 8, 11),
                                ("Kyiv", "Kyiv", "NNP", 12, 16), (".", ".", ".", 16, 17)]],
        "basicDependencies": [{"dependent": 2, "governor": 3, "dep": "nsubj"}]}]}
    s = from_corenlp(article(text), doc).sentences[0]
    assert s.words == ("A", "drone", "hit", "Kyiv", ".")
    assert s.lemmas == ("a", "drone", "hit", "Kyiv", ".")
    assert s.pos[1] == "NN"


def _line_break_cases() -> list[tuple[str, str]]:
    return [(e["text"], e["sent"]) for e in _parser_input("line_breaks")["examples"]]


@pytest.mark.parametrize(("text", "sent"), _line_break_cases())
def test_line_breaks_are_sent_as_the_examples_say(text: str, sent: str) -> None:
    """The examples of parser_input.yaml: a line break the sentence goes on after, and every
    single one of a text wrapped inside its sentences, is sent as a space."""
    from services.parse.core import parser_text
    assert parser_text(text) == sent
    assert len(parser_text(text)) == len(text)


def _glued_title_cases() -> list[tuple[str, str, str]]:
    return [(e["title"], e["text"], e["sent"]) for e in _parser_input("glued_titles")["examples"]]


@pytest.mark.parametrize(("title", "text", "sent"), _glued_title_cases())
def test_a_title_glued_to_the_lead_is_set_apart(title: str, text: str, sent: str) -> None:
    """The examples of parser_input.yaml: a line opening with the title and going on into the
    lead is sent with a line break after the title, and nothing else changes."""
    from services.parse.core import parser_text
    assert parser_text(text, title) == sent
    assert len(parser_text(text, title)) == len(text)


def test_the_parser_ends_a_sentence_at_a_line_break() -> None:
    """parser_input.yaml's line breaks count on it: a headline is its own sentence."""
    from services.parse.corenlp import _PROPERTIES
    assert "newlineIsSentenceBreak%22%3A%20%22always" in _PROPERTIES


def test_offsets_after_an_emoji_are_code_points() -> None:
    """CoreNLP counts an emoji as two UTF-16 units; the parse keeps the article's own offsets
    (a web page's '🔍 Search' moved every later word by one letter: 'ussia' for 'Russia')."""
    text = "🔍 Search\nRussia invaded Ukraine."
    # what the server answers: Java offsets, the emoji two units long
    doc = {"sentences": [{"tokens": [
        {"word": "Russia", "originalText": "Russia", "lemma": "Russia", "pos": "NNP",
         "characterOffsetBegin": 10, "characterOffsetEnd": 16},
        {"word": "invaded", "originalText": "invaded", "lemma": "invade", "pos": "VBD",
         "characterOffsetBegin": 17, "characterOffsetEnd": 24},
        {"word": "Ukraine", "originalText": "Ukraine", "lemma": "Ukraine", "pos": "NNP",
         "characterOffsetBegin": 25, "characterOffsetEnd": 32},
        {"word": ".", "originalText": ".", "lemma": ".", "pos": ".",
         "characterOffsetBegin": 32, "characterOffsetEnd": 33}],
        "basicDependencies": [{"dep": "ROOT", "governor": 0, "dependent": 2},
                              {"dep": "nsubj", "governor": 2, "dependent": 1},
                              {"dep": "obj", "governor": 2, "dependent": 3},
                              {"dep": "punct", "governor": 2, "dependent": 4}]}]}
    parsed = from_corenlp(article(text), doc)
    s = parsed.sentences[0]
    assert s.words == ("Russia", "invaded", "Ukraine", ".")
    assert text[s.start:s.end] == "Russia invaded Ukraine."
    assert [text[b:e] for b, e in zip(s.starts, s.ends)] == list(s.words)
