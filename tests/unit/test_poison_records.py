"""Poison records on the events topic are parked with their reason, never fatal; dead
letters always fit on their topic."""
from __future__ import annotations

import hashlib
import json

import pytest

from schemas.deadletter import MAX_VALUE_BYTES, DeadLetter
from schemas.extraction import ArticleExtracted
from services.common.ports import Record
from services.timeline.projection import decode_record, unfoldable_reason
from tests.support.events import make_event

GOOD = make_event("a1", "casualties_claimed", actor="RUS", claimant="UKR", quantity=("killed", 100.0))


def record(value: bytes | None, offset: int = 7) -> Record:
    return Record("t.events", 2, offset, b"a1", value, 0)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_figure_is_parked(literal):
    raw = GOOD.model_dump_json().replace('"value":100.0', f'"value":{literal}').encode()
    outcome = decode_record(record(raw), now_ms=1)
    assert isinstance(outcome, DeadLetter)
    assert "quantities.0.value" in outcome.reason
    assert outcome.original_value() == raw
    assert (outcome.source_partition, outcome.source_offset) == (2, 7)


@pytest.mark.parametrize("value, words", [
    (None, "tombstone"),
    (b"", "not a valid event"),
    (b"\xff\xfe", "not a valid event"),
    (b"[" * 5000 + b"]" * 5000, "not a valid event"),
    (b'{"type": "nope"}', "not a valid event"),
    (b'{"record_type": "something_else"}', "not a valid event"),
])
def test_anything_else_on_the_topic_is_parked(value, words):
    outcome = decode_record(record(value), now_ms=1)
    assert isinstance(outcome, DeadLetter)
    assert words in outcome.reason
    assert outcome.value_null == (value is None)


def test_a_marker_is_read_whatever_its_key_order_and_spacing():
    marker = ArticleExtracted(article="a1", extractor_version="2.0.0", published_at="2025-01-01", event_ids=("e",))
    shuffled = dict(reversed(list(json.loads(marker.model_dump_json()).items())))
    for raw in (marker.model_dump_json(), json.dumps(shuffled, indent=2), json.dumps(shuffled, separators=(" ,", " : "))):
        assert decode_record(record(raw.encode()), now_ms=1) == marker


def test_an_event_is_read_whatever_its_key_order():
    shuffled = dict(reversed(list(json.loads(GOOD.model_dump_json()).items())))
    assert decode_record(record(json.dumps(shuffled, indent=1).encode()), now_ms=1) == GOOD


def test_a_valid_event_is_foldable():
    assert unfoldable_reason(GOOD) is None


def test_a_dead_letter_over_the_size_limit_keeps_a_truncated_copy_its_size_and_hash():
    value = b"x" * 900_000
    letter = DeadLetter.of(source_topic="t.articles", value=value, key=b"k", reason="r" * 100_000, stage="validate",
                           failed_at_ms=1, partition=0, offset=3)
    encoded = letter.model_dump_json().encode()
    assert len(encoded) < 1_000_000  # fits under Kafka's default 1 MiB record limit
    assert letter.value_truncated and letter.value_size == 900_000
    assert letter.value_sha256 == hashlib.sha256(value).hexdigest()
    assert letter.original_value() == value[:MAX_VALUE_BYTES]
    assert len(letter.reason) < 5_000


def test_a_small_dead_letter_keeps_everything():
    letter = DeadLetter.of(source_topic="t", value=b"abc", key=None, reason="r", stage="s", failed_at_ms=1)
    assert not letter.value_truncated and letter.original_value() == b"abc" and letter.value_size == 3
