"""The one gazetteer reads the war's towns by their other Latin spellings (GeoNames alternate
names of Ukrainian, Russian and Belarusian towns), and nothing that is not spelt as a name."""
from __future__ import annotations

import pytest

from services.common.knowledge import gazetteer


@pytest.mark.parametrize(("spelling", "town"), [
    ("Severodonetsk", "Siverskodonetsk"),
    ("Sievierodonetsk", "Siverskodonetsk"),
    ("Lisichansk", "Lysychansk"),
])
def test_other_spellings_name_the_same_town(spelling: str, town: str) -> None:
    place = gazetteer().lookup(spelling)
    assert place is not None and place.name == town and place.country == "Ukraine"


@pytest.mark.parametrize("word", ["SEV", "everodoneck", "Северодонецк", "Sunday"])
def test_codes_lowercase_forms_and_other_scripts_are_not_read(word: str) -> None:
    place = gazetteer().lookup(word)
    assert place is None or place.name != "Siverskodonetsk"


def test_a_curated_place_keeps_its_name_over_a_spelling() -> None:
    place = gazetteer().lookup("Kiev")
    assert place is not None and place.name == "Kyiv" and place.curated


@pytest.mark.parametrize(("name", "holder"), [
    ("Crimea", "Russia"), ("Sevastopol", "Russia"),
    ("Kerch", "Russia"),  # a curated town in a held region
    ("Simferopol", "Russia"), ("Yalta", "Russia"),  # GeoNames towns of the held regions
    ("Kyiv", "Ukraine"), ("Kursk", "Russia"), ("Kharkiv", "Ukraine"),
])
def test_ground_held_since_before_the_war_names_its_holder(name: str, holder: str) -> None:
    """Crimea lies in Ukraine and is held by Russia: a drone shot down over it is Ukraine's."""
    place = gazetteer().lookup(name)
    assert place is not None and place.holder == holder
    assert place.country == "Ukraine" or name in ("Kursk",)


@pytest.mark.parametrize(("text", "town"), [
    ("The troops withdrew from Lysychansk.", "Lysychansk"),
    ("Fighting went on in Severodonetsk.", "Siverskodonetsk"),
    ("Russian troops dug in near Kreminna.", "Kreminna"),
])
def test_the_war_s_towns_are_read_in_the_text(text: str, town: str) -> None:
    """The extractor finds GeoNames towns of the war's countries in a text, not only the curated ones."""
    from services.extract.core.mentions import find_places
    from services.extract.core.resources import resources
    assert [p.name for p in find_places(text, resources())] == [town]


def test_a_word_of_a_party_s_name_is_no_town() -> None:
    """'Volodymyr' is a Ukrainian town and Zelensky's first name: in a name it is no place."""
    from services.extract.core.mentions import find_places
    from services.extract.core.resources import resources
    assert find_places("Ukrainian President Volodymyr Zelensky spoke on Monday.", resources()) == []
