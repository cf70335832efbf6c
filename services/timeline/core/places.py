"""Place names -> canonical places at three levels: settlement, region, country.

The grouping key (`grouping.entry_key_parts`) needs one normalized place per event. The
text gives places at every precision ("Sudzha", "the Kursk region", "southern Russia",
"Russia"), so each event type keys at the level its happenings live at (see
`grouping.PLACE_LEVEL`). A small gazetteer maps the places of this project's corpus (the
Kursk campaign, the Russia-Ukraine war, the North Korea-Russia ties) to their region and
country. Names it does not know are only normalized (lowercased, articles, direction words
and 'region/oblast' words stripped): they still group with identical spellings, and a
`Location.country` set by the extractor is used as their country.

Pure data and pure functions; no I/O.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

from schemas.events import Location

PlaceLevel = Literal["settlement", "region", "country"]

# Spelling variants and translations -> one settlement/area name.
_ALIASES: dict[str, str] = {
    "kiev": "kyiv",
    "odessa": "odesa",
    "kharkov": "kharkiv",
    "zaporozhye": "zaporizhzhia",
    "zaporizhia": "zaporizhzhia",
    "kurakhovo": "kurakhove",
    "bila": "belaya",
    "malaya loknya": "mala loknya",
    "russian federation": "russia",
    "russland": "russia",
    "nga": "russia",
    "россия": "russia",
    "ukraina": "ukraine",
    "україна": "ukraine",
    "dprk": "north korea",
    "democratic people's republic of korea": "north korea",
    "nordkorea": "north korea",
    "triều tiên": "north korea",
    "republic of korea": "south korea",
    "rok": "south korea",
    "us": "united states",
    "u.s.": "united states",
    "u.s": "united states",
    "usa": "united states",
    "america": "united states",
    "united states of america": "united states",
    "uk": "united kingdom",
    "britain": "united kingdom",
    "great britain": "united kingdom",
    "donbass": "donbas",
    "курск": "kursk",
}

# settlement or area -> (region, country). Regions are oblasts (or the country itself for
# capitals and whole countries). Only places this project's articles talk about.
_GAZETTEER: dict[str, tuple[str, str]] = {
    # Kursk oblast (Russia)
    "kursk": ("kursk", "russia"),
    "sudzha": ("kursk", "russia"),
    "korenevo": ("kursk", "russia"),
    "berdin": ("kursk", "russia"),
    "belaya": ("kursk", "russia"),
    "mala loknya": ("kursk", "russia"),
    "sverdlikovo": ("kursk", "russia"),
    "plekhovo": ("kursk", "russia"),
    "pogrebki": ("kursk", "russia"),
    "lgov": ("kursk", "russia"),
    "rylsk": ("kursk", "russia"),
    "glushkovo": ("kursk", "russia"),
    "tetkino": ("kursk", "russia"),
    "kurchatov": ("kursk", "russia"),
    "martynovka": ("kursk", "russia"),
    "makhnovka": ("kursk", "russia"),
    "nikolaevo-darino": ("kursk", "russia"),
    "darino": ("kursk", "russia"),
    "olgovka": ("kursk", "russia"),
    "kremyanoye": ("kursk", "russia"),
    "cherkasskaya konopelka": ("kursk", "russia"),
    # other Russian regions
    "belgorod": ("belgorod", "russia"),
    "shebekino": ("belgorod", "russia"),
    "bryansk": ("bryansk", "russia"),
    "rostov": ("rostov", "russia"),
    "moscow": ("moscow", "russia"),
    "russia": ("russia", "russia"),
    # Ukraine
    "sumy": ("sumy", "ukraine"),
    "yunakivka": ("sumy", "ukraine"),
    "kharkiv": ("kharkiv", "ukraine"),
    "donetsk": ("donetsk", "ukraine"),
    "donbas": ("donetsk", "ukraine"),
    "kurakhove": ("donetsk", "ukraine"),
    "pokrovsk": ("donetsk", "ukraine"),
    "avdiivka": ("donetsk", "ukraine"),
    "vuhledar": ("donetsk", "ukraine"),
    "bakhmut": ("donetsk", "ukraine"),
    "chasiv yar": ("donetsk", "ukraine"),
    "toretsk": ("donetsk", "ukraine"),
    "velyka novosilka": ("donetsk", "ukraine"),
    "luhansk": ("luhansk", "ukraine"),
    "zaporizhzhia": ("zaporizhzhia", "ukraine"),
    "kherson": ("kherson", "ukraine"),
    "mykolaiv": ("mykolaiv", "ukraine"),
    "odesa": ("odesa", "ukraine"),
    "dnipro": ("dnipropetrovsk", "ukraine"),
    "kyiv": ("kyiv", "ukraine"),
    "lviv": ("lviv", "ukraine"),
    "crimea": ("crimea", "ukraine"),
    "ukraine": ("ukraine", "ukraine"),
    # elsewhere
    "north korea": ("north korea", "north korea"),
    "pyongyang": ("north korea", "north korea"),
    "south korea": ("south korea", "south korea"),
    "seoul": ("south korea", "south korea"),
    "korean peninsula": ("korean peninsula", "korean peninsula"),
    "saudi arabia": ("saudi arabia", "saudi arabia"),
    "jeddah": ("saudi arabia", "saudi arabia"),
    "riyadh": ("saudi arabia", "saudi arabia"),
    "turkey": ("turkey", "turkey"),
    "istanbul": ("turkey", "turkey"),
    "united states": ("united states", "united states"),
    "washington": ("united states", "united states"),
    "alaska": ("united states", "united states"),
    "united kingdom": ("united kingdom", "united kingdom"),
    "london": ("united kingdom", "united kingdom"),
    "france": ("france", "france"),
    "paris": ("france", "france"),
    "belarus": ("belarus", "belarus"),
    "minsk": ("belarus", "belarus"),
    "iran": ("iran", "iran"),
    "china": ("china", "china"),
    "beijing": ("china", "china"),
}

# Words that qualify a place without naming another one: "southern Russia", "the Kursk
# region", "Kursk Oblast", "Gebiet Kursk", "vùng Kursk".
_DIRECTIONS = r"(?:north|south|east|west|central|northern|southern|eastern|western|" \
              r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|" \
              r"southeast|southwest)"
_PREFIX = re.compile(rf"^(?:the\s+)?(?:(?:{_DIRECTIONS})\s+)?(?:(?:gebiet|oblast|region|province|vùng|tỉnh)\s+)?")
_SUFFIX = re.compile(r"\s+(?:region|oblast|province|area|district|border\s+region|front|gebiet)$")


# Pure on a string, and a stream names the same few hundred places over and over.
@lru_cache(maxsize=65536)
def normalize_name(name: str) -> str:
    """Lowercase, NFC, collapse spaces, strip leading 'the'/direction words and trailing
    'region'/'oblast' words, apply spelling aliases. Never empty for a non-blank name."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().lower()
    text = text.strip(" .,;:'\"’‘“”()")
    if not text:
        return "-"
    for candidate in (text, _SUFFIX.sub("", _PREFIX.sub("", text, count=1)).strip()):
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
