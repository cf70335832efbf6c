"""The rule-based extractor: `extract(article) -> list[Event]`, pure (no I/O, no clock).

Pipeline: sentences (noise dropped) -> per-sentence analysis (parties, places, times, figures,
attributions, triggers; `analysis`) -> candidate events per trigger and per casualty figure
(`build`) -> merging of mentions of one event across the article -> events with a deterministic
`event_id`. Rules and vocabularies live in `services/extract/data` and are loaded once.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter

from schemas.article import Article
from schemas.parse import ParsedArticle
from schemas.events import (CasualtiesClaimed, Claimant, Diplomacy, Event, Evidence, Location, MilitaryAid,
                            OffensiveLaunched, OffensiveRepelled, Quantity, Strike, TerritoryClaimed, TimeSpan,
                            TroopsDeployed)
from services.extract.core.analysis import THEATRE_KINDS, ArticleState, Mention, analyze
from services.extract.core.build import build_mentions
from services.extract.core.mentions import find_places
from services.extract.core.resources import resources
from services.extract.core.segment import split_sentences

EXTRACTOR_VERSION = "1.0.0"

resources()  # rules and vocabularies are read once, at import: `extract` itself does no I/O

_CLASSES = {
    "offensive_launched": OffensiveLaunched, "offensive_repelled": OffensiveRepelled, "troops_deployed": TroopsDeployed,
    "territory_claimed": TerritoryClaimed, "casualties_claimed": CasualtiesClaimed, "strike": Strike,
    "diplomacy": Diplomacy, "military_aid": MilitaryAid,
}
_ORIGINAL_SOURCE = re.compile(r"^\s*Original\s+Source\s*:\s*(\S.*?)\s*$", re.I | re.M)


def article_source(article: Article) -> str | None:
    """The outlet: the article's own `source`, else an 'Original Source: X' line of the text."""
    if article.source:
        return article.source
    m = _ORIGINAL_SOURCE.search(article.text)
    return m.group(1) if m else None


_EN_STOP = frozenset("the and of to in is that for on with was were by from has have are as at it its said".split())
_WORD = re.compile(r"[A-Za-zÀ-ÿĀ-ỹ']+")


def is_english(article: Article) -> bool:
    """The rules are English: other languages give no events ('language' when the source says it,
    else the share of common English words in the text)."""
    if article.language:
        return article.language.lower().startswith("en")
    words = _WORD.findall(article.text[:3000])
    if len(words) < 8:
        return True
    return sum(w.lower() in _EN_STOP for w in words) / len(words) >= 0.08


def extract(parsed: ParsedArticle) -> list[Event]:
    """The events one parsed article reports (none for an unsupported language)."""
    if parsed.status != "parsed":
        return []
    return extract_article(parsed.article)


def extract_article(article: Article) -> list[Event]:
    if not is_english(article):
        return []
    res = resources()
    sentences = split_sentences(article.text, article.title, res)
    state = ArticleState(pub=article.published_at)
    places = [find_places(s.text, res) for s in sentences]
    state.focus = _focus_place(places)
    mentions: list[Mention] = []
    for s, pl in zip(sentences, places):
        ctx = analyze(s, res, state, pl)
        mentions.extend(build_mentions(ctx))
        _update_state(ctx, mentions)
    groups = merge_mentions(mentions)
    return [_to_event(article, g) for g in groups]


# --- article state ---------------------------------------------------------------------------

def _focus_place(places_per_sentence):
    """The theatre place the article is mostly about (fallback for events without a place)."""
    counts: Counter = Counter()
    first: dict[str, tuple] = {}
    for i, places in enumerate(places_per_sentence):
        for p in places:
            if p.anaphoric or p.place is None or p.place.kind not in THEATRE_KINDS:
                continue
            counts[p.name] += 1
            first.setdefault(p.name, (i, p.place))
    if not counts:
        return None
    name = max(counts, key=lambda n: (counts[n], -first[n][0]))
    return name, first[name][1]


def _update_state(ctx, mentions: list[Mention]) -> None:
    st = ctx.state
    attrs = [a for a in ctx.attrs if a.kind in ("say", "estimate", "deny") and a.claimants]
    if attrs:
        named = [c for a in attrs for c in a.claimants if c[1].lower() not in ctx.res.lex["pronouns"]]
        if named:
            st.last_speaker = named[-1]
        cl = [c for a in attrs for c in a.claimants]
        st.prev_attr = (cl, _LazyTime(ctx, attrs))
    else:
        st.prev_attr = None
    persons = [(p.start, (p.code, p.text)) for p in ctx.parties if p.form == "person"]
    for p in ctx.parties:
        parts = p.text.split()
        if p.form == "person" and len(parts) > 1 and len(parts[-1]) > 3:
            st.people.setdefault(re.sub(r"['’]s?$", "", parts[-1]), p.code)  # 'Kovalenko' after 'Andriy Kovalenko'
    persons += [(a.np_start, c) for a in attrs for c in a.claimants
                if c[0] and re.fullmatch(r"(?:[A-Z][\w’'-]+\s+){1,3}[A-Z][\w’'-]+", c[1] or "")]
    if persons:
        st.last_person = max(persons, key=lambda x: x[0])[1]
    strike_times = [(m.time, m.time_text) for m in mentions
                    if m.sentence is ctx.s and m.type == "strike" and m.time_source == "own"]
    st.prev_strike_time, st.prev_strike_text = strike_times[0] if strike_times else (None, None)
    for p in ctx.places:
        if not p.anaphoric and (p.place is None or p.place.kind in THEATRE_KINDS):
            st.last_theatre = (p.name, p.place)


class _LazyTime:
    """The time of a sentence's attribution ('reported on Saturday'), computed only when a later
    'According to the report' asks for it."""

    def __init__(self, ctx, attrs) -> None:
        self.ctx, self.attrs, self.value, self.done = ctx, attrs, None, False

    def get(self):
        if not self.done:
            from services.extract.core.build import _anchors, _attach_times, _resolve_first
            from services.extract.core.timex import find_times
            if not self.ctx.times:
                self.ctx.times = find_times(self.ctx.text)  # a light sentence: times were not looked for
            attached = _attach_times(self.ctx, _anchors(self.ctx))
            for a in self.attrs:
                r, txt = _resolve_first(attached.get(id(a), []), self.ctx.state.pub, False)
                if r:
                    self.value = (r, txt)
                    break
            self.done = True
        return self.value


# --- merging ---------------------------------------------------------------------------------

def _mod_class(m: Mention) -> str:
    return "denied" if m.modality == "denied" else "expected" if m.modality == "expected" else "real"


def _span(m: Mention):
    return (m.time[0], m.time[1]) if m.time else None


def _parties(m: Mention) -> frozenset:
    return frozenset(c[0] for c in m.claimants if c[0])


def _q_compatible(a: list[dict], b: list[dict]) -> bool:
    for qa in a:
        for qb in b:
            if qa["kind"] != qb["kind"] or qa.get("vague") or qb.get("vague"):
                continue
            if (qa.get("value"), qa.get("low"), qa.get("high")) != (qb.get("value"), qb.get("low"), qb.get("high")):
                return False
    return True


def _l_compatible(a: Mention, b: Mention) -> bool:
    la = [l for l in a.locations if l[2]]
    lb = [l for l in b.locations if l[2]]
    if not la or not lb:
        return True
    for na, pa, _ in la:
        for nb, pb, _ in lb:
            if na == nb:
                return True
            if pa and pb and (pa.parent == nb or pb.parent == na):
                return True
            if pa and pb and pa.country and pa.country == pb.country and "country" in (pa.kind, pb.kind):
                return True
            if pa and pb and pa.country and pa.country == pb.country and "area" in (pa.kind, pb.kind):
                return True
    return False


def _compatible(a: Mention, b: Mention, same_sentence: bool) -> bool:
    if a.type != b.type or a.actor != b.actor or _mod_class(a) != _mod_class(b) and not (
            same_sentence and "denied" not in (_mod_class(a), _mod_class(b))):
        return False
    if _parties(a) != _parties(b) and not same_sentence:
        return False
    if _parties(a) != _parties(b) and same_sentence and _parties(a) and _parties(b):
        return False
    sa, sb = _span(a), _span(b)
    if same_sentence:
        if a.time_source == "own" and b.time_source == "own" and sa != sb:
            return False
    elif sa != sb:
        return False
    if a.change and b.change and a.change != b.change:
        return False
    if a.movement and b.movement and a.movement != b.movement:
        return False
    if a.recipient and b.recipient and a.recipient != b.recipient:
        return False
    return _q_compatible(a.quantities, b.quantities) and _l_compatible(a, b)


def merge_mentions(mentions: list[Mention]) -> list[list[Mention]]:
    """Group mentions of the same event; weak mentions only join groups found elsewhere."""
    strong = [m for m in mentions if not m.weak and m.actor]
    weak = [m for m in mentions if m.weak and m.actor]
    groups: list[list[Mention]] = []
    for m in strong:
        for g in groups:
            same = any(x.sentence.index == m.sentence.index for x in g)
            if all(_compatible(x, m, same) for x in g):
                g.append(m)
                break
        else:
            groups.append([m])
    for m in weak:
        best = None
        for g in groups:
            p = _primary(g)
            if p.type != m.type or p.actor != m.actor or (_mod_class(p) == "denied") != (_mod_class(m) == "denied"):
                continue
            if m.change and p.change and m.change != p.change and m.change != "controls" and p.change != "controls":
                continue
            if not _q_compatible(p.quantities, m.quantities):
                continue
            d = min(abs(x.sentence.index - m.sentence.index) for x in g)
            if best is None or d < best[0]:
                best = (d, g)
        if best:
            best[1].append(m)
    for g in groups:
        g.sort(key=lambda x: (x.sentence.start, x.trig_start))
    groups.sort(key=lambda g: (g[0].sentence.start, g[0].trig_start, g[0].type))
    return groups


def _primary(g: list[Mention]) -> Mention:
    strong = [m for m in g if not m.weak] or g
    return max(strong, key=lambda m: (m.info, -m.sentence.index, -m.trig_start))


# --- events ----------------------------------------------------------------------------------

def _event_id(article: Article, g: list[Mention], p: Mention) -> str:
    first = g[0]
    key = "|".join([article.id, EXTRACTOR_VERSION, p.type, p.actor or "", _mod_class(p),
                    str(first.sentence.start), str(first.trig_start), first.trig_text.lower()])
    return "ev_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _to_event(article: Article, g: list[Mention]) -> Event:
    p = _primary(g)
    strong = [m for m in g if not m.weak]
    pub = article.published_at
    locs: list[Location] = []
    seen = set()
    loc_items = [l for m in [p] + [x for x in strong if x is not p] for l in m.locations]
    loc_items.sort(key=lambda l: (0 if l[2] else 1, l[1].rank if l[1] else 1))
    for name, place, explicit in loc_items:
        if name in seen:
            continue
        seen.add(name)
        locs.append(Location(name=name, country=place.country if place else None,
                             lat=place.lat if place else None, lon=place.lon if place else None))
    qs = list(p.quantities)
    kinds = {q["kind"] for q in qs}
    for m in strong:
        for q in m.quantities:
            if q["kind"] not in kinds:
                qs.append(q)
                kinds.add(q["kind"])
    claimants: list[Claimant] = []
    seen_c = set()
    for m in [p] + [x for x in strong if x is not p]:
        if _parties(m) != _parties(p) or _mod_class(m) != _mod_class(p):
            continue
        for party, name in m.claimants:
            if (party, name) not in seen_c:
                seen_c.add((party, name))
                claimants.append(Claimant(party=party, name=name))
    if any(c.party for c in claimants):
        claimants = [c for c in claimants if c.party]
    partners = []
    for m in [p] + strong:
        for c in m.partners:
            if c not in partners and c != p.actor:
                partners.append(c)
    if p.time:
        time = TimeSpan(text=p.time_text, start=p.time[0], end=p.time[1], granularity=p.time[2], fuzzy=p.time[3])
    else:
        time = TimeSpan(start=pub, end=pub, granularity="day", from_article_date=True)
    evidence = []
    seen_s = set()
    for m in g:
        if m.sentence.index in seen_s:
            continue
        seen_s.add(m.sentence.index)
        evidence.append(Evidence(sentence=m.sentence.text, start=m.sentence.start, end=m.sentence.end))
    evidence.sort(key=lambda e: e.start)
    fields = dict(
        event_id=_event_id(article, g, p), extractor_version=EXTRACTOR_VERSION, article=article.id,
        published_at=pub, source=article_source(article), ingested_at=article.ingested_at,
        actor=p.actor, partners=tuple(partners), against=p.against or next((m.against for m in strong if m.against), None),
        locations=tuple(locs), quantities=tuple(Quantity(**q) for q in qs), time=time,
        claimants=tuple(claimants), modality=p.modality, evidence=tuple(evidence),
    )
    if p.type == "territory_claimed":
        fields["change"] = p.change or "captured"
    elif p.type == "troops_deployed":
        fields["movement"] = p.movement or "deployed"
    elif p.type == "military_aid":
        fields["recipient"] = p.recipient or next((m.recipient for m in strong if m.recipient), None)
    return _CLASSES[p.type](**fields)
