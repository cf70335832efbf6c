"""Sentences, offsets and page noise."""
from __future__ import annotations

from services.extract.core.resources import resources
from services.extract.core.segment import split_sentences

NOISY = """Loading Now

Russia Gains Ground in Kursk

Russian forces regained two villages, the U.S. Defense Department said on Monday. Officials in Kyiv denied it.
The previous U.S. administration under President
Joe Biden had approved the use of long-range missiles.

Original Source: www.example.com

Jane Doe is a seasoned journalist and editor known for her work on security issues. She has written for many outlets.

Post Comment
Most Commented"""


def test_offsets_are_exact_and_noise_is_dropped() -> None:
    sents = split_sentences(NOISY, "Russia Gains Ground in Kursk", resources())
    texts = [s.text for s in sents]
    for s in sents:
        assert NOISY[s.start:s.end] == s.text
    assert not any("Loading Now" in t or "Post Comment" in t or "Most Commented" in t for t in texts)
    assert not any("Original Source" in t or "journalist" in t for t in texts)
    assert "Officials in Kyiv denied it." in texts


def test_abbreviations_do_not_end_sentences() -> None:
    sents = split_sentences(NOISY, None, resources())
    assert any(t.text.startswith("Russian forces regained two villages, the U.S. Defense Department") for t in sents)


def test_a_line_broken_inside_a_sentence_is_joined() -> None:
    sents = split_sentences(NOISY, None, resources())
    joined = [s for s in sents if "greenlit" in s.text or "approved the use" in s.text]
    assert joined and joined[0].text.startswith("The previous U.S. administration under President\nJoe Biden")


def test_the_headline_is_flagged() -> None:
    sents = split_sentences(NOISY, "Russia Gains Ground in Kursk", resources())
    assert sents[0].text == "Russia Gains Ground in Kursk" and sents[0].headline
    assert not sents[1].headline


def test_quote_continuation_and_glued_sentences() -> None:
    text = 'He said, “The enemy is advancing. Our troops hold the line.” Analysts agreed.(Photo)The town fell.'
    sents = split_sentences(text, None, resources())
    assert [s.quote_open for s in sents][:3] == [False, True, False]
