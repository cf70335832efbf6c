"""The parser-based extractor: `extract(parsed) -> list[Event]`, pure (no I/O, no clock).

Pipeline, per parsed sentence: find trigger lemmas (rules/triggers.yaml), check what their
arguments hold (semantic classes), fill the slots from the dependency tree (`slots`), read the
attribution and modality, drop what the noise rules name, add casualty events from casualty
figures; then merge the mentions of one event across the article and give each event a
deterministic id. All knowledge is in `services/extract/rules/`, `services/extract/data/` and the shared
`services/common/knowledge/` (parties, gazetteer).
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Required, TypedDict, TypeVar

from schemas.article import Article
from schemas.events import (
    CasualtiesClaimed,
    Claimant,
    Diplomacy,
    Event,
    EventModel,
    Evidence,
    Location,
    MilitaryAid,
    OffensiveLaunched,
    OffensiveRepelled,
    Quantity,
    Strike,
    TerritoryClaimed,
    TimeSpan,
    TroopsDeployed,
)
from schemas.parse import ParsedArticle
from services.extract.core.graph import CLAUSE_DEPS, COMPASS_WORDS, TIME_CONJUNCTIONS, Graph
from services.extract.core.mentions import PartyMention, PlaceMention, find_parties, find_places
from services.extract.core.quantities import Qty
from services.extract.core.quotations import quotation_spans
from services.extract.core.resources import Place, Resources, resources
from services.extract.core.rules import Rules, TriggerRule, rules
from services.extract.core.slots import (
    Args,
    Attribution,
    Facts,
    after_model_name,
    arguments,
    attributions,
    counted_nationals,
    counts_weapons,
    gerund_as_noun,
    has_class,
    in_words,
    nominal,
    particles,
    phrase_parties,
    phrase_party,
    phrase_places,
    role_tokens,
    sentence_facts,
    speaker_name,
    surface_forms,
)
from services.extract.core.timex import resolve
from services.extract.core.version import EXTRACTOR_VERSION

_CLASSES: dict[str, type[EventModel]] = {
    "offensive_launched": OffensiveLaunched, "offensive_repelled": OffensiveRepelled, "troops_deployed": TroopsDeployed,
    "territory_claimed": TerritoryClaimed, "casualties_claimed": CasualtiesClaimed, "strike": Strike,
    "diplomacy": Diplomacy, "military_aid": MilitaryAid,
}
_ORIGINAL_SOURCE = re.compile(r"^\s*Original\s+Source\s*:\s*(\S.*?)\s*$", re.I | re.M)
_MODALITY_RANK = {"asserted": 0, "claimed": 1, "estimated": 2, "expected": 3, "denied": 4}


def article_source(article: Article) -> str | None:
    """The outlet: the article's own `source`, else an 'Original Source: X' line of the text."""
    if article.source:
        return article.source
    m = _ORIGINAL_SOURCE.search(article.text)
    return m.group(1) if m else None


class Figure(TypedDict, total=False):
    """A figure as found: the fields of `schemas.events.Quantity` it sets, and the extractor's
    notes (keys starting with '_', dropped by `_quantity_fields`)."""

    kind: Required[str]
    approx: Required[bool]
    text: str
    bound: str
    scope: str
    vague: str
    value: float | None
    low: float | None
    high: float | None
    _estimated: bool  # 'an estimated 1,000': makes the claim's modality 'estimated'


def _quantity_fields(q: Figure) -> dict[str, object]:
    """A figure's fields for `schemas.events.Quantity` (without the notes)."""
    return {k: v for k, v in q.items() if not k.startswith("_")}


@dataclass
class Mention:
    """A candidate event found in one sentence."""

    type: str
    sentence: Graph
    trig_start: int
    trig_text: str
    rule: str
    actor: str | None = None
    partners: list[str] = field(default_factory=list)
    against: str | None = None
    locations: list[tuple[str, Place | None, bool]] = field(default_factory=list)  # (name, place, explicit)
    quantities: list[Figure] = field(default_factory=list)
    time: tuple[date, date, str, bool] | None = None
    time_text: str | None = None
    time_source: str = "article"
    claimants: list[tuple[str | None, str]] = field(default_factory=list)
    modality: str = "asserted"
    change: str | None = None
    movement: str | None = None
    recipient: str | None = None
    counterpart: bool = False  # diplomacy: a named counterpart of no known party ('Minister Kim')
    # the previous sentence's mention this one goes on telling ('These attacks killed one and
    # injured three', after the sentence on the attacks): grouped with it, whatever its time
    follows: Mention | None = field(default=None, compare=False, repr=False)
    separate: bool = False  # 'held a separate meeting with Zelenskyy': never one with an earlier mention
    urged: bool = False  # a position someone else asks for ('urged Russia to accept a ceasefire')
    headline: bool = False  # told in the lines that open the text before its first full sentence
    home_actor: bool = False  # the actor is the story's country, for a subject named with no country
    told_again: bool = False  # talks named again ('the meeting'): only ever more of the talks it follows

    @property
    def info(self) -> int:
        exact = any(q.get("vague") is None for q in self.quantities)
        return (4 * exact + 2 * bool(self.quantities) + 2 * (self.time_source != "article") +
                bool(self.locations) + bool(self.claimants))


@dataclass
class ArticleState:
    pub: date
    last_speaker: tuple[str | None, str] | None = None
    last_actor: str | None = None  # the actor of the last sentence's first event ('it', 'they')
    source_party: str | None = None  # the party the outlet speaks for ('DOD News' -> USA)
    outlet_words: frozenset[str] = frozenset()  # the outlet's name, lowercased words ('department', 'defense')
    last_place: tuple[str, Place | None] | None = None  # the last theatre place named ('the region')
    # how the article wrote each place ('Kursk' as 'the Kursk region'): 'the region' later names it so
    place_surfaces: dict[str, list[str]] = field(default_factory=dict)
    last_person: str | None = None  # the party of the last person named ('he', 'his')
    previous: list[Mention] = field(default_factory=list)  # the previous sentence's mentions
    # the article's offensives and strikes so far ('the incursion' refers back)
    told: list[Mention] = field(default_factory=list)
    # the claims told so far, of any type ('Kyiv denied the Russian claims' denies the last of them)
    claims: list[Mention] = field(default_factory=list)
    # the speaker of the previous sentence's quotation, while quotations follow one another
    quoting: tuple[str | None, str] | None = None
    # the party of each speaker the article has named with one, by the speaker's head word: a
    # surname ('Syrskyi said', after 'Ukraine's top commander Oleksandr Syrskyi') or a body ('the
    # ministry', after 'Russia's defence ministry'), whoever spoke in between
    speakers: dict[str, str] = field(default_factory=dict)
    in_quotation: bool = False  # the sentence begins inside a quotation opened before it
    # the war party whose capital opens the article as its dateline ('MOSCOW (Reuters) -'): 'the
    # Defence Ministry said' with no country named is that government's
    dateline_party: str | None = None
    # the side each country's nationals were told to fight or serve for ('Colombian mercenaries
    # employed by Ukraine's armed forces'): their losses told later are that side's
    served: dict[str, str] = field(default_factory=dict)
    # the country the story is about besides the war's sides (_home_party): whose a minister or a
    # government named with no country is
    home: str | None = None


def load_knowledge() -> None:
    """Load the rules and resources now (about a second, once a process; `extract` would on its
    first call): a caller that limits each extraction's time keeps the loading out of it."""
    resources()
    rules()


def extract(parsed: ParsedArticle) -> list[Event]:
    """The events one parsed article reports (none for an unsupported language)."""
    if parsed.status != "parsed":
        return []
    res, rl = resources(), rules()
    article = parsed.article
    # parties and places of the whole text, scanned once: the relevance gate and every sentence use them
    party_mentions, place_mentions = find_parties(article.text, res), find_places(article.text, res)
    # (a line of page furniture does not make the article one about the war: 'Read also: Russia-Indonesia
    # Naval Drill Set for November 2024' under a story of Thailand's jets; noise.yaml other_story)
    furniture = _furniture_lines(article.text, res, int(rl.noise["other_story"]["max_line_chars"]))
    if not _about_the_war([p for p in party_mentions if not _inside(p.start, furniture)],
                          [p for p in place_mentions if not _inside(p.start, furniture)],
                          res, rl, len(parsed.sentences), article.published_at) \
            or _history_piece(parsed, rl):
        return []
    source_party = _source_party(article, res)
    state = ArticleState(pub=article.published_at, source_party=source_party, home=_home_party(party_mentions, rl),
                         outlet_words=frozenset((article_source(article) or "").lower().split()) if source_party
                         else frozenset(), dateline_party=_dateline_party(article.text, res, rl))
    party_by_sentence = _by_sentence(party_mentions, parsed)
    place_by_sentence = _by_sentence(place_mentions, parsed)
    mentions: list[Mention] = []
    spans = quotation_spans(article.text, [(s.start, s.end) for s in parsed.sentences])
    # mentions told inside a quotation whose speaker is named where it closes
    unspoken: list[Mention] = []
    for index, sentence in enumerate(parsed.sentences):
        g = Graph(sentence, index, article.text)
        state.in_quotation = spans[index].starts_inside
        if _is_furniture(g, res, rl):
            continue
        triggers = _triggers(g, rl)
        facts = sentence_facts(g, res, full=bool(triggers) or any(t.pos == "CD" for t in g.tokens),
                               parties=_within(party_by_sentence.get(index, ()), g),
                               places=_within(place_by_sentence.get(index, ()), g),
                               target_verbs=rl.classes["target_verbs"], masthead_words=rl.classes["masthead_words"],
                               model_words=rl.classes["weapon"])
        found = _sentence_mentions(facts, triggers, res, rl, state)
        if not any(m.modality == "denied" for m in found):
            found += _denials_of_told(facts, res, rl, state, found)
        mentions.extend(found)
        state.claims.extend(m for m in found if m.modality == "claimed" and m.claimants)
        state.told.extend(m for m in found if m.type in _TOLD_TYPES)
        before, state.previous = state.previous, found
        spoke = _remember_speaker(facts, rl, state, res)
        _learn_titled_people(facts, rl, state, res)
        _learn_served(facts, rl, state, res)
        if (agent := _said_of_the_last(g, rl)) is not None:
            _quoted([m for m in before if not m.claimants], (_speaker_code(facts, agent, rl, state, res),
                                                              speaker_name(g, agent)))
        if spans[index].ends_inside:
            unspoken += [m for m in found if not m.claimants]
        elif unspoken:
            if spoke and state.last_speaker is not None:
                _quoted(unspoken, state.last_speaker)
            unspoken = []
        if _quotes(g) or not (spans[index].starts_inside and spans[index].ends_inside):
            state.quoting = state.last_speaker if _quotes(g) else None
        people = [p.code for _, p in sorted(facts.parties.items()) if p.form == "person"]
        if people:
            state.last_person = people[-1]
        # the war's theatre only: 'the region' after a sentence on Pyongyang is still Kursk's
        theatre = [pl for _, pl in sorted(facts.places.items())
                   if pl.place is not None and pl.place.kind != "country" and pl.place.country in ("Russia", "Ukraine")]
        if theatre:
            state.last_place = (theatre[-1].name, theatre[-1].place)
        for name, surface in facts.surfaces.items():
            state.place_surfaces[name] = surface_forms(surface)
        if found:
            state.last_actor = found[0].actor
        elif (named := _first_named_subject(facts, res)) is not None:
            state.last_actor = named
    # the story's country stands for a subject named with no country only in its dealings with
    # the war's sides ('Mitch McConnell met with Ukrainian President Volodymyr Zelenskyy'; not
    # 'NNPC and Dangote Refinery sign gas supply deal')
    sides = set(rl.noise["off_topic"]["home_excluded"])
    mentions = [m for m in mentions if not m.home_actor or set(m.partners) & sides or m.recipient in sides]
    home = state.home
    for m in mentions:
        if m.type == "diplomacy" and m.actor is not None and not m.partners and not m.counterpart \
                and home is not None and m.actor != home and _unknown_person_talks(m, res, rl):
            # 'Foreign Minister Shah Mahmood Qureshi held a telephonic conversation with the Foreign
            # Minister of Ukraine', in a Pakistani story: the one who talks, named with no country,
            # is of the country the story is about; the party named is whom they talked to
            m.actor, m.partners = home, [m.actor]
    # talks need someone to talk to: another party, a multilateral body, or a named counterpart;
    # a party's position taken on talks ('Ukraine had agreed to a 30-day ceasefire') stands alone,
    # and so do talks a party holds or hosts ('Putin offered to hold the next round of talks');
    # one urged or refused ('urging Russia to accept a ceasefire') is no happening on its own
    mentions = [m for m in mentions
                if m.type != "diplomacy" or (not m.urged and (
                    m.partners or m.counterpart or m.actor in rl.multilateral
                    or m.rule in ("diplomacy.forum", "diplomacy.talks-held")
                    or m.rule in _MEDIATION_RULES
                    or (m.rule.startswith("diplomacy.position") and m.modality in ("asserted", "claimed"))))]
    # a mediator's part in an exchange the sentence tells the sides made is that exchange, told by
    # the sides' event ('The UAE has successfully mediated a new exchange of captives between the
    # Russian Federation and the Republic of Ukraine': the news sets' annotators give it the sides)
    sided = {m.sentence.index for m in mentions if m.type == "diplomacy" and m.rule not in _MEDIATION_RULES
             and m.actor in rl.noise["off_topic"]["war_parties"]}
    mentions = [m for m in mentions if not (m.rule in _MEDIATION_RULES and m.sentence.index in sided)]
    # support this war's sides receive: a contractor's launcher handed to its own army, weapons
    # Iran sent to Israel's enemies are no aid in it (noise.yaml off_topic aid_receivers)
    receivers = set(rl.noise["off_topic"]["aid_receivers"])
    nongivers = set(rl.noise["off_topic"]["aid_nongivers"])
    mentions = [m for m in mentions if not (m.type == "military_aid" and (
        (m.recipient and m.recipient not in receivers) or m.actor in nongivers))]
    # offensives and ground are this war's fighting sides': 'German forces attempted to encircle
    # Soviet forces in the Kursk Salient' (1943), 'the US would attack' are another war or none
    fighters = set(rl.noise["off_topic"]["fighting_parties"])
    mentions = [m for m in mentions if not (m.type in ("offensive_launched", "territory_claimed")
                                            and m.actor and m.actor not in fighters)]
    war_parties = rl.noise["off_topic"]["war_parties"]
    mentions = [m for m in mentions if not (m.type == "diplomacy" and _others_talks(
        m, party_by_sentence.get(m.sentence.index, ()), place_by_sentence.get(m.sentence.index, ()), res, rl))]
    # losses are the war's sides' (noise.yaml off_topic war_parties, disaster): others' are a strike's
    # toll, another war's or a disaster's
    mentions = [m for m in mentions if not (m.type == "casualties_claimed" and m.actor not in war_parties)]
    opening = _opening_lines(parsed)
    for m in mentions:
        _perspective(m, state)
        _in_event_codes(m, res)
        m.headline = m.sentence.index in opening
    groups = merge_mentions(mentions)
    return [_to_event(article, g) for g in groups]


def _others_talks(m: Mention, parties: Iterable[PartyMention], places: Iterable[PlaceMention],
                  res: Resources, rl: Rules) -> bool:
    """noise.yaml others_talks: talks among countries the annotation guide has no code for, in a
    sentence that names neither a side of the war, nor its ground, nor the war ('Xi met Modi in
    Beijing to discuss trade'), are another matter than the war."""
    rule = rl.noise["others_talks"]
    guide, war_parties = res.guide_codes, set(rl.noise["off_topic"]["war_parties"])
    theatre = set(rl.noise["disaster"]["theatre"])
    if any(_event_code(res, code) in guide for code in [m.actor, *m.partners] if code):
        return False
    return not (any(p.code in war_parties for p in parties)
                or any(pl.place is not None and pl.place.country in theatre for pl in places)
                or any(tok.lemma in rule["war_nouns"] for tok in m.sentence.tokens))


# the events a later sentence may go on telling ('the incursion', 'the two sides', 'the troop movements')
_TOLD_TYPES = frozenset({"offensive_launched", "strike", "diplomacy", "troops_deployed", "military_aid"})


def _denials_of_told(f: Facts, res: Resources, rl: Rules, state: ArticleState,
                     found: list[Mention]) -> list[Mention]:
    """'Kyiv quickly denied the Russian claims', 'the Ukrainian authorities have denied this',
    'these claims were immediately refuted by Ukraine's Eastern Command': a denial of what was
    claimed before, with nothing of its own told, denies the last claim another side made (the
    annotation guide's denied event: a denial and the claim it denies are separate events)."""
    g = f.g
    out: list[Mention] = []
    for v in g.tokens:
        if not v.is_verb or rl.attribution_verbs.get(v.lemma) != "denied" or _negated(g, v.i, rl):
            continue
        passive = bool(g.kids(v.i, "aux:pass"))
        denied = g.kids(v.i, "nsubj:pass") if passive else g.kids(v.i, "obj")
        if not denied or any(g.kids(d, "acl", "acl:relcl", "ccomp") or [c for c in g.kids(d, "nmod")
                                                                    if g.tokens[c].dep != "nmod:poss"]
                             for d in denied) or g.kids(v.i, "ccomp"):
            continue  # ('denied claims that Russia had regained Sudzha', 'reports of encirclement' are told
            # there; whose claims they were names no other: 'denied Prigozhin's claims')
        if not all(g.tokens[d].lemma in rl.classes["told_anaphors"] for d in denied):
            continue
        deniers = [o for o in g.kids(v.i, "obl") if g.case_of(o) == "by"] if passive else g.kids(v.i, "nsubj")
        denier = _party(f, deniers, res)
        if denier is None and deniers:
            code = _speaker_code(f, deniers[0], rl, state, res)
            denier = PartyMention.implied(code) if code else None
        if denier is None:
            continue
        # (the claim told before it in the same sentence first: 'Putin said the army had taken
        # back Krynky but the Ukrainian authorities have denied this')
        told = state.claims + [m for m in found if m.modality == "claimed" and m.claimants and m.trig_start < v.start]
        claim = next((c for c in reversed(told)
                      if _event_code(res, denier.code) not in {_event_code(res, p) for p, _ in c.claimants}), None)
        if claim is None:
            continue
        out.append(replace(claim, sentence=g, trig_start=v.start, trig_text=v.word, rule="denial.of-told",
                           modality="denied", claimants=[(denier.code, speaker_name(g, deniers[0]))],
                           partners=list(claim.partners), locations=list(claim.locations),
                           quantities=[], follows=None))
        break
    return out


def _event_code(res: Resources, party: str | None) -> str | None:
    """The code an event names a party by (`PartyInfo.event_code`)."""
    info = res.parties.get(party) if party else None
    return info.event_code if info is not None else party


def _in_event_codes(m: Mention, res: Resources) -> None:
    """Name the mention's parties by the codes events carry (`PartyInfo.event_code`: the
    annotation guide's, where a Western government named by name is WEST; a claimant only by
    the guide's codes), once its rules have read them by their own: 'Germany will send
    Leopard tanks' is WEST's aid to Ukraine.
    Before mentions merge, so that two such governments in one report make one event."""
    def code(party: str | None) -> str | None:
        return _event_code(res, party)

    m.actor, m.against, m.recipient = code(m.actor), code(m.against), code(m.recipient)
    partners: list[str] = []
    for partner in m.partners:
        named = code(partner)
        if named is not None and named != m.actor and named not in partners:
            partners.append(named)
    m.partners = partners
    # (a claimant's party is one of the guide's codes or none: 'Beijing said', 'Turkish
    # authorities said' are claims whose claimant has no party, and the name says who)
    m.claimants = [(named if named in res.guide_codes else None, name)
                   for named, name in ((code(party), name) for party, name in m.claimants)]


# --- sentences ---------------------------------------------------------------------------

_M = TypeVar("_M", PartyMention, PlaceMention)


def _by_sentence(items: list[_M], parsed: ParsedArticle) -> dict[int, list[_M]]:
    """Mentions found in the whole text, grouped by the sentence they lie in (one pass)."""
    starts = [s.start for s in parsed.sentences]
    out: dict[int, list[_M]] = {}
    for x in items:
        k = bisect_right(starts, x.start) - 1
        if k >= 0 and x.end <= parsed.sentences[k].end:
            out.setdefault(k, []).append(x)
    return out


def _within(items: Iterable[_M], g: Graph) -> list[_M]:
    """A sentence's mentions with offsets relative to the sentence."""
    lo = g.start
    return [x.shifted(lo) for x in items]


def _about_the_war(parties: list[PartyMention], places: list[PlaceMention], res: Resources, rl: Rules,
                   sentences: int, published: date) -> bool:
    """Whether the article names the war's parties or places at least a few times (once in a
    text of one sentence); one of a few sentences or more that names only Russia of the parties
    names a place of the war's countries too (noise.yaml off_topic alone_needs_place)."""
    rule = rl.noise["off_topic"]
    needed = min(int(rule["min_article_mentions"]), max(1, sentences))
    war = set(rule["war_parties"])
    countries = {res.parties[c].country for c in war if c in res.parties}
    # (a city that names its government, 'the Associated Press in Moscow', is one mention, not a
    # party and a place of the war both; the country's own name counts as both)
    said = {(p.start, p.end) for p in parties}
    of_the_war = [(pl, pl.place) for pl in places if pl.place is not None and pl.place.country in countries]
    apart = [pl for pl, _ in of_the_war if (pl.start, pl.end) not in said]  # no party's name
    on_ground = sum(1 for pl, place in of_the_war if place.kind == "country" or (pl.start, pl.end) not in said)
    # ... and before the full-scale war, Russia named alone needs a place that is not a name of
    # Russia ('Russia said it had launched 26 cruise missiles at targets in Syria', in 2015)
    elsewhere = on_ground if published >= date.fromisoformat(rl.noise["standing_war"]["began"]) else len(apart)
    named = {p.code for p in parties if p.code in war}
    if named and named <= set(rule["alone_needs_place"]) and not elsewhere \
            and sentences >= int(rule["alone_min_sentences"]):
        return False
    count = sum(1 for p in parties if p.code in war)
    return count + (on_ground if count < needed else 0) >= needed


def _long_ago_day(words: Sequence[str], i: int, openers: set[str], before: int) -> bool:
    """The day word is one of a year long past, not of the news: 'A day like today in 1943'."""
    return i + 2 < len(words) and words[i + 1].lower() in openers and words[i + 2].isdigit() \
        and len(words[i + 2]) == 4 and int(words[i + 2]) < before


def _history_piece(parsed: ParsedArticle, rl: Rules) -> bool:
    """Whether the article is a piece of history: its opening dates it to a year long past ('On this
    day in 1853, the naval Battle of Sinop took place', 'Siege of Sevastopol (1854)', 'Nestor
    Makhno (October 26, 1888 - July 6, 1934) was', a title 'Battle of the Dnieper (1943)') or to a
    war long past ('during World War II'; not an anniversary of it), or by a name only a war long
    past has ('the Nazi war machine'), and it names no later year and no day of the week (noise.yaml
    history piece_before, piece_openers, piece_era_openers, piece_eras, piece_era_names, piece_centuries,
    piece_commemorations, piece_opening_sentences, piece_sentence_words, piece_dateline_words, present_words)."""
    rule = rl.noise["history"]
    months, shortest = set(rule["piece_months"]), int(rule["piece_sentence_words"])
    before, present = int(rule["piece_before"]), set(rule["present_words"])
    commemorations = set(rule["piece_commemorations"])
    openers = set(rule["piece_openers"]) | months
    era_openers = set(rule["piece_era_openers"])
    opening = int(rule["piece_opening_sentences"])
    # the title opens the piece too ('Battle of the Dnieper (1943)'; the parse holds the text only)
    title = re.findall(r"\w+|\(", (parsed.article.title or "").lower())
    title_words = (parsed.article.title or "").split()
    old_opening = any(word.isdigit() and len(word) == 4 and int(word) < before and i > 0 and title[i - 1] in openers
                      for i, word in enumerate(title))
    # ... and so does a title that opens with a war long past ('World War II: Germans defeat Ukraine',
    # 'The Crimean War: the Allied landing and the defence of Sevastopol')
    heading = " ".join(w for w in title if w != "(")
    heading = heading[4:] if heading.startswith("the ") else heading
    old_opening = old_opening or any(heading.startswith(era) for era in rule["piece_eras"])
    read = 0  # sentences of the opening read so far: a page's menu lines ('Old site version') do not count
    # (the parse's own columns: no graph is built for an article that reads as news)
    for sentence in parsed.sentences:
        lemmas = [lemma.lower() for lemma in sentence.lemmas]
        if any(lemma in present and not _long_ago_day(sentence.words, i, openers, before)
               for i, lemma in enumerate(lemmas)) and not commemorations.intersection(lemmas):
            # news of the day ('on Tuesday', 'overnight'; not the day it is remembered on: 'Today it
            # is commemorated as a Day of Military Honour')
            return False
        in_opening = read < opening
        # (the title repeated as a line of the page is no sentence of the opening: 'Second Battle
        # of Kharkov' twice, then 'Part of the Eastern Front of World War II')
        titled = " ".join(sentence.words).casefold() == " ".join(title_words).casefold()
        read += sum(1 for pos in sentence.pos if pos[0].isalpha()) >= shortest and not titled
        for i, (word, pos) in enumerate(zip(sentence.words, sentence.pos, strict=True)):
            if pos != "CD" or not (len(word) == 4 and word.isdigit()):
                continue
            year = int(word)
            if before <= year == parsed.article.published_at.year \
                    and len(sentence.words) < rule["piece_dateline_words"]:
                continue  # the page's own date line ('Updated: Jun 12, 2021', 'author Paul Boșcu, January 2016')
            if before <= year <= parsed.article.published_at.year + 1:
                return False  # a year of our time: whatever the opening, the piece reaches the present
            # a year after an opener, or a date's year ('October 26, 1888')
            dated = (i > 0 and lemmas[i - 1] in openers) or (
                i > 2 and lemmas[i - 1] == "," and sentence.words[i - 2].isdigit() and lemmas[i - 3] in months)
            if year < before and in_opening and dated:
                old_opening = True
        if in_opening and not old_opening and not commemorations.intersection(lemmas):
            # ('The Battle of Kursk was fought between Nazi Germany and the Soviet Union during World War II')
            words = " ".join(word.lower() for word in sentence.words)
            old_opening = any(f"{opener} {the}{era}" in words for opener in openers | era_openers
                              for the in ("", "the ") for era in rule["piece_eras"]) or any(
                f" {name} " in f" {words} " for name in rule["piece_era_names"]) or any(
                # 'A major conflict of the 19th century, the Crimean War claimed at least 500,000 lives'
                f"{opener} the {nth} century" in words for opener in openers for nth in rule["piece_centuries"])
    return old_opening


def _first_named_subject(f: Facts, res: Resources) -> str | None:
    """The party of the sentence's first verb subject that names one (read only for a sentence
    without events: the subjects of every verb are not worth finding otherwise)."""
    g = f.g
    for t in g.tokens:
        if t.is_verb:
            for s in g.kids(t.i, "nsubj"):
                p = phrase_party(f, s, res)
                if p is not None:
                    return p.code
    return None


def _perspective(m: Mention, state: ArticleState) -> None:
    """A meeting has no doer: told by a government's outlet, that government is its actor
    ('Umerov met with Austin at the Pentagon', in a DoD story, is the U.S. meeting Ukraine)."""
    if m.type == "diplomacy" and state.source_party and state.source_party in m.partners and m.actor:
        m.partners = [m.actor] + [p for p in m.partners if p != state.source_party]
        m.actor = state.source_party


def _swap_done(g: Graph, t: int, rl: Rules) -> bool:
    """A swap told as done, not as agreed, planned or discussed: prisoners 'were exchanged', an
    exchange that 'took place', 'there was an exchange', prisoners 'released in a recent exchange'
    (agreements and talks name their sides, and their swaps are part of the talks)."""
    tok = g.tokens[t]
    if tok.is_verb:
        return tok.pos == "VBN" and bool(g.kids(t, "aux:pass")) and not _has_modal(g, t, rl)
    if tok.head < 0:
        return False
    gov = g.tokens[tok.head]
    if tok.dep == "obj" and gov.lemma == "take" and any(g.tokens[o].lemma == "place" for o in g.kids(tok.head, "obj")):
        return gov.pos in ("VBD", "VBN") and not _has_modal(g, tok.head, rl)
    if tok.dep == "nsubj" and gov.lemma in ("take", "occur", "happen"):
        return gov.pos == "VBD" and not _has_modal(g, tok.head, rl)
    if tok.dep == "nsubj" and gov.lemma == "be" and g.kids(tok.head, "expl"):
        return gov.pos == "VBD"
    return tok.dep == "obl" and g.case_of(t) == "in" and gov.lemma in rl.classes["exchange_verbs"] and gov.pos == "VBN"


def _permitter(g: Graph, t: int, rl: Rules) -> int | None:
    """The verb that permits what token t does ('permitted Ukraine to use ATACMS missiles',
    'authorized the use of long-range missiles by Ukraine to strike', 'gave Kyiv the green light
    to strike'; classes.yaml permit_verbs and permission_nouns), a few clause links up."""
    j = t
    for _ in range(3):
        tok = g.tokens[j]
        if tok.head < 0 or tok.dep not in ("xcomp", "ccomp", "advcl", "acl", "nmod", "obj", "dep"):
            return None
        j = tok.head
        up = g.tokens[j]
        if up.is_verb and up.lemma in rl.classes["permit_verbs"]:
            return j
        if up.is_noun and up.lemma in rl.classes["permission_nouns"] and up.head >= 0 and g.tokens[up.head].is_verb:
            return up.head
    return None


def _made_with_weapons(g: Graph, t: int, a: Args, rl: Rules) -> bool:
    """An attack noun told with the weapons it was made with: in its own phrase ('the attack,
    where a ballistic missile struck') or as its verb's other arguments ('launched 120 missiles
    and 90 drones in a large-scale attack'); weapons that back it do not make it ('the biggest
    foreign attack on Russia ..., supported by swarms of drones')."""
    backing = {j for c in g.kids(t, "acl") if g.tokens[c].lemma in rl.classes["backing_verbs"] for j in g.subtree(c)}
    heads = [t] + ([c for c in g.kids(a.governor, "obj", "nsubj", "nsubj:pass") if c != t]
                   if a.governor is not None else [])
    return any(in_words(g.tokens[j], rl.classes["strike_weapon"]) and g.tokens[j].is_noun
               for k in heads for j in g.subtree(k) if j not in backing)


def _source_party(article: Article, res: Resources) -> str | None:
    """A government outlet speaks for its government: 'U.S. Department of State', 'DOD News'."""
    source = article_source(article) or ""
    # an institution names the government ('DOD News', 'U.S. Department of State'); a country
    # word inside an outlet's name does not ('Voice of America')
    return next((p.code for p in find_parties(source, res) if p.form == "inst"), None)


_OPENING_QUOTES = frozenset({'"', "“", "«"})
# any mark that opens or closes a quotation, as the parser writes it ('``' for an opening double quote)
_QUOTE_MARKS = frozenset({'"', "“", "”", "«", "»", "'", "‘", "’", "``", "''", "`"})


def _outlet_itself(g: Graph, claimant: int, state: ArticleState) -> bool:
    """'the department', in a government department's own text: the outlet speaking of itself."""
    tok = g.tokens[claimant]
    return (tok.lemma in state.outlet_words and tok.pos in ("NN", "NNP")
            and any(g.tokens[d].lemma == "the" for d in g.kids(claimant, "det"))
            and not g.kids(claimant, "compound", "amod", "nmod:poss", "nmod"))


def _news_medium(f: Facts, claimant: int, res: Resources, rl: Rules) -> bool:
    """The speaker is a news agency or paper of no party ('Reuters reported', 'according to BBC',
    classes.yaml news_media): the guide's claims are attributed to parties, so what it reports is
    told as fact ('Russian state media' and 'Ukrinform' are their parties')."""
    g = f.g
    phrase = g.phrase(claimant)
    if any(g.tokens[j].lemma == "state" for j in phrase):
        return False  # 'both countries' state media said': the states' own
    # the tokens the outlet's name covers: a party's name inside it is the paper's, not a side's
    # ('The Moscow Times', 'the Kyiv Independent')
    text, starts = "", []
    for j in phrase:
        starts.append(len(text))
        text += g.tokens[j].word.lower() + " "
    found = _news_media_pattern(tuple(rl.classes["news_media"])).search(text)
    if found is None:
        return False
    named = {j for j, at in zip(phrase, starts, strict=True) if found.start() <= at < found.end()}
    # ('Western media reported': the West has no media of its own; 'Russian state media' are Russia's)
    unsided = rl.classes["media_without_party"]
    return not any(j in f.parties and j not in named and f.parties[j].code.lower() not in unsided for j in phrase)


@lru_cache(maxsize=1)
def _news_media_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")


def _byline(g: Graph, at: Attribution, rl: Rules) -> bool:
    """'As stated by Principal Deputy Spokesperson Tommy Pigott: Secretary Rubio spoke ...': a
    government statement's lead-in names who issues it, so what follows is the outlet's own voice."""
    head = g.text.lstrip().lower()
    if not any(head.startswith(lead) for lead in rl.byline_leads):
        return False
    colon = next((tok.i for tok in g.tokens if tok.word == ":"), None)
    return colon is not None and at.verb < colon and (at.claimant is None or at.claimant < colon)


def _quotes(g: Graph) -> bool:
    """The sentence holds a quotation ('"...," Ryder said')."""
    return any(t.pos in ("``", "''") for t in g.tokens)


def _furniture_lines(text: str, res: Resources, longest: int) -> list[tuple[int, int]]:
    """The spans of the text's lines of page furniture ('Read also: ...', 'Related Story: ...';
    data/lexicon.json noise_line_patterns), of at most `longest` characters (noise.yaml other_story
    max_line_chars: a page run together into one long line holds the story too)."""
    spans, start = [], 0
    for line in text.split("\n"):
        if 0 < len(line.strip()) <= longest and _noise_line(line, res):
            spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)


def _is_furniture(g: Graph, res: Resources, rl: Rules) -> bool:
    text = g.text.strip()
    if text.endswith("?") or len(g) < 4:
        return True
    lines = [x.strip() for x in text.split("\n") if x.strip()]
    if len(lines) >= rl.noise["headline_list"]["min_lines"] and all(x[:1].isupper() or x[:1].isdigit() for x in lines):
        # a block of other stories' headlines, one a line, that the splitter took for one sentence
        # (noise.yaml headline_list; a sentence broken across lines goes on in lower case)
        return True
    rx = res.rx
    return _noise_line(text, res) or bool(rx["bio_start"].match(text) or rx["bio"].search(text))


def _noise_line(text: str, res: Resources) -> bool:
    """The text matches a pattern of page furniture (data/lexicon.json noise_line_patterns)."""
    return bool(res.rx["noise_start"].match(text) or res.rx["noise"].search(text))


def _quoted(told: list[Mention], speaker: tuple[str | None, str]) -> None:
    """'"... The enemy is actively shelling Myrnohrad ...," the military's statement added': the
    speaker named where a quotation closes says what the quotation told before."""
    for m in told:
        m.claimants = [speaker]
        if m.modality == "asserted":
            m.modality = "claimed"


_SAID_BEFORE = frozenset({"this", "that", "it"})


def _said_by(g: Graph, verb: int) -> int | None:
    """The 'by' phrase of a passive verb of saying whose subject is what was said before ('This
    was stated by Oleh Chaus'); not a source named in passing ('as reported by Al Jazeera')."""
    said = [s for s in g.kids(verb, "nsubj") if g.tokens[s].dep == "nsubj:pass"]
    if not said or not all(g.tokens[s].lemma in _SAID_BEFORE for s in said):
        return None
    return next((o for o in g.kids(verb, "obl") if g.case_of(o) == "by"), None)


def _said_of_the_last(g: Graph, rl: Rules) -> int | None:
    """'This was stated by Oleh Chaus', 'This was reported by the General Staff', 'Prosecutor
    Oleksandr Filchakov announced this on October 6', 'The relevant statement was made by the
    regional governor on Telegram': a sentence that names who said what the sentence before told;
    its speaker."""
    for t in g.tokens:
        if t.is_verb and t.lemma in rl.attribution_verbs and (agent := _said_by(g, t.i)) is not None:
            return agent
        if t.is_verb and t.lemma in rl.attribution_verbs and not g.kids(t.i, "ccomp", "xcomp", "advcl") \
                and g.kids(t.i, "obj") and all(g.tokens[o].word.lower() == "this" for o in g.kids(t.i, "obj")):
            speaker = [s_ for s_ in g.kids(t.i, "nsubj") if g.tokens[s_].lemma not in rl.pronouns]
            if speaker:
                return speaker[0]
        # (the statement told before, definite: 'An announcement was made by General Surovikin,
        # explaining that ...' makes its own)
        if t.is_verb and t.lemma == "make" and not g.kids(t.i, "ccomp", "xcomp", "advcl") and any(
                g.tokens[s_].lemma in rl.attribution_nouns and not g.kids(s_, "acl", "acl:relcl", "ccomp")
                and any(g.tokens[d].lemma in ("the", "this", "that") for d in g.kids(s_, "det"))
                for s_ in g.kids(t.i, "nsubj:pass")):
            return next((o for o in g.kids(t.i, "obl") if g.case_of(o) == "by"), None)
    return None


def _remember_speaker(f: Facts, rl: Rules, state: ArticleState, res: Resources) -> bool:
    """Keeps the sentence's speaker as the article's last; True when the sentence names one."""
    g = f.g
    spoke = False
    for t in g.tokens:
        if t.lemma in rl.attribution_verbs and t.is_verb:
            # a passive's subject is what was said: its 'by' phrase speaks (see _said_by)
            agent = _said_by(g, t.i)
            speakers = [s for s in g.kids(t.i, "nsubj") if g.tokens[s].dep != "nsubj:pass"] or (
                [agent] if agent is not None else [])
            for s in speakers:
                if g.tokens[s].lemma in rl.pronouns:
                    spoke = spoke or state.last_speaker is not None  # '"...," he said': the last one
                    continue
                code = _speaker_code(f, s, rl, state, res)
                state.last_speaker = (code, speaker_name(g, s))
                _learn_speaker(g, s, code, rl, state)
                spoke = True
    return spoke


def _learn_titled_people(f: Facts, rl: Rules, state: ArticleState, res: Resources) -> None:
    """Keeps the party of each person the sentence names with a title ('US Army Secretary
    Daniel Driscoll met ...'), so that the bare name later ('Driscoll had met ...') acts for it."""
    g = f.g
    for t in g.tokens:
        p_ = f.parties.get(t.i)
        if p_ is not None and p_.form == "person" and t.pos == "NNP" and " " in p_.text \
                and p_.text.split()[-1] == t.word:
            # a person the party table names in full ('John Healey'), said by the surname later
            state.speakers.setdefault(t.word.casefold(), p_.code)
            continue
        if t.pos != "NNP" or t.dep in ("compound", "flat") or t.i in f.parties or t.i in f.places:
            continue
        titles = [c for c in g.kids(t.i, "compound") if g.tokens[c].lemma in rl.speakers]
        if titles and t.word.casefold() not in state.speakers and (p := phrase_party(f, t.i, res)) is not None:
            state.speakers[t.word.casefold()] = p.code  # the surname only: 'the minister' may be another's
            # ... and the name's other words after the title: a name written family name first is
            # said by its first word later ('Defense Minister Kishi Nobuo' ... 'Kishi met with')
            for c in g.kids(t.i, "compound", "flat"):
                if c > max(titles) and g.tokens[c].pos == "NNP" and c not in f.parties and c not in f.places:
                    state.speakers.setdefault(g.tokens[c].word.casefold(), p.code)
        elif t.dep == "appos" and t.head >= 0 and g.tokens[t.head].lemma in rl.speakers \
                and t.word.casefold() not in state.speakers and (p := phrase_party(f, t.head, res)) is not None:
            state.speakers[t.word.casefold()] = p.code  # "the UK's new Defence Secretary, John Healey,"
        elif t.word.casefold() not in state.speakers and (p := next(
                (q for c in g.kids(t.i, "appos") if g.tokens[c].lemma in rl.speakers
                 for q in (f.parties[j] for j in g.phrase(c) if j in f.parties)), None)) is not None:
            # "Serhiy Haidai, an official in Ukraine's Luhansk province,": the title after the name
            # (a place of work names the side as an owner does)
            state.speakers[t.word.casefold()] = p.code


def _learn_served(f: Facts, rl: Rules, state: ArticleState, res: Resources) -> None:
    """Keeps the side a country's nationals are said to fight or serve for ('some 500 Colombian
    mercenaries had been employed by Ukraine's armed forces'), so that their losses told later
    are that side's (see _served_side)."""
    war_parties = rl.noise["off_topic"]["war_parties"]
    # (the people the side's army took in: 'Nepali people who joined the Russian Army')
    people = rl.classes["troops"] | rl.classes["civilian"]
    foreign = {p.code for j, p in f.parties.items() if p.code not in war_parties and p.form == "adj"
               and f.g.tokens[j].head >= 0 and in_words(f.g.tokens[f.g.tokens[j].head], people)}
    if foreign and (side := _army_served(f, res, rl)) is not None:
        for code in foreign:
            state.served.setdefault(code, side.code)


def _titled_person_named_before(f: Facts, heads: list[int], rl: Rules, state: ArticleState) -> PartyMention | None:
    """'Driscoll had met with Russian officials', after 'US Army Secretary Daniel Driscoll': the
    party the article gave the name with its title (see _learn_titled_people)."""
    g = f.g
    for h in heads:
        code = _known_speaker(g, h, rl, state) if g.tokens[h].pos == "NNP" else None
        if code is not None and not any(j in f.parties for j in g.phrase(h)):
            return PartyMention.implied(code, "person")
    return None


def _speaker_code(f: Facts, s: int, rl: Rules, state: ArticleState, res: Resources) -> str | None:
    g = f.g
    s = _relative_antecedent(g, s)
    p = phrase_party(f, s, res)
    if g.tokens[s].lemma in rl.unaffiliated_speakers:
        return p.code if p else None  # (the side named on them only: attribution.yaml)
    code = p.code if p else _known_speaker(g, s, rl, state)
    phrase = g.phrase(s)
    if code is None and any(in_words(g.tokens[j], rl.regional_speakers) for j in phrase):
        # 'the head of the Kharkiv regional prosecutor's office', 'Kherson Governor Oleksandr
        # Prokudin': a regional official speaks for the side that holds the region (annotation guide)
        code = _side_holding_phrase(f, s, res, rl)
    if code is None and state.last_speaker and any(
            g.tokens[d].lemma == "the" for d in g.kids(s, "det")) and any(
            in_words(g.tokens[j], rl.speakers) for j in phrase):
        # 'the ministry said' after 'Russia's defence ministry said': the same speaker
        code = state.last_speaker[0]
    return code


def _coordinated_parties(f: Facts, s: int) -> list[str]:
    """The further sides a speaker's phrase names by conjoined modifiers: 'the South Korean and
    U.S. governments', 'Ukrainian and Western officials', 'estimates from Ukrainian and Western
    sources' speak for both (the annotation guide's claimants are a set of parties). Sides merely
    beside each other are not conjoined: 'Ukraine's ambassador to the US' speaks for Ukraine."""
    g = f.g
    return [f.parties[c].code for j in g.phrase(s) if j in f.parties and j != s
            for c in g.kids(j, "conj") if c in f.parties]


def _relative_antecedent(g: Graph, s: int, times: frozenset[str] = frozenset()) -> int:
    """The noun a relative pronoun stands for, as its clause's subject ('South Korea's intelligence
    agency, which confirmed that ...': the agency speaks); any other token itself. A noun of `times`
    is none: 'Tomikhin on Tuesday, who said' (the pronoun is returned)."""
    verb = g.tokens[s].head
    if g.tokens[s].lemma in ("which", "who", "that") and verb >= 0 and g.tokens[verb].dep == "acl:relcl" \
            and g.tokens[verb].head >= 0 and g.tokens[g.tokens[verb].head].lemma not in times:
        return g.tokens[verb].head
    return s


def _named_by_relative(g: Graph, s: int, rl: Rules) -> int | None:
    """A relative pronoun left unresolved by its clause's structure (the parser hung the clause
    elsewhere: 'a news conference hosted by the Russian ambassador Evgeny Tomikhin on Tuesday, who
    said ...') stands for the nearest name before it; 'which' for no name, nobody; any other
    token is itself."""
    tok = g.tokens[s]
    if tok.pos not in ("WP", "WDT") or tok.lemma not in ("who", "which"):
        return s
    if tok.lemma == "which":
        return None
    return next((k for k in range(s - 1, -1, -1)
                 if g.tokens[k].pos in ("NNP", "NNPS") and g.tokens[k].lemma not in rl.time_owners), None)


def _triggers(g: Graph, rl: Rules) -> list[tuple[int, TriggerRule]]:
    out = []
    # the copulas of the sentence by their predicate, found once rather than asked of every token
    copulas: dict[int, list[int]] = {}
    for t in g.tokens:
        if t.head >= 0 and "cop" in (t.base, t.dep):
            copulas.setdefault(t.head, []).append(t.i)
    for t in g.tokens:
        for c in copulas.get(t.i, ()):  # a predicate: 'troops are in Russia', 'troops are present'
            for lemma in (t.lemma, g.tokens[c].lemma):
                for rule in rl.trigger_index.get((lemma, "copula"), ()):
                    out.append((t.i, rule))
        lemma = t.lemma
        if lemma not in rl.trigger_lemmas and "-" not in lemma:
            continue  # (every lookup below is by the lemma or, hyphenated, its last part)
        pos = "verb" if t.is_verb else "noun" if t.pos.startswith("NN") else "adj" if t.pos.startswith("JJ") else None
        if pos == "adj" and t.base in ("obj", "nsubj", "obl", "nmod", "conj", "appos"):
            pos = "noun"  # a tagging slip: 'an all-out offensive' as an object is a noun
        if pos is None:
            continue
        cands = rl.trigger_index.get((lemma, pos), ())
        if gerund_as_noun(g, t.i):
            # a gerund used as a noun names the activity: 'Fighting continues in the Kursk region',
            # 'left due to daily Russian shelling' (slots.gerund_as_noun)
            cands = (*cands, *rl.trigger_index.get((lemma, "noun"), ()),
                     *rl.trigger_index.get((t.word.lower(), "noun"), ()))  # (the noun 'shelling', not 'shell')
        if not cands and "-" in lemma:
            cands = rl.trigger_index.get((lemma.split("-")[-1], pos), ())
        if pos == "adj" and not cands:  # participles the tagger calls adjectives: 'killed', 'deployed'
            cands = rl.trigger_index.get((lemma, "verb"), ())
        for rule in cands:
            if _lemma_matches(g, t.i, rule):
                out.append((t.i, rule))
    return out


def _lemma_matches(g: Graph, i: int, rule: TriggerRule) -> bool:
    """A rule's lemma of several words ('ground operation', 'push back') matches the trigger
    token with the words before or after it; one-word lemmas match by the index already."""
    tok = g.tokens[i]
    for lemma in rule.lemmas:
        words = lemma.split()
        if len(words) == 1:
            if words[0] in (tok.lemma, tok.lemma.split("-")[-1]) or (tok.pos == "VBG" and words[0] == tok.word.lower()):
                return True
            continue
        # a particle may stand after the object: 'pushed the Russians back'
        if len(words) == 2 and words[0] == tok.lemma and any(
                g.tokens[k].lemma == words[1] for k in particles(g, i)):
            return True
        before = [g.tokens[j].lemma for j in range(max(0, i - len(words) + 1), i + 1)]
        after = [g.tokens[j].lemma for j in range(i, min(len(g), i + len(words)))]
        if before == words or after == words:
            return True
    return False


def _achieved(g: Graph, adjective: int, rl: Rules) -> bool:
    """'were able to push them back', 'have been able to': an ability in the past or perfect
    reports what was done, not what may be."""
    if g.tokens[adjective].lemma not in rl.achieved_adjectives:
        return False
    aux = [g.tokens[x] for x in g.kids(adjective, "cop", "aux")]
    return any(x.pos == "VBD" or x.lemma == "have" for x in aux) and not any(
        x.lemma in rl.modals or x.word.lower() in rl.modals for x in aux)


def _rule_holds(f: Facts, a: Args, rule: TriggerRule, rl: Rules) -> bool:
    g = f.g
    if rule.deps and a.self is not None and g.tokens[a.self].dep not in rule.deps:
        return False
    for role, classes in rule.requires:
        idx = role_tokens(g, a, role, rl)
        if not any(has_class(f, idx, c, rl) for c in classes):
            return False
    for role, classes in rule.forbids:
        idx = role_tokens(g, a, role, rl)
        if any(has_class(f, idx, c, rl) for c in classes):
            return False
    return True


def _sentence_mentions(f: Facts, triggers: list[tuple[int, TriggerRule]], res: Resources, rl: Rules,
                       state: ArticleState) -> list[Mention]:
    g = f.g
    out: list[Mention] = []
    taken: set[tuple[int, str]] = set()
    casualty_figures: set[int] = set()
    at: dict[int, int] = {}  # id(mention) -> its trigger token
    # (in the full-scale war's first weeks the invasion named is news: noise.yaml standing_war)
    war_is_news = not _war_weeks_old(state.pub, rl, "news_days")
    for t, rule in triggers:
        if (t, rule.type) in taken:
            continue
        a = arguments(g, t, rl.measure_nouns)
        if not _rule_holds(f, a, rule, rl):
            continue
        if _noise(g, t, a, rl, rule, war_is_news=war_is_news) or (rule.single and g.kids(t, "nummod")):
            continue
        if rule.type == "military_aid" and _urged(g, t, a, rl):
            continue
        if rule.type == "diplomacy" and _speech_venue(g, t, rl):
            continue
        m = _mention(f, t, a, rule, res, rl, state)
        if m is None:
            continue
        permitter = _permitter(g, t, rl) if m.type == "strike" else None
        giver = _party(f, g.kids(permitter, "nsubj"), res) if permitter is not None else None
        if giver is not None and permitter is not None:
            # 'the Biden admin permitted Ukraine to use ATACMS missiles in the Kursk area': a strike
            # a party permits is none made yet; the permission is military support given
            # (ANNOTATION.md: a party that authorizes weapons for another)
            if giver.code == m.actor:
                continue
            future = _has_modal(g, permitter, rl)
            m.type, m.recipient, m.actor, m.rule = "military_aid", m.actor, giver.code, "aid.permitted"
            m.modality = "expected" if future else "claimed" if m.claimants else "asserted"
        if rule.modality is not None and m.modality != "expected":
            m.modality = rule.modality  # 'Trump has paused military aid to Ukraine': aid not given
        if (journey := _journey_to_talks(g, t, rule, rl)) is not None and g.tokens[journey].pos != "VBD":
            # 'has departed Washington for Alaska to meet Putin': the talks are still to come
            # ('flew to Alaska to meet Putin' tells them held)
            m.modality = _stronger(m.modality, "expected")
        # 'since Russia's 2022 invasion': a dated start of a state, long before the article, is
        # background too ('since a surprising offensive in August' is recent news)
        since_long_ago = (g.tokens[t].is_noun and g.case_of(t) in rl.noise["since"]["cases"] and m.time is not None
                          and m.time_source != "article"
                          and m.time[1] < state.pub - timedelta(days=int(rl.noise["since"]["max_age_days"])))
        # 'since Russia sent its armed forces into Ukraine on Feb. 24': the war's first day as the
        # start of a state, weeks on, is background too
        since_the_start = (m.time is not None and m.time_source != "article" and _since_clause(g, t, rl)
                           and m.time[0] <= _war_began(rl) <= m.time[1]
                           and _war_weeks_old(state.pub, rl, "war_news_days", rule="since"))
        since_long_ago = since_long_ago or since_the_start
        if _too_old(m, state.pub, rl) or _test_launch(m, res, rl) or (rule.happened_only and m.modality == "expected") \
                or since_long_ago or _standing_war(g, t, m, state.pub, rl) or _since_the_war(g, t, m, state.pub, rl) \
                or _war_blamed(g, t, m, rl):
            continue
        if m.type == "casualties_claimed" and _captives_returned(g, rl):
            continue  # 'In return, 270 Ukrainian prisoners of war were delivered' (noise.yaml returned_captives)
        taking = rl.noise["taking_position"]
        taken_up = any(g.tokens[k].lemma in taking["particles"] for k in g.kids(t, "compound:prt"))
        if m.type == "territory_claimed" and g.tokens[t].lemma in taking["verbs"] and any(
                g.tokens[o].lemma in taking["objects"]
                and (taken_up or not g.kids(o, "det", "nmod:poss", "amod", "nummod"))
                for o in g.kids(t, "obj")):
            continue  # 'a soldier takes position in Avdiivka', 'took up positions' (noise.yaml taking_position)
        standing = rl.noise["standing_war"]
        if m.type == "offensive_repelled" and m.time_source == "article" \
                and _war_weeks_old(state.pub, rl, "news_days") \
                and any(g.tokens[o].lemma in standing["lemmas"] for o in g.kids(t, "obj")):
            continue  # 'Ukraine continues to fend off a full-scale Russian invasion': the war, not a repulse
        if m.type == "territory_claimed" and m.change in ("captured", "regained") and (
                _attempted(g, t, rl) or _aimed(g, t, rl)):
            # 'Russia continues to attempt to take ground', 'Russia is seeking to gain control of
            # the entirety of the Donetsk region': an offensive, not a capture
            m.type, m.change = "offensive_launched", None
        head_lemma = g.tokens[g.tokens[t].head].lemma if g.tokens[t].head >= 0 else ""
        if (m.type == "offensive_launched" and g.tokens[t].lemma in rl.classes["raid_nouns"]
                and g.tokens[t].pos == "NNS" and (_country_wide(m) or head_lemma in rl.classes["volley_nouns"])
                and not _troop_heads(f, role_tokens(g, a, "any"), rl)):
            # 'carried out still more savage attacks against Ukraine', 'another round of attacks in
            # the Odesa region': repeated attacks on a whole country, or in waves, no troops named,
            # are strikes (an assault takes a front, not a country)
            m.type = "strike"
        if (m.type == "offensive_launched" and g.tokens[t].lemma in rl.classes["raid_nouns"]
                and _behind_the_front(m, state.pub, rl) and not _troop_heads(f, role_tokens(g, a, "any"), rl)):
            m.type = "strike"  # 'the Russian attack on Odesa' (noise.yaml rear_city)
        if (m.type == "offensive_launched" and g.tokens[t].lemma in rl.classes["raid_nouns"]
                and _attacks_a_facility(g, t, rl) and not _troop_heads(f, role_tokens(g, a, "any"), rl)):
            m.type = "strike"  # 'Airports in Ukraine are being attacked by Russia': a target, not a front
        if (m.type == "offensive_launched" and g.tokens[t].lemma in rl.classes["raid_nouns"] and g.tokens[t].is_noun
                and _made_with_weapons(g, t, a, rl) and not _troop_heads(f, list(range(len(g))), rl)
                and not (war_is_news and _the_invasion(g, t, rl))):
            # (in the war's first weeks an attack on Ukraine is the invasion, whatever weapons hit:
            # 'Russia launched a wide-ranging attack on Ukraine on Thursday, hitting cities and bases
            # with airstrikes or shelling')
            # 'launched 120 missiles and 90 drones in a large-scale attack across Ukraine', 'the
            # attack, where a ballistic missile struck': an attack told with the missiles or drones
            # it was made with, and no troops, is a strike
            m.type = "strike"
        front = rl.noise["front_presence"]
        if rule.id in front["rules"] and m.actor in rl.noise["off_topic"]["war_parties"] and not m.quantities \
                and _side_of_ground(m.locations, res, rl, skip_countries=True) in front["ground"]:
            continue  # noise.yaml front_presence: 'Russian forces were in the outskirts of Vovchansk'
        if m.type == "offensive_launched" and _stative(g, t, rl):
            # 'troops are present in the border region and are engaged in combat': a state of the
            # troops there, told as their deployment ('have engaged in combat' is an offensive)
            m.type, m.movement = "troops_deployed", "deployed"
        if m.type == "offensive_launched" and g.tokens[t].lemma == "advance" and any(
                q["kind"] in ("area_km2", "area_sq_mi") for q in m.quantities):
            # 'its forces advanced nearly two square kilometers': ground taken, measured
            m.type, m.change = "territory_claimed", "captured"
        # (a plan to enter is neither: 'Russian troops will now enter these regions' as 'peacekeepers')
        entered = (m.type == "troops_deployed" and g.tokens[t].lemma == "enter" and m.actor is not None
                   and not any(g.tokens[x].lemma in rl.modals for x in g.kids(t, "aux")))
        # 'Russian troops were now trying to move towards Bakhmut': troops heading for a town of
        # the enemy's attack it, as troops entering it do (classes.yaml heading_cases)
        headed_for = [o for o in g.kids(t, "obl") if g.case_of(o) in rl.classes["heading_cases"]]
        # (troops that move themselves: a side sending its troops into the enemy's country deploys
        # them there, as the guide's own gold reads 'launched 125 battalion tactical groups into Ukraine')
        heading = (m.type == "troops_deployed" and rule.actor == "subject_troops" and m.actor is not None
                   and g.tokens[t].lemma != "enter" and headed_for)
        ground = _side_of_ground(m.locations, res, rl)
        if heading and not entered:
            # where they head, by its place ('moved into Belarus' is no attack, wherever they were
            # before) or by its side ('moved across Ukrainian territory'; a border is where troops
            # stand, not ground taken)
            ground = _side_of_ground([(f.places[j].name, f.places[j].place, True) for o in headed_for
                                      for j in g.phrase(o) if j in f.places], res, rl)
            if ground is None:
                ground = next((p.code for o in headed_for if in_words(g.tokens[o], rl.classes["territory"])
                               and not in_words(g.tokens[o], rl.classes["frontier"])
                               and (p := phrase_party(f, o, res)) is not None), None)
        settlement = entered and ground is None and m.actor is not None \
            and m.actor.lower() in rl.classes["war_sides"] \
            and any(in_words(g.tokens[o], rl.classes["settlement_nouns"]) for o in g.kids(t, "obj"))
        if ((entered or heading) and ground == _opponent(res, m.actor)) or settlement:
            # 'Russian forces have entered the Dnipropetrovsk region': troops entering the enemy's
            # ground attack it ('North Korean troops began entering Russia' is their deployment)
            m.type, m.movement = "offensive_launched", None
        elif entered and _side_of_ground(m.locations, res, rl, skip_countries=True) == m.actor:
            # 'Ukraine's troops entered Kherson on Friday', 'Ukrainian forces have entered the city of
            # Lyman': troops entering a town of their own country that the enemy held take it back
            m.type, m.movement, m.change = "territory_claimed", None, "regained"
        if (m.change == "regained" and g.tokens[t].lemma in ("liberate", "liberation") and m.actor
                and _side_of_ground(m.locations, res, rl, skip_countries=True) == _opponent(res, m.actor)):
            # 'Battlegroup Tsentr liberated Zhelannoye in the Donetsk region': a side's word for
            # taking the other side's ground
            m.change = "captured"
        if m.change == "captured" and g.tokens[t].lemma in rl.classes["holding_verbs"] and _ongoing(g, t):
            m.change = "controls"  # 'Ukrainian forces have occupied large parts of Kursk': they hold them
        if rule.id.startswith("diplomacy.position"):
            req = rl.noise["request"]
            asking = set(req["for_verbs"]) | set(req["object_verbs"]) | {"urge", "press", "encourage"}
            m.urged = any(g.tokens[j].lemma in asking for j in g.ancestors(t)
                          if g.tokens[j].is_verb and g.tokens[j].lemma not in rl.attribution_verbs)
        # (a noun's coordinated possessors too: 'China, the DPRK, and Iran's military support')
        owners = [h for h in a.modifier if g.tokens[h].dep == "nmod:poss"] if not g.tokens[t].is_verb else []
        coordinated = [f.parties[c].code for s_ in a.subject + owners if s_ in f.parties and g.tokens[s_].head == t
                       for c in g.kids(s_, "conj") if c in f.parties]
        if m.type == "military_aid" and m.recipient is None and m.actor in coordinated + [
                f.parties[s_].code for s_ in a.subject if s_ in f.parties]:
            # 'Both Russia and North Korea have denied engaging in weapons transfers': between a
            # side and its backer, the backer gives (parties.json 'backs')
            backer = next((p for p in [*coordinated, *m.partners] if p != m.actor
                           and (info := res.parties.get(p)) is not None and info.backs == m.actor), None)
            if backer is not None:
                m.actor, m.recipient = backer, m.actor
                m.partners = [p for p in m.partners if p not in (backer, m.recipient)]
        if m.type == "military_aid" and m.recipient is None and m.actor in rl.noise["off_topic"]["war_parties"]:
            # "Ukraine's rail system has delivered weapons to Liman": a warring side moving arms of
            # its own to no one named supplies itself, which is no aid
            continue
        if m.type == "military_aid" and m.partners and coordinated:
            # 'Iran, North Korea, and China are providing Russia with support': each of the
            # coordinated subjects gives, the others are its partners (a bloc such as 'the West'
            # stays a partner)
            givers = [m.actor, *[p for p in m.partners if p in coordinated and p not in rl.multilateral
                                 and p != m.recipient]]
            for other in givers[1:]:
                clone = replace(m, actor=other, partners=[p for p in [m.actor, *m.partners] if p and p != other],
                                locations=list(m.locations), quantities=list(m.quantities),
                                claimants=list(m.claimants))
                out.append(clone)
        if m.type == "strike" and m.actor is not None and m.actor not in rl.noise["off_topic"]["war_parties"]:
            # 'an Indian student lost his life in shelling in Kharkiv': a party not at war fires
            # nothing here (its weapons' makers are judged apart: _named_as_maker); the side at war
            # with the ground's holder did
            ground = _side_of_ground(m.locations, res, rl, held=True)
            m.actor = _weapons_user(f, t, m.actor, res, rl) or (_opponent(res, ground) if ground else None)
            if m.actor is None:
                continue
        if m.type == "strike" and (_refers_back(g, a, rl) or (
                m.rule in ("strike.civilian-toll", "strike.attack-toll") and not m.quantities
                and not any(own for _, _, own in m.locations))):
            # ('A nine-year-old child was among those injured': a toll with no figure and no place
            # of its own after a strike is that strike's)
            earlier = [p for p in state.previous if p.type == "strike" and p.actor == m.actor]
            m.follows = earlier[-1] if earlier else None
        elif m.rule == "strike.intercepted" and m.time_source == "article":
            # 'Ukraine's air force said it shot down 56 of the drones': weapons shot down after an
            # attack was told, with no time of their own, are that attack's
            earlier = [p for p in state.told if p.type == "strike" and p.actor == m.actor
                       and p.rule != "strike.intercepted" and _mod_class(p) == _mod_class(m)]
            m.follows = earlier[-1] if earlier else None
        if rule.actor == "told_before":
            # ('The meeting lasted five hours': the talks told before, named again, whatever time
            # the sentence gives them: 'The call happened October 14')
            earlier = [p for p in state.told if p.type == m.type and p.actor == m.actor
                       and set(p.partners) == set(m.partners)]
            m.follows = earlier[-1] if earlier else None
        if m.rule == "diplomacy.discuss" and m.time_source == "article":
            # 'The two ministers also discussed support from allies': what talks already told
            # covered, not talks of its own
            earlier = [p for p in state.told if p.type == m.type and p.actor == m.actor
                       and set(p.partners) == set(m.partners) and _mod_class(p) == _mod_class(m)]
            m.follows = earlier[-1] if earlier else None
        if (m.type == "offensive_launched" and g.tokens[t].is_noun and m.time_source == "article"
                and (_named_again(g, t)
                     # ("Russia's invasion of Ukraine", 'the Russian invasion' named again)
                     or any(d in f.parties for d in g.kids(t, "nmod:poss", "amod")))):
            # 'Russia struggled to respond to the incursion': a definite offensive with no time of
            # its own is the one the article already told of
            earlier = [p for p in state.told if p.type == m.type and p.actor == m.actor and p.modality == m.modality]
            m.follows = earlier[-1] if earlier else None
        if (m.type == "military_aid" and g.tokens[t].is_noun and m.time_source == "article" and not m.quantities
                and _named_again(g, t)):
            # 'Sweden announced its largest package ... The military aid will include an air defence
            # system': the aid named again, with no time or figure of its own, is the one told
            earlier = [p for p in state.told if p.type == m.type and p.actor == m.actor
                       and p.recipient in (m.recipient, None)]
            m.follows = earlier[-1] if earlier else None
        # ('held a separate meeting': the verb's object says it too)
        marked = [t] if g.tokens[t].is_noun else g.kids(t, "obj")
        m.separate = any(g.tokens[d].lemma in rl.classes["distinct_modifiers"]
                         for k in marked for d in g.kids(k, "amod", "det"))
        taken.add((t, rule.type))
        if m.type == "casualties_claimed":
            casualty_figures.update(id(q) for q in m.quantities)
        out.append(m)
        at[id(m)] = t
    out = [m for m in out if not _provenance_of_given(g, m, out, at) and not _entry_of_taken_ground(m, out)]
    _control_after_loss(out, res, rl)
    out += _figure_mentions(f, res, rl, state, out)
    out += _denials_of_claims(f, out, res, rl, state)
    return out


def _where_antecedent(g: Graph, t: int) -> int | None:
    """The noun a 'where' relative clause around the trigger hangs on ('in Jeddah, where ...')."""
    for j in [t, *g.ancestors(t)]:
        tok = g.tokens[j]
        if tok.dep == "acl:relcl" and tok.head >= 0 and any(g.tokens[k].lemma == "where" for k in g.kids(j, "advmod")):
            return tok.head
    return None


def _elsewhere(g: Graph, j: int, t: int, args: set[int]) -> bool:
    """A place that belongs to another noun of the sentence, not to the event: 'peace in Europe',
    'the Kremlin's war machine in Ukraine', 'transfer of arms to Russia'."""
    tok = g.tokens[j]
    if tok.dep.startswith("obl") and tok.head >= 0 and g.tokens[tok.head].is_verb and tok.head != t \
            and tok.head not in g.ancestors(t) and not _in_own_clause(g, tok.head, t):
        return True  # '... which are helping drive the Kremlin's war machine in Ukraine': another verb's place
    return tok.dep.startswith("nmod") and tok.dep != "nmod:poss" and tok.head != t and tok.head not in args \
        and g.tokens[tok.head].is_noun


def _in_own_clause(g: Graph, verb: int, t: int) -> bool:
    """The verb hangs under the trigger without a clause that modifies a noun between them
    ('Speaking to military brass gathered in Paris': yes; 'a meeting ... to discuss transfers,
    which are helping drive the war machine in Ukraine': no)."""
    j = verb
    while j >= 0 and j != t:
        if g.tokens[j].dep.startswith("acl"):
            return False
        j = g.tokens[j].head
    return j == t


def _stative(g: Graph, t: int, rl: Rules) -> bool:
    """'are engaged in combat': a participle of fighting after 'be', not 'have engaged'."""
    tok = g.tokens[t]
    aux = [g.tokens[x].lemma for x in g.kids(t, "aux", "aux:pass", "cop")]
    return tok.lemma in rl.classes["stative_fight"] and tok.pos == "VBN" and "be" in aux and "have" not in aux


def _named_again(g: Graph, t: int) -> bool:
    """The noun is definite or possessed ('the incursion', 'its package'): a thing the article
    may have told of already."""
    return (any(g.tokens[d].lemma in ("the", "this", "that") for d in g.kids(t, "det"))
            or any(g.tokens[d].pos == "PRP$" for d in g.kids(t, "nmod:poss")))


def _behind_the_front(m: Mention, pub: date, rl: Rules) -> bool:
    """The mention's own places are all cities far behind the front (noise.yaml rear_city)."""
    rule = rl.noise["rear_city"]
    own = [name.casefold() for name, _, is_own in m.locations if is_own]
    return bool(own) and pub >= date.fromisoformat(str(rule["since"])) and all(n in rule["cities"] for n in own)


def _attacks_a_facility(g: Graph, t: int, rl: Rules) -> bool:
    """What the attack is on is a facility (classes.yaml facility): what a verb attacks, or a
    passive's subject ('Airports in Ukraine are being attacked'), or a noun's 'on' or 'against'
    phrase ('the attack on the port of Izmail'); troops attack a front, strikes a target."""
    tok = g.tokens[t]
    if tok.is_verb:
        targets = g.kids(t, "obj", "nsubj:pass")
    else:
        targets = [k for k in g.kids(t, "nmod", "obl") if g.case_of(k) in ("on", "against")]
    return any(in_words(g.tokens[k], rl.classes["facility"]) for k in targets)


def _country_wide(m: Mention) -> bool:
    """The mention's own places are all whole countries ('attacks against Ukraine')."""
    own = [place for _, place, is_own in m.locations if is_own]
    return bool(own) and all(place is not None and place.kind == "country" for place in own)


def _control_after_loss(found: list[Mention], res: Resources, rl: Rules) -> None:
    """'Ukrainian forces now control the city after Russian forces ceded that territory': control
    the other side lost in the same sentence was taken, back if the ground is the holder's own."""
    for m in found:
        if m.type != "territory_claimed" or m.change != "controls" or m.actor is None:
            continue
        places = {name for name, _, _ in m.locations}
        if any(o.type == "territory_claimed" and o.change == "lost" and o.actor == _opponent(res, m.actor)
               and places & {name for name, _, _ in o.locations} for o in found):
            m.change = "regained" if _side_of_ground(m.locations, res, rl) == m.actor else "captured"


def _entry_of_taken_ground(m: Mention, found: list[Mention]) -> bool:
    """'Ukrainian forces have entered the city of Lyman and now control the city': troops that
    moved into the ground their side is said in the same sentence to hold or take are that
    territorial change, not news of a deployment."""
    if m.type != "troops_deployed" or m.movement != "deployed" or m.actor is None:
        return False
    places = {name for name, _, own in m.locations if own}  # where they went, by the sentence's own words
    return any(o.type == "territory_claimed" and o.actor == m.actor and o.change in ("captured", "regained", "controls")
               and places & {name for name, _, _ in o.locations} for o in found)


def _provenance_of_given(g: Graph, m: Mention, found: list[Mention], at: dict[int, int]) -> bool:
    """A maker named on weapons that another aid trigger of the sentence gives or clears ('had
    greenlit Kyiv's use of Western-supplied missiles'): the giving is the event, not the making."""
    if m.rule != "aid.provenance" or id(m) not in at:
        return False
    above = set(g.ancestors(at[id(m)]))
    return any(o is not m and o.type == "military_aid" and o.rule != "aid.provenance" and at.get(id(o)) in above
               for o in found)


def _told_by_another(g: Graph, m: Mention, denial: int, above_denial: set[int], rl: Rules) -> bool:
    """The mention is reported by a verb of saying of its own, beside the denial ('Kyiv rejected
    the claim, and military sources said parts of the region remain under its control')."""
    t = g.token_at(m.trig_start)
    if t is None:
        return False
    return any(j != denial and j not in above_denial and g.tokens[j].is_verb
               and g.tokens[j].lemma in rl.attribution_verbs for j in g.ancestors(t))


def _denials_of_claims(f: Facts, found: list[Mention], res: Resources, rl: Rules,
                       state: ArticleState) -> list[Mention]:
    """'Moscow regained full control of Kursk - a claim denied by Ukraine', 'Kyiv rejected the
    claim': the denier's counter-claim of what the sentence (or, when it names nothing, the
    previous sentence) reports."""
    g = f.g
    out: list[Mention] = []
    for tok in g.tokens:
        if rl.attribution_verbs.get(tok.lemma) != "denied" or not tok.is_verb or _negated(g, tok.i, rl):
            continue  # 'Putin did not deny the reports': no denial
        claim = None
        if tok.base in ("acl", "ccomp", "dep") and tok.head >= 0 and g.tokens[tok.head].lemma in rl.attribution_nouns:
            claim = tok.head  # 'a claim denied by Ukraine', 'a claim that has been rejected by Kyiv'
        roles = ("obj", "nsubj:pass", "nsubj") if tok.pos == "VBN" else ("obj", "nsubj:pass")
        objects = [o for o in g.kids(tok.i, *roles) if g.tokens[o].lemma in rl.attribution_nouns]
        if claim is None and objects:
            claim = objects[0]  # 'Kyiv rejected the claim'
        if claim is None and tok.base in ("acl", "parataxis", "dep") and any(
                g.tokens[o].lemma in ("which", "that", "what") for o in g.kids(tok.i, "obj", "nsubj:pass")):
            claim = tok.head  # '... transfers of munitions to Russia — which Moscow denied'
        if claim is None:
            continue
        denier = _speaker_of(g, tok.i, exclude=claim)
        if denier is None:
            continue
        party = phrase_party(f, denier, res)
        if party is None:
            continue
        above_denial = set(g.ancestors(tok.i))
        base = [m for m in found if m.modality != "denied" and not _told_by_another(g, m, tok.i, above_denial, rl)]
        if not base and not g.kids(claim, "nmod", "acl", "ccomp"):
            # only a bare 'the claim' points back at the previous sentence; 'reports of any
            # conversation between Trump and Putin' says what it denies, and it is not that
            base = [m for m in state.previous if m.modality != "denied"]
        for m in base:
            if party.code == m.actor and m.type != "diplomacy":
                continue  # a party denying its own act is reported as that act's modality already
            copy = replace(m, sentence=g, trig_start=tok.start, trig_text=tok.word, rule="denial",
                           claimants=[(party.code, speaker_name(g, denier))], modality="denied",
                           partners=list(m.partners), locations=list(m.locations), quantities=list(m.quantities))
            out.append(copy)
    return out


def _speaker_of(g: Graph, verb: int, exclude: int | None = None) -> int | None:
    """Who denies: the agent of a passive ('denied by Ukraine'), else the subject ('Kyiv rejected')."""
    agent = next((o for o in g.kids(verb, "obl") if g.case_of(o) == "by"), None)
    if agent is not None:
        return agent
    subj = [s for s in g.kids(verb, "nsubj") if s != exclude and g.tokens[s].lemma not in ("that", "which", "who")]
    return subj[0] if subj else None


# --- noise -------------------------------------------------------------------------------

_REPEL_LEMMAS: set[str] = set()


def _has_modal(g: Graph, verb: int, rl: Rules) -> bool:
    """A modal or future auxiliary governs the verb ('may decide', 'will send')."""
    return any(g.tokens[x].lemma in rl.modals or g.tokens[x].word.lower() in rl.modals for x in g.kids(verb, "aux"))


def _enabled_in_the_past(g: Graph, gov: int, rl: Rules) -> bool:
    """'fog allowed Russian forces to advance': what a past 'allow' made possible was done."""
    tok = g.tokens[gov]
    return (tok.lemma in rl.noise["purpose"]["enabled"] and tok.pos in ("VBD", "VBN")
            and bool(g.kids(gov, "obj")) and not _negated(g, gov, rl) and not _has_modal(g, gov, rl))


def _authorized_aid(g: Graph, gov: int, m: Mention, rl: Rules) -> bool:
    """'Germany agreed to send Leopard tanks', 'The West has decided to send lethal weapons': aid
    a side has decided or agreed to send is authorized, given by deciding (the guide's
    military_aid); 'may decide to send' is not (modality.yaml authorizing_verbs)."""
    tok = g.tokens[gov]
    return (m.type == "military_aid" and tok.lemma in rl.authorizing_verbs and tok.pos in ("VBD", "VBN", "VBZ")
            and not _negated(g, gov, rl) and not _has_modal(g, gov, rl))


def _noise(g: Graph, t: int, a: Args, rl: Rules, rule: TriggerRule | None = None, war_is_news: bool = False) -> bool:
    """Whether the trigger tells no happening: a condition, an aim, a reference, ... (noise.yaml).
    `war_is_news`: the article is from the full-scale war's first weeks, when the invasion named
    is news, condemned or not."""
    marks = rl.conditional_marks
    purpose = rl.purpose_governors
    chain = [t, *g.ancestors(t)]
    inverted = rl.noise["conditional"]["inverted_auxiliaries"]
    opposed = rl.noise["opposed"]
    tok = g.tokens[t]
    if rule is not None and rule.type in opposed["types"] and tok.is_noun and (
            g.case_of(t) in opposed["cases"]
            or (tok.dep in ("obj", "nsubj:pass") and tok.head >= 0 and g.tokens[tok.head].lemma in opposed["verbs"])
            or (tok.head >= 0 and g.case_of(t) == "to" and g.tokens[tok.head].lemma in opposed["nouns"])):
        return True  # 'the Netherlands was against military aid to Ukraine' (noise.yaml opposed)
    if rule is not None and rule.type in opposed["types"] and tok.is_verb and tok.base in ("xcomp", "dep") \
            and tok.head >= 0 and g.tokens[tok.head].lemma in opposed["verbs"]:
        # 'the US has resisted supplying longer-range missiles' (noise.yaml opposed; the parser
        # hangs the gerund as 'dep' as often as 'xcomp')
        return True
    aims = rl.noise["aim"]["nouns"]
    if rule is not None and rule.type == "territory_claimed" and tok.is_noun and tok.head >= 0 and (
            g.tokens[tok.head].lemma in aims
            or any(g.tokens[k].lemma in aims for k in g.kids(tok.head, "nsubj", "xcomp", "obj") if k != t)):
        return True  # "Moscow's goal remains the full capture of the Donbas region" (noise.yaml aim)
    if any(g.tokens[x].word.lower() in rl.noise["demand"]["modals"] for j in chain[:2] for x in g.kids(j, "aux")
           if g.tokens[j].is_verb):
        return True  # 'Russia should withdraw its troops': a demand, not a report (noise.yaml demand)
    for j in chain[:3]:
        if any(g.tokens[mk].lemma in rl.noise["demand"]["until_marks"] for mk in g.kids(j, "mark")) \
                and g.tokens[j].pos in ("VB", "VBP", "VBZ"):
            return True  # 'until Russian forces withdraw from Ukrainian territory': not yet
    for j in chain:
        if any(g.tokens[m].lemma in marks for m in g.kids(j, "mark")):
            return True
        if g.tokens[j].base == "advcl" and any(
                g.tokens[x].word.lower() in inverted and all(x < s_ for s_ in g.kids(j, "nsubj", "nsubj:pass"))
                and g.kids(j, "nsubj", "nsubj:pass") for x in g.kids(j, "aux")):
            return True  # 'should Biden's administration continue to transfer weapons' (noise.yaml conditional)
        if g.tokens[j].dep.split(":")[0] in ("ccomp", "parataxis") or g.tokens[j].head < 0 \
                or g.tokens[j].dep == "acl:relcl":
            # (a relative clause is told as fact whatever governs its noun: 'whether Putin, whose
            # forces have been grinding forward, is prepared to sit down')
            break
    for j in chain:  # 'Putin assumed that his forces could quickly conquer all of Ukraine'
        if g.tokens[j].dep == "ccomp":
            governor = g.tokens[g.tokens[j].head].lemma
            if governor in rl.noise["supposed"]["governors"] or governor in rl.noise["unknown"]["governors"]:
                return True
            break
    # a noun in a 'during' phrase took place, whatever its clause aims at: 'made the commitment to
    # send trainers during a telephone conversation with Zelenskyy' (noise.yaml purpose)
    circumstance = tok.is_noun and g.case_of(t) in rl.noise["purpose"]["circumstance_cases"]
    clause = t if tok.is_verb or circumstance else (a.governor if a.governor is not None else t)
    ct = g.tokens[clause]
    infinitive = any(g.tokens[m].lemma == "to" for m in g.kids(clause, "mark"))
    talked_about = _talked_about(g, t, clause, rl)
    journey = _journey_to_talks(g, t, rule, rl)
    # ground a side tries, seeks or aims to take is its offensive, not nothing (see _attempted)
    aimed_ground = rule is not None and rule.type == "territory_claimed" and rule.change in ("captured", "regained") \
        and tok.is_verb and _aimed(g, t, rl)
    if infinitive and ct.head >= 0 and ct.dep.split(":")[0] in ("advcl", "acl") and not talked_about \
            and not journey and not aimed_ground and g.tokens[ct.head].lemma not in rl.noise["purpose"]["carried_out"] \
            and not (g.tokens[ct.head].is_verb and g.tokens[ct.head].lemma in rl.classes["attempt_verbs"]) \
            and not any(g.tokens[k].lemma in rl.noise["purpose"]["ongoing"] for k in g.kids(ct.head, "amod")) \
            and not _planned(g, clause, rule, rl):
        return True
    delayed = rl.noise["delayed"]
    if rule is not None and rule.type == "military_aid" and tok.is_noun and tok.head >= 0 \
            and g.tokens[tok.head].lemma in delayed["nouns"] and g.case_of(t) in delayed["cases"]:
        return True  # 'major delays in European and US arms deliveries': not come
    if tok.is_verb and any(g.tokens[x].word.lower() in rl.noise["capability"]["ability_modals"]
                           for x in g.kids(t, "aux")) and not _own_time(g, t):
        return True  # 'the enemy can attack our cities': an ability, not an act (noise.yaml capability)
    if ct.dep == "xcomp" and ct.head >= 0 and g.tokens[ct.head].lemma in rl.noise["skill"]["governors"]:
        return True  # 'troops are being trained to use drones': a skill (noise.yaml skill)
    permission = rl.noise["permission"]
    if infinitive and ct.head >= 0 and ct.base in ("acl", "xcomp", "advcl") and g.tokens[ct.head].is_noun \
            and g.tokens[ct.head].lemma in permission["nouns"]:
        return True  # "Ukraine's right to target Russian bases": allowed, not done (noise.yaml permission)
    feared = rl.noise["feared"]
    # (the parser may hang the 'that' clause on the verb whose object the noun is: 'recalled the
    # fears nearly a year ago that ...')
    if any(g.tokens[j].base in ("acl", "ccomp") and g.tokens[j].head >= 0 and (
            (g.tokens[g.tokens[j].head].is_noun and g.tokens[g.tokens[j].head].lemma in feared["nouns"])
            or any(g.tokens[o].lemma in feared["nouns"] and o < j for o in g.kids(g.tokens[j].head, "obj")))
           for j in chain[:4] if g.tokens[j].is_verb or j == clause):
        return True  # 'fears that Russia's forces might quickly take the city' (noise.yaml feared)
    naming = rl.noise["naming_call"]
    if rule is not None and rule.type == "diplomacy" and tok.is_verb and tok.lemma in naming["verbs"] and (
            # (an adjective after its noun is the predicate too: 'called Russia's actions "appalling"')
            any(g.tokens[c].dep in naming["predicate_deps"] or (g.tokens[c].dep == "amod" and c > o)
                for o in [t, *g.kids(t, "obj")] for c in g.kids(o)
                if (g.tokens[c].pos.startswith("JJ") or g.tokens[c].dep == "xcomp")
                and g.tokens[c].lemma not in naming["talk_complements"])
            or any(g.tokens[m].lemma in naming["marks"] for c in g.kids(t, "advcl", "xcomp")
                   for m in g.kids(c, "mark"))
            or len(g.kids(t, "obj")) > 1):  # ('what Russian officials call Krasnoarmeysk': two objects)
        return True  # 'called Russia's actions appalling', 'called for Putin to face' (noise.yaml naming_call)
    prevent_verbs = rl.noise["prevented"]["verbs"]
    if (rule is None or rule.type != "offensive_repelled") and (
            (tok.is_verb and tok.dep in ("xcomp", "obj", "ccomp", "advcl") and tok.head >= 0
             and g.tokens[tok.head].lemma in prevent_verbs)
            or (not tok.is_verb and tok.dep == "obj" and clause != t and ct.lemma in prevent_verbs)):
        return True  # 'to prevent shelling in the Sumy region': kept from happening
    if ct.dep == "xcomp" and ct.head >= 0 and g.tokens[ct.head].lemma in rl.noise["restraint"]["governors"] \
            and any(g.tokens[k].lemma == "not" for k in g.kids(clause, "advmod")):
        return True  # 'Putin agreed not to target Ukrainian energy infrastructure': a restraint
    if ct.dep == "acl:relcl" and ct.head >= 0 and in_words(g.tokens[ct.head], rl.classes["weapon"]) \
            and any(g.tokens[x].lemma in rl.noise["capability"]["modals"] for x in g.kids(clause, "aux")):
        return True  # 'rocket systems that can strike into Russia': what the weapons are
    aim_clause = ct
    while aim_clause.dep == "conj" and aim_clause.head >= 0:  # 'trying to eliminate ... and push further'
        aim_clause = g.tokens[aim_clause.head]
    wished_talks = (rule is not None and rule.type == "diplomacy" and aim_clause.head >= 0
                    and g.tokens[aim_clause.head].lemma in rl.noise["aim"]["wished_talk_words"])
    if (aim_clause.dep == "xcomp" and aim_clause.head >= 0 and not wished_talks and not aimed_ground
            and g.tokens[aim_clause.head].lemma in rl.noise["aim"]["governors"]
            and not (rule is not None and rule.type in rl.noise["aim"]["past_attempt_types"]
                     and g.tokens[aim_clause.head].pos == "VBD"
                     and g.tokens[aim_clause.head].lemma in rl.noise["aim"]["past_attempt_governors"])):
        return True
    of_nouns = rl.noise["speculative"]["of_nouns"]
    if ct.head >= 0 and g.tokens[ct.head].lemma in of_nouns and (
            # the gerund may hang on the noun with its subject in the 'of' phrase: 'risks of
            # [North Korea] [sending] ...'
            (ct.is_verb and ct.dep == "acl" and (ct.pos == "VBG" or any(g.tokens[k].lemma == "of"
                                                                         for k in g.kids(clause, "mark"))))
            or (ct.is_noun and ct.dep.startswith("nmod") and g.case_of(clause) == "of")):
        return True  # 'risks of North Korea sending more troops': what may happen (speculative)
    aim_nouns = rl.noise["aim"]["nouns"]
    if any(g.tokens[k].lemma == "to" for k in g.kids(aim_clause.i, "mark")) and not (wished_talks or aimed_ground) and (
            (aim_clause.dep == "acl" and aim_clause.head >= 0 and g.tokens[aim_clause.head].lemma in aim_nouns)
            or any(g.tokens[s_].lemma in aim_nouns for s_ in g.kids(aim_clause.i, "nsubj"))):
        # 'the Kremlin's bid to ... seize its territory by force': an aim, not a happening (the
        # parser may make the noun the infinitive's subject)
        return True
    if (rule is not None and rule.type in rl.noise["aim"]["attempt_types"] and aim_clause.dep == "xcomp"
            and aim_clause.head >= 0 and g.tokens[aim_clause.head].lemma in rl.noise["aim"]["attempt_governors"]):
        return True
    ongoing = rl.noise["purpose"]["ongoing"]
    if infinitive and ct.dep == "xcomp" and ct.head >= 0 and not talked_about and not aimed_ground and (
            g.tokens[ct.head].lemma in purpose
            # (an adjective the parser took for an object is no object: 'pushing hard to gain'; nor
            # is a decision the clause is hung past: 'announced its decision to withdraw troops')
            or (any(nominal(g, o) and g.tokens[o].lemma not in rl.noise["purpose"]["carried_out"]
                    for o in g.kids(ct.head, "obj"))
                and g.tokens[ct.head].lemma not in rl.expect_verbs)) and not any(
            g.tokens[k].lemma in ongoing for o in g.kids(ct.head, "obj") for k in g.kids(o, "amod")) \
            and not _enabled_in_the_past(g, ct.head, rl) \
            and not (g.tokens[ct.head].lemma in rl.noise["purpose"]["carried_out"]
                     and g.tokens[ct.head].pos in ("VBD", "VBN")):
        # ('Russia used projectiles to attack the city': what was used to do was done)
        return True  # 'needs systems to repel', 'mounting an offensive to reclaim': aims ('urged X to withdraw' is not)
    if tok.is_noun and tok.head >= 0 and g.tokens[tok.head].lemma in purpose and tok.dep in ("obj", "nmod", "obl"):
        return True
    denied_above = any(rl.attribution_verbs.get(g.tokens[j].lemma) == "denied" for j in g.ancestors(t)[:3])
    if tok.is_noun and any(g.tokens[c].lemma in rl.noise["speculative"]["modifiers"]
                           and not (g.tokens[c].lemma in rl.noise["speculative"]["denied_ok"] and denied_above)
                           for c in g.kids(t, "amod", "compound", "det")):
        return True
    if rule is not None and rule.type == "offensive_launched" and tok.is_noun and tok.head >= 0:
        if not _REPEL_LEMMAS:
            _REPEL_LEMMAS.update(lemma for r in rl.triggers if r.type == "offensive_repelled" for lemma in r.lemmas)
        head = g.tokens[tok.head]
        if head.lemma in _REPEL_LEMMAS and tok.dep.split(":")[0] in ("obj", "nmod", "nsubj"):
            return True
    if rule is not None and rule.type == "strike" and tok.is_noun and tok.head >= 0 and tok.dep == "obj" \
            and g.tokens[tok.head].lemma in rl.noise["repelled_object"]["ground_repel_verbs"] \
            and not any(in_words(g.tokens[j], rl.classes["strike_weapon"]) for j in [t, *g.children[t]]):
        return True  # 'repelled a Russian armored assault on the town': a ground assault, not a strike
    if rule is not None and rule.type in rl.noise["reference"]["types"] and tok.is_noun and a.governor is not None \
            and not _told_as_news(g, t, rule, rl) and rule.id not in _MEDIATION_RULES \
            and not (war_is_news and _the_invasion(g, t, rl)):
        gov = g.tokens[a.governor]
        if gov.lemma not in rl.classes["support_verbs"] and gov.lemma not in rl.attribution_verbs \
                and not in_words(gov, rl.classes["toll"] | {"die", "dead"}) \
                and gov.lemma not in rl.classes["launch_verbs"] and not talked_about \
                and gov.lemma not in rl.noise["reference"]["suffer_verbs"] \
                and gov.lemma not in rl.noise["reference"]["sequel_verbs"] \
                and not (rule.id == "diplomacy.exchange" and gov.lemma in rl.classes["exchange_verbs"]
                         and g.case_of(t) in rl.noise["reference"]["freed_in_cases"]) \
                and not (g.case_of(t) == "by" and gov.lemma in rl.noise["reference"]["effect_verbs"]) \
                and not (g.case_of(t) == "from" and gov.lemma in rl.noise["reference"]["outcome_verbs"]) \
                and not (g.case_of(t) == "for" and gov.lemma in rl.noise["reference"]["journey_verbs"]) \
                and not (g.case_of(t) == "from" and gov.lemma in rl.noise["reference"]["return_verbs"]
                         and rule.type == "diplomacy") \
                and not (rule.type in rl.noise["reference"]["after_types"]
                         and g.case_of(t) in rl.noise["reference"]["after_cases"]) \
                and not (rule.type in rl.noise["reference"]["after_types"]
                         and gov.lemma in rl.noise["reference"]["speech_verbs"]
                         and g.case_of(t) in rl.noise["reference"]["occasion_cases"]) \
                and not (g.case_of(t) in ("after", "follow", "following") and any(
                    g.tokens[c].lemma in rl.noise["reference"]["aftermath_nouns"]
                    for c in g.kids(gov.i, "nsubj", "obj"))) \
                and tok.dep.split(":")[0] in ("obj", "obl") and not _own_time(g, t):
            return True
    if rule is not None and rule.type in rl.noise["reference"]["types"] and tok.is_noun and tok.base == "nmod" \
            and tok.head >= 0 and g.tokens[tok.head].is_noun and g.case_of(t) in ("of", "on") and not _own_time(g, t) \
            and g.tokens[tok.head].lemma not in rl.attribution_nouns \
            and g.tokens[tok.head].lemma not in rl.measure_nouns \
            and not (g.tokens[tok.head].lemma in rl.noise["reference"]["onset_nouns"] and g.case_of(tok.head) is None) \
            and not (g.tokens[tok.head].lemma in rl.noise["reference"]["cause_nouns"] and g.case_of(tok.head) == "as"):
        return True  # 'the impacts of Russia's invasion' ('reports of Russia's attacks' report them)
    if tok.is_noun and _requested(g, t, rl):
        return True
    if tok.is_noun and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["witness_verbs"] \
            and _negated(g, tok.head, rl):
        return True  # 'the General Staff has not reported on the strike': nobody tells of it here
    if tok.is_verb and tok.dep == "ccomp" and tok.head >= 0 \
            and g.tokens[tok.head].lemma in rl.noise["request"]["clause_verbs"] \
            and not any(g.tokens[x].lemma == "have" for x in g.kids(t, "aux")):
        # ('the serviceman, who requested anonymity, Russian forces had captured the city': a clause
        # told in the perfect was done, whatever the parser hung it on)
        return True  # 'demanded that Russia withdraw its forces': asked for, not done
    if tok.is_noun and g.case_of(t) in rl.noise["since"]["cases"] and not _own_time(g, t):
        return True  # 'since its invasion of Ukraine': the start of a state, told as background
    if rule is not None and rule.type == "offensive_launched" and any(
            g.tokens[m].lemma in rl.noise["since"]["cases"] for m in g.kids(clause, "mark")) \
            and (not _own_time(g, clause) or _anniversary(g, clause)):
        return True  # 'since Russia's invasion began', 'since Russia launched its aggression'
    described = rl.noise["described"]
    if rule is not None and rule.type == "offensive_launched" and tok.lemma in described["fighting_verbs"] \
            and tok.pos == "VBG" and tok.base in ("dep", "advcl", "xcomp") and tok.head >= 0 \
            and (in_words(g.tokens[tok.head], rl.classes["toll"])
                 or g.tokens[tok.head].lemma in described["toll_verbs"]):
        return True  # '600 North Korean soldiers have been killed fighting for Russia': how they died
    if rule is not None and rule.type == "offensive_launched" and tok.lemma in rl.noise["described"]["fighting_verbs"] \
            and ((tok.dep == "acl" and tok.pos == "VBG") or tok.dep == "acl:relcl"):
        # 'paid tribute to North Korean troops fighting alongside Russians', 'captured two North
        # Korean soldiers who were fighting alongside Russian forces': who they are
        return True
    if rule is not None and rule.type == "strike" and tok.is_verb and tok.lemma in rl.classes["use_verbs"] and (
            (tok.dep == "acl" and tok.pos == "VBN")
            # ('HIMARS are a US rocket system that Ukrainian forces have used to devastating effect':
            # a relative clause on the weapons with no time of its own says what they are)
            or (tok.dep == "acl:relcl" and tok.head >= 0 and in_words(g.tokens[tok.head], rl.classes["weapon"])
                and not _own_time(g, t))
            or any(g.tokens[k].lemma in rl.noise["described"]["habit_adverbs"] for k in g.kids(t, "advmod"))):
        return True  # 'attack drones used by Russia in the war', 'shells widely used': what they are
    if rule is not None and rule.type == "troops_deployed" and tok.dep == "acl" and _describes_a_toll(g, t, rl):
        return True  # '300 North Korean soldiers deployed to Russia have lost their lives'
    for at in attributions(g, t, rl)[:1]:
        if at.modality == "claimed" and _negated(g, at.verb, rl):
            return True  # 'the Pentagon has not confirmed that ...': nobody asserts it
    if rule is not None and rule.type in rl.noise["supposed_outcome"]["types"] and tok.is_noun \
            and _subject_of_a_modal(g, t, rl):
        return True  # "Russia's capture of the town would help it ...": supposed, not reported
    if tok.is_verb and tok.pos == "VBG":
        subject = t
        while g.tokens[subject].dep in ("dep", "conj") and g.tokens[subject].head >= 0:
            subject = g.tokens[subject].head  # (the parser may hang the gerund off a verb before it)
        if _subject_of_a_modal(g, subject, rl):
            return True  # 'supplying the jets to Ukraine would only escalate the war': an act supposed
    return _historical(g, t, a, rl)


def _journey_to_talks(g: Graph, t: int, rule: TriggerRule | None, rl: Rules) -> int | None:
    """The verb of a journey whose purpose the talks are: 'Trump has departed Washington for Alaska
    to meet Putin', 'is flying in to meet Putin' (noise.yaml reference journey_verbs)."""
    if rule is None or rule.type != "diplomacy" or not g.tokens[t].is_verb:
        return None
    tok = g.tokens[t]
    if tok.dep.split(":")[0] not in ("advcl", "xcomp") or tok.head < 0 \
            or not any(g.tokens[m].lemma == "to" for m in g.kids(t, "mark")):
        return None
    head = tok.head
    return head if g.tokens[head].lemma in rl.noise["reference"]["journey_verbs"] else None


def _subject_of_a_modal(g: Graph, j: int, rl: Rules) -> bool:
    """j is the subject of a verb with a modal: what would or could bring something about
    (noise.yaml supposed_outcome)."""
    tok = g.tokens[j]
    return tok.base in ("nsubj", "csubj") and tok.head >= 0 \
        and any(g.tokens[x].lemma in rl.modals for x in g.kids(tok.head, "aux"))


def _the_invasion(g: Graph, t: int, rl: Rules) -> bool:
    """The noun names the full-scale invasion: an invasion, war or aggression, or an attack or
    assault on the invaded country ('condemns Russia's military attack on Ukraine'; noise.yaml
    standing_war). Whose it is, the standing_war rule checks later."""
    war = rl.noise["standing_war"]
    tok = g.tokens[t]
    return tok.lemma in war["lemmas"] or (tok.lemma in rl.classes["raid_nouns"] and any(
        g.case_of(o) in ("on", "against") and g.tokens[o].lemma in war["invaded"] for o in g.kids(t, "nmod")))


def _told_as_news(g: Graph, t: int, rule: TriggerRule, rl: Rules) -> bool:
    """A referred-to act the text still reports: called new ('Russia's new offensive'), a
    campaign of the fighting named as such (noise.yaml reference news_offensives), or a strike on
    a named target ('Russia's appalling attack on Okhmatdyt Children's Hospital')."""
    if any(g.tokens[c].lemma in rl.noise["reference"]["news_modifiers"] for c in g.kids(t, "amod", "advmod")):
        return True
    if rule.type == "offensive_launched" and in_words(g.tokens[t], rl.noise["reference"]["news_offensives"]):
        return True  # 'Moscow struggles to fend off a Ukrainian counter-offensive for the Kursk region'
    if rule.type != "strike":
        return False
    for o in g.kids(t, "nmod"):
        if g.case_of(o) in ("on", "against") and (g.tokens[o].pos.startswith("NNP") or any(
                g.tokens[c].pos.startswith("NNP") for c in g.kids(o, "compound", "flat"))):
            return True
    return False


def _describes_a_toll(g: Graph, t: int, rl: Rules) -> bool:
    """The participle describes the subject of a toll: the troops' deployment is who they are,
    the toll is the news ('soldiers deployed to Russia have lost their lives', '... were killed')."""
    noun = g.tokens[t].head
    if noun < 0 or g.tokens[noun].base != "nsubj" or g.tokens[noun].head < 0:
        return False
    verb = g.tokens[g.tokens[noun].head]
    losses = rl.noise["described"]["toll_verbs"]
    return in_words(verb, rl.classes["toll"]) or verb.lemma in losses


def _planned(g: Graph, clause: int, rule: TriggerRule | None, rl: Rules) -> bool:
    """Troops or aid a plan is to send are expected, not an aim of no one's ('press ahead with plans
    to deploy troops to Ukraine'; classes.yaml plan_nouns, noise.yaml purpose plan_types)."""
    head = g.tokens[clause].head
    return (rule is not None and rule.type in rl.noise["purpose"]["plan_types"] and head >= 0
            and g.tokens[head].is_noun and g.tokens[head].lemma in rl.classes["plan_nouns"])


def _speech_venue(g: Graph, t: int, rl: Rules) -> bool:
    """A meeting named as where something was said ('he said at a NATO summit in Lithuania',
    'De Croo said at a press conference with Zelenskyy'): the setting of a statement, not news
    of talks."""
    tok = g.tokens[t]
    if not tok.is_noun or tok.dep != "obl" or tok.head < 0 or g.case_of(t) not in ("at", "during"):
        return False
    head = g.tokens[tok.head]
    # ('Austin told Umierov during a meeting in Washington': telling someone there is talks)
    # ('Austin told reporters during a visit to Rome': the press told is no counterpart)
    told = [o for o in g.kids(head.i, "obj", "iobj") if g.tokens[o].lemma not in rl.noise["speech_venue"]["audiences"]]
    if head.is_verb and head.lemma in rl.noise["speech_venue"]["meeting_verbs"] \
            and tok.lemma in rl.noise["speech_venue"]["gatherings"]:
        return True  # ('Trump will meet Zelenskyy during a NATO summit': the meeting's setting)
    return head.is_verb and rl.attribution_verbs.get(head.lemma) == "claimed" and not told


def _urged(g: Graph, t: int, a: Args, rl: Rules) -> bool:
    """The clause is what someone is urged to do ('warnings urging Iran not to supply arms to
    Russia'): asked for, not given. (Troops urged to withdraw are troops said to be there: 'urged
    North Korea to withdraw from Russia an estimated 10,000 troops'; talks urged are judged
    apart: `Mention.urged`.)"""
    clause = t if g.tokens[t].is_verb or a.governor is None else a.governor
    tok = g.tokens[clause]
    if tok.dep != "xcomp" or tok.head < 0:
        return False
    head = g.tokens[tok.head]
    # ('calling on the West to deliver fighter jets': whom it asks, in an 'on' phrase)
    asked = bool(g.kids(head.i, "obj")) or any(g.case_of(o) == "on" for o in g.kids(head.i, "obl"))
    return head.is_verb and head.lemma in rl.noise["request"]["urge_verbs"] and asked


def _requested(g: Graph, t: int, rl: Rules) -> bool:
    """The noun is what someone asks for (noise.yaml `request`), alone or in a list."""
    req = rl.noise["request"]
    j = t
    while g.tokens[j].dep == "conj" and g.tokens[j].head >= 0:
        j = g.tokens[j].head  # 'called for more air defenses, ..., weapons packages'
    tok = g.tokens[j]
    if tok.head < 0:
        return False
    head = g.tokens[tok.head]
    asks_for = g.case_of(j) == "for"
    return ((tok.base == "obl" and asks_for and head.is_verb and head.lemma in req["for_verbs"])
            or (tok.base == "obj" and head.lemma in req["object_verbs"])
            or (tok.base == "nmod" and asks_for and head.is_noun and head.lemma in req["nouns"]))


def _anniversary(g: Graph, clause: int) -> bool:
    """'Today marks one year since Russia launched its war': the clause is the day's subject."""
    durations = ("year", "day", "month", "week", "anniversary")
    head = g.tokens[clause].head
    # the parser hangs the clause off the duration, or the duration off the clause
    return (head >= 0 and g.tokens[head].lemma in durations) or any(
        g.tokens[k].lemma in durations for k in g.kids(clause, "dep", "obl:tmod", "nmod:tmod", "obl:npmod"))


def _own_time(g: Graph, t: int) -> bool:
    """A time word inside the noun's own phrase or clause: 'the August incursion', 'an incursion
    that commenced in August', 'captured in a surprise offensive last August'."""
    scope = g.subtree(t, frozenset({"ccomp", "parataxis"}))
    head = g.tokens[t].head
    if head >= 0:
        scope += [c for c in g.children[head] if g.tokens[c].dep.startswith(("obl", "nmod:tmod"))]
        scope += [x for c in list(scope) for x in g.children[c]]
    return any(g.tokens[j].dep.startswith(("nmod:tmod", "obl:tmod"))
               or (g.tokens[j].pos == "CD" and len(g.tokens[j].word) == 4)
               or g.tokens[j].lemma in _TIME_WORDS for j in set(scope))


_TIME_WORDS = frozenset([
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday", "today",
    "overnight", "week", "weekend", "month", "summer", "winter", "spring", "autumn", "fall"])


def _historical(g: Graph, t: int, a: Args, rl: Rules) -> bool:
    """'in 1858', 'in the 19th century', 'during World War II': a clause about the past."""
    tok = g.tokens[t]
    clause = t if tok.is_verb or a.governor is None else a.governor
    words = set(rl.noise["history"]["old_time_words"])
    if any(w.lemma in words for w in g.tokens):
        return True  # 'Russia annexed the Amur Region ...; ... during the 19th century'
    for j in g.subtree(clause, frozenset({"ccomp", "parataxis", "advcl", "acl:relcl", "conj"})):
        w = g.tokens[j]
        if w.pos == "CD" and w.word.isdigit() and len(w.word) == 4 and 1000 <= int(w.word) <= 2013 \
                and not _counts_things(g, j) and not _record_since(g, j) \
                and not after_model_name(g, j, rl.classes["weapon"]):
            return True
    return False


def _record_since(g: Graph, j: int) -> bool:
    """A year that a superlative or a first is measured from is no date of the clause: 'the
    deadliest conflict in Europe since 1945', 'the first such talks since 1991'."""
    if g.case_of(j) != "since" or g.tokens[j].head < 0:
        return False
    head = g.tokens[j].head
    return any(g.tokens[k].pos == "JJS" or g.tokens[k].lemma == "first" for k in g.kids(head, "amod"))


def _counts_things(g: Graph, j: int) -> bool:
    """A four-digit number that counts the noun it modifies is no year: '1100 enemy soldiers had
    been killed' ('in May 1945' dates the month)."""
    w = g.tokens[j]
    return w.dep == "nummod" and w.head >= 0 and g.tokens[w.head].is_noun \
        and g.tokens[w.head].lemma not in _TIME_WORDS


def _test_launch(m: Mention, res: Resources, rl: Rules) -> bool:
    """noise.yaml `test_launch`: a strike by a party outside the war, placed nowhere in it, or one
    its verb calls a test ('test-fired a new rocket system')."""
    rule = rl.noise["test_launch"]
    if m.type == "strike" and _hyphened_to(m.sentence, m.trig_start, set(rule["test_words"])):
        return True
    sides: list[str] = list(rule["belligerents"])
    if m.type != "strike" or m.actor is None or m.actor in sides:
        return False
    # (its own places only: the last theatre place told before is not where a test was fired)
    return _ground_party([loc for loc in m.locations if loc[2]], _countries(res, sides)) is None


def _hyphened_to(g: Graph, start: int, words: set[str]) -> bool:
    """The word at that offset is hyphened to one of the words before it ('test-fired', one token
    or three)."""
    i = g.token_at(start)
    if i is None:
        return False
    word = g.tokens[i].word.lower()
    return ("-" in word and word.split("-")[0] in words) or (
        i >= 2 and g.tokens[i - 1].word == "-" and g.tokens[i - 2].word.lower() in words)


def _names_the_war(g: Graph, t: int, m: Mention, rl: Rules) -> bool:
    """The offensive is the full-scale war itself: its side's invasion, war or aggression
    (noise.yaml `standing_war`)."""
    war = rl.noise["standing_war"]
    return m.type == "offensive_launched" and m.actor == war["actor"] and g.tokens[t].lemma in war["lemmas"]


def _captives_returned(g: Graph, rl: Rules) -> bool:
    """The sentence tells of captives or the dead handed back, freed or swapped (noise.yaml
    returned_captives): whom an exchange returns were lost before, and the exchange is the news."""
    rule = rl.noise["returned_captives"]
    words, held = set(rule["words"]), set(rule["held"])
    # (the captives are what the verb gives back: its object, or its subject when passive;
    # 'offering to exchange them after capturing two soldiers' tells a capture)
    return any(tok.lemma in words and any(g.tokens[j].lemma in held for k in g.kids(tok.i, "obj", "nsubj:pass")
                                          for j in g.phrase(k))
               for tok in g.tokens)


def _war_blamed(g: Graph, t: int, m: Mention, rl: Rules) -> bool:
    """A war started by any side but the full-scale war's own is the blame for that war, not a
    war of its own: 'Trump blamed Ukraine for starting the war', 'accused the West of unleashing
    war' (noise.yaml `standing_war` blamed_lemmas)."""
    war = rl.noise["standing_war"]
    return m.type == "offensive_launched" and m.actor is not None and m.actor != war["actor"] \
        and g.tokens[t].lemma in war["blamed_lemmas"]


def _war_weeks_old(pub: date, rl: Rules, days_key: str, rule: str = "standing_war") -> bool:
    """Whether the full-scale war had begun more than the rule's days before the article."""
    return pub > _war_began(rl) + timedelta(days=int(rl.noise[rule][days_key]))


def _since_clause(g: Graph, t: int, rl: Rules) -> bool:
    """The trigger is the start a 'since' phrase or clause names: 'since its invasion', 'since
    Russia sent its armed forces into Ukraine'."""
    since = rl.noise["since"]["cases"]
    return g.case_of(t) in since or any(g.tokens[k].lemma in since for k in g.kids(t, "mark"))


def _war_began(rl: Rules) -> date:
    return date.fromisoformat(str(rl.noise["standing_war"]["began"]))


def _standing_war(g: Graph, t: int, m: Mention, pub: date, rl: Rules) -> bool:
    """The full-scale war named, undated, long after it began (noise.yaml `standing_war`), or its
    anniversary ('Today marks one year since Russia launched its war', 'on the third anniversary
    of the Russian invasion', dated or not: a day that remembers it)."""
    if not _names_the_war(g, t, m, rl):
        return False
    head = g.tokens[t].head
    if head >= 0 and (_anniversary(g, head) or g.tokens[head].lemma == "anniversary"):
        return _war_weeks_old(pub, rl, "news_days")
    if head >= 0 and any(g.tokens[k].lemma in rl.noise["since"]["cases"] for k in g.kids(head, "mark")):
        return False  # (a 'since' clause is judged by the `since` rule)
    # (undated in its own words: a time of the clause around it dates that clause, 'Biden on
    # Thursday announced aid to help Ukraine in its battle against the Russian invasion')
    # ('a year ago, Russia launched its war': the support verb's time is the war's)
    supported = head >= 0 and g.tokens[head].lemma in rl.classes["support_verbs"]
    return (m.time_source == "article" or not (_own_time(g, t) or supported)) and _war_weeks_old(pub, rl, "news_days")


def _since_the_war(g: Graph, t: int, m: Mention, pub: date, rl: Rules) -> bool:
    """'since Moscow's invasion four months ago', 'since its invasion began in February',
    'following Russia's invasion in February 2022': the full-scale war as the start of a state, or
    what came before the news, is background even when dated, once the war is a few weeks old
    (noise.yaml `since`, `war_news_days`)."""
    if not _names_the_war(g, t, m, rl):
        return False
    since = rl.noise["since"]["cases"]
    head = g.tokens[t].head
    # ('following Russia's full-scale invasion in February 2022, Ukraine has ramped up ...': a
    # time before the news as much as a start)
    in_since = g.case_of(t) in since or g.case_of(t) in rl.noise["since"]["prior_cases"] or (
        head >= 0 and g.tokens[t].dep.startswith("nsubj")
        and any(g.tokens[k].lemma in since for k in g.kids(head, "mark")))
    return in_since and _war_weeks_old(pub, rl, "war_news_days", rule="since")


def _too_old(m: Mention, pub: date, rl: Rules) -> bool:
    if m.time is None or m.time_source == "article":
        return False
    return m.time[1] < pub - timedelta(days=int(rl.noise["history"]["max_age_days"]))


# --- one mention -------------------------------------------------------------------------

# where ground is taken or fought over, a name the gazetteer lacks is still a place: GeoNames
# leaves out most villages ('took control of Soledar', 'advanced near Andriivka')
_GROUND_TYPES = frozenset({"territory_claimed", "offensive_launched", "offensive_repelled", "troops_deployed"})
_GROUND_CASES = frozenset({"near", "around", "in", "into", "toward", "towards", "outside", "of", "from"})


def _unlisted_places(f: Facts, a: Args, rl: Rules) -> list[str]:
    g = f.g
    heads = a.object + [o for o in a.oblique if g.case_of(o) in _GROUND_CASES]
    heads += [o for h in a.object for o in g.kids(h, "nmod") if g.case_of(o) == "of"]  # 'control of Soledar'
    out = []
    for h in heads:
        tok = g.tokens[h]
        if tok.pos != "NNP" or h in f.parties or h in f.places or tok.lemma.lower() in rl.time_owners:
            continue
        parts = sorted([h, *[k for k in g.kids(h, "compound", "flat") if g.tokens[k].pos == "NNP"]])
        if parts != list(range(parts[0], parts[-1] + 1)) or any(j in f.parties or j in f.places for j in parts):
            continue
        out.append(g.span_text(parts))
    return out


def _own_country(place: Place | None, res: Resources, code: str | None) -> bool:
    info = res.parties.get(code) if code else None
    return place is not None and place.kind == "country" and info is not None and place.country == info.country


def _abroad(place: Place | None, home_country: str | None) -> bool:
    """A city or a country abroad ('arrived in Washington', 'arrived in Japan'), not a region:
    a leader arriving in a region of the war visits the front."""
    return place is not None and place.kind in ("city", "country") and place.country != home_country


def _opponent(res: Resources, code: str | None) -> str | None:
    info = res.parties.get(code) if code else None
    return info.opponents[0] if info and info.opponents else None


def _opponent_party(res: Resources, code: str | None) -> PartyMention | None:
    other = _opponent(res, code)
    return PartyMention.implied(other) if other else None


def _party(f: Facts, heads: list[int], res: Resources) -> PartyMention | None:
    for h in heads:
        p = phrase_party(f, h, res)
        if p is not None:
            return p
    return None


def _side_of_the_fallen(f: Facts, t: int, res: Resources, rl: Rules) -> PartyMention | None:
    """The side whose loss a death while fighting or serving is: the army served ('fighting for
    Russia', 'while serving in the Russian military': _army_served), else the enemy of the side
    fought against ('battling Russian forces', 'fighting against Russia'), or the side defended
    ('defending the homeland of Ukraine from the Russian enemy'). Places fought in name no side."""
    side = _army_served(f, res, rl)
    if side is not None:
        return side
    g = f.g
    for c in g.kids(t, "advcl", "xcomp", "conj", "dep"):
        if g.tokens[c].pos != "VBG" or g.tokens[c].lemma not in rl.classes["service_verbs"]:
            continue
        defending = g.tokens[c].lemma in rl.classes["defend_verbs"]
        for o in g.kids(c, "obj", "obl"):
            case = g.case_of(o)
            if o in f.places or case not in (None, "against", "from"):
                continue
            party = phrase_party(f, o, res)
            if party is None or party.code not in rl.noise["off_topic"]["war_parties"]:
                continue
            # ('defending the homeland of Ukraine from the Russian enemy': the side defended is served)
            return party if defending and case is None else _opponent_party(res, party.code)
    return None


def _troop_heads(f: Facts, heads: list[int], rl: Rules) -> list[int]:
    out = []
    troops = rl.classes["troops"]
    for h in heads:
        for j in f.g.phrase(h):
            tok = f.g.tokens[j]
            # a troop word of two ('National Guard members': 'guard member') is known by its last
            two = j > 0 and f"{f.g.tokens[j - 1].lemma} {tok.lemma}" in troops
            if ((in_words(tok, troops) or two) and tok.is_noun and not counts_weapons(f.g, j, rl)) \
                    or counted_nationals(f, j, rl):
                out.append(j)
    return out


def _mention(f: Facts, t: int, a: Args, rule: TriggerRule, res: Resources, rl: Rules,
             state: ArticleState) -> Mention | None:
    g = f.g
    tok = g.tokens[t]
    m = Mention(type=rule.type, sentence=g, trig_start=tok.start, trig_text=tok.word, rule=rule.id,
                change=rule.change, movement=rule.movement)
    if tok.dep == "acl" and tok.pos == "VBG" and a.subject == [tok.head] and g.tokens[tok.head].dep == "obl" \
            and (tok.head in f.places or has_class(f, [tok.head], "target", rl)):
        # 'unleashed missiles on Ukrainian ports killing civilians': ports do not kill; the
        # participle goes on from the clause, whose subject did it
        host_verb = g.tokens[tok.head].head
        a.subject = g.kids(host_verb, "nsubj") if host_verb >= 0 else a.subject
    if rule.type == "territory_claimed" and any(
            g.tokens[o].lemma == "part" and not any(g.case_of(c) == "of" for c in g.kids(o, "nmod")) for o in a.object):
        return None  # 'have taken part in the fighting': no ground taken without 'part of' a place
    if rule.type == "troops_deployed" and any(
            g.tokens[o].lemma == "line" and g.case_of(o) == "in"
            and any(g.case_of(k) == "with" for k in g.kids(o, "nmod")) for o in [t, *g.kids(t, "obl")]):
        return None  # 'the claim ... of the Ukrainian armed forces is in line with estimates': an idiom
    if rule.id == "deploy.withdraw" and tok.lemma == "leave" and (
            g.kids(t, "nsubj:pass", "aux:pass") or any(g.tokens[x].pos.startswith("JJ") for x in g.kids(t, "xcomp"))
            or (tok.pos == "VBN" and tok.dep == "acl")
            or any(m > o for o in g.kids(t, "obj") for m in g.kids(o, "amod"))):
        # 'troops ... being left unprotected by the Russian forces', 'the Kiev units, left without a
        # defense node, were pushed back', 'leaving a serviceman missing': left in a state, not leaving
        return None
    if rule.type == "diplomacy" and tok.is_verb and tok.lemma == "call" and (
            any(not g.tokens[x].is_verb for x in g.kids(t, "xcomp")) or tok.dep == "acl"
            or any(g.tokens[d].is_noun or g.tokens[d].pos.startswith("JJ")
                   for o in g.kids(t, "obj", "iobj") for d in g.kids(o, "dep", "xcomp", "amod") if d > o)
            # ('calls Lukashenko's words 'rhetoric'', parsed with the quoted name for the object)
            or any(o > 0 and g.tokens[o - 1].word in _QUOTE_MARKS for o in g.kids(t, "obj"))
            # ('Zelensky called for international volunteers to come': an appeal, no call)
            or (not g.kids(t, "obj", "iobj") and any(
                g.tokens[k].lemma == "for" for c in g.kids(t, "obl", "advcl") for k in g.kids(c, "case", "mark")))):
        # 'Kuleba called Russia's latest attack "senseless barbarism"', 'a part of Western Russia
        # called the Kursk region': calling something a name, not a call (the parser may make the
        # one named an indirect object: 'CIA director calls Vladimir Putin 'cocky' and 'smug'')
        return None
    if rule.type == "strike" and tok.is_verb and has_class(f, [j for h in a.agent + a.subject for j in g.phrase(h)],
                                                          "sanction", rl):
        return None  # 'Iran and Russia, both hit by Western sanctions': sanctions strike nothing
    if rule.id == "offensive.push-into" and any(g.case_of(o) == "for" for o in g.kids(t, "obl")):
        return None  # 'the US pushes for an end to the invasion of Ukraine': pressing a demand
    if rule.type == "troops_deployed" and tok.lemma in ("concentrate", "focus") and not a.object and any(
            g.case_of(c) == "on" or any(g.tokens[k].lemma == "on" for k in g.kids(c, "mark"))
            for c in g.kids(t, "obl", "advcl")):
        return None  # 'Russian forces are concentrating on capturing Donbas': their aim, not a massing
    if rule.type == "offensive_launched" and tok.is_verb:
        # 'areas where Ukrainian and Russian soldiers are fighting': both sides fight, neither attacks
        sides = {c for h in a.subject for c in phrase_parties(f, h, unplaced=True)}
        if any(_opponent(res, c) in sides for c in sides):
            return None
    # 'his region came under attack': whose ground it is names who suffered, not who did it
    doers = [h for h in a.subject + a.modifier if h not in f.places and not has_class(f, [h], "territory", rl)]
    # ('in Sumy, northern Ukraine, killing at least 34 people': the parser may make a place the
    # subject; a place that names no party does nothing, whatever country its apposition names)
    actors = [h for h in a.subject if h not in f.places or h in f.parties]
    subj = _party(f, actors + a.agent, res) or _pronoun_party(f, doers, t, res, rl, state) \
        or _titled_person_named_before(f, a.subject, rl, state)
    if subj is None:
        # 'drones operated by Ukraine's Security Service targeted the airbase': who works the
        # subject acts through it
        subj = _party(f, [k for h in a.subject for c in g.kids(h, "acl")
                          if g.tokens[c].pos == "VBN" and g.tokens[c].lemma in rl.classes["operator_participles"]
                          for k in g.kids(c, "obl") if g.case_of(k) == "by"], res)
    # 'the Kyiv attack': a city named before a strike is where it fell, not who struck
    # ('the Ukraine invasion', 'the Kursk incursion': so is a place named before a noun of going in,
    # classes.yaml entry_nouns; 'Russian Federation attacks' are Russia's)
    modifiers = [h for h in a.modifier if not ((rule.type == "strike" or tok.lemma in rl.classes["entry_nouns"])
                                               and not tok.is_verb and g.tokens[h].dep == "compound"
                                               and h in f.places)]
    # (a 'by' phrase names the doer before any premodifier: 'Russian refinery attack by Ukrainian drone';
    # of a strike, the premodifier nearest the noun before those further off: 'Sumy, Ukraine A
    # devastating Russian missile strike', a dateline the parser hung on the noun)
    if rule.type == "strike":
        modifiers = sorted(modifiers, key=lambda h: abs(t - h))
    mod = _party(f, a.agent + modifiers, res)
    if mod is None and not tok.is_verb:
        # 'sanctions against Russia for its invasion': the possessive names whose act it is
        owners = [h for h in a.modifier if g.tokens[h].pos == "PRP$" and g.tokens[h].dep == "nmod:poss"]
        mod = _pronoun_party(f, owners, t, res, rl, state) if owners else None
    obj = _party(f, a.object, res)
    gov_lemma = g.tokens[a.governor].lemma if a.governor is not None else None  # the verb a noun trigger hangs on
    actor: PartyMention | None = None
    accuser: int | None = None  # who charges another side with the act ('Russia has accused Kiev of attacks')
    if rule.actor in ("troops", "subject_troops"):
        # 'Russia sent troops', 'had reintegrated North Korean soldiers': the object's troops;
        # 'North Korean troops arrived', 'joined Russian forces': the subject's
        object_first = rule.actor == "troops" and (_troop_heads(f, a.object, rl) or not _troop_heads(f, a.subject, rl))
        first = a.object if object_first else a.subject
        if not tok.is_verb and _troop_heads(f, a.modifier, rl):
            first = a.modifier  # 'as Russian forces' retreat from Kyiv': the noun's own troops, not the clause's
        troops = _troop_heads(f, first, rl) or _troop_heads(f, a.object + a.subject + a.oblique + a.modifier + [t], rl)
        # ('troops from North Korea'; troops withdrawn 'from the Ukrainian cities' leave them)
        source = [o for o in a.oblique if g.case_of(o) == "from"] if rule.movement != "withdrawn" else []
        actor = _party(f, troops, res) or _party(f, source, res)
        if rule.actor == "troops" and not tok.is_verb and mod is not None and mod.text \
                and first is not a.modifier and not _troop_heads(f, a.object, rl):
            # 'Russian forces capture Siversk after Ukrainian withdrawal': the noun's own side
            # moves, not the clause's subject
            actor = mod
        if actor is None and any(g.tokens[d].lemma in ("these", "those", "this", "that") for h in troops
                                 for d in g.kids(h, "det")) and state.last_actor:
            actor = PartyMention.implied(state.last_actor)  # 'these troops'
        if actor is None and not tok.is_verb and any(g.tokens[d].lemma == "the" for d in g.kids(t, "det")):
            # 'Russia and North Korea have so far denied the troop movements': the deployment the
            # article told of
            sent = next((x.actor for x in reversed(state.told) if x.type == "troops_deployed" and x.actor), None)
            if sent is not None:
                actor = PartyMention.implied(sent)
        if actor is None and subj is None and mod is None and state.last_actor and any(
                g.tokens[d].lemma in ("additional", "further", "more", "another")
                for h in troops for d in g.subtree(h, CLAUSE_DEPS) if d < h):
            actor = PartyMention.implied(state.last_actor)  # 'an additional 3,000 soldiers were sent'
        if actor is None and tok.dep == "xcomp" and tok.head >= 0 and any(
                g.tokens[h].dep == "obj" and g.tokens[h].head == tok.head for h in troops):
            # 'Russia's defense minister ordered troops to pull back': troops of no side named,
            # told what to do, are those of whoever told them
            actor = _party(f, g.kids(tok.head, "nsubj"), res)
        if actor is None and tok.is_verb and _planned(g, t, rule, rl):
            # 'Britain and France will press ahead with plans to deploy troops': troops of no side
            # named that a plan sends are the planners' (the plan's owner, or the subject of the
            # verb it hangs on)
            plan = tok.head
            actor = _party(f, g.kids(plan, "nmod:poss"), res) or (
                _party(f, g.kids(g.tokens[plan].head, "nsubj"), res) if g.tokens[plan].head >= 0 else None)
        # ('Ukraine's withdrawal of troops': a noun's own possessor before the clause's subject)
        actor = actor or ((mod or subj) if not tok.is_verb else (subj or mod))
    elif rule.actor == "told_before":
        # 'These negotiations will begin immediately in the Middle East': the sides of the event of
        # its type the article last told (only ever grouped with it: merge_mentions)
        earlier_talks = next((x for x in reversed(state.told) if x.type == rule.type and x.actor), None)
        if earlier_talks is None or earlier_talks.actor is None:
            return None
        actor = PartyMention.implied(earlier_talks.actor)
        m.partners = list(earlier_talks.partners)
        m.told_again = True
    elif rule.actor == "oblique_to":
        to = [o for o in a.oblique if g.case_of(o) == "to"]
        actor = _party(f, to, res)
    elif rule.actor == "object_owner":
        actor = obj  # 'destroyed five Ukrainian drones': a Ukrainian strike was stopped
        if actor is None:
            # 'a drone was shot down in the Moscow region': whoever flies drones over a side's
            # ground is its enemy
            # ('launched by Russia': who launched them, not where they fell)
            acting = _not_places(f, rule.type, None, t)
            over = [(pl.name, pl.place, True) for pl in f.places.values() if pl.name not in acting]
            actor = _opponent_party(res, _side_of_ground(over, res, rl, held=True))
        if actor is None and rule.type == "strike" and g.kids(t, "nsubj:pass"):
            # '105 drones were shot down across the country, the Russian defence ministry said':
            # the weapons a warring side says it downed, of no side or place named, are its enemy's
            actor = _speakers_enemy(f, t, res, rl)
    elif rule.actor == "object_opponent":
        # 'Ukraine's forces were driven out of the Kursk region': the other side took it
        driven = obj or _pronoun_party(f, a.object, t, res, rl, state)  # 'its troops were forced out'
        actor = _opponent_party(res, driven.code) if driven is not None else None
        if obj is not None and subj is not None and subj.code != obj.code:
            actor = subj  # 'Russian troops drove Ukrainian forces out of Sudzha'
    elif rule.actor == "subject_opponent":
        # 'North Korean troops came under fire': the other side fired; 'the Kharkiv region came
        # under attack': the other side of whoever holds the ground
        suffered = _party(f, a.subject, res)
        if suffered is None:
            # (the subject's own places first, then the sentence's: 'their car came under fire in
            # a forest in the Sumy region')
            held = {j for h in a.subject for j in g.phrase(h)}
            actor = _opponent_party(res, _side_of_ground(
                [(pl.name, pl.place, j in held) for j, pl in sorted(f.places.items())], res, rl, held=True))
        else:
            actor = _opponent_party(res, suffered.code)
    elif rule.actor == "ground_opponent":
        # 'Heavy fighting is taking place in Bakhmut': fighting told of a place, with no side
        # named, is the attack of the enemy of the side holding that ground (skipping a whole
        # country named: 'fighting in eastern Ukraine' names no side's ground to take)
        actor = _opponent_party(res, _side_of_ground(
            [(pl.name, pl.place, True) for _, pl in sorted(f.places.items())], res, rl, skip_countries=True, held=True))
    elif rule.actor == "self":
        # 'North Korean-made missiles': the maker named inside the modifier
        actor = next((f.parties[j] for j in g.subtree(t) if j in f.parties), None)
    elif rule.actor == "casualty":
        # who kills or captures does not suffer: 'Ukrainian forces have taken 2,000 prisoners'
        inflicted = tok.lemma in ("kill", "eliminate", "wound", "injure", "capture", "inflict") or (
            tok.lemma == "take" and has_class(f, a.object, "prisoner", rl))
        active = not g.kids(t, "nsubj:pass")
        on = [o for o in a.oblique if g.case_of(o) in ("on", "upon", "among")]  # 'inflicted losses on Russian forces'
        # (a passive's subject first: 'Ukrainian soldiers will be killed in their hundreds, possibly
        # thousands, by Russian forces', where the parser hangs the doer on the figure)
        objects = sorted(a.object, key=lambda o: g.tokens[o].dep != "nsubj:pass")
        troops = _troop_heads(f, on + objects + ([] if inflicted and active else a.subject), rl)
        if not troops and tok.lemma in ("capture", "take"):
            # 'captured their first North Korean prisoner of war': the prisoner's own side
            troops = [o for o in objects if in_words(g.tokens[o], rl.classes["prisoner"])]
        # ('Ukraine says more than 40 of its soldiers have been killed': whose 'its' is)
        actor = _party(f, troops, res) or (_pronoun_party(f, troops, t, res, rl, state) if troops else None)
        if actor is None and g.kids(t, "iobj"):
            actor = _party(f, g.kids(t, "iobj"), res)  # 'the war has cost Russia 315,000 troops': whom it costs
        if actor is None and inflicted and subj is not None:
            code = _opponent(res, subj.code)
            m.actor = code
        elif actor is None:
            actor = subj
    elif rule.actor == "fallen_side":
        # the dead's own side of the war ('a Ukrainian boxer killed while fighting'), else the
        # side they fought for or against ('an Irishman killed while battling Russian forces',
        # 'Uzbek citizens died while fighting for Russia')
        actor = _party(f, a.object + a.subject, res)
        if actor is None or actor.code not in rl.noise["off_topic"]["war_parties"]:
            actor = _side_of_the_fallen(f, t, res, rl)
    else:
        # support verbs lend their subject ('launched an incursion'), and so do verbs of saying:
        # 'Moscow announced the liberation of Sudzha' is Moscow's own claim of its own act
        # the subject of a clause about a meeting takes part in it: 'Rubio will travel to Canada for
        # meetings with G7 ministers'
        if not tok.is_verb and gov_lemma is not None and gov_lemma not in rl.classes["support_verbs"] \
                and gov_lemma not in rl.attribution_verbs and rule.type != "diplomacy" and not a.manner \
                and not (rule.id == "territory.flag-raised" and gov_lemma in rl.classes["flag_verbs"]):
            # 'Russia struggled to respond to the incursion': not Russia's incursion ('Ukrainian
            # troops hoisted the national flag over the bridge': who raises a flag raises their own)
            subj = None
        if not tok.is_verb and rule.type == "strike" and gov_lemma in rl.classes["death_verbs"] and mod is None \
                and subj is not None:
            # 'six North Korean officers died in a recent missile attack': who died in it did not
            # fire it; the other side did
            subj = _opponent_party(res, subj.code)
        if not tok.is_verb and mod is None and a.governor is not None and gov_lemma in rl.classes["accusation_verbs"] \
                and g.case_of(t) in ("of", "for") and (accused := _party(f, g.kids(a.governor, "obj"), res)):
            # 'Russia has accused Kiev of terrorist attacks on its railways': the accused's act, the
            # accuser's claim
            subj = accused
            accuser = next(iter(g.kids(a.governor, "nsubj")), None)
        if not tok.is_verb and rule.type == "strike" and gov_lemma in rl.classes["witness_verbs"] and mod is None:
            subj = None  # 'Ukrainian officials reported fresh missile strikes': who told, not who struck
        if not tok.is_verb and rule.type == "strike" and gov_lemma in rl.attribution_verbs and mod is None \
                and gov_lemma not in rl.classes["accusation_verbs"] \
                and subj is not None and a.governor is not None and _oblique_under(g, t, a.governor):
            # 'As a series of missile attacks rained down on Ukrainian cities, Ukraine's culture minister
            # wrote that ...': a strike in an oblique of a verb of saying is when or what about it was
            # said, not the speaker's own act (what is said, its object, is; and what one side accuses
            # another of is the accused's, above)
            subj = None
        if not tok.is_verb and rule.type == "strike" and gov_lemma in rl.attribution_verbs and mod is None \
                and subj is not None and _side_holding_phrase(f, t, res, rl) == subj.code:
            # 'The Russian Defence Ministry has announced a drone attack on the Soltsy military base
            # in the Novgorod Region': a side telling of an attack on its own ground was struck
            subj = _opponent_party(res, subj.code)
        if not tok.is_verb and rule.type == "strike" and gov_lemma in rl.classes["intercept_verbs"] \
                and mod is None and subj is not None:
            # 'Russian air defences repelled an attack by eight drones': the other side struck
            subj = _opponent_party(res, subj.code)
        if (tok.is_verb and tok.pos == "VBG" and rule.type == "strike" and tok.head >= 0 and mod is None
                and g.tokens[tok.head].lemma in rl.classes["witness_verbs"] and not g.kids(t, "nsubj", "obj")):
            subj = None  # the same told with a bare gerund: 'Ukrainian officials reported shelling in the region'
        if (not tok.is_verb and mod is None and subj is not None and gov_lemma in rl.classes["resist_verbs"]
                and g.case_of(t) == "against"):
            # 'Ukraine's forces are holding against ongoing attacks': the attacks are the other side's
            subj = _opponent_party(res, subj.code)
        if not tok.is_verb and rule.type == "offensive_launched" and mod is None and a.governor is not None:
            # 'supporting Ukraine during this crucial counteroffensive': the offensive of the side
            # backed (the parser may hang 'supporting' on 'Ukraine')
            backing = rl.classes["backing_verbs"]
            backed_heads = [c for c in g.kids(a.governor, "obj", "obl") if c != t and (
                gov_lemma in backing or any(g.tokens[k].lemma in backing for k in g.kids(c, "amod", "acl")))]
            backed = _party(f, backed_heads, res)
            if backed is not None:
                subj = backed
        if rule.type == "diplomacy" and not tok.is_verb and mod is not None \
                and has_class(f, role_tokens(g, a, "modifier"), "forum", rl):
            mod = None  # 'the eighth Ukraine Defense Contact Group meeting': a forum's name names no host
        if rule.type == "strike" and tok.is_verb and subj is not None and not a.object \
                and not g.kids(t, "aux:pass") and has_class(f, a.subject, "target", rl) \
                and not has_class(f, a.subject, "troops", rl) and not has_class(f, a.subject, "strike_weapon", rl):
            # 'Power cuts after Ukrainian infrastructure pounded': a headline's passive without its
            # auxiliary, read as active; what is struck strikes nothing, its enemy struck it
            subj = _opponent_party(res, subj.code)
        actor = (mod or subj) if not tok.is_verb else (subj or mod)
        # (the ground a noun of going in is 'of', 'into' or 'on', not the clause's object: 'the Russian
        # military's summer offensive has set its sights on Konstantinovka')
        grounds = [o for o in a.object if g.case_of(o) in ("of", "into", "on")]
        owner = (_party(f, grounds, res) or _pronoun_party(f, grounds, t, res, rl, state)) if not tok.is_verb else None
        if rule.type == "offensive_launched" and actor is not None and owner is not None and owner.code == actor.code:
            # 'its first infiltration of its territory': the owner of the ground invaded suffered it
            actor = _opponent_party(res, actor.code)
        if not tok.is_verb and rule.type == "offensive_launched" and mod is None:
            # 'the advance of Russian soldiers': troops an attack is 'of' make it, whoever the
            # clause's subject is ('the General Staff confirmed the advance of Russian troops';
            # ground 'of' is what it is on: 'the invasion of Ukraine')
            actor = _party(f, _troop_heads(f, [o for o in a.object if g.case_of(o) == "of"], rl), res) or actor
        if rule.type == "diplomacy" and not tok.is_verb:
            # 'a meeting of the U.N. Security Council requested by the United States': the body
            # that meets is the actor, whoever asked for it or sits at it
            body = _party(f, [o for o in a.object if g.case_of(o) == "of"], res)
            if body is not None and body.code in rl.multilateral:
                actor = body
        if actor is None and not tok.is_verb:
            # 'a recent offensive involving two battalions of North Korean troops'
            acl = [c for c in g.kids(t, "acl") if g.tokens[c].lemma in ("involve", "include", "use", "feature")]
            actor = _party(f, _troop_heads(f, [o for c in acl for o in g.kids(c, "obj")], rl), res)
        if actor is None and not tok.is_verb:
            # 'a counteroffensive planned by the Ukrainian military': a participle's agent did it
            by = [o for c in g.kids(t, "acl")
                  if g.tokens[c].pos == "VBN" and g.tokens[c].lemma in rl.classes["plan_verbs"]
                  for o in g.kids(c, "obl") if g.case_of(o) == "by"]
            actor = _party(f, by, res)
        if actor is None and not tok.is_verb and rule.type == "diplomacy" and g.case_of(t) in ("in", "during"):
            # 'Putin had promised to respond to the attacks in a phone call with Trump': who acts in
            # the call holds it, whom it is with is the partner (a speaker's venue is another
            # matter: noise.yaml speech_venue)
            held_in = next((j for j in g.ancestors(t) if g.tokens[j].is_verb), None)
            if held_in is not None and g.tokens[held_in].lemma not in rl.attribution_verbs:
                actor = _party(f, arguments(g, held_in, rl.measure_nouns).subject, res)
        if actor is None and not tok.is_verb and rule.type in ("diplomacy", "military_aid"):
            # ('talks with Russia', 'aid from Germany'; not the country a place lies in: 'at Ramstein
            # Air Base, Germany')
            # (who confirmed or reported it is no party to it: 'the delivery, confirmed by the US')
            # (a participle on the noun names its doer only in a 'by', 'from', 'with' or 'between' phrase: 'the
            # talks, held in Turkey' were not Turkey's)
            unplaced = [o for o in a.oblique if g.case_of(o) not in ("at", "in", "on", "near")]
            phrases = [o for o in unplaced if not g.tokens[o].is_verb
                       and g.tokens[o].lemma not in rl.attribution_verbs]
            phrases += [x for o in a.oblique if g.tokens[o].is_verb and g.tokens[o].lemma not in rl.attribution_verbs
                        for x in g.kids(o, "obl") if g.case_of(x) in ("by", "from", "with", "between")]
            actor = _party(f, phrases, res)
        if actor is None and not tok.is_verb and rule.type == "strike":
            # 'Kyiv faces intensified missile attacks from Moscow': a side of the war they come from
            # (not any country: missiles 'from Belarus' were fired from its ground)
            sender = _party(f, [o for o in a.oblique if g.case_of(o) == "from"], res)
            if sender is not None and sender.code.lower() in rl.classes["war_sides"]:
                actor = sender
        if actor is None and not tok.is_verb and rule.type == "military_aid":
            # 'a new package of aid from Finland': who it is from, named in its 'of' phrase
            actor = _party(f, [k for o in a.object if g.case_of(o) == "of"
                               for k in g.kids(o, "nmod") if g.case_of(k) == "from"], res)
        officials = bool(a.subject) and all(
            g.tokens[s_].lemma in rl.speakers and any(g.tokens[d].lemma == "the" for d in g.kids(s_, "det"))
            for s_ in a.subject)
        if actor is None and rule.type == "diplomacy" and state.source_party and (not tok.is_verb or officials):
            # in a government outlet's text, a meeting nobody is named at ('Thanks for joining the
            # 20th meeting of the Ukraine Defense Contact Group') or held by 'the Secretary' ('The
            # Secretary has spoken twice with Shoigu') is the outlet's government's (see _perspective)
            actor = PartyMention.implied(state.source_party, "inst")
    if (actor is None and tok.is_verb and tok.dep == "advcl" and tok.head >= 0
            and any(g.tokens[k].lemma == "with" for k in g.kids(t, "mark")) and _troop_heads(f, a.subject, rl)):
        # 'Russia's military reported capturing a village, with forces closing in on Kurakhove':
        # bare forces in a 'with' clause are those of the clause it hangs off
        actor = _party(f, arguments(g, tok.head, rl.measure_nouns).subject, res)
    if (actor is None and rule.type == "strike" and tok.is_verb and obj is not None
            and tok.lemma in rl.classes["fire_verbs"]
            and has_class(f, role_tokens(g, a, "object"), "strike_weapon", rl)):
        actor = obj  # '59 Russian drones launched in an overnight attack': who fires owns the weapons
    if actor is None and rule.type == "offensive_repelled" and obj is not None and (any(
            g.tokens[o].dep == "nsubj:pass" for o in a.object) or (tok.is_verb and g.kids(t, "aux:pass"))
            or (tok.is_verb and _troop_heads(f, a.subject, rl))):
        # 'Russian forces were pushed back from Kyiv', 'Russian troops attacked and were repelled',
        # 'an army unit managed to repel Russian forces' (troops of no side named): by the other
        # side
        actor = _opponent_party(res, obj.code)
    if actor is None and rule.type == "offensive_repelled" and tok.is_verb and g.kids(t, "nsubj:pass") \
            and not a.agent:
        # 'all the attacks had been repelled, the ministry said', '"the attempts at an offensive were
        # thwarted," he added': repelled by no one named, then by the side that says so
        for at in attributions(g, t, rl)[:1]:
            code = _speaker_code(f, at.claimant, rl, state, res) if at.claimant is not None else None
            if code is None and state.last_speaker and g.tokens[at.claimant if at.claimant is not None else t].lemma \
                    in rl.classes["pronoun"]:
                code = state.last_speaker[0]
            if code is not None and code in rl.noise["off_topic"]["war_parties"]:
                actor = PartyMention.implied(code)
    if rule.type == "territory_claimed" and not tok.is_verb and tok.lemma == "fall":
        # 'the fall of Avdiivka to Russia': to whom it fell took it; whoever speaks of the fall
        # ('Ukrainian officials are trying to find positive aspects in the fall') did not
        actor = _party(f, [k for k in g.kids(t, "nmod") if g.case_of(k) == "to"], res) or (
            mod if mod is not None and mod.possessive else None)
    if actor is None and rule.type == "territory_claimed" and not tok.is_verb and tok.lemma in (
            "fall", "capture", "seizure", "recapture"):
        # 'the fall of Vuhledar', 'the capture of Luhansk': taken by the side at war with the one
        # whose country it is in; 'the recapture of Kherson': by the side whose country it is (a
        # 'liberation' names no doer: each side calls its captures so)
        taken = [(pl.name, pl.place, True) for o in a.object for pl in phrase_places(f, o)]
        side = _side_of_ground(taken, res, rl, skip_countries=True)
        if side is not None:
            actor = PartyMention.implied(side) if tok.lemma == "recapture" else _opponent_party(res, side)
    if actor is None and rule.type == "territory_claimed" and tok.is_verb and g.kids(t, "nsubj:pass"):
        # 'the village has been liberated from Ukrainian forces': taken by the other side
        held_by = _party(f, [o for o in a.oblique if g.case_of(o) == "from"], res)
        actor = _opponent_party(res, held_by.code) if held_by is not None else None
        takers = [p.actor for p in state.previous
                  if p.type == "territory_claimed" and p.actor and p.change == rule.change]
        if actor is None and takers and any(g.tokens[d].lemma in ("the", "this", "that")
                                            for s_ in g.kids(t, "nsubj:pass") for d in g.kids(s_, "det")):
            # 'Russia said it had captured Toretsk. Ukraine denied the city had been captured.':
            # the ground the sentence before told of, taken by the side it named
            actor = PartyMention.implied(takers[-1])
        if actor is None and tok.lemma not in _CLAIMED_FREEING and rule.change in ("captured", "regained"):
            # 'Kupiansk has been captured', '80 percent of Vovchansk has been captured': taken by the
            # side at war with the one whose ground it is (retaken: by that side); 'liberated' names
            # no doer, each side calls its captures so
            taken = [(pl.name, pl.place, True) for s_ in g.kids(t, "nsubj:pass") for pl in phrase_places(f, s_)]
            side = _side_of_ground(taken, res, rl, skip_countries=True)
            if side is not None:
                actor = PartyMention.implied(side) if rule.change == "regained" else _opponent_party(res, side)
        if actor is None and rule.change in ("captured", "regained"):
            actor = _taker_by_speaker(f, t, res, rl)
    if actor is None and rule.type == "territory_claimed" and tok.is_verb and rule.change in ("captured", "regained") \
            and _troop_heads(f, a.subject, rl):
        # 'the head of Russia's Wagner Group said mercenary forces had seized Vlahodatne': forces
        # of no side named, told of by a warring side, are its own
        actor = _taker_by_speaker(f, t, res, rl)
    if rule.type in ("casualties_claimed", "troops_deployed") and actor is not None:
        # foreign recruits are losses of the army the sentence has them serve in ('a Nepali recruit
        # was killed while serving in the Russian military'), or the article said they serve: 'More
        # than 300 of these Colombian mercenaries have been killed', after they were said to serve
        # Ukraine's armed forces (see _learn_served); as a figure's party is (_served_side); and
        # so are they troops of that side ('four Mexican mercenaries who were fighting on the side
        # of Ukraine's Armed Forces')
        actor = _served_side(f, actor, res, rl, state.served)
    if rule.type == "military_aid":
        _aid_parties(f, t, a, m, actor, subj, mod, obj, res, rl, state)
    elif actor is not None:
        m.actor = actor.code
    # 'the drone attack injured nine people in Odesa', 'shelling killed three in Udachne': a strike
    # that names no attacker is the other side's when it fell on one side's ground (placed below)
    if m.actor is None and rule.type == "diplomacy" and _both_sides(g, a.subject):
        # 'the two sides agreed to exchange 1,000 prisoners': the sides of the talks told before
        talks = next((x for x in reversed(state.told) if x.type == "diplomacy" and x.actor and x.partners), None)
        before = [f.parties[k] for k in sorted(f.parties) if k < t]
        persons = list(dict.fromkeys(p.code for p in before if p.form == "person"))
        pair = persons if len(persons) == 2 else list(dict.fromkeys(p.code for p in before))
        if len(pair) == 2:
            # ('Trump could not convince his Russian counterpart Putin ... as the two leaders held a
            # phone conversation': the two named before it in the sentence)
            m.actor, m.partners = pair[0], [pair[1]]
        elif talks is not None:
            m.actor, m.partners = talks.actor, list(talks.partners)
    if rule.type == "diplomacy" and not tok.is_verb:
        # 'the UAE announced a new exchange of war captives between Russia and Ukraine': the sides
        # named 'between' are who hold it, not whoever tells of it
        # (the parser may hang the phrase on the noun's own 'of' phrase: 'exchange of captives between';
        # 'a meeting on cooperation between the UN and the OSCE' is about another matter)
        owners = [t, *(o for o in g.kids(t, "nmod") if g.case_of(o) == "of")]
        between = [code for h in owners for o in g.kids(h, "nmod") if g.case_of(o) == "between"
                   for code in phrase_parties(f, o)]
        between = list(dict.fromkeys(between))
        if len(between) >= 2:  # (the first named leads, as in 'Russia and Ukraine exchanged ...')
            m.actor, m.partners = between[0], between[1:]
    if m.actor is None and rule.id == "diplomacy.exchange" and _swap_done(g, t, rl):
        # 'A large prisoner exchange took place on Friday', '307 prisoners of war were exchanged':
        # a swap with no side named is the one the article told of, else one between the war's
        # two sides (classes.yaml swap_lead; a swap of others names them)
        earlier = next((x for x in reversed(state.told) if x.rule == rule.id and x.actor), None)
        if earlier is not None:
            m.actor, m.partners = earlier.actor, list(earlier.partners)
        else:
            m.actor = next(iter(rl.classes["swap_lead"])).upper()
            m.partners = [p for p in [_opponent(res, m.actor)] if p]
    if m.actor is None and rule.id in _MEDIATION_RULES:
        # 'The UAE said it succeeded in mediating the release', 'thanked the UAE for its mediation':
        # the mediator is the third party the sentence names (not a side of the war)
        third = next((p for _, p in sorted(f.parties.items())
                      if p.code.lower() not in rl.classes["not_mediators"]), None)
        m.actor = third.code if third is not None else None
    if rule.id in _MEDIATION_RULES and m.actor in rl.noise["off_topic"]["war_parties"]:
        # a side of the war is no mediator in it ('Putin is ready to mediate talks between Egypt and Ethiopia')
        return None
    if m.actor is None and rule.type == "strike":
        # weapons only one side fires: its strike, its downed drones ('destroyed 30 Shahed drones')
        m.actor = _weapon_side(f, a.object + a.subject + a.agent, rl)
    unattributed_strike = (m.actor is None and rule.type == "strike" and rule.actor != "object_owner"
                           and _strike_caused(f, t, a, rl, state))
    if m.actor is None and rule.type in rl.classes["home_types"] and state.home is not None \
            and (_home_subject(f, a, rl) or _summoned(f, t, a, rl)):
        # 'The Government is to approve an additional one hundred million euro', in an Irish
        # story: a government or minister named with no country is the story's country's
        m.actor, m.home_actor = state.home, True
    if m.actor is None and not unattributed_strike:
        return None
    if rule.type == "territory_claimed" and a.object and all(
            o in f.places and _own_country(f.places[o].place, res, m.actor) for o in a.object):
        return None  # a side does not take its own country: 'Ukraine, which has been recovered by Ukraine'
    if rule.type == "diplomacy" and tok.is_verb and tok.lemma in ("visit", "travel", "fly", "tour"):
        # a leader visiting a place at home meets no other side: 'Putin visited the Kursk region'
        partner_idx = role_tokens(g, a, "partner")
        others = [j for j in partner_idx if j in f.parties and f.parties[j].code != m.actor]
        places = [f.places[j].place for j in partner_idx if j in f.places]
        home = res.parties.get(m.actor) if m.actor else None
        if not others and places and home is not None and all(p is not None and p.country == home.country
                                                             for p in places):
            return None
    # partners and the other side
    # Partners act with the actor: other parties of the phrase the actor was named in ('Russian
    # and North Korean troops'), not every party of the clause ('Russian and North Korean
    # soldiers regained villages following a Ukrainian incursion' gives Ukraine no partners).
    actor_heads = a.subject + a.modifier if rule.actor != "troops" else _troop_heads(f, a.object + a.subject, rl)
    for h in actor_heads:
        codes = phrase_parties(f, h, own_only=True, unplaced=True,
                               untargeted=rule.type in ("strike", "offensive_launched"))
        if m.actor not in codes:
            continue
        for code in codes:
            if code != m.actor and code not in m.partners:
                m.partners.append(code)
    if rule.type == "diplomacy":
        # where a visitor arrived is the other side of the visit: 'Zelenskyy arrived in Washington',
        # 'in Japan'; a city or a country abroad only ('arrived in the Kursk region to visit troops'
        # is no visit to Russia)
        home = res.parties.get(m.actor) if m.actor else None
        arrived_at = [o for o in a.oblique if g.case_of(o) == "in" and home is not None
                      and _abroad(f.places[o].place if o in f.places else None, home.country)
                      ] if tok.lemma in rl.classes["arrival_verbs"] else []
        partner_tokens = role_tokens(g, a, "partner") + [j for o in arrived_at for j in g.phrase(o)]
        # a named counterpart of no known party ('Minister Kim'); one of the actor's own side
        # ('a conversation with President Volodymyr Zelensky', told of Ukraine's commander) is none
        own_side = {j for j in partner_tokens if j in f.parties and f.parties[j].code == m.actor}
        own_phrases = {k for j in own_side for k in g.phrase(g.tokens[j].head if g.tokens[j].head >= 0 else j)}
        # (a place is no counterpart: 'met with senior military officials in Kharkiv city')
        m.counterpart = any(
            g.tokens[j].pos == "NNP" and f.parties.get(j) is None and j not in own_phrases and j not in f.places
            for j in partner_tokens)
        # who the talks are with: objects, 'with'/'to'/'between' phrases, the actor's own phrase
        # ('amid fears of a less engaged United States' names no participant)
        talk_heads = a.object + arrived_at + [o for o in a.oblique
                                              if g.case_of(o) in ("with", "to", "between", "among")]
        # 'spoke with Kuleba to follow up on ...' parsed as a 'with' clause whose subject is Kuleba
        talk_heads += [s_ for c in g.kids(t, "advcl") if any(g.tokens[k].lemma == "with" for k in g.kids(c, "mark"))
                       for s_ in g.kids(c, "nsubj")]
        if not tok.is_verb and a.governor is not None and g.case_of(t) in ("in", "during", "on", "over"):
            # 'Putin told Erdogan in a phone call that ...': whom the call's speaker told
            talk_heads += [o for o in g.kids(a.governor, "obj", "iobj") if o != t]
        if not tok.is_verb:  # another meeting named beside it is no participant
            talk_heads = _without_other_meetings(g, t, talk_heads, rl)
        # 'Rubio welcomed Russia and Ukraine's exchange of prisoners': who welcomes talks others
        # held takes no part in them ('Rubio held talks with Lavrov' does)
        onlooker = not tok.is_verb and mod is not None and gov_lemma is not None \
            and gov_lemma not in rl.classes["support_verbs"] and gov_lemma not in rl.attribution_verbs
        for h in talk_heads + ([] if onlooker else a.subject) + a.modifier:
            for code in phrase_parties(f, h):
                if code != m.actor and code not in m.partners:
                    m.partners.append(code)
        for h in a.subject:
            # 'Trump said that he and Putin held a two-hour phone call': a person named by a
            # pronoun beside the other side talks too, and leads when named first
            for pron in (j for j in [h, *g.kids(h, "conj")]
                         if g.tokens[j].pos == "PRP" and g.tokens[j].lemma in ("he", "she")):
                p = _pronoun_party(f, [pron], t, res, rl, state)
                if p is None or p.code == m.actor or p.code in m.partners or m.actor is None:
                    continue
                if pron == h:
                    m.actor, m.partners = p.code, [m.actor, *m.partners]
                else:
                    m.partners.append(p.code)
        if m.rule in _MEDIATION_RULES and not m.partners and m.actor not in rl.noise["off_topic"]["war_parties"]:
            # a mediator between sides it does not name mediates between the war's sides
            m.partners = sorted(code.upper() for code in rl.classes["mediated_sides"])
        if not tok.is_verb and not m.partners and g.case_of(t) in rl.noise["purpose"]["circumstance_cases"] \
                and (doer := _clause_doer(f, t, res, rl)) is not None and doer.code != m.actor:
            # 'Hun Sen made the commitment to send trainers during a telephone conversation with
            # Zelenskyy': whoever acts in the clause took part in the talks it took place during
            m.actor, m.partners = doer.code, [m.actor]
    elif rule.type in ("offensive_launched", "strike", "offensive_repelled"):
        # the party named on weapons fired or used made or gave them ('Ukraine's use of U.S.
        # missiles'); on weapons hit it is the side hit ('hit Russian air defense systems')
        fired = (rule.type == "strike" and (tok.lemma in rl.classes["fire_verbs"] or rule.id.startswith("strike.use"))
                 and has_class(f, role_tokens(g, a, "object_head"), "strike_weapon", rl))
        against = (None if fired else obj) or _party(
            f, [o for o in a.oblique if g.case_of(o) in ("against", "on", "into", "in")], res)
        if against and against.code != m.actor:
            m.against = against.code
    if rule.type == "territory_claimed" and rule.id == "territory.control-noun":
        m.change = _noun_change(tok.lemma)
    if rule.type == "troops_deployed" and tok.lemma in ("receive",):
        pass
    # where
    heads = a.oblique + a.object + a.subject + a.modifier + a.agent
    if rule.type == "diplomacy" and not tok.is_verb:  # not where another meeting named beside it was
        heads = _without_other_meetings(g, t, heads, rl)
    if rule.type == "diplomacy" and tok.lemma in rl.noise["purpose"]["talk_verbs"]:
        # what is discussed is a topic, not where the talks were ('discussed the war in Ukraine')
        heads = [h for h in heads if h not in a.object]
    seen: set[str] = _not_places(f, rule.type, m.movement, t)
    # talks and aid take no place named inside another noun of their phrases ('agreed to a
    # ceasefire as a step toward peace in Europe'); a place noun may stand between ('the port
    # city of Jeddah')
    on_the_ground = rule.type not in rl.noise["off_ground"]["types"]
    via = None if on_the_ground else rl.classes["territory"] | rl.classes["facility"]
    for h in heads:
        for pl in phrase_places(f, h, via):
            if pl.name not in seen:
                seen.add(pl.name)
                m.locations.append((pl.name, pl.place, True))
                if pl.name in f.surfaces:
                    m.locations.extend((form, pl.place, True) for form in surface_forms(f.surfaces[pl.name]))
    if rule.type in _GROUND_TYPES:
        for name in _unlisted_places(f, a, rl):
            if name not in seen:
                seen.add(name)
                m.locations.insert(0, (name, None, True))
    arg_tokens = set(role_tokens(g, a, "any"))
    # a sentence whose places were all set aside (a party named as one: 'deployment by Moscow')
    # has none of its own either
    placeless = all(pl.name in seen for pl in f.places.values())
    where_head = _where_antecedent(g, t)
    if where_head is not None and where_head in f.places and f.places[where_head].name not in seen:
        # 'talks in Jeddah, Saudi Arabia, where Ukraine said it is ready to accept ...': the place
        # a 'where' clause hangs on is where what it tells happened
        pl = f.places[where_head]
        seen.add(pl.name)
        m.locations.insert(0, (pl.name, pl.place, True))
    if not m.locations and rule.type == "troops_deployed":
        # 'troops conscripted into Russia's military effort', 'sent to join Russia's forces': the
        # country of the side they were sent into
        # (or of a participle on the trigger: 'the influx of troops conscripted into ...')
        into = [o for o in a.oblique + (g.kids(a.governor, "obl") if a.governor is not None else [])
                + [o for c in g.kids(t, "acl") for o in g.kids(c, "obl")] if g.case_of(o) in ("into", "to")]
        joined = next((f.parties[j] for o in into for j in g.phrase(o) if j in f.parties), None)
        country = res.parties[joined.code].country if joined is not None and joined.code in res.parties else None
        canon = res.place_alias.get(country.casefold()) if country else None
        if canon is not None and joined is not None and joined.code != m.actor:
            seen.add(canon)
            m.locations.append((canon, res.places[canon], True))
    if not m.locations and state.last_place and (arg_tokens & f.anaphoric or (placeless and on_the_ground)):
        # 'to the region', or no place at all: the place the article was last about (talks and
        # aid do not happen where the fighting was last told: 'a meeting on this matter')
        name, place = state.last_place
        seen.add(name)
        m.locations.append((name, place, False))
        m.locations.extend((form, place, False) for form in state.place_surfaces.get(name, ()))
    for j in sorted(f.places):
        pl = f.places[j]
        own_ground = (rule.type == "strike" and m.actor is not None and pl.place is not None
                      and _countries(res, [m.actor]).get(pl.place.country or "") == m.actor)
        if pl.name not in seen and not (not on_the_ground and _elsewhere(g, j, t, set(heads))) and not own_ground:
            # (a side's strike did not fall on its own ground: 'a drone assault on Moscow, amidst a
            # wave of 145 Russian drones targeting Ukraine' is not a Russian strike in Moscow)
            seen.add(pl.name)
            m.locations.append((pl.name, pl.place, False))
            if pl.name in f.surfaces:
                m.locations.extend((form, pl.place, False) for form in surface_forms(f.surfaces[pl.name]))
    responsible = _responsible_party(f, t, res, rl) if unattributed_strike else None
    if responsible is not None:
        # 'Russia's defense ministry claimed responsibility for a massive strike': who claims a
        # strike made it
        m.actor, unattributed_strike = responsible.code, False
    if unattributed_strike:
        # ... and only when it is placed by its own words or takes a toll: 'the daily aerial
        # attacks continue' reports no strike of its own
        # ('a high-rise building was struck': a target struck is a strike too; so is one a strike
        # damaged: 'another drone strike overnight destroyed an oil tank at a depot')
        damaged = (not tok.is_verb and tok.dep.startswith("nsubj") and tok.head >= 0
                   and g.tokens[tok.head].lemma in rl.noise["reference"]["effect_verbs"]
                   and has_class(f, [j for o in g.kids(tok.head, "obj", "obl") for j in g.phrase(o)], "facility", rl))
        # ... or names whose things it hit ('the third drone attack in two weeks against vessels of
        # Russia's shadow fleet')
        hit_side = _target_party(f, a, res, rl)
        # ... or is a weapon that hit, just after a strike was told ('Three missiles had struck close
        # to the centre of the city': noise.yaml told_strike)
        within = int(rl.noise["told_strike"]["within_sentences"])
        weapon_hit = tok.is_verb and has_class(f, [j for h in a.subject for j in g.phrase(h)], "strike_weapon", rl) \
            and any(x.type == "strike" and g.index - x.sentence.index <= within for x in state.told)
        placed = (any(own for _, _, own in m.locations) or in_words(tok, rl.classes["toll"])
                  or has_class(f, role_tokens(g, a, "object"), "facility", rl) or damaged or hit_side is not None)
        if not placed and not weapon_hit:
            return None
        causes = [j for h in _cause_obliques(g, a, rl) for j in [h, *g.kids(h, "conj")]]
        told = (a.governor is not None and not tok.is_verb and g.tokens[a.governor].lemma in rl.classes["witness_verbs"]
                ) or (tok.pos == "VBG" and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["witness_verbs"])
        undergone = a.governor is not None and not tok.is_verb \
            and g.tokens[a.governor].lemma in rl.classes["suffering_verbs"]
        # 'Ukrainian officials reported strikes': who told, not who struck; 'Ukrainian cities
        # experienced explosions': who suffered them; 'a Russian airstrike that killed five people':
        # the strike a relative pronoun stands for
        doers = [] if told or undergone else [_relative_antecedent(g, s_) for s_ in a.subject]
        # ('seven people were killed in an overnight missile attack by Ukrainian forces': the cause's doer)
        cause_doers = [k for h in causes if h not in f.parties for k in g.kids(h, "nmod") if g.case_of(k) == "by"]
        named = (_premodifier_party(f, [t, *doers, *a.agent, *causes], rl)
                 or next((f.parties[h] for h in causes if h in f.parties), None) or _party(f, cause_doers, res)
                 or _clause_doer(f, t, res, rl))
        struck = next((j for name, _, _ in m.locations for j in sorted(f.places) if f.places[j].name == name), None)
        side = hit_side or (_occupier_named(f, struck, res, rl) if struck is not None else None) \
            or _side_of_ground(m.locations, res, rl, held=True)
        m.actor = named.code if named is not None else _opponent(res, side)
        if not placed:
            # (its side is the weapon's, else the told strike's: who reports it or where it fell
            # is not named in its words)
            weapon_side = _premodifier_party(f, a.subject, rl)
            m.actor = weapon_side.code if weapon_side is not None else next(
                (x.actor for x in reversed(state.told) if x.type == "strike" and x.actor), None)
            side = _opponent(res, m.actor)
        if m.actor is None and (side is None or (not tok.is_verb and any(
                g.tokens[d].lemma in rl.classes["distinct_modifiers"] for d in g.kids(t, "det", "amod")))):
            # 'another drone strike', or one on ground of no side named: one more of the strikes
            # the article last told
            m.actor = next((x.actor for x in reversed(state.told) if x.type == "strike" and x.actor), None)
        if m.actor is None:
            return None
        if side is not None and side != m.actor:
            m.against = side
    if rule.type == "strike" and m.actor is not None and _named_as_maker(f, m.actor, rl):
        # 'Iranian drones struck Odesa', 'US-made ATACMS hit a Russian air base': who made the
        # weapons did not fire them; the warring side at war with the one struck did
        m.actor = _weapons_user(f, t, m.actor, res, rl) \
            or _opponent(res, m.against) or _opponent(res, _side_of_ground(m.locations, res, rl, held=True)) or (
            e.code if (e := _speakers_enemy(f, t, res, rl)) is not None else None)
        if m.actor is None:
            return None
        m.against = _opponent(res, m.actor)
    if rule.actor == "object_opponent" and m.change == "captured" and _side_of_ground(m.locations, res, rl) == m.actor:
        m.change = "regained"  # driven off the actor's own ground
    # figures that belong to the trigger, its arguments' coordinations included ('launched 15
    # missiles and 21 Shahed drones')
    arg_idx = set(role_tokens(g, a, "any")) | {t}
    arg_idx |= {j for h in a.object + a.subject + a.oblique for c in g.kids(h, "conj") for j in g.phrase(c)}
    # a toll verb conjoined to the trigger counts too: 'four people were killed and 20 injured'
    arg_idx |= {j for c in g.kids(t, "conj") if in_words(g.tokens[c], rl.classes["toll"])
                for k in g.kids(c, "nsubj", "nsubj:pass", "obj") for j in g.phrase(k)}
    for q, qi in f.quants:
        if qi in arg_idx or g.tokens[qi].head in arg_idx:
            kind = figure_kind(f, q, qi, rl)
            if kind is None:
                continue
            if (rule.type == "strike" and kind in ("killed", "wounded")
                    and (tok.lemma in ("kill", "injure", "wound", "hurt") or _people_toll(f, qi, rl))):
                # 'killed three people', 'a strike killed 4': the strike's toll of people
                # (ANNOTATION.md `civilians_killed`); 'killed 40 soldiers' counts a side's troops,
                # and so does a toll at a base ('18 people were killed at a military base')
                people = (_people_toll(f, qi, rl) or not _troop_heads(f, [g.tokens[qi].head, qi], rl)) \
                    and not _at_military_site(g, rl)
                kind = "injured" if kind == "wounded" else "civilians_killed" if people else kind
            elif (rule.type != "casualties_claimed" and kind in ("killed", "wounded", "killed_or_wounded", "casualties",
                                                                 "captured")) or (
                    kind in ("civilians_killed", "injured") and rule.type not in ("strike", "casualties_claimed")) or (
                    rule.type == "military_aid" and kind in ("troops", "battalions")):
                continue  # (troops sent beside weapons are their own deployment)
            m.quantities.append(_figure(f, q, qi, kind, rl, single=rule.type == "strike"))
    # who says so, how sure
    negated = _attribute(f, t, a, m, res, rl, state)
    if negated and not m.claimants and m.type not in rl.noise["narrated_negation"]["kept_types"]:
        return None  # 'Ukraine has not gained any further ground': nobody's denial (noise.yaml narrated_negation)
    if accuser is not None and not m.claimants and (charger := phrase_party(f, accuser, res)) is not None:
        m.claimants, m.modality = [(charger.code, speaker_name(g, accuser))], "claimed"
    if not m.claimants and m.modality == "asserted" and m.actor is not None \
            and (voice := _voice_speaker(state)) is not None and voice[0] is not None \
            and _opponent(res, voice[0]) == m.actor \
            and any(g.tokens[j].lemma in rl.classes["enemy_words"]
                    for role in ("object_or_subject", "modifier") for j in role_tokens(g, a, role)):
        # 'The aggressor carried out intensive artillery shelling of Ukrainian positions', after
        # Ukraine's General Staff said ...: who names a side its enemy speaks in the voice the
        # article quotes on, and the act is that speaker's claim
        m.claimants, m.modality = [voice], "claimed"
    if rule.type == "diplomacy" and not tok.is_verb and m.actor is not None and not m.partners \
            and not m.counterpart and (with_party := _party(f, [o for o in a.oblique if g.case_of(o) == "with"],
                                                            res)) is not None and with_party.code == m.actor:
        # 'Trump wrote that the conversation with Putin was very good': talks named only by whom
        # they were with are the teller's own, when a side tells of them
        teller = next((code for code, _ in m.claimants if code is not None and code != m.actor), None)
        if teller is not None:
            m.actor, m.partners = teller, [m.actor]
    # when
    _time(f, t, a, m, rl, state)
    return m


_PRONOUNS = frozenset({"it", "they", "we", "its", "their", "our", "us", "i", "my", "he", "she", "his", "her", "him"})


def _at_military_site(g: Graph, rl: Rules) -> bool:
    """The sentence places its toll at a military site ('killed 35 at a military training base'):
    the dead are troops, not civilians (classes.yaml military_bases)."""
    return any(in_words(tok, rl.classes["military_bases"]) for tok in g.tokens)


def _responsible_party(f: Facts, t: int, res: Resources, rl: Rules) -> PartyMention | None:
    """The side that claims or takes responsibility for the act the noun names ('Russia's defense
    ministry claimed responsibility for a massive strike'; classes.yaml responsibility_verbs)."""
    g = f.g
    tok = g.tokens[t]
    if tok.is_verb or g.case_of(t) != "for" or tok.head < 0 or g.tokens[tok.head].lemma != "responsibility":
        return None
    owner = g.tokens[tok.head]
    if owner.dep != "obj" or owner.head < 0 or g.tokens[owner.head].lemma not in rl.classes["responsibility_verbs"]:
        return None
    return _party(f, g.kids(owner.head, "nsubj"), res)


def _weapon_side(f: Facts, heads: list[int], rl: Rules) -> str | None:
    """The side that alone fires the weapons the phrases name (classes.yaml russian_weapons,
    ukrainian_weapons): 'Shahed drones', 'Shahed-136', 'a Kh-101 missile', 'HIMARS'."""
    g = f.g
    for h in heads:
        for j in g.phrase(h):
            word = g.tokens[j].word.lower()
            forms = {word, word.split("-")[0]}
            if j + 1 < len(g.tokens):  # two-word names: 'Storm Shadow', 'Sea Baby'
                forms.add(f"{word} {g.tokens[j + 1].word.lower()}")
            if forms & rl.classes["russian_weapons"]:
                return "RUS"
            if forms & rl.classes["ukrainian_weapons"]:
                return "UKR"
    return None


def _strike_caused(f: Facts, t: int, a: Args, rl: Rules, state: ArticleState) -> bool:
    """A strike found without an attacker is one when a weapon or an attack is its cause: the
    trigger is an attack noun, or its subject names a strike's weapon or its debris ('falling drone
    debris injured one'), or a passive toll or hit follows a strike ('Another three were killed')."""
    g = f.g
    causes = rl.strike_causes
    if not g.tokens[t].is_verb or in_words(g.tokens[t], causes):
        return True  # an attack noun, or a verb that names its weapon ('were shelled')
    subject = [j for h in a.subject + a.agent + _cause_obliques(g, a, rl) for j in g.phrase(h)]
    if subject and all(g.tokens[j].pos == "CD" for j in subject):
        # a bare number stands for the weapons told just before it: 'while seven drones were shot
        # down, three hit industrial warehouses'
        subject = []
    if subject:
        # (an explosion of gas or a mine is no strike: classes.yaml accidental_blasts)
        return any(in_words(g.tokens[j], causes) and not any(
            in_words(g.tokens[k], rl.classes["accidental_blasts"]) for k in g.kids(j, "compound", "amod"))
                   for j in subject)
    if any(g.tokens[o].dep == "nsubj:pass" and in_words(g.tokens[o], rl.classes["strike_weapon"]) for o in a.object):
        return True  # 'These missiles have been launched into Ukraine': the weapon is what was fired
    # ... or a strike told in the sentences just before ('An elevator at the port had been hit':
    # noise.yaml told_strike)
    within = int(rl.noise["told_strike"]["within_sentences"])
    return any(m.type == "strike" and g.index - m.sentence.index <= within for m in state.told)


def _without_other_meetings(g: Graph, t: int, heads: list[int], rl: Rules) -> list[int]:
    """The argument heads of talks less other meetings named beside them ('The G7 talks in Quebec
    follow U.S.-Ukraine talks in Jeddah': neither the U.S. nor Jeddah is the G7 talks')."""
    return [h for h in heads if h == t or not in_words(g.tokens[h], rl.classes["talks"])]


def _oblique_under(g: Graph, t: int, governor: int) -> bool:
    """Whether t hangs on `governor` through an oblique, itself or the noun it counts ('a series of
    attacks'): a few steps up, the last one an 'obl' relation."""
    j = t
    for _ in range(4):
        head = g.tokens[j].head
        if head < 0:
            return False
        if head == governor:
            return g.tokens[j].base == "obl"
        j = head
    return False


def _target_party(f: Facts, a: Args, res: Resources, rl: Rules) -> str | None:
    """The war party whose things were hit, when the words say so: 'used against Russian targets'
    (the weapons fired are not the target: 'Russian missiles were used')."""
    g = f.g
    heads = [o for o in a.oblique if g.case_of(o) in ("against", "on", "at")]
    # (nor is a distance the parser takes for an object: 'hit commuter trains ..., less than 70
    # kilometers from the Russian border')
    # (nor the attacks a noun counts: 'a barrage of Russian artillery attacks')
    heads += [o for o in a.object if not in_words(g.tokens[o], rl.classes["strike_weapon"])
              and not in_words(g.tokens[o], rl.strike_causes)
              and g.tokens[o].lemma not in rl.classes["distance_units"]]
    p = _party(f, heads, res)
    return p.code if p is not None and p.code in rl.noise["off_topic"]["war_parties"] else None


def _cause_obliques(g: Graph, a: Args, rl: Rules) -> list[int]:
    """'killed in Russian missile attacks', 'injured by shelling': the cause of a toll (not the
    place: 'targeted in the central Russian region of Bashkortostan')."""
    causes = rl.strike_causes
    # ('killed in Ukrainian shelling' may come back as 'Ukrainian' with 'shelling' its modifier)
    return [o for o in a.oblique if g.case_of(o) in ("in", "by", "from")
            and any(in_words(g.tokens[j], causes) for j in [o, *g.kids(o, "conj"), *g.kids(o, "amod", "compound")])]


def _refers_back(g: Graph, a: Args, rl: Rules) -> bool:
    """The strike's subject points back at attacks told before: 'These attacks killed one'."""
    causes = rl.strike_causes
    return any(in_words(g.tokens[s_], causes) and any(g.tokens[d].lemma in ("this", "these", "that", "those", "the")
                                                       for d in g.kids(s_, "det"))
               for s_ in a.subject)  # ('The attack there also damaged 10 homes')


def _premodifier_party(f: Facts, heads: list[int], rl: Rules) -> PartyMention | None:
    """A party among the words right before a noun, read on the surface: the tagger takes
    'drone' for a verb in 'A Ukrainian drone attack killed two', which breaks the tree but not
    the word order."""
    g = f.g
    for h in heads:
        if g.tokens[h].is_verb:
            continue
        j = h - 1
        while j >= 0 and (g.tokens[j].pos[:2] in ("JJ", "NN") or g.tokens[j].lemma in rl.classes["strike_weapon"]):
            if j in f.parties and not (j in f.places and g.tokens[j].pos.startswith("NNP")):
                return f.parties[j]  # ('the Kyiv attack' names where it fell, not who struck)
            j -= 1
    return None


def _clause_doer(f: Facts, t: int, res: Resources, rl: Rules) -> PartyMention | None:
    """The party that does what the strike's clause hangs off: 'A Russian Su-34 dropped a bomb
    on Belgorod, causing an explosion that injured three civilians' (not who reports it)."""
    g = f.g
    for j in [t, *g.ancestors(t)]:
        tok = g.tokens[j]
        if tok.is_noun and g.case_of(j) in ("after", "following", "amid", "despite", "since"):
            # 'Russia deployed air defenses around Moscow after the drone attacks': who answered (so
            # too when the parser hangs the strike on another noun of the phrase: 'following a
            # Russian missile and drone strike', 'strike' a bare dependent of 'missile')
            return None
        if tok.is_verb and j != t:
            if tok.lemma in rl.attribution_verbs or tok.lemma in rl.classes["witness_verbs"]:
                return None  # who tells, reports or condemns it did not do it
            for s_ in g.kids(j, "nsubj"):
                if g.tokens[s_].dep == "nsubj:pass":
                    # what a passive befell did nothing: 'the buildings of a Ukrainian university were damaged'
                    continue
                p = phrase_party(f, s_, res) or _premodifier_party(f, [s_], rl)
                if p is not None and s_ != t and (_intercepts(f, j, t, rl)
                                                  or tok.lemma in rl.classes["suffering_verbs"]):
                    # the defender downed it, or suffered it ('Ukrainian cities experienced explosions
                    # due to the attacks'): the attack was the other side's (not when the strike is
                    # the subject itself: 'A barrage of Russian missiles destroyed the airport')
                    return _opponent_party(res, p.code)
                if p is not None:
                    return p
        if tok.dep == "advcl" and any(g.tokens[k].lemma in TIME_CONJUNCTIONS for k in g.kids(j, "mark")):
            # ('Officials in Kyiv restored power after recent missile attacks destroyed power
            # facilities': who acts after it did not do it)
            return None
    return None


def _intercepts(f: Facts, verb: int, t: int, rl: Rules) -> bool:
    """Whether `verb` downs what was fired: an intercept verb ('shot down', 'destroyed') whose object
    is the strike itself or a weapon ('air defences destroyed 20 drones'), not a thing hit ('Russian
    forces destroyed an airport ..., and five workers were injured': they struck)."""
    g = f.g
    if g.tokens[verb].lemma not in rl.classes["intercept_verbs"]:
        return False
    downed = [k for o in g.kids(verb, "obj") for k in g.phrase(o)]
    return not downed or t in downed or has_class(f, downed, "strike_weapon", rl)


def _side_of_ground(locations: list[tuple[str, Place | None, bool]], res: Resources, rl: Rules,
                    skip_countries: bool = False, held: bool = False) -> str | None:
    """The war party on whose ground the first placed location lies (its own arguments' first;
    with `skip_countries`, a whole country named does not count; with `held`, the side that
    holds it: Crimea is Russia's to strike from and Ukraine's to strike at)."""
    return _ground_party(locations, _countries(res, rl.noise["off_topic"]["war_parties"]), skip_countries, held)


def _occupier_named(f: Facts, j: int, res: Resources, rl: Rules) -> str | None:
    """The side the words say holds the place named at j: 'the Russian-occupied town of Lysychansk',
    'Russia-held Horlivka' (that party); 'the occupied city of Donetsk' (the enemy of the country
    it lies in) (classes.yaml occupation_modifiers)."""
    g = f.g
    held = rl.classes["occupation_modifiers"]
    place = f.places[j]
    while g.tokens[j].dep in ("compound", "flat") and g.tokens[j].head > j \
            and g.tokens[g.tokens[j].head].pos.startswith("NNP"):
        # the name's last word carries its modifiers: 'Russian-held Nova Kakhovka' (not a noun the
        # parser hung the name on: 'attacks on infrastructure in occupied Crimea acts of terror')
        j = g.tokens[j].head
    # (not a place it is said to lie near: 'Udachne, west of the Russian-held city of Donetsk')
    beside = {k for c in g.phrase(j) if c != j and g.tokens[c].lemma in COMPASS_WORDS for k in g.subtree(c)}
    words = [k for k in g.phrase(j) if k not in beside]
    tok = g.tokens[j]
    if tok.dep in ("nmod", "appos") and tok.head >= 0 and g.tokens[tok.head].is_noun:
        words += [k for k in g.kids(tok.head, "amod", "compound") if k < j]  # 'the occupied town of X'
    for k in words:
        before, _, last = g.tokens[k].word.lower().rpartition("-")
        if last not in held or k == j:
            continue
        if not before and k >= 2 and g.tokens[k - 1].word == "-":
            # the tokenizer may split the word: 'Russian - held Nova Kakhovka'
            before, k = g.tokens[k - 2].word, k - 2
        if before:
            occupier = f.parties.get(k)
            if occupier is not None and occupier.code in rl.noise["off_topic"]["war_parties"]:
                return occupier.code
        else:
            own = _side_of_ground([(place.name, place.place, True)], res, rl)
            if own is not None:
                return _opponent(res, own)
    return None


def _side_holding_phrase(f: Facts, i: int, res: Resources, rl: Rules) -> str | None:
    """The war side holding the first place, not a whole country, named in the phrase headed by i
    ('Kherson Governor Oleksandr Prokudin', 'a drone attack on the Soltsy military base in the
    Novgorod Region')."""
    places = [(pl.name, pl.place, True) for j in f.g.phrase(i) if (pl := f.places.get(j)) is not None]
    return _side_of_ground(places, res, rl, skip_countries=True, held=True)


def _countries(res: Resources, codes: Iterable[str]) -> dict[str, str]:
    """The parties' countries: country name -> the first party code of that country."""
    out: dict[str, str] = {}
    for c in codes:
        info = res.parties.get(c)
        if info is not None and info.country:
            out.setdefault(info.country, c)
    return out


def _ground_party(locations: list[tuple[str, Place | None, bool]], countries: Mapping[str, str],
                  skip_countries: bool = False, held: bool = False) -> str | None:
    """The party of the country the first placed location lies in (with `held`, the country that
    holds it), the event's own places first (with `skip_countries`, a place that is a whole
    country does not count)."""
    for own in (True, False):
        for _, place, is_own in locations:
            if is_own != own or place is None:
                continue
            country = place.holder if held else place.country
            if country is None:
                continue
            if country in countries and not (skip_countries and place.kind == "country"):
                return countries[country]
    return None


def _taker_by_speaker(f: Facts, t: int, res: Resources, rl: Rules) -> PartyMention | None:
    """Ground a warring side says was taken, naming nobody, it took ('the village has been
    liberated, the Russian defence ministry said'); ground it denies was taken, its enemy would
    have ('Ukraine's military denied the city had been captured')."""
    war = rl.noise["off_topic"]["war_parties"]
    for at in attributions(f.g, t, rl)[:1]:
        said_by = phrase_party(f, at.claimant, res) if at.claimant is not None else None
        if said_by is None or said_by.code not in war:
            return None
        if at.modality == "denied":
            return _opponent_party(res, said_by.code)
        return PartyMention.implied(said_by.code) if at.modality == "claimed" else None
    return None


def _both_sides(g: Graph, heads: list[int]) -> bool:
    """'the two sides', 'both sides': the parties of talks named before."""
    return any(g.tokens[h].lemma in _SIDE_NOUNS and any(
        g.tokens[c].lemma in ("two", "both") for c in g.kids(h, "nummod", "det", "amod")) for h in heads)


# 'the two sides', 'both leaders', 'the two presidents', 'both countries'
_SIDE_NOUNS = frozenset({"side", "leader", "president", "country", "government", "delegation", "minister"})


def _named_enemy(g: Graph, h: int, rl: Rules) -> bool:
    """A word that names the enemy, of whoever says it: 'the enemy', 'enemy soldiers', 'enemy
    forces' (classes.yaml enemy_words, on the word or as its modifier)."""
    return any(g.tokens[c].lemma in rl.classes["enemy_words"] for c in [h, *g.kids(h, "compound", "amod")])


def _pronoun_party(f: Facts, heads: list[int], t: int, res: Resources, rl: Rules,
                   state: ArticleState) -> PartyMention | None:
    """'we', 'our troops': the one who speaks; 'its forces', 'they': a party named earlier in the
    sentence ('Ukraine says its forces ...'), else the last sentence's actor; 'he': the last person."""
    g = f.g
    for h in heads:
        if _named_enemy(g, h, rl) and g.tokens[h].is_noun and not any(j in f.parties for j in g.phrase(h)):
            # 'the enemy is surging towards Kostiantynivka, Syrskyi said', '1100 enemy soldiers had
            # been killed, Zelensky said': the speaker's enemy
            enemy = _speakers_enemy(f, t, res, rl, _voice(state))
            if enemy is not None:
                return enemy
        for j in g.phrase(h):
            tok = g.tokens[j]
            if tok.pos not in ("PRP", "PRP$") or tok.lemma not in _PRONOUNS:
                continue
            if tok.pos == "PRP$" and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["neighbour_nouns"]:
                continue  # 'Russia's invasion of its neighbor': the neighbour is not the one 'its' names
            if tok.lemma in ("we", "our", "us", "i", "my"):
                for at in attributions(g, t, rl):
                    if at.claimant is not None and at.claimant != j:
                        p = phrase_party(f, at.claimant, res)
                        if p is not None:
                            return p
                if state.last_speaker and state.last_speaker[0]:
                    return PartyMention.implied(state.last_speaker[0])
                return None
            thing = tok.lemma in ("it", "its")  # not a person: 'Austin highlighted ... the war it launched'
            if tok.pos == "PRP$" and tok.head >= 0 and g.case_of(tok.head) in ("for", "over"):
                # a reason named on whom it blames is theirs: 'sanctions against Russia for its
                # invasion', 'condemned Moscow over its attacks'
                named = [f.parties[k] for k in sorted(f.parties) if k < j and f.parties[k].form != "person"]
                if named:
                    return named[-1]
            for at in attributions(g, t, rl)[:1]:
                if at.claimant is not None and at.claimant < j and at.verb in set(g.ancestors(j)) \
                        and g.tokens[at.verb].dep == "acl" and (p := phrase_party(f, at.claimant, res)) is not None:
                    return p  # 'with Ukraine saying it had hit a major oil terminal': the speaker
            # in an opening participle clause, the subject of the clause it opens: 'Speaking after
            # his meeting in Jeddah with Ukrainian officials, US Secretary of State Marco Rubio said'
            opener = next((v for v in g.ancestors(j) if g.tokens[v].pos == "VBG" and v <= 1
                           and g.tokens[v].base in ("advcl", "dep") and g.tokens[v].head > j
                           and not g.kids(v, "nsubj")), None)
            if opener is not None:
                main_subject = g.kids(g.tokens[opener].head, "nsubj")
                p = phrase_party(f, main_subject[0], res) if main_subject and main_subject[0] > j else None
                if p is not None:
                    return p
            earlier = [s for v in g.tokens if v.i < j for s in g.kids(v.i, "nsubj") if s < j and s not in g.phrase(h)]
            if not earlier and not thing:
                # a caption with no verb: the person it names before ('Ukrainian President Volodymyr
                # Zelensky after his meeting with Prime Minister Sir Keir Starmer')
                person = next((f.parties[k] for k in sorted(f.parties, reverse=True)
                               if k < j and f.parties[k].form == "person"), None)
                if person is not None and not any(g.tokens[v].is_verb and g.tokens[v].head < 0 for v in range(len(g))):
                    return person
            # the subjects of the clauses it stands in first: 'Ukrainian officials denied that the
            # Russian army captured the city, saying its armed forces retreated' (its: the officials')
            above = set(g.ancestors(j))
            earlier.sort(key=lambda s_: g.tokens[s_].head in above)  # stable: read from the end
            for s_ in reversed(earlier):
                clause = g.tokens[g.tokens[s_].head]
                if g.tokens[s_].lemma in ("which", "who", "that") and clause.dep == "acl:relcl":
                    s_ = clause.head  # 'Russia, which launched its full invasion': the name it stands for
                    if s_ not in f.parties:
                        # a thing only described by a party ('Russian defensive lines ... that are
                        # kilometers deep') is no owner of 'its forces' after it
                        continue
                p = phrase_party(f, s_, res)
                # ('it' is no person, but a person's thing is: 'Putin's military sent its final
                # missile strikes')
                if p is not None and not (thing and p.form == "person" and s_ in f.parties):
                    return p
                if not thing and g.tokens[s_].head in above and g.tokens[s_].lemma in rl.speakers \
                        and any(g.tokens[d].lemma == "the" for d in g.kids(s_, "det")):
                    # 'the Secretary wrapped up his travel to Europe, where he hosted ...': the
                    # titled person of the clause it stands in: one named before, or, in a
                    # government outlet's text, its own official (see _perspective)
                    code = _known_speaker(g, s_, rl, state) or state.source_party
                    if code is not None:
                        return PartyMention.implied(code, "person")
            if thing:
                for at in attributions(g, t, rl):
                    if at.claimant is not None and at.claimant < j and g.tokens[at.claimant].pos == "NN" \
                            and phrase_party(f, at.claimant, res) is None:
                        # 'The ministry added that it sent reserves', 'the ministry announced that
                        # it would withdraw its troops': the body that speaks, named before, ahead of
                        # any side named on the way ('... on the Ukrainian counteroffensive')
                        code = _speaker_code(f, at.claimant, rl, state, res)
                        if code is not None:
                            return PartyMention.implied(code)
                # the nearest party named before it that is not a person ('Russian casualties in
                # the war it launched')
                named = [f.parties[k] for k in sorted(f.parties) if k < j and f.parties[k].form != "person"]
                if named:
                    return named[-1]
            for at in attributions(g, t, rl):
                # 'claims by Russian officials that they had regained Kursk': the one who says it
                p = phrase_party(f, at.claimant, res) if at.claimant is not None and at.claimant < j else None
                if p is not None:
                    return p
            if tok.lemma in ("he", "she", "his", "her", "him"):
                # a person, not a country: with no person named before, 'her apartment was damaged'
                # names no side
                return PartyMention.implied(state.last_person, "person") if state.last_person else None
            if state.last_actor:
                return PartyMention.implied(state.last_actor)
    return None


def _aid_parties(f: Facts, t: int, a: Args, m: Mention, actor: PartyMention | None, subj: PartyMention | None,
                 mod: PartyMention | None, obj: PartyMention | None, res: Resources, rl: Rules,
                 state: ArticleState) -> None:
    """Who gives and who receives: 'to/for Ukraine', 'supply Ukraine with', a 'Ukraine' modifier
    of a package name the recipient; the giver is the subject, else whoever announces it, else the
    party the article speaks for (a DoD release)."""
    g = f.g
    tok = g.tokens[t]
    if m.rule == "aid.provenance":
        # 'Russia was using North Korean-made missiles': made by one, used by the other
        maker = actor.code if actor else None
        gov = g.tokens[tok.head].head if tok.head >= 0 else -1
        user = _party(f, g.kids(gov, "nsubj"), res) if gov >= 0 else None
        m.actor = maker
        m.recipient = user.code if user is not None and user.code != maker else None
        return
    receiver_verb = a.governor
    if not tok.is_verb and receiver_verb is not None and g.tokens[receiver_verb].lemma in rl.classes["receive_verbs"]:
        # 'Russia started receiving arms aid from Iran': the noun's giver is its verb's source
        ga = arguments(g, receiver_verb, rl.measure_nouns)
        receiver = _party(f, ga.subject, res)
        # ... or the maker of the goods: 'Russia received its first shipment of the Iran-made drones'
        made_by = _party(f, a.object, res)
        if made_by is not None and receiver is not None and made_by.code == receiver.code:
            made_by = None
        source = _party(f, [o for o in ga.oblique if g.case_of(o) == "from"], res) or made_by
        if source is not None:
            m.actor = source.code
            m.recipient = receiver.code if receiver is not None and receiver.code != source.code else None
            return
    if not tok.is_verb and tok.lemma in rl.classes["receive_nouns"]:
        # 'Russia's procurement of North Korean ballistic missiles': the possessor receives, the
        # source or the weapons' maker gives
        source = _party(f, [o for o in a.oblique if g.case_of(o) == "from"], res) or obj
        receiver = mod or subj
        m.actor = source.code if source is not None else None
        m.recipient = receiver.code if receiver is not None and source is not None and receiver.code != source.code \
            else None
        if m.recipient is None:
            m.actor = None  # a purchase with no one on one side names no support given
        return
    if tok.lemma in rl.classes["receive_verbs"] and tok.is_verb:
        # 'Russia is getting weapons from North Korea': the giver is the source, the receiver the subject
        source = _party(f, [o for o in a.oblique if g.case_of(o) == "from"], res)
        bought_for = _party(f, [o for o in a.oblique if g.case_of(o) == "for"], res)
        if source is None and subj is not None and bought_for is not None and bought_for.code != subj.code:
            # 'Canada has bought air defence equipment for Ukraine': who buys for a side gives,
            # whoever made it ('NATO will buy American-made weapons for Ukraine')
            m.actor, m.recipient = subj.code, bought_for.code
            return
        if source is None and subj is not None:
            # 'Ukraine has received the U.S.-made Patriot systems': no source named, the maker gave
            source = obj if obj is not None and obj.code != subj.code else None
        if source is None and subj is not None and m.rule == "aid.receive-unnamed":
            # 'Ukraine received the first 10 F-16 fighter jets': no one named, its backers gave
            source = _backer(subj.code, res, rl)
        if source is not None:
            m.actor = source.code
            m.recipient = subj.code if subj is not None and subj.code != source.code else None
        return
    if tok.lemma in rl.classes["arrival_verbs"] and tok.is_verb:
        # 'F-16 fighter jets have arrived in Ukraine': the side whose ground they reached receives
        # them, the maker named on them gave them, else the side's backers
        reached = [(pl.name, pl.place, True) for o in a.oblique if g.case_of(o) in ("in", "to")
                   for j in g.phrase(o) if (pl := f.places.get(j)) is not None]
        side = _side_of_ground(reached, res, rl, held=True)
        makers = [found for h in a.subject if (found := phrase_party(f, h, res)) is not None]
        sender = makers[0] if makers and makers[0].code != side else (_backer(side, res, rl) if side else None)
        m.actor = sender.code if sender is not None and side is not None else None
        m.recipient = side if m.actor is not None else None
        return
    rec = [o for o in a.oblique if g.case_of(o) in ("to", "for")] + g.kids(t, "iobj")
    # 'ammunition for German-made howitzers to Ukraine': who made what the aid is for gets none of
    # it; a 'to' the parser hangs on those things names who does (classes.yaml making_verbs)
    rec = [r for o in rec for r in ([o] if not any(g.tokens[k].lemma in rl.classes["making_verbs"]
                                                   for k in g.kids(o, "amod"))
                                    else [k for k in g.kids(o, "nmod") if g.case_of(k) in ("to", "for")])]
    with_obj = [o for o in a.oblique if g.case_of(o) == "with"]
    recipient = _party(f, rec, res) or (obj if with_obj and obj else None)
    if recipient is None and not tok.is_verb and mod is not None and mod.code != (subj.code if subj else None):
        recipient = mod  # 'the Ukraine Security Assistance Initiative package'
    if recipient is None and tok.is_verb and obj is not None and not (
            has_class(f, role_tokens(g, a, "object_head"), "aid", rl)
            or has_class(f, role_tokens(g, a, "object_head"), "weapon", rl)):
        recipient = obj  # 'supplying Ukraine' ('suspended the delivery of American aid': the maker's)
    if recipient is None:
        # 'announced $820 million in security assistance for Ukraine', 'its 43rd drawdown of
        # equipment from DOD inventory for Ukraine': a 'for' deeper in the aid's own phrase
        roots = a.object if tok.is_verb else [t]
        inner = [j for o in roots for j in g.subtree(o, frozenset({"acl:relcl", "acl", "appos"}))
                 if g.tokens[j].dep.startswith("nmod") and g.case_of(j) in ("to", "for")]
        recipient = _party(f, inner, res)
    source = _party(f, [o for o in a.oblique if g.case_of(o) == "from"], res)
    giver = subj if subj is not None and (recipient is None or subj.code != recipient.code) else None
    warring = {c.upper() for c in rl.classes["aid_recipients"]}
    if subj is not None and subj.code in warring and any(
            g.tokens[h].lemma in ("partner", "ally", "friend", "donor", "backer", "supporter") for h in a.subject):
        # 'our partners continue to provide us with defense aid': those who back the side, not the side
        giver = _backer(subj.code, res, rl)
        recipient = recipient or subj
    if giver is None and source is not None:
        giver = source  # 'supplies being sent from North Korea to Russia'
    if giver is None and subj is None and tok.pos == "VBG" and tok.dep == "advcl" and tok.head >= 0:
        # 'Iran has contributed to the Kremlin's war by providing hundreds of drones': the gerund's
        # doer is its clause's subject; punished for it, the one punished ('measures against Iran
        # for transferring missiles to Russia', 'sanctioned Iran for supplying drones')
        punished = _punished_party(f, tok.head, res, rl) if any(
            g.tokens[k].lemma in ("for", "over") for k in g.kids(t, "mark", "case")) else None
        doer = punished or _party(f, g.kids(tok.head, "nsubj"), res)
        if doer is not None and (recipient is None or doer.code != recipient.code):
            giver = doer

    if giver is None and actor is not None and (recipient is None or actor.code != recipient.code):
        giver = actor
    if (giver is not None and recipient is None and giver.code.lower() in rl.classes["aid_recipients"]
            and _named_inside(f, giver)):
        # 'a $2.4 billion Ukraine security assistance initiative package', 'supporting Ukraine
        # through security assistance': a warring party named inside the aid's name receives it
        recipient, giver = giver, None
    code = giver.code if giver else None
    if code is None and m.rule in ("aid.halted-noun", "aid.military-halted-noun") and tok.head >= 0:
        # 'Trump has ordered a pause on all military aid to Ukraine': who orders the halt gives
        # the aid it stops (the aid hangs on the halt's noun, the noun on the verb)
        # (one who lifts or reverses the halt resumes the aid: classes.yaml halt_undoing_verbs)
        verb = g.tokens[tok.head].head
        if verb >= 0 and g.tokens[verb].is_verb and g.tokens[verb].lemma not in rl.classes["halt_undoing_verbs"]:
            orderer = _party(f, g.kids(verb, "nsubj"), res)
            code = orderer.code if orderer is not None and (recipient is None or orderer.code != recipient.code) \
                else None
    # who says that weapons were delivered, in a passive naming neither giver nor receiver, only
    # witnesses it ('"The missiles have finally been delivered," a US official said')
    witnessed = tok.is_verb and bool(g.kids(t, "nsubj:pass", "aux:pass")) and recipient is None \
        and not state.source_party
    if code is None and not witnessed:
        # whoever tells of it, unless the recipient's enemy ('Putin said ... countries that supply
        # Ukraine with weapons': not Russia's aid)
        enemy_of_recipient = _opponent(res, recipient.code) if recipient is not None else None
        for at in attributions(g, t, rl):
            p = phrase_party(f, at.claimant, res) if at.claimant is not None else None
            if p is not None and p.code != enemy_of_recipient:
                code = p.code
                break
    if code is None or (recipient is not None and code == recipient.code):
        # the last speaker or the outlet's government gives it, never the recipient's enemy
        candidates = [state.last_speaker[0] if state.last_speaker and not witnessed else None, state.source_party]
        enemy = _opponent(res, recipient.code) if recipient is not None else None
        code = next((c for c in candidates if c and (recipient is None or c != recipient.code) and c != enemy), None)
    if code is None and recipient is not None and tok.is_verb:
        # 'shipments of North Korean artillery shells and other weapons sent to Russia': sent by no
        # one named, the goods' maker named on them sends them
        goods = [k for h in a.object for k in [h, *g.kids(h, "conj")]]
        goods_maker = _party(f, [m_ for h in goods for m_ in g.kids(h, "amod", "compound")], res)
        if goods_maker is not None and goods_maker.code != recipient.code:
            code = goods_maker.code
    if code is None and recipient is not None and tok.is_verb and g.kids(t, "nsubj:pass"):
        # 'Additional NASAMS air defense systems will be delivered to Ukraine': sent to a side by no
        # one named, by whoever the article last told giving to it, else by its backers
        told = next((x.actor for x in reversed(state.told)
                     if x.type == "military_aid" and x.actor and x.recipient == recipient.code), None)
        backer = _backer(recipient.code, res, rl)
        code = told or (backer.code if backer is not None else None)
    if recipient is None and tok.lemma in ("equip", "arm") and any(g.tokens[k].lemma in ("its", "their", "our")
                                                for o in a.object for k in g.kids(o, "nmod:poss")):
        # 'equipping its missiles with enhancements': a side fitting out its own weapons gives
        # nobody anything
        m.actor = None
        return
    if code in warring and recipient is None and (giver is None or not giver.text):
        # a warring side only inferred (from 'we', the last speaker) and nobody named to receive:
        # 'We discussed the provision of additional systems' said by Ukraine's minister asks for aid
        m.actor = None
        return
    m.actor = code
    m.recipient = recipient.code if recipient is not None and recipient.code != code else None
    if m.recipient is None and code is not None and (info := res.parties.get(code)) is not None:
        m.recipient = info.backs  # 'the administration's 32nd drawdown': for the side it backs


def _punished_party(f: Facts, verb: int, res: Resources, rl: Rules) -> PartyMention | None:
    """Whom a verb of punishment punishes: its object ('sanctioned Iran'), or what its object's
    measures are against ('took measures against Iran'; classes.yaml punishments)."""
    g = f.g
    if g.tokens[verb].lemma in rl.classes["punishments"]:
        return _party(f, g.kids(verb, "obj"), res) or _party(
            f, [o for o in g.kids(verb, "obl") if g.case_of(o) == "against"], res)
    measures = [o for o in g.kids(verb, "obj") if g.tokens[o].lemma in rl.classes["punishments"]]
    return _party(f, [k for o in measures for k in g.kids(o, "nmod") if g.case_of(k) == "against"], res)


def _backer(code: str, res: Resources, rl: Rules) -> PartyMention | None:
    """Who gives a warring side what no one is named giving: the multilateral backer of the side
    (parties.json 'backs': the West for Ukraine); none where it has no single one."""
    backers = [c for c, info in res.parties.items() if info.backs == code and c in rl.multilateral]
    backer = "WEST" if "WEST" in backers else (backers[0] if len(backers) == 1 else None)
    return PartyMention.implied(backer) if backer else None


def _named_inside(f: Facts, p: PartyMention) -> bool:
    """The party is a modifier of another noun ('the Ukraine Security Assistance Initiative'),
    not the head of its phrase ('Ukraine', 'the Ukrainian government')."""
    g = f.g
    j = next((k for k, q in f.parties.items() if q is p), None)
    if j is None:
        return False
    return g.tokens[j].dep in ("compound", "amod", "obj", "nmod") and not g.tokens[j].dep.startswith("nsubj")


def _ongoing(g: Graph, t: int) -> bool:
    """A verb in the present or the present perfect ('occupies', 'have occupied'), not the past."""
    tok = g.tokens[t]
    aux = [g.tokens[x] for x in g.kids(t, "aux")]
    if any(x.pos == "VBD" or x.lemma in ("will", "would") for x in aux):
        return False
    return tok.pos in ("VBZ", "VBP") or (tok.pos == "VBN" and any(x.lemma == "have" for x in aux))


def _talked_about(g: Graph, t: int, clause: int, rl: Rules) -> bool:
    """The noun is what an infinitive of talk is about ('a meeting to discuss North Korea's
    transfer of arms'): a fact talked about, not an aim or a plan."""
    return (g.tokens[t].is_noun and clause != t and g.tokens[clause].lemma in rl.noise["purpose"]["talk_verbs"]
            and any(g.tokens[m].lemma == "to" for m in g.kids(clause, "mark")))


def _attempted(g: Graph, t: int, rl: Rules) -> bool:
    tok = g.tokens[t]
    if tok.dep == "conj" and tok.head >= 0 and g.tokens[tok.head].dep == "xcomp":
        tok = g.tokens[tok.head]  # 'trying to break through the fortifications and occupy Avdiivka'
    # 'continues to attempt to take ground', 'to try and take ground', 'has pushed this week to
    # retake the land' (an infinitive the parser hangs as an adverbial clause)
    infinitive = tok.dep == "advcl" and any(g.tokens[m].lemma == "to" for m in g.kids(tok.i, "mark"))
    return (tok.dep in ("xcomp", "conj") or infinitive) and tok.head >= 0 \
        and g.tokens[tok.head].lemma in rl.classes["attempt_verbs"]


def _aimed(g: Graph, t: int, rl: Rules) -> bool:
    """The verb is what a side seeks or aims to do, or the infinitive of an effort, bid or aim:
    'Russian military forces aimed to capture Luhansk', 'its efforts to seize Mariupol'
    (noise.yaml aim: aimed_ground_governors, aimed_ground_nouns)."""
    tok = g.tokens[t]
    while tok.dep == "conj" and tok.head >= 0:  # 'trying to break through the fortifications and occupy Avdiivka'
        tok = g.tokens[tok.head]
    if tok.head < 0 or not any(g.tokens[m].lemma == "to" for m in g.kids(tok.i, "mark")):
        return False
    aim, head = rl.noise["aim"], g.tokens[tok.head]
    if tok.dep == "xcomp" and head.is_verb and head.dep != "acl:relcl":
        # (not in a relative clause: 'Nazi Germany, which sought to conquer Europe'; the parser may
        # hang the infinitive on the verb whose object the noun is: 'continues its efforts to seize
        # Mariupol')
        return head.lemma in aim["aimed_ground_governors"] or any(
            g.tokens[o].lemma in aim["aimed_ground_nouns"] for o in g.kids(head.i, "obj") if o < tok.i)
    return tok.base == "acl" and head.is_noun and head.lemma in aim["aimed_ground_nouns"]


def _home_party(party_mentions: list[PartyMention], rl: Rules) -> str | None:
    """The country a story is about besides the war's sides: the party the text names most often
    but the warring sides (noise.yaml off_topic home_excluded), if at least twice and more than
    any other ('Pakistan' in a Pakistani story of its minister's call to Kyiv)."""
    excluded = set(rl.noise["off_topic"]["home_excluded"])
    counts = Counter(p.code for p in party_mentions if p.code not in excluded)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return ranked[0][0]


def _summoned(f: Facts, t: int, a: Args, rl: Rules) -> bool:
    """An envoy summoned with no summoner named, or by a ministry named with no country: 'the
    Russian ambassador had been summoned to the Department of Foreign Affairs and Trade'."""
    g = f.g
    tok = g.tokens[t]
    if not tok.is_verb or tok.lemma != "summon" or not g.kids(t, "nsubj:pass"):
        return False
    return not any(j in f.parties for h in a.agent for j in g.phrase(h))


def _home_subject(f: Facts, a: Args, rl: Rules) -> bool:
    """The subject is a government, a ministry or a minister named with no country, or a name the
    vocabulary does not place ('The Government', 'the defence minister', 'Minister Coveney')."""
    g = f.g
    for h in a.subject:
        phrase = g.phrase(h)
        if any(j in f.parties or j in f.places for j in phrase):
            return False
        if g.tokens[h].pos == "NNP" or g.tokens[h].lemma in rl.classes["home_subjects"]:
            return True
    return False


def _unknown_person_talks(m: Mention, res: Resources, rl: Rules) -> bool:
    """The talks' subject is a person the vocabulary does not place: a name or a leader's title
    with no country ('Foreign Minister Shah Mahmood Qureshi', 'The prime minister')."""
    g = m.sentence
    t = g.token_at(m.trig_start)
    if t is None:
        return False
    clause = t if g.tokens[t].is_verb else g.tokens[t].head
    if clause < 0:
        return False
    titles = rl.classes["leader_titles"]
    for s_ in g.kids(clause, "nsubj"):
        phrase = g.phrase(s_)
        if find_parties(g.span_text(phrase), res):
            return False
        words = " ".join(g.tokens[j].lemma for j in phrase)
        if g.tokens[s_].pos == "NNP" or any(title in words for title in titles):
            return True
    return False


def _noun_change(lemma: str) -> str:
    return {"liberation": "regained", "recapture": "regained", "capture": "captured", "seizure": "captured",
            "fall": "captured", "occupation": "controls"}.get(lemma, "controls")


# verbs of taking ground both sides use for their own captures: they name no doer
_CLAIMED_FREEING = frozenset({"liberate", "free", "clear", "cleanse"})


def _relative_between(g: Graph, t: int, verb: int) -> bool:
    """Whether t lies in a relative clause below the verb above it."""
    j = t
    while j >= 0 and j != verb:
        if g.tokens[j].dep == "acl:relcl":
            return True
        j = g.tokens[j].head
    return False


def _dated_by_clause(g: Graph, t: int, verb: int) -> bool:
    """Whether t lies in a time clause ('after ...') between itself and the verb above it."""
    j = t
    while j >= 0 and j != verb:
        tok = g.tokens[j]
        if tok.dep == "advcl" and any(g.tokens[k].lemma in TIME_CONJUNCTIONS for k in g.kids(j, "mark")):
            return True
        j = tok.head
    return False


def _attribute(f: Facts, t: int, a: Args, m: Mention, res: Resources, rl: Rules, state: ArticleState) -> bool:
    g = f.g
    tok = g.tokens[t]
    clause = t if tok.is_verb or a.governor is None else a.governor
    attrs = attributions(g, t, rl)
    if state.source_party:
        attrs = [at for at in attrs if not _byline(g, at, rl)]
    modality = "asserted"
    # a denial reaches no clause that only dates what it denies: 'denied any involvement in the
    # strike that came a day after Russia and Ukraine had signed agreements'
    attrs = [at for at in attrs if not (at.modality == "denied" and _dated_by_clause(g, t, at.verb))]
    # ... nor a relative clause on its way ('Zelensky denied his troops were encircled in Kursk,
    # where Moscow has regained swathes of land'), nor anything when the denial is not made
    # ('Putin, who signed a pact with Kim, did not deny the reports')
    # (the 'no' of 'there is no evidence that ...' makes the denial, it does not unmake it)
    attrs = [at for at in attrs if not (at.modality == "denied" and (
        (_negated(g, at.verb, rl) and g.tokens[at.verb].lemma not in rl.evidence_nouns)
        or _relative_between(g, t, at.verb)))]
    first_denial = next((k for k, at in enumerate(attrs) if at.modality == "denied"), None)
    if first_denial is not None and first_denial > 0 and attrs[0].modality == "claimed" \
            and g.tokens[attrs[0].verb].pos == "VBG" and g.tokens[attrs[0].verb].head in (
                attrs[first_denial].verb, *(j for o in g.kids(attrs[first_denial].verb, "obj") for j in g.subtree(o))):
        # 'He disputed the claim that Russia controlled Luhansk, saying that an attack on
        # Bilohorivka had been repulsed': what the denier goes on saying is the denier's claim (the
        # parser may hang the participle inside the claim denied: 'dismissed claims that their
        # troops were encircled, asserting that they were repelling attacks')
        attrs = [replace(attrs[0], claimant=attrs[first_denial].claimant)]
        first_denial = None
    if first_denial is not None and any(g.tokens[at.verb].is_verb and at.claimant is not None
                                        and at.verb in g.ancestors(t) for at in attrs[:first_denial]):
        # '... denied that his troops were encircled, as Russia said it took back two more
        # villages': a nearer speaker's statement is theirs, not what the denier denies
        attrs = attrs[:first_denial]
    denial = next((at for at in attrs if at.modality == "denied"), None)
    if denial is not None:
        # 'Kyiv rejected claims that Russia had regained Sudzha': the denial is what is reported
        attrs = [denial]
    elif len(attrs) > 1:
        # 'Haidai said that "we are seeing more reserves deployed", reports the BBC': an outlet of no
        # party that reports a speaker is no speaker of it (classes.yaml news_media)
        attrs = [at for at in attrs if at.claimant is None or not _news_medium(f, at.claimant, res, rl)] or attrs
    if denial is None and len(attrs) > 1:
        # 'Citing intelligence reports, Zelensky said ...': the speaker a party can be named for
        # says it, not the unnamed source they cite
        named = next((at for at in attrs if at.claimant is not None
                      and phrase_party(f, at.claimant, res) is not None), None)
        if named is not None:
            # ('officials told the BBC they believed 1,000 had been killed': told, still a belief)
            above = g.ancestors(t)
            believed = any(at.modality == "estimated" and at.claimant is not None and at.verb in above
                           and g.tokens[at.claimant].lemma in rl.pronouns for at in attrs[:attrs.index(named)])
            attrs = [replace(named, modality="estimated") if believed and named.modality == "claimed" else named]
        elif attrs[0].claimant is None and attrs[0].modality == "claimed" and (speaking := next(
                (at for at in attrs if at.claimant is not None), None)) is not None:
            # 'Officials in the Lviv region said in messages posted on social media that ...': the
            # message was posted by whoever said it
            attrs = [speaking]
    unnamed_claim = False
    for at in attrs[:1]:
        at = _cited_source(f, at, res)
        vtok = g.tokens[at.verb]
        seen_report = vtok.pos == "VBG" and vtok.dep in ("xcomp", "obj")  # 'we've seen reporting that'
        unnamed = vtok.lemma in rl.hedge_reports and ((at.claimant is None and vtok.is_noun) or seen_report)
        if at.claimant is None and not unnamed and vtok.is_noun and vtok.lemma in rl.attribution_nouns:
            # 'Gerasimov's statement coincided with assertions that Russia has regained full control':
            # claims nobody is named for go on from the sentence's other statement, else the
            # speaker the article last quoted
            owners = [(o, phrase_party(f, o, res)) for k in g.tokens
                      if k.i != at.verb and k.is_noun and k.lemma in rl.attribution_nouns
                      for o in g.kids(k.i, "nmod:poss")]
            owner = next(((o, p) for o, p in owners if p is not None), None)
            if owner is not None:
                m.claimants.append((owner[1].code, speaker_name(g, owner[0])))
            elif state.last_speaker and state.last_speaker[0]:
                m.claimants.append(state.last_speaker)
        claimant = None if at.claimant is None else _named_by_relative(
            g, _relative_antecedent(g, at.claimant, rl.time_owners), rl)
        if unnamed:
            # 'we've seen reporting that Kherson is under Russian control': reports nobody is named
            # for make a claim of an unnamed source, as 'reportedly' does; the source is nobody
            # to list (the guide's seed: 'have reportedly been killed' is claimed, no claimant)
            unnamed_claim = True
        elif at.claimant is not None and g.tokens[at.claimant].lemma in rl.hedge_reports \
                and phrase_party(f, at.claimant, res) is None and not g.kids(at.claimant, "nmod:poss") \
                and not any(g.case_of(c) in ("by", "from") for c in g.kids(at.claimant, "nmod", "acl")):
            # 'According to the report, Ukraine has lost half ...', 'These reports show ...': a
            # report of no one named is an unnamed source too
            unnamed_claim = True
        elif at.claimant is not None and claimant is None:
            pass  # a relative pronoun that stands for nobody named ('..., which leads to believe that ...')
        elif claimant is not None:
            ctok = g.tokens[claimant]
            if ctok.lemma in rl.pronouns:
                # 'Russia's defense ministry framed the attack as a failure, detailing engagements
                # wherein it claims to have rebuffed units': the speaker named earlier in the
                # sentence, else the article's last named speaker
                near = _sentence_antecedent(f, at.verb, claimant, res, rl)
                if ctok.lemma in ("we", "i") and state.source_party and not _quotes(g):
                    # 'We assess North Korea has sent ...' in a government's own statement, not
                    # quoted: the article's own voice (no claimant; the verb still sets modality)
                    pass
                elif near is not None:
                    m.claimants.append(near)
                elif state.last_speaker:
                    m.claimants.append(state.last_speaker)
            elif _outlet_itself(g, claimant, state):
                pass  # 'the department announced its 43rd drawdown', told by the department: its own voice
            elif ctok.lemma in rl.unaffiliated_speakers:
                # ('Russian military bloggers', 'the Ukrainian Telegram channel DeepState': the side
                # named on them; none learnt from the article's other speakers)
                side = phrase_party(f, claimant, res)
                m.claimants.append((side.code if side is not None else None, speaker_name(g, claimant)))
            elif _news_medium(f, claimant, res, rl):
                pass  # 'Reuters reported that ...': a news agency is no party; the report is told as fact
            else:
                # ('A late-night report from the General Staff said ...': whoever the report is
                # from speaks)
                source = next((c for c in g.kids(claimant, "nmod") if g.case_of(c) in ("from", "by")), None) \
                    if ctok.lemma in rl.hedge_reports else None
                who = source if source is not None else claimant
                p = phrase_party(f, claimant, res) or _body_party(f, who, res, rl)
                code = p.code if p else (_known_speaker(g, who, rl, state)
                                         or _speaker_ground(f, who, m, res, rl)
                                         or _unnamed_speaker_party(f, who, rl, state, m, res))
                _learn_speaker(g, claimant, code, rl, state)
                if code is None and ctok.lemma in rl.attribution_nouns and state.last_speaker and any(
                        g.tokens[d].lemma in ("the", "this", "that") for d in g.kids(claimant, "det")):
                    code = state.last_speaker[0]  # 'according to the report': the report named before
                m.claimants.append((code, speaker_name(g, claimant)))
                for c in g.kids(claimant, "conj"):  # 'Ukraine and South Korean authorities noted'
                    cp = phrase_party(f, c, res)
                    if cp is not None and cp.code != code:
                        m.claimants.append((cp.code, speaker_name(g, c)))
                for other in _coordinated_parties(f, claimant):
                    if all(other != known for known, _ in m.claimants):
                        m.claimants.append((other, speaker_name(g, claimant)))
        modality = at.modality if (m.claimants or unnamed_claim or at.modality != "claimed") else "asserted"
        if modality == "claimed" and at.claimant is not None and g.tokens[at.claimant].lemma in rl.estimate_nouns:
            # 'an assessment by the UK Ministry of Defence said that ...', 'according to the latest
            # U.S. assessments'
            modality = "estimated"
    if modality == "claimed" and any(at.modality == "estimated" for at in attrs):
        # 'Some 600 North Korean soldiers are believed to have been killed ..., South Korea's spy
        # agency told lawmakers': an estimate told by a speaker is still an estimate
        modality = "estimated"
    if not attrs and state.quoting is not None and (g.text.lstrip()[:1] in _OPENING_QUOTES or state.in_quotation):
        # '"It remains a tough fight," Ryder said. "Russia continues to attempt to take ground."':
        # a quotation that opens the sentence after a quoted speaker goes on in their voice
        m.claimants.append(state.quoting)
        modality = "claimed"
    # ('North Korean troops allegedly opened fire and killed eight soldiers': the hedge of the
    # first of two conjoined verbs hedges both)
    hedged = [clause, g.tokens[clause].head] if g.tokens[clause].dep == "conj" else [clause]
    hedge = next((g.tokens[c] for j in hedged for c in g.kids(j, "advmod") if g.tokens[c].lemma in rl.hedges), None)
    if modality == "asserted" and hedge is not None:
        modality = "claimed"  # 'reportedly': claimed by someone the text does not name (listed as no one)
    # expected: a modal, a future auxiliary, or a verb of plans governs the clause; a root
    # infinitive is headline future ('Ukraine to receive more F-16s')
    if g.tokens[clause].head < 0 and any(g.tokens[x].lemma == "to" for x in g.kids(clause, "mark")) \
            and not any(g.tokens[x].word.lower() == "had" for x in g.kids(clause, "aux")):
        modality = _stronger(modality, "expected")  # ('the forces had to retreat': they did)
    # a fact talked about keeps its own modality ('a meeting requested to discuss the transfer')
    # so does what a plan is dated after ('will accelerate its advance after the fall of Kurakhove')
    supported = a.governor is not None and g.tokens[a.governor].lemma in rl.classes["support_verbs"]
    awaited = rl.awaited_modifiers
    if g.tokens[t].is_noun and not supported and any(
            g.tokens[c].lemma in awaited or g.tokens[c].word.lower() in awaited for c in g.kids(t, "amod", "acl")):
        # 'a much anticipated counteroffensive planned by the military': still to come ('launched
        # the long-awaited counteroffensive' tells it begin)
        modality = _stronger(modality, "expected")
    ahead = g.tokens[t].head
    if g.tokens[t].is_noun and g.case_of(t) == "of" and ahead >= 0 \
            and g.tokens[ahead].lemma in rl.classes["ahead_cases"] and modality in ("asserted", "claimed"):
        # 'a day ahead of Zelensky's meeting with President Trump': what something came ahead of
        # is still to come
        modality = "expected"
    ct_ = g.tokens[clause]
    if ct_.dep == "acl" and ct_.head >= 0 and g.tokens[ct_.head].lemma in rl.classes["plan_nouns"] \
            and any(g.tokens[k].lemma == "to" for k in g.kids(clause, "mark")):
        # 'has announced plans to swiftly deploy Patriot missiles': a plan's act is to come
        modality = _stronger(modality, "expected")
    # ... and what the clause's act took place during ('pledged to send air defence during a
    # meeting with Zelenskyy': the meeting was held)
    dated_after = g.tokens[t].is_noun and (g.case_of(t) in ("after", "since", "following")
                                           or g.case_of(t) in rl.noise["purpose"]["circumstance_cases"])
    governors = [] if _talked_about(g, t, clause, rl) or dated_after else (
        [clause] + ([a.governor] if a.governor is not None else []))
    for j in governors:
        auxes = [g.tokens[x] for x in g.kids(j, "aux")]
        if any(x.word.lower() in rl.estimate_modals for x in auxes) and any(x.lemma == "have" for x in auxes):
            # 'Russian forces may have captured the village': a guess at what happened, not a plan
            modality = _stronger(modality, "estimated") if modality in ("asserted", "claimed") else modality
        elif any(x.lemma in rl.modals or x.word.lower() in rl.modals for x in auxes) and not (
                g.tokens[j].lemma in rl.classes["perception_verbs"] and any(x.word.lower() == "could" for x in auxes)):
            # ('Explosions could be heard in Kyiv': they were; what could be perceived was there)
            modality = _stronger(modality, "expected")
        jt = g.tokens[j]
        if j == a.governor and tok.is_noun and g.case_of(t) == "for" and jt.lemma in rl.prepare_verbs:
            modality = _stronger(modality, "expected")  # 'Russia appears to be preparing for a summer offensive'
        if j == a.governor and tok.is_noun and tok.dep == "obj" and jt.lemma in rl.classes["planning_verbs"] \
                and not _negated(g, j, rl):
            modality = _stronger(modality, "expected")  # 'Ukraine plans a counteroffensive', 'proposed a meeting'
        journeys = rl.noise["reference"]["journey_verbs"]
        if j == a.governor and tok.is_noun and g.case_of(t) == "for" and jt.lemma in journeys and jt.pos == "VBG":
            # 'Trump is heading to Alaska for a high-stakes summit with Putin': still to come
            modality = _stronger(modality, "expected")
        journey = jt if jt.lemma in journeys else (
            g.tokens[jt.head] if jt.base in ("advcl", "xcomp") and jt.head >= 0 else None)
        if journey is not None and journey.lemma in journeys and journey.pos == "VBG" and g.kids(journey.i, "obl") \
                and any(any(g.tokens[k].lemma == "to" for k in g.kids(c, "mark"))
                        for c in g.kids(journey.i, "advcl", "xcomp")):
            # 'Zelensky is traveling to Ankara to hold talks with Erdogan': what a journey under
            # way is for is still to come ('travelled to Ankara to hold talks': held; 'Austin
            # travels to Ramstein to conduct a meeting', a caption's present: held; 'are going to
            # continue' goes nowhere)
            modality = _stronger(modality, "expected")
        while jt.dep == "conj" and jt.head >= 0 and g.tokens[jt.head].dep in ("xcomp", "ccomp"):
            jt = g.tokens[jt.head]  # 'is set to speak at the UN, and to meet with Biden': both to come
        if jt.base == "advcl" and jt.head >= 0 and g.tokens[jt.head].dep == "xcomp" \
                and any(g.tokens[k].lemma == "to" for k in g.kids(jt.i, "mark")):
            # what a plan is for is planned with it: 'is set to meet Trump in Alaska to discuss a
            # ceasefire' (both to come; 'met Trump to discuss' is told by its own clause)
            jt = g.tokens[jt.head]
        if jt.base in ("obl", "advcl") and jt.pos == "VBG" and jt.head >= 0 and g.case_of(j) == "to" \
                and g.tokens[jt.head].lemma in rl.expect_adjectives:
            # 'Australia is open to contributing to a peacekeeping effort': the parser hangs the
            # gerund on the adjective as an oblique or adverbial clause, not as an xcomp
            modality = _stronger(modality, "expected")
        if jt.dep in ("xcomp", "ccomp") and jt.head >= 0:
            gov = g.tokens[jt.head]
            aim = rl.noise["aim"]
            carried_out = (m.type in aim["past_attempt_types"] and gov.pos == "VBD"
                           and gov.lemma in aim["past_attempt_governors"])  # 'sought to destroy', last winter
            # 'has been pressing to capture Pokrovsk': an attempt under way, not a plan ('pressed
            # Kyiv to accept' is)
            attempt = gov.lemma == "press" and not g.kids(gov.i, "obj")
            # 'went on to assert that ...': went on, no plan ('is going to assert' is one)
            attempt = attempt or any(g.tokens[k].lemma == "on" for k in g.kids(gov.i, "compound:prt"))
            seeming = jt.dep == "xcomp" and gov.lemma in rl.classes["seeming_verbs"]
            # ('Putin gets set to meet Trump': the parser makes the adjective the object of 'get')
            got_set = gov.lemma in rl.classes["becoming_verbs"] and any(
                g.tokens[k].lemma in rl.expect_adjectives for k in g.kids(gov.i, "obj", "xcomp"))
            if seeming or (jt.dep == "ccomp" and gov.lemma in rl.estimate_adjectives and not any(
                    x.lemma in rl.modals or x.word.lower() in rl.modals for x in auxes)):
                # ('Russia appears to have diverted several thousand troops': what seems so)
                # 'it is highly likely that the transfer of troops has already begun': an estimate
                # of what is, not a plan ('likely to send' stays one)
                modality = _stronger(modality, "estimated") if modality in ("asserted", "claimed") else modality
            elif (gov.lemma in rl.expect_verbs or gov.lemma in rl.expect_adjectives or got_set) \
                    and not _achieved(g, jt.head, rl) and not carried_out and not attempt \
                    and not _authorized_aid(g, gov.i, m, rl):
                modality = _stronger(modality, "expected")
            elif jt.dep == "xcomp" and gov.lemma in rl.classes["aspect_verbs"]:
                # 'Ireland will continue to provide non-lethal support', 'so we can begin sending
                # weapons this week': the modal of the verb of aspect governs what it continues
                gov_auxes = [g.tokens[x] for x in g.kids(gov.i, "aux")]
                if any(x.word.lower() in rl.estimate_modals for x in gov_auxes) \
                        and any(x.lemma == "have" for x in gov_auxes):
                    modality = _stronger(modality, "estimated") if modality in ("asserted", "claimed") else modality
                elif any(x.lemma in rl.modals or x.word.lower() in rl.modals for x in gov_auxes):
                    modality = _stronger(modality, "expected")
    # 'The Defense Department today announced it will be providing $2.5 billion', in the giver's
    # own news (DOD News, a State Department release): aid a giver announces or pledges is given by
    # announcing it, its own act, not its claim nor a plan ('Biden announced he plans to surge
    # assistance' stays a plan). Told by any other outlet, the announcement is the giver's claim
    # ('Lithuania has sent a batch of howitzers, the Lithuanian Defense Ministry announced'), as the
    # web gold codes it: on the 61 web sets at hand, 8 events' claimants become right and 2 wrong.
    pledge_verb, pledger = (attrs[0].verb, attrs[0].claimant) if attrs else (None, None)
    if pledge_verb is None and g.tokens[clause].dep == "ccomp" and g.tokens[clause].head >= 0:
        # ('The Defense Department today announced it will be providing $2.5 billion')
        pledge_verb = g.tokens[clause].head
        pledger = next(iter(g.kids(pledge_verb, "nsubj")), None)
    givers = {_event_code(res, code) for code in [m.actor, *m.partners]}
    if pledge_verb is not None and pledger is not None and m.type in _DONE_BY_SAYING and state.source_party \
            and modality in ("claimed", "expected") and g.tokens[pledge_verb].is_verb \
            and g.tokens[pledge_verb].lemma in rl.classes["pledge_verbs"] and not _negated(g, pledge_verb, rl) \
            and not (g.tokens[clause].dep == "xcomp" and g.tokens[g.tokens[clause].head].lemma in rl.expect_verbs) \
            and not (g.tokens[clause].dep == "acl"
                     and g.tokens[g.tokens[clause].head].lemma in rl.classes["plan_nouns"]) and (
                {_event_code(res, code) for code, _ in m.claimants} <= givers if m.claimants
                else _event_code(res, getattr(phrase_party(f, pledger, res), "code", None)) in givers):
        m.claimants.clear()
        modality = "asserted"
    if (m.type in ("offensive_launched", "troops_deployed") and tok.is_noun
            and in_words(tok, rl.classes["declared_acts"]) and a.governor is not None
            and g.tokens[a.governor].lemma in rl.classes["declaring_verbs"] and modality == "claimed"
            and m.claimants and {_event_code(res, code) for code, _ in m.claimants} == {_event_code(res, m.actor)}):
        # 'Putin announced a special military operation', 'Putin has announced a partial
        # mobilization': a side's own operation or call-up, declared, is done by declaring it
        m.claimants.clear()
        modality = "asserted"
    # estimated figures, and a hedged clause ('had likely captured')
    likely = any(g.tokens[k].lemma in rl.estimate_adverbs for j in {t, *hedged} for k in g.kids(j, "advmod"))
    if likely or any(q.get("_estimated") for q in m.quantities):
        modality = _stronger(modality, "estimated") if modality in ("asserted", "claimed") else modality
    # denied: negated trigger, or negated clause
    # a negated support verb negates its noun ('did not launch an offensive'); another negated
    # verb does not ('China has never condemned Russia's invasion')
    support = clause != t and g.tokens[clause].lemma in rl.classes["support_verbs"]
    negated = False  # denied by a negation of its own, not by a verb of denial
    if _negated(g, t, rl) or (support and _negated(g, clause, rl, trigger=t)):
        negated = modality != "denied"
        modality = "denied"
    if m.type == "diplomacy" and tok.is_noun and tok.dep == "nsubj" and tok.head >= 0 and (
            g.case_of(tok.head), g.tokens[tok.head].lemma) in rl.halted_talks:
        # 'talks between Moscow and Kyiv are currently off the table', 'talks are on hold': none
        # are held (modality.yaml halted_talks)
        negated = modality != "denied"
        modality = "denied"
    ct = g.tokens[clause]
    if ct.dep == "xcomp" and ct.head >= 0 and g.tokens[ct.head].lemma in _SUCCESS_VERBS and _negated(g, ct.head, rl):
        negated = negated or modality != "denied"
        modality = "denied"  # 'has not managed to push Ukrainians out of its territory'
    if ct.head >= 0 and (ct.dep == "xcomp" or (ct.pos == "VBG" and ct.base in ("advcl", "dep"))) \
            and _refusing(g, ct.head, rl) and not _negated(g, ct.head, rl):
        # 'The U.S. has declined to send Ukraine longer-range drones': what a side refuses to do
        # is denied, not done ('did not refuse to send' is done; the parser may leave the gerund
        # a bare dependent: 'has ruled out sending U.S. ground forces'); the refusal is the
        # refuser's own, no narrated negation
        modality = "denied"
    m.modality = modality
    return negated


_SUCCESS_VERBS = frozenset({"manage", "succeed"})


def _refusing(g: Graph, verb: int, rl: Rules) -> bool:
    """Whether the verb refuses what it governs, alone or with its particle ('declined to send',
    'has ruled out sending': modality.yaml refuse_verbs)."""
    lemma = g.tokens[verb].lemma
    return lemma in rl.refuse_verbs or any(f"{lemma} {g.tokens[p].lemma}" in rl.refuse_verbs
                                           for p in particles(g, verb))


def _cited_source(f: Facts, at: Attribution, res: Resources) -> Attribution:
    """'according to a report by Reuters citing South Korean intelligence', 'Yonhap reported,
    citing the spy agency': the source cited is who claims it, when a party can be named for it."""
    g = f.g
    if at.claimant is None:
        return at
    for j in [*g.phrase(at.claimant), at.verb]:
        for c in g.kids(j, "acl", "advcl", "xcomp", "dep", "obl"):
            if g.tokens[c].lemma == "cite" and g.tokens[c].pos == "VBG":
                cited = next(iter(g.kids(c, "obj")), None)
                if cited is not None and cited != at.claimant and phrase_party(f, cited, res) is not None:
                    return replace(at, claimant=cited)
    return at


def _sentence_antecedent(f: Facts, verb: int, pronoun: int, res: Resources,
                         rl: Rules) -> tuple[str | None, str] | None:
    """The party-named subject of a clause that governs the pronoun's verb, before the pronoun."""
    g = f.g
    for j in g.ancestors(verb):
        for s_ in g.kids(j, "nsubj"):
            if s_ < pronoun and g.tokens[s_].lemma not in rl.pronouns:
                p = phrase_party(f, s_, res)
                if p is not None:
                    return (p.code, speaker_name(g, s_))
    return None


def _speaker_key(g: Graph, i: int, rl: Rules) -> str | None:
    """What names a speaker again later in an article: a name's head word (the surname), or a
    body's head noun said with 'the' ('the ministry', 'the General Staff')."""
    tok = g.tokens[i]
    if tok.pos in ("NNP", "NNPS"):
        return tok.word.casefold()
    if in_words(tok, rl.speakers) and any(g.tokens[d].lemma == "the" for d in g.kids(i, "det")):
        return tok.lemma
    return None


def _learn_speaker(g: Graph, i: int, code: str | None, rl: Rules, state: ArticleState) -> None:
    key = _speaker_key(g, i, rl) if code else None
    if key is not None and code is not None:
        state.speakers[key] = code
        # ... by the other words of a name, for names said family name first ('South Korean
        # Defence Minister Shin Wonsik', then 'Shin said')
        j = i - 1
        while j >= 0 and g.tokens[j].pos == "NNP" and g.tokens[j].head == i and not in_words(g.tokens[j], rl.speakers):
            state.speakers.setdefault(g.tokens[j].word.casefold(), code)
            j -= 1
        # ... by the title before the name ('Ukraine's military chief Oleksandr Syrskyi', then
        # 'the military chief told a briefing')
        for c in g.kids(i, "compound"):
            if g.tokens[c].pos in ("NN", "NNP") and g.tokens[c].lemma in rl.speakers:
                state.speakers.setdefault(g.tokens[c].lemma, code)
    if code is not None:
        # ... and by the short name or the name it is given: 'the Russian Ministry of Defense
        # (MoD)', 'a senior Ukrainian official, General Alexei Gromov' (then 'Gromov said')
        for c in g.kids(i, "appos", "dep"):
            word = g.tokens[c].word
            if word[:1].isupper() and (g.tokens[c].pos in ("NNP", "NNPS") or any(ch.isupper() for ch in word[1:])):
                state.speakers[word.casefold()] = code


def _known_speaker(g: Graph, i: int, rl: Rules, state: ArticleState) -> str | None:
    """The party an article gave a speaker it names again ('Syrskyi stated', 'the ministry said')."""
    key = _speaker_key(g, i, rl)
    return state.speakers.get(key) if key is not None else None


def _body_party(f: Facts, speaker: int, res: Resources, rl: Rules) -> PartyMention | None:
    """'a source in Ukraine's security service': a speaker inside a body speaks for the body's
    party (a place 'in' a speaker's phrase is where they are: see _speaker_ground)."""
    g = f.g
    bodies = [c for c in g.kids(speaker, "nmod") if g.case_of(c) in ("in", "at", "within", "inside")
              and (in_words(g.tokens[c], rl.speakers) or (c in f.parties and f.parties[c].form == "inst"))]
    return _party(f, bodies, res)


def _speaker_ground(f: Facts, speaker: int, m: Mention, res: Resources, rl: Rules) -> str | None:
    """A speaker named by where they are ('Officials in southern Ukraine') speaks for that side;
    a person the vocabulary does not know ('Syniehubov said'), telling of a strike or a toll on one
    side's ground, is that side's local official."""
    g = f.g
    war = _countries(res, rl.noise["off_topic"]["war_parties"])
    own = [(pl.name, pl.place, True) for j in g.phrase(speaker) if j != speaker and (pl := f.places.get(j))]
    code = _ground_party(own, war)
    if code is not None:
        return code
    tok = g.tokens[speaker]
    if m.type in ("strike", "casualties_claimed") and tok.pos == "NNP" and speaker not in f.places \
            and not in_words(tok, rl.speakers):
        return _ground_party(m.locations, war, skip_countries=True) or m.against
    return None


def _unnamed_speaker_party(f: Facts, i: int, rl: Rules, state: ArticleState, m: Mention | None = None,
                           res: Resources | None = None) -> str | None:
    """'officials said' after a strike on Kharkiv: local officials, so the party whose country the
    event is in; 'a senior defense official said': the government the article last quoted, else
    the one the outlet speaks for; 'the country's Ministry of Health said': the country named
    last before it."""
    g = f.g
    if not any(in_words(g.tokens[j], rl.speakers) for j in g.phrase(i)):
        return None
    the_country = any(g.tokens[d].lemma == "country" and any(g.tokens[x].lemma == "the" for x in g.kids(d, "det"))
                      for d in g.kids(i, "nmod:poss"))
    if the_country:
        # ('At least 57 Ukrainians were killed ... on the first day of the Russian attack on
        # Ukraine today, the country's Ministry of Health said': Ukraine's, not Russia's)
        named_before = [f.parties[j].code for j in sorted(f.parties) if j < i]
        if named_before:
            return named_before[-1]
    if m is not None and res is not None and any(in_words(g.tokens[j], rl.classes["local_officials"])
                                                 for j in g.phrase(i)):
        # 'Russian forces have seized control of a key port city in southern Ukraine, the mayor
        # says': a town's own officials speak for the side that holds it ('according to its mayor',
        # of occupied Gorlivka: Russian-installed), else whose country it lies in
        code = _side_of_ground(m.locations, res, rl, skip_countries=True, held=True) \
            or _side_of_ground(m.locations, res, rl)
        if code:
            return code
    if m is not None and res is not None and m.type in ("strike", "casualties_claimed"):
        # the event's own places first, then the sentence's ('Vitaliy Kim, the governor of
        # Mykolaiv'), then the side that was struck
        code = _ground_party(m.locations, _countries(res, res.parties), skip_countries=True)
        if code:
            return code
        if m.type == "strike" and m.against:
            return m.against
        if m.type == "strike" and m.actor in rl.noise["off_topic"]["war_parties"]:
            # 'Russia fired 550 drones, officials said': with no ground named, the side fired at
            return _opponent(res, m.actor)
    if state.last_speaker and state.last_speaker[0]:
        return state.last_speaker[0]
    if the_country:
        return state.last_actor  # 'the country's Defense Ministry said', after a sentence on Russia
    outlet_side = state.source_party or state.dateline_party
    if outlet_side:
        return outlet_side
    if m is not None and m.type in _OWN_DEEDS and m.actor in rl.noise["off_topic"]["war_parties"]:
        # 'Ukraine sent reinforcements ..., the defence ministry said', nobody quoted before: a
        # side's ministry tells of its own side's moves
        return m.actor
    return None


# rules of a third party's mediation between the sides (triggers.yaml)
_MEDIATION_RULES = frozenset({"diplomacy.mediate", "diplomacy.mediator"})


# what a side's own officials report of it: its moves on the ground
_OWN_DEEDS = frozenset({"troops_deployed", "territory_claimed", "offensive_launched", "offensive_repelled"})


_DATELINE = re.compile(r"\s*([A-Za-z][A-Za-z' .-]{1,30}?)\s*(?:\(|,|\s[-–—]|\n)")


def _dateline_party(text: str, res: Resources, rl: Rules) -> str | None:
    """The war party whose capital opens the text as its dateline ('MOSCOW (Reuters) -',
    'KYIV, Ukraine -', 'MOSCOW' on a line of its own)."""
    # the text's opening, or a capitals dateline opening a later line of its first paragraphs
    # (a summary or a standfirst can come before it)
    starts = [0] + [n.end() for n in re.finditer(r"\n\s*", text[:600])]
    for k, start in enumerate(starts):
        m = _DATELINE.match(text[start:start + 60])
        if m is None or (k > 0 and not m.group(1).strip().isupper()):
            continue
        canon = res.place_alias.get(m.group(1).strip().casefold())
        place = res.places.get(canon) if canon else None
        if place is not None and place.kind != "country":
            return _countries(res, rl.noise["off_topic"]["war_parties"]).get(place.country or "")
    return None


def _stronger(a: str, b: str) -> str:
    return a if _MODALITY_RANK[a] >= _MODALITY_RANK[b] else b


_FOCUS_WORDS = frozenset({"just", "only", "merely", "simply", "solely"})


def _negated(g: Graph, i: int, rl: Rules, trigger: int | None = None) -> bool:
    """The verb or noun is negated; with `trigger`, a verb is negated through its object only
    when that object is the trigger ('launched no offensive', not 'strikes are having no effect')."""
    def negative(c: int) -> bool:
        if c + 1 < len(g.tokens) and g.tokens[c + 1].word.lower() in _FOCUS_WORDS:
            return False  # 'weapons that not just we have provided': not only us, still provided
        return g.tokens[c].lemma in rl.negations or g.tokens[c].word.lower() in rl.negations
    # 'This is not a Russian invasion only in the east of Ukraine, but a full-scale attack': what
    # is negated is the restriction, and the act stands
    restricted = any(g.tokens[x].lemma in _FOCUS_WORDS for k in g.kids(i) for x in g.kids(k, "advmod"))
    if not restricted and any(negative(c) for c in g.kids(i, "advmod", "det", "neg", "cc:preconj")):
        return True
    if any(g.tokens[c].lemma == "yet" for c in g.kids(i, "advmod")) and any(
            g.tokens[c].lemma == "to" for c in g.kids(i, "mark")):
        return True  # 'has yet to push them out of Gornal': not done
    if g.tokens[i].is_verb and any(g.tokens[d].lemma == "no" for o in g.kids(i, "obj", "nsubj:pass")
                                   if trigger is None or o == trigger for d in g.kids(o, "det")):
        return True  # 'Russian troops suffered no casualties', 'no agreement was reached'
    # a negated subject negates its verb: 'neither Moscow nor Pyongyang has confirmed'
    return g.tokens[i].is_verb and any(negative(c) for s_ in g.kids(i, "nsubj") for c in g.kids(s_, "cc:preconj"))


def _time(f: Facts, t: int, a: Args, m: Mention, rl: Rules, state: ArticleState) -> None:
    g = f.g
    future = m.modality == "expected"
    tok = g.tokens[t]
    clause = t if tok.is_verb or a.governor is None else a.governor
    own, said = [], []
    attr_verbs = {at.verb for at in attributions(g, t, rl)}
    scope = set(g.subtree(clause, frozenset({"ccomp", "parataxis", "advcl", "conj", "acl:relcl"})))
    # a noun's own phrase first: 'an incursion that commenced in August', 'Monday's strike'
    phrase = set(g.subtree(t, frozenset({"ccomp", "parataxis"}))) if not tok.is_verb else set()
    mine = []
    for te, h in f.times:
        if te.since:
            continue
        path = [h, *g.ancestors(h)]
        if any(g.case_of(x) in rl.noise["since"]["cases"] for x in path[:4] if x != t):
            continue  # 'since the invasion in February 2022': when a state began, not this event
        if any(g.case_of(x) in rl.noise["since"]["prior_cases"] and g.tokens[x].is_noun for x in path[1:4] if x != t):
            continue  # 'following a deal made in 2024': when the earlier happening was
        # ('stationed soldiers after Russia launched an attack at the start of May': a time
        # inside another verb's clause is that verb's)
        if h in phrase:
            mine.append(te)
        elif h in scope or (t in path[:4] and not any(g.tokens[x].is_verb for x in path[1:path.index(t)])):
            own.append(te)
        elif any(v in path[:3] for v in attr_verbs):
            said.append(te)
    for source, items in (("own", mine), ("own", own), ("attribution", said)):
        for te in items:
            r = resolve(te, state.pub, future or te.forward)
            if r:
                if source == "attribution" and future:
                    continue
                m.time, m.time_text, m.time_source = r, te.text, source
                if source == "own" and r[0] > state.pub and m.modality in ("asserted", "claimed"):
                    # 'the next meeting, which will be held next month', 'a meeting with Zelenskiy
                    # in Kyiv on June 29' (two days on): a time still to come is a plan
                    m.modality = "expected"
                return


def _not_places(f: Facts, event_type: str, movement: str | None, trigger: int) -> set[str]:
    """Names of the sentence's places that are not where the event happened: a capital that acts
    ('Moscow launched 145 drones', 'Pyongyang's troops': the party, not the city) and, for
    troops, aid and strikes, where they came from ('sent troops from North Korea'; a withdrawal
    from a town is at that town)."""
    g = f.g
    where: dict[str, bool] = {}
    for j, pl in f.places.items():
        tok = g.tokens[j]
        if tok.head >= 0 and f.places.get(tok.head) == pl:
            continue  # 'North' of 'North Korea': the name's head token decides
        # a party named as one: the doer ('strikes by Russia'), the source ('support from
        # Pyongyang'), a side of a pact ('an alliance between North Korea and Russia')
        head = j
        while g.tokens[head].dep == "conj" and g.tokens[head].head >= 0:
            head = g.tokens[head].head
        # ('a major gain for Moscow': who gains, not where)
        party_cases = ("by", "between", "for") if event_type == "territory_claimed" or movement == "withdrawn" \
            else ("by", "from", "between", "for")  # (regained or withdrawn 'from Kyiv' is at Kyiv)
        acting = (j in f.parties and tok.dep in ("nsubj", "nmod:poss", "obl:agent")) or (
            j in f.parties and g.tokens[head].dep.startswith(("obl", "nmod")) and g.case_of(head) in party_cases) or (
            # 'support from Pyongyang': a source hanging on another noun is a party, whatever the event
            j in f.parties and g.tokens[head].dep.startswith("nmod") and g.case_of(head) == "from"
            and g.tokens[head].head != trigger)
        # 'according to Seoul': who says it, not where
        acting = acting or (j in f.parties and any(g.tokens[c].word.lower() == "according"
                                                   for c in g.kids(head, "case")))
        origin = g.case_of(j) == "from" and (
            event_type in ("military_aid", "strike") or (event_type == "troops_deployed" and movement != "withdrawn"))
        where[pl.name] = where.get(pl.name, False) or not (acting or origin)
    return {name for name, somewhere in where.items() if not somewhere}


# --- figures -----------------------------------------------------------------------------

def _people_toll(f: Facts, qi: int, rl: Rules) -> bool:
    """The figure counts people without a side: 'three people', '18 others', 'eight civilians'."""
    g = f.g
    tok = g.tokens[qi]
    if tok.dep in ("obj", "nsubj:pass") and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["toll"]:
        return True  # 'killing two and wounding nine': a bare count of people
    if tok.dep == "nsubj" and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["toll"] \
            and g.tokens[tok.head].dep == "conj" and g.tokens[tok.head].pos == "VBN":
        return True  # 'four people were killed and 20 injured': the passive's count goes on
    if tok.dep == "obl" and g.case_of(qi) in ("at", "to") and tok.head >= 0 and any(
            g.tokens[j].lemma == "toll" for k in g.kids(tok.head, "nsubj", "obj") for j in g.phrase(k)):
        return True  # 'the death toll from the strike on Dnipro rose to 30'
    head = tok.head if tok.dep in ("nummod", "det", "amod", "quantmod") else qi
    participle = g.tokens[head].word.lower() if head >= 0 else ""
    hurt = rl.casualty_lemmas["killed"] | rl.casualty_lemmas["wounded"]  # (figures.yaml: 'dead', 'injured')
    if head != qi and head >= 0 and not g.tokens[head].is_noun and any(
            w in hurt for w in (participle, participle[:-1], participle[:-2])):
        return True  # 'Russian missile hits western Lviv; 5 injured': a bare count of people
    near = [qi] + ([head] if head >= 0 else [])
    words = rl.civilian_lemmas | rl.people_lemmas
    return any(g.tokens[j].lemma in words or g.tokens[j].word.lower() in words for j in near)


def figure_kind(f: Facts, q: Qty, qi: int, rl: Rules) -> str | None:
    g = f.g
    unit_kind = rl.unit_kinds.get(q.unit) if q.unit else None
    if q.unit == "share":
        unit_kind = "share"
    head = g.tokens[qi].head if g.tokens[qi].dep in ("nummod", "det", "amod", "quantmod") else qi
    if head < 0:
        head = qi
    counted = rl.strike_causes | rl.classes["offensive_noun"]
    if head == qi and any(g.case_of(c) == "of" and in_words(g.tokens[c], counted) for c in g.kids(qi, "nmod")):
        return None  # 'in just one of the Kyiv strikes': the count of strikes, not a toll
    near = {head, qi}
    near.update(g.children[head])
    # '38,000 killed, wounded and captured': the participles listed on the number
    near.update(k for c in list(near) if g.tokens[c].pos == "CD" for k in g.kids(c, "amod"))
    for c in list(near):
        near.update(g.kids(c, "conj"))
    if g.tokens[head].head >= 0:
        gov = g.tokens[head].head
        if g.tokens[head].dep.split(":")[0] in ("obj", "nsubj", "obl", "conj", "nmod"):
            near.add(gov)
            # 'killed or wounded 3,000 soldiers' shares the object; 'killed three people and
            # injured 18 others' does not: a conjoined verb with an object of its own counts that
            # ('one person was dead and 29 others injured': a conjunct with a subject of its own too)
            near.update(c for c in g.kids(gov, "conj") if not g.kids(c, "obj", "nsubj", "nsubj:pass"))
            near.update(g.kids(gov, "nsubj", "obj", "nsubj:pass"))
            # '40 Nepali nationals have been confirmed dead': an adjective told of them
            # ('600 soldiers are believed to have been killed': the passive open clause of a verb
            # of belief, the parser's, is what befell them)
            near.update(c for c in g.kids(gov, "xcomp") if g.tokens[c].pos.startswith("JJ")
                        or (g.kids(c, "aux:pass") and in_words(g.tokens[c], rl.classes["toll"])))
            if head == qi and g.case_of(qi) in ("at", "to"):
                # 'put the number of killed or wounded North Koreans at 4,000', 'the death toll
                # rose to 30': the figure measures the verb's subject or object phrase
                near.update(j for k in g.kids(gov, "nsubj", "obj", "nsubj:pass") for j in _measured(g, k))
    lemmas = {g.tokens[j].lemma for j in near} | {g.tokens[j].word.lower() for j in near}
    kinds = {k for k, ws in rl.casualty_lemmas.items() if lemmas & ws}
    if any(phrase <= lemmas for phrase in rl.death_phrases):
        kinds.add("killed")  # 'have lost their lives'
    counted_things = (rl.classes["weapon"] | rl.classes["offensive_noun"] | rl.classes["target"]
                      | rl.classes["score_units"] | rl.classes["measure_units"])
    if head != qi and g.tokens[head].lemma in counted_things:
        # 'lost 2,600 combat vehicles': equipment, not casualties; 'repelled six counterattacks,
        # eliminating 630 troops': the attacks are counted, not the dead; '10 Russian ammunition
        # depots had been eliminated': targets hit; 'captured the lead with 5.5 points': a score
        kinds = set()
    elif head != qi and g.tokens[head].lemma in rl.classes["equipment_counts"] and any(
            g.tokens[k].lemma in rl.classes["weapon"] for k in g.kids(head, "compound", "nmod", "amod")):
        kinds = set()  # 'lost 34 artillery pieces', '82 units of armoured equipment'
    civilian = bool(lemmas & rl.civilian_lemmas) or q.civilian
    people = civilian or bool(lemmas & rl.people_lemmas)
    if unit_kind in ("killed", "wounded", "casualties", "captured") or (
            (kinds and unit_kind in (None, "troops") and q.unit not in ("civ",)) or (kinds and people)):
        if ("killed" in kinds and "wounded" in kinds) or (unit_kind == "killed" and "wounded" in kinds):
            kind = "killed_or_wounded"
        elif unit_kind in ("killed", "wounded", "casualties", "captured"):
            kind = unit_kind
        elif "captured" in kinds and not kinds & {"killed", "wounded"}:
            kind = "captured"
        elif "killed" in kinds:
            kind = "killed"
        elif "wounded" in kinds:
            kind = "wounded"
        else:
            kind = "casualties"
        if civilian and kind == "killed":
            return "civilians_killed"
        if people and kind == "wounded":
            return "injured"
        return kind
    if q.unit == "civ":
        return None
    return unit_kind


def _estimated(g: Graph, qi: int, rl: Rules) -> bool:
    """'an estimated 14,000', 'believed to number 11,000': a figure marked as an estimate."""
    head = g.tokens[qi].head
    near = g.children[qi] + (g.children[head] if head >= 0 else []) + ([head] if head >= 0 else [])
    return any(g.tokens[j].lemma in rl.estimate_modifiers or g.tokens[j].word.lower() in rl.estimate_modifiers
               for j in near)


_AT_LEAST = re.compile(r"(?i)^(?:over|more\s+than|at\s+least|upwards\s+of|in\s+excess\s+of|exceed)")
_AT_MOST = re.compile(r"(?i)^(?:up\s+to|under|less\s+than|fewer\s+than|no\s+more\s+than|at\s+most)")


def _figure(f: Facts, q: Qty, qi: int, kind: str, rl: Rules, single: bool = False) -> Figure:
    """A quantity with what it counts in time (figures.yaml `scopes`) and its text as written."""
    g = f.g
    head = g.tokens[qi].head if g.tokens[qi].head >= 0 else qi
    near = {qi, head, *g.children[qi], *g.children[head]}
    # not the figure's own words: 'more than 62,400' is a bound, not an increment
    near = {j for j in near if not (g.start + q.start <= g.tokens[j].start < g.start + q.end)}
    clause = g.clause_head(head)
    words = {g.tokens[j].lemma for j in near} | {g.tokens[j].word.lower() for j in near}
    clause_words = {g.tokens[j].lemma for j in g.subtree(clause, frozenset({"ccomp", "parataxis", "advcl"}))}
    scopes = rl.figure_scopes
    if words & scopes["increment"]:
        scope = "increment"
    elif single or clause_words & scopes["single_action"]:
        scope = "single_action"
    elif clause_words & scopes["cumulative"] or any(te.since for te, _ in f.times):
        scope = "cumulative"
    else:
        scope = "total"
    text = g.text[q.start:max(q.end, q.unit_end)].strip()
    d = _quantity(q, kind, _estimated(g, qi, rl), scope)
    if text:
        d["text"] = text
    return d


def _quantity(q: Qty, kind: str, estimated: bool = False, scope: str | None = None) -> Figure:
    d: Figure = {"kind": kind, "approx": q.approx or estimated}
    text = (q.text or "").strip()
    if text:
        d["text"] = text
    if _AT_LEAST.match(text):
        d["bound"] = "at_least"
    elif _AT_MOST.match(text):
        d["bound"] = "at_most"
    elif d["approx"]:
        d["bound"] = "about"
    if scope:
        d["scope"] = scope
    if estimated:
        d["_estimated"] = True
    if q.vague:
        d["vague"] = q.vague
    elif q.low is not None:
        d["low"], d["high"] = q.low, q.high
    else:
        d["value"] = q.value
    return d


_CASUALTY_KINDS = ("killed", "wounded", "killed_or_wounded", "casualties", "captured", "civilians_killed", "injured")


def _measured(g: Graph, k: int) -> list[int]:
    """The phrase a figure measures, with its conjoined modifiers ('killed or wounded')."""
    return g.subtree(k, CLAUSE_DEPS - {"conj"})


_OWN_POSSESSIVES = frozenset({"its", "their", "our"})


def _casualty_party(f: Facts, qi: int, head: int, res: Resources, rl: Rules,
                    speaker: str | None = None, served: Mapping[str, str] | None = None) -> PartyMention | None:
    """Whose casualties a figure counts: a casualty noun's party ('put North Korean casualties at
    3,000'), the counted noun's ('3,000 North Korean soldiers'), the subject of 'lose'/'suffer',
    or the other side of the subject of 'kill'."""
    g = f.g
    gov = g.tokens[head].head
    near = [head] + ([gov] if gov >= 0 else [])
    near += [c for n in list(near) for c in g.children[n]]
    for j in near:
        if j != head and in_words(g.tokens[j], rl.classes["casualty_noun"]) and g.tokens[j].is_noun:
            if any(g.tokens[o].lemma in rl.classes["enemy_words"] for o in g.kids(j, "nmod:poss")):
                # "the enemy's losses amount to about 1,000 personnel, Ukraine's army said"
                enemy = _speakers_enemy(f, j, res, rl, speaker)
                if enemy is not None:
                    return enemy
            p = phrase_party(f, j, res) or _party(f, _among(g, j), res)
            if p is not None:
                return _served_side(f, p, res, rl, served)
    party = _served_side(f, phrase_party(f, head, res), res, rl, served)
    if party is None and _named_enemy(g, head, rl):
        # '1100 enemy soldiers had been killed, Zelensky said': the speaker's enemy
        party = _speakers_enemy(f, head, res, rl, speaker)
    if party is None and any(g.tokens[k].word.lower() in _OWN_POSSESSIVES for j in g.phrase(head)
                             for k in g.kids(j, "nmod:poss")):
        # 'Ukraine says more than 40 of its soldiers have been killed', 'Russia announced that 498
        # of its soldiers had been killed': the side that tells of its own losses
        for at in attributions(g, head, rl):
            own = phrase_party(f, at.claimant, res) if at.claimant is not None else None
            if own is not None:
                return own
    if party is not None or gov < 0:
        return party
    # 'puts the death toll among Russian soldiers at 41,350': whom the toll is among (the parser
    # may hang the phrase on the verb)
    among = _party(f, [c for n in (head, gov, *g.kids(gov, "obj")) for c in _among(g, n)], res)
    if among is not None:
        return among
    if head == qi and g.case_of(qi) in ("at", "to"):
        # 'put the number of killed North Koreans at 4,000': the party of what is measured
        for k in g.kids(gov, "obj") or g.kids(gov, "nsubj", "nsubj:pass"):
            p = next((f.parties[j] for j in _measured(g, k) if j in f.parties), None)
            if p is not None:
                return p
    p = _party(f, [s_ for s_ in g.kids(gov, "nsubj") if s_ != head], res)
    lemma = g.tokens[gov].lemma
    if p is None and g.tokens[gov].dep.split(":")[0] in ("xcomp", "acl", "conj") and g.tokens[gov].head >= 0:
        # 'Russia has lost 600,000 soldiers killed or wounded': the loser is the subject of 'lose'
        up = g.tokens[gov].head
        if g.tokens[up].lemma in ("lose", "suffer", "sustain", "incur"):
            return _party(f, g.kids(up, "nsubj"), res)
    if p and lemma in ("lose", "suffer", "sustain", "incur"):
        return p
    if p is None and lemma in ("lose", "suffer", "sustain", "incur") and any(
            g.tokens[s_].lemma in rl.classes["enemy_words"] for s_ in g.kids(gov, "nsubj")):
        # 'The enemy lost up to 540 troops, Russia's defence ministry said': the speaker's enemy
        enemy = _speakers_enemy(f, gov, res, rl, speaker)
        if enemy is not None:
            return enemy
    if p and lemma in ("kill", "eliminate", "wound", "injure", "capture"):
        return _opponent_party(res, p.code)
    if p and lemma in ("take", "hold") and in_words(g.tokens[head], rl.classes["prisoner"]):
        return _opponent_party(res, p.code)  # 'Ukraine has taken 2,000 prisoners': the captor's enemy's
    return p


def _among(g: Graph, word: int) -> list[int]:
    """Whom a toll counts among, named on its noun or verb: 'casualties among Russian soldiers'
    (the parser may make 'among' the mark of a participle: 'Casualties among North Koreans helping
    Russia', whose subject they are)."""
    heads = [c for c in g.kids(word, "obl", "nmod") if g.case_of(c) == "among"]
    return heads + [s_ for c in g.kids(word, "acl") if any(g.tokens[k].lemma == "among" for k in g.kids(c, "mark"))
                    for s_ in g.kids(c, "nsubj")]


def _served_side(f: Facts, party: PartyMention | None, res: Resources, rl: Rules,
                 served: Mapping[str, str] | None = None) -> PartyMention | None:
    """'At least 12 Indian nationals have been killed fighting for the Russian Army', 'the death of
    six Nepali nationals while serving in the Russian Army': foreign recruits are losses of the
    army they served in, or of the side the article said they serve (`served`, see _learn_served:
    '500 Colombian mercenaries employed by Ukraine's armed forces ... 300 of these Colombian
    mercenaries have been killed'); a party at war stays itself."""
    if party is not None and party.code in rl.noise["off_topic"]["war_parties"]:
        return party
    side = _army_served(f, res, rl)
    if side is None and party is not None and served and party.code in served:
        side = PartyMention.implied(served[party.code])
    return side or party


def _army_served(f: Facts, res: Resources, rl: Rules) -> PartyMention | None:
    """The warring side whose army the sentence has people fight or serve in: 'fighting for the
    Russian Army', 'while serving in the Russian army' (classes.yaml army_words), 'fighting for
    Russia'."""
    g = f.g
    for j, tok in enumerate(g.tokens):
        # ('fighting for Russia': the side itself, on a verb of fighting or serving)
        side = j in f.parties and g.case_of(j) in ("for", "alongside") and tok.head >= 0 \
            and g.tokens[tok.head].lemma in ("fight", "serve")
        # ('employed by Ukraine's armed forces', 'recruited by the Russian army')
        hired = g.case_of(j) == "by" and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["hiring_verbs"]
        # ('Nepali people who joined the Russian Army')
        joined = tok.dep == "obj" and tok.head >= 0 and g.tokens[tok.head].lemma in rl.classes["joining_verbs"]
        # ('fighting on the side of Ukraine's Armed Forces', 'joined the Ukrainian side': a side's
        # ranks, classes.yaml side_words)
        ranks = tok.lemma in rl.classes["side_words"] and (g.case_of(j) in ("on", "for", "in") or joined)
        if ranks or ((side or tok.lemma in rl.classes["army_words"]) and (
                g.case_of(j) in ("for", "in", "with", "alongside") or hired or joined)):
            p = phrase_party(f, j, res)
            if p is not None and p.code in rl.noise["off_topic"]["war_parties"]:
                return p
    return None


def _voice_speaker(state: ArticleState) -> tuple[str | None, str] | None:
    """The speaker the article quotes on (party, name): who goes on speaking in the next sentence."""
    return state.quoting or state.last_speaker


def _voice(state: ArticleState) -> str | None:
    """The party of the speaker the article quotes on."""
    speaker = _voice_speaker(state)
    return speaker[0] if speaker else None


def _weapons_user(f: Facts, t: int, maker: str | None, res: Resources, rl: Rules) -> str | None:
    """The warring side whose clause uses the weapons another party made or gave: 'Ukraine has used
    Western-supplied long-range missile systems to badly damage three bridges'."""
    user = _clause_doer(f, t, res, rl)
    if user is None or user.code == maker or user.code not in rl.noise["off_topic"]["fighting_parties"]:
        return None
    return user.code


def _named_as_maker(f: Facts, code: str, rl: Rules) -> bool:
    """A party that is not at war named in a sentence only on weapons ('Iranian drones', 'North
    Korean missiles', 'US-made ATACMS'): their maker or giver."""
    g = f.g
    if code.lower() in rl.classes["aid_recipients"]:
        return False
    named = [j for j, p in f.parties.items() if p.code == code]
    for k in f.inner_parties:
        if any(p.code == code for p in f.inner_parties[k]):
            named.append(k)
    weapons, making = rl.classes["weapon"], rl.classes["making_verbs"]

    def on_weapons(j: int) -> bool:
        # (through the participle of making: 'US-made' comes back as 'US' under 'made')
        while g.tokens[j].head >= 0 and (g.tokens[j].dep in ("compound", "amod", "nmod:poss", "flat") or (
                g.tokens[j].dep in ("obl", "nmod", "dep") and g.tokens[g.tokens[j].head].lemma in making)):
            j = g.tokens[j].head
            if in_words(g.tokens[j], weapons):
                return True
        return False

    return bool(named) and all(on_weapons(j) for j in named)


def _speakers_enemy(f: Facts, j: int, res: Resources, rl: Rules, speaker: str | None = None) -> PartyMention | None:
    """The other side of whoever reports token j's clause, else of `speaker` (the one the article
    quotes on: '"The enemy lost up to 540 troops ...' after the ministry's statement)."""
    for at in attributions(f.g, j, rl):
        said_by = phrase_party(f, at.claimant, res) if at.claimant is not None else None
        if said_by is not None:
            return _opponent_party(res, said_by.code)
    return _opponent_party(res, speaker) if speaker else None


def _civilians_side(f: Facts, res: Resources, rl: Rules) -> PartyMention | None:
    """Whose civilians a toll of deaths or injuries with no side counts ('12,000 civilians have been
    killed in Ukraine', 'about 40 people were injured nationwide', 'Russia's war has resulted in the
    deaths of 10,000 civilians'): the warring side whose country the sentence places them in, else
    the other side of the one whose war it names."""
    war = rl.noise["off_topic"]["war_parties"]
    code = _side_of_ground([(pl.name, pl.place, True) for pl in f.places.values()], res, rl)
    if code is not None:
        return PartyMention.implied(code)
    g = f.g
    waged = [p.code for j, p in f.parties.items() if p.code in war and g.tokens[j].head >= 0
             and g.tokens[g.tokens[j].head].lemma in rl.classes["resisted"] | {"war"}]
    other = _opponent(res, waged[0]) if waged else None
    return PartyMention.implied(other) if other else None


def _handed_over(g: Graph, head: int, rl: Rules) -> bool:
    """Prisoners or bodies a swap hands over or brings home, the object or the subject of a verb
    of exchange ('Kyiv transfer another 3,000 bodies of Ukrainian servicemen', '75 of the Russian
    POWs were handed back'): captured or killed before, not a tally of losses now."""
    nouns = [head, *(c for c in g.kids(head, "nmod") if g.case_of(c) == "of")]
    if not any(in_words(g.tokens[n], rl.classes["prisoner"]) for n in nouns):
        return False
    tok = g.tokens[head]
    return (tok.head >= 0 and tok.base in ("obj", "nsubj")
            and g.tokens[tok.head].lemma in rl.classes["exchange_verbs"])


def _figure_mentions(f: Facts, res: Resources, rl: Rules, state: ArticleState, found: list[Mention]) -> list[Mention]:
    """Casualty figures make casualty events of their own ('3,000 North Korean soldiers killed')."""
    g = f.g
    out: list[Mention] = []
    have_kinds = {q["kind"] for m in found if m.type == "casualties_claimed" for q in m.quantities}
    strikes = [m for m in found if m.type == "strike"]
    # (actor, kind) of the sentence's last casualty figure: a second tally refers back to it
    last: tuple[str, str] | None = next(((m.actor, q["kind"]) for m in reversed(found) if m.type == "casualties_claimed"
                                         and m.actor for q in m.quantities), None)
    for q, qi in f.quants:
        kind = figure_kind(f, q, qi, rl)
        head0 = g.tokens[qi].head
        if kind is None and last is not None and head0 >= 0 and g.tokens[head0].lemma in rl.attribution_nouns:
            kind = last[1]  # 'Western estimates of approximately 1,000': the figure counted before
        if kind not in _CASUALTY_KINDS or (kind in have_kinds and not (
                head0 >= 0 and g.tokens[head0].lemma in rl.attribution_nouns)):
            continue
        if strikes and (kind in ("civilians_killed", "injured")
                        or (kind in ("killed", "wounded") and _people_toll(f, qi, rl))):
            kind = {"wounded": "injured", "killed": "killed" if _at_military_site(g, rl) else "civilians_killed"
                    }.get(kind, kind)
            # 'strikes by Russia resulted in eight civilian deaths', 'the attack killed three people':
            # the strike's toll of people (ANNOTATION.md `civilians_killed`), not a tally of a side's losses
            if not any(x["kind"] == kind and x.get("value") == q.value for x in strikes[0].quantities):
                strikes[0].quantities.append(_figure(f, q, qi, kind, rl, single=True))
            continue
        tok = g.tokens[qi]
        head = tok.head if tok.dep in ("nummod", "det", "amod", "quantmod") and tok.head >= 0 else qi
        if in_words(g.tokens[head], rl.classes["distance_units"]):
            continue  # 'captured a village just seven kilometres from the border': a distance
        if _handed_over(g, head, rl):
            continue  # 'Russia will return 6,000 bodies', '277 prisoners of war returned home': a swap's
        if any(m.type == "diplomacy" and m.rule in ("diplomacy.exchange", "diplomacy.release") for m in found):
            # 'exchanged 150 prisoners each', 'and will hand over 23 badly wounded soldiers': the
            # swap, not a tally of prisoners taken or of a side's wounded
            continue
        claimant = None
        party: PartyMention | None
        if head0 >= 0 and g.tokens[head0].lemma in rl.attribution_nouns:
            head = head0
            # 'Western estimates of approximately 1,000': a second tally of the figure before
            claimant = phrase_party(f, head, res)
            if last is None:
                continue
            party = PartyMention.implied(last[0])
        else:
            party = _casualty_party(f, qi, head, res, rl, _voice(state), state.served)
        if party is None and kind in ("civilians_killed", "injured"):
            party = _civilians_side(f, res, rl)
        if party is None:
            continue
        if strikes and party.code == strikes[0].actor \
                and kind in ("killed", "wounded", "casualties", "killed_or_wounded"):
            # 'Another Russian missile attack on the Odesa port resulted in one death and eight
            # injuries amongst port workers': a strike's toll is not the striker's loss
            toll_kind = "injured" if kind == "wounded" else "civilians_killed"
            if not any(x["kind"] == toll_kind and x.get("value") == q.value for x in strikes[0].quantities):
                strikes[0].quantities.append(_figure(f, q, qi, toll_kind, rl, single=True))
            continue
        last = (party.code, kind)
        a = Args(subject=[], object=[head])
        m = Mention(type="casualties_claimed", sentence=g, trig_start=tok.start, trig_text=tok.word, rule="figure",
                    actor=party.code)
        m.quantities.append(_figure(f, q, qi, kind, rl))
        enemy = _opponent(res, party.code)
        if kind == "civilians_killed" and m.quantities[-1].get("scope") == "single_action" and enemy is not None \
                and not any(in_words(x, rl.classes["accidental_blasts"]) for x in g.tokens):  # ('mine explosions')
            # 'The attack on Kharkiv killed over 10 civilians': civilians killed in one action are
            # that action's toll, a strike by the other side (ANNOTATION.md: a strike whose
            # quantities carry civilians_killed), though no strike rule read the attack
            m.type, m.actor = "strike", enemy
        gov = g.tokens[head].head
        if claimant is None and gov >= 0:
            # 'Ukrainian claims put North Korean casualties at over 3,000'; 'Kyiv put Russian
            # losses at 38,000' (the one who puts a figure on another's losses claims it)
            said_by = [s_ for s_ in g.kids(gov, "nsubj") if g.tokens[s_].lemma in rl.attribution_nouns
                       or (g.tokens[gov].lemma in rl.appraisal_verbs and g.case_of(head) in ("at", "to")
                           and phrase_party(f, s_, res) is not None)]
            if said_by:
                claimant = phrase_party(f, said_by[0], res)
                head = said_by[0] if claimant is not None else head
        for j in sorted(f.places):
            pl = f.places[j]
            if all(pl.name != loc[0] for loc in m.locations):
                m.locations.append((pl.name, pl.place, True))
        _attribute(f, qi, a, m, res, rl, state)
        if claimant is not None:
            name = g.span_text([j for j in g.phrase(head) if j <= head and g.tokens[j].dep not in ("case", "punct")])
            m.claimants = [(claimant.code, name)]
            m.modality = rl.attribution_nouns.get(g.tokens[head].lemma, "claimed")
        elif any(q_.get("_estimated") for q_ in m.quantities) and m.modality in ("asserted", "claimed"):
            m.modality = "estimated"
        if _noise(g, qi, a, rl) or (m.type == "casualties_claimed" and _captives_returned(g, rl)):
            continue
        _time(f, qi, a, m, rl, state)
        if _too_old(m, state.pub, rl):
            continue
        have_kinds.add(kind)
        out.append(m)
    return out


# --- merging -----------------------------------------------------------------------------

def _mod_class(m: Mention) -> str:
    return "denied" if m.modality == "denied" else "expected" if m.modality == "expected" else "real"


def _span(m: Mention) -> tuple[date, date] | None:
    return (m.time[0], m.time[1]) if m.time else None


def _parties(m: Mention) -> frozenset[str]:
    return frozenset(c[0] for c in m.claimants if c[0])


def _q_compatible(a: list[Figure], b: list[Figure]) -> bool:
    for qa in a:
        for qb in b:
            if qa.get("vague") or qb.get("vague"):
                continue
            if "single_action" in (qa.get("scope"), qb.get("scope")) and qa.get("scope") != qb.get("scope"):
                return False  # one action's toll and a running total are two happenings, whatever they count
            if qa["kind"] != qb["kind"]:
                continue
            if (qa.get("value"), qa.get("low"), qa.get("high")) != (qb.get("value"), qb.get("low"), qb.get("high")):
                return False
    return True


def _self_told(a: Mention, b: Mention) -> bool:
    # 'The Pentagon announced a new package': read once as the doer's own act and once as its
    # word on it; a doer telling its own act adds no other side, so the two are one event
    pa, pb = _parties(a), _parties(b)
    return (not pa and pb == {b.actor}) or (not pb and pa == {a.actor})


def _compatible(a: Mention, b: Mention, same_sentence: bool) -> bool:
    if a.type != b.type or a.actor != b.actor or _mod_class(a) != _mod_class(b):
        return False
    if _parties(a) != _parties(b) and not (same_sentence and _self_told(a, b)):
        return False
    if _span(a) != _span(b) and not (same_sentence and "article" in (a.time_source, b.time_source)):
        return False
    if a.change and b.change and a.change != b.change:
        return False
    if a.movement and b.movement and a.movement != b.movement:
        return False
    if a.recipient and b.recipient and a.recipient != b.recipient:
        return False
    return _q_compatible(a.quantities, b.quantities)


def merge_mentions(mentions: list[Mention]) -> list[list[Mention]]:
    """Group the mentions of one event (same type, actor, claimants, modality, time, figures);
    a mention that goes on telling an earlier one joins that one's group."""
    groups: list[list[Mention]] = []
    for m in mentions:
        told = next((grp for grp in groups if m.follows is not None and any(x is m.follows for x in grp)), None)
        if told is not None:
            told.append(m)
            continue
        if m.told_again:
            continue  # (the talks it names again were not kept: no event of its own)
        for grp in groups:
            same = any(x.sentence.index == m.sentence.index for x in grp)
            if m.separate and not same:
                continue
            if all(_compatible(x, m, same) for x in grp):
                grp.append(m)
                break
        else:
            groups.append([m])
    groups = _headlines_into_stories(groups)
    for grp in groups:
        grp.sort(key=lambda x: (x.sentence.start, x.trig_start))
    groups.sort(key=lambda grp: (grp[0].sentence.start, grp[0].trig_start, grp[0].type))
    return groups


_SENTENCE_ENDS = (".", "!", "?", '"', "”", "’", "'", ")")
# a note's number or mark after a sentence's end ('... a proposed ceasefire.1', '... in 2022.[3]'):
# the sentence still ends there
_NOTE_MARK = re.compile(r"(?<=[.!?\"”’')])(?:\d{1,3}|\[\d{1,3}\])$")


def _ends_as_sentence(line: str) -> bool:
    """Whether a line of text ends as a sentence does, a note's mark after its end left aside."""
    return _NOTE_MARK.sub("", line.rstrip()).endswith(_SENTENCE_ENDS)


def _opening_lines(parsed: ParsedArticle, most: int = 4) -> set[int]:
    """The sentences that open the text before its first full sentence: a page's headline, kicker
    and navigation lines, none ending as a sentence does ('Live updates: Russian missile hits
    western Lviv; 5 injured'). A text of such lines only has no body to head: none of them."""
    out: set[int] = set()
    text = parsed.article.text
    for k, s in enumerate(parsed.sentences[:most]):
        if _ends_as_sentence(text[s.start:s.end]):
            break
        out.add(k)
    # the article's own title, repeated in the text as a line of its own that does not end as a
    # sentence does, heads it wherever it stands: a page may open with more furniture lines than
    # that ('Play Live Radio', 'Next Up:', an address ending with a full stop) before it (a title
    # that is the lead's first sentence stays the lead)
    title = " ".join((parsed.article.title or "").split()).casefold()
    if title:
        out |= {k for k, s in enumerate(parsed.sentences)
                if not _ends_as_sentence(text[s.start:s.end])
                and " ".join(text[s.start:s.end].split()).casefold() == title}
    return out if len(out) < len(parsed.sentences) else set()


def _headline(m: Mention) -> bool:
    """A mention in the lines that open the text when they are headlines (see _opening_lines):
    'Six killed in massive Russian drone, missile attack across Ukraine'."""
    return m.headline


def _headlines_into_stories(groups: list[list[Mention]]) -> list[list[Mention]]:
    """A headline names the story the body tells: its mentions join the body's event of the same
    type and actor (and denial), whatever the headline's own time, figures or sources, which
    a headline cuts short. With no such event it is left out: a story's body tells what its
    headline announces, and the parser reads a headline's clipped syntax worst (over the 119 web
    gold sets, leaving them out lost 9 gold events and 43 false alarms)."""
    out: list[list[Mention]] = []
    heads: list[list[Mention]] = []
    for grp in groups:
        (heads if all(_headline(m) for m in grp) else out).append(grp)
    for grp in heads:
        m = grp[0]
        stories = [b for b in out if b[0].type == m.type and b[0].actor == m.actor
                   and _mod_class(b[0]) == _mod_class(m) and not any(_headline(x) for x in b)]
        # (the one told in the same voice first: an unattributed headline joins the body's
        # unattributed report rather than a side's claim of it)
        story = next((b for b in stories if _parties(b[0]) == _parties(m)), stories[0] if stories else None)
        if story is not None:
            story.extend(grp)
    return out


# types whose act is done by announcing it: 'Sweden announced its 18th aid package' states the
# package, while 'Kyiv confirmed new offensive actions' stays Kyiv's claim
_DONE_BY_SAYING = frozenset({"military_aid"})


def _primary(g: list[Mention]) -> Mention:
    # a mention that goes on telling another ('These attacks killed one') is never the main one;
    # a doer's own act told in its own words is its act, not its claim (see _self_told)
    # a headline joined to the body's story is not the main one either: the body tells it whole,
    # with its sources (a headline cuts them short)
    told_by_doer = any(not _parties(m) for m in g) and g[0].type in _DONE_BY_SAYING
    return max(g, key=lambda m: (m.follows is None, not _headline(m),
                                 not (told_by_doer and _parties(m) == {m.actor}),
                                 m.info, -m.sentence.index, -m.trig_start))


# --- events ------------------------------------------------------------------------------

def _event_id(article: Article, g: list[Mention], p: Mention) -> str:
    first = g[0]
    key = "|".join([article.id, EXTRACTOR_VERSION, p.type, p.actor or "", _mod_class(p),
                    str(first.sentence.start), str(first.trig_start), first.trig_text.lower()])
    return "ev_" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def _to_event(article: Article, g: list[Mention]) -> Event:
    p = _primary(g)
    pub = article.published_at
    locs: list[Location] = []
    seen = set()
    loc_items = [loc for m in [p] + [x for x in g if x is not p] for loc in m.locations]
    loc_items.sort(key=lambda loc: (0 if loc[2] else 1, loc[1].rank if loc[1] else 1))
    for name, place, _explicit in loc_items:
        if name in seen:
            continue
        seen.add(name)
        locs.append(Location(name=name, country=place.country if place else None,
                             lat=place.lat if place else None, lon=place.lon if place else None))
    qs = [_quantity_fields(q) for q in p.quantities]
    kinds = {q["kind"] for q in p.quantities}
    for m in g:
        for q in m.quantities:
            if q["kind"] not in kinds:
                qs.append(_quantity_fields(q))
                kinds.add(q["kind"])
    claimants: list[Claimant] = []
    seen_c = set()
    # the primary mention says who claims it; other mentions add names only for the same parties
    for m in [p] + [x for x in g if x is not p and x.claimants and _parties(x) == _parties(p)
                    and (p.claimants or any(c[0] for c in x.claimants))]:
        for party, name in m.claimants:
            if (party, name) not in seen_c and name:
                seen_c.add((party, name))
                claimants.append(Claimant(party=party, name=name[:200]))
    partners = []
    for m in [p, *g]:
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
    fields = {
        "event_id": _event_id(article, g, p), "extractor_version": EXTRACTOR_VERSION, "article": article.id,
        "published_at": pub, "source": article_source(article), "ingested_at": article.ingested_at,
        "actor": p.actor, "partners": tuple(partners),
        "against": p.against or next((m.against for m in g if m.against), None),
        "locations": tuple(locs), "quantities": tuple(Quantity.model_validate(q) for q in qs), "time": time,
        "claimants": tuple(claimants), "modality": p.modality, "evidence": tuple(evidence),
    }
    if p.type == "territory_claimed":
        fields["change"] = p.change or "captured"
    elif p.type == "troops_deployed":
        fields["movement"] = p.movement or "deployed"
    elif p.type == "military_aid":
        fields["recipient"] = p.recipient or next((m.recipient for m in g if m.recipient), None)
    return _CLASSES[p.type].model_validate(fields)
