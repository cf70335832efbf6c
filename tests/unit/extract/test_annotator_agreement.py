"""bench/annotator_agreement.py: one annotation scored as an extractor's output against another."""
from __future__ import annotations

from datetime import UTC, date, datetime

from bench.annotator_agreement import as_predictions
from schemas.article import Article, ArticleIn
from schemas.parse import PARSER_VERSION, ParsedArticle, ParsedSentence
from services.extract.evaluation import score

TEXT = ("Russian forces shelled Kharkiv overnight, officials said. "
        "Zelensky met Biden in Washington on Tuesday. "
        "Russia invaded Ukraine in 2022.")
PUBLISHED = date(2024, 9, 26)


def _parsed() -> ParsedArticle:
    """The article cut into its three sentences (one token each: only the spans matter here)."""
    article = Article.from_input(ArticleIn.model_validate(
        {"id": "a1", "title": "t", "published_at": PUBLISHED.isoformat(), "source": "x", "text": TEXT}),
        now=datetime(2025, 1, 1, tzinfo=UTC))
    sentences, start = [], 0
    for piece in TEXT.split(". "):
        end = start + len(piece.rstrip(".")) + 1
        sentences.append(ParsedSentence(start=start, end=end, words=(TEXT[start:end],), lemmas=("x",),
                                        pos=("NN",), starts=(start,), ends=(end,), heads=(0,), deps=("root",)))
        start = end + 1
    return ParsedArticle(article=article, parser_version=PARSER_VERSION, language="en", sentences=tuple(sentences))


def _event(ident: str, type_: str, actor: str, mention: str, **extra) -> dict:
    return {"article": "a1", "id": ident, "type": type_, "actor": actor, "mentions": [mention],
            "modality": extra.pop("modality", "asserted"), "claimants": extra.pop("claimants", []), **extra}


GOLD_A = [
    _event("s", "strike", "RUS", "shelled Kharkiv overnight", modality="claimed",
           claimants=[{"party": "UKR", "name": "officials"}]),
    _event("d", "diplomacy", "UKR", "Zelensky met Biden", partners=["USA"]),
    _event("h", "offensive_launched", "RUS", "Russia invaded Ukraine", optional=True),
]


def test_an_annotation_agrees_with_itself() -> None:
    parsed = {"a1": _parsed()}
    s = score(GOLD_A, as_predictions(GOLD_A, parsed, {"a1": PUBLISHED}), {"a1": PUBLISHED})
    assert (s.overall.tp, s.overall.fn, s.overall.fp) == (2, 0, 0)
    assert s.slots["claimants"].correct == s.slots["claimants"].total == 2


def test_optional_events_are_neither_required_nor_counted_against() -> None:
    # B leaves out the history A marked optional, and marks the talks optional itself
    gold_b = [GOLD_A[0], {**GOLD_A[1], "optional": True}]
    parsed = {"a1": _parsed()}
    predictions_b = as_predictions(gold_b, parsed, {"a1": PUBLISHED})
    assert [p["type"] for p in predictions_b] == ["strike"]  # B's optional event is no prediction
    s = score(GOLD_A, predictions_b, {"a1": PUBLISHED})
    assert (s.overall.tp, s.overall.fn, s.overall.fp) == (1, 1, 0)


def test_a_different_side_or_claimant_disagrees() -> None:
    gold_b = [_event("s", "strike", "UKR", "shelled Kharkiv overnight"), GOLD_A[1]]
    s = score(GOLD_A, as_predictions(gold_b, {"a1": _parsed()}, {"a1": PUBLISHED}), {"a1": PUBLISHED})
    assert (s.overall.tp, s.overall.fn, s.overall.fp) == (1, 1, 1)


def test_the_evidence_is_the_sentence_the_mention_lies_in() -> None:
    (p,) = as_predictions([GOLD_A[1]], {"a1": _parsed()}, {"a1": PUBLISHED})
    assert [e["sentence"] for e in p["evidence"]] == ["Zelensky met Biden in Washington on Tuesday."]
    assert p["time"] == {"start": "2024-09-26", "end": "2024-09-26"}
