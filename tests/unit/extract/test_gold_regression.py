"""Regression guards: the extractor scored on the gold files in tests/data (ANNOTATION.md rules).

Floors sit a little below the figures measured with the parser-based extractor (README,
"Measured figures"), so a change that loses events or slots fails here. Raise them when the
extractor improves. These are floors, not targets: the targets (F1 >= 0.85 on unseen news)
are not met yet.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from services.offline import evaluate

DATA = Path(__file__).resolve().parents[2] / "data"

FLOORS = {  # gold set: (F1, precision); a few points under the figures of extractor 2.128
    "seed": (0.90, 0.89),
    "voa": (0.77, 0.79),
    "pd": (0.80, 0.80),
    "pd2": (0.75, 0.80),
    "pd3": (0.62, 0.78),
    "pd4": (0.90, 0.87),
    "pd5": (0.82, 0.83),
    "pd6": (0.86, 0.88),
    "pd7": (0.83, 0.82),
    "pd8": (0.86, 0.86),
    "pd9": (0.72, 0.79),
    "pd10": (0.73, 0.84),
    "pd11": (0.55, 0.63),  # first run only, not worked on
}


@pytest.fixture(scope="module")
def scores(parse_cache) -> dict:
    return {name: evaluate(DATA / f"{name}-gold.jsonl", DATA / f"{name}-articles.jsonl", out=io.StringIO(),
                           parses=parse_cache) for name in FLOORS}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_overall_floor(scores, name) -> None:
    f1, precision = FLOORS[name]
    assert scores[name]["overall"]["f1"] >= f1
    assert scores[name]["overall"]["precision"] >= precision


def test_slots_are_mostly_right_on_seed(scores) -> None:
    for slot in ("quantities", "locations", "time", "claimants", "modality"):
        assert scores["seed"]["slots"][slot]["accuracy"] >= 0.6, slot


def test_report_is_printed(parse_cache) -> None:
    buf = io.StringIO()
    evaluate(DATA / "seed-gold.jsonl", DATA / "seed-articles.jsonl", out=buf, parses=parse_cache)
    text = buf.getvalue()
    assert "overall" in text and "slot accuracy" in text
