"""Party mentions found in a text (`core.mentions.find_parties`)."""
from __future__ import annotations

from services.extract.core.mentions import find_parties
from services.extract.core.resources import resources


def codes(text: str) -> list[str]:
    return [p.code for p in find_parties(text, resources())]


def test_the_end_of_a_hyphened_name_is_no_body():
    # an upper-case headline name ends in the letters of the United Nations' code
    assert "UN" not in codes("KIM JONG-UN has sent Russia 10,000 troops, say the Pentagon.")
    assert codes("The UN and the EU condemned the strike.")[:2] == ["UN", "EU"]


def test_a_side_after_a_prefix_is_read():
    assert "RUS" in codes("pro-Russian separatists shelled the town")


def test_two_sides_joined_by_a_hyphen_are_both_read():
    assert codes("Russian-US expert-level talks took place in Riyadh.")[:2] == ["RUS", "USA"]
    assert codes("the US-UK statement") == ["USA", "GBR"]
