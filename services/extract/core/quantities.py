"""Numbers with their units: '10,000 to 12,000 North Korean troops', 'about 1,300 square kilometers',
'tens of thousands of troops', 'half of its territory', 'eight civilian deaths'."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from services.extract.core.resources import Resources, resources

_WORDNUMS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100, "a dozen": 12, "a thousand": 1000,
}
# compound tens as written out: 'Fifty-three seriously injured fighters', 'twenty one'
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_ONES = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_WORDNUMS.update({f"{tens}{sep}{ones}": tv + ov for tens, tv in _TENS.items() for ones, ov in _ONES.items()
                  for sep in ("-", " ")})
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 1e2}
_SHARES = {"half": 0.5, "a half": 0.5, "one-half": 0.5, "a third": 1 / 3, "one-third": 1 / 3, "one third": 1 / 3,
           "two-thirds": 2 / 3, "two thirds": 2 / 3, "a quarter": 0.25, "one-quarter": 0.25, "one quarter": 0.25,
           "three-quarters": 0.75, "three quarters": 0.75}
_VAGUE = ["hundreds of thousands", "tens of thousands", "thousands", "hundreds", "dozens", "scores"]
_APPROX = (r"about|around|approximately|roughly|nearly|almost|some|over|more\s+than|at\s+least|up\s+to|an\s+estimated|"
           r"estimated|close\s+to|upwards\s+of|in\s+excess\s+of|just\s+over|just\s+under|as\s+many\s+as|exceeded|exceeding|"
           r"exceeds|less\s+than|fewer\s+than|under|an\s+additional\s+estimated")

_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s*(?:million|billion|thousand))?"
_WNUM = r"(?:" + "|".join(sorted((re.escape(w) for w in _WORDNUMS), key=len, reverse=True)) + r")(?:\s+(?:thousand|hundred|million))?"
_ANYNUM = f"(?:{_NUM}|{_WNUM})"

_QTY = re.compile(
    rf"(?<![\w$€£.,-])(?:(?P<approx>{_APPROX})\s+)?"
    rf"(?:between\s+(?P<b1>{_ANYNUM})\s+and\s+(?P<b2>{_ANYNUM})"
    rf"|(?P<n1>{_ANYNUM})(?:\s*(?:-|–|to)\s*(?P<n2>{_ANYNUM}))?"
    rf"|(?P<vague>{'|'.join(_VAGUE)})"
    rf"|(?P<share>{'|'.join(sorted((re.escape(w) for w in _SHARES), key=len, reverse=True))})(?=\s+(?:of|the)\b)"
    rf")(?P<pct>\s*(?:%|percent|per\s+cent))?(?![\w-])",
    re.I)
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
# A speed gate: every figure _QTY finds holds a digit or one of these words (the last word of
# each number word, vague amount and share it knows), so a text without them is not scanned.
_NUMBER_WORDS = tuple(sorted({k.split()[-1] for k in (*_WORDNUMS, *_VAGUE, *_SHARES)}))
_DIGIT = re.compile(r"\d")
# two small numbers joined by a dash, the first not below the second: a game's score ('2-1', '3–0')
_SCORE = re.compile(r"(?:1?\d)\s*[-–]\s*(?:1?\d)")



_PART_OF_TIME = re.compile(r"(?i)\s+of\s+(?:the\s+|this\s+|last\s+|next\s+)?(?:(?:19|20)\d\d\b|year|month|week|decade|century|day)")
# a preposition of time before a bare year: the year dates the clause, it counts nothing
_YEAR_AFTER = re.compile(r"(?i)\b(?:in|of|since|by|until|till|before|after|during|from|early|late|mid)\s+$")

def _may_hold_figures(text: str) -> bool:
    # only for ASCII text: what re.I and \d match outside ASCII the lowercase test would miss
    if not text.isascii() or _DIGIT.search(text):
        return True
    low = text.lower()
    return any(w in low for w in _NUMBER_WORDS)


@dataclass(frozen=True)
class Qty:
    start: int
    end: int  # end of the number (and of the unit phrase in unit_end)
    unit_end: int
    value: float | None
    low: float | None
    high: float | None
    approx: bool
    vague: str | None
    unit: str | None  # unit class (see lexicon quantity_units) or None
    civilian: bool = False  # a 'civilian' modifier
    text: str = ""


def _num(text: str) -> float | None:
    t = text.strip().lower()
    scale = 1.0
    for w, f in _SCALES.items():
        if t.endswith(" " + w) or (t.endswith(w) and t[:-len(w)].strip() and t[:-len(w)].strip()[-1].isdigit()):
            t = t[: -len(w)].strip()
            scale = f
            break
    if t in _WORDNUMS:
        return _WORDNUMS[t] * scale
    try:
        return float(t.replace(",", "")) * scale
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _unit_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    res = resources()
    units = res.lex["quantity_units"]
    alias: dict[str, str] = {}
    for cls, words in units.items():
        for w in words:
            alias.setdefault(w.lower(), cls)
    alts = sorted(alias, key=len, reverse=True)
    # Up to four modifier words between the number and the unit noun ('North Korean', 'highly motivated and').
    rx = re.compile(
        r"^\s*(?:of\s+(?:the\s+)?)?(?P<mods>(?:(?!(?:" + "|".join(re.escape(a) for a in alts) + r")\b)[\w’'-]+\s+){0,4}?)"
        r"(?P<unit>" + "|".join(re.escape(a) for a in alts) + r")\b", re.I)
    return rx, alias


_STOP_MODS = re.compile(r"\b(?:of|in|on|to|at|by|from|were|was|are|is|have|has|had|been|and\s+the|that|which|who|since|for)\b", re.I)


# the tests find_quantities makes of each number's surroundings, compiled once
_MONTH_BEFORE = re.compile(_MONTHS + r"\s*$", re.I)
_MONTH_AFTER = re.compile(r"\s*(?:st|nd|rd|th)?\s+" + _MONTHS + r"(?:\s|,|$)", re.I)
_CURRENCY_BEFORE = re.compile(r"[$€£]\s*$")
_CURRENCY_AFTER = re.compile(r"\s*(?:billion|million)?\s*(?:dollars|euros|\$)", re.I)
_COMPOUND_UNIT = re.compile(r"-\w|\s*-\s*(?:year|day|month|week|hour|mile|kilometer|kilometre|millimeter|mm|km)\b", re.I)
_CLOCK = re.compile(r":\d\d")
_CLOCK_BEFORE = re.compile(r"\d:$")
_DURATION = re.compile(r"\s+(?:[\w-]+\s+)?(?:days?|weeks?|months?|years?|hours?|decades?|centuries|times"
                       r"|percent\s+of\s+(?:its|their|the)\s+gdp)\b", re.I)
_OWN_NUMBER = re.compile(r"\s+(?:(?:" + _APPROX + r"|another)\s+)?" + _ANYNUM + r"\b", re.I)


def find_quantities(text: str, res: Resources | None = None) -> list[Qty]:
    unit_rx, unit_alias = _unit_regex()
    out: list[Qty] = []
    if not _may_hold_figures(text):
        return out
    for m in _QTY.finditer(text):
        s, e = m.start(), m.end()
        before = text[max(0, s - 12):s]
        if _MONTH_BEFORE.search(before) and not m.group("approx"):
            continue  # a date: 'August 6', 'Feb. 18'
        if _MONTH_AFTER.match(text[e:e + 16]) \
                and not m.group("approx"):
            continue  # a date told day first: 'since 10 October', 'on 24 February'
        if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.match(text[e:e + 20]):
            continue
        if _COMPOUND_UNIT.match(text[e:e + 12]):
            continue  # '30-day ceasefire', '122-millimeter shells'
        if _DURATION.match(text[e:e + 25]):
            continue  # durations and multipliers: 'over three months', 'four times'
        if _CLOCK.match(text[e:e + 4]) or _CLOCK_BEFORE.search(text[max(0, s - 3):s]):
            continue  # a time of day: 'As of 11:00, a Russian attack on Uman killed 10 people'
        value = low = high = None
        vague = None
        pct = bool(m.group("pct"))
        if m.group("b1"):
            low, high = _num(m.group("b1")), _num(m.group("b2"))
        elif m.group("n1"):
            if m.group("n2"):
                low, high = _num(m.group("n1")), _num(m.group("n2"))
                if _SCORE.fullmatch(m.group(0)) and low is not None and high is not None and low >= high:
                    continue  # a match's score, no count: 'Iceland lost 2-1 to Ukraine'
                if low is not None and high is not None and low >= high:
                    low = high = None
                    value = _num(m.group("n1"))
            else:
                value = _num(m.group("n1"))
        elif m.group("vague"):
            vague = m.group("vague").lower()
        elif m.group("share"):
            if _PART_OF_TIME.match(text[e:e + 24]):
                continue  # 'in the latter half of 2024': a stretch of time, not a share
            value = _SHARES[m.group("share").lower()]
            out.append(Qty(s, e, e, value, None, None, False, None, "share", False, m.group(0)))
            continue
        if value is None and low is None and vague is None:
            continue
        if value is not None and 1900 <= value <= 2100 and not m.group("approx") and "," not in m.group(0):
            nxt = unit_rx.match(text[e:e + 60])
            if not nxt or _YEAR_AFTER.search(text[max(0, s - 12):s]):
                continue  # a year ('In 2022 Ukrainian troops retook Kherson')
        approx = bool(m.group("approx")) and not re.match(r"(?i)under|less|fewer", m.group("approx") or "")
        if pct:
            if value is not None:
                out.append(Qty(s, e, e, value / 100, None, None, approx, None, "share", False, m.group(0)))
            elif low is not None and high is not None:  # a range: both ends or neither
                out.append(Qty(s, e, e, None, low / 100, high / 100, approx, None, "share", False, m.group(0)))
            continue
        unit = None
        unit_end = e
        civilian = False
        um = unit_rx.match(text[e:e + 80])
        if um and _OWN_NUMBER.match(text[e + um.end():e + um.end() + 30]):
            um = None  # 'killed one and injured (more than) three': 'injured' counts its own number
        if um and not _STOP_MODS.search(um.group("mods")):
            unit = unit_alias[um.group("unit").lower()]
            unit_end = e + um.end()
            civilian = bool(re.search(r"\bcivilian", um.group("mods"), re.I))
            if unit == "civ" and um.group("unit").lower() == "civilian":
                # 'eight civilian deaths': 'civilian' modifies the following noun
                um2 = unit_rx.match(text[e + um.end():e + um.end() + 40])
                if um2:
                    unit = unit_alias[um2.group("unit").lower()]
                    unit_end = e + um.end() + um2.end()
                civilian = True
        if unit is None and not vague:
            # a partitive: 'at least 1,000 of the 11,000 troops' counts troops too
            pm = re.match(r"\s+of\s+(?:the|these|those|its|their)\s+(?:\d[\d,]*\s+)?", text[e:e + 30])
            if pm:
                um2 = unit_rx.match(text[e + pm.end():e + pm.end() + 60])
                if um2 and not _STOP_MODS.search(um2.group("mods")):
                    unit = unit_alias[um2.group("unit").lower()]
                    unit_end = e + pm.end() + um2.end()
        if vague and unit is None:
            continue
        if vague is None and value is not None and value < 1:
            continue
        out.append(Qty(s, e, unit_end, value, low, high, approx, vague, unit, civilian, m.group(0)))
    return out
