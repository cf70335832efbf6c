"""Party and place mentions found in a text, with character offsets."""
from __future__ import annotations

import re
from typing import NamedTuple

from services.extract.core.resources import Place, Resources

_POSS = re.compile(r"['’]s?$")
_HYPHENED = re.compile(r"(\w+)-$")
_SUFFIX = re.compile(r"(?:['’]s)?(?:\s+(?:region|Region|Oblast|oblast|area|province|front|border\s+region))?$")


# Mentions are NamedTuples, immutable records that are cheap to build: an article makes some
# hundred of them (the text's scan, then each sentence's copy with offsets of its own).
class PartyMention(NamedTuple):
    code: str
    start: int
    end: int
    text: str
    form: str  # noun, adj, inst, person
    possessive: bool

    @classmethod
    def implied(cls, code: str, form: str = "noun") -> PartyMention:
        """A party the sentence does not name: the last sentence's actor, the speaker, the
        other side."""
        return cls(code, 0, 0, "", form, False)

    def shifted(self, offset: int) -> PartyMention:
        """The mention with offsets `offset` characters earlier (relative to a sentence)."""
        return PartyMention(self.code, self.start - offset, self.end - offset, self.text, self.form, self.possessive)


class PlaceMention(NamedTuple):
    place: Place | None
    name: str
    start: int
    end: int
    text: str
    anaphoric: bool = False

    def shifted(self, offset: int) -> PlaceMention:
        """The mention with offsets `offset` characters earlier (relative to a sentence)."""
        return PlaceMention(self.place, self.name, self.start - offset, self.end - offset, self.text, self.anaphoric)


# A word in capitals that opens a tabloid's sentence, the sentence going on in lower case ('RUSSIA
# took control of ...', 'UKRAINIAN troops have ...'); not a dateline ('KYIV (Reuters) -', 'KYIV,
# UKRAINE Russia fired ...'), a headline in capitals or a hyphened code ('US-ROK').
_CAPITALS = re.compile(r"(?<![\w-])[A-Z][A-Z’']{2,}(?= [a-z])")


def _with_names_capitalised(text: str, res: Resources) -> str:
    """`text` with each word in capitals that no party is named by as written ('NATO', 'SBU')
    written as a name ('RUSSIA' -> 'Russia'), so that the names are found in it; the same length,
    so that every offset holds."""
    if not _CAPITALS.search(text):
        return text
    return _CAPITALS.sub(lambda m: m.group(0) if m.group(0) in res.party_alias
                         else m.group(0)[0] + m.group(0)[1:].lower(), text)


def find_parties(text: str, res: Resources) -> list[PartyMention]:
    out: list[PartyMention] = []
    original, text = text, _with_names_capitalised(text, res)
    for m in res.party_regex.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            continue
        raw = m.group(0)
        poss = raw.endswith(("'s", "’s", "'", "’"))
        base = re.sub(r"['’]s?$", "", raw) if poss else raw
        info = res.party_alias.get(base)
        if info is None:
            continue
        if text.startswith("$", m.end()):
            continue  # a currency's sign: 'US$2 billion in military aid to Ukraine' names no party
        if base.isupper() and len(base) <= 3 and (before := _HYPHENED.search(text, 0, m.start())) \
                and before.group(1).isupper() and before.group(1) not in res.party_alias:
            # the end of an upper-case name, not a body: 'KIM JONG-UN' ('Russian-US talks', 'US-UK'
            # and 'pro-Russian' are read)
            continue
        code, form = info
        if form == "inst" and out and out[-1].code != code and out[-1].form in ("adj", "noun") \
                and text[out[-1].end:m.start()] == " ":
            # an institution's name right after another side's name is that side's body: 'the
            # Ukrainian National Guard', "Ukraine's Defense Department" (the names 'National Guard'
            # and 'Defense Department' stand for the US's alone)
            continue
        out.append(PartyMention(code, m.start(), m.end(), original[m.start():m.end()], form, poss))
    return out


def find_places(text: str, res: Resources) -> list[PlaceMention]:
    out: list[PlaceMention] = []
    taken: list[tuple[int, int]] = []
    text = _with_names_capitalised(text, res)
    for m in res.place_regex.finditer(text):
        if m.start() and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_"):
            continue
        raw = m.group(0)
        base = _SUFFIX.sub("", raw)
        canon = res.place_alias.get(base.casefold())
        if canon is None:
            continue
        out.append(PlaceMention(res.places[canon], canon, m.start(), m.end(), raw))
        taken.append((m.start(), m.end()))
    low = text.lower()
    cued = " of " in low or "oblast" in low or "region" in low or "province" in low
    cues = res.rx["place_cue"].finditer(text) if cued else ()
    for m in cues:
        name = next((g for g in m.groups() if g), None)
        if not name:
            continue
        gi = next(i for i, g in enumerate(m.groups(), 1) if g)
        s, e = m.start(gi), m.end(gi)
        if any(a <= s < b for a, b in taken):
            continue
        name = re.sub(r"['’]s$", "", name)
        if name in res.party_alias or name.lower() in ("the", "a"):
            continue
        canon = res.place_alias.get(name.casefold())
        place = res.places.get(canon) if canon else None
        out.append(PlaceMention(place, canon or name, s, e, name))
        taken.append((s, e))
    ana = res.rx["anaphoric_place"].finditer(text) if any(k in low for k in res.lex["anaphoric_keys"]) else ()
    for m in ana:
        if any(a <= m.start() < b for a, b in taken):
            continue
        out.append(PlaceMention(None, m.group(0), m.start(), m.end(), m.group(0), anaphoric=True))
    out.sort(key=lambda p: p.start)
    return out
