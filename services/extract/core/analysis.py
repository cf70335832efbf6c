"""Sentence analysis: parties, places, times, quantities, attributions and event triggers of one
sentence, and the candidate events ("mentions") they make. Merging happens in `extractor`.

All offsets here are relative to the sentence text unless a name says otherwise.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from services.extract.core.mentions import PartyMention, PlaceMention, find_parties, find_places
from services.extract.core.quantities import Qty, find_quantities
from services.extract.core.resources import (Place, Resources, TriggerRule, active_rules, keywords_in,
                                             trigger_subset_regex)
from services.extract.core.segment import Sentence
from services.extract.core.timex import TimeExpr, find_times

SPATIAL_TYPES = {"offensive_launched", "offensive_repelled", "territory_claimed", "troops_deployed", "casualties_claimed"}
THEATRE_KINDS = {"village", "settlement", "town", "city", "region"}

_CLAUSE = re.compile(
    r";|\s[—–]\s|—|:\s|\s-\s|[()]"
    r"|,(?!\d{3})\s*(?:which|where|while|although|though|but|after|following|amid|amidst|including|whereas|when|since|"
    r"prompting|resulting|who|whom|whose|as|with|before|until|despite|because|so|yet|(?=a\s+claim|an\s+assertion)|"
    r"(?=(?:and\s+)?(?:is|are|was|were|has|have|had|could|would|will|may|might)\b))\b"
    r"|\b(?:while|although|though|whereas|as\s+well\s+as|but|because|despite|that|if|unless|whether|since|which)\b"
    r"|,\s*and\s+(?=\w+\s+(?:is|are|was|were|has|have|had|will|would|could)\b)"
    r"|\band\s+(?=(?:is|are|was|were|has|have|had)\s+(?:been\s+)?\w+ed\b)",
    re.I)
_NON_WORD = re.compile(r"[^\w]+")
_DIGIT = re.compile(r"\d")
_CASUALTY_WORDS = (" kill", " dead", " die", " death", " wound", " injur", " casualt", " loss", " lost", " los",
                   " captur", " prisoner", " pow", " fatalit", " eliminat", " perish", " slain", " irretrievable")
_NUMBER_WORDS = tuple(f" {w} " for w in (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozen", "dozens",
    "hundreds", "thousands", "scores", "half", "third", "quarter", "twenty", "thirty", "forty", "fifty", "sixty",
    "seventy", "eighty", "ninety", "hundred", "thousand", "quarters", "thirds"))
_CLAUSE_WORDS = frozenset(("while", "although", "though", "whereas", "but", "because", "despite", "that", "if", "unless",
                           "whether", "since", "which"))
_CLAUSE_COMMA = re.compile(
    r",(?!\d{3})\s*(?:which|where|while|although|though|but|after|following|amid|amidst|including|whereas|when|since|"
    r"prompting|resulting|who|whom|whose|as|with|before|until|despite|because|so|yet|(?=a\s+claim|an\s+assertion)|"
    r"(?=(?:and\s+)?(?:is|are|was|were|has|have|had|could|would|will|may|might)\b))\b"
    r"|,\s*and\s+(?=\w+\s+(?:is|are|was|were|has|have|had|will|would|could)\b)", re.I)
_CLAUSE_PUNCT = re.compile(r";|\s[—–]\s|—|:\s|\s-\s|[()]")
_CLAUSE_WORD = re.compile(r"\b(?:while|although|though|whereas|but|because|despite|that|if|unless|whether|which)\b"
                          r"|\bsince\b(?!\s+(?:(?:early|late|mid-?|last)\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|\d|then|"
                          r"the\s+(?:start|beginning|outset|end|launch)|world\s+war))"
                          r"|\bas\s+well\s+as\b|\band\s+(?=(?:is|are|was|were|has|have|had)\s+(?:been\s+)?\w+ed\b)", re.I)


def _clause_bounds(text: str) -> list[tuple[int, int, str]]:
    """Clause boundaries (start, end, opening word), the same as one big alternation, but faster."""
    out = []
    if "," in text:
        out += [(m.start(), m.end(), m.group(0).strip(" ,").lower()) for m in _CLAUSE_COMMA.finditer(text)]
    out += [(m.start(), m.end(), m.group(0).strip(" ,").lower()) for m in _CLAUSE_PUNCT.finditer(text)]
    out += [(m.start(), m.end(), m.group(0).strip(" ,").lower()) for m in _CLAUSE_WORD.finditer(text)]
    out.sort()
    # drop boundaries inside another ('..., which' also holds 'which')
    merged: list[tuple[int, int, str]] = []
    for b in out:
        if merged and b[0] < merged[-1][1]:
            continue
        merged.append(b)
    return merged


_SUBORDINATE = {"since", "if", "unless", "whether", "although", "though", "because", "while", "whereas", "despite"}
_SEGMENT = re.compile(r",(?!\d{3})|;|\s[—–]\s|—|:\s|[()]")
_FILLER = {"the", "a", "an", "its", "their", "his", "her", "our", "some", "all", "many", "several", "additional",
           "other", "about", "around", "over", "more", "than", "approximately", "nearly", "up", "to", "at", "least",
           "an", "estimated", "another", "further", "new", "these", "those", "this", "that", "both", "two", "three",
           "thousands", "hundreds", "tens", "of"}
_AUX = re.compile(r"(?:\s+(?:\w+ly|long|since|still|yet|even|often|has|have|had|also|again|publicly|firmly|reportedly|previously|earlier|recently|already|"
                  r"repeatedly|now|further|then|later|officially|separately|initially|first|once|just|was|were|is|are|"
                  r"been|being|be|would|will|could|did|does|do|not|never|however|swiftly|quickly|immediately|"
                  r"strongly|flatly|categorically|openly|explicitly|only|had|yet|still|itself|themselves)\b,?)+\s*$",
                  re.I)
_PREP_ROLE = {"into": "target", "on": "target", "against": "against", "targeting": "target", "toward": "target",
              "towards": "target", "at": "loc", "in": "loc", "near": "loc", "within": "loc", "inside": "loc",
              "across": "loc", "throughout": "loc", "around": "loc", "outside": "loc", "to": "dest", "from": "src",
              "by": "agent", "with": "partner", "alongside": "partner", "beside": "partner", "besides": "partner",
              "support": "partner", "supporting": "partner", "of": "obj", "between": "between", "among": "between",
              "for": "for", "over": "loc", "about": "obj", "involving": "involving", "than": "obj", "like": "obj",
              "following": "adv", "after": "adv", "before": "adv", "amid": "adv", "amidst": "adv", "during": "adv",
              "despite": "adv", "since": "adv", "until": "adv", "unlike": "adv", "including": "adv", "among": "between"}
_TIME_WORDS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
               "jan.", "feb.", "aug.", "sept.", "oct.", "nov.", "dec.", "week", "month", "year", "weekend", "today"}
_NUMWORD = re.compile(r"^(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|\d+)$", re.I)


@dataclass
class Attribution:
    start: int  # cue span
    end: int
    kind: str  # say, estimate, deny, hedge
    claimants: list[tuple[str | None, str]]
    np_start: int
    np_end: int
    scope: tuple[int, int]
    claim_noun: bool = False  # 'denied claims that ...' / 'claims of'
    backward_copy: bool = False  # ', a claim rejected by X': deny a copy of the events before


@dataclass
class Trigger:
    type: str
    rule: TriggerRule
    start: int
    end: int
    text: str
    weak: bool = False
    since: bool = False
    dropped: str | None = None  # reason, when the trigger makes no event


@dataclass
class Mention:
    """A candidate event found in one sentence."""
    type: str
    sentence: Sentence
    trig_start: int
    trig_text: str
    actor: str | None = None
    partners: list[str] = field(default_factory=list)
    against: str | None = None
    locations: list[tuple[str, Place | None, bool]] = field(default_factory=list)  # (name, place, explicit)
    quantities: list[dict] = field(default_factory=list)
    time: tuple[date, date, str, bool] | None = None
    time_text: str | None = None
    time_source: str = "article"
    claimants: list[tuple[str | None, str]] = field(default_factory=list)
    modality: str = "asserted"
    change: str | None = None
    movement: str | None = None
    recipient: str | None = None
    weak: bool = False
    since: bool = False

    @property
    def info(self) -> int:
        exact = any(q.get("vague") is None for q in self.quantities)
        return (4 * exact + 2 * bool(self.quantities) + 2 * (self.time_source in ("own", "attribution")) +
                bool([l for l in self.locations if l[2]]) + bool(self.claimants))


@dataclass
class ArticleState:
    pub: date
    people: dict[str, str] = field(default_factory=dict)  # names learnt from appositions -> party
    last_speaker: tuple[str | None, str] | None = None
    last_person: tuple[str | None, str] | None = None
    last_theatre: tuple[str, Place | None] | None = None
    focus: tuple[str, Place | None] | None = None
    prev_attr: tuple[list, tuple | None] | None = None  # claimants, time of the previous sentence's attribution
    prev_strike_time: tuple | None = None
    prev_strike_text: str | None = None


@dataclass
class Ctx:
    s: Sentence
    text: str
    res: Resources
    state: ArticleState
    parties: list[PartyMention]
    roles: list[str]
    places: list[PlaceMention]
    times: list[TimeExpr]
    quants: list[Qty]
    bounds: list[tuple[int, int, str]]
    segs: list[int]
    attrs: list[Attribution] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    actors: dict = field(default_factory=dict)

    def clause(self, pos: int) -> tuple[int, int, str]:
        """(start, end, opening word) of the clause around pos."""
        start, opener, end = 0, "", len(self.text)
        for a, b, t in self.bounds:
            if b <= pos:
                start, opener = b, t
            elif a >= pos:
                end = a
                break
        if opener in _SUBORDINATE:
            # 'Since a surprising offensive in August, Ukrainian forces ...': the clause ends at the comma
            if "," not in self.text[start:pos]:
                c = self.text.find(",", pos, end)
                if c > 0 and not self.text[c + 1:c + 4].isdigit():
                    end = c
        return start, end, opener

    def segment(self, pos: int) -> tuple[int, int]:
        start, end = 0, len(self.text)
        for p in self.segs:
            if p <= pos:
                start = p
            else:
                end = p
                break
        return start, end


# --- parties ---------------------------------------------------------------------------------

_COORD = re.compile(r"\s*(?:,|and|or|,\s*and|nor)\s*(?:the\s+)?", re.I)
_ROLE_WORDS = re.compile(r"[\w’'.-]+|[,;:“”\"()]")


def _role(text: str, pm: PartyMention, prev: PartyMention | None, prev_role: str | None) -> str:
    before = text[max(0, pm.start - 60):pm.start]
    # Coordination: 'Russian and North Korean soldiers', 'between Trump and Zelensky'.
    if prev is not None and _COORD.fullmatch(text, prev.end, pm.start):
        return prev_role or "subj"
    words = _ROLE_WORDS.findall(before)
    skipped = 0
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        lw = w.lower()
        if lw == "of" and skipped and k > 0 and words[k - 1][:1].isupper():
            continue  # a title: 'Secretary of State Marco Rubio'
        if lw in _TIME_WORDS or (len(lw) == 4 and lw.isdigit() and lw[:2] in ("19", "20")):
            return "subj"  # 'By October 2024 Russian forces ...': a time phrase, not a preposition of the party
        if lw in _PREP_ROLE:
            return _PREP_ROLE[lw]
        if lw in _FILLER or _NUMWORD.match(lw) or lw.endswith(("’s", "'s")):
            continue
        if w[:1].isupper() and "." not in w and skipped < 3:
            skipped += 1
            continue
        if skipped == 0 and w[:1].islower() and "." not in w and lw not in ("and", "or", "said", "says", "that"):
            skipped += 1  # one adjective: 'into the Russian territory', 'of 13 North Korean'
            continue
        break
    return "subj"


# --- attributions ----------------------------------------------------------------------------

_NP_TOKEN = re.compile(r"[\w.’'-]+")
_NP_STOP = re.compile(r"\s*(?:[,;:]|\.(?=\s*$|\s+[A-Z“\"])|\bthat\b|\bon\b|\bin\s+a\b|\bwho\b|$)")
_APPOS = re.compile(r"\s*(?:(?:a|an|the)\s|(?:[A-Z][\w.]*\s+){0,2}(?:deputy|chief|head|spokes\w*|former|senior|top|director|"
                    r"minister|ambassador|envoy|adviser|advisor|commander|president|secretary|editor|member|analyst|expert|"
                    r"leader|general|representative|senator|lawmaker|official|author|professor|fellow|researcher))", re.I)
_APPOS_VERB = re.compile(r"\b(?:has|have|had|is|are|was|were|said|says|will|would)\b|\b\w+s\s+(?:its|their|the)\b")


def _np_left(ctx: Ctx, end: int) -> tuple[int, int] | None:
    """The noun phrase that ends at `end` (a speaker before a verb), as (start, end)."""
    text, lex = ctx.text, ctx.res.lex
    np_words = set(lex["np_words"])
    j = end
    toks = list(_NP_TOKEN.finditer(text, 0, end))
    start = None
    n = 0
    pron = lex["pronouns"]
    rev = list(reversed(toks))
    for k, t in enumerate(rev):
        gap = text[t.end():j]
        if gap.strip() and gap.strip() not in ("’", "'"):
            break  # punctuation between tokens ends the phrase
        w = t.group(0)
        lw = w.lower().rstrip(".")
        if lw in pron:
            if n == 0:
                start = t.start()
                n = 1
            break
        ok = (w[:1].isupper() or lw in np_words or lw.endswith(("’s", "'s")) or
              any(p.start <= t.start() < p.end for p in ctx.parties))
        if not ok and n and w.islower() and any(
                x.group(0).endswith(("’s", "'s")) or any(p.start <= x.start() < p.end and p.form == "adj" for p in ctx.parties)
                for x in rev[k + 1:k + 3]):
            ok = True  # a modifier after a possessive: "South Korea's spy agency"
        if not ok:
            break
        start = t.start()
        j = t.start()
        n += 1
        if n >= 9:
            break
    if start is None:
        return None
    # Drop leading function words ('and', 'of', 'the' stay when inside).
    seg = text[start:end]
    m = re.match(r"(?:(?:and|of|but|while|as|so|then|also|meanwhile|however)\s+)+", seg, re.I)
    if m:
        start += m.end()
    if start >= end:
        return None
    return start, end


def _party_of_span(ctx: Ctx, a: int, b: int) -> str | None:
    for p in ctx.parties:
        if a <= p.start < b:
            return p.code
    span = ctx.text[a:b]
    for name, code in ctx.state.people.items():
        if name in span:
            return code
    return None


_SENT_ADVERBS = {"concurrently", "however", "meanwhile", "additionally", "moreover", "furthermore", "initially",
                 "still", "thus", "therefore", "instead", "separately", "similarly", "recently", "earlier", "later",
                 "previously", "today", "yesterday", "overall", "in", "on", "at", "as", "but", "and", "while", "since"}


def _speaker_ok(ctx: Ctx, a: int, b: int) -> bool:
    span = ctx.text[a:b]
    words = span.split()
    if not words or words[0].lower().strip(",") in _SENT_ADVERBS:
        return False
    if span.strip().lower() in ctx.res.lex["pronouns"]:
        return True
    if _party_of_span(ctx, a, b):
        return True
    if ctx.res.place_alias.get(span.strip().casefold()):
        return False  # a place is not a speaker
    if re.search(r"[A-Z][a-z]", span) and not re.fullmatch(r"(?:The|This|That|These|It|In|On|At|As|But|And)\b.*", span.strip()) :
        return True
    words = set(w.lower() for w in re.findall(r"[\w’'-]+", span))
    return bool(words & set(ctx.res.lex["speaker_nouns"]))


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" ,")
    # 'Ukrainian President Volodymyr Zelensky' -> 'Volodymyr Zelensky'
    m = re.match(r"^(?:(?:Ukrainian|Russian|U\.S\.|US|American|North Korean|South Korean|Former|Chinese|Canadian|"
                 r"British|French|German|Japanese|Saudi|Republican|Democratic|Kremlin|Dutch)\s+)?"
                 r"(?:(?:President|Prime Minister|Foreign Minister|Defense Minister|Defence Minister|Secretary of State|"
                 r"Secretary|Minister|General|Gen\.|Representative|Rep\.|Senator|Sen\.|Ambassador|Deputy Ambassador|"
                 r"Crown Prince|Chancellor|spokesperson|spokesman|leader|Col\.?|Colonel|Commander|Admiral|President-elect|"
                 r"Special Envoy|envoy|Chief of Staff)\s+)"
                 r"((?:[A-Z][\w’'-]+\s*){1,4})$", name)
    if m:
        return m.group(1).strip()
    return name


def _claimants_of(ctx: Ctx, a: int, b: int, appos: tuple[int, int] | None = None) -> list[tuple[str | None, str]]:
    text = ctx.text
    span = text[a:b].strip()
    low = span.lower()
    pron = ctx.res.lex["pronouns"]
    if low in pron:
        if ctx.state.last_speaker:
            return [ctx.state.last_speaker]
        return []
    # Coordinated speakers: 'Ukraine and South Korean authorities'.
    parts = []
    pos = a
    for piece in re.split(r"\s+and\s+", text[a:b]):
        ps = text.find(piece, pos)
        parts.append((ps, ps + len(piece)))
        pos = ps + len(piece)
    out = []
    if len(parts) > 1 and all(_party_of_span(ctx, x, y) for x, y in parts):
        for x, y in parts:
            out.append((_party_of_span(ctx, x, y), _clean_name(text[x:y])))
        return out
    party = _party_of_span(ctx, a, b)
    if party is None and appos:
        party = _party_of_span(ctx, appos[0], appos[1])
    name = _clean_name(span).rstrip(".,;:")
    if party and re.fullmatch(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+", name):
        # learn the person's party for later mentions ('Kovalenko remarked ...')
        ctx.state.people.setdefault(name, party)
        last = name.split()[-1]
        if len(last) > 3:
            ctx.state.people.setdefault(last, party)
    return [(party, name)]


def find_attributions(ctx: Ctx, light: bool = False) -> list[Attribution]:
    """Who says what in the sentence. `light`: only the speakers later sentences may need."""
    text, res = ctx.text, ctx.res
    kinds = res.lex["attr_kind"]
    out: list[Attribution] = []
    n = len(text)
    hits = res.rx["attr_words"].find(text)

    # 'according to X', 'as reported by X', 'citing X', 'confirmed by a top Russian general'
    for m in hits["prep"]:
        after = text[m.end():]
        if res.rx["report_anaphora"].match(text, m.start()) and ctx.state.prev_attr:
            cl, tm = ctx.state.prev_attr
            seg_end = text.find(",", m.end())
            scope = (seg_end if seg_end > 0 else m.end(), n)
            out.append(Attribution(m.start(), m.end(), "say", list(cl), m.start(), m.end(), scope))
            continue
        # the speaker: up to the next comma, clause word or sentence end, at most ten words
        head = _NP_STOP.split(after, maxsplit=1)[0]
        toks = list(re.finditer(r"\S+", head))[:10]
        if not toks:
            continue
        a, b = m.end() + toks[0].start(), m.end() + toks[-1].end()
        if not _speaker_ok(ctx, a, b):
            continue
        # appositive after the name: 'According to Andriy Kovalenko, a member of Ukraine's ..., X'
        appos = None
        am = re.match(r"\s*,\s*((?:a|an|the)\s+[^,]{3,90}?),", text[b:])
        if am:
            appos = (b + am.start(1), b + am.end(1))
        cl = _claimants_of(ctx, a, b, appos)
        rest_after = text[(appos[1] + 1) if appos else b:]
        kind = "estimate" if m.group(0).lower().startswith("estimated") else "say"
        if len(re.findall(r"\w+", rest_after)) >= 3:
            scope = ((appos[1] + 1) if appos else b, n)
        else:
            scope = (0, m.start())
        out.append(Attribution(m.start(), m.end(), kind, cl, a, b, scope))

    # verbs: 'X said (that) ...', '..., X said.', 'X denied claims that ...'
    for m in hits["verb"]:
        w = m.group(0).lower()
        kind = kinds.get(w, "say")
        vs, ve = m.start(), m.end()
        if any(a.start <= vs < a.end for a in out):
            continue
        before = text[:vs]
        if re.search(r"\b(?:the|a|an|its|their|his|her|these|those|such|of|persistent|recent|various|media)\s+$", before, re.I) \
                and w in ("claims", "reports", "estimates", "reported", "claimed", "alleged", "estimated", "report"):
            continue  # a noun or an adjective: 'the claims', 'the reported deployment'
        if w in ("claims", "reports", "estimates", "report") and not re.match(r"\s+that\b", text[ve:]) and any(
                p.form == "adj" and re.fullmatch(r"\s*(?:[a-z]+\s+)?", text[p.end:vs]) for p in ctx.parties):
            continue  # 'Ukrainian claims put ...', 'Western estimates of ...' are nouns
        if w in ("reported", "estimated", "alleged", "believed") and re.search(r"\b(?:been|be|being|is|are|was|were|an|the)\s+$", before, re.I):
            continue  # passive/adjective: handled as a hedge or an estimate cue
        if w.endswith("ed") and re.search(r"(?:\b(?:the|a|an|its|their|his|her|first|more|most|less|very|widely|well)|['’]s)\s+$", before, re.I):
            continue  # an adjective: 'Ukraine's first detailed commentary'
        stripped = _AUX.sub("", before)
        appos = None
        np = None
        participle = w.endswith("ing")
        if participle:
            stripped = ""  # a participle continues the sentence's subject: handled below
        if re.search(r",\s*$", stripped):
            # apposition: 'Andriy Kovalenko, a member of ..., said'
            inner_end = len(stripped.rstrip().rstrip(","))
            comma = stripped.rfind(",", 0, inner_end)
            if comma > 0:
                cand = _np_left(ctx, comma)
                ap = (comma + 1, inner_end)
                if cand and _speaker_ok(ctx, *cand) and _APPOS.match(text[ap[0]:ap[1]]) and \
                        not _APPOS_VERB.search(text[ap[0]:ap[1]]) and len(text[ap[0]:ap[1]].split()) <= 14:
                    np, appos = cand, ap
        if np is None:
            np = _np_left(ctx, len(stripped.rstrip().rstrip(",")))
            if np and not _speaker_ok(ctx, *np):
                np = None
        inverted = False
        if np is None:
            # inverted: '..., said Brekelmans.' / '“...,” said X'
            pm = re.match(r"\s+((?:the\s+)?[A-Z][\w.’'-]*(?:\s+(?:the\s+)?[A-Z][\w.’'-]*){0,3})", text[ve:])
            if pm and re.search(r"(?:[,.!?][”\"]?|[”\"])\s*$", stripped):
                np = (ve + pm.start(1), ve + pm.start(1) + len(pm.group(1).rstrip()))
                inverted = True
        if np is None and not participle:
            continue
        if np is None:
            # a participle continues the sentence's previous attribution: '..., reporting the targeting of ...'
            prev = next((a for a in reversed(out) if a.start < vs and a.kind != "hedge"), None)
            if prev is None and w != "citing":
                # the sentence's subject: 'President Vladimir Putin, in reflecting on ...', 'He praised ..., asserting'
                sm = re.match(r"\s*([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})", text)
                if sm and sm.end(1) < vs:
                    cand = (sm.start(1), sm.end(1))
                    if _speaker_ok(ctx, *cand) and (_party_of_span(ctx, *cand) or text[cand[0]:cand[1]].lower() in ctx.res.lex["pronouns"]):
                        out.append(Attribution(vs, ve, kind, _claimants_of(ctx, *cand), cand[0], cand[1], (ve, n)))
                continue
            if prev is None:
                cm = re.match(r"\s*([A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,4})\b", text[ve:]) if w == "citing" else None
                if cm and _speaker_ok(ctx, ve + cm.start(1), ve + cm.end(1)):
                    a, b = ve + cm.start(1), ve + cm.end(1)
                    out.append(Attribution(vs, ve, kind, _claimants_of(ctx, a, b), a, b, (0, vs)))
                continue
            out.append(Attribution(vs, ve, kind, list(prev.claimants), prev.np_start, prev.np_end, (ve, n)))
            continue
        a, b = np
        if not inverted and text[a:b].strip().lower() in ctx.res.lex["pronouns"] and w in ("estimates", "put"):
            continue
        cl = _claimants_of(ctx, a, b, appos)
        if kind == "say" and re.search(r"\b(?:estimates?|assessments?|calculations?)\b", text[a:b], re.I):
            kind = "estimate"
        after = text[ve:]
        seg_after = re.split(r"[,.;!?]", after, maxsplit=1)[0]
        rest = after[len(seg_after):]
        backward = inverted or re.search(r"[,.!?…][\"”]\s*$", text[:a]) is not None or (
            len(re.findall(r"[\w’'-]+", seg_after)) <= 5
            and (not rest.strip(" .!?\"”") or re.match(r",\s*\w+ing\b", rest))
            and re.search(r"[,”\"]\s*$", text[:a]) is not None and len(re.findall(r"\w+", text[:a])) >= 4)
        if backward:
            scope = (0, a)
        else:
            scope = (ve, n)
        claim_noun = bool(re.match(r"\s+(?:the\s+|any\s+|these\s+|such\s+|russian\s+|ukrainian\s+|western\s+|\w+['’]s\s+)?"
                                   r"(?:claims?|reports?|accusations?|allegations?|assertions?|notion|suggestions?|findings)\b",
                                   after, re.I))
        out.append(Attribution(vs, ve, kind, cl, a, b, scope, claim_noun))

    if light:
        out.sort(key=lambda x: x.start)
        return out
    # nouns: 'Ukrainian claims put ...', 'Western estimates of ...', "Gerasimov's statement", 'reports from the Kremlin'
    for m in hits["noun"]:
        ns, ne = m.start(), m.end()
        if any(a.start <= ns < a.end or a.np_start <= ns < a.np_end for a in out):
            continue
        word = m.group(0).lower()
        kind = res.lex["attr_noun_kind"].get(word, "say")
        owner = None
        # the party/person just before: 'Ukrainian claims', "South Korea's intelligence estimates"
        for p in ctx.parties:
            gap = text[p.end:ns]
            if 0 <= ns - p.end <= 40 and re.fullmatch(r"\s*(?:(?!(?:in|on|at|to|of|from|a|an|the|by|with|for|and|or)\s)[a-z][\w-]*\s+){0,2}", gap):
                owner = p
        fm = re.match(r"\s+(?:from|by|of)\s+((?:the\s+)?[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*){0,3})", text[ne:])
        if owner is not None:
            a, b = owner.start, ne
            # 'South Korea’s intelligence estimates' -> the name is the owner phrase without the noun
            name_end = ne if word in ("officials", "sources", "intelligence") else ns
            cl = [(owner.code, _clean_name(text[a:name_end].strip()) or owner.text)]
        elif fm and _party_of_span(ctx, ne + fm.start(1), ne + fm.end(1)):
            a, b = ne + fm.start(1), ne + fm.end(1)
            cl = _claimants_of(ctx, a, b)
        elif word in ("reports", "report") and re.search(r"\b(?:various|media|recent|some|several|multiple)\s+$", text[:ns], re.I):
            a, b = ns - len(re.search(r"(\w+\s+)$", text[:ns]).group(1)), ne
            cl = [(None, text[a:b])]
        else:
            continue
        if word in ("officials", "sources", "intelligence") and not re.match(r"\s+(?:say|said|estimate|believe|told|suggest)", text[ne:]):
            if word != "intelligence":
                continue
        seg_start, seg_end = ctx.segment(ne)
        scope_end = seg_end
        if word in ("statement", "claims", "claim", "reports", "report", "assertion", "assertions"):
            scope_end = ctx.clause(ne)[1] if ctx.clause(ne)[1] > ne else seg_end
            # 'statement coincided with assertions that ... over Kursk, a claim that ...'
            nxt = text.find(",", ne)
            scope_end = nxt if nxt > 0 else n
        out.append(Attribution(ns, ne, kind, cl, a, b, (ne, scope_end)))

    # hedges: 'reportedly', 'reports indicate', 'is said to'
    low = text.lower()
    hedges = res.rx["hedge"].finditer(text) if any(k in low for k in res.lex["hedge_keywords"]) else ()
    for m in hedges:
        if any(a.start <= m.start() < a.end for a in out):
            continue
        cs, ce, _ = ctx.clause(m.start())
        ss, se = ctx.segment(m.start())
        cs, ce = max(cs, ss), min(ce, se)
        if re.match(r"(?:reports?|media|recent)\s", m.group(0).lower()):
            cs = m.end()
            ce = n
        out.append(Attribution(m.start(), m.end(), "hedge", [], m.start(), m.start(), (cs, ce)))

    # denials that point backwards: '..., a claim that has been firmly rejected by X' / '— which Moscow denied'
    for m in re.finditer(r"(?:,|—|–)\s*(?:a\s+claim|an?\s+(?:assertion|allegation|accusation)|which|something)\s+(?:that\s+)?"
                         r"(?:has\s+been\s+|had\s+been\s+|was\s+|is\s+|were\s+)?(?:\w+ly\s+)?"
                         r"(?:(?:rejected|denied|disputed|dismissed|refuted)\s+by\s+(?P<np1>[^,.;]+)|(?P<np2>[^,.;]{2,60}?)\s+(?:has\s+|had\s+)?(?:\w+ly\s+)?(?:denied|rejected|disputed|dismissed|refuted))",
                         text):
        g = "np1" if m.group("np1") else "np2"
        a, b = m.start(g), m.end(g)
        cl = _claimants_of(ctx, a, b)
        out.append(Attribution(m.start(), m.end(), "deny", cl, a, b, (0, m.start()), claim_noun=True, backward_copy=True))
    out.sort(key=lambda x: x.start)
    return out


def governing(ctx: Ctx, pos: int) -> list[Attribution]:
    """Attributions whose scope covers pos, innermost last."""
    return [a for a in ctx.attrs if a.scope[0] <= pos < a.scope[1] and not a.backward_copy]


# --- sentence context ------------------------------------------------------------------------

def analyze(s: Sentence, res: Resources, state: ArticleState, places: list[PlaceMention] | None = None) -> Ctx:
    text = s.text
    parties = find_parties(text, res)
    low = " " + _NON_WORD.sub(" ", text.lower()) + " "
    found = keywords_in(low)
    numeric = _DIGIT.search(text) is not None or any(w in low for w in _NUMBER_WORDS)
    if numeric and not found and not any(w in low for w in _CASUALTY_WORDS):
        numeric = False  # figures without a trigger only matter as casualty figures
    candidate = bool(found or numeric)
    roles: list[str] = []
    if candidate:
        for i, p in enumerate(parties):
            prev = parties[i - 1] if i else None
            roles.append(_role(text, p, prev, roles[-1] if roles else None))
    else:
        roles = ["subj"] * len(parties)  # roles only matter for events
    if places is None:
        places = find_places(text, res)
    # A capital used as a party ('Moscow champions ...', "Kyiv's") is not a place; a country is a
    # place only after a locative preposition ('deployed to Russia').
    kept = []
    for pl in places:
        if pl.place is not None and pl.place.kind in ("country", "city") and not pl.anaphoric:
            is_party = any(p.start <= pl.start < p.end for p in parties)
            before = text[max(0, pl.start - 30):pl.start].lower()
            prep = re.search(r"(?:^|\s)(in|into|to|near|at|on|across|within|inside|toward|towards|around|outside|targeting|"
                             r"throughout|through|over|from|of|southern|northern|eastern|western|central)\s+(?:the\s+)?$",
                             before)
            poss = pl.text.endswith(("'s", "’s")) or text[pl.end:pl.end + 2] in ("'s", "’s")
            if is_party and (not prep or poss):
                continue
            after_place = re.search(r",\s*$", text[max(0, pl.start - 3):pl.start]) and any(
                k.end <= pl.start and pl.start - k.end <= 3 for k in kept)  # 'Jeddah, Saudi Arabia'
            if pl.place.kind == "country" and (not (prep or after_place) or poss):
                continue
        kept.append(pl)
    bounds = _clause_bounds(text)
    segs = sorted({m.start() for m in _SEGMENT.finditer(text)} | {b[0] for b in bounds})
    if not candidate:
        # nothing an event could be made of: only what later sentences need (speakers)
        ctx = Ctx(s, text, res, state, parties, roles, kept, [], [], bounds, segs)
        ctx.attrs = find_attributions(ctx, light=True)
        return ctx
    ctx = Ctx(s, text, res, state, parties, roles, kept, find_times(text), find_quantities(text, res) if numeric else [],
              bounds, segs)
    ctx.attrs = find_attributions(ctx)
    _pronoun_subjects(ctx)
    ctx.triggers = find_triggers(ctx, found)
    return ctx


_PRONOUN = re.compile(r"\b(?:he|she)\b", re.I)


def _pronoun_subjects(ctx: Ctx) -> None:
    """'He is scheduled to travel ...', '... said that he had representatives ...': a person's party."""
    text = ctx.text
    added = []
    low = " " + text.lower()
    if " he " not in low and " she " not in low and "“he " not in low and '"he ' not in low:
        return
    for m in _PRONOUN.finditer(text):
        before = text[:m.start()]
        if before.strip(" “\"‘'") and not re.search(r"(?:,|;|\bthat|\band|\bbut|\bas|\bwhen|\bwhile)\s*$", before):
            continue
        who = None
        for a in reversed(ctx.attrs):
            if a.np_end <= m.start() and a.claimants and a.claimants[0][0] and a.kind != "hedge" \
                    and text[a.np_start:a.np_end].lower() not in ("he", "she"):
                who = a.claimants[0]
                break
        if who is None and ctx.state.last_person:
            who = ctx.state.last_person
        if who and who[0]:
            added.append(PartyMention(who[0], m.start(), m.end(), m.group(0), "pronoun", False))
    if added:
        ctx.parties = sorted(ctx.parties + added, key=lambda p: p.start)
        roles: list[str] = []
        for i, p in enumerate(ctx.parties):
            prev = ctx.parties[i - 1] if i else None
            roles.append(_role(text, p, prev, roles[-1] if roles else None))
        ctx.roles = roles


# --- triggers --------------------------------------------------------------------------------

_WEAPON_BEFORE = re.compile(r"\b(?:drone|missile|rocket|air|aerial|artillery|bomb|mortar|ballistic|cruise)s?\s+(?:[\w-]+\s+)?$", re.I)
_DEMONSTRATIVE = re.compile(r"\b(?:this|these|those|such|its|their|his|her)\s+(?:[\w-]+\s+){0,1}$", re.I)
_THE = re.compile(r"\bthe\s+(?:[\w’'-]+\s+){0,2}$", re.I)


def _near(ctx: Ctx, rx: re.Pattern[str], start: int, end: int, before: int = 60, after: int = 70) -> bool:
    cs, ce, _ = ctx.clause(start)
    a = max(cs, start - before)
    b = min(max(ce, end), end + after)
    return rx.search(ctx.text, a, b) is not None


def find_triggers(ctx: Ctx, found: frozenset | None = None) -> list[Trigger]:
    text, res = ctx.text, ctx.res
    out: list[Trigger] = []
    if found is None:
        found = keywords_in(" " + _NON_WORD.sub(" ", text.lower()) + " ")
    for etype in res.trigger_regex:
        rules = res.trigger_rules[etype]
        active = active_rules(etype, found) if found else ()
        if not active:
            continue
        for m in trigger_subset_regex(etype, active).finditer(text):
            rule = rules[int(m.lastgroup[1:])]
            out.append(Trigger(etype, rule, m.start(), m.end(), m.group(0), weak=rule.weak))
    strikes = [t for t in out if t.type == "strike"]
    for t in out:
        _filter(ctx, t, strikes)
    # 'receiving arms aid': the noun is the object of the verb, not a second event
    aid = sorted((t for t in out if t.type == "military_aid" and not t.dropped), key=lambda t: t.start)
    for a, b in zip(aid, aid[1:]):
        if 0 <= b.start - a.end <= 25 and not re.search(r"[,;.]", text[a.end:b.start]):
            b.dropped = "object"
    if text.rstrip(" ”\"’'").endswith("?"):
        for t in out:
            t.dropped = t.dropped or "question"
    out.sort(key=lambda t: t.start)
    return out


def _filter(ctx: Ctx, t: Trigger, strikes: list[Trigger]) -> None:
    text, res = ctx.text, ctx.res
    cs, ce, opener = ctx.clause(t.start)
    before = text[max(cs, t.start - 70):t.start]
    low_before = before.lower()
    rule = t.rule
    if t.type == "offensive_launched":
        if any(s.start <= t.start < s.end or t.start <= s.start < t.end for s in strikes):
            t.dropped = "strike"
            return
        if re.search(r"\b(?:attack|assault|strike)", t.text, re.I) and _WEAPON_BEFORE.search(text[max(0, t.start - 30):t.start]):
            t.dropped = "strike"
            return
        if re.search(r"\bto\s+(?!launch|mount|begin|start|conduct|resume|continue|renew|stage|open|the\b|an?\b|its\b|their\b|his\b|her\b|this\b|that\b|these\b|those\b)\w+\s+(?:(?:the|an?|its|their|his|her|more|new)\s+)?(?:[\w-]+\s+)?$", low_before) \
                and not re.search(r"\b(?:trying|tried|attempt\w*|sought|began|continued?)\s+to\s+\w+\s+(?:[\w-]+\s+)?$", low_before):
            t.dropped = "object of an infinitive"  # 'to sustain offensives', 'to resist the assault'
            return
        if re.search(r"\bfor\s+(?:[\w-]+\s+){0,2}$", low_before) or \
                re.search(r"\b(?:aim\w*|seek\w*|sought|eager|effort|bid|order|want\w*|hop\w+|plan\w*)\s+to\s+(?:[\w-]+\s+)?$", low_before):
            t.dropped = "purpose"
            return
    if rule.needs == "troops":
        if not _near(ctx, res.rx["troop"], t.start, t.end) and not any(
                q.unit in ("mil", "battalions", "brigades") and abs(q.start - t.start) < 80 or
                q.unit is None and q.vague is None and 0 < t.start - q.end < 45 and (q.value or q.low or 0) >= 100
                for q in ctx.quants):
            t.dropped = "no troops"
            return
        if re.search(r"\b(?:weapons?|arms|munitions|ammunition|shells|missiles|aid|supplies)\b", text[t.end:t.end + 25], re.I) \
                and not re.search(r"\b(?:troops|soldiers|forces|personnel)\b", text[t.end:t.end + 40], re.I):
            t.dropped = "aid"
            return
    if rule.needs == "weapon":
        window = text[max(cs, t.start - 50):t.end + 100]
        if not res.rx["weapon"].search(window):
            t.dropped = "no weapon"
            return
        if rule.pattern.startswith("\\b(?:greenlit") and not re.search(r"\b(?:use|utili[sz]ation|strikes?|missiles|weapons|supply|deliver\w*|send\w*|transfer\w*)\b", window, re.I):
            t.dropped = "no weapon"
            return
    if rule.needs == "territory":
        after = text[t.end:min(len(text), t.end + 80)]
        if not (res.rx["territory"].search(after) or any(0 <= p.start - t.end <= 80 for p in ctx.places)
                or re.search(r"\b(?:by|from)\b", after[:12]) or any(0 <= t.start - p.end <= 40 for p in ctx.places)
                or t.type == "territory_claimed" and "gains" in t.text.lower()):
            t.dropped = "no territory"
            return
    if rule.needs == "target":
        after = text[t.end:min(len(text), t.end + 60)]
        if not (res.rx["target"].search(after) or any(0 <= p.start - t.end <= 60 for p in ctx.places)):
            t.dropped = "no target"
            return
    if t.type == "strike" and _near(ctx, res.rx["reciprocal"], t.start, t.end, 40, 50):
        t.dropped = "reciprocal"
        return
    if t.type == "strike" and re.match(r"strike", t.text, re.I) and re.match(r"\s+(?:a|the)\s+(?:\w+\s+)?deal", text[t.end:]):
        t.dropped = "deal"
        return
    # conditions, negation, purpose
    if opener in ("if", "unless", "whether") and "," not in text[cs:t.start]:
        t.dropped = "conditional"
        return
    neg_window = text[max(cs, t.start - 45):t.start]
    if re.search(r"\b(?:not|n't|never|no|neither|nor|without|failed\s+to|unable\s+to)\b(?!\s+(?:longer|less|only|doubt)\b)", neg_window, re.I) \
            and not _deny_covers(ctx, t.start):
        t.dropped = "negated"
        return
    if re.search(r"\b(?:prevent\w*|kept|keep\w*|stop\w*|block\w*|deter\w*)\b[^.;]{0,60}\bfrom\s+(?:[\w-]+\s+)?$", before, re.I):
        t.dropped = "negated"
        return
    if t.type == "territory_claimed" and re.search(r"\b(?:soldiers?|troops|servicem[ae]n|fighters|prisoners|POWs|men|people|civilians|"
                                                   r"personnel|crew|pilots?|officers?)\s+(?:\w+ly\s+)?$", before, re.I) and t.text.lower().endswith("ed"):
        t.dropped = "people"  # 'a North Korean soldier captured by Ukrainian forces'
        return
    if t.type == "territory_claimed" and any(q.unit in ("mil", "civ", "cas_casualties", "cas_killed") and 0 <= q.start - t.end <= 15
                                             for q in ctx.quants):
        t.dropped = "people"  # 'lost 62,400 troops'
        return
    if t.type in ("territory_claimed", "offensive_repelled", "strike") and \
            not re.search(r"\b(?:managed|succeeded|able|went\s+on|continued|proceeded)\s+to\s+(?:[\w-]+\s+)?$", low_before) and \
            re.search(r"\bto\s+(?:[\w-]+\s+)?$", low_before) and not re.search(r"\b(?:used|had|going|about)\s+to\s+\w*\s*$", low_before) \
            and not re.search(r"\bto\s+have\s+(?:[\w-]+\s+)?$", low_before):
        t.dropped = "infinitive"
        return
    if t.type in ("diplomacy", "troops_deployed", "military_aid") and not _deny_covers(ctx, t.start) and \
            re.search(r"\b(?:future|potential|possible|possibility|eventual|hypothetical|prospective)\b(?:\s+[\w-]+){0,5}\s*$", low_before):
        t.dropped = "generic"
        return
    if t.type == "diplomacy" and re.search(r"\b(?:could|would|might)\b(?:\s+[\w-]+){0,3}\s*$", low_before) and not _deny_covers(ctx, t.start):
        t.dropped = "hypothetical"
        return
    if t.type in ("diplomacy", "military_aid", "troops_deployed") and re.search(
            r"\b(?:urg\w+|call(?:s|ed|ing)?\s+on|press(?:es|ed|ing)?|ask(?:s|ed|ing)?|demand\w*|encourag\w+|invit\w+)\b[^.;]{0,50}\bto\s+(?:[\w-]+\s+){0,2}$",
            low_before):
        t.dropped = "demand"
        return
    if t.type == "diplomacy" and re.search(r"\b(?:tried|trying|attempt\w*|sought|seek\w*|wish\w*)\s+to\s+(?:[\w-]+\s+){0,3}$", low_before):
        t.dropped = "attempt"
        return
    if t.type == "diplomacy" and re.fullmatch(r"(?:agreement|deal|accord|treaty|pact|memorandum)", t.text, re.I) and not re.search(
            r"\b(?:reach\w*|sign(?:s|ed|ing)?|agree\w*|conclud\w*|str(?:uck|ike|iking)|clinch\w*|seal\w*|made|secur\w*|broker\w*|"
            r"finali[sz]\w*|negotiat\w*|announc\w*|ratif\w*|accept\w*|approv\w*|hammer\w*|forg\w+)\b",
            text[max(0, t.start - 45):t.end + 35], re.I):
        t.weak = True  # 'Moscow's treaty', 'a ceasefire deal': a reference, not an event
    if re.search(r"\bsince\s+the\s+(?:start|beginning|outset|launch)\s+of\s+(?:the\s+|its\s+|their\s+)?(?:[\w’'-]+\s+){0,2}$",
                 text[max(0, t.start - 70):t.start], re.I):
        t.dropped = "background"
        return
    if ctx.res.rx["since"].search(text[max(0, t.start - 60):t.start]) or (opener == "since" and "," not in text[cs:t.start]):
        t.since = True
    # back-references: 'the offensive', 'this troop deployment', participles after a troop noun
    if _DEMONSTRATIVE.search(text[max(0, t.start - 40):t.start]) and not re.search(r"\b(?:of|by)\b", text[t.end:t.end + 4]) \
            and not re.search(r"(?:ed|ing)$", t.text, re.I):
        t.weak = True
    elif _THE.search(text[max(0, t.start - 30):t.start]) and re.match(r"\s*(?:[,.;:)]|as\b|is\b|was\b|has\b|had\b|remains\b|continues\b|$)", text[t.end:]):
        t.weak = True
    if t.type == "troops_deployed" and t.rule.movement == "massed" and re.search(r"build|concentrat", t.text, re.I) and not re.search(
            r"\b(?:troops?|forces|soldiers|units|personnel|servicemen)\b", text[max(0, t.start - 20):t.end + 30], re.I):
        t.dropped = "no troops"
        return
    if t.type == "troops_deployed" and re.match(r"(?:deployed|sent|dispatched|stationed|positioned)$", t.text, re.I):
        pre = text[max(0, t.start - 40):t.start]
        if re.search(r"\b(?:troops|soldiers|forces|personnel|units)\s+$", pre) and not re.search(r"\b(?:been|were|was|are|is|be|being|have|has|had)\s+(?:\w+\s+)?$", pre):
            seg = ctx.segment(t.start)
            casualty = re.search(r"\b(?:killed|dead|died|lost\s+their\s+lives|wounded|injured|casualties|losses)\b", text[seg[0]:seg[1]], re.I)
            if casualty or not any(abs(q.start - t.start) < 60 for q in ctx.quants):
                t.weak = True
    if ctx.s.headline or ctx.s.summary:
        t.weak = True


def _deny_covers(ctx: Ctx, pos: int) -> bool:
    return any(a.kind == "deny" for a in governing(ctx, pos))
