"""Slots from syntax: who acts, on whom, where, who says so and how sure, read from the
dependency tree of one sentence. Pure; the vocabularies come from `rules` and `resources`."""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from services.extract.core.graph import CLAUSE_DEPS, Graph, Token
from services.extract.core.mentions import PartyMention, PlaceMention, find_parties, find_places
from services.extract.core.quantities import Qty, find_quantities
from services.extract.core.resources import Resources
from services.extract.core.rules import Rules
from services.extract.core.timex import TimeExpr, find_times

SUBJECT_DEPS = ("nsubj", "csubj")
OBJECT_DEPS = ("obj", "nsubj:pass", "iobj")
OBLIQUE_DEPS = ("obl", "nmod", "advmod", "xcomp")
MODIFIER_DEPS = ("nmod:poss", "amod", "compound", "flat")


@dataclass
class Facts:
    """What one sentence mentions, located on its tokens."""

    g: Graph
    parties: dict[int, PartyMention] = field(default_factory=dict)  # token -> party mention covering it
    places: dict[int, PlaceMention] = field(default_factory=dict)
    inner_parties: dict[int, list[PartyMention]] = field(default_factory=dict)  # further parties in one token
    anaphoric: set[int] = field(default_factory=set)  # tokens of 'the region', 'the area'
    surfaces: dict[str, str] = field(default_factory=dict)  # canonical place -> as written ('Kursk Oblast')
    quants: list[tuple[Qty, int]] = field(default_factory=list)  # (figure, number token)
    timed: bool = False  # whether `times` are read (a `full` sentence), on first use
    model_words: AbstractSet[str] = frozenset()  # weapons whose names go on with a number
    _times: list[tuple[TimeExpr, int]] | None = field(default=None, repr=False)

    @property
    def times(self) -> list[tuple[TimeExpr, int]]:
        """(expression, head token). Read when first asked for: only the sentence's events and
        casualty figures need them, and most sentences with a trigger word give neither."""
        if self._times is None:
            self._times = _times_of(self.g, self.model_words) if self.timed else []
        return self._times


# the prepositions of where something is (role 'whereabouts')
_WHEREABOUTS = frozenset({"in", "inside", "at", "near", "on", "across", "within", "around", "along", "throughout",
                          "outside", "close"})
_LOCATIVE_CASES = frozenset({"in", "at", "to", "into", "near", "from", "on", "across", "inside", "toward", "towards",
                             "within", "around", "outside", "over", "along", "through", "throughout", "of"})


def _locative(g: Graph, toks: list[int], place: PlaceMention | None = None,
              target_verbs: AbstractSet[str] = frozenset()) -> bool:
    """A place phrase used as a place: after a locative preposition, or modifying a noun
    ('the Kursk region'), not as the subject or object of a verb ('Moscow said')."""
    inside = set(toks)
    head = next((i for i in toks if g.tokens[i].head not in inside), toks[-1])
    dep = g.tokens[head].dep
    if g.case_of(head) in _LOCATIVE_CASES:
        return True
    city = place is not None and place.place is not None and place.place.kind != "country"
    if city and dep in ("obj", "nsubj:pass") and g.tokens[head].head >= 0 \
            and g.tokens[g.tokens[head].head].lemma in target_verbs:
        return True  # 'Russia struck Kyiv', 'Kyiv was hit': the city struck (a country attacked is a party)
    return dep in ("compound", "amod", "nmod", "obl", "appos", "conj") and not dep.startswith("nmod:poss")


_DIRECTIONS = frozenset({"eastern", "western", "southern", "northern", "northeastern", "northwestern",
                         "southeastern", "southwestern", "central"})


def _surface(g: Graph, pl: PlaceMention) -> str:
    """A place as the text gives it ('Kursk Oblast', 'eastern Russia'): the annotation guide's
    form, kept beside the canonical name."""
    text = re.sub(r"['’]s$", "", pl.text).strip()
    after = re.match(r"\s+(oblast|region|province|district)\b", g.text[pl.end:], re.I)
    if after and not re.search(r"(?i)\b(?:oblast|region|province|district)$", text):
        text = f"{text} {after.group(1)}"  # 'Kherson oblast': the region, as written
    before = g.text[:pl.start].rstrip().rsplit(" ", 1)[-1]
    if before.lower() in _DIRECTIONS:
        text = f"{before} {text}"
    return text


def surface_forms(surface: str) -> list[str]:
    """A place as written, and without its direction ('northeastern Kharkiv region', 'Kharkiv
    region'): the annotation guide takes either."""
    first, _, rest = surface.partition(" ")
    return [surface, rest] if first.lower() in _DIRECTIONS and rest else [surface]


def _geonames_places(g: Graph, facts: Facts, res: Resources) -> None:
    """Cities the curated gazetteer does not list, from GeoNames: proper nouns after a
    locative preposition ('talks in Jeddah'), so that 'Reading' or 'Mobile' elsewhere stay words."""
    names = res.gazetteer.geonames
    toks = g.tokens
    i = 0
    while i < len(toks):
        # (a capital that names its party is still a place after a locative preposition: 'a
        # meeting with Erdogan in Ankara'; where it acts, it is the party: see _not_places)
        if toks[i].pos != "NNP" or i in facts.places:
            i += 1
            continue
        for n in (3, 2, 1):
            span = list(range(i, min(i + n, len(toks))))
            if len(span) < n or any(toks[j].pos != "NNP" for j in span):
                continue
            text = g.text[toks[span[0]].start - g.start:toks[span[-1]].end - g.start]
            if text in names and _locative(g, span) and g.case_of(
                    next((j for j in span if toks[j].head not in span), span[-1])) is not None:
                place = res.places[names[text]]
                mention = PlaceMention(place, place.name, toks[span[0]].start - g.start,
                                       toks[span[-1]].end - g.start, text)
                for j in span:
                    facts.places[j] = mention
                if text.casefold() != place.name.casefold():
                    facts.surfaces[place.name] = text  # 'Severodonetsk' for GeoNames' 'Siverskodonetsk'
                i += n - 1
                break
        i += 1


def sentence_facts(g: Graph, res: Resources, full: bool = True, parties: list[PartyMention] | None = None,
                   places: list[PlaceMention] | None = None, target_verbs: AbstractSet[str] = frozenset(),
                   masthead_words: AbstractSet[str] = frozenset(),
                   model_words: AbstractSet[str] = frozenset()) -> Facts:
    """Parties and places always (they carry the article's context to later sentences); times,
    figures and GeoNames cities only when `full` (the sentence has a trigger or a number; its
    times are read when first asked for, `Facts.times`).
    `parties` / `places`: the sentence's mentions when the whole article was scanned once
    (offsets relative to the sentence); else the sentence is scanned here. `target_verbs`: verbs
    whose object is a city struck, so a capital after them is a place; `masthead_words`: last words
    of a newspaper's name, so the place before them names an outlet; `model_words`: weapons whose
    names go on with a model number, so a year after them is none ('Mirage 2000') (all classes.yaml)."""
    facts = Facts(g, model_words=model_words)
    for p in find_parties(g.text, res) if parties is None else parties:
        a, b = g.start + p.start, g.start + p.end
        for t in g.tokens:
            if t.start >= a and t.end <= b and _masthead(g, t.i, masthead_words):
                continue  # 'told the Kyiv Independent': an outlet, not the government in Kyiv
            if t.start >= a and t.end <= b:
                facts.parties[t.i] = p
            elif t.start <= a and b <= t.end and t.end - t.start > b - a:
                # a party inside a token: 'U.S.-Ukraine talks', 'Russia-backed'
                if t.i in facts.parties:
                    facts.inner_parties.setdefault(t.i, []).append(p)
                else:
                    facts.parties[t.i] = p
    for pl in find_places(g.text, res) if places is None else places:
        toks = [t.i for t in g.tokens if t.start >= g.start + pl.start and t.end <= g.start + pl.end]
        if pl.anaphoric:
            facts.anaphoric.update(toks)  # 'the region': resolved against the article's last place
            continue
        if toks and all(i in facts.parties for i in toks) and not _locative(g, toks, pl, target_verbs):
            continue  # 'Moscow said', 'Russia sent': a capital or country named as an actor
        if toks and _masthead(g, toks[-1], masthead_words):
            continue  # 'told the Kyiv Independent': an outlet
        for i in toks:
            facts.places[i] = pl
        surface = _surface(g, pl)
        if surface.casefold() != pl.name.casefold():
            facts.surfaces[pl.name] = surface
    if not full:
        return facts
    _geonames_places(g, facts, res)
    facts.timed = True
    for q in find_quantities(g.text, res):
        h = g.span_head(g.start + q.start, g.start + q.end)
        if h is not None:
            facts.quants.append((q, h))
    return facts


def _masthead(g: Graph, last: int, masthead_words: AbstractSet[str]) -> bool:
    """A place that opens a newspaper's name: 'the Kyiv Independent', 'The Moscow Times'."""
    tok = g.tokens[last]
    if tok.dep != "compound" or tok.head <= last:
        return False
    head = g.tokens[tok.head]
    return head.pos.startswith("NNP") and head.word.lower() in masthead_words and head.i == last + 1


def _times_of(g: Graph, model_words: AbstractSet[str]) -> list[tuple[TimeExpr, int]]:
    out = []
    for te in find_times(g.text):
        if _model_number(g, te, model_words):
            continue
        h = g.span_head(g.start + te.start, g.start + te.end)
        if h is not None:
            out.append((te, h))
    return out


def _model_number(g: Graph, te: TimeExpr, model_words: AbstractSet[str]) -> bool:
    """A bare year right after a weapon's name is its model's number, not a time: 'France has
    delivered the first Mirage 2000 fighter jets' (delivered in 2025, not in 2000)."""
    if te.kind != "year" or te.groups[0]:
        return False
    first = next((t.i for t in g.tokens if t.end > g.start + te.start), len(g.tokens))
    return after_model_name(g, first, model_words)


def after_model_name(g: Graph, j: int, model_words: AbstractSet[str]) -> bool:
    """Whether token j comes right after a weapon's name, so a number there is the model's ('Mirage
    2000', 'Mirage 2000-5'), not a year."""
    return j > 0 and g.tokens[j - 1].word.lower() in model_words


# --- noun phrases ------------------------------------------------------------------------

# dashes that set a dateline off from its story, not join two names: 'KYIV, Ukraine — Russian forces'
_DASHES = frozenset({"—", "--", "―"})


def _at_war(code: str, res: Resources) -> bool:
    """A side of the war: a party with opponents (parties.json)."""
    info = res.parties.get(code)
    return info is not None and bool(info.opponents)


def phrase_party(f: Facts, i: int, res: Resources) -> PartyMention | None:
    """The party a noun phrase names or belongs to: 'Russia', 'Russian forces', 'Ukraine's
    army', 'soldiers from North Korea' (nearest to the head first)."""
    g = f.g
    frontier, seen = [i], set()
    while frontier:
        nxt: list[int] = []
        for j in frontier:
            if j in seen:
                continue
            seen.add(j)
            if g.tokens[j].lemma == "whose" and g.tokens[j].dep == "nmod:poss":
                # 'Putin, whose forces have been grinding forward': whose is the noun the relative
                # clause hangs on (the parser may leave the clause a bare dependent)
                owned = g.tokens[j].head
                clause = g.tokens[owned].head if owned >= 0 else -1
                if clause >= 0 and g.tokens[clause].dep in ("acl:relcl", "dep") and g.tokens[clause].head >= 0 \
                        and g.tokens[g.tokens[clause].head].is_noun:
                    nxt.append(g.tokens[clause].head)
                continue
            if j in f.parties:
                # 'Ukraine-Russia talks', 'Russian-US talks' (split at the hyphen, 'Ukraine'
                # under 'Russia'): the first named leads, as the text orders them
                first = next((c for c in g.kids(j, "compound", "amod") if c in f.parties and c < j
                              and any(g.tokens[k].pos == "HYPH" and g.tokens[k].word not in _DASHES
                                      for k in range(c + 1, j))), None)
                if first is None and f.parties[j].form == "adj" and not _at_war(f.parties[j].code, res):
                    # 'Syrian and Russian mercenaries', 'Sri Lankan and Russian soldiers': a side at
                    # war named with another country's adjective leads (the country is who they are,
                    # the side whose forces; 'the United States and Russia' keep the text's order)
                    first = next((c for c in g.kids(j, "conj") if c in f.parties and f.parties[c].form == "adj"
                                  and _at_war(f.parties[c].code, res)), None)
                return f.parties[first if first is not None else j]
            if g.tokens[j].lemma in _RELATIONAL_NOUNS:
                # "Russia's ally North Korea": the ally named, not whose ally it is
                named = next((c for c in g.kids(j, "appos", "dep", "flat", "compound")
                              if c in f.parties and c > j), None)
                if named is not None:
                    return f.parties[named]
            for c in g.children[j]:
                dep = g.tokens[c].dep
                if dep == "acl" and g.tokens[c].pos == "VBN":
                    # 'the 11,000 troops sent from North Korea': where they were sent from is whose
                    nxt.extend(o for o in g.kids(c, "obl") if g.case_of(o) == "from")
                    continue
                if (dep.split(":")[0] in CLAUSE_DEPS and dep != "conj") or dep in ("acl:relcl",):
                    continue
                if (dep.startswith("nmod") or (dep.startswith("obl") and g.tokens[j].pos.startswith("JJ"))) \
                        and dep != "nmod:poss" and g.case_of(c) in _NOT_OWNER_CASES \
                        and not (g.case_of(c) == "in" and g.tokens[j].lemma in _SEATED_NOUNS and c in f.parties):
                    # 'troops ... to Vladivostok, Russia', 'a drone strike deep inside Russian
                    # territory' (the parser hangs the place on 'deep'): a place, not whose
                    continue
                if dep.startswith("nmod") and g.case_of(c) == "include" and c in f.places:
                    continue  # '121 drones targeting 13 regions, including Ryazan and Moscow': where to
                if c < j and any(g.tokens[k].word in _DASHES for k in range(c + 1, j)):
                    continue  # 'KYIV, Ukraine — Russian forces': the dateline, not whose forces
                nxt.append(c)
        frontier = sorted(nxt, key=lambda c: (_modifier_rank(g.tokens[c].dep), c))
    return None


# nouns of a relation between parties: the possessor is the other side of it
_RELATIONAL_NOUNS = frozenset({"ally", "partner", "neighbour", "neighbor", "backer", "patron", "proxy"})
# bodies a capital 'in' which names: 'the government in Berlin', 'officials in Kyiv' (troops in
# Kursk are not Kursk's)
_SEATED_NOUNS = frozenset({"government", "authority", "official", "leadership", "regime", "administration",
                           "ministry", "parliament"})
_NOT_OWNER_CASES = frozenset({"to", "in", "into", "near", "at", "on", "across", "inside", "toward", "towards",
                              "over", "against", "with", "alongside", "around", "through", "within"})


def _modifier_rank(dep: str) -> int:
    return {"nmod:poss": 0, "amod": 0, "compound": 0, "flat": 0, "nmod": 1, "conj": 3}.get(dep, 2)


_CLAUSES = frozenset({"acl:relcl", "ccomp", "advcl", "parataxis"})
_WHERE_CASES = frozenset({"in", "inside", "within", "near", "on", "at"})


_TARGET_CASES = frozenset({"on", "against", "upon"})


def phrase_parties(f: Facts, i: int, *, own_only: bool = False, unplaced: bool = False,
                   untargeted: bool = False) -> list[str]:
    """Every party code in a phrase (coordinations included), in text order. `own_only` leaves out
    the phrase's participle clauses ('145 Russian drones targeting Ukraine': Ukraine is not with them);
    `unplaced` leaves out countries named as where the phrase is ('Russian forces in Ukraine');
    `untargeted` leaves out what an 'on' or 'against' phrase names ('an attack by Russia on a
    Ukrainian city': Ukraine was hit, it did not strike)."""
    g = f.g
    out: list[str] = []
    for j in g.subtree(i, _CLAUSES | {"acl"} if own_only else _CLAUSES):
        if unplaced and j != i and j in f.places and g.case_of(j) in _WHERE_CASES:
            continue
        if untargeted and _in_target_phrase(g, i, j):
            continue
        for p in [f.parties.get(j), *f.inner_parties.get(j, ())]:
            if p and p.code not in out:
                out.append(p.code)
    return out


def _in_target_phrase(g: Graph, i: int, j: int) -> bool:
    """Whether j sits, below the phrase head i, in an 'on' or 'against' phrase."""
    k = j
    while k != i and k >= 0:
        if g.case_of(k) in _TARGET_CASES:
            return True
        k = g.tokens[k].head
    return False


def phrase_places(f: Facts, i: int, via: AbstractSet[str] | None = None) -> list[PlaceMention]:
    """The places in the phrase headed by i. With `via`, only places reached from i through
    places or nouns of `via` ('the Red Sea port city of Jeddah'), not those of another noun in
    the phrase ('a step toward peace in Europe')."""
    g = f.g
    out: list[PlaceMention] = []
    for j in g.subtree(i, frozenset({"acl:relcl", "ccomp", "parataxis"})):
        pl = f.places.get(j)
        if not pl or any(pl.name == o.name for o in out):
            continue
        if via is not None and j != i:  # (the argument's head itself is always its place)
            k = g.tokens[j].head
            while k >= 0 and k != i and (k in f.places or g.tokens[k].lemma in via or not g.tokens[k].is_noun):
                k = g.tokens[k].head
            if k != i:
                continue
        out.append(pl)
    return out


def in_words(tok: Token, words: AbstractSet[str]) -> bool:
    """Whether a vocabulary lists the token under one of the forms it may be listed under: its
    lemma, its word (lowercased) and the word's singular ('-s' or '-es' off). Tested one by one
    rather than by building the forms: the rules ask this some hundred times an article."""
    if tok.lemma in words:
        return True
    w = tok.word.lower()
    return w in words or (w.endswith("s") and w[:-1] in words) or (w.endswith("es") and w[:-2] in words)


def particles(g: Graph, verb: int) -> list[int]:
    """A verb's particles, before or after its object ('pushed them back'), also where the parser
    hangs the particle off another adverb ('pushed them back further': 'back' under 'further')."""
    out = g.kids(verb, "compound:prt", "advmod")
    return out + [k for a in out for k in g.kids(a, "advmod")]


_GROUND_NAME_CASES = frozenset({"on", "near", "toward", "towards", "around", "outside", "at", "in", "into"})


def counts_weapons(g: Graph, j: int, rules: Rules) -> bool:
    """A troop word that counts or names weapons: '14 units of these battle tanks', 'armoured
    personnel carriers' (a troop word compounded to a weapon names the weapon)."""
    weapons = rules.classes["weapon"]
    tok = g.tokens[j]
    if tok.dep == "compound" and tok.head >= 0 and in_words(g.tokens[tok.head], weapons):
        return True
    if tok.lemma == "fighter" and any(in_words(g.tokens[c], weapons) or names_weapon(g, c, rules) or (
            c + 2 < len(g.tokens) and hyphened(g, c, c + 2, weapons)) for c in g.kids(j, "compound")):
        return True  # 'transferred 14 F-16 fighters', 'Su-34 attack fighters': jets ('drone units' are troops)
    return any(g.case_of(k) == "of" and any(in_words(g.tokens[x], weapons) for x in g.phrase(k))
               for k in g.kids(j, "nmod"))


def gerund_as_noun(g: Graph, t: int) -> bool:
    """A gerund with no object used as a noun, the tagger's VBG: a subject ('Fighting continues in
    the Donbas'), or one an adjective or a possessive qualifies ('residents left due
    to daily Russian shelling', where the parser may hang the adjectives as its subject)."""
    tok = g.tokens[t]
    if tok.pos != "VBG" or g.kids(t, "obj"):
        return False
    if tok.dep in ("nsubj", "nsubj:pass") and not g.kids(t, "nsubj"):
        return True
    return any(g.tokens[k].pos in ("JJ", "PRP$") for k in g.kids(t, "amod", "nmod:poss", "nsubj", "dep"))


def names_weapon(g: Graph, j: int, rules: Rules) -> bool:
    """A word compounded to the noun after it into a weapon's name (classes.yaml weapon): 'attack
    helicopters', 'attack fighters' name aircraft, no attack."""
    tok = g.tokens[j]
    return (tok.dep == "compound" and tok.head >= 0
            and f"{tok.lemma.lower()} {g.tokens[tok.head].lemma.lower()}" in rules.classes["weapon"])


def measure_modifier(g: Graph, j: int, words: AbstractSet[str]) -> bool:
    """A noun hyphened to a number that modifies another kind of noun measures that noun:
    'the six-unit nuclear power plant' has six reactors, no troops ('a 500-soldier battalion' has)."""
    tok = g.tokens[j]
    return (tok.dep in ("compound", "amod") and tok.head >= 0 and not in_words(g.tokens[tok.head], words)
            and any(g.tokens[c].pos == "HYPH" for c in g.kids(j)) and bool(g.kids(j, "nummod")))


def counted_nationals(f: Facts, j: int, rules: Rules) -> bool:
    """People of a side counted by nationality: '12,000 North Koreans have been sent to help
    Russia' sends troops ('North Koreans' uncounted may be anyone; Ukrainians or Russians counted
    are as often refugees or deportees: 'nearly 8,000 Ukrainians have arrived in Saskatchewan')."""
    g = f.g
    if j not in f.parties or g.tokens[j].pos != "NNPS" or f.parties[j].code.lower() in rules.classes["war_sides"]:
        return False
    # (the parser may hang the number elsewhere: 'As many as 12,000 North Koreans')
    start = min([j, *g.kids(j, "compound", "amod")])
    return bool(g.kids(j, "nummod")) or (start > 0 and g.tokens[start - 1].pos == "CD")


def titles_person(g: Graph, j: int, rules: Rules) -> bool:
    """A troop word in the title before a person's name names the person, not troops: 'US Army
    Secretary Daniel Driscoll', 'Russian Army General Valery Gerasimov' ('Army units' are troops,
    and so is 'the Arizona Army National Guard')."""
    troops = rules.classes["troops"]

    def title(k: int) -> bool:
        return g.tokens[k].lemma in rules.speakers and not in_words(g.tokens[k], troops)

    titled = False
    while g.tokens[j].dep == "compound" and g.tokens[j].head >= 0:
        j = g.tokens[j].head
        titled = titled or title(j)
    head = g.tokens[j]
    return head.pos == "NNP" and not in_words(head, troops) and (titled or any(title(k) for k in g.kids(j, "compound")))


def controls_other(f: Facts, j: int, words: AbstractSet[str]) -> bool:
    """'control' over or of something that is no ground, named by common nouns only: 'maintain
    control over extraction operations' holds none ('took control of Kursk', 'control of the
    village', 'control over Krynky', a name the gazetteer may lack, do)."""
    g = f.g
    if g.tokens[j].lemma != "control":
        return False
    held = [c for c in g.kids(j, "nmod") if g.case_of(c) in ("over", "of")]
    # (a possessor names whose things they are, not ground: 'seized control of Lukoil's assets')
    owners = {x for c in held for o in g.kids(c, "nmod:poss") for x in g.subtree(o)}
    return bool(held) and not any(x in f.places or g.tokens[x].pos.startswith("NNP") or in_words(g.tokens[x], words)
                                  for c in held for x in g.phrase(c) if x not in owners)


def has_class(f: Facts, idx: list[int], cls: str, rules: Rules) -> bool:
    g = f.g
    if cls == "place":
        return any(j in f.places for j in idx)
    if cls == "party":
        return any(j in f.parties for j in idx)
    if cls == "named_ground":  # a place, or a country or capital named as a party is: 'rocked Kyiv'
        return any(j in f.places or (j in f.parties and f.parties[j].form == "noun") for j in idx)
    if cls == "war_side":  # a party that is one of the war's two sides (classes.yaml war_sides)
        return any(j in f.parties and f.parties[j].code.lower() in rules.classes["war_sides"] for j in idx)
    if cls == "outside_party":  # a party that is neither of the war's two sides: 'Poland', 'NATO forces'
        # (not who made the thing: 'US-made Patriot systems', classes.yaml making_verbs)
        return any(j in f.parties and f.parties[j].code.lower() not in rules.classes["war_sides"]
                   and not (g.tokens[j].head >= 0 and g.tokens[g.tokens[j].head].lemma in rules.classes["making_verbs"])
                   for j in idx)
    if cls == "war_side_country":  # one of the two sides named as a country: 'attacked Ukraine', not 'a Ukrainian port'
        return any(j in f.parties and f.parties[j].form == "noun"
                   and f.parties[j].code.lower() in rules.classes["war_sides"] for j in idx)
    if cls == "person":  # a party's person named: 'Zelensky'
        return any(j in f.parties and f.parties[j].form == "person" for j in idx)
    if cls == "multilateral":  # a body that meets on its own: the G7, NATO, the EU
        return any(j in f.parties and f.parties[j].code in rules.multilateral for j in idx)
    if cls == "casualty":
        return any(in_words(g.tokens[j], rules.casualty_words) for j in idx)
    if cls == "proper_name":  # a name the gazetteer lacks ('Novoazovsk'), not a party's
        return any(g.tokens[j].pos == "NNP" and j not in f.parties for j in idx)
    if cls == "bare_name":
        # such a name with no common noun before it: 'captured Toshkovka' ('school teacher
        # Viktoria Andrusha was taken' names a person)
        return any(g.tokens[j].pos == "NNP" and j not in f.parties and g.tokens[j].dep != "compound"
                   and not any(g.tokens[k].pos in ("NN", "NNS") for k in g.kids(j, "compound")) for j in idx)
    if cls == "ground_name":
        # such a name where an attack or a move lies: 'attacks on Urozhaine', 'advancing near Sinkovka'
        # ('countries from every region on Earth' places no attack)
        return any(g.tokens[j].pos == "NNP" and j not in f.parties and g.case_of(j) in _GROUND_NAME_CASES
                   and g.tokens[j].head >= 0 and (g.tokens[g.tokens[j].head].is_verb or in_words(
                       g.tokens[g.tokens[j].head], rules.classes["offensive_noun"])) for j in idx)
    if cls == "figure":
        return any(q[1] in idx for q in f.quants)
    if cls == "anything":  # the role is filled at all: forbidden, it must stay empty (a passive's doer)
        return bool(idx)
    if cls in ("troops", "troop_words", "trainees"):
        # ('a small number of Ukrainian pilots', 'dozens of soldiers': what a measure counts)
        measures = rules.classes.get("measure", frozenset())
        idx = idx + [k for j in idx if g.tokens[j].lemma in measures
                     for k in g.kids(j, "nmod") if g.case_of(k) == "of" and k not in idx]
    if cls == "troop_words":  # troops named by a troop word ('Russian forces'), not a nation's people counted
        cls = "troops"
    elif cls == "troops" and any(counted_nationals(f, j, rules) for j in idx):
        return True
    words = rules.classes.get(cls, frozenset())
    lemmas = [g.tokens[j].lemma for j in idx]
    for k, lemma in enumerate(lemmas):
        if g.tokens[idx[k]].dep == "case" and g.tokens[idx[k]].is_verb:
            continue  # a verb form that is a preposition names nothing: 'according to' is no accord
        if cls == "troops" and counts_weapons(g, idx[k], rules):
            continue  # 'MiG-29 fighter jets' are weapons, not fighters
        if cls == "offensive_noun" and names_weapon(g, idx[k], rules):
            continue  # 'destroyed two attack fighters': aircraft, not an attack
        if cls == "humanitarian" and military_beside(g, idx[k], rules):
            continue  # 'humanitarian and military aid' is military aid too
        if cls == "troops" and (measure_modifier(g, idx[k], words) or titles_person(g, idx[k], rules)):
            continue
        if cls == "troops" and any(g.tokens[m].lemma in rules.classes["civil_services"]
                                   for m in g.kids(idx[k], "amod", "compound")):
            continue  # 'emergency units', 'rescue teams', 'police forces' are no troops
        if cls == "territory" and controls_other(f, idx[k], words):
            continue
        if in_words(g.tokens[idx[k]], words):
            return True
        if k + 1 < len(lemmas) and f"{lemma} {lemmas[k + 1]}" in words:
            return True
        if k + 2 < len(idx) and hyphened(g, idx[k], idx[k + 2], words):
            return True
    return False


def _coordination(g: Graph, j: int, deps: tuple[str, ...] = ("conj",)) -> list[int]:
    """A word and the words coordinated with it ('economic, humanitarian, and security': each
    of the three), by its first conjunct."""
    first = g.tokens[j].head if g.tokens[j].dep in deps and g.tokens[j].head >= 0 else j
    return [first, *g.kids(first, *deps)]


def military_beside(g: Graph, j: int, rules: Rules) -> bool:
    """Whether a word of non-military aid stands beside military aid in one list: 'humanitarian
    and military aid', 'economic, humanitarian, and security assistance' (classes.yaml
    military_modifiers), 'modern weapons, financial and humanitarian assistance' (its noun
    listed with weapons)."""
    listed = _coordination(g, j)
    if any(in_words(g.tokens[c], rules.classes["military_modifiers"]) for c in listed):
        return True
    tok = g.tokens[listed[0]]  # ('financial and humanitarian assistance': the list modifies the noun)
    if tok.dep not in ("amod", "compound") or tok.head < 0:
        return False
    return any(in_words(g.tokens[c], rules.classes["weapon"])
               for c in _coordination(g, tok.head, ("conj", "appos")) if c != tok.head)


def hyphened(g: Graph, a: int, b: int, words: AbstractSet[str]) -> bool:
    """A name the tokenizer split at its hyphen, as written: 'F-16s' comes back as 'F', '-', '16s'."""
    first, mid, last = g.tokens[a], g.tokens[a + 1] if a + 1 < len(g.tokens) else None, g.tokens[b]
    if mid is None or b != a + 2 or mid.pos != "HYPH" or first.end != mid.start or mid.end != last.start:
        return False
    joined = f"{first.word}-{last.word}".lower()
    return joined in words or (joined.endswith("s") and joined[:-1] in words)


# --- arguments of a trigger --------------------------------------------------------------

@dataclass
class Args:
    subject: list[int] = field(default_factory=list)  # phrase heads
    object: list[int] = field(default_factory=list)
    oblique: list[int] = field(default_factory=list)
    modifier: list[int] = field(default_factory=list)
    agent: list[int] = field(default_factory=list)  # 'by X' of a passive
    governor: int | None = None  # the verb a noun trigger is an argument of
    self: int | None = None  # the trigger itself (a predicate noun: 'troops are in Russia')
    xcomp: list[int] = field(default_factory=list)  # 'continued to advance', 'helped Russia regain'
    manner: bool = False  # a noun in 'captured Sudzha in a surprise offensive': the subject's own act


def arguments(g: Graph, t: int, measures: frozenset[str] = frozenset()) -> Args:
    """The trigger's arguments. `measures` are nouns that only count or shape a noun trigger
    ('eight hours of talks', 'a wave of strikes'): the trigger takes their place in the clause."""
    tok = g.tokens[t]
    a = Args(self=t)
    nominal_adj = tok.pos.startswith("JJ") and tok.dep.split(":")[0] in ("obj", "nsubj", "obl", "nmod", "conj", "appos")
    gerund_noun = gerund_as_noun(g, t)
    if (tok.is_verb and not gerund_noun) or (tok.pos.startswith("JJ") and not nominal_adj) or g.kids(t, "cop"):
        a.subject = g.kids(t, "nsubj", "csubj")
        a.subject = [s for s in a.subject if not g.tokens[s].dep.startswith("nsubj:pass")]
        a.object = g.kids(t, "obj", "iobj") + g.kids(t, "nsubj:pass")
        # 'by X' of a passive, or of a bare participle ('drones launched by Russian forces'), or of
        # a gerund used as a noun, with no subject or object of its own ('two civilians died after
        # shelling by Ukrainian forces')
        passive = bool(g.kids(t, "nsubj:pass", "aux:pass")) or (tok.pos == "VBN" and not g.kids(t, "aux")) or (
            tok.pos == "VBG" and not g.kids(t, "nsubj", "obj", "aux"))
        for o in g.kids(t, "obl", "nmod", "advmod"):
            (a.agent if g.case_of(o) == "by" and passive else a.oblique).append(o)
        a.xcomp = g.kids(t, "xcomp")
        if tok.is_noun and g.kids(t, "cop"):  # a predicate noun keeps its modifiers: 'is under Russian control'
            a.modifier = [c for c in g.children[t] if g.tokens[c].dep in MODIFIER_DEPS]
        if not a.object and tok.dep == "conj" and tok.head >= 0 and g.tokens[tok.head].is_verb:
            a.object = g.kids(tok.head, "obj")  # 'killed or wounded 3,000 soldiers': a shared object
        if not a.subject and not g.kids(t, "nsubj:pass"):
            # (a passive with its own subject shares no doer: 'Ukraine had begun its offensive ...,
            # and all the attacks had been repelled' were not repelled by Ukraine)
            if g.kids(t, "aux:pass"):
                # a passive open clause's or conjunct's subject is what it befalls: '600 North Korean
                # soldiers are believed to have been killed', 'Russian troops attacked Robotyne and
                # were repelled'
                a.object = a.object + _inherited_subject(g, t)
            else:
                a.subject = _inherited_subject(g, t)
        # a participle after its noun is a reduced relative, even where the parser calls it an
        # adjective ('59 Russian drones launched in an overnight attack')
        if (tok.dep == "acl" or (tok.dep == "amod" and tok.pos in ("VBN", "VBG") and tok.head < t)) \
                and tok.head >= 0:
            # 'troops deployed to Kursk': the noun is the object; 'drones targeting Ukraine': the doer
            host = g.tokens[tok.head]
            if tok.pos == "VBG" and t > 0 and g.tokens[t - 1].word == "," and host.dep in ("obl", "obj") \
                    and host.head >= 0 and g.tokens[host.head].is_verb and g.kids(host.head, "nsubj"):
                # 'unleashed missiles on Ukrainian ports, killing civilians': after a comma the
                # participle goes on from the clause, whose subject did it (the parser hangs it on the noun)
                a.subject = g.kids(host.head, "nsubj")
            else:
                (a.subject if tok.pos == "VBG" else a.object).append(tok.head)
        cleft = tok.dep == "dep" and tok.head >= 0 and bool(g.kids(tok.head, "cop"))  # 'It is Ukraine that has ...'
        if (tok.dep == "acl:relcl" or cleft) and tok.head >= 0:
            # 'Kursk, which Ukraine captured': the relative pronoun stands for the noun it hangs off
            rel = {"which", "that", "who", "whom"}
            a.subject = [tok.head if g.tokens[s].lemma in rel else s for s in a.subject]
            a.object = [tok.head if g.tokens[o].lemma in rel else o for o in a.object]
            if not a.object and a.subject and tok.head not in a.subject and tok.pos != "VBG" \
                    and not g.kids(t, "obl:npmod", "xcomp", "ccomp"):
                # 'the 83 drones Russia launched': a relative with a subject of its own and no
                # pronoun has the noun for its object
                a.object = [tok.head]
    else:
        for c in g.children[t]:
            dep = g.tokens[c].dep
            if dep in MODIFIER_DEPS or (gerund_noun and dep in ("dep", "nsubj") and g.tokens[c].pos.startswith("JJ")):
                a.modifier.append(c)  # (a gerund noun's adjectives, however the parser hangs them)
            elif dep.startswith("nmod") or dep == "acl" or (gerund_noun and dep == "obl"):
                case = g.case_of(c)
                if case in ("of", "over"):
                    a.object.append(c)
                elif case == "by":
                    a.agent.append(c)
                else:
                    a.oblique.append(c)
        gov = tok.head
        place = tok
        if (gov >= 0 and tok.dep.startswith("nmod") and g.case_of(t) == "of"
                and g.tokens[gov].lemma in measures and g.tokens[gov].head >= 0):
            place = g.tokens[gov]  # 'led eight hours of talks': 'hours' stands where the talks are
            gov = place.head
            # what the measure is placed by is the trigger's: 'another round of attacks in the Odesa region'
            a.oblique += [c for c in g.kids(place.i, "nmod") if c != t and g.case_of(c) not in ("of",)]
        if (gov >= 0 and place.dep == "conj" and g.tokens[gov].is_noun and g.tokens[gov].pos in ("NN", "NNS")
                and g.tokens[gov].dep == "obj"):
            # 'conducting some harassing fires and some probing attacks': the first conjunct's verb
            # governs the second too
            place = g.tokens[gov]
            gov = place.head
        # (an indirect object too: the parser may make the first of two nouns after a verb one,
        # 'launched an all-out invasion of Ukraine by land, air and sea')
        if gov >= 0 and place.dep in ("obj", "iobj", "nsubj:pass", "obl", "xcomp", "nsubj", "conj", "appos"):
            head = g.tokens[gov]
            if head.is_verb or head.pos.startswith("JJ"):
                a.governor = gov
                if place.dep in ("obj", "iobj", "xcomp", "obl"):
                    a.subject = [s for s in g.kids(gov, "nsubj") if s not in (t, place.i)] or _inherited_subject(g, gov)
                    if head.dep == "acl:relcl" and head.head >= 0:
                        # 'soldiers who are conducting offensive actions': the pronoun stands for the
                        # people it hangs off ('which' of things names no doer)
                        a.subject = [head.head if g.tokens[s].lemma == "who" else s for s in a.subject]
                    a.manner = place.dep == "obl" and g.case_of(place.i) in ("in", "during", "through", "since", "with",
                                                                             "amid")
                    a.agent += [o for o in g.kids(gov, "obl") if g.case_of(o) == "by"]
                    a.oblique += [o for o in g.kids(gov, "obl") if o not in (t, place.i) and g.case_of(o) != "by"]
                elif place.dep in ("nsubj", "nsubj:pass"):
                    a.object += g.kids(gov, "obj")
                    if head.lemma in _HAPPENING_VERBS or (place.dep == "nsubj:pass" and head.lemma in _PERCEIVED_VERBS):
                        # 'assaults were taking place in the vicinity of Selydove': where it happens
                        a.oblique += [o for o in g.kids(gov, "obl") if o != t]
    return a


# verbs of a speech tag: a participle the parser hangs on one does not share its subject
_SPEECH_LEMMAS = frozenset({"say", "tell", "report", "add", "announce", "claim", "state", "write", "note"})


# verbs that say where or when their subject happens: 'the assaults took place near Selydove'
_HAPPENING_VERBS = frozenset({"take", "occur", "rage", "continue", "intensify", "unfold", "happen", "persist",
                              # a predicate of going on: 'Discussions are underway between ... delegations'
                              "underway", "ongoing", "resume", "begin", "start"})


# verbs by which a happening is perceived, whose passive says where it was: 'explosions were heard
# in Kyiv', 'strikes were reported in Kharkiv'
_PERCEIVED_VERBS = frozenset({"hear", "report", "record", "see", "register", "feel", "observe", "notice"})


# a passive of these names the instrument, not who acts: 'they have been used to attack U.S.
# forces' ('Rubio is expected to meet' names who meets)
_INSTRUMENT_VERBS = frozenset({"use", "employ", "design", "build", "intend", "develop", "adapt", "modify"})


def nominal(g: Graph, i: int) -> bool:
    """The token stands for a thing: a noun, or an adjective the tagger gave a noun's place ('an
    all-out offensive'); not a bare adjective the parser took for an object ('pushing hard')."""
    return g.tokens[i].is_noun or bool(g.kids(i, "det", "nmod:poss", "amod", "nummod", "compound"))


def _inherited_subject(g: Graph, t: int) -> list[int]:
    """The subject a verb shares with the verb it hangs off: 'Ukraine used the missiles and hit
    targets', 'Russia continued to advance', 'soldiers who are resisting and repelling'."""
    j = t
    for _ in range(4):
        tok = g.tokens[j]
        if tok.head < 0 or (tok.dep not in ("conj", "xcomp", "advcl", "acl")
                            and not (tok.dep in ("dep", "obl") and tok.pos == "VBG")):
            return []  # (a participle the parser leaves as a bare dependent: '..., providing weapons')
        j = tok.head
        if tok.dep == "acl" and tok.pos == "VBG" and g.tokens[j].is_noun and g.case_of(j) == "with":
            return [j]  # 'with Russian forces launching 56 attacks': the noun does it
        if tok.pos == "VBG" and g.tokens[j].lemma in _SPEECH_LEMMAS and tok.dep in ("dep", "advcl", "conj") \
                and tok.i > 0 and g.tokens[tok.i - 1].word == ",":
            # '..., Ukrainian officials said, killing at least four people': a participle set off
            # after a speech tag goes on from the reported clause, not from the speakers ('reported
            # capturing a village' is theirs)
            return []
        objects = [o for o in g.kids(j, "obj") if nominal(g, o)]  # ('pushing hard to gain': no object)
        if tok.dep == "xcomp" and objects:
            return objects  # 'urged Russia to accept a ceasefire': Russia would accept
        if tok.pos == "VBG" and tok.dep in ("advcl", "acl", "obl") and g.kids(j, "obj") and any(
                g.tokens[m].lemma in ("of", "for", "with") for m in g.kids(tok.i, "mark", "case")):
            # 'accused Pyongyang of shipping munitions', 'condemn the DPRK for providing Russia',
            # 'charged Russia with conducting two strikes'
            return g.kids(j, "obj")
        subj = [s for s in g.kids(j, "nsubj") if not g.tokens[s].dep.startswith("nsubj:pass")]
        if not subj and tok.dep == "xcomp" and g.tokens[j].lemma not in _INSTRUMENT_VERBS:
            subj = g.kids(j, "nsubj:pass")  # 'Rubio is expected to have a meeting'
        if subj:
            if g.tokens[j].dep == "acl:relcl" and g.tokens[subj[0]].lemma in ("who", "which", "that"):
                return [g.tokens[j].head]
            return subj
        if g.tokens[j].dep == "acl":
            return []
    return []


def _partner_heads(g: Graph, a: Args) -> list[int]:
    """Who an act of diplomacy is with: an object, 'with'/'to'/'between' phrases, a coordination."""
    heads = list(a.object) + [o for o in a.oblique + a.modifier
                              if g.case_of(o) in ("with", "to", "between", "among")]
    # 'spoke with X to offer support' is often parsed as a 'with'-clause whose subject is X
    for c in g.kids(a.self, "advcl") if a.self is not None else ():
        if any(g.tokens[m].lemma == "with" for m in g.kids(c, "mark")):
            heads += g.kids(c, "nsubj")
    for s_ in a.subject:
        heads += g.kids(s_, "conj")
        # 'Ukrainian and Russian delegations met': two sides named on the subject
        for m in g.kids(s_, "amod", "compound", "nmod:poss"):
            if g.kids(m, "conj"):
                heads += [m, *g.kids(m, "conj")]
        # 'Delegations from the United States and Russia are meeting'
        for m in g.kids(s_, "nmod"):
            if g.case_of(m) == "from" and g.kids(m, "conj"):
                heads += [m, *g.kids(m, "conj")]
    if a.governor is not None:  # 'told Umerov during a meeting in Washington'
        heads += [o for o in g.kids(a.governor, "obj", "iobj") if o != a.self]
    heads += [m for m in a.modifier if g.tokens[m].dep in ("nmod:poss", "amod", "compound")]
    return heads


def _noun_heads(g: Graph, heads: list[int]) -> list[int]:
    """The nouns themselves with their names, modifiers, figures and 'of' phrases ('thousands of
    soldiers'), not the phrases that hang off them otherwise."""
    out: list[int] = []
    for h in heads:
        out.append(h)
        out += [c for c in g.children[h] if g.tokens[c].dep in ("compound", "flat", "amod", "nummod")]
        out += [c for c in g.children[h] if g.tokens[c].dep.startswith("nmod") and g.case_of(c) == "of"]
        for c in list(out):
            out += [x for x in g.children[c] if g.tokens[x].dep in ("compound", "flat", "conj")]
    return out


def role_tokens(g: Graph, a: Args, role: str, rules: Rules | None = None) -> list[int]:
    """The tokens that fill a role of a trigger's arguments (`rules`: for the roles that read the
    rule files, 'ally')."""
    heads: list[int]
    if role == "object":
        heads = a.object
    elif role == "subject":
        heads = a.subject + a.agent
    elif role == "object_or_subject":
        heads = a.object + a.subject + a.agent
    elif role == "modifier":
        heads = a.modifier + a.agent
    elif role == "oblique":
        heads = a.oblique
    elif role == "whereabouts":
        # where something is: a copula's predicate or an oblique, in a phrase of place ('are in
        # Russia', 'present in the Kursk region'; not 'are of the utmost importance to Ukraine')
        heads = [h for h in ([a.self] if a.self is not None else []) + a.oblique if g.case_of(h) in _WHEREABOUTS]
    elif role == "object_head":
        # the object itself, not what hangs off it: 'took control of Kursk', not 'a photo of the village'
        return _noun_heads(g, a.object)
    elif role == "object_noun":
        # the object's own nouns, not their modifiers: 'launched an assault', not 'sent assault brigades'
        return [j for o in a.object for j in [o, *g.kids(o, "conj")]]
    elif role == "subject_head":
        # the subject itself: 'Ukrainian soldiers are training', not 'fighting between forces remains'
        return _noun_heads(g, a.subject + a.agent)
    elif role == "determiner":
        # the article or possessive pronoun a noun trigger is said with: 'these negotiations', 'their call'
        return [c for c in g.kids(a.self, "det", "nmod:poss") if g.tokens[c].pos in ("DT", "PRP$")] \
            if a.self is not None else []
    elif role == "partner":
        heads = _partner_heads(g, a)
    elif role == "partner_head":
        # the partners themselves, not what hangs off them: 'met with fierce Ukrainian resistance'
        return _noun_heads(g, _partner_heads(g, a))
    elif role == "progress_in":  # what progress is made in doing: 'progress in providing new weapons'
        # (the parser may hang the 'in' phrase on the verb, with the gerund as an adjective in it)
        hosts = ([a.self] if a.self is not None else []) + ([a.governor] if a.governor is not None else [])
        found = []
        for h in hosts:
            for c in g.kids(h, "acl", "nmod", "obl"):
                if g.tokens[c].pos == "VBG" or (g.case_of(c) == "in" and any(
                        g.tokens[k].pos == "VBG" for k in g.kids(c, "amod", "acl"))):
                    found.append(c)
        return found
    elif role == "participle":  # a participle on the noun: 'the gains made around the city'
        heads = [c for c in g.kids(a.self, "acl") if g.tokens[c].pos in ("VBN", "VBG")] if a.self is not None else []
        return heads
    elif role == "listed_object":
        # the later objects of a list: 'sent 3,000 more troops and additional missiles'
        heads = [c for o in a.object for c in g.kids(o, "conj")]
    elif role == "driven_from":
        # where a side was driven from: 'out of the Kursk region', 'from Sudzha'
        out_particle = a.self is not None and any(g.tokens[k].lemma == "out" for k in g.kids(a.self, "compound:prt"))
        heads = [o for o in a.oblique if g.case_of(o) in ("from", "out") or (out_particle and g.case_of(o) == "of")]
    elif role == "supplied_with":
        # what a recipient is supplied with: 'supplied Putin's forces with attack drones' (graph
        # repair _reattach_supplied_with gives the verb a 'with' phrase the parser hung on the object)
        heads = [o for o in a.oblique if g.case_of(o) == "with"]
    elif role == "aimed_at":
        # where something is aimed: 'sent 40 drones toward the Kyiv region', 'fired missiles at Kharkiv'
        heads = [o for o in a.oblique if g.case_of(o) in ("toward", "towards", "at", "against", "into", "onto", "over")]
    elif role == "circumstance":
        # participle clauses that say how or with what result: 'attacked the oblast 65 times,
        # killing two', 'carried out 60 attacks using mortars'
        # (the parser hangs them as advcl, acl, xcomp or conj, and off the trigger's own object)
        bases = [b for b in (a.self, a.governor) if b is not None]
        if a.self is not None and g.tokens[a.self].is_noun:
            bases += g.kids(a.self, "nmod")
        out = []
        for base in bases:
            for c in g.kids(base, "advcl", "acl", "xcomp", "conj", "dep"):  # (or as a bare dependent)
                if g.tokens[c].pos == "VBG":
                    out += g.subtree(c, frozenset({"ccomp", "parataxis"}))
        return out
    elif role == "self":
        return g.subtree(a.self, frozenset({"nsubj", "ccomp", "parataxis", "advcl", "acl:relcl", "conj", "csubj"})) \
            if a.self is not None else []
    elif role == "xcomp":  # an open clause under the trigger: 'were able to retake the village'
        heads = a.xcomp
    elif role == "small_clause":
        # the state a verb leaves something in: 'leaving at least 15 people injured', 'left two dead'
        # (a clause under the verb, or a participle or adjective after its object)
        if a.self is None:
            return []
        # (a clause with an auxiliary of its own is no state: ', which was earlier blocked', hung
        # on the verb by the parser)
        states = [c for c in g.kids(a.self, "ccomp", "xcomp") if g.tokens[c].pos in ("VBN", "JJ")
                  and not g.kids(c, "aux", "aux:pass", "cop")]
        return states + [c for o in a.object for c in g.kids(o, "acl", "amod")
                         if c > o and g.tokens[c].pos in ("VBN", "JJ")]
    elif role == "particle":
        return particles(g, a.self) if a.self is not None else []
    elif role == "ally":  # whom troops fight or serve beside: 'alongside Russian forces', 'on the side of Russia'
        if a.self is None or rules is None:
            return []
        found = []
        for o in g.kids(a.self, "obl", "nmod", "advcl"):
            case = g.case_of(o)
            if case in rules.classes["ally_cases"]:
                found.append(o)
            elif case == "on" and g.tokens[o].lemma == "side":
                found += [n for n in g.kids(o, "nmod") if g.case_of(n) == "of"]
        return [j for o in found for j in g.phrase(o)]
    elif role == "case":  # the preposition of a noun trigger: 'is under attack'
        return g.kids(a.self, "case") if a.self is not None else []
    elif role == "support":  # the verb a noun trigger is the object of: 'launched a war'
        return [a.governor] if a.governor is not None else []
    elif role == "governor_head":
        # what the noun a modifier hangs off is an argument of, up to three steps (the parser may
        # put a clause between): 'need for U.S.-made systems (to protect ...)'
        head = g.tokens[a.self].head if a.self is not None else -1
        return g.ancestors(head)[:3] if head >= 0 else []
    elif role == "governor":  # the noun a modifier trigger hangs off
        head = g.tokens[a.self].head if a.self is not None else -1
        return [head] if head >= 0 else []
    else:
        heads = a.subject + a.object + a.oblique + a.modifier + a.agent + a.xcomp
        if a.self is not None and g.kids(a.self, "cop"):
            heads = [*heads, a.self]
    # 'an attack launched by Ukrainian forces': the noun a participle hangs off is its argument,
    # but not with the participle's own phrase inside it
    host = g.tokens[a.self].head if a.self is not None and g.tokens[a.self].dep in ("acl", "amod") else -1
    own = set(g.subtree(a.self)) if host >= 0 and a.self is not None else set()
    phrases: list[int] = []
    for h in heads:
        phrases.extend(j for j in g.phrase(h) if j not in own) if h == host else phrases.extend(g.phrase(h))
    return phrases


# --- attribution -------------------------------------------------------------------------

@dataclass
class Attribution:
    claimant: int | None  # head token of the claimant phrase
    modality: str  # claimed, estimated, denied
    verb: int  # the token of saying


def attributions(g: Graph, t: int, rules: Rules) -> list[Attribution]:
    """The verbs (or nouns) of saying that report the clause of token t, nearest first:
    'X said (that) ...', '..., X said', 'according to X', "X's claim that ...".

    Kept in the graph's memo: the noise check, the attribution and the time of one trigger each
    ask for it (a copy of the list is returned; no caller changes an Attribution)."""
    key = ("attributions", t, id(rules))
    found = g.memo.get(key)
    if found is None:
        found = g.memo[key] = [
            # a recording that shows it is no one who claims it ('Dramatic drone footage shows Russian
            # shelling of Bakhmut', 'a clip appeared to show'; classes.yaml recordings)
            Attribution(None, a.modality, a.verb) if a.claimant is not None
            and in_words(g.tokens[a.claimant], rules.classes["recordings"]) else a
            for a in _attributions(g, t, rules)]
    return list(found)


def _attributions(g: Graph, t: int, rules: Rules) -> list[Attribution]:
    out: list[Attribution] = []
    chain = [t, *g.ancestors(t)]
    # (a denial above judges relative clauses itself: see the extractor's _relative_between)
    denial_above = any(rules.attribution_verbs.get(g.tokens[j].lemma) == "denied" for j in chain[1:])
    for k, j in enumerate(chain):
        tok = g.tokens[j]
        if k > 0 and not denial_above and _background_of(g, chain[k - 1], rules):
            return out  # (nor does a speech tag elsewhere in the sentence report it)
        if k > 0 and tok.lemma in rules.attribution_verbs and tok.is_verb and tok.dep in ("xcomp", "csubj") \
                and tok.head >= 0 and rules.attribution_verbs.get(g.tokens[tok.head].lemma) == "denied":
            continue  # 'it is incorrect to say that ...': the saying is what is called false
        if k > 0 and tok.lemma in rules.attribution_verbs and (tok.is_verb or tok.pos.startswith("JJ")):
            # the clause must be reported by it, not merely sit under it as its subject
            came_from = g.tokens[chain[k - 1]]
            if came_from.dep == "conj" and came_from.lemma in rules.attribution_verbs and came_from.is_verb:
                # 'Kyiv rejected the claim, and military sources said parts remain under its
                # control': a second statement beside the first, not reported by it
                continue
            if came_from.dep == "conj" and came_from.is_verb and came_from.i > j \
                    and rules.attribution_verbs.get(tok.lemma) == "denied":
                # 'Ukraine's military denied the claims and launched a major counteroffensive': what
                # the denier goes on to do is its own act, not what it denies
                continue
            # 'No deaths were reported in the attack, but one person was killed': what was reported
            # is its own subject; the clause beside it is told apart (a speech tag on the verb
            # still reports both: see below)
            beside = came_from.dep == "conj" and came_from.is_verb and bool(g.kids(j, "nsubj:pass", "ccomp"))
            if came_from.base in ("advcl", "dep") and came_from.pos == "VBG" \
                    and came_from.lemma in rules.speech_occasions:
                return out  # 'Speaking after his meeting ..., Rubio said': the occasion, not the content
            occasion = (came_from.base == "obl" and came_from.is_noun) or (
                came_from.base == "advcl" and came_from.pos == "VBG" and not g.kids(came_from.i, "nsubj"))
            if occasion and any(g.tokens[m].lemma in rules.occasion_marks for m in g.kids(came_from.i, "mark", "case")):
                return out  # 'Zelensky said after meeting Erdogan that ...': when it was said, not what
            if came_from.dep == "ccomp" and any(g.tokens[m].lemma == "to" for m in g.kids(came_from.i, "mark")) \
                    and any(g.tokens[w].pos in ("WRB", "WP") for w in g.kids(came_from.i, "advmod", "obj", "mark")):
                # 'officials were assessing how to extract people as Russian forces attacked Kyiv':
                # a question of what to do is no report, and what it is asked during is the writer's
                continue
            speaker = _speaker(g, j)
            if speaker is not None and speaker == came_from.i:
                # the saying verb's own subject is no content it reports: 'according to Britain's
                # Ministry of Defense, which confirmed Russia's rapid advance', parsed with the
                # advance for the subject of 'confirmed', names no speaker of the advance; the
                # speaker is an apposition of it, if any ('Farther north, a Russian missile attack
                # wounded 10, regional Governor Oleh Syniehubov said', parsed as one subject)
                speaker = _apposed_speaker(g, speaker, chain)
                if speaker is None:
                    continue
            # ('said in messages posted on social media that ...': the message a speaker said it in)
            if not beside and (came_from.dep.split(":")[0] in ("ccomp", "xcomp", "parataxis", "advcl", "obj", "conj",
                                                               "dep", "nsubj", "csubj")
                               or (came_from.dep == "obl" and came_from.pos == "VBG")
                               or (came_from.dep == "obl" and came_from.lemma in rules.attribution_nouns)) \
                    and not (speaker is not None and g.tokens[speaker].lemma in rules.time_owners):
                # ('accused Pyongyang of sending soldiers': a gerund the parser may hang as an
                # oblique; 'Days after the talks concluded, Putin has ...': a time ends, nobody
                # concludes)
                out.append(Attribution(speaker, rules.attribution_verbs[tok.lemma], j))
        if k > 0 and tok.lemma in rules.attribution_nouns and tok.is_noun:
            came_from = g.tokens[chain[k - 1]]
            if came_from.dep.split(":")[0] in ("acl", "ccomp", "nmod") or (
                    came_from.dep == "dep" and any(g.tokens[m].lemma == "that" for m in g.kids(came_from.i, "mark"))):
                # 'claims by Russian officials that they had regained Kursk' (a 'that' clause the
                # parser leaves as a bare dependent)
                # whose claim: "Russia's", 'by Russian officials', 'Ukrainian' ('earlier claims by
                # Russian officials': the 'by' phrase before an adjective of time)
                by = [c for c in g.kids(j, "nmod") if g.case_of(c) in ("by", "from")]
                # (an adjective names an owner only as a proper one: 'Ukrainian claims', not 'a formal
                # statement' or 'confidential reports')
                proper = [o for o in g.kids(j, "amod") if g.tokens[o].word[:1].isupper()]
                owner = next((o for o in g.kids(j, "nmod:poss") + by + g.kids(j, "compound") + proper
                              if g.tokens[o].lemma not in rules.time_owners), None)
                if owner is None and tok.dep == "obj" and tok.head >= 0 \
                        and g.tokens[tok.head].lemma in rules.statement_verbs:
                    # 'Indonesia has issued a formal statement condemning ...': who issues it says it
                    owner = _speaker(g, tok.head)
                if owner is None and tok.dep == "obl" and g.case_of(j) == "in" and tok.head >= 0 \
                        and g.tokens[tok.head].is_verb and g.tokens[tok.head].lemma in rules.attribution_verbs:
                    # 'the ministry said in a statement posted on X that ...': the speaker's statement
                    owner = _speaker(g, tok.head)
                modality = rules.attribution_nouns[tok.lemma]
                called_false = [c for c in g.kids(j, "nsubj", "amod") if g.tokens[c].pos.startswith("JJ")]
                if tok.dep == "nsubj" and tok.head >= 0 and g.tokens[tok.head].pos.startswith("JJ"):
                    called_false.append(tok.head)
                if any(rules.attribution_verbs.get(g.tokens[c].lemma) == "denied" for c in called_false):
                    # 'Also untrue are statements suggesting that ...', 'the claims are baseless'
                    modality = "denied"
                if tok.lemma in rules.evidence_nouns:
                    # 'there is no evidence that more troops are entering': a denial by the speaker
                    if not any(g.tokens[d].lemma in ("no", "little") for d in g.kids(j, "det", "amod")):
                        continue
                    modality = "denied"
                out.append(Attribution(owner, modality, j))
        for c in g.kids(j, "parataxis", "advcl", "dep"):
            ct = g.tokens[c]
            if any(g.tokens[mk].lemma not in ("as",) for mk in g.kids(c, "mark")):
                continue  # 'although Moscow will neither confirm nor deny': not what reports the clause
            if ct.pos == "VBG" and ct.dep == "advcl" and not g.kids(c, "nsubj") and c > j:
                # 'Ukraine launched an offensive into Kursk, saying it had seized ...': what the
                # subject did is told by the outlet; its participle of saying reports what follows
                continue
            if ct.lemma in rules.attribution_verbs and ct.is_verb and not _takes_lives(g, c) \
                    and not _after_semicolon(g, j, c):
                # (a speaker that is the reported clause itself is none: see above)
                speaker = _speaker(g, c)
                if speaker in chain:
                    speaker = _apposed_speaker(g, speaker, chain)
                    if speaker is None:
                        continue
                out.append(Attribution(speaker, rules.attribution_verbs[ct.lemma], c))
        for c in g.kids(j, "obl", "nmod", "advmod"):
            if any(g.tokens[x].lemma == "accord" or g.tokens[x].word.lower() in ("according", "per")
                   for x in g.kids(c, "case")):
                # ('as per the Ukrainian presidential advisor': 'according to')
                out.append(Attribution(c, "claimed", c))
    # 'according to X' and 'as reported by X' report the whole sentence, wherever the parser
    # attached them
    if not out:
        trailing = _trailing_speech_tag(g, t, rules) or _conjunct_speech_tag(g, chain, rules)
        if trailing is not None:
            out.append(trailing)
    if not out:
        for tok in g.tokens:
            if tok.word.lower() == "according" and tok.head >= 0:
                out.append(Attribution(tok.head, "claimed", tok.head))
                break
            if tok.lemma in rules.attribution_verbs and tok.is_verb and any(
                    g.tokens[m].lemma == "as" for m in g.kids(tok.i, "mark", "case", "advmod")):
                out.append(Attribution(_speaker(g, tok.i), rules.attribution_verbs[tok.lemma], tok.i))
                break
    return out


def _background_of(g: Graph, j: int, rules: Rules) -> bool:
    """The clause or noun is background the writer gives, not part of what a speaker above it
    says: a relative clause on a place ('Kursk, a Russian region where Ukraine launched an
    incursion in August'), or a clause or noun marked as background (attribution.yaml
    background_marks and background_cases: 'the seventh since Russian forces seized the plant',
    'amid overnight attacks on Ukraine')."""
    tok = g.tokens[j]
    if tok.dep == "acl:relcl":
        if any(g.tokens[c].lemma == "where" for c in g.kids(j, "advmod")):
            return True
        # ... or a clause set off by commas on a named person or country ('Fico, who visited
        # Moscow on Sunday, opposes ...'): the writer's aside inside the reported speech
        first = min(g.subtree(j))
        return tok.head >= 0 and g.tokens[tok.head].pos == "NNP" and first > 0 and g.tokens[first - 1].word == ","
    if tok.base == "advcl" and any(g.tokens[m].lemma in rules.background_marks for m in g.kids(j, "mark")):
        return True
    return tok.is_noun and g.case_of(j) in rules.background_cases


def _apposed_speaker(g: Graph, subject: int, content: list[int]) -> int | None:
    """The last apposition of a saying verb's subject that is not part of the reported content."""
    return next((k for k in reversed(g.kids(subject, "appos")) if k not in content), None)


def _after_semicolon(g: Graph, clause: int, verb: int) -> bool:
    """'Zelensky meets with Biden at the White House; This Wednesday the US announced military
    aid': a statement of its own after a semicolon, not a speech tag on the clause before it."""
    start = min(g.subtree(verb, frozenset({"ccomp", "parataxis"})))
    return clause < start and any(g.tokens[k].word == ";" for k in range(clause, start))


def _takes_lives(g: Graph, verb: int) -> bool:
    """'a strike hit Bahatyr, claiming the life of a boy': 'claim' that kills, not that says."""
    return any(g.tokens[o].lemma in ("life", "lives") for o in g.kids(verb, "obj"))


_QUOTES = frozenset({"''", "``", '"', "”", "’"})


def _trailing_speech_tag(g: Graph, t: int, rules: Rules) -> Attribution | None:
    """'"Over 10,000 soldiers have been sent to eastern Russia, and most of them have moved to
    Kursk," spokesperson Vedant Patel told reporters': a speech tag after a closing quote reports
    the whole quotation, wherever the parser hung it."""
    for tok in g.tokens:
        if tok.i <= t or not tok.is_verb or tok.lemma not in rules.attribution_verbs or not g.kids(tok.i, "nsubj"):
            continue
        subject_start = min(g.phrase(min(g.kids(tok.i, "nsubj"))))
        before = [g.tokens[k] for k in range(max(0, subject_start - 2), subject_start)]
        if any(b.word in _QUOTES or b.pos in ("''",) for b in before):
            return Attribution(_speaker(g, tok.i), rules.attribution_verbs[tok.lemma], tok.i)
    return None


def _conjunct_speech_tag(g: Graph, chain: list[int], rules: Rules) -> Attribution | None:
    """'An oil refinery caught fire after a Ukrainian drone attack, but the blaze has now been put
    out, the regional governor said': a speech tag the parser hangs on the last of two conjoined
    clauses reports both."""
    for j in chain:
        for c in g.kids(j, "conj"):
            if c < j or not g.tokens[c].is_verb:
                continue
            for d in g.kids(c, "parataxis"):
                tag = g.tokens[d]
                if d > c and tag.is_verb and tag.lemma in rules.attribution_verbs and g.kids(d, "nsubj"):
                    return Attribution(_speaker(g, d), rules.attribution_verbs[tag.lemma], d)
    return None


def _speaker(g: Graph, verb: int) -> int | None:
    # a passive verb of saying has what is said about as its subject: 'Russia is believed to
    # have lost ...' (the speaker, if named, is its 'by' phrase)
    subj = [s_ for s_ in g.kids(verb, "nsubj") if g.tokens[s_].dep != "nsubj:pass"]
    if subj:
        # Two subjects mean a misparsed opener ('Citing intelligence reports, Zelensky said'):
        # the one next to the verb speaks.
        return max(subj) if all(s_ < verb for s_ in subj) else subj[0]
    agent = [o for o in g.kids(verb, "obl") if g.case_of(o) == "by"]
    if agent:
        return agent[0]
    tok = g.tokens[verb]
    if tok.lemma != "tell" and (any(c < verb for c in g.kids(verb, "ccomp")) or any(
            c < verb and g.tokens[c].is_verb and g.tokens[verb - 1].word == "," for c in g.kids(verb, "dep"))):
        # an inverted speech tag after what it reports, whose speaker the parser made an object:
        # '... were killed, reported the National Intelligence Service of South Korea' (or its
        # clause left a bare dependent: 'Elsewhere, five people were wounded ..., said local
        # governor Serhii Lysak')
        after = [o for o in g.kids(verb, "obj", "iobj") if o > verb]
        if after:
            return after[0]
    if (tok.dep in ("conj", "xcomp") or (tok.dep in ("advcl", "dep") and tok.pos == "VBG")) and tok.head >= 0:
        head = g.tokens[tok.head]
        if tok.pos == "VBG" and head.dep == "ccomp" and head.head >= 0:
            # 'The ministry said fighting continues, noting that ...': a speech participle hung on
            # a reported clause goes on in the voice of whoever reports it
            return _speaker(g, head.head)
        return _speaker(g, tok.head)  # 'Austin spoke, noting that ...'
    if tok.dep in ("acl", "dep") and tok.pos in ("VBD", "VBZ") and tok.head >= 0:
        # 'Gerasimov, seated among officers opposite Putin, who was in uniform, told the
        # president that ...': a past-tense verb with no subject, hung off an apposition's
        # noun, is the verb of the highest noun above it (the name the appositions describe)
        nouns = [j for j in g.ancestors(verb) if g.tokens[j].pos in ("NNP", "NNPS", "NN", "NNS")]
        if nouns:
            return nouns[-1]
    if tok.dep == "acl" and tok.pos == "VBG" and tok.head >= 0:
        noun = g.tokens[tok.head]  # 'Austin cited a relationship, noting that ...': the parser hangs
        if noun.dep == "obj" and noun.head >= 0:  # the participle off the object
            return _speaker(g, noun.head)
        if noun.dep in ("nmod", "obl") and g.case_of(tok.head) == "with":
            # 'with Russian authorities claiming to have intercepted 105 drones' (hung on a noun or,
            # as an oblique, on a clause: 'launch strikes, with Russia's Defence Ministry claiming')
            return tok.head
    return None


def speaker_name(g: Graph, i: int) -> str:
    # (a conjunct's own 'and' is no part of its name: 'The Netherlands and Denmark')
    idx = [j for j in g.phrase(i) if g.tokens[j].dep not in ("punct", "case", "fixed", "cc") or j == i]
    # without 'according to', trimmed to a contiguous span
    while idx and g.tokens[idx[0]].word.lower() in ("according", "to", "by"):
        idx = idx[1:]
    # trim a leading determiner-less comma tail: names as written, without appositions
    text = g.span_text(idx)
    return text.strip(" ,")
