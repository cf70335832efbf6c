"""Every example sentence of every rule file, run through the real parser and the extractor.

Generated from `services/extract/rules/*.yaml`: adding a rule with examples adds tests here.
Positive examples must give an event with the expected slots; negative ones (`expect: none`,
and every noise rule's examples) must not give the forbidden event."""
from __future__ import annotations

import pytest

from services.extract.core.rules import rules
from tests.unit.extract.rule_examples import example_article, run

EXAMPLES = rules().examples


def test_every_trigger_rule_has_examples() -> None:
    with_examples = {e.source.split(":", 1)[1] for e in EXAMPLES if e.source.startswith("triggers.yaml:")}
    assert {r.id for r in rules().triggers} <= with_examples


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.source}:{e.text[:40]}" for e in EXAMPLES])
def test_rule_example(example, parse_cache) -> None:
    problem = run(example, parse_cache.parse(example_article(example)))
    assert problem is None, f"{example.source}: {example.text!r}: {problem}"


def test_every_negative_example_forbids_an_event_type() -> None:
    """A misspelt 'forbid:' would make an example that cannot fail."""
    from schemas.events import EVENT_TYPES
    bad = [e.source for e in EXAMPLES if e.expect is None and e.forbidden_type not in ("*", *EVENT_TYPES)]
    assert not bad
