"""Rules and vocabularies, loaded once from `services/extract/data/*.json` and compiled.

Nothing here knows about particular articles: every list can grow in the data files.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def _load(name: str) -> dict[str, Any]:
    with open(DATA_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def words_regex(words: list[str], flags: int = re.I) -> re.Pattern[str]:
    """A regex matching any of `words` as whole words (longest first)."""
    alts = sorted({w for w in words if w}, key=len, reverse=True)
    return re.compile(r"(?<![\w’'-])(?:" + "|".join(re.escape(w) for w in alts) + r")(?![\w])", flags)


@dataclass(frozen=True)
class PartyInfo:
    code: str
    label: str
    country: str | None
    opponents: tuple[str, ...]
    multilateral: bool


@dataclass(frozen=True)
class Place:
    name: str
    kind: str
    country: str | None
    lat: float | None
    lon: float | None
    parent: str | None

    @property
    def rank(self) -> int:
        return PLACE_RANK.get(self.kind, 3)


PLACE_RANK = {"village": 0, "settlement": 0, "town": 1, "city": 1, "area": 2, "region": 2, "country": 4}


class WordMatch:
    """A match-like object for `WordFinder` hits."""
    __slots__ = ("_s", "_e", "_t")

    def __init__(self, s: int, e: int, t: str) -> None:
        self._s, self._e, self._t = s, e, t

    def start(self) -> int:
        return self._s

    def end(self) -> int:
        return self._e

    def group(self, _: int = 0) -> str:
        return self._t


_TOKEN = re.compile(r"\w+(?:[-’']\w+)*")


class WordFinder:
    """Whole-word lookup of several phrase lists in one pass, much faster than big alternation regexes.

    `find(text)` returns {category: [WordMatch, ...]}; within a category, matches do not overlap."""

    def __init__(self, lists: dict[str, list[str]]) -> None:
        self.first: dict[str, list[tuple[str, str]]] = {}
        for cat, phrases in lists.items():
            for p in sorted({p.lower() for p in phrases if p}, key=len, reverse=True):
                self.first.setdefault(p.split()[0], []).append((p, cat))
        for v in self.first.values():
            v.sort(key=lambda x: len(x[0]), reverse=True)
        self.cats = list(lists)

    def find(self, text: str) -> dict[str, list[WordMatch]]:
        low = text.lower()
        out: dict[str, list[WordMatch]] = {c: [] for c in self.cats}
        skip: dict[str, int] = {}
        first = self.first
        n = len(low)
        for m in _TOKEN.finditer(low):
            tok = m.group(0)
            cands = first.get(tok)
            if cands is None:
                if "’" in tok or "'" in tok:
                    cands = first.get(re.split(r"[’']", tok)[0])
                if cands is None:
                    continue
            s = m.start()
            done = set()
            for p, cat in cands:
                if cat in done or s < skip.get(cat, -1):
                    continue
                e = s + len(p)
                if low.startswith(p, s) and (e >= n or not (low[e].isalnum() or low[e] == "_")):
                    out[cat].append(WordMatch(s, e, text[s:e]))
                    skip[cat] = e
                    done.add(cat)
        return out


@dataclass
class Resources:
    parties: dict[str, PartyInfo]
    party_regex: re.Pattern[str]
    party_alias: dict[str, tuple[str, str]]  # alias -> (code, form)
    country_party: dict[str, str]
    places: dict[str, Place]
    place_regex: re.Pattern[str]
    place_alias: dict[str, str]  # alias (casefolded) -> canonical name
    lex: dict[str, Any]
    rx: dict[str, re.Pattern[str]] = field(default_factory=dict)


def _party_aliases(parties_data: dict[str, Any]) -> tuple[dict[str, PartyInfo], dict[str, tuple[str, str]]]:
    infos: dict[str, PartyInfo] = {}
    alias: dict[str, tuple[str, str]] = {}
    for code, d in parties_data.items():
        infos[code] = PartyInfo(code, d.get("label", code), d.get("country"), tuple(d.get("opponents", ())),
                                bool(d.get("multilateral")))
        for form, key in (("person", "people"), ("inst", "institutions"), ("adj", "adjectives"), ("noun", "nouns")):
            for a in d.get(key, ()):
                variants = {a}
                if a.startswith("the "):
                    variants.add("The " + a[4:])
                for v in variants:
                    alias.setdefault(v, (code, form))
    return infos, alias


@lru_cache(maxsize=1)
def resources() -> Resources:
    pdata = _load("parties.json")["parties"]
    infos, alias = _party_aliases(pdata)
    alts = sorted(alias, key=len, reverse=True)
    # No leading look-behind (it would disable the regex engine's first-character scan): the
    # character before a match is checked in code.
    party_regex = re.compile(
        r"(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w])(?:['’]s\b|['’](?!\w))?")
    country_party = {i.country: c for c, i in infos.items() if i.country}

    gdata = _load("gazetteer.json")["places"]
    places: dict[str, Place] = {}
    place_alias: dict[str, str] = {}
    for p in gdata:
        place = Place(p["name"], p.get("kind", "area"), p.get("country"), p.get("lat"), p.get("lon"), p.get("parent"))
        places[place.name] = place
        names = [p["name"], *p.get("aliases", ())]
        if place.kind in ("region", "city", "town"):
            for n in list(names):
                if " " not in n:
                    names += [f"{n} region", f"{n} Region", f"{n} Oblast", f"{n} oblast", f"{n} area", f"{n} province"]
        for n in names:
            place_alias.setdefault(n.casefold(), place.name)
    place_alts = sorted({n for p in gdata for n in [p["name"], *p.get("aliases", ())]}, key=len, reverse=True)
    # Region suffixes are matched by the pattern, so aliases stay short.
    place_regex = re.compile(
        r"(?:" + "|".join(re.escape(a) for a in place_alts) + r")(?:['’]s)?(?:\s+(?:region|Region|Oblast|oblast|area|province|front|border\s+region))?(?![\w])")

    lex = _load("lexicon.json")
    res = Resources(infos, party_regex, alias, country_party, places, place_regex, place_alias, lex)
    _compile_lexicon(res)
    return res


def _compile_lexicon(res: Resources) -> None:
    lex, rx = res.lex, res.rx
    rx["noise"] = re.compile("|".join(f"(?:{p})" for p in lex["noise_line_patterns"]), re.I)
    anchored = [p for p in lex["noise_line_patterns"] if p.startswith("^")]
    floating = [p for p in lex["noise_line_patterns"] if not p.startswith("^")]
    # One anchored alternation (cheap: tried at the line start only) and the few floating patterns.
    rx["noise_list"] = [re.compile("|".join(f"(?:{p})" for p in anchored), re.I)] + [  # type: ignore[assignment]
        re.compile(p, re.I) for p in floating]
    rx["bio"] = re.compile("|".join(f"(?:{p})" for p in lex["bio_patterns"]))
    av = lex["attribution_verbs"]
    res.lex["attr_kind"] = {w: k for k, ws in av.items() for w in ws}
    rx["attr_words"] = WordFinder({  # type: ignore[assignment]
        "verb": [w for ws in av.values() for w in ws], "prep": lex["attribution_prepositions"],
        "noun": [w for ws in lex["attribution_nouns"].values() for w in ws]})
    res.lex["attr_noun_kind"] = {w: k for k, ws in lex["attribution_nouns"].items() for w in ws}
    rx["report_anaphora"] = words_regex(lex["report_anaphora"])
    rx["claim_noun"] = words_regex(lex["claim_nouns"])
    rx["hedge"] = re.compile(words_regex(lex["hedges"]).pattern + "|" + "|".join(lex["hedge_patterns"]), re.I)
    res.lex["hedge_keywords"] = tuple(w.lower()[:6] for w in lex["hedges"]) + ("report", "said to", "unconfirmed")
    res.lex["cue_rx"] = {k: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(ws, key=len, reverse=True)) + r")(?![\w-])", re.I)
                         for k, ws in lex["casualty_cues"].items()}
    rx["estimate"] = words_regex(lex["estimate_cues"])
    rx["expect"] = words_regex(lex["expect_cues"])
    rx["conditional"] = words_regex(lex["conditional_words"])
    rx["generic"] = words_regex(lex["generic_words"])
    rx["negation"] = re.compile("|".join(f"(?:{p})" for p in lex["negation_patterns"]), re.I)
    rx["purpose"] = re.compile("|".join(f"(?:{p})" for p in lex["purpose_patterns"]), re.I)
    rx["since"] = re.compile("|".join(f"(?:{p})" for p in lex["since_patterns"]), re.I)
    rx["troop"] = words_regex(lex["troop_nouns"])
    rx["weapon"] = words_regex(lex["weapon_nouns"])
    rx["target"] = words_regex(lex["target_nouns"])
    rx["territory"] = words_regex(lex["territory_nouns"])
    rx["generic_event"] = words_regex(lex["generic_event_nouns"])
    rx["anaphoric_place"] = words_regex(lex["anaphoric_places"])
    res.lex["anaphoric_keys"] = tuple({p.lower().split()[-1] for p in lex["anaphoric_places"]})
    rx["place_cue"] = re.compile("|".join(lex["place_cue_patterns"]), re.I)
    rx["reciprocal"] = words_regex(lex["reciprocal_words"])
    res.lex["non_final"] = set(lex["non_final_words"])
    res.lex["abbrev"] = set(lex["abbreviations"])
    res.lex["place_preps"] = set(lex["place_prepositions"])
    res.lex["loc_preps"] = set(lex["locative_prepositions"])
