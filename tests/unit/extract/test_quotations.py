"""Which sentences lie inside a quotation (pure, no parser)."""
from __future__ import annotations

from services.extract.core.quotations import MAX_QUOTED_SENTENCES, QuoteSpan, quotation_spans


def _bounds(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    text, bounds, pos = "", [], 0
    for s in sentences:
        bounds.append((pos, pos + len(s)))
        text += s + " "
        pos += len(s) + 1
    return text, bounds


def test_a_quotation_over_three_sentences_closes_in_the_third() -> None:
    text, bounds = _bounds(["\u201cOne.", "Two.", "Three,\u201d he said.", "Four."])
    assert quotation_spans(text, bounds) == [QuoteSpan(False, True), QuoteSpan(True, True),
                                             QuoteSpan(True, False), QuoteSpan(False, False)]


def test_straight_quotes_toggle() -> None:
    text, bounds = _bounds(['"One.', 'Two," he said.', '"Three," she said.'])
    assert quotation_spans(text, bounds) == [QuoteSpan(False, True), QuoteSpan(True, False),
                                             QuoteSpan(False, False)]


def test_a_quotation_that_never_closes_is_a_stray_mark() -> None:
    text, bounds = _bounds(["\u201cOne.", "Two.", "Three."])
    assert all(not s.ends_inside for s in quotation_spans(text, bounds))


def test_a_quotation_longer_than_the_limit_is_a_stray_mark() -> None:
    sentences = ["\u201cOne."] + ["More."] * MAX_QUOTED_SENTENCES + ["End,\u201d he said."]
    text, bounds = _bounds(sentences)
    assert not any(s.ends_inside or s.starts_inside for s in quotation_spans(text, bounds))
