"""The rule files are YAML 1.1, where a bare `no`, `yes`, `on`, `off`, `true` or `false` is a
boolean: in a list of words it silently stops being a word (the negations once lacked 'no', and
the verbs of denial 'false'). Every item of every list in them must be a string or a mapping."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from services.extract.core.rules import RULES_DIR

RULE_FILES = sorted(Path(RULES_DIR).glob("*.yaml"))


def _list_items_that_are_not_words(node: Any, path: str) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _list_items_that_are_not_words(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, (bool, type(None))):
                found.append(f"{path}[{i}] = {item!r}")
            found += _list_items_that_are_not_words(item, f"{path}[{i}]")
    return found


def test_the_rule_files_are_found() -> None:
    assert {p.name for p in RULE_FILES} >= {"triggers.yaml", "noise.yaml", "classes.yaml", "modality.yaml",
                                            "attribution.yaml", "figures.yaml"}


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_no_list_holds_a_yaml_boolean(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert _list_items_that_are_not_words(data, path.name) == []


def test_the_check_finds_a_bare_no() -> None:
    assert _list_items_that_are_not_words(yaml.safe_load("negations: [not, no]"), "x") == ["x.negations[1] = False"]


def test_the_negations_hold_no() -> None:
    from services.extract.core.rules import rules
    assert "no" in rules().negations
