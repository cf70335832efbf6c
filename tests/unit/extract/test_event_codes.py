"""Events name parties by the annotation guide's codes (`parties.json` 'annotated_as')."""
from __future__ import annotations

from services.common.knowledge import party_table

# shared/corpus/ANNOTATION.md, "Fields of a gold event": actor
ANNOTATION_CODES = {"UKR", "RUS", "PRK", "USA", "KOR", "IRN", "UN", "WEST"}


def test_a_party_is_annotated_as_a_code_of_the_guide():
    table = party_table().parties
    mapped = {code: info.annotated_as for code, info in table.items() if info.annotated_as}
    assert mapped, "no party is renamed"
    assert set(mapped.values()) <= ANNOTATION_CODES
    assert not (set(mapped) & ANNOTATION_CODES), "a code of the guide is its own event code"
    # the governments the guide's own gold codes WEST ('German Leopard' tanks), and the blocs
    assert {"DEU", "GBR", "FRA", "NATO", "EU", "G7"} <= set(mapped)
    # parties outside the West keep their code: the guide has none for them
    assert table["CHN"].event_code == "CHN" and table["BLR"].event_code == "BLR"
