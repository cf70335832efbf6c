"""Figures and their units."""
from __future__ import annotations

import pytest

from services.extract.core.quantities import find_quantities


def q(text: str):
    return [(x.value, x.low, x.high, x.approx, x.vague, x.unit) for x in find_quantities(text)]


@pytest.mark.parametrize("text,expected", [
    ("the deployment of 10,000 to 12,000 North Korean troops", [(None, 10000, 12000, False, None, "mil")]),
    ("dispatched approximately 10,000 to 12,000 soldiers", [(None, 10000, 12000, True, None, "mil")]),
    ("Russia has deployed over 50,000 troops", [(50000, None, None, True, None, "mil")]),
    ("an estimated 14,000 North Korean soldiers", [(14000, None, None, True, None, "mil")]),
    ("a force of tens of thousands of troops", [(None, None, None, False, "tens of thousands", "mil")]),
    ("Thousands of Ukrainian troops have been killed", [(None, None, None, False, "thousands", "mil")]),
    ("two battalions of North Korean troops", [(2, None, None, False, None, "battalions")]),
    ("the recovery of about 1,300 square kilometers of land", [(1300, None, None, True, None, "km2")]),
    ("seized around 500 square miles of territory", [(500, None, None, True, None, "sqmi")]),
    ("lost half of its occupied territory", [(0.5, None, None, False, None, "share")]),
    ("controls around 20% of the territory", [(0.2, None, None, True, None, "share")]),
    ("a wave of 145 Russian drones", [(145, None, None, False, None, "drones")]),
    ("resulted in eight civilian deaths", [(8, None, None, False, None, "cas_killed")]),
    ("an additional 2,700 reported injured", [(2700, None, None, False, None, "cas_wounded")]),
    ("at least 1,000 of the 11,000 troops", [(1000, None, None, True, None, "mil"), (11000, None, None, False, None, "mil")]),
    # a time of day counts nothing
    ("As of 11:00, a Russian attack on Uman killed 10 people", [(10, None, None, False, None, "civ")]),
])
def test_figures(text, expected) -> None:
    assert q(text) == expected


@pytest.mark.parametrize("text", [
    "in August 2024", "a 30-day ceasefire", "on Feb. 18", "an $873 billion plan", "122-millimeter shells",
    "over three months", "at least four times that of Ukraine", "the war that began in 2022",
    "since 10 October, Russia lost", "on 24 February 2022",
])
def test_no_figures(text) -> None:
    assert [x for x in find_quantities(text) if x.unit not in (None,)] == []
    assert all(x.unit is None for x in find_quantities(text))
