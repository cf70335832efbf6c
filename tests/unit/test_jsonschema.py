"""The JSON Schema files in schemas/jsonschema must match the pydantic models."""
from __future__ import annotations

import json

from schemas import generate
from schemas.events import parse_event


def test_schema_files_are_up_to_date() -> None:
    stale = generate.stale()
    assert not stale, f"regenerate with `python -m schemas.generate`: {stale}"


def test_schema_files_are_valid_json_with_all_event_types() -> None:
    event = json.loads((generate.OUT_DIR / "event.schema.json").read_text(encoding="utf-8"))
    article = json.loads((generate.OUT_DIR / "article.schema.json").read_text(encoding="utf-8"))
    assert set(event["discriminator"]["mapping"]) == {
        "offensive_launched", "offensive_repelled", "troops_deployed", "territory_claimed",
        "casualties_claimed", "strike", "diplomacy", "military_aid"}
    assert "text" in article["required"] and "id" in article["required"]


def test_party_codes_may_hold_digits() -> None:
    ev = parse_event({"type": "diplomacy", "event_id": "ev_1", "extractor_version": "t", "article": "a1",
                      "published_at": "2025-03-13", "actor": "G7",
                      "time": {"start": "2025-03-13", "end": "2025-03-13", "granularity": "day"},
                      "evidence": [{"sentence": "x", "start": 0, "end": 1}]})
    assert ev.actor == "G7"
