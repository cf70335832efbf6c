"""Check one rule example: parse it, extract, compare with what the rule file expects."""
from __future__ import annotations

from datetime import date
from typing import Any

from schemas.article import Article
from services.extract.core import extract
from services.extract.core.rules import Example


def example_article(example: Example) -> Article:
    return Article(id="example", text=example.text, published_at=date.fromisoformat(example.published_at),
                   source=example.outlet, title=example.title)


def _slot_ok(event: dict[str, Any], key: str, want: Any) -> bool:
    if key == "claimants":
        return sorted(c.get("party") or "-" for c in event.get("claimants") or []) == sorted(want)
    if key == "locations":  # the first places given, in order ([]: no place at all)
        names = [loc["name"] for loc in event.get("locations") or []]
        return names[:len(want)] == want if want else not names
    if key == "time_from_article":
        return bool((event.get("time") or {}).get("from_article_date")) == want
    if key == "told_in":  # a sentence that must be among the event's evidence
        return any(want in ev["sentence"] for ev in event.get("evidence") or [])
    if key == "time_start":
        return (event.get("time") or {}).get("start") == want
    if key == "quantities":  # every figure wanted is there ([]: no figure at all)
        have = event.get("quantities") or []
        if not want:
            return not have
        return all(any(q["kind"] == w["kind"] and all(q.get(k) == v for k, v in w.items()) for q in have) for w in want)
    return event.get(key) == want


def check(example: Example, events: list[dict[str, Any]]) -> str | None:
    """None when the events agree with the example, else what is wrong."""
    if example.forbidden_type is not None:  # (with or without an event expected beside it)
        bad = [e for e in events if example.forbidden_type in ("*", e["type"])]
        if bad:
            return f"expected no {example.forbidden_type} event, got {[(e['type'], e.get('actor')) for e in bad]}"
    if example.expect is None:
        return None
    want = example.expect
    cands = [e for e in events if e["type"] == want["type"]]
    if not cands:
        return f"expected a {want['type']} event, got {[(e['type'], e.get('actor')) for e in events]}"
    if "count" in want and len(cands) != want["count"]:  # 'the incursion' told again is no second event
        return f"expected {want['count']} {want['type']} event(s), got {len(cands)}"
    for e in cands:
        if all(_slot_ok(e, k, v) for k, v in want.items() if k != "count"):
            return None
    shown = [{k: e.get(k) for k in want} for e in cands]
    return f"expected {want}, got {shown}"


def run(example: Example, parsed) -> str | None:
    return check(example, [e.model_dump(mode="json") for e in extract(parsed)])
