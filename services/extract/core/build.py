"""Candidate events of one analysed sentence: slot filling for every kept trigger, and casualty
events from casualty figures."""
from __future__ import annotations

import re
from datetime import date

from services.extract.core.analysis import (SPATIAL_TYPES, Attribution, Ctx, Mention, Trigger,
                                            governing)
from services.extract.core.mentions import PartyMention
from services.extract.core.quantities import Qty
from services.extract.core.timex import TimeExpr, resolve

_FILL_WORDS = re.compile(r"^(?:\s*(?:[\w’'-]+))?\s*(?:[\w’'-]+\s*)?$")
_BAD_FILL = re.compile(r"\b(?:has|have|had|is|are|was|were|be|been|will|would|may|might|could|can|of|in|on|to|into|"
                       r"at|for|from|by|with|against|near|that|which|who|said|says|and|as|after|before|since|amid|amidst|"
                       r"among|during|despite|while|including|following|through|across|within|toward|towards|"
                       r"troops|soldiers|forces|units|servicemen|personnel|officials|authorities|leadership|ministry|"
                       r"claims|reports|estimates|president|government|its|their|his|her)\b", re.I)
_TRANSITIVE_DEPLOY = re.compile(r"^(?:deploy|redeploy|sen[dt]|dispatch|reintegrat|mov|transferr|shift|commit|withdr|pull|"
                                r"mass|amass|gather|station|position|reinforc|concentrat)", re.I)


# --- helpers ---------------------------------------------------------------------------------

def _opponent(ctx: Ctx, code: str | None) -> str | None:
    if code is None:
        return None
    info = ctx.res.parties.get(code)
    return info.opponents[0] if info and info.opponents else None


def _party_country(ctx: Ctx, code: str | None) -> str | None:
    info = ctx.res.parties.get(code) if code else None
    return info.country if info else None


def _country_party(ctx: Ctx, country: str | None) -> str | None:
    return ctx.res.country_party.get(country) if country else None


def _modifier(ctx: Ctx, pos: int, max_gap: int = 40) -> PartyMention | None:
    """A party directly before pos, with at most two modifier words between: 'Russian drone assault'."""
    best = None
    for p in ctx.parties:
        if p.end <= pos and pos - p.end <= max_gap:
            gap = ctx.text[p.end:pos]
            if len(gap.split()) <= 2 and not _BAD_FILL.search(gap) and not re.search(r"[,;:()“”\"]", gap):
                best = p
    return best


def _after(ctx: Ctx, pos: int, pattern: str, span: int = 60) -> PartyMention | None:
    m = re.match(r"(?:[\s\w’'-]{0,%d}?)\b(?:%s)\s+" % (span, pattern), ctx.text[pos:], re.I)
    if not m:
        return None
    at = pos + m.end()
    for p in ctx.parties:
        if at <= p.start <= at + 40 and not re.search(r"[,;.]", ctx.text[at:p.start]):
            return p
    return None


def _parties_in(ctx: Ctx, a: int, b: int) -> list[tuple[PartyMention, str]]:
    return [(p, r) for p, r in zip(ctx.parties, ctx.roles) if a <= p.start < b]


def _subject_before(ctx: Ctx, pos: int, a: int, exclude_roles=("target", "loc", "dest", "obj", "against", "src",
                                                                   "partner", "between", "for", "agent"),
                    claimant_ok: bool = True) -> PartyMention | None:
    cands = [(p, r) for p, r in _parties_in(ctx, a, pos) if r not in exclude_roles]
    if not cands:
        return None
    # the claimant of an attribution is a weaker subject than a party inside the reported clause
    attr_spans = [(x.np_start, x.np_end) for x in ctx.attrs]
    inner = [c for c in cands if not any(s <= c[0].start < e for s, e in attr_spans)]
    if not inner and not claimant_ok:
        return None
    pick = (inner or cands)[-1][0]
    # the head of a coordination: 'Russian and North Korean soldiers' -> Russian
    i = ctx.parties.index(pick)
    while i > 0 and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:the\s+)?", ctx.text[ctx.parties[i - 1].end:ctx.parties[i].start]) \
            and ctx.parties[i - 1].start >= a:
        i -= 1
    return ctx.parties[i]


def _coordinated(ctx: Ctx, p: PartyMention) -> list[str]:
    """Parties coordinated with p: 'Russian and North Korean soldiers' -> ['PRK'] for 'Russian'."""
    out = []
    i = ctx.parties.index(p)
    j = i
    while j + 1 < len(ctx.parties):
        q = ctx.parties[j + 1]
        gap = ctx.text[ctx.parties[j].end:q.start]
        if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*(?:the\s+)?", gap):
            out.append(q.code)
            j += 1
        else:
            break
    return [c for c in out if c != p.code]


# --- slots -----------------------------------------------------------------------------------

def _actor(ctx: Ctx, t: Trigger, attr: Attribution | None) -> tuple[str | None, list[str], str | None]:
    """(actor, partners, against) for a trigger."""
    text = ctx.text
    cs, ce, _ = ctx.clause(t.start)
    et = t.type
    partners: list[str] = []
    against = None
    actor_pm: PartyMention | None = None
    actor: str | None = None

    against_pm = _after(ctx, t.end, r"against", 50)
    if against_pm:
        against = against_pm.code

    if et == "troops_deployed":
        troop_pm = _troop_owner(ctx, t)
        if troop_pm is not None:
            actor_pm = troop_pm
        else:
            if re.search(r"\b(?:troops|soldiers|forces|units?|brigades?|battalions?|regiments?|personnel)\s+$",
                         text[max(0, t.start - 20):t.start], re.I):
                actor_pm = _after(ctx, t.end, r"from", 40)  # 'the Khartiia Brigade positioned north of ...'
            else:
                actor_pm = _modifier(ctx, t.start) or _subject_before(ctx, t.start, cs, claimant_ok=False) \
                    or _after(ctx, t.end, r"from", 40) or _subject_before(ctx, t.start, 0, claimant_ok=False)
        agent = _after(ctx, t.end, r"by", 60)
        if agent and actor_pm and agent.code != actor_pm.code:
            partners.append(agent.code)
        subj = _subject_before(ctx, t.start, cs)
        if subj and actor_pm and subj.code != actor_pm.code:
            partners.append(subj.code)
        for p, r in _parties_in(ctx, cs, len(text)):
            if r in ("partner", "dest") and actor_pm and p.code != actor_pm.code and p.start > t.start - 60 \
                    and not any(a.np_start <= p.start < a.np_end for a in ctx.attrs):
                partners.append(p.code)
        for pl in ctx.places:
            if pl.place and pl.place.country and t.start <= pl.start <= t.end + 80:
                cp = _country_party(ctx, pl.place.country)
                if cp and actor_pm and cp != actor_pm.code:
                    partners.append(cp)
    elif et == "military_aid":
        receive = re.match(r"(?:getting|receiv|obtain)", t.text, re.I)
        src = _after(ctx, t.end, r"from", 60)
        if receive:
            actor_pm = src
            rec = _subject_before(ctx, t.start, cs) or _subject_before(ctx, t.start, 0, ("target", "loc", "obj", "src"))
            if rec is None and attr and attr.claimants:
                recipient = attr.claimants[0][0]
            else:
                recipient = rec.code if rec else None
            return (actor_pm.code if actor_pm else None), partners, recipient
        actor_pm = (_modifier(ctx, t.start) if not re.match(r"military|arms|weapon", t.text, re.I) else None)
        ofm = re.match(r"\s+of\s+(?:the\s+)?", text[t.end:]) if re.search(r"(?:s|ies|ment|ments)$", t.text, re.I) else None
        if actor_pm is None and ofm:
            supplier = next((p for p in ctx.parties if p.start == t.end + ofm.end() and p.form == "adj"), None)
            if supplier is not None:
                actor_pm = supplier  # 'deliveries of North Korean ammunition'
        if actor_pm is None and src is not None and re.search(r"(?:s|ies|ment|ments|ing)$", t.text, re.I):
            actor_pm = src  # a noun: 'transfers of arms from North Korea'
        if actor_pm is None:
            actor_pm = _after(ctx, t.end, r"by", 30)  # 'weapons provided by Western countries'
        if actor_pm is None:
            actor_pm = _subject_before(ctx, t.start, cs, claimant_ok=False) or src
        if actor_pm is None:
            actor_pm = _modifier(ctx, t.start)
        if actor_pm is None and t.text.lower().startswith(("military", "arms", "weapon")):
            actor_pm = _subject_before(ctx, t.start, 0)
    elif et == "diplomacy":
        return _diplomacy_parties(ctx, t, attr)
    elif et == "offensive_repelled":
        subj = _subject_before(ctx, t.start, cs)
        obj = None
        for p in ctx.parties:
            if t.end <= p.start <= t.end + 45 and not re.search(r"[,;.]", text[t.end:p.start]):
                obj = p
                break
        against = obj.code if obj else against
        if subj and (not against or subj.code != against):
            actor = subj.code
        elif attr and attr.claimants and attr.claimants[0][0] and attr.claimants[0][0] != against:
            actor = attr.claimants[0][0]
        else:
            actor = _opponent(ctx, against)
        if against is None:
            against = _opponent(ctx, actor)
        return actor, partners, against
    else:
        actor_pm = _modifier(ctx, t.start)
        inside = [p for p in ctx.parties if t.start <= p.start < t.end]
        if inside and et in ("strike", "offensive_launched"):
            actor_pm = inside[0]  # 'a wave of 145 Russian drones'
        if actor_pm is None and (t.text.lower().endswith(" by") or t.text.lower().startswith("fell")):
            actor_pm = next((p for p in ctx.parties if t.end <= p.start <= t.end + 6), None)  # 'taken by Ukraine'
        if t.weak and actor_pm is None and not re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+)?$", text[max(0, t.start - 25):t.start], re.I):
            return None, [], None  # a bare back-reference ('the incursion') names no actor
        if et == "territory_claimed" and actor_pm is None:
            # 'regained Russian control', 'under Ukrainian control'
            for p in ctx.parties:
                if t.end <= p.start <= t.end + 12 and re.match(r"\s*(?:full\s+)?control", text[p.end:]):
                    actor_pm = p
            if actor_pm is None and "control" in t.text.lower():
                actor_pm = _modifier(ctx, t.end - len("control"))
        if actor_pm is None:
            actor_pm = _after(ctx, t.end, r"by", 50 if et != "strike" else 30)
        if actor_pm is None and et == "offensive_launched":
            actor_pm = _after(ctx, t.end, r"involving(?:\s+[\w-]+){0,4}?\s+of|involving", 50)
        if actor_pm is None:
            actor_pm = _subject_before(ctx, t.start, cs)
            if actor_pm is not None and et == "offensive_launched" and re.search(
                    r"\b(?:anticipat\w*|expect\w*|fear\w*|brac\w*\s+for|warn\w*\s+of|prepar\w*\s+for)\b",
                    text[actor_pm.end:t.start], re.I):
                # 'Ukraine ... anticipated a counterstrike': the other side strikes
                opp = _opponent(ctx, actor_pm.code)
                if opp:
                    return opp, [], actor_pm.code
        _, _, opener = ctx.clause(t.start)
        if actor_pm is None and opener in ("which", "who", "that") and cs > 0:
            # a relative clause: 'an attack launched by Ukrainian forces, which seized ...'
            for p, r in reversed(_parties_in(ctx, 0, cs)):
                if r not in ("target", "loc", "dest", "src", "obj"):
                    actor_pm = p
                    break
        if actor_pm is None and re.search(r"\b(?:its|their)\s+(?:[\w-]+\s+){0,2}$", text[max(0, t.start - 30):t.start], re.I):
            # 'its vaunted 2023 counteroffensive': the nearest party before
            for p, r in reversed(_parties_in(ctx, 0, t.start)):
                if r not in ("target", "loc", "dest", "obj", "src"):
                    actor_pm = p
                    break
        if actor_pm is None and against and et in ("offensive_launched", "strike") and _opponent(ctx, against):
            actor = _opponent(ctx, against)
            return actor, partners, against
        first_comma = text.find(",")
        if actor_pm is None and et != "strike" and 0 < first_comma and t.start < first_comma and \
                not any(p.start < t.start for p in ctx.parties):
            # a fronted phrase: 'Since a surprising offensive in August, Ukrainian forces have ...'
            nxt = ctx.clause(first_comma + 1)
            for p, r in _parties_in(ctx, first_comma, nxt[1]):
                if r == "subj" and not any(a.np_start <= p.start < a.np_end for a in ctx.attrs):
                    actor_pm = p
                    break
        if actor_pm is None:
            actor_pm = _subject_before(ctx, t.start, 0)
    if actor_pm is not None:
        actor = actor_pm.code
        partners = [c for c in partners + _coordinated(ctx, actor_pm) if c != actor]
    if actor is None and attr and attr.claimants and et in ("offensive_launched", "territory_claimed") and attr.kind != "deny":
        actor = attr.claimants[0][0]
    if actor is None and et in ("offensive_launched", "strike"):
        tgt = _after(ctx, t.end, r"into|on|targeting|against", 50)
        if tgt:
            actor = _opponent(ctx, tgt.code)
    if et in ("offensive_launched", "strike") and against is None:
        tgt = _after(ctx, t.end, r"into|on|targeting|against|at", 50)
        if tgt and tgt.code != actor:
            against = tgt.code
    # partners given with 'alongside X' / 'with X'
    for p, r in _parties_in(ctx, cs, ce):
        if r == "partner" and actor and p.code != actor and p.code not in partners and et != "military_aid":
            partners.append(p.code)
    return actor, _dedupe(partners), against


def _troop_owner(ctx: Ctx, t: Trigger) -> PartyMention | None:
    """The party whose troops move: 'North Korean troops', 'troops of Pyongyang', "Pyongyang's withdrawal"."""
    text = ctx.text
    cs, ce, _ = ctx.clause(t.start)
    troop_rx = ctx.res.rx["troop"]
    owners = []
    for m in troop_rx.finditer(text, cs, min(len(text), max(ce, t.end) + 0, t.end + 90)):
        if m.start() < t.start - 120:
            continue
        p = _modifier(ctx, m.start(), 45)
        if p is not None:
            owners.append((m.start(), m.end(), p))
    # 'troop deployments', 'troops deployed'
    for s_, e_, p in owners:
        if e_ <= t.start and not text[e_:t.start].strip():
            return p
    noun = bool(re.search(r"(?:ment|ments|al|ion|influx\s+of|build-?up|up)$", t.text, re.I))
    after = [o for o in owners if o[0] >= t.end and o[0] - t.end <= 60 and not re.search(r"[,;]", text[t.end:o[0]])]
    before = [o for o in owners if o[1] <= t.start]
    if noun:
        if after and re.match(r"\s+of\b", text[t.end:]) or (after and t.text.lower().startswith("influx")):
            return after[0][2]
        mod = _modifier(ctx, t.start)
        if mod:
            return mod
        return after[0][2] if after else (before[-1][2] if before else None)
    passive = bool(re.search(r"\b(?:been|be|being|were|was|are|is)\s+(?:\w+ly\s+)?$", text[max(0, t.start - 25):t.start]))
    transitive = bool(_TRANSITIVE_DEPLOY.match(t.text))
    if transitive and not passive and after:
        return after[0][2]
    if before:
        return before[0][2] if passive else before[-1][2]
    if not owners:
        return _modifier(ctx, t.start)
    return after[0][2] if after else None


def _diplomacy_parties(ctx: Ctx, t: Trigger, attr: Attribution | None) -> tuple[str | None, list[str], str | None]:
    text = ctx.text
    cs, ce, _ = ctx.clause(t.start)
    bm = re.match(r"\s*between\b", text[t.end:]) if "between" not in t.text.lower() else re.match(r"", "")
    if bm is not None and not any(t.end <= p.start <= t.end + bm.end() + 40 for p in ctx.parties):
        return None, [], None  # 'talks between the governments': the sides are not named
    attr_spans = [(a.np_start, a.np_end) for a in ctx.attrs if a.kind != "hedge"]

    inside = [p for p in ctx.parties if t.start <= p.start < t.end]

    def usable(p, r):
        if p in inside:
            return True
        is_place = p.form == "noun" and (ctx.res.place_alias.get(re.sub(r"['’]s?$", "", p.text).casefold()) is not None)
        if r == "dest" and not is_place:
            return not any(s <= p.start < e for s, e in attr_spans)
        if r == "src" and re.search(r"\b(?:diplomats|officials|ministers|leaders|representatives|delegations?|envoys|negotiators|"
                                    r"lawmakers|chiefs|heads|military\s+brass|generals)\s+from\s+(?:the\s+)?$", text[max(0, p.start - 40):p.start], re.I):
            return True  # 'Top diplomats from the Group of Seven'
        if r in ("loc", "dest", "target", "src", "obj", "for"):
            # 'in Riyadh', 'to Moscow' are places; 'of the U.N. Security Council' is a participant
            if not (r == "obj" and ctx.res.parties.get(p.code) and ctx.res.parties[p.code].multilateral):
                if not (r in ("obj", "for") and p.form == "person"):
                    return False
        return not any(s <= p.start < e for s, e in attr_spans)

    cands = [(p, r) for p, r in _parties_in(ctx, cs, ce) if usable(p, r)]
    # parties that name the talks themselves: 'U.S.-Ukraine talks', 'the G7 talks'
    mods = []
    j = t.start
    noun = re.search(r"(?:talks|negotiations?|meetings?|summit|call|conversation|discussions?|dialogue|session|agreement|"
                     r"deal|accord|treaty|pact|memorandum)$", t.text, re.I) is not None
    for p in (reversed(ctx.parties) if noun else ()):
        if p.end <= j and re.fullmatch(r"\s*(?:-|–|and|,)?\s*(?:the\s+)?(?:[a-z][\w-]*\s+){0,1}", text[p.end:j], re.I) and j - p.end <= 25:
            mods.insert(0, p)
            j = p.start
        elif p.end <= j:
            break
    if mods:
        after = [(p, r) for p, r in _parties_in(ctx, t.end, ce) if r in ("partner", "between") and usable(p, r)]
        cands = [(p, "subj") for p in mods] + after
    # 'between X and Y', 'X met with Y', 'talks with Y'
    codes: list[str] = []
    actor = None
    if not noun and any(p.start < t.start and r not in ("partner", "between") for p, r in cands):
        # 'Zelenskiy met German Chancellor Olaf Scholz': the object of the verb takes part too
        obj = [(p, "partner") for p in ctx.parties if t.end <= p.start <= t.end + 25
               and re.fullmatch(r"\s*(?:(?:the|a|an|with)\s+)?(?:[A-Za-z.-]+\s+){0,2}", text[t.end:p.start])
               and usable(p, "partner")]
        cands = [(p, r) for p, r in cands if not any(p is o for o, _ in obj)] + obj
    with_codes = [p.code for p, r in cands if r in ("partner", "between")]
    subj = [p.code for p, r in cands if r not in ("partner", "between")]
    between = [p.code for p, r in cands if r == "between"]
    if between:
        codes = between + [c for c in subj if c not in between]
    else:
        codes = subj + [c for c in with_codes if c not in subj]
    codes = _dedupe(codes)
    if not subj and with_codes and not between:
        # 'an agreement reached with Kim Jong Un': the other side is elsewhere in the sentence
        for p, r in reversed(list(zip(ctx.parties, ctx.roles))):
            if p.start < t.start and p.code not in with_codes and r not in ("loc", "dest", "target") and \
                    not any(s <= p.start < e for s, e in attr_spans):
                codes = [p.code] + codes
                break
        else:
            if attr and attr.claimants and attr.claimants[0][0] and attr.claimants[0][0] not in with_codes:
                codes = [attr.claimants[0][0]] + codes
    codes = _dedupe(codes)
    if not codes:
        return None, [], None
    multilateral = any(ctx.res.parties[c].multilateral for c in codes if c in ctx.res.parties and c != "WEST")
    if len(codes) < 2 and not multilateral and not t.rule.unilateral:
        return None, [], None
    actor = codes[0]
    return actor, codes[1:], None


def _dedupe(xs):
    out = []
    for x in xs:
        if x and x not in out:
            out.append(x)
    return out


def _locations(ctx: Ctx, t_start: int, t_end: int, etype: str, state) -> list[tuple[str, object, bool]]:
    cs, ce, _ = ctx.clause(t_start)
    attr_spans = [(a.np_start, a.np_end) for a in ctx.attrs]
    withdraw = etype == "troops_deployed" and re.search(r"withdr|pull|retreat", ctx.text[t_start:t_end], re.I)
    places = [p for p in ctx.places if not any(s <= p.start < e for s, e in attr_spans)
              and (withdraw or not re.search(r"\bfrom\s+(?:the\s+)?$", ctx.text[max(0, p.start - 10):p.start]))]
    pick = [p for p in places if cs <= p.start < ce and not p.anaphoric]
    _, _, opener = ctx.clause(t_start)
    if not pick and opener in ("which", "that", "who", "where"):
        # 'the Crimean peninsula which was annexed ...': the antecedent
        pick = [p for p in places if not p.anaphoric and cs - 45 <= p.end <= cs][-1:]
    # a place goes to the nearest trigger of the event's type ('talks in Quebec follow talks in Jeddah')
    rivals = [x for x in ctx.triggers if x.type == etype and not x.dropped and x.start != t_start]

    def dist(a, b, p):
        return 0 if a <= p.start < b else min(abs(p.start - b), abs(a - p.end))
    pick = [p for p in pick if not any(dist(x.start, x.end, p) < dist(t_start, t_end, p) for x in rivals)]
    if not pick and etype not in SPATIAL_TYPES:
        pick = [p for p in places if not p.anaphoric and etype != "diplomacy"]
        if etype == "diplomacy":
            pick = [p for p in places if not p.anaphoric and cs <= p.start < ce + 60]
    out = []
    for p in pick:
        out.append((p.name, p.place, True))
    if not out:
        ana = [p for p in places if p.anaphoric and cs <= p.start < ce] or [p for p in places if p.anaphoric]
        if ana and state.last_theatre and etype != "diplomacy":
            out.append((state.last_theatre[0], state.last_theatre[1], False))
    if not out and etype in SPATIAL_TYPES and state.focus:
        out.append((state.focus[0], state.focus[1], False))
    # most specific first, then text order
    seen = set()
    uniq = []
    for name, place, explicit in sorted(out, key=lambda x: (x[1].rank if x[1] else 1)):
        if name not in seen:
            seen.add(name)
            uniq.append((name, place, explicit))
    return uniq


# --- casualty figures ------------------------------------------------------------------------

def _cue_kind(ctx: Ctx, q: Qty, seg: tuple[int, int]) -> str | None:
    """The casualty kind a figure reports, from the words around it in its segment."""
    text = ctx.text
    cue_rx = ctx.res.lex["cue_rx"]
    a, b = seg
    best = None
    for kind in ("killed_or_wounded", "captured", "killed", "wounded", "casualties"):
        for m in cue_rx[kind].finditer(text, a, b):
            pos = m.start()
            if q.start <= pos < q.unit_end and kind != "killed_or_wounded":
                dist = 0
            elif pos >= q.unit_end:
                dist = pos - q.unit_end + (3 if re.match(r"\s+and\b", text[q.unit_end:pos]) else 0)
            elif not text[m.end():q.start].strip():
                dist = 0  # a verb and its object: 'killed two people', 'injured 12'
            else:
                dist = q.start - m.end() + 5  # cues before the number count a little less
            if dist > 70:
                continue
            if best is None or dist < best[0] or (dist == best[0] and kind == "killed_or_wounded"):
                best = (dist, kind)
    return best[1] if best else None


def casualty_kind(ctx: Ctx, q: Qty, prev_kind: str | None) -> str | None:
    seg = ctx.segment(q.start)
    if q.unit in ("km2", "sqmi", "settlements", "share", "drones", "missiles", "brigades"):
        return None
    if q.unit == "prisoners":
        return "captured"
    kind = _cue_kind(ctx, q, seg)
    if kind is None and q.unit and q.unit.startswith("cas_"):
        kind = {"cas_casualties": "casualties", "cas_killed": "killed", "cas_wounded": "wounded"}[q.unit]
    if kind is None:
        # a figure with no word of its own continues the previous one: 'Western estimates of approximately 1,000'
        seg_text = ctx.text[seg[0]:seg[1]]
        deploy = any(t.type == "troops_deployed" and seg[0] <= t.start < seg[1] for t in ctx.triggers)
        if prev_kind and q.unit in (None, "mil") and not deploy and not re.search(r"\b(?:troops|soldiers)\b", seg_text[:0]):
            return prev_kind
        return None
    if kind == "casualties" and q.unit in ("mil", None):
        m = re.search(r"\blost\b", ctx.text[max(0, q.start - 30):q.start])
        if m and q.unit is None:
            return None
    civilian = q.civilian or q.unit == "civ"
    if civilian and kind == "killed":
        return "civilians_killed"
    if civilian and kind == "wounded":
        return "injured"
    if kind == "wounded" and q.unit is None and not re.search(r"\b(?:troops|soldiers|servicemen|fighters|forces)\b", ctx.text, re.I):
        return "injured"
    return kind


def _quantity_dict(q: Qty, kind: str) -> dict:
    d = {"kind": kind, "approx": q.approx}
    if q.vague:
        d["vague"] = q.vague
    elif q.low is not None:
        d["low"], d["high"] = q.low, q.high
    else:
        d["value"] = q.value
    if q.unit in ("km2",):
        d["unit"] = "km2"
    elif q.unit == "sqmi":
        d["unit"] = "sq_mi"
    return d


def _victim(ctx: Ctx, q: Qty) -> PartyMention | None:
    text = ctx.text
    # '13 North Korean soldiers', 'Thousands of Ukrainian troops'
    for p in ctx.parties:
        if q.end <= p.start < q.unit_end:
            return p
    # 'North Korean casualties at over 3,000', "Russia's losses of ..."
    seg = ctx.segment(q.start)
    for p in reversed(ctx.parties):
        if seg[0] <= p.end <= q.start:
            gap = text[p.end:q.start]
            if re.search(r"\b(?:casualties|losses|dead|death\s+toll|killed|troops|soldiers)\b", gap, re.I) and len(gap) < 50:
                return p
    # 'eight fatalities on the Ukrainian side'
    m = re.match(r"[^,;]{0,40}?\bon\s+the\s+", text[q.unit_end:])
    if m:
        for p in ctx.parties:
            if q.unit_end + m.end() <= p.start <= q.unit_end + m.end() + 3:
                return p
    # 'Russia lost 62,400 troops', 'the Russian military has lost ...'
    pre = text[max(0, q.start - 60):q.start]
    if re.search(r"\b(?:lost|loses|losing|suffered|sustained)\s+(?:\w+\s+){0,3}$", pre, re.I):
        subj = _subject_before(ctx, q.start, ctx.clause(q.start)[0])
        if subj:
            return subj
    return None


# --- the mentions of one sentence ------------------------------------------------------------

def build_mentions(ctx: Ctx) -> list[Mention]:
    state = ctx.state
    out: list[Mention] = []
    anchors = _anchors(ctx)
    attached = _attach_times(ctx, anchors)

    kept = [t for t in ctx.triggers if not t.dropped]
    actors = {}
    for t in kept:
        attrs = governing(ctx, t.start)
        actors[id(t)] = _actor(ctx, t, attrs[-1] if attrs else None)
    ctx.actors = {k: v[0] for k, v in actors.items()}
    for t in kept:
        attrs = governing(ctx, t.start)
        actor, partners, against = actors[id(t)]
        m = Mention(t.type, ctx.s, t.start, t.text, weak=t.weak, since=t.since)
        m.actor, m.partners, m.against = actor, partners, against
        if t.type == "military_aid":
            m.recipient = against if t.text.lower().startswith(("getting", "receiv", "obtain")) else _recipient(ctx, t, actor)
            m.against = None
            if m.actor is None and m.recipient is None:
                continue
        _modality(ctx, t, m, attrs)
        m.locations = _locations(ctx, t.start, t.end, t.type, state)
        if t.type == "territory_claimed":
            m.change = _change(ctx, t, m)
            if m.against is None:
                m.against = _after(ctx, t.end, r"from", 70).code if _after(ctx, t.end, r"from", 70) else None
        if t.type == "troops_deployed":
            m.movement = t.rule.movement or "deployed"
        m.quantities = _trigger_quantities(ctx, t)
        if m.modality in ("asserted", "claimed") and any(
                q.start <= x.start and re.match(r"(?:an\s+)?estimated\b", q.text, re.I)
                for q in ctx.quants for x in [t] if abs(q.start - t.start) < 90 and _q_used(q, m.quantities)):
            m.modality = "estimated"  # 'an estimated 14,000 North Korean soldiers have been deployed'
        _time(ctx, t, m, attached, attrs)
        if t.type == "troops_deployed" and m.modality == "expected" and not m.quantities and m.time_source not in ("own",):
            continue  # speculation: 'he can end it by withdrawing his troops'
        if m.against is None and t.type in ("offensive_launched", "strike", "casualties_claimed", "territory_claimed", "offensive_repelled"):
            m.against = _opponent(ctx, m.actor) or _place_owner(ctx, m)
        if m.against == m.actor:
            m.against = None
        out.append(m)

    out.extend(_casualties(ctx, attached))
    _denied_copies(ctx, out)
    return out


def _recipient(ctx: Ctx, t: Trigger, actor: str | None) -> str | None:
    text = ctx.text
    cs, ce, _ = ctx.clause(t.start)
    for p in ctx.parties:
        if t.end < p.start <= t.end + 2 and p.code != actor and re.match(r"\s+(?:to|with)\b", text[p.end:]):
            return p.code  # 'authorised Ukraine to use ATACMS', 'provided Ukraine with ...'
    for p, r in _parties_in(ctx, t.end, min(len(text), t.end + 90)):
        if p.code == actor:
            continue
        if r in ("dest", "for", "partner") or p.possessive or re.match(r"\s+with\b", text[p.end:p.end + 6]) or \
                re.search(r"\b(?:gave|give|giving|supply|supplying|provide|providing|sell|selling)\s+$", text[max(0, p.start - 12):p.start]):
            return p.code
    # 'Russian units depend upon deliveries of North Korean ammunition': the subject receives
    if re.search(r"(?:ies|ments?|s)$", t.text, re.I) and re.search(r"\b(?:depend\w*|rel(?:y|ies|ied)|receiv\w*|get\w*|await\w*)\s+(?:up)?on\s+$|\b(?:receiv\w*|get\w*|await\w*)\s+$",
                                                                 text[max(0, t.start - 25):t.start], re.I):
        subj = _subject_before(ctx, t.start, cs)
        if subj is not None and subj.code != actor:
            return subj.code
    # 'Western-supplied missiles for Kyiv' / "Kyiv's utilization" before the trigger
    for p in ctx.parties:
        if t.start - 60 <= p.start < t.start and p.code != actor and \
                re.match(r"\s+(?:(?:may|can|could|will|would|to)\s+)?(?:use|utili[sz]\w*)\b", text[p.end:]):
            return p.code
    return None


def _change(ctx: Ctx, t: Trigger, m: Mention) -> str:
    ch = t.rule.change or "captured"
    if ch == "auto":
        own = _party_country(ctx, m.actor)
        explicit = [l for l in m.locations if l[1] is not None]
        if own and explicit and explicit[0][1].country == own:
            return "regained"
        if own and not explicit and m.locations and m.locations[0][1] is not None and m.locations[0][1].country == own:
            return "regained"
        return "captured"
    return ch


def _place_owner(ctx: Ctx, m: Mention) -> str | None:
    for name, place, explicit in m.locations:
        if place is not None and place.country:
            cp = _country_party(ctx, place.country)
            if cp and cp != m.actor:
                return cp
    return None


def _modality(ctx: Ctx, t: Trigger, m: Mention, attrs: list[Attribution]) -> None:
    text = ctx.text
    cs, ce, _ = ctx.clause(t.start)
    window = text[max(cs, t.start - 90):t.start]
    deny = [a for a in attrs if a.kind == "deny"]
    say = [a for a in attrs if a.kind in ("say", "estimate")]
    hedge = [a for a in attrs if a.kind == "hedge"]
    if deny:
        m.modality = "denied"
        m.claimants = list(deny[-1].claimants)
        return
    if say:
        m.claimants = list(say[-1].claimants)
    est_cue = next((c for c in ctx.res.rx["estimate"].finditer(window)
                    if not re.match(r"\s*(?:about\s+|around\s+)?\d", window[c.end():])), None) or (say and say[-1].kind == "estimate")
    exp_cue = ctx.res.rx["expect"].search(window)
    if exp_cue and re.search(r"\b(?:would|could|might|may)\s+(?:have\s+)?(?:been|had)\b", window[exp_cue.start():], re.I):
        exp_cue = None  # past modality: 'would have been'
    if exp_cue and _FINITE.search(window, exp_cue.end()):
        exp_cue = None  # another finite verb governs the trigger: 'could use the land it had seized'
    if t.rule is not None and t.rule.modality:
        m.modality = t.rule.modality
        return
    if t.since:
        # 'since X held a summit in September': background the sentence takes for granted
        m.claimants = []
        m.modality = "asserted"
        return
    purpose = t.type == "diplomacy" and re.search(r"\bfor\s+(?:the\s+|a\s+|an\s+)?(?:[\w-]+\s+){0,2}$", window)
    planned = re.search(r"\b(?:future|upcoming|planned|proposed|expected|possible|potential|looming|anticipated)\s+(?:[\w-]+\s+){0,2}$",
                        text[max(0, t.start - 40):t.start], re.I)
    if exp_cue or purpose or planned:
        m.modality = "expected"
    elif est_cue:
        m.modality = "estimated"
    elif say or hedge:
        m.modality = "claimed"
    else:
        m.modality = "asserted"
    if ctx.s.quote_open or _in_quote(ctx, t.start):
        if not m.claimants and ctx.state.last_speaker and not say:
            m.claimants = [ctx.state.last_speaker]
        if m.modality == "asserted":
            m.modality = "claimed"
    # drop party-less claimants when a party is named
    if any(c[0] for c in m.claimants):
        m.claimants = [c for c in m.claimants if c[0]]


_FINITE = re.compile(r"(?<!\bto )\b(?:had|has|have|was|were|did|is|are)\b", re.I)


def _in_quote(ctx: Ctx, pos: int) -> bool:
    before = ctx.text[:pos]
    return before.count("“") > before.count("”") or (before.count('"') % 2 == 1)


def _trigger_quantities(ctx: Ctx, t: Trigger) -> list[dict]:
    et = t.type
    kinds = {"troops_deployed": ("mil", "battalions", "brigades"), "offensive_launched": ("battalions", "brigades", "mil"),
             "territory_claimed": ("km2", "sqmi", "share", "settlements"), "strike": ("drones", "missiles"),
             "offensive_repelled": (), "diplomacy": (), "military_aid": ("missiles", "drones")}[et]
    seg = ctx.segment(t.start)
    cs, ce, _ = ctx.clause(t.start)
    out = []
    for q in ctx.quants:
        near = (seg[0] <= q.start < seg[1]) or (cs <= q.start < ce and abs(q.start - t.start) < 90)
        if et in ("troops_deployed",) and not near:
            # 'the 11,000 believed to have been dispatched'
            near = abs(q.start - t.start) < 45
        if not near:
            continue
        unit = q.unit
        if et == "troops_deployed" and unit is None and ctx.text[q.end:q.end + 30].lstrip().startswith(("believed", "sent", "deployed", "dispatched", "troops")):
            unit = "mil"
        if unit not in kinds:
            continue
        if unit == "mil":
            if casualty_kind(ctx, q, None) is not None and _cue_kind(ctx, q, ctx.segment(q.start)):
                continue
            owner = [p for p in ctx.parties if q.end <= p.start < q.unit_end]
            if owner and et == "troops_deployed" and _troop_owner(ctx, t) is not None and owner[0].code != _troop_owner(ctx, t).code:
                continue  # 'in retreat ..., facing 70,000 Russian troops'
            if et == "offensive_launched":
                continue
            kind = "troops"
        else:
            kind = {"battalions": "battalions", "brigades": "brigades", "km2": "area_km2", "sqmi": "area_sq_mi",
                    "share": "share", "settlements": "settlements", "drones": "drones", "missiles": "missiles"}[unit]
        if et == "territory_claimed" and unit == "settlements" and q.value is None:
            continue
        out.append(_quantity_dict(q, kind))
    if et == "strike":
        strikes = [x for x in ctx.triggers if x.type == "strike" and not x.dropped]
        for q in ctx.quants:
            if q.unit in ("drones", "missiles", "km2", "sqmi", "share", "settlements"):
                continue
            if q.unit is None and not re.search(r"\b(?:killed|killing|injured|injuring|wounded|wounding)\s+$",
                                                ctx.text[max(0, q.start - 12):q.start], re.I):
                continue  # a bare figure counts only right after 'killed' / 'injured'
            nearest = min(strikes, key=lambda x: min(abs(q.start - x.end), abs(x.start - q.unit_end)))
            if re.search(r"\b(?:which|that)\s+(?:\w+\s+)?(?:injured|killed|wounded|left|injuring|killing)\s+$", ctx.text[max(0, q.start - 40):q.start]):
                left = [x for x in strikes if x.end <= q.start]
                if left:
                    nearest = left[-1]  # '..., which injured one person'
                    left_main = [x for x in left if ctx.clause(x.start)[0] == ctx.clause(left[0].start)[0]]
                    nearest = left_main[-1] if left_main else nearest
            if nearest is not t:
                continue
            k = casualty_kind(ctx, q, None)
            if k in ("killed", "civilians_killed", "injured", "wounded"):
                if k == "killed" and not re.search(r"\b(?:soldiers|troops|servicemen|fighters)\b", ctx.text[q.end:q.unit_end], re.I):
                    k = "civilians_killed" if q.unit in ("civ", "cas_killed") or q.civilian else k
                if k == "wounded":
                    k = "injured"
                out.append(_quantity_dict(q, k))
    return _uniq_q(out)


def _q_used(q: Qty, qs: list[dict]) -> bool:
    for d in qs:
        if d.get("value") == q.value and d.get("low") == q.low and d.get("high") == q.high and d.get("vague") == q.vague:
            return True
    return False


def _uniq_q(qs: list[dict]) -> list[dict]:
    seen, out = set(), []
    for q in qs:
        key = (q["kind"], q.get("value"), q.get("low"), q.get("high"), q.get("vague"))
        if key not in seen:
            seen.add(key)
            out.append(q)
    return out


# --- time ------------------------------------------------------------------------------------

def _anchors(ctx: Ctx) -> list[tuple[int, int, str, object]]:
    anchors: list[tuple[int, int, str, object]] = []
    for t in ctx.triggers:
        anchors.append((t.start, t.end, "trigger", t))
    for a in ctx.attrs:
        if a.kind != "hedge" and not a.backward_copy:
            anchors.append((a.start, a.end, "attr", a))
    for m in ctx.res.rx["generic_event"].finditer(ctx.text):
        if not any(x[0] <= m.start() < x[1] for x in anchors):
            anchors.append((m.start(), m.end(), "generic", None))
    for q in ctx.quants:
        if q.unit and q.unit.startswith("cas_") or q.unit in ("mil", "civ"):
            anchors.append((q.start, q.unit_end, "qty", q))
    return anchors


def _attach_times(ctx: Ctx, anchors) -> dict[int, list[TimeExpr]]:
    """Each time expression goes to the nearest anchor (trigger, attribution verb, other event noun)."""
    out: dict[int, list[TimeExpr]] = {}
    for te in ctx.times:
        best = None
        for i, (a, b, kind, obj) in enumerate(anchors):
            if kind == "attr" and obj.scope[1] <= obj.np_start and te.end <= obj.np_start:
                continue  # '... in Pyongyang next week, the Kremlin said': the time belongs to the reported part
            if b <= te.start:
                d = te.start - b
            elif a >= te.end:
                d = a - te.end + 1
            else:
                d = 0
            # an anchor in another clause is farther away
            if ctx.clause(a)[0] != ctx.clause(te.start)[0]:
                d += 60
            if best is None or d < best[0]:
                best = (d, i)
        if best is not None:
            out.setdefault(id(anchors[best[1]][3]) if anchors[best[1]][3] is not None else -best[1] - 1, []).append(te)
    return out


def _resolve_first(tes: list[TimeExpr], pub: date, future: bool):
    for te in tes:
        if te.since:
            continue
        r = resolve(te, pub, future)
        if r:
            return r, te.text
    return None, None


def _time(ctx: Ctx, t: Trigger, m: Mention, attached, attrs: list[Attribution]) -> None:
    pub = ctx.state.pub
    future = m.modality == "expected"
    own = list(attached.get(id(t), []))
    if t.since:
        own = [te for te in own if te.start > t.start]  # 'Last Tuesday marked 1,000 days since Russia launched ...'
    seg = ctx.segment(t.start)
    for q in ctx.quants:
        if seg[0] <= q.start < seg[1] and t.type != "casualties_claimed":
            own += attached.get(id(q), [])  # 'deploy an additional 8,000 troops by next spring'
    r, txt = _resolve_first(own, pub, future)
    if r:
        m.time, m.time_text, m.time_source = r, txt, "own"
        return
    if not m.since and m.change != "controls" and not t.weak:
        pair = {"offensive_launched", "territory_claimed"}
        actors = getattr(ctx, "actors", {})
        sibs = [x for x in ctx.triggers if x is not t and not x.dropped and not x.since and id(x) in attached
                and (x.type == t.type or {x.type, t.type} == pair) and actors.get(id(x)) == actors.get(id(t))]
        sibs.sort(key=lambda x: abs(x.start - t.start))
        for x in sibs:
            r, txt = _resolve_first(attached[id(x)], pub, future)
            if r:
                m.time, m.time_text, m.time_source = r, txt, "sibling"
                return
    if not future:
        for a in reversed(attrs):
            r, txt = _resolve_first(attached.get(id(a), []), pub, future)
            if r:
                m.time, m.time_text, m.time_source = r, txt, "attribution"
                return
        # 'According to the report': the time of the report in the previous sentence
        anaphora = any(ctx.res.rx["report_anaphora"].match(ctx.text, a.start) for a in attrs)
        prev_time = ctx.state.prev_attr[1].get() if anaphora and ctx.state.prev_attr and ctx.state.prev_attr[1] else None
        if prev_time:
            m.time, m.time_text = prev_time
            m.time_source = "attribution"
            return
        if t.type == "strike" and ctx.state.prev_strike_time:
            m.time, m.time_text = ctx.state.prev_strike_time, ctx.state.prev_strike_text
            m.time_source = "context"
            return


# --- casualties ------------------------------------------------------------------------------

def _casualties(ctx: Ctx, attached) -> list[Mention]:
    out: list[Mention] = []
    prev_kind = None
    prev_victim = None
    groups: dict[tuple, Mention] = {}
    strike_segs = [ctx.clause(t.start) for t in ctx.triggers if t.type == "strike" and not t.dropped]
    for q in ctx.quants:
        kind = casualty_kind(ctx, q, prev_kind)
        if kind is None:
            continue
        if q.unit == "civ" or q.civilian or kind in ("civilians_killed", "injured"):
            prev_kind = kind
            continue  # civilian tolls belong to strikes
        if any(cs <= q.start < ce for cs, ce, _ in strike_segs):
            prev_kind = kind
            continue
        if q.unit is None and q.vague:
            continue
        seg = ctx.segment(q.start)
        if q.unit == "cas_killed" and not re.search(r"\b(?:troops|soldiers|servicemen|fighters|forces|military|army|personnel)\b",
                                                    ctx.text[seg[0]:seg[1]], re.I):
            prev_kind = kind
            continue
        victim = _victim(ctx, q)
        code = victim.code if victim else prev_victim
        if code is None:
            prev_kind = kind
            continue
        attrs = governing(ctx, q.start)
        m = Mention("casualties_claimed", ctx.s, q.start, q.text, weak=ctx.s.headline or ctx.s.summary)
        m.actor = code
        _modality_q(ctx, q, m, attrs)
        key = (code, tuple(sorted((c[0] or "") for c in m.claimants)), m.modality)
        qd = _quantity_dict(q, kind)
        if key in groups and not any(x["kind"] == kind for x in groups[key].quantities):
            groups[key].quantities.append(qd)
            prev_kind, prev_victim = kind, code
            continue
        m.quantities = [qd]
        agent = None
        for p, r in _parties_in(ctx, 0, len(ctx.text)):
            if r == "agent" and p.code != code:
                agent = p.code
        m.against = agent or _opponent(ctx, code)
        m.locations = _locations(ctx, q.start, q.end, "casualties_claimed", ctx.state)
        own = attached.get(id(q), [])
        r, txt = _resolve_first(own, ctx.state.pub, False)
        if r:
            m.time, m.time_text, m.time_source = r, txt, "own"
        else:
            for a in reversed(attrs):
                r, txt = _resolve_first(attached.get(id(a), []), ctx.state.pub, False)
                if r:
                    m.time, m.time_text, m.time_source = r, txt, "attribution"
                    break
        groups[key] = m
        out.append(m)
        prev_kind, prev_victim = kind, code
    return out


def _modality_q(ctx: Ctx, q: Qty, m: Mention, attrs: list[Attribution]) -> None:
    t = Trigger("casualties_claimed", None, q.start, q.end, q.text)  # type: ignore[arg-type]
    _modality(ctx, t, m, attrs)
    seg = ctx.segment(q.start)
    if re.search(r"\b(?:believed|estimated|estimates?|assessed)\b", ctx.text[seg[0]:q.start], re.I) and m.modality != "denied":
        m.modality = "estimated"


def _denied_copies(ctx: Ctx, out: list[Mention]) -> None:
    """', a claim rejected by X' / 'which X denied': the events before it, denied by X."""
    for a in ctx.attrs:
        if not a.backward_copy:
            continue
        for m in list(out):
            if a.scope[0] <= m.trig_start < a.scope[1] and m.modality != "denied" and not m.weak:
                d = Mention(m.type, m.sentence, m.trig_start, m.trig_text, m.actor, list(m.partners), m.against,
                            list(m.locations), [], None, None, "article", list(a.claimants), "denied", m.change,
                            m.movement, m.recipient, False, m.since)
                out.append(d)
