"""Place names -> canonical places at three levels: settlement, region, country.

The grouping key (`grouping.entry_key_parts`) needs one normalized place per event. The
text gives places at every precision ("Sudzha", "the Kursk region", "southern Russia",
"Russia"), so each event type keys at the level its happenings live at (see
`grouping.PLACE_LEVEL`). The shared gazetteer (`services/common/knowledge`, also read by the
extractor) maps places to their region and country. Names it does not know are only normalized
(lowercased, articles, direction words and 'region/oblast' words stripped): they still group with
identical spellings, and a `Location.country` set by the extractor is used as their country.

Pure functions over data loaded once; no I/O per call.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from schemas.events import Location
from services.common.knowledge import gazetteer, normalize_place_name

PlaceLevel = Literal["settlement", "region", "country"]

def _tables() -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """From the shared gazetteer (services/common/knowledge): spelling variants and
    translations -> one normalized name, and a normalized name -> (region, country)."""
    gaz = gazetteer()
    aliases: dict[str, str] = {}
    levels: dict[str, tuple[str, str]] = {}
    def reducible(name: str) -> bool:
        # 'southern Russia' is Russia at every level the timeline keys on ('South Korea' is not)
        return re.match(r"(?i)(?:north|south|east|west)(?:-?(?:east|west))?ern\s|central\s", name) is not None

    for alias, canonical in gaz.aliases.items():
        name = canonical.casefold()
        if alias != name and not reducible(canonical):
            aliases[alias] = name
    for place in gaz.places.values():
        if (not place.curated and place.kind != "country") or reducible(place.name):
            continue
        name = place.name.casefold()
        country = (place.country or place.name).casefold()
        region = (place.region or (place.name if place.kind in ("region", "country", "area") else place.country)
                  or place.name).casefold()
        levels[name] = (region, country)
    for variant, canonical in _SPELLINGS.items():
        aliases.setdefault(variant, canonical)
    return aliases, levels


# Abbreviations the gazetteer's country names do not carry.
_SPELLINGS = {"us": "united states", "u.s.": "united states", "u.s": "united states", "usa": "united states",
              "america": "united states", "united states of america": "united states", "uk": "united kingdom",
              "britain": "united kingdom", "great britain": "united kingdom", "russian federation": "russia",
              "dprk": "north korea", "democratic people's republic of korea": "north korea",
              "republic of korea": "south korea", "rok": "south korea"}
_ALIASES, _GAZETTEER = _tables()

# Pure on a string, and a stream names the same few hundred places over and over.
@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Lowercase, NFC, collapse spaces, strip leading 'the'/direction words and trailing
    'region'/'oblast' words, apply spelling aliases. Never empty for a non-blank name."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().lower()
    text = text.strip(" .,;:'\"’‘“”()")
    if not text:
        return "-"
    candidate = text
    for candidate in (text, normalize_place_name(text)):
        if candidate in _ALIASES:
            return _ALIASES[candidate]
        if candidate in _GAZETTEER:
            return candidate
    return candidate or text


def canonical_place(location: Location, level: PlaceLevel) -> str:
    """The place an event keys on, at the given level (see the module docstring)."""
    name = normalize_name(location.name)
    known = _GAZETTEER.get(name)
    if level == "settlement":
        return name
    if known is not None:
        return known[0] if level == "region" else known[1]
    if level == "country" and location.country:
        return normalize_name(location.country)
    return name


def place_tokens(location: Location) -> frozenset[str]:
    """The names a location filter may use for this location: its normalized name, its
    region and its country (so `location=kursk` finds Sudzha, `location=russia` finds Kursk).
    A projection indexes entries by these tokens."""
    return frozenset(canonical_place(location, lvl) for lvl in ("settlement", "region", "country"))


def place_matches(query: str, location: Location) -> bool:
    """Whether a location filter (`?location=`) names this location (see `place_tokens`)."""
    return normalize_name(query) in place_tokens(location)
