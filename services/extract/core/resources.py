"""Vocabularies the extractor matches on the surface of a sentence, loaded once: the shared
party table and gazetteer (`services/common/knowledge`), and the surface lexicon
(`services/extract/data/lexicon.json`: page-furniture patterns, unit words, place cues).

Nothing here knows about particular articles: every list can grow in the data files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from services.common.knowledge import Gazetteer, PartyInfo, Place, gazetteer, party_table

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

__all__ = ["PartyInfo", "Place", "Resources", "resources", "words_regex"]


def _load(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def words_regex(words: list[str], flags: int = re.I) -> re.Pattern[str]:
    """A regex matching any of `words` as whole words (longest first)."""
    alts = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(w) for w in alts) + r")(?![\w])", flags)


@dataclass
class Resources:
    parties: dict[str, PartyInfo]
    party_regex: re.Pattern[str]
    party_alias: dict[str, tuple[str, str]]  # alias -> (code, form)
    places: dict[str, Place]
    place_regex: re.Pattern[str]
    place_alias: dict[str, str]  # alias (casefolded) -> canonical name
    gazetteer: Gazetteer
    lex: dict[str, Any]
    rx: dict[str, re.Pattern[str]] = field(default_factory=dict)


@lru_cache(maxsize=1)
def resources() -> Resources:
    table = party_table()
    alts = sorted(table.aliases, key=len, reverse=True)
    # No leading look-behind (it would disable the regex engine's first-character scan): the
    # character before a match is checked in code.
    party_regex = re.compile(
        r"(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])(?:['’]s\b|['’](?!\w))?")
    gaz = gazetteer()
    curated = [p for p in gaz.places.values() if p.curated or p.kind == "country"]
    place_alias: dict[str, str] = {}
    names: set[str] = set()
    raw = {p["name"]: p.get("aliases", ()) for p in _knowledge_places()}
    for place in curated:
        spellings = [place.name, *raw.get(place.name, ())]
        if place.kind in ("region", "city", "town"):
            for n in list(spellings):
                if " " not in n:
                    spellings += [f"{n} region", f"{n} Region", f"{n} Oblast", f"{n} oblast", f"{n} area",
                                  f"{n} province"]
        for n in spellings:
            place_alias.setdefault(n.casefold(), place.name)
            if n[:1].isupper():
                names.add(n)
    place_alts = sorted(names, key=len, reverse=True)
    # Region suffixes are matched by the pattern, so aliases stay short.
    place_regex = re.compile(
        r"(?:" + "|".join(re.escape(a) for a in place_alts) + r")(?:['’]s)?"
        r"(?:\s+(?:region|Region|Oblast|oblast|area|province|front|border\s+region))?(?![\w])")
    res = Resources(table.parties, party_regex, table.aliases, gaz.places, place_regex, place_alias, gaz,
                    _load("lexicon.json"))
    _compile_lexicon(res)
    return res


def _knowledge_places() -> list[dict[str, Any]]:
    from services.common.knowledge import KNOWLEDGE_DIR
    with open(KNOWLEDGE_DIR / "places.json", encoding="utf-8") as fh:
        places: list[dict[str, Any]] = json.load(fh)["places"]
    return places


def _compile_lexicon(res: Resources) -> None:
    lex, rx = res.lex, res.rx
    rx["noise"] = re.compile("|".join(f"(?:{p})" for p in lex["noise_line_patterns"]), re.I)
    rx["bio"] = re.compile("|".join(f"(?:{p})" for p in lex["bio_patterns"]))
    rx["anaphoric_place"] = words_regex(lex["anaphoric_places"])
    res.lex["anaphoric_keys"] = tuple({p.lower().split()[-1] for p in lex["anaphoric_places"]})
    rx["place_cue"] = re.compile("|".join(lex["place_cue_patterns"]), re.I)
