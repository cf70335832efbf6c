"""Time expressions and their resolution against the publication date.

`find_times(text)` returns expressions with offsets; `resolve(expr, published, future)` turns one
into (start, end, granularity, fuzzy). Past reading by default; `future` (an expected event, or
'next'/'tomorrow' in the expression) reads weekdays, months and seasons forwards.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
MONTHS["sept"] = 9
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

# a month and day at most this many days after the publication date is read in its year, as a date
# still to come; further on, as last year's
_SCHEDULE_DAYS = 14

_WD = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MON = (r"(?:january|february|march|april|may|june|july|august|september|october|november|december|"
        r"jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?)")
_YEAR = r"(?:19[5-9]\d|20[0-4]\d)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
_NUMW = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a\s+few|a\s+couple\s+of|several|few)"

# Order matters: earlier alternatives win at the same position. Durations come first so that
# 'for two years' or 'within months' is consumed and ignored.
_PATTERNS = [
    ("ignore", rf"\b(?:for|within|in\s+the\s+next|over\s+the\s+next|throughout)\s+(?:over\s+|more\s+than\s+|nearly\s+|almost\s+|about\s+|the\s+past\s+|the\s+last\s+)?(?:{_NUMW}\s+)?(?:days?|weeks?|months?|years?|decades?|hours?)\b"),
    ("ignore", rf"\b(?:over|more\s+than|nearly|almost|about)\s+{_NUMW}\s+(?:days?|weeks?|months?|years?|decades?)\b(?!\s+ago)"),
    ("ignore", rf"\b{_NUMW}\s+(?:days?|weeks?|months?|years?)\s+(?:after|before|later|earlier|into|of)\b"),
    ("ignore", r"\b(?:the\s+)?(?:19th|20th|21st)\s+(?:and\s+(?:early\s+)?(?:19th|20th|21st)\s+)?centur(?:y|ies)\b"),
    ("wd_range", rf"\bbetween\s+({_WD})\s+and\s+({_WD})\b"),
    ("year_range", rf"\bbetween\s+({_YEAR})\s+and\s+({_YEAR})\b"),
    ("date", rf"\b(?:on\s+)?({_MON})\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+({_YEAR}))?\b"),
    ("date2", rf"\b(?:on\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MON})(?:,?\s+({_YEAR}))?\b"),
    ("part_month", rf"\b(early|mid-?|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of)\s*({_MON})(?:\s+({_YEAR}))?\b"),
    ("part_year", rf"\b(?:in\s+)?(early|mid-?|late|the\s+end\s+of|the\s+beginning\s+of|the\s+start\s+of|the\s+first\s+half\s+of|the\s+second\s+half\s+of)\s*({_YEAR})\b"),
    ("season", rf"\b(?:(over|during|in|by|through|until|before|this|last|next|early|late|mid-?|the)\s+)?(?:the\s+)?(?:(next|last|this|past|coming)\s+)?({_SEASON})(?:\s+(?:of\s+)?({_YEAR}))?\b(?!\s+of\s+(?-i:[A-Z])[a-z])"),
    # (not a month followed by its day: 'the night of June 1st' is a date)
    ("month", rf"\b(?:(in|since|during|by|until|last|this|next|from|early|late|of)\s+)?({_MON})(?:\s+(?:of\s+)?({_YEAR}))?\b(?![\w-])(?!\s+\d{{1,2}}(?:st|nd|rd|th)?\b)"),
    ("weekday", rf"\b(?:(last|this|next|on|early|late|earlier\s+on|later\s+on|late\s+on|from)\s+)?({_WD})(?:['’]s)?(?:\s+(?:morning|afternoon|evening|night))?\b"),
    ("weekend", r"\b(?:(?:over|during|on)\s+)?(the|a|this|last|next|past)\s+weekend\b"),
    ("rel_unit", r"\b(last|this|next|past|previous|coming|earlier\s+this|later\s+this|the\s+past|the\s+previous|the\s+coming)\s+(week|month|year)\b"),
    ("recent", rf"\b(?:in|over|during)\s+(?:the\s+)?(?:(?:last|past)\s+(?:{_NUMW}\s+)?|recent\s+)(days?|weeks?|months?|years?)\b"),
    ("ago", rf"\b({_NUMW})\s+(days?|weeks?|months?|years?)\s+ago\b"),
    ("day_word", r"\b(yesterday|today|tonight|tomorrow|this\s+morning|this\s+afternoon|this\s+evening|overnight|last\s+night|earlier\s+today|currently|as\s+we\s+speak|right\s+now|at\s+present|earlier\s+in\s+the\s+day|later\s+in\s+the\s+day)\b"),
    ("year", rf"\b(?:(in|since|during|by|until|of|from|early|late|mid-?)\s+)?({_YEAR})\b(?![-\w])"),
]
# Each pattern compiled on its own, its groups after one named group as in an alternation of
# all (see `_matches`).
_SINGLE = [re.compile(f"(?P<k{i}>{p})", re.I) for i, (_, p) in enumerate(_PATTERNS)]
_NGROUPS = [re.compile(p, re.I).groups for _, p in _PATTERNS]

# Speed gates: a pattern is tried only when one word of each of its groups occurs in the sentence.
_MON_KW = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WD_KW = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNIT_KW = ("day", "week", "month", "year", "decade", "hour", "centur")
_GATES = {
    "ignore": (_UNIT_KW,),
    "wd_range": (("between",), _WD_KW),
    "year_range": (("between",), ("#digit",)),
    "date": (_MON_KW, ("#digit",)),
    "date2": (_MON_KW, ("#digit",)),
    "part_month": (_MON_KW, ("early", "mid", "late", "end", "beginning", "start")),
    "part_year": (("#digit",), ("early", "mid", "late", "end", "beginning", "start", "half")),
    "season": (("spring", "summer", "autumn", "fall", "winter"),),
    "month": (_MON_KW,),
    "weekday": (_WD_KW,),
    "weekend": (("weekend",),),
    "rel_unit": (("week", "month", "year"),),
    "recent": (("last", "past", "recent"), _UNIT_KW),
    "ago": (("ago",),),
    "day_word": (("yesterday", "today", "tonight", "tomorrow", "morning", "afternoon", "evening", "overnight", "night",
                  "currently", "speak", "right now", "present", "in the day"),),
    "year": (("#digit",),),
}
_DIGIT = re.compile(r"\d")


_ALL_GATE_WORDS = tuple(sorted({k for g in _GATES.values() for grp in g for k in grp if k != "#digit"}))
_GATE_SETS = [tuple(frozenset(grp) for grp in _GATES[kind]) for kind, _ in _PATTERNS]


def _active(text: str) -> tuple[int, ...]:
    low = text.lower()
    found = frozenset(k for k in _ALL_GATE_WORDS if k in low)
    if _DIGIT.search(text):
        found |= {"#digit"}
    if not found:
        return ()
    return _passing_gates(found)


@lru_cache(maxsize=4096)
def _passing_gates(found: frozenset[str]) -> tuple[int, ...]:
    """The patterns whose every gate group has one of the words found (few distinct sets recur)."""
    return tuple(i for i, groups in enumerate(_GATE_SETS) if all(not g.isdisjoint(found) for g in groups))


def _matches(text: str, active: tuple[int, ...]) -> Iterator[tuple[int, re.Match[str]]]:
    """(pattern, match) as `re.finditer` of the alternation of the active patterns would give them:
    the leftmost match, the earlier pattern of two starting at one position, the scan going on
    from its end. `re` ran that alternation at about half the speed of its patterns one by one
    (it saves and restores the alternation's 60-odd groups at every branch it tries), so each
    pattern is searched on its own and its next match kept until the scan passes it. A pattern's
    match at a position does not depend on where the search began (look-behinds and \\b see the
    whole text), so a kept match stays valid. No pattern matches the empty string."""
    ahead = {i: _SINGLE[i].search(text) for i in active}
    pos = 0
    while True:
        best: tuple[int, re.Match[str]] | None = None
        for i in active:
            m = ahead[i]
            if m is not None and m.start() < pos:
                m = ahead[i] = _SINGLE[i].search(text, pos)
            if m is not None and (best is None or m.start() < best[1].start()):
                best = (i, m)
        if best is None:
            return
        yield best
        pos = best[1].end()


# A pattern's groups as `re.Match.group` types them (`str | Any`): None for a group that took
# no part in the match, which each kind's pattern rules out or `resolve` checks.
Groups = tuple[str | Any, ...]


@dataclass(frozen=True)
class TimeExpr:
    start: int
    end: int
    text: str
    kind: str
    groups: Groups
    since: bool = False  # 'since X': the start of a state, not the time of an event
    forward: bool = False  # the expression itself points forward ('next', 'tomorrow', 'by spring')


def find_times(text: str) -> list[TimeExpr]:
    out: list[TimeExpr] = []
    active = _active(text)
    if not active:
        return out
    for idx, m in _matches(text, active):
        kind = _PATTERNS[idx][0]
        if kind == "ignore":
            continue
        inner = _inner_groups(m, idx)
        s, e = m.start(), m.end()
        t = m.group(0)
        low = t.lower()
        if kind == "month" and inner[1].lower().rstrip(".") in ("may", "mar", "march") and not (inner[0] or inner[2]):
            continue  # 'may' / 'march' as words
        if kind in ("month", "date") and not re.match(r"[A-Z]", (inner[1] if kind == "month" else inner[0])[:1] or "x"):
            continue  # month names are capitalized
        if kind == "season" and inner[2] and inner[2].lower() == "fall" and not (inner[0] or inner[1] or inner[3]):
            continue  # 'fall' the verb
        if kind == "season" and not (inner[0] or inner[1] or inner[3]):
            continue  # a bare season word is rarely a time
        if kind == "weekday" and not re.match(r"[A-Z]", inner[1][:1]):
            continue
        since = bool(re.match(r"since\b", low)) or bool(re.search(r"\bsince\s+$", text[max(0, s - 7):s], re.I))
        forward = bool(re.search(r"\b(?:next|tomorrow|coming|by|until|later\s+this|later\s+in)\b", low))
        out.append(TimeExpr(s, e, t, kind, inner, since, forward))
    return out


def _inner_groups(m: re.Match[str], idx: int) -> Groups:
    # Groups of alternative idx are numbered after the named group; count them from the pattern.
    gi = m.re.groupindex[f"k{idx}"]
    return tuple(m.group(gi + j + 1) for j in range(_NGROUPS[idx]))


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _num(word: str) -> int:
    w = word.lower()
    table = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
             "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a few": 3, "few": 3, "a couple of": 2, "several": 3}
    return int(w) if w.isdigit() else table.get(w, 3)


def _season_span(name: str, year: int) -> tuple[date, date]:
    a, b = SEASONS[name]
    if name == "winter":
        return date(year, 12, 1), _month_end(year + 1, 2)
    return date(year, a, 1), _month_end(year, b)


Resolved = tuple[date, date, str, bool]


def resolve(t: TimeExpr, pub: date, future: bool = False) -> Resolved | None:
    g = t.groups
    k = t.kind
    fwd = future or t.forward
    if k == "wd_range":
        a = _weekday(g[0], pub, fwd, None)
        b = _weekday(g[1], pub, fwd, None)
        if a > b:
            a -= timedelta(days=7)
        return a, b, "day", False
    if k == "year_range":
        return date(int(g[0]), 1, 1), date(int(g[1]), 12, 31), "year", False
    if k in ("date", "date2"):
        mon, day, year = (g[0], g[1], g[2]) if k == "date" else (g[1], g[0], g[2])
        mi = MONTHS.get(mon.lower().rstrip("."))
        if not mi:
            return None
        day_of_month = int(day)
        if year:
            y = int(year)
        else:
            y = pub.year
            try:
                cand = date(y, mi, day_of_month)
            except ValueError:
                return None
            if not fwd and cand > pub + timedelta(days=_SCHEDULE_DAYS):
                y -= 1  # (a date a few days on is a schedule: 'a meeting in Kyiv on June 29')
            elif fwd and cand < pub:
                y += 1
        try:
            dd = date(y, mi, day_of_month)
        except ValueError:
            return None
        return dd, dd, "day", False
    if k == "part_month":
        part, mon, year = g
        mi = MONTHS[mon.lower().rstrip(".")]  # _MON matches only names MONTHS has
        y = int(year) if year else _month_year(mi, pub, fwd, False)
        p = part.lower()
        last = calendar.monthrange(y, mi)[1]
        if p.startswith("early") or "beginning" in p or "start" in p:
            return date(y, mi, 1), date(y, mi, 10), "month", True
        if p.startswith("mid"):
            return date(y, mi, 11), date(y, mi, 20), "month", True
        return date(y, mi, 21), date(y, mi, last), "month", True
    if k == "part_year":
        part, year = g[0].lower(), int(g[1])
        if part.startswith("early") or "beginning" in part or "start" in part:
            return date(year, 1, 1), date(year, 4, 30), "season", True
        if part.startswith("mid"):
            return date(year, 5, 1), date(year, 8, 31), "season", True
        if "first half" in part:
            return date(year, 1, 1), date(year, 6, 30), "season", True
        if "second half" in part:
            return date(year, 7, 1), date(year, 12, 31), "season", True
        return date(year, 9, 1), date(year, 12, 31), "season", True
    if k == "season":
        prep, rel, name, year = (x.lower() if isinstance(x, str) else x for x in g)
        name = name.lower()
        fuzzy = prep in ("by", "until", "before", "early", "late", "mid", "mid-")
        if year:
            s, e = _season_span(name, int(year))
            return s, e, "season", fuzzy
        rel = rel or (prep if prep in ("this", "last", "next") else None)
        forward = fwd or rel in ("next", "coming") or prep in ("by", "until")
        y = pub.year
        cands = [_season_span(name, yy) for yy in (y - 2, y - 1, y, y + 1)]
        if rel == "this":
            cur = [c for c in cands if c[0] <= pub <= c[1]]
            s, e = cur[0] if cur else (min(cands, key=lambda c: abs((c[0] - pub).days)))
        elif forward:
            s, e = next(c for c in cands if c[0] > pub)
        elif rel == "last":
            s, e = [c for c in cands if c[1] < pub][-1]
        else:
            s, e = [c for c in cands if c[0] <= pub][-1]
        return s, e, "season", fuzzy
    if k == "month":
        prep, mon, year = g
        mi = MONTHS.get(mon.lower().rstrip("."))
        if not mi:
            return None
        prep = (prep or "").lower()
        y = int(year) if year else _month_year(mi, pub, fwd or prep == "next", prep == "last")
        return date(y, mi, 1), _month_end(y, mi), "month", False
    if k == "weekday":
        rel, wd = (g[0] or "").lower(), g[1]
        d = _weekday(wd, pub, fwd or rel == "next", rel)
        return d, d, "day", False
    if k == "weekend":
        rel = g[0].lower()
        forward = fwd or rel in ("next",)
        sat = pub - timedelta(days=(pub.weekday() - 5) % 7)  # most recent Saturday <= pub
        if forward and not (rel == "this" and pub.weekday() >= 5):
            sat = pub + timedelta(days=(5 - pub.weekday()) % 7)
        if rel == "last" and pub.weekday() >= 5:
            sat -= timedelta(days=7)
        return sat, sat + timedelta(days=1), "day", True
    if k == "rel_unit":
        rel, unit = re.sub(r"\s+", " ", g[0].lower()), g[1].lower()
        step = {"last": -1, "past": -1, "previous": -1, "the past": -1, "the previous": -1,
                "next": 1, "coming": 1, "the coming": 1}.get(rel, 0)
        if unit == "week":
            ws = _week_start(pub) + timedelta(days=7 * step)
            return ws, ws + timedelta(days=6), "week", True
        if unit == "month":
            y, m = pub.year, pub.month + step
            if m == 0:
                y, m = y - 1, 12
            elif m == 13:
                y, m = y + 1, 1
            return date(y, m, 1), _month_end(y, m), "month", False
        y = pub.year + step
        return date(y, 1, 1), date(y, 12, 31), "year", False
    if k == "recent":
        unit = g[0].lower().rstrip("s")
        days = {"day": 3, "week": 21, "month": 90, "year": 365}[unit]
        if not g[0].lower().endswith("s"):
            days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit]  # 'over the past day'
        gran = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
        return pub - timedelta(days=days), pub, gran, True
    if k == "ago":
        n = _num(g[0])
        unit = g[1].lower().rstrip("s")
        days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        d = pub - timedelta(days=days)
        gran = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
        return d, d, gran if unit != "day" else "day", unit != "day" or g[0].lower() in ("a few", "few", "several")
    if k == "day_word":
        w = re.sub(r"\s+", " ", g[0].lower())
        if w == "yesterday":
            d = pub - timedelta(days=1)
            return d, d, "day", False
        if w == "tomorrow":
            d = pub + timedelta(days=1)
            return d, d, "day", False
        if w in ("overnight", "last night"):
            return pub - timedelta(days=1), pub, "day", True
        return pub, pub, "day", False
    if k == "year":
        y = int(g[1])
        prep = (g[0] or "").lower()
        if prep.startswith(("early", "late", "mid")):
            return resolve(TimeExpr(t.start, t.end, t.text, "part_year", (prep, g[1])), pub, future)
        return date(y, 1, 1), date(y, 12, 31), "year", False
    return None


def _month_year(mi: int, pub: date, forward: bool, strictly_last: bool) -> int:
    if forward:
        return pub.year if mi >= pub.month else pub.year + 1
    if strictly_last:
        return pub.year if mi < pub.month else pub.year - 1
    return pub.year if mi <= pub.month else pub.year - 1


def _weekday(name: str, pub: date, forward: bool, rel: str | None) -> date:
    wd = WEEKDAYS.index(name.lower())
    if forward:
        return pub + timedelta(days=(wd - pub.weekday()) % 7)
    back = (pub.weekday() - wd) % 7
    if rel == "last" and back == 0:
        back = 7
    return pub - timedelta(days=back)
