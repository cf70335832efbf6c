"""Vocabularies the extractor matches on the surface of a sentence, loaded once: the shared
party table and gazetteer (`services/common/knowledge`), and the surface lexicon
(`services/extract/data/lexicon.json`: page-furniture patterns, unit words, place cues).

Nothing here knows about particular articles: every list can grow in the data files.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable
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


def longest_first(words: Iterable[str]) -> str:
    """A regex alternation of `words` that prefers the longest word matching at a position, as
    `"|".join(sorted(words, key=len, reverse=True))` does, written as a trie of their characters.

    Why: `re` tries a flat alternation's branches one by one at every position where one might
    start, so scanning a text for the gazetteer's 1,300 names cost time in proportion to their
    number. In the trie a position costs a few branches per character. The matches are the same:
    the words that match at one position are prefixes of one another, and the trie tries the
    deeper (longer) one first and falls back to a shorter one when what follows fails, in the
    order the sorted alternation would."""
    trie: dict[str, Any] = {}
    for w in words:
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}  # the end of a word
    return _trie_regex(trie)


def _trie_regex(node: dict[str, Any]) -> str:
    branches = [re.escape(ch) + _trie_regex(child) for ch, child in sorted(node.items()) if ch]
    if "" in node:
        branches.append("")  # last: a longer word is tried before this one ends here
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


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
    guide_codes: frozenset[str] = frozenset()  # `PartyTable.guide_codes`


@lru_cache(maxsize=1)
def resources() -> Resources:
    table = party_table()
    # No leading look-behind (it would disable the regex engine's first-character scan): the
    # character before a match is checked in code.
    # (names that name no party are matched too, whole, so that no party is read inside them:
    # find_parties skips what is not an alias)
    party_regex = re.compile(
        r"(?:" + longest_first([*table.aliases, *table.not_parties]) + r")(?![\w])(?:['’]s\b|['’](?!\w))?")
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
    # the towns of the war's countries that GeoNames knows, under its Latin spellings too
    # ('Lysychansk', 'Sievierodonetsk', 'Kreminna', 'Izmail'), but no party's name nor a word of
    # one ('Volodymyr' is a town and Zelensky's first name)
    party_names = {a.casefold() for a in table.aliases} | {w.casefold() for a in table.aliases for w in a.split()}
    for spelling in gaz.theatre:
        if spelling.casefold() in party_names or spelling.casefold() in place_alias:
            continue
        place_alias[spelling.casefold()] = gaz.geonames[spelling]
        names.add(spelling)
    # Region suffixes are matched by the pattern, so aliases stay short.
    place_regex = re.compile(
        r"(?:" + longest_first(names) + r")(?:['’]s)?"
        r"(?:\s+(?:region|Region|Oblast|oblast|area|province|front|border\s+region))?(?![\w])")
    res = Resources(table.parties, party_regex, table.aliases, gaz.places, place_regex, place_alias, gaz,
                    _load("lexicon.json"), guide_codes=table.guide_codes)
    _compile_lexicon(res)
    return res


def _knowledge_places() -> list[dict[str, Any]]:
    from services.common.knowledge import KNOWLEDGE_DIR
    with open(KNOWLEDGE_DIR / "places.json", encoding="utf-8") as fh:
        places: list[dict[str, Any]] = json.load(fh)["places"]
    return places


def _compile_lexicon(res: Resources) -> None:
    lex, rx = res.lex, res.rx
    # A line pattern anchored at the start is tried at the start only (`rx[...+"_start"].match`):
    # in one alternation with the unanchored ones `re.search` tried it at every position.
    for name, key, flags in (("noise", "noise_line_patterns", re.I), ("bio", "bio_patterns", 0)):
        anchored = [p for p in lex[key] if _anchored(p)]
        rx[f"{name}_start"] = _any_of(anchored, flags)
        rx[name] = _any_of([p for p in lex[key] if p not in anchored], flags)
    rx["anaphoric_place"] = words_regex(lex["anaphoric_places"])
    res.lex["anaphoric_keys"] = tuple({p.lower().split()[-1] for p in lex["anaphoric_places"]})
    rx["place_cue"] = re.compile("|".join(lex["place_cue_patterns"]), re.I)


def _any_of(patterns: list[str], flags: int) -> re.Pattern[str]:
    """One regex matching where any of `patterns` does (none: a regex that never matches, and
    being anchored, fails at the first position instead of at each)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) if patterns else r"\A(?!)", flags)


def _anchored(pattern: str) -> bool:
    """The pattern can match only at the start of a text: it begins with '^' (no re.M here) and
    has no '|' outside its groups and character classes, which would start another branch."""
    if not pattern.startswith("^"):
        return False
    depth, k, in_class = 0, 1, False
    while k < len(pattern):
        ch = pattern[k]
        if ch == "\\":
            k += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            k += 1
            if pattern[k:k + 1] == "^":
                k += 1
            if pattern[k:k + 1] == "]":
                k += 1  # a ']' right after '[' or '[^' is a member, not the end
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return False
        k += 1
    return True
