"""One parsed sentence as a dependency graph: tokens, their heads and children, and the small
set of tree queries the slot rules need. Pure; built from a `ParsedSentence`."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from functools import cached_property
from typing import Any, NamedTuple

from schemas.parse import ParsedSentence

# Relations that start a new clause: an argument search does not cross them.
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "parataxis", "acl:relcl", "csubj", "conj", "acl", "list",
                         "discourse", "vocative", "dep"})
NOUN_ARG_DEPS = frozenset({"nmod", "nmod:poss", "compound", "amod", "nummod", "det", "case", "flat", "appos",
                           "nmod:tmod", "nmod:npmod", "det:predet", "fixed", "punct", "cc", "conj"})


class Token(NamedTuple):
    """One token, immutable. A NamedTuple rather than a frozen dataclass: a sentence builds one
    per word, and a frozen dataclass's __init__ (one object.__setattr__ per field) was the largest
    single cost of building a graph."""

    i: int  # 0-based position in the sentence
    word: str
    lemma: str  # lowercased
    pos: str
    start: int  # character offsets in the article text
    end: int
    head: int  # 0-based head position, -1 for the root
    dep: str
    base: str  # the relation without its subtype: 'nsubj' for 'nsubj:pass'
    is_verb: bool
    is_noun: bool


_new = tuple.__new__


class Graph:
    def __init__(self, sentence: ParsedSentence, index: int, text: str) -> None:
        self.index = index
        self.start = sentence.start
        self.end = sentence.end
        self.text = text[sentence.start:sentence.end]
        # tuple.__new__ builds a Token without the Python-level __new__ NamedTuple generates (one
        # call per word; the fields in Token's order)
        self.tokens = [_new(Token, (i, w, lem.lower(), p, s, e, h - 1, d, d.split(":")[0], p[:2] == "VB",
                                    p[:2] == "NN" or p == "PRP")) for i, (w, lem, p, s, e, h, d) in enumerate(
            zip(sentence.words, sentence.lemmas, sentence.pos, sentence.starts, sentence.ends, sentence.heads,
                sentence.deps))]
        self.tokens = _repaired(self.tokens)
        self.children: list[list[int]] = [[] for _ in self.tokens]
        # each token's children with their relations, for `kids` and `subtree` (the rules ask for
        # children by relation about a thousand times an article)
        self._relations: list[list[tuple[int, str, str]]] = [[] for _ in self.tokens]
        # results of pure functions of this sentence that several rules ask for alike
        # (`slots.attributions`), kept while the sentence is read
        self.memo: dict[Hashable, Any] = {}
        self._phrases: dict[int, list[int]] = {}
        for t in self.tokens:
            if t.head >= 0:
                self.children[t.head].append(t.i)
                self._relations[t.head].append((t.i, t.base, t.dep))

    def __len__(self) -> int:
        return len(self.tokens)

    @cached_property
    def root(self) -> int:
        return next((t.i for t in self.tokens if t.head < 0), 0)

    def kids(self, i: int, *deps: str) -> list[int]:
        """Children of i whose relation is one of `deps` (a prefix match: 'obl' finds 'obl:tmod')."""
        if not deps:
            return list(self.children[i])
        return [c for c, base, dep in self._relations[i] if base in deps or dep in deps]

    def subtree(self, i: int, stop: frozenset[str] = frozenset()) -> list[int]:
        """i and its descendants, not descending through relations in `stop`."""
        out, todo = [], [i]
        relations = self._relations
        while todo:
            j = todo.pop()
            out.append(j)
            todo.extend([c for c, base, dep in relations[j] if base not in stop and dep not in stop])
        return sorted(out)

    def phrase(self, i: int) -> list[int]:
        """The noun phrase headed by i, without clauses hanging off it (kept: the rules ask for
        the same phrases again and again; a copy is returned)."""
        found = self._phrases.get(i)
        if found is None:
            found = self._phrases[i] = self.subtree(i, CLAUSE_DEPS)
        return list(found)

    def span_text(self, idx: list[int]) -> str:
        if not idx:
            return ""
        a, b = self.tokens[idx[0]].start, self.tokens[idx[-1]].end
        return self.text[a - self.start:b - self.start]

    def ancestors(self, i: int) -> list[int]:
        out: list[int] = []
        j = self.tokens[i].head
        while j >= 0 and len(out) < 64:
            out.append(j)
            j = self.tokens[j].head
        return out

    def clause_head(self, i: int) -> int:
        """The head of the clause token i is in: walk up until a clause relation or a verb."""
        j = i
        while True:
            t = self.tokens[j]
            if t.head < 0 or t.dep.split(":")[0] in CLAUSE_DEPS or t.dep in CLAUSE_DEPS:
                return j
            if t.is_verb and j != i:
                return j
            j = t.head

    def case_of(self, i: int) -> str | None:
        """The preposition of a nominal ('in', 'according to')."""
        for c in self.kids(i, "case"):
            return self.tokens[c].lemma
        return None

    def token_at(self, char: int) -> int | None:
        for t in self.tokens:
            if t.start <= char < t.end:
                return t.i
        return None

    def span_head(self, a: int, b: int) -> int | None:
        """The head token of the character span [a, b): the one whose head lies outside."""
        idx = [t.i for t in self.tokens if t.start >= a and t.end <= b]
        if not idx:
            j = self.token_at(a)
            return j
        inside = set(idx)
        heads = [i for i in idx if self.tokens[i].head not in inside]
        # 'up to 540': the parser may hang 'to' and '540' apart on the noun; the number heads
        return next((i for i in heads if self.tokens[i].pos == "CD"), heads[0]) if heads else idx[-1]


# --- repairs of known parser errors --------------------------------------------------------
# Each takes the sentence's tokens and returns them with the misattached ones re-hung; the
# sentences they were measured on run as rule examples (services/extract/rules/*.yaml).

_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _kids(tokens: list[Token], i: int) -> list[Token]:
    return [t for t in tokens if t.head == i]


def _repaired(tokens: list[Token]) -> list[Token]:
    """The tokens after every repair (`_REPAIRS`, in order). A repair that would make a token its
    own ancestor is not applied: every walk up or down the tree, and the extraction of the whole
    article with it, would never end. The tree is checked once at the end, and the repairs are
    replayed one check at a time only when it has a cycle (rare: a check per repair costs a
    quarter of the extraction)."""
    out = tokens
    for repair in _REPAIRS:
        out = repair(out)
    if not _cyclic(out):
        return out
    out = tokens
    for repair in _REPAIRS:
        repaired = repair(out)
        if repaired is out or not _cyclic(repaired):
            out = repaired
    return out


def _cyclic(tokens: list[Token]) -> bool:
    """Whether some token's chain of heads comes back to itself (one pass, each token visited once)."""
    done = [False] * len(tokens)
    for t in tokens:
        path: set[int] = set()
        j = t.i
        while 0 <= j < len(tokens) and not done[j]:
            if j in path:
                return True
            path.add(j)
            j = tokens[j].head
        for k in path:
            done[k] = True
    return False


def _children(tokens: list[Token]) -> list[list[Token]]:
    """Every token's `_kids`, in one pass (for a repair that asks of every verb)."""
    out: list[list[Token]] = [[] for _ in tokens]
    for t in tokens:
        if t.head >= 0:
            out[t.head].append(t)
    return out


def _span(tokens: list[Token], i: int) -> list[int]:
    """i and every token below it, in sentence order (one pass up from each token, stopping at
    the first token already known to be inside or outside)."""
    inside: dict[int, bool] = {i: True}
    for t in tokens:
        path: list[int] = []
        j = t.i
        while j >= 0 and j not in inside and len(path) < 64:
            path.append(j)
            j = tokens[j].head
        verdict = inside.get(j, False)
        for k in path:
            inside[k] = verdict
    return [t.i for t in tokens if inside.get(t.i)]


def _subjectless_clause(v: Token, kids: list[Token]) -> bool:
    """A verb that heads a clause of its own (finite, or with an auxiliary) but has no subject."""
    return (not any(k.base in ("nsubj", "csubj", "expl") for k in kids)
            and (v.pos in _FINITE or any(k.dep in ("aux", "aux:pass") for k in kids)))


def _reattach_clause_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: a reported clause whose subject was taken as the reporting
    verb's object. 'We assess North Korea has now sent Russia 20,000 containers' comes back as
    assess -obj-> Korea, assess -dep-> sent, with 'sent' left without a subject. When a clause
    verb has no subject, and its head's object ends right before it (only its auxiliaries and
    adverbs between), that object is its subject and the clause is the head's complement."""
    out = list(tokens)
    for v in tokens:
        if not v.is_verb or v.dep not in ("dep", "ccomp", "parataxis") or v.head < 0:
            continue
        if not _subjectless_clause(v, _kids(tokens, v.i)):
            continue
        obj = next((t for t in tokens if t.head == v.head and t.dep == "obj" and t.i < v.i), None)
        if obj is None:
            continue
        # the object's phrase must end just before the verb's own auxiliaries and adverbs
        phrase = _span(tokens, obj.i)
        if any(tokens[j].pos in (",", ":", "-LRB-", "``", "''") for j in phrase):
            continue  # 'repulsed Russian assaults in Kursk, the General Staff said': an apposition
        last = max(phrase)
        between = tokens[last + 1:v.i]
        if any(t.head != v.i or t.dep not in ("aux", "aux:pass", "advmod") for t in between):
            continue
        out[obj.i] = obj._replace(head=v.i, dep="nsubj", base="nsubj")
        out[v.i] = v._replace(dep="ccomp", base="ccomp")
    return out


# verbs whose participle on a noun takes a clause: 'information indicating (that) Iran is ...'
# ('the coalition supporting Ukraine is providing ...' is a participle with an object)
_INDICATING = frozenset({"indicate", "show", "suggest", "confirm", "reveal", "demonstrate", "prove", "say"})


def _reattach_participle_clause_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'has information indicating Iran is preparing to provide
    Russia with UAVs' comes back with 'information' as the subject of 'preparing' and 'Iran' as
    the object of 'indicating'. When a clause verb's subject carries a participle whose object
    ends right before the verb (only its auxiliaries and adverbs between), that object is the
    verb's subject, the clause is the participle's complement, and the noun goes back to the
    verb's head as its object."""
    if not any(t.dep == "acl" and t.pos == "VBG" and t.lemma in _INDICATING for t in tokens):
        return tokens  # (most sentences have no such participle)
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if not v.is_verb or v.head < 0 or v.dep not in ("ccomp", "dep", "xcomp"):
            continue
        if not kids_of:
            kids_of = _children(tokens)
        subj = next((k for k in kids_of[v.i] if k.dep == "nsubj" and k.i < v.i), None)
        if subj is None or not subj.pos.startswith("NN") or v.head > subj.i:
            continue
        part = next((k for k in kids_of[subj.i] if k.dep == "acl" and k.pos == "VBG" and k.lemma in _INDICATING
                     and subj.i < k.i < v.i), None)
        if part is None:
            continue
        obj = next((k for k in kids_of[part.i] if k.dep == "obj" and part.i < k.i < v.i), None)
        if obj is None:
            continue
        phrase = _span(tokens, obj.i)
        if any(tokens[j].pos in (",", ":", "-LRB-", "``", "''") for j in phrase):
            continue
        between = tokens[max(phrase) + 1:v.i]
        if any(t.head != v.i or t.dep not in ("aux", "aux:pass", "advmod") for t in between):
            continue
        out[obj.i] = obj._replace(head=v.i, dep="nsubj", base="nsubj")
        out[v.i] = v._replace(head=part.i, dep="ccomp", base="ccomp")
        out[subj.i] = subj._replace(head=v.head, dep="obj", base="obj")
    return out


def _ancestors(tokens: list[Token], i: int) -> list[int]:
    out: list[int] = []
    j = tokens[i].head
    while j >= 0 and len(out) < 64:
        out.append(j)
        j = tokens[j].head
    return out


def _reattach_gerunds(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'condemn the DPRK for providing Russia with equipment' comes
    back with 'for' as a bare dependent of 'condemn' and 'providing' hanging off 'for'. The gerund
    is the verb's adverbial clause, and the preposition its marker."""
    out = list(tokens)
    for v in tokens:
        if v.pos != "VBG" or v.dep != "dep" or v.head < 0:
            continue
        prep = tokens[v.head]
        if prep.pos != "IN" or prep.dep != "dep" or prep.head < 0 or prep.i != v.i - 1:
            continue
        out[v.i] = v._replace(head=prep.head, dep="advcl", base="advcl")
        out[prep.i] = prep._replace(head=v.i, dep="mark", base="mark")
    return out


# verbs that take no object: a noun the parser gives them for one is the gerund's after them
_OBJECTLESS_VERBS = frozenset({"die", "perish"})


def _reattach_died_gerunds(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'a Quebec man who died fighting Russian forces' comes back
    with 'fighting' an adjective of 'forces' and 'forces' the object of 'died'. Right after a verb
    that takes no object, the gerund is its clause and the noun the gerund's object."""
    out = list(tokens)
    for g in tokens:
        if g.pos != "VBG" or g.dep != "amod" or g.i == 0 or g.head < 0:
            continue
        v, noun = tokens[g.i - 1], tokens[g.head]
        if v.lemma not in _OBJECTLESS_VERBS or not v.is_verb or noun.head != v.i or noun.dep != "obj":
            continue
        out[g.i] = g._replace(head=v.i, dep="advcl", base="advcl")
        out[noun.i] = noun._replace(head=g.i)
    return out


def _reattach_reduced_relatives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error, the garden path of a reduced relative clause: in '300 North
    Korean soldiers deployed to Russia have lost their lives' (or '... after its soldiers deployed
    on the fronts suffered heavy casualties') the parser makes 'deployed' the verb of 'soldiers'
    and leaves the later verb as a bare dependent without a subject. The later verb is the
    clause's own; the participle describes its subject."""
    out = list(tokens)
    for v2 in tokens:
        if not v2.is_verb or v2.dep != "dep" or v2.head < 0:
            continue
        kids2 = _kids(tokens, v2.i)
        if not _subjectless_clause(v2, kids2):
            continue
        # the participle whose phrase ends right before the later verb
        # (not the later verb's own auxiliary: '... clustered south of the town had been liberated')
        v1 = next((t for t in reversed(tokens[:v2.i]) if t.pos == "VBN" and t.base != "aux"), None)
        if v1 is None or (v2.head != v1.i and v2.head not in _ancestors(tokens, v1.i)):
            continue
        span = _span(tokens, v1.i)
        if max(span) != v2.i - 1 and not all(tokens[k].head == v2.i for k in range(max(span) + 1, v2.i)):
            continue
        subject = next((t for t in tokens if t.head == v1.i and t.base == "nsubj" and t.i < v1.i), None)
        if subject is None or any(t.head == v1.i and t.dep in ("aux", "aux:pass") for t in tokens):
            continue  # 'buildings were hit, partially collapsed': a verb of its own, not a reduced relative
        passive = any(k.dep == "aux:pass" for k in kids2)
        out[subject.i] = subject._replace(head=v2.i, dep="nsubj:pass" if passive else "nsubj", base="nsubj")
        out[v2.i] = v2._replace(head=v1.head, dep=v1.dep, base=v1.base)
        out[v1.i] = v1._replace(head=subject.i, dep="acl", base="acl")
        for m in tokens:  # 'after' marks the clause, now the later verb's
            if m.head == v1.i and m.dep == "mark":
                out[m.i] = m._replace(head=v2.i)
    return out


def _reattach_purpose_relatives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error, the garden path of a reduced relative with a purpose clause:
    'The 11,000 North Korean soldiers sent to support Russian forces have also been committed to
    the Kursk front' comes back with 'sent' as the sentence's verb, 'support' as its complement,
    and 'Russian forces have been committed' as a clause of 'support'. When a past form with a
    subject and no auxiliary governs 'to VERB', and that verb's complement clause has an
    auxiliary and a subject standing right after 'VERB' (its stolen object), the later verb is
    the sentence's own, the stolen subject is the object again, and the past form describes the
    first subject."""
    out = list(tokens)
    for v1 in tokens:
        if v1.pos not in ("VBD", "VBN"):
            continue
        kids1 = _kids(tokens, v1.i)
        subject = next((k for k in kids1 if k.base == "nsubj" and k.i < v1.i), None)
        if subject is None or any(k.dep in ("aux", "aux:pass", "obj") for k in kids1):
            continue
        purpose = next((k for k in kids1 if k.dep == "xcomp" and k.pos == "VB" and k.i > v1.i
                        and any(m.lemma == "to" and m.dep == "mark" for m in _kids(tokens, k.i))), None)
        if purpose is None or any(k.dep == "obj" for k in _kids(tokens, purpose.i)):
            continue
        v2 = next((k for k in _kids(tokens, purpose.i) if k.dep == "ccomp" and k.is_verb), None)
        if v2 is None:
            continue
        kids2 = _kids(tokens, v2.i)
        stolen = next((k for k in kids2 if k.base == "nsubj"), None)
        if stolen is None or not any(k.dep in ("aux", "aux:pass") for k in kids2) \
                or min(_span(tokens, stolen.i)) != purpose.i + 1 or any(k.dep == "mark" for k in kids2):
            continue
        passive = any(k.dep == "aux:pass" for k in kids2)
        out[stolen.i] = stolen._replace(head=purpose.i, dep="obj", base="obj")
        out[subject.i] = subject._replace(head=v2.i, dep="nsubj:pass" if passive else "nsubj", base="nsubj")
        out[v2.i] = v2._replace(head=v1.head, dep=v1.dep, base=v1.base)
        out[v1.i] = v1._replace(head=subject.i, dep="acl", base="acl", pos="VBN")
        for t in tokens:  # the sentence's own punctuation goes with its verb
            if t.head == v1.i and t.dep == "punct":
                out[t.i] = t._replace(head=v2.i)
    return out


def _reattach_place_appositions(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'On March 11 in Jeddah, Saudi Arabia, Ukraine accepted a
    U.S. proposal' the parser makes the country of 'Jeddah, Saudi Arabia' the subject and the
    real subject its apposition. When a verb's subject is a proper name set off by commas right
    after another proper name of an oblique or nominal modifier, and has a proper-name
    apposition after it, the apposition is the subject and the name belongs to the place before."""
    out = list(tokens)
    for subject in tokens:
        if subject.base != "nsubj" or subject.head < 0 or not subject.pos.startswith("NNP"):
            continue
        # the apposition first: it is rare, and the subject's span costs a pass over the sentence
        appos = next((k for k in _kids(tokens, subject.i) if k.dep == "appos" and k.i > subject.i
                      and k.pos.startswith("NNP")), None)
        if appos is None:
            continue
        span = _span(tokens, subject.i)
        first = min(span)
        if first < 2 or tokens[first - 1].word != ",":
            continue
        place = tokens[first - 2]
        if not place.pos.startswith("NNP") or place.base not in ("obl", "nmod") or place.i in span:
            continue
        out[appos.i] = appos._replace(head=subject.head, dep=subject.dep, base=subject.base)
        out[subject.i] = subject._replace(head=place.i, dep="appos", base="appos")
        for t in tokens:  # the comma after the place name goes with it
            if t.head == subject.i and t.dep == "punct" and subject.i < t.i < appos.i:
                out[t.i] = t._replace(head=place.i)
    return out


def _relabel_titled_names(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'His special envoy Steve Witkoff met Putin' the parser hangs
    the name on the title before it as an unlabelled dependent ('dep'), which no walk for whose
    phrase it is reads. A proper name right after the common noun it hangs on so (with only its own
    compounds between) names that noun: an apposition."""
    out = list(tokens)
    for name in tokens:
        if name.dep != "dep" or not name.pos.startswith("NNP") or name.head < 0 or name.head > name.i:
            continue
        title = tokens[name.head]
        between = tokens[title.i + 1:name.i]
        if title.pos not in ("NN", "NNS") or any(
                t.head != name.i or t.dep not in ("compound", "flat") or not t.pos.startswith("NNP") for t in between):
            continue
        out[name.i] = name._replace(dep="appos", base="appos")
    return out


def _reattach_opening_appositions(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'In a significant development in the ongoing conflict in
    Ukraine, North Korea has deployed troops' the parser leaves 'deployed' without a subject and
    makes 'North Korea' an apposition of the 'Ukraine' the opening phrase ends with. When a verb
    has no subject and the words right before it (and its auxiliaries and adverbs) are a proper
    name set off by a comma as an apposition, that name is the verb's subject."""
    out = list(tokens)
    subjects = {t.head for t in tokens if t.base in ("nsubj", "csubj", "expl")}
    for v in tokens:
        if not v.is_verb or v.i in subjects or v.dep in ("aux", "aux:pass", "cop") or v.i < 3:
            continue
        kids = _kids(tokens, v.i)
        before = [k for k in kids if k.i < v.i and k.dep in ("aux", "aux:pass", "advmod", "neg")]
        if not before and v.pos not in ("VBD", "VBZ", "VBP"):
            continue  # (a finite verb or one with auxiliaries: not a participle or an infinitive)
        first = min([v.i, *(k.i for k in before)])
        if any(t.head != v.i for t in tokens[first:v.i]):
            continue  # (only the verb's own auxiliaries and adverbs between the name and the verb)
        name = tokens[first - 1]
        while name.dep in ("compound", "flat") and name.head > name.i:
            name = tokens[name.head]
        if name.dep != "appos" or not name.pos.startswith("NNP") or name.i != first - 1:
            continue
        start = min(_span(tokens, name.i))
        if start == 0 or tokens[start - 1].word != ",":
            continue
        passive = any(k.dep == "aux:pass" for k in kids)
        out[name.i] = name._replace(head=v.i, dep="nsubj:pass" if passive else "nsubj", base="nsubj")
    return out


_DAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


def _reattach_dated_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error of wire copy: in "Russia's defence ministry said on Sunday
    Russian forces had taken Metyolkine" the parser reads 'on Sunday Russian forces' as one
    oblique of 'said' and leaves 'taken' without a subject. When an oblique of a verb of saying
    has a day's name before its own head, and a subjectless finite clause after it hangs on the
    same verb, the oblique's head is that clause's subject and the day alone is the oblique."""
    out = list(tokens)
    for n in tokens:
        if n.base != "obl" or n.head < 0 or not n.is_noun or tokens[n.head].lemma not in _REPORTING:
            continue
        kids = _kids(tokens, n.i)
        day = next((k for k in kids if k.dep == "compound" and k.lemma in _DAYS and k.i < n.i), None)
        if day is None:
            continue
        clause = next((v for v in _kids(tokens, n.head) if v.i > n.i and v.is_verb
                       and v.dep in ("dep", "ccomp", "parataxis")
                       and not any(k.base in ("nsubj", "csubj", "expl") for k in _kids(tokens, v.i))
                       and (v.pos in _FINITE or any(k.dep in ("aux", "aux:pass") for k in _kids(tokens, v.i)))), None)
        if clause is None:
            continue
        passive = any(k.dep == "aux:pass" for k in _kids(tokens, clause.i))
        out[n.i] = n._replace(head=clause.i, dep="nsubj:pass" if passive else "nsubj", base="nsubj")
        out[day.i] = day._replace(head=n.head, dep="obl", base="obl")
        for k in kids:  # the preposition goes with the day: 'on Sunday'
            if k.dep == "case" and k.i < day.i:
                out[k.i] = k._replace(head=day.i)
        if clause.dep == "dep":
            out[clause.i] = clause._replace(dep="ccomp", base="ccomp")
    return out


def _reattach_ranges(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'sent 10,000 to 12,000 troops to Russia' the parser makes
    '10,000' the object and 'to 12,000 troops' a destination. The noun after the range is the
    argument; the range's first number counts it."""
    out = list(tokens)
    for low in tokens:
        i = low.i
        if low.pos != "CD" or i + 3 >= len(tokens) or low.head < 0:
            continue
        to, high = tokens[i + 1], tokens[i + 2]
        if to.lemma not in ("to", "-", "–") or high.pos != "CD" or high.dep != "nummod":
            continue
        noun = tokens[high.head]
        if noun.head != low.head or noun.i <= high.i or noun.base not in ("obl", "nmod"):
            continue
        out[noun.i] = noun._replace(head=low.head, dep=low.dep, base=low.base)
        out[low.i] = low._replace(head=noun.i, dep="nummod", base="nummod")
        out[to.i] = to._replace(head=high.i, dep="case", base="case")
    return out


def _reattach_listed_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'as Russia ... continues to destroy Ukrainian infrastructure,
    Iran, North Korea, and China are providing Russia with support' comes back with the three
    names as conjuncts of 'infrastructure' and 'providing' without a subject. Proper names listed
    right before a subjectless verb's auxiliary, hung on a common noun before them, are the
    verb's subjects."""
    if not any(t.dep in ("aux", "aux:pass") and t.i > 0 and tokens[t.i - 1].dep == "conj"
               and tokens[t.i - 1].pos == "NNP" for t in tokens):
        return tokens  # no name listed right before an auxiliary: most sentences
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate
    for v in tokens:
        if not v.is_verb:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        kids = kids_of[v.i]
        aux = [k for k in kids if k.dep in ("aux", "aux:pass")]
        if not aux or not _subjectless_clause(v, kids):
            continue
        first_aux = min(a.i for a in aux)
        last = tokens[first_aux - 1] if first_aux > 0 else None
        if last is None or last.dep != "conj" or last.head < 0 or last.pos != "NNP":
            continue
        head = tokens[last.head]
        if head.pos.startswith("NNP") or head.i > last.i:
            continue
        names = [t for t in tokens if t.head == head.i and t.dep == "conj" and t.i > head.i]
        if not names or any(not t.pos.startswith("NNP") for t in names):
            continue
        first, rest = names[0], names[1:]
        if first.i in _ancestors(tokens, v.i):
            continue  # the verb hangs below the name ('a Kremlin determined to force Kyiv ...'): no subject of it
        out[first.i] = first._replace(head=v.i, dep="nsubj", base="nsubj")
        for t in rest:
            out[t.i] = t._replace(head=first.i)
        for t in tokens:  # the list's 'and' and commas go with it
            if t.head == head.i and t.dep in ("cc", "punct") and t.i > first.i:
                out[t.i] = t._replace(head=first.i)
    return out


def _tags_after_clause(tokens: list[Token]) -> Iterator[tuple[Token, Token, list[list[Token]]]]:
    """The verbs of saying hung as a complement on a clause verb before them ('..., a military
    source said'), each with that verb and the sentence's children table (built on the first
    one: most sentences have none)."""
    kids_of: list[list[Token]] = []
    for v in tokens:
        if v.lemma not in _REPORTING or v.head < 0 or v.dep not in ("ccomp", "parataxis"):
            continue
        host = tokens[v.head]
        if not host.is_verb or host.i > v.i:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        yield v, host, kids_of


def _reattach_speech_tags(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'Ukrainian forces still hold about 400 square kilometers
    of the Kursk region, a military source said' the parser makes the object 'kilometers' the
    subject of 'said' and the speaker its apposition. When a verb of saying after the clause has
    such a subject, and the clause's verb before it has no object, the subject is that verb's
    object and the apposition (right before the verb of saying) is who speaks."""
    out = list(tokens)
    for v, host, kids_of in _tags_after_clause(tokens):
        if any(k.dep == "obj" for k in kids_of[host.i]):
            continue
        subjects = [k for k in kids_of[v.i] if k.dep == "nsubj" and host.i < k.i < v.i]
        if not subjects:
            continue
        subj = subjects[0]
        # the speaker is an apposition in the subject's phrase ('pushed back Russian forces near
        # Kupiansk, the General Staff said': on 'Kupiansk'), or a second subject ('made gains near
        # Pokrovsk, the Institute for the Study of War said': 'gains' and 'Institute' both)
        speaker: Token | None
        if len(subjects) > 1:
            speaker = subjects[-1]
        else:
            phrase = _span(tokens, subj.i)
            speaker = next((t for t in tokens[subj.i:v.i] if t.dep == "appos" and t.head in phrase), None)
        if speaker is None:
            _reattach_swallowed_object_tag(tokens, out, v, host, subj, kids_of)
            continue
        span = _span(tokens, speaker.i)
        comma = tokens[min(span) - 1]
        if max(span) != v.i - 1 or comma.pos != ",":
            continue
        out[subj.i] = subj._replace(head=host.i, dep="obj", base="obj")
        out[speaker.i] = speaker._replace(head=v.i, dep="nsubj", base="nsubj")
        out[v.i] = v._replace(dep="parataxis", base="parataxis")
        out[comma.i] = comma._replace(head=v.i)  # the comma goes with the tag
        for k in kids_of[v.i]:  # what hangs on the tag before the comma is the clause's ('near Pokrovsk')
            if subj.i < k.i < comma.i and k.dep != "nsubj":
                out[k.i] = k._replace(head=host.i)
    return out


def _reattach_swallowed_object_tag(tokens: list[Token], out: list[Token], v: Token, host: Token, subj: Token,
                                   kids_of: list[list[Token]]) -> None:
    """'..., killing at least four people and injuring at least 24, local Ukrainian officials
    said': the parser makes the tag the complement of the last verb, with the figure before the
    comma its bare dependent. When the tag's subject stands right after a comma and before it,
    and the tag has words of its own before that comma, those words are the verb's and the tag
    is the sentence's."""
    span = _span(tokens, subj.i)
    if max(span) != v.i - 1 or min(span) == 0 or tokens[min(span) - 1].pos != ",":
        return
    comma = tokens[min(span) - 1]
    before = [k for k in kids_of[v.i] if host.i < k.i < comma.i]
    if not before:
        return
    root = next((t for t in tokens if t.head < 0), None)
    main = root if root is not None and root.is_verb and root.i < host.i else host
    for k in before:
        dep = "obj" if k.pos in ("CD", "NN", "NNS") and not any(c.base == "obj" for c in kids_of[host.i]) else k.dep
        out[k.i] = k._replace(head=host.i, dep=dep, base=dep.split(":")[0])
    out[v.i] = v._replace(head=main.i, dep="parataxis", base="parataxis")
    out[comma.i] = comma._replace(head=v.i)


# verbs a report puts in quotation marks to keep its distance ('said its forces had "liberated"
# the village'), with their lemmas: the tagger takes the quoted word for an adjective
_QUOTED_VERBS = {"liberated": "liberate", "captured": "capture", "destroyed": "destroy", "seized": "seize",
                 "eliminated": "eliminate", "neutralized": "neutralize", "neutralised": "neutralise",
                 "cleared": "clear", "occupied": "occupy", "repelled": "repel", "repulsed": "repulse"}


def _retag_quoted_verbs(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: in 'its forces had "liberated" the village of Novohrodivka'
    the quoted participle comes back as an adjective, the object of 'had', with the village a
    bare dependent. A quoted participle right after 'had'/'has'/'have' is the clause's verb."""
    if not any(t.pos == "``" for t in tokens):
        return tokens  # nothing quoted: most sentences
    out = list(tokens)
    for x in tokens:
        lemma = _QUOTED_VERBS.get(x.word.lower())
        if lemma is None or x.is_verb or x.i < 2 or x.i + 1 >= len(tokens):
            continue
        aux, before, after = tokens[x.i - 2], tokens[x.i - 1], tokens[x.i + 1]
        if before.pos != "``" or after.pos != "''" or aux.lemma != "have" or x.head != aux.i:
            continue
        out[x.i] = x._replace(pos="VBN", lemma=lemma, head=aux.head, dep=aux.dep, base=aux.base,
                              is_verb=True, is_noun=False)
        out[aux.i] = aux._replace(head=x.i, dep="aux", base="aux", is_verb=False)
        for k in tokens:
            if k.head == aux.i and k.i != x.i:
                out[k.i] = k._replace(head=x.i)
            elif k.head == x.i and k.dep == "dep" and k.pos.startswith("NN"):
                out[k.i] = k._replace(dep="obj", base="obj")
    return out


def _tag_speaker(tokens: list[Token], v: Token, subject: Token | None = None) -> tuple[Token, Token] | None:
    """Who speaks in a speech tag `v` after its clause, with the comma that sets the speaker off:
    its subject, else an apposition whose phrase ends right before the verb ('..., the General
    Staff said'); None when no comma opens the speaker's phrase."""
    end = v.i - 1  # (the verb's auxiliaries may stand between: '..., the ministry has confirmed')
    while end > 0 and tokens[end].head == v.i and tokens[end].dep == "aux":
        end -= 1
    if subject is None and end > 0 and tokens[end].pos == "," and tokens[end].head != v.i:
        end -= 1  # a speaker set off by commas on both sides: '..., Sergei Bratchuk, a spokesman for X, said'
    speaker = subject or next(
        (t for t in reversed(tokens[:end + 1]) if t.dep == "appos" and max(_span(tokens, t.i)) == end), None)
    if speaker is None:
        return None
    span = _span(tokens, speaker.i)
    if max(span) != end or min(span) == 0 or tokens[min(span) - 1].pos != ",":
        return None
    return speaker, tokens[min(span) - 1]


def _reattach_dangling_tags(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: a speech tag after its clause left as a bare dependent. In
    'have retreated from the town of Vuhledar, Ukraine's military said' the speaker comes back as
    an apposition of 'Vuhledar' and 'said' has no subject; in 'lost control of the village of
    Pishchane, a military spokesman said' the tag hangs off 'village' (as a bare relation, or as a
    relative clause with no relative word: 'liberated the settlements of Melovoy, Podol and Sudzha,
    the defence ministry said'; or as an adverbial clause with neither subject nor conjunction:
    'deployed reserves to the sectors in Donetsk Oblast, Commander-in-Chief Oleksandr Syrskyi said
    on Dec. 13'; or beside a noun: 'advancing near Pokrovsk, the Ukrainian commander said'). A
    verb of saying in such a relation, whose speaker (its subject, or an apposition) stands
    between a comma and it, is a tag on the sentence's main clause."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        # (or as a finite verb modifying the noun before it: 'following a drone attack by
        # Ukraine, a Kremlin-appointed official said on Sunday')
        finite_acl = v.dep == "acl" and v.pos in ("VBD", "VBZ", "VBP")
        if v.lemma not in _REPORTING or not v.is_verb or not (
                v.dep in ("dep", "acl:relcl", "advcl", "parataxis") or finite_acl) \
                or v.head < 0 or (v.dep == "parataxis" and tokens[v.head].is_verb):
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if v.dep == "acl:relcl" and any(k.pos in ("WDT", "WP") or k.lemma == "that" for k in kids_of[v.i]):
            continue  # a true relative: 'the claims which the ministry said ...'
        marks = [k for k in kids_of[v.i] if k.base == "mark"]
        found = _tag_speaker(tokens, v, next((k for k in kids_of[v.i] if k.base == "nsubj" and k.i < v.i), None))
        if found is None and finite_acl and v.head < v.i and tokens[v.head].is_noun:
            # ('killing at least four people and injuring at least 24, local Ukrainian officials
            # said': the speaker taken for the object, the tag for its relative clause)
            own = set(_span(tokens, v.i))
            span = [j for j in _span(tokens, v.head) if j not in own]
            if max(span) == v.i - 1 and min(span) > 0 and tokens[min(span) - 1].pos == ",":
                found = tokens[v.head], tokens[min(span) - 1]
        if found is None:
            continue
        speaker, comma = found
        if any(k.i > comma.i for k in marks):
            # 'as the ministry said', 'while Moscow says': a clause of its own; a preposition
            # before the comma is stranded there ('the forces they are fighting alongside,
            # Zelenskyy said'), not the tag's conjunction
            continue
        for k in marks:
            out[k.i] = k._replace(head=k.i - 1 if k.i > 0 and tokens[k.i - 1].is_verb else v.head,
                                  dep="compound:prt", base="compound:prt")
        host = next((t for t in tokens if t.head < 0), None)
        if host is not None and not host.is_verb:
            # a dateline at the root ('Moscow, May 13: A fire broke out ...'): the highest verb
            # above the tag is the main clause
            host = next((tokens[j] for j in reversed(_ancestors(tokens, v.i)) if tokens[j].is_verb), host)
        if host is None or not host.is_verb or host.i > speaker.i or host.i == v.i:
            continue
        out[speaker.i] = speaker._replace(head=v.i, dep="nsubj", base="nsubj")
        out[v.i] = v._replace(head=host.i, dep="parataxis", base="parataxis")
        out[comma.i] = comma._replace(head=v.i)
    return out


def _reattach_clausal_subject_tags(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'Russian forces are conducting offensive operations near
    Pokrovsk, the General Staff said' the parser makes the whole clause the subject of 'said'
    (a clausal subject) and the speaker an apposition of 'Pokrovsk'. A verb of saying at the
    root with a clause before it as its subject, no subject of its own, and an apposition that
    ends right before it after a comma, is a tag on that clause: the clause is the root and the
    apposition speaks."""
    root = next((t for t in tokens if t.head < 0), None)
    if root is None or root.lemma not in _REPORTING or not root.is_verb:
        return tokens
    kids = [t for t in tokens if t.head == root.i]
    clause = next((k for k in kids if k.dep == "csubj" and k.is_verb and k.i < root.i), None)
    if clause is None or any(k.base == "nsubj" for k in kids):
        return tokens
    found = _tag_speaker(tokens, root)
    if found is None:
        return tokens
    speaker, comma = found
    out = list(tokens)
    out[clause.i] = clause._replace(head=-1, dep="ROOT", base="ROOT")
    out[root.i] = root._replace(head=clause.i, dep="parataxis", base="parataxis")
    out[speaker.i] = speaker._replace(head=root.i, dep="nsubj", base="nsubj")
    out[comma.i] = comma._replace(head=root.i)
    for k in kids:  # the sentence's final stop goes with the clause
        if k.pos == "." and k.i > root.i:
            out[k.i] = k._replace(head=clause.i)
    return out


def _reattach_tag_obliques(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'Ukrainian units destroyed 15 Russian tanks in a failed
    assault near Pokrovsk, a brigade spokesman said' the parser hangs 'in a failed assault' on
    'said'. A speech tag after its clause, with its subject right after a comma, says nothing
    before that comma: what hangs on it there belongs to the clause's verb."""
    out = list(tokens)
    for v, host, kids_of in _tags_after_clause(tokens):
        subj = next((k for k in kids_of[v.i] if k.dep == "nsubj" and host.i < k.i < v.i), None)
        if subj is None:
            continue
        start = min(_span(tokens, subj.i))
        if tokens[start - 1].pos != ",":
            continue
        for k in kids_of[v.i]:
            if host.i < k.i < start - 1 and k.pos != ",":
                out[k.i] = k._replace(head=host.i)
    return out


def _reattach_small_clause_objects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Russia has lost more than 700,000 soldiers killed or wounded'
    comes back with 'soldiers' as the subject of 'killed', a small clause under 'lost'. A
    participle after a verb that has no object, whose subject stands between them, describes
    that verb's object."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    subject_heads = {t.head for t in tokens if t.dep == "nsubj" and t.pos.startswith("NN")}
    for c in tokens:
        if c.head < 0 or c.i not in subject_heads:
            continue
        # ('signed a deal focused on access to mineral wealth' comes back as a reported clause of
        # 'signed' with a past tense for the participle: a verb that reports no clause has none)
        reported = c.dep == "ccomp" and c.pos in ("VBN", "VBD") and tokens[c.head].lemma not in _CLAUSE_TAKERS
        if not ((c.dep in ("xcomp", "dep") and c.pos == "VBN") or reported):
            continue
        v = tokens[c.head]
        if not v.is_verb or v.i > c.i:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.dep == "obj" for k in kids_of[v.i]):
            continue
        if reported and any(k.base in ("aux", "aux:pass", "obj", "mark") for k in kids_of[c.i]):
            continue
        subj = next((k for k in kids_of[c.i] if k.dep == "nsubj" and v.i < k.i < c.i), None)
        if subj is None or not subj.pos.startswith("NN"):
            continue
        out[subj.i] = subj._replace(head=v.i, dep="obj", base="obj")
        out[c.i] = c._replace(head=subj.i, dep="acl", base="acl")
    return out


def _reattach_year_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: with no comma after a year, 'In 2022 Ukrainian troops retook
    Kherson' and 'since the beginning of 2024 Russian forces have made gains' come back with the
    year as a number on 'troops'/'forces', and the clause's verb without its subject (a relative
    clause on the noun, or a verb the noun hangs below). A year right after a preposition, before a
    noun phrase a verb follows, dates that verb; the noun phrase is its subject."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for y in tokens:
        if (y.pos != "CD" or y.dep != "nummod" or y.head <= y.i or len(y.word) != 4
                or not y.word.isdigit() or not 1900 <= int(y.word) <= 2100 or y.i == 0):
            continue
        n, prep = tokens[y.head], tokens[y.i - 1]
        if not n.is_noun or prep.pos != "IN" or prep.head != n.i or prep.dep != "case":
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(t.head != n.i or t.dep not in ("amod", "compound") for t in tokens[y.i + 1:n.i]):
            continue
        verb = next((k for k in kids_of[n.i] if k.dep == "acl" and k.is_verb and k.i == n.i + 1), None)
        if verb is not None and n.head < 0:
            # 'In 2022 Ukrainian troops retook Kherson': the noun is the root, the verb its relative
            out[verb.i] = verb._replace(head=-1, dep="root", base="root")
            out[y.i] = y._replace(head=verb.i, dep="obl", base="obl")
        else:
            up = [j for j in _ancestors(tokens, n.i) if tokens[j].is_verb][:1]
            if not up:
                continue
            verb = tokens[up[0]]
            if any(k.base in ("nsubj", "expl") for k in kids_of[verb.i]):
                continue
            between = tokens[n.i + 1:verb.i]
            if any(t.head != verb.i or t.dep not in ("aux", "aux:pass", "advmod") for t in between):
                continue
            # 'since the beginning of 2024 Russian forces have made': the year stays with 'beginning'
            out[y.i] = y._replace(head=n.head, dep="nmod", base="nmod")
        out[prep.i] = prep._replace(head=y.i)
        out[n.i] = n._replace(head=verb.i, dep="nsubj", base="nsubj")
    return out


def _reattach_phrasal_objects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'its military had taken over a district' comes back with
    'over' as a preposition and 'district' as an oblique. Right after 'take' or 'hand' with no
    object, 'over' is the verb's particle and its noun the verb's object."""
    out = list(tokens)
    for prt in tokens:
        if prt.lemma != "over" or prt.dep != "case" or prt.i == 0:
            continue
        v, noun = tokens[prt.i - 1], tokens[prt.head]
        if v.lemma not in ("take", "hand") or not v.is_verb or noun.head != v.i or noun.dep != "obl":
            continue
        if any(t.head == v.i and t.dep == "obj" for t in tokens):
            continue
        out[prt.i] = prt._replace(head=v.i, dep="compound:prt", base="compound")
        out[noun.i] = noun._replace(dep="obj", base="obj")
    return out


def _reattach_went_on(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Russian forces went on to capture Bakhmut' comes back with
    'on' as a preposition of 'capture', an oblique of 'went'. An infinitive after 'go on' is what
    the subject went on to do: 'on' is the verb's particle, the infinitive its open clause."""
    out = list(tokens)
    for prt in tokens:
        if prt.lemma != "on" or prt.dep != "case" or prt.i == 0:
            continue
        v, inf = tokens[prt.i - 1], tokens[prt.head]
        if v.lemma != "go" or not v.is_verb or inf.head != v.i or inf.dep != "obl" or inf.pos != "VB" \
                or not any(t.head == inf.i and t.dep == "mark" and t.lemma == "to" for t in tokens):
            continue
        out[prt.i] = prt._replace(head=v.i, dep="compound:prt", base="compound")
        out[inf.i] = inf._replace(dep="xcomp", base="xcomp")
    return out


# shares named by a word, not a figure: 'about a fifth of the territory'
_FRACTIONS = frozenset(("half", "third", "quarter", "fourth", "fifth", "sixth", "tenth", "two-thirds",
                        "three-quarters"))


def _reattach_approximate_objects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'have recaptured about two-thirds of the territory' comes
    back with 'about' as a preposition and 'thirds' as an oblique. A figure after 'about' or
    'around', right after a verb that has no object, is that verb's object ('about' its adverb);
    so is a share named by a word ('controls about a fifth of Ukraine'), and a figure after 'up
    to' or 'over' ('has deployed up to 40,000 troops', 'concentrated over 110,000 personnel').
    Before a verb that has no subject, such a figure is its subject: 'Around 12,000 North Korean
    troops have been deployed to help Russia'."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for case in tokens:
        up_to = case.lemma == "to" and case.i > 0 and tokens[case.i - 1].lemma == "up" \
            and tokens[case.i - 1].dep in ("compound:prt", "advmod")  # 'deployed up to 40,000 troops'
        # ('has concentrated over 110,000 personnel': 'over' right before a figure counts it)
        over = case.lemma == "over" and case.i + 1 < len(tokens) and tokens[case.i + 1].pos == "CD"
        # ('Up to 225 Canadian military personnel will be deployed': both words the noun's case)
        leading_up_to = case.lemma == "to" and case.i > 0 and tokens[case.i - 1].lemma == "up" \
            and tokens[case.i - 1].dep == "case" and tokens[case.i - 1].head == case.head
        if case.dep != "case" or not (case.lemma in ("about", "around") or up_to or over or leading_up_to) \
                or case.head < 0:
            continue
        n = tokens[case.head]
        if n.dep != "obl" or n.head < 0 or (n.i < 2 and n.head < n.i):
            continue
        v, about = tokens[n.head], tokens[n.i - 1]
        if not v.is_verb:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if not (n.pos == "CD" or n.lemma in _FRACTIONS or any(k.dep == "nummod" for k in kids_of[n.i])
                or about.pos == "CD"):
            continue
        if v.i > case.i:
            if any(k.base in ("nsubj", "csubj") for k in kids_of[v.i]) or up_to:
                continue
            subject = "nsubj:pass" if any(k.dep == "aux:pass" for k in kids_of[v.i]) else "nsubj"
            out[n.i] = n._replace(dep=subject, base="nsubj")
            out[case.i] = case._replace(dep="advmod", base="advmod")
            if leading_up_to:
                up = tokens[case.i - 1]
                out[up.i] = up._replace(head=case.i, dep="advmod", base="advmod")
            continue
        if any(t.head == v.i and t.dep == "obj" for t in tokens):
            continue
        out[n.i] = n._replace(dep="obj", base="obj")
        out[case.i] = case._replace(dep="advmod", base="advmod")
        if up_to:
            up = tokens[case.i - 1]
            out[up.i] = up._replace(head=case.i, dep="advmod", base="advmod")
    return out


def _reattach_money(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'will provide Ukraine with a further £1.5 billion in military
    aid' comes back with the currency sign as an unlabelled child of 'with' (or of 'a', or of
    'further'), so the sum and the aid it measures hang on nothing. The sum is the verb's: the
    oblique of its preposition, or its object; the words between are its case, determiner or
    modifier."""
    out = list(tokens)
    for money in tokens:
        if money.pos != "$" or money.dep != "dep" or money.head < 0:
            continue
        path: list[Token] = []  # the function words from the sign up to the verb
        up = tokens[money.head]
        while up.pos in ("IN", "DT", "JJ", "RB") and up.dep in ("dep", "obl", "obj", "iobj", "amod", "advmod") \
                and up.head >= 0 and len(path) < 3:
            path.append(up)
            up = tokens[up.head]
        if not path or not up.is_verb:
            continue
        case = next((w for w in path if w.pos == "IN"), None)
        dep = "obl" if case is not None else next((w.dep for w in reversed(path) if w.dep in ("obj", "iobj")), "obj")
        out[money.i] = money._replace(head=up.i, dep=dep, base=dep)
        for w in path:
            rel = {"IN": "case", "DT": "det", "JJ": "amod", "RB": "advmod"}[w.pos]
            out[w.i] = w._replace(head=money.i, dep=rel, base=rel)
    return out


def _reattach_by_gerunds(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Iran has helped Russia by providing hundreds of drones' comes
    back with 'by' as an adverb and 'providing' its bare dependent, or ('by supplying artillery
    shells') with the gerund as an adjective of its own object. A gerund right after 'by' is a
    clause of means on the nearest verb above it: 'by' its marker, what follows its object. So is
    a gerund after 'of' or 'for' on a verb's oblique: 'accused North Korea of providing weapons'."""
    out = list(tokens)
    for by in tokens:
        if by.lemma not in ("by", "of", "for") or by.i + 1 >= len(tokens) or by.head < 0:
            continue
        ger = tokens[by.i + 1]
        if ger.pos != "VBG":
            continue
        if ger.head == by.i and ger.dep == "dep" and by.lemma == "by":  # 'by' an adverb, the gerund its dependent
            obj = None
        elif by.dep == "case" and ger.dep == "amod" and ger.head == by.head:  # 'by supplying shells'
            obj = tokens[by.head]
            if by.lemma != "by" and not (obj.dep == "obl" and tokens[obj.head].is_verb):
                continue  # 'of'/'for' only on a verb's oblique: 'accused North Korea of providing weapons'
        else:
            continue
        verb = tokens[by.head] if obj is None else tokens[obj.i]
        while not verb.is_verb and verb.head >= 0:
            verb = tokens[verb.head]
        if not verb.is_verb or verb.i > by.i:
            continue
        out[ger.i] = ger._replace(head=verb.i, dep="advcl", base="advcl")
        out[by.i] = by._replace(head=ger.i, dep="mark", base="mark")
        if obj is not None:
            out[obj.i] = obj._replace(head=ger.i, dep="obj", base="obj")
    return out


def _reattach_preposed_obliques(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Since the illegal Russian invasion of Ukraine just over a year
    ago, the U.S. has provided ...' comes back with 'since' as the mark of 'provided' and
    'invasion' as a second subject beside 'U.S.'. A verb with two subjects, the first after its
    'since'/'after'/'before'/'until' and a comma before the second, has a preposed phrase: the
    first is an oblique and the mark its preposition."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for m in tokens:
        if m.dep != "mark" or m.lemma not in _PREPOSED_MARKS or m.head <= m.i:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        subjects = [k for k in kids_of[m.head] if k.base == "nsubj"]
        if len(subjects) != 2 or not m.i < subjects[0].i < subjects[1].i or not subjects[0].is_noun:
            continue
        first, second = subjects
        if not any(t.word == "," and t.head == m.head for t in tokens[first.i + 1:second.i]):
            continue
        out[first.i] = first._replace(dep="obl", base="obl")
        out[m.i] = m._replace(head=first.i, dep="case", base="case")
    return out


_PREPOSED_MARKS = frozenset({"since", "after", "before", "until"})


def _reattach_prepositional_clauses(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in '... of sending soldiers to help Moscow, after Russia and
    North Korea signed a landmark defence pact' the parser reads 'after Russia and North Korea' as
    a prepositional phrase and leaves 'signed' a bare dependent with no subject. A finite verb
    right after such a phrase (opened by a conjunction of time, TIME_CONJUNCTIONS), with
    no subject of its own, is a clause: the phrase's noun is its subject, the preposition its
    conjunction."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.dep != "dep" or v.pos not in ("VBD", "VBZ", "VBP") or v.head < 0 or v.i == 0:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.base in ("nsubj", "csubj", "expl") for k in kids_of[v.i]):
            continue
        noun = next((k for k in kids_of[v.head] if k.i < v.i and k.is_noun and k.base in ("nmod", "obl")
                     and max(_span(tokens, k.i)) == v.i - 1), None)
        if noun is None:
            continue
        prep = next((k for k in kids_of[noun.i] if k.dep == "case" and k.lemma in TIME_CONJUNCTIONS), None)
        if prep is None:
            continue
        out[noun.i] = noun._replace(head=v.i, dep="nsubj", base="nsubj")
        out[prep.i] = prep._replace(head=v.i, dep="mark", base="mark")
        out[v.i] = v._replace(dep="advcl", base="advcl")
    return out


def _reattach_with_participles(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'Russia hit Ukraine this week with missiles supplied by North
    Korea' the parser reads 'with' as the mark of a participle clause and leaves 'missiles' a bare
    dependent of 'supplied'. A participle marked 'with' whose noun before it hangs on it as a bare
    dependent (not its subject: 'with the city captured' is a clause of its own) is a 'with' phrase
    of the verb above, the participle describing its noun."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.pos != "VBN" or v.base not in ("advcl", "acl") or v.head < 0:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        mark = next((k for k in kids_of[v.i] if k.dep == "mark" and k.lemma == "with" and k.i < v.i), None)
        noun = next((k for k in kids_of[v.i] if k.dep == "dep" and k.is_noun and mark is not None
                     and mark.i < k.i < v.i), None)
        if mark is None or noun is None:
            continue
        out[noun.i] = noun._replace(head=v.head, dep="obl", base="obl")
        out[mark.i] = mark._replace(head=noun.i, dep="case", base="case")
        out[v.i] = v._replace(head=noun.i, dep="acl", base="acl")
    return out


def _reattach_opening_clause_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'After a Ukrainian naval drone attack severely damaged a mooring
    at its Black Sea terminal, the consortium halted loading' comes back with 'attack' an oblique
    of 'damaged' ('after' its preposition), 'damaged' the root with no subject, and the main clause
    hung on it. A finite verb with no subject, whose oblique opened by a conjunction of time
    (TIME_CONJUNCTIONS) ends right before it (only adverbs between), is a clause: the noun is its
    subject, the preposition its conjunction; a clause with a subject of its own after its comma
    is the sentence's main clause."""
    out = tokens
    for v in tokens:
        if v.pos not in ("VBD", "VBZ", "VBP") or v.i == 0:
            continue
        kids = _kids(tokens, v.i)
        if any(k.base in ("nsubj", "csubj", "expl") for k in kids):
            continue
        noun = next((k for k in kids if k.i < v.i and k.is_noun and k.base == "obl"), None)
        if noun is None or any(t.head != v.i or t.dep != "advmod" for t in tokens[max(_span(tokens, noun.i)) + 1:v.i]):
            continue
        prep = next((k for k in _kids(tokens, noun.i) if k.dep == "case" and k.lemma in TIME_CONJUNCTIONS
                     and k.i == min(_span(tokens, noun.i))), None)
        if prep is None:
            continue
        if out is tokens:
            out = list(tokens)
        out[noun.i] = noun._replace(dep="nsubj", base="nsubj")
        out[prep.i] = prep._replace(head=v.i, dep="mark", base="mark")
        main = next((k for k in kids if k.i > v.i and k.dep in ("parataxis", "ccomp", "conj") and k.is_verb
                     and any(x.base == "nsubj" for x in _kids(tokens, k.i))
                     and any(tokens[j].word == "," and tokens[j].head == v.i for j in range(v.i + 1, k.i))), None)
        if v.head < 0 and main is not None:
            out[main.i] = main._replace(head=-1, dep="ROOT", base="ROOT")
            out[v.i] = v._replace(head=main.i, dep="advcl", base="advcl")
    return out


def _reattach_opening_gerund_objects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'After welcoming the European leaders, Trump met privately
    with Zelensky' comes back with 'leaders' the subject of 'met', 'Trump' its apposition and the
    gerund an oblique with no object. A gerund opening a clause, followed by the verb's subject,
    a comma and a name in apposition that ends right before the verb: the subject is the
    gerund's object and the name the verb's subject."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for ger in tokens:
        if ger.pos != "VBG" or ger.dep not in ("obl", "advcl") or ger.head <= ger.i:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        verb = tokens[ger.head]
        if not verb.is_verb or any(k.base in ("obj", "ccomp", "xcomp") for k in kids_of[ger.i]):
            continue
        subject = next((k for k in kids_of[verb.i] if k.base == "nsubj" and ger.i < k.i < verb.i), None)
        if subject is None or min(_span(tokens, subject.i)) != ger.i + 1:
            continue
        name = next((k for k in kids_of[subject.i] if k.dep == "appos" and k.pos in ("NNP", "NNPS")
                     and tokens[min(_span(tokens, k.i)) - 1].word == ","), None)
        if name is None or any(t.head != verb.i or t.dep not in ("aux", "advmod")
                               for t in tokens[max(_span(tokens, name.i)) + 1:verb.i]):
            continue
        out[subject.i] = subject._replace(head=ger.i, dep="obj", base="obj")
        out[name.i] = name._replace(head=verb.i, dep="nsubj", base="nsubj")
        out[ger.i] = ger._replace(dep="advcl", base="advcl")
        for k in kids_of[ger.i]:
            if k.dep == "case":
                out[k.i] = k._replace(dep="mark", base="mark")
    return out


def _reattach_gerund_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'a reaction to Iran sending missiles to Russia' the parser
    hangs 'sending' off 'reaction' beside 'Iran', so the gerund has no subject. A gerund on a noun
    right after that noun's prepositional name ('to Iran', 'of North Korea', with nothing between)
    and with no subject of its own is a clause: the name is its subject, the preposition its
    marker ('to' stays on the name). ('the bombing of Ukrainian infrastructure using drones' has no name there.)"""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.pos != "VBG" or v.dep != "acl" or v.head < 0 or v.i == 0 or not tokens[v.head].is_noun:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.base in ("nsubj", "csubj", "expl") for k in kids_of[v.i]):
            continue
        noun = next((k for k in kids_of[v.head] if k.head < k.i < v.i and k.pos in ("NNP", "NNPS")
                     and k.base == "nmod" and max(_span(tokens, k.i)) == v.i - 1), None)
        # a name, not a phrase of its own ('the Group of Seven leading industrial nations')
        if noun is None or any(k.base == "nmod" for k in kids_of[noun.i]):
            continue
        prep = next((k for k in kids_of[noun.i] if k.dep == "case" and k.i < noun.i), None)
        if prep is None:
            continue
        out[noun.i] = noun._replace(head=v.i, dep="nsubj", base="nsubj")
        if prep.lemma != "to":  # 'to' marking a verb reads as an infinitive: an aim, not a happening
            out[prep.i] = prep._replace(head=v.i, dep="mark", base="mark")
    return out


def _reattach_aspect_gerunds(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: in 'Russia continues amassing forces near Vovchansk' the
    gerund comes back as an adjective on 'forces', the object of 'continues'; so does 'North
    Korea has denied supplying ammunition to Russia'. A gerund right after a verb that takes a
    gerund for its complement ('continue', 'deny', 'consider' ...), modifying that verb's object,
    is the verb's complement and the noun its own object, with the phrases after the noun
    ('to Russia')."""
    out = list(tokens)
    for x in tokens:
        if x.pos != "VBG" or x.dep != "amod" or x.head <= x.i or x.i == 0:
            continue
        n = tokens[x.head]
        if n.dep != "obj" or n.head != x.i - 1 or tokens[n.head].lemma not in _GERUND_COMPLEMENT_VERBS:
            continue
        out[x.i] = x._replace(head=n.head, dep="xcomp", base="xcomp", is_verb=True, is_noun=False)
        out[n.i] = n._replace(head=x.i)
        end = max(_span(tokens, n.i))
        for k in tokens:
            if k.head == n.head and k.i > end and k.base == "obl":
                out[k.i] = out[k.i]._replace(head=x.i)
    return out


# Verbs of aspect ('continue', 'keep', 'start' ...) and of saying or weighing whose complement
# is a gerund ('denied supplying', 'is considering sending')
_GERUND_COMPLEMENT_VERBS = frozenset({
    "continue", "keep", "start", "begin", "stop", "resume", "finish", "quit",
    "deny", "admit", "acknowledge", "consider", "contemplate", "weigh", "propose"})


def _reattach_shared_possessives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'President Trump and Russian President Vladimir Putin's
    Tuesday phone call has ended' comes back with 'call' coordinated with 'Trump' and only 'Putin'
    owning it. A noun coordinated with a name before it, whose own possessor is a name, is owned by
    both names: '(Trump and Putin)'s call'."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for n in tokens:
        if n.dep != "conj" or not n.is_noun or n.pos.startswith("NNP") or n.head < 0 or n.head > n.i:
            continue
        first = tokens[n.head]
        if first.pos != "NNP":
            continue
        if not kids_of:
            kids_of = _children(tokens)
        owner = next((k for k in kids_of[n.i] if k.dep == "nmod:poss" and k.pos == "NNP" and k.i > first.i), None)
        if owner is None or not any(c.pos == "POS" for c in kids_of[owner.i]):
            continue
        out[n.i] = n._replace(head=first.head, dep=first.dep, base=first.base)
        out[first.i] = first._replace(head=n.i, dep="nmod:poss", base="nmod:poss")
        out[owner.i] = owner._replace(head=first.i, dep="conj", base="conj")
        for k in kids_of[n.i]:
            if k.dep == "cc" and k.i < owner.i:
                out[k.i] = k._replace(head=owner.i)
        for k in kids_of[first.i]:  # what the first name governed as the clause's subject is the noun's
            if k.i > n.i and k.dep not in ("compound", "flat", "amod", "det", "cc", "conj"):
                out[k.i] = k._replace(head=n.i)
    return out


def _reattach_noun_root_speakers(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'The governor of Ukraine's Sumy region, which borders Russia,
    said that Russian forces had seized control of four villages' comes back with 'governor' as
    the root, 'said' as its relative clause and the relative 'which borders Russia' hung on
    'said'. A noun root whose relative clause is a verb of saying with a reported clause and no
    subject is that verb's subject; a relative word and verb on the verb of saying before it,
    after a comma, are a relative clause on the noun before that comma."""
    root = next((t for t in tokens if t.head < 0), None)
    if root is None or not root.is_noun:
        return tokens
    kids_of = _children(tokens)
    v = next((k for k in kids_of[root.i] if k.dep == "acl:relcl" and k.is_verb and k.lemma in _REPORTING), None)
    if v is None or not any(k.base == "ccomp" for k in kids_of[v.i]) or any(k.base == "nsubj" for k in kids_of[v.i]):
        return tokens
    out = list(tokens)
    out[v.i] = v._replace(head=-1, dep="ROOT", base="ROOT")
    out[root.i] = root._replace(head=v.i, dep="nsubj", base="nsubj")
    for k in kids_of[root.i]:
        if k.pos == "." and k.i > v.i:
            out[k.i] = k._replace(head=v.i)
    rel = next((k for k in kids_of[v.i] if k.i < v.i and k.pos in ("WDT", "WP") and k.dep == "dep"), None)
    verb = next((k for k in kids_of[v.i] if rel is not None and rel.i < k.i < v.i and k.dep == "dep"
                 and k.pos.startswith("VB")), None)
    if rel is not None and verb is not None and rel.i >= 2 and tokens[rel.i - 1].pos == ",":
        out[verb.i] = verb._replace(head=rel.i - 2 if tokens[rel.i - 2].is_noun else root.i,
                                    dep="acl:relcl", base="acl:relcl", is_verb=True)
        out[rel.i] = rel._replace(head=verb.i, dep="nsubj", base="nsubj")
    return out


def _reattach_relatives_to_names(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'talks with Russia, which launched its full invasion in
    2022' the relative clause comes back on 'talks'. A relative clause opened by 'which' or 'who'
    right after a comma that follows a proper name inside the noun phrase it hangs on is about
    that name."""
    out = list(tokens)
    for v in tokens:
        if v.dep != "acl:relcl" or v.head < 0:
            continue
        rel = next((t for t in tokens[:v.i] if t.head == v.i and t.lemma in ("which", "who")), None)
        if rel is None or rel.i < 2 or tokens[rel.i - 1].pos != ",":
            continue
        name = tokens[rel.i - 2]
        if name.pos != "NNP" or name.i == v.head or v.head not in _ancestors(tokens, name.i):
            continue
        while name.dep in ("flat", "compound") and name.head > name.i:
            name = tokens[name.head]
        out[v.i] = v._replace(head=name.i)
    return out


# verbs of a toll, and nouns of an attack that takes it: 'an attack on a city that killed 34'
_TOLL_VERBS = frozenset({"kill", "injure", "wound", "maim"})
_ATTACK_NOUNS = frozenset({"attack", "strike", "airstrike", "raid", "shelling", "bombardment", "bombing",
                           "barrage", "assault", "explosion", "blast"})


def _reattach_tolls_to_attacks(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'a Palm Sunday attack by Russia on a Ukrainian city that
    killed 34' the relative clause comes back on 'city', the nearest noun. A toll's relative
    clause on a noun that is itself a phrase of an attack noun tells what the attack did: the
    city killed nobody."""
    out = tokens
    for v in tokens:
        if v.dep != "acl:relcl" or v.lemma not in _TOLL_VERBS or v.head < 0:
            continue
        noun = tokens[v.head]
        if noun.lemma in _ATTACK_NOUNS or noun.dep != "nmod" or noun.head < 0:
            continue
        attack = tokens[noun.head]
        if attack.lemma not in _ATTACK_NOUNS:
            continue
        if out is tokens:
            out = list(tokens)
        out[v.i] = v._replace(head=attack.i)
    return out


def _reattach_swallowed_speech_tags(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Washington will send Kyiv an additional $988 million in
    weapons, the Defense Department said on Saturday' comes back with 'said' as the object of
    'send' and the money as a dependent of 'said'. A verb of saying that is a clause verb's
    object, with its subject after a comma, is a speech tag on that clause; what hangs on it
    before the comma is the clause's own (its first nominal the object)."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.lemma not in _REPORTING or v.dep != "obj" or v.head < 0:
            continue
        host = tokens[v.head]
        if not kids_of:
            kids_of = _children(tokens)
        subj = next((k for k in kids_of[v.i] if k.dep == "nsubj"), None)
        if not host.is_verb or subj is None or host.i > v.i:
            continue
        start = min(_span(tokens, subj.i))
        comma = tokens[start - 1] if start > 0 else None
        if comma is None or comma.pos != ",":
            continue
        before = sorted((k for k in kids_of[v.i] if k.i < comma.i and k.pos != ","), key=lambda k: k.i)
        noun = next((k for k in before if k.pos.startswith("NN") or k.pos in ("$", "CD", "PRP")), None)
        if noun is None:
            continue
        out[v.i] = v._replace(dep="parataxis", base="parataxis")
        out[noun.i] = noun._replace(head=host.i, dep="obj", base="obj")
        for k in before:  # its determiners and adjectives stay with it, the rest with the clause
            if k is not noun:
                out[k.i] = k._replace(head=noun.i if k.i < noun.i else host.i)
        out[comma.i] = comma._replace(head=v.i)
    return out


def _reattach_bare_relatives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'shot down 50 of the 83 drones Russia launched overnight'
    the relative clause without 'that' comes back as a clause of its own ('launched' beside
    'shot', with no object). A transitive verb with no object whose subject follows right after
    a noun of the clause it hangs on is a relative clause on that noun."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if not v.is_verb or v.dep != "parataxis" or v.head < 0:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.dep == "obj" for k in kids_of[v.i]):
            continue
        subj = next((k for k in kids_of[v.i] if k.dep == "nsubj" and k.i < v.i), None)
        if subj is None or max(_span(tokens, subj.i)) != v.i - 1:
            continue
        noun = tokens[min(_span(tokens, subj.i)) - 1]
        if not noun.pos.startswith("NN") or noun.head != v.head or noun.dep.split(":")[0] not in ("obj", "obl"):
            continue
        out[v.i] = v._replace(head=noun.i, dep="acl:relcl", base="acl")
    return out


_NOUN_DEPS = frozenset({"obj", "nsubj", "nsubj:pass", "obl", "nmod", "iobj"})


def _retag_nouns(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: 'Ukraine has launched a counterattack near Toretsk' comes back
    with 'counterattack' as a verb (VB) in an object's place. A base-form verb with an article of
    its own, in a noun's relation, is a noun."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.pos not in ("VB", "VBP") or v.dep not in _NOUN_DEPS:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.dep == "det" and k.lemma in ("a", "an", "the") for k in kids_of[v.i]):
            out[v.i] = v._replace(pos="NN", is_verb=False, is_noun=True)
    return out


# Attack words a headline uses as present-tense verbs: 'Ukraine attacks Moscow', 'Russia strikes Kyiv'
_HEADLINE_ATTACK_VERBS = frozenset({"attack", "strike", "hit", "raid", "shell", "bomb", "target"})


def _retag_headline_verbs(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error on headlines: 'Ukraine attacks Moscow and western Russia in one
    of its biggest drone attacks ever' comes back as one noun phrase, 'attacks' its plural head
    with 'Ukraine' a compound before it and 'Moscow' a bare dependent after it. A side's name
    opening the sentence before a plural attack word that heads it, with a name after it, is the
    subject of that word as a present-tense verb, and the name after it its object."""
    if len(tokens) < 3:
        return tokens
    subject, v = tokens[0], tokens[1]
    if v.head >= 0 or v.pos != "NNS" or v.lemma not in _HEADLINE_ATTACK_VERBS or subject.pos != "NNP" \
            or subject.head != v.i or subject.dep != "compound":
        return tokens
    target = next((t for t in tokens if t.head == v.i and t.i == v.i + 1 and t.pos == "NNP"
                   and t.dep in ("dep", "appos", "compound", "obj")), None)
    if target is None:
        return tokens
    out = list(tokens)
    out[v.i] = v._replace(pos="VBZ", is_verb=True, is_noun=False)
    out[subject.i] = subject._replace(dep="nsubj", base="nsubj")
    out[target.i] = target._replace(dep="obj", base="obj")
    return out


_CLAUSE_HEAD_DEPS = frozenset({"root", "advcl", "ccomp", "conj", "parataxis", "acl:relcl"})


def _retag_predicate_nouns(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: 'Ukrainian units withdrew as Russian troops advance towards
    Lysychansk' comes back with 'advance' as a noun (NN) heading the clause, 'troops' its subject.
    A bare singular noun that heads a clause right after its plural subject, with no article and
    no copula, is the clause's present-tense verb."""
    out = tokens
    kids_of: list[list[Token]] = []
    for v in tokens:
        if v.pos != "NN" or v.dep.lower() not in _CLAUSE_HEAD_DEPS or v.i == 0:
            continue
        subject = tokens[v.i - 1]
        if subject.pos != "NNS" or subject.dep != "nsubj" or subject.head != v.i:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.dep in ("det", "cop", "case", "nmod:poss", "nummod") for k in kids_of[v.i]):
            continue
        if out is tokens:
            out = list(tokens)
        out[v.i] = v._replace(pos="VBP", is_verb=True, is_noun=False)
    return out


def _retag_infinitive_nouns(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: 'The Kremlin has decided to annex four regions' comes back with
    'to' as a preposition and 'annex' as a noun compound of 'regions'. A noun compound right after
    'to' and before a number of the same head cannot be one (a noun compound follows the number:
    'four border regions'): it is an infinitive, and the counted noun its object."""
    out = list(tokens)
    for to in tokens:
        if to.lemma != "to" or to.dep != "case" or to.i + 2 >= len(tokens):
            continue
        v, num = tokens[to.i + 1], tokens[to.i + 2]
        if v.dep != "compound" or v.pos != "NN" or v.head != to.head or num.dep != "nummod" or num.head != to.head:
            continue
        noun = tokens[to.head]
        # (the infinitive completes the verb the noun hung on, or describes the noun: 'his threat
        # ... to annex four provinces')
        rel = "xcomp" if noun.head >= 0 and tokens[noun.head].is_verb else "acl"
        out[v.i] = v._replace(pos="VB", head=noun.head, dep=rel, base=rel, is_verb=True, is_noun=False)
        out[to.i] = to._replace(pos="TO", head=v.i, dep="mark", base="mark")
        out[noun.i] = out[noun.i]._replace(head=v.i, dep="obj", base="obj")
    return out


def _retag_gerund_nouns(tokens: list[Token]) -> list[Token]:
    """Repair a known tagger error: 'Kharkiv continues to come under heavy Russian shelling' comes
    back with 'shelling' as a gerund (VBG) modifying 'Russian', which stands as the noun. A
    gerund that modifies an adjective before it, the adjective in a noun's relation, is the noun
    the adjective describes ('enduring fierce shelling by Russian forces')."""
    out = list(tokens)
    for v in tokens:
        if v.pos != "VBG" or v.dep != "amod" or not 0 <= v.head < v.i:
            continue
        adj = tokens[v.head]
        if not adj.pos.startswith("JJ") or adj.dep not in _NOUN_DEPS:
            continue
        out[v.i] = v._replace(lemma=v.word.lower(), pos="NN", head=adj.head, dep=adj.dep, base=adj.base,
                              is_verb=False, is_noun=True)
        out[adj.i] = out[adj.i]._replace(head=v.i, dep="amod", base="amod")
        for k in tokens:  # the adjective's article, preposition, modifiers and phrases are the noun's
            if k.head == adj.i and k.i != v.i:
                out[k.i] = out[k.i]._replace(head=v.i)
    return out


# Nouns that, bare after 'in', make an adverbial idiom: 'in advance (of the summit)' is beforehand,
# no troops' advance
_IDIOM_NOUNS = frozenset({"advance"})


def _retag_adverbial_idioms(tokens: list[Token]) -> list[Token]:
    """Repair a tagging the rules would misread: 'leaders spoke with Trump in advance of the
    summit' comes back with 'advance' a noun under 'in'. Bare (no article, modifier or owner), it
    is the idiom, an adverb."""
    if not any(t.lemma in _IDIOM_NOUNS for t in tokens):
        return tokens
    out = list(tokens)
    kids_of = _children(tokens)
    for t in tokens:
        if t.lemma not in _IDIOM_NOUNS or not t.is_noun:
            continue
        kids = kids_of[t.i]
        if [k.lemma for k in kids if k.dep == "case"] == ["in"] and not any(
                k.dep in ("det", "amod", "nmod:poss", "nummod", "compound") for k in kids):
            out[t.i] = t._replace(pos="RB", is_noun=False)
    return out


# nouns of attack the tagger takes for adjectives before a compass word
_ATTACK_ADJECTIVES = frozenset({"offensive", "counteroffensive", "counter-offensive"})
COMPASS_WORDS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
                      "north-east", "north-west", "south-east", "south-west"})


def _retag_compass_offensives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Ukraine had launched an offensive north of Bakhmut' comes back
    with 'offensive' as an adjective of 'north', the object. An attack adjective with the
    article before a compass word that has an 'of' phrase is the noun, and the compass word with
    its phrase says where it is."""
    out = list(tokens)
    kids_of: list[list[Token]] = []
    for adj in tokens:
        if adj.lemma not in _ATTACK_ADJECTIVES or adj.dep != "amod" or adj.head != adj.i + 1:
            continue
        compass = tokens[adj.head]
        if compass.lemma not in COMPASS_WORDS:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        kids = kids_of[compass.i]
        if not any(k.dep == "det" for k in kids) or not any(
                k.base == "nmod" and any(c.dep == "case" and c.lemma == "of" for c in kids_of[k.i]) for k in kids):
            continue
        out[adj.i] = adj._replace(pos="NN", head=compass.head, dep=compass.dep, base=compass.base,
                                  is_verb=False, is_noun=True)
        out[compass.i] = compass._replace(head=adj.i, dep="advmod", base="advmod")
        for k in kids:
            if k.dep == "det" or (k.dep == "amod" and k.i < adj.i):
                out[k.i] = k._replace(head=adj.i)
        for k in tokens:  # what hung on the compass word beyond its own phrase goes to the noun
            if k.head == compass.i and k.i > compass.i and k.base not in ("nmod", "case", "punct"):
                out[k.i] = out[k.i]._replace(head=adj.i)
    return out


def _retag_participle_offensives(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'ahead of a much anticipated counteroffensive planned by the
    Ukrainian military' comes back with 'counteroffensive' as an adjective and the participle
    after it as the noun. A counteroffensive (never an adjective) before a participle that took
    its place is the noun, and the participle describes it."""
    out = list(tokens)
    for adj in tokens:
        if adj.lemma not in ("counteroffensive", "counter-offensive") or not adj.pos.startswith("JJ") \
                or adj.head != adj.i + 1:
            continue
        part = tokens[adj.head]
        if part.pos not in ("VBN", "VBD") or part.base in ("acl", "amod") or part.head < 0:
            continue
        out[adj.i] = adj._replace(pos="NN", head=part.head, dep=part.dep, base=part.base, is_verb=False, is_noun=True)
        out[part.i] = part._replace(head=adj.i, dep="acl", base="acl", pos="VBN")
        for k in tokens:  # the article, modifiers and preposition before it are the noun's
            if k.head == part.i and k.i < adj.i:
                out[k.i] = k._replace(head=adj.i)
            elif k.head == part.i and k.base == "nmod":  # ('by the military': the participle's agent)
                out[k.i] = k._replace(dep="obl", base="obl")
    return out


# verbs that take what they give in a 'with' phrase: 'supplying Russia with artillery shells'
_WITH_GIVING = frozenset({"supply", "provide", "arm", "equip", "furnish"})


def _reattach_supplied_with(tokens: list[Token]) -> list[Token]:
    """Repair two known parser errors: 'accused North Korea of supplying Russia with artillery
    shells' comes back with 'with artillery shells' on 'accused', and 'Iran has supplied
    Putin's forces with attack drones' with 'with attack drones' on 'forces'. A 'with' phrase
    right after the object of a giving verb, hung on the verb above it or on the object, is what
    is given."""
    if not any(t.lemma in _WITH_GIVING for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    kids_of = _children(tokens)
    for giver in tokens:
        if giver.lemma not in _WITH_GIVING or not giver.is_verb:
            continue
        objs = [k for k in kids_of[giver.i] if k.dep == "obj"]
        if not objs:
            continue
        given = [k for k in kids_of[objs[-1].i] if k.base == "nmod" and k.i > objs[-1].i
                 and any(c.lemma == "with" and c.dep == "case" for c in kids_of[k.i])]
        for phrase in given:
            out[phrase.i] = phrase._replace(head=giver.i, dep="obl", base="obl")
        if given or giver.head < 0:
            continue
        end = max(_span(tokens, objs[-1].i))
        nxt = end + 1
        if nxt >= len(tokens) or tokens[nxt].lemma != "with" or tokens[nxt].dep != "case":
            continue
        phrase = tokens[tokens[nxt].head]
        if phrase.head != giver.head or phrase.base != "obl":
            continue  # (only a phrase the parser gave to the verb above)
        out[phrase.i] = phrase._replace(head=giver.i)
    return out


def _reattach_listed_participles(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'losses had exceeded 38,000 killed, wounded and captured'
    only 'killed' stays with the number; 'wounded' and 'captured' come back as conjuncts of
    'exceeded', verbs with no arguments of their own. A bare participle conjoined to a verb whose
    object is a number that an earlier participle describes belongs to that participle's list."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.pos != "VBN" or v.dep != "conj" or v.head < 0:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.dep not in ("cc", "punct", "advmod") for k in kids_of[v.i]):
            continue
        first = next((k for o in kids_of[v.head] if o.dep == "obj" and o.pos == "CD"
                      for k in kids_of[o.i] if k.dep == "amod" and k.pos == "VBN" and k.i < v.i), None)
        if first is not None:
            out[v.i] = v._replace(head=first.i)
    return out


_REPORTING = frozenset({"say", "tell", "report", "add", "write", "state", "announce", "claim", "confirm", "allege"})

# verbs that take a reported or perceived clause: a clause under them is theirs
_CLAUSE_TAKERS = _REPORTING | frozenset({
    "think", "believe", "know", "assess", "estimate", "expect", "hope", "fear", "ensure", "show", "suggest",
    "indicate", "mean", "confirm", "warn", "note", "find", "see", "hear", "learn", "realize", "understand",
    "feel", "deny", "insist", "agree", "decide", "argue", "admit", "acknowledge", "predict", "assume",
    "doubt", "suspect", "reveal", "explain", "emphasize", "stress", "signal", "conclude", "guess", "wonder",
    "make", "let", "have", "help", "watch"})


def _reattach_reported_conjuncts(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Kim, the governor, said falling drone debris injured one
    person and damaged a trade pavilion' comes back with 'damaged' as a conjunct of 'said', so
    the governor seems to have damaged the pavilion. A finite verb conjoined to a verb of
    saying, with no subject of its own, that follows the reported clause and has its tense
    goes on from the reported clause."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.dep != "conj" or v.head < 0 or v.pos not in _FINITE:
            continue
        say = tokens[v.head]
        if say.lemma not in _REPORTING:
            continue
        if not kids_of:
            kids_of = _children(tokens)
        if any(k.base in ("nsubj", "csubj", "expl") for k in kids_of[v.i]):
            continue
        # (a pluperfect shares its 'had': 'said Russian forces had killed three people and
        # wounded three more', where the tagger reads the second participle as a past tense)
        reported = [c for c in kids_of[say.i] if c.dep == "ccomp" and c.i < v.i
                    and (c.pos == v.pos or (c.pos == "VBN" and v.pos == "VBD" and v.lemma not in _CLAUSE_TAKERS
                                            and any(k.lemma == "have" and k.base == "aux" for k in kids_of[c.i])))
                    and any(k.base == "nsubj" for k in kids_of[c.i])]
        if not reported:
            continue
        clause = reported[-1]
        out[v.i] = v._replace(head=clause.i)
    return out


def _reattach_quoted_as_saying(tokens: list[Token]) -> list[Token]:
    """'"...," Zelensky was quoted as saying': the parser reads a passive 'quoted' with a
    prepositional 'as saying', so nobody seems to say anything. 'X was quoted as saying' is 'X
    said': the passive subject speaks, and the verb, hung on the clause before it, is its tag."""
    if not any(t.lemma in ("quote", "cite") for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for v in tokens:
        if v.lemma not in ("quote", "cite") or v.pos != "VBN":
            continue
        saying = [k for k in tokens if k.head == v.i and k.lemma == "say" and k.pos == "VBG"
                  and any(c.head == k.i and c.lemma == "as" for c in tokens)]
        speaker = next((k for k in tokens if k.head == v.i and k.dep == "nsubj:pass"), None)
        if not saying or speaker is None:
            continue
        out[speaker.i] = speaker._replace(dep="nsubj", base="nsubj")
        dep = "parataxis" if v.head >= 0 and v.head < v.i and v.dep in ("ccomp", "dep") else v.dep
        out[v.i] = v._replace(lemma="say", dep=dep, base=dep.split(":")[0])
        for k in tokens:
            if k.head == v.i and k.dep == "aux:pass":
                out[k.i] = k._replace(dep="aux", base="aux")
    return out


def _reattach_stranded_auxiliaries(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'North Korea has for the first time confirmed that it sent
    troops' comes back with 'has' as the main verb and 'confirmed' as its bare dependent, so
    nobody confirms anything. A form of 'have' with no object, whose participle after it hangs
    as a bare dependent, is that participle's auxiliary: the participle takes its place and its
    dependents."""
    if not any(t.lemma == "have" and t.base != "aux" for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for have in tokens:
        if have.lemma != "have" or have.base == "aux" or have.pos not in ("VBZ", "VBP", "VBD"):
            continue
        kids = [k for k in tokens if k.head == have.i]
        # (the tagger often reads the participle as a past tense: 'has ... confirmed/VBD')
        participle = next((k for k in kids if k.dep == "dep" and k.pos in ("VBN", "VBD") and k.i > have.i), None)
        if participle is None or any(k.base in ("obj", "ccomp", "xcomp") for k in kids):
            continue
        out[participle.i] = participle._replace(head=have.head, dep=have.dep, base=have.base, pos="VBN")
        out[have.i] = have._replace(head=participle.i, dep="aux", base="aux", is_verb=True)
        for k in kids:
            if k.i != participle.i:
                out[k.i] = k._replace(head=participle.i)
    return out


def _relabel_adjective_complements(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Zelenskyy is due to meet Trump on Friday' comes back with
    'meet' as a clausal complement (ccomp) of 'due', as if it had a subject of its own, so nobody
    meets anyone ('is likely to meet' comes back right, an open complement). An infinitive with
    no subject under a predicate adjective is its open complement: the adjective's subject is
    the infinitive's."""
    out = list(tokens)
    for c in tokens:
        if c.dep != "ccomp" or c.head < 0 or c.pos != "VB" or tokens[c.head].pos != "JJ":
            continue
        kids = _kids(tokens, c.i)
        if any(k.lemma == "to" and k.dep == "mark" for k in kids) and not any(k.base == "nsubj" for k in kids):
            out[c.i] = c._replace(dep="xcomp", base="xcomp")
    return out


def _reattach_noun_complements(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Trehubov reported on the telethon program that some troops
    have been withdrawn' comes back with the reported clause as a complement of 'program', so
    nobody reports it. A clause hung on a noun that only says where, when or to whom a verb of
    saying spoke ('on the program', 'in a post on Wednesday', 'told a briefing that') is that
    verb's."""
    out = list(tokens)
    for c in tokens:
        if c.dep != "ccomp" or c.head < 0:
            continue
        host = tokens[c.head]
        while host.is_noun and host.base in ("obl", "nmod", "obj") and host.head >= 0 and host.head < c.i:
            host = tokens[host.head]
            if host.lemma in _REPORTING and host.is_verb:
                out[c.i] = c._replace(head=host.i)
                break
    return out


def _reattach_inverted_speakers(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Russian forces attacked Bakhmut, said the Ukrainian General
    Staff' comes back with the speaker as the object of 'said' ('said Zelensky': an open
    complement), so the claim seems nobody's. A verb of saying with no subject, after the clause
    it reports, with a noun after it: that noun is its subject."""
    out = list(tokens)
    kids_of: list[list[Token]] = []  # built on the first candidate: most sentences have none
    for v in tokens:
        if v.lemma not in _REPORTING or not v.is_verb or v.pos not in ("VBD", "VBZ", "VBP"):
            continue
        if not kids_of:
            kids_of = _children(tokens)
        kids = kids_of[v.i]
        # (the clause it reports under it, or it hung as a bare dependent on that clause)
        if any(k.base in ("nsubj", "csubj", "expl") for k in kids) \
                or not (any(k.base in ("ccomp", "parataxis") and k.i < v.i for k in kids)
                        or (v.dep in ("dep", "parataxis") and 0 <= v.head < v.i)):
            continue
        speaker = next((k for k in kids if k.i > v.i and k.base in ("obj", "xcomp") and k.is_noun), None)
        if speaker is None or not any(t.pos == "," for t in tokens[:v.i][-2:]):
            continue  # (the tag follows its clause after a comma: ', said the ministry')
        out[speaker.i] = speaker._replace(dep="nsubj", base="nsubj")
    return out


def _reattach_inverted_reports(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'While Moscow says it has expelled Ukrainian troops from the
    area, Kiev maintains ...' comes back with 'says' as an adverbial clause of 'expelled', so the
    claim seems to be the sentence's own. A verb of saying opened by a contrast ('while',
    'although', 'whereas'), with a subject and nothing said of its own, right before the clause it
    hangs on, reports that clause; what follows that clause goes on from the verb of saying."""
    if not any(t.lemma in _CONTRASTS for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    kids_of = _children(tokens)
    for v in tokens:
        if v.lemma not in _REPORTING or not v.is_verb or v.dep != "advcl" or v.head <= v.i:
            continue
        kids = kids_of[v.i]
        if not any(k.base == "mark" and k.lemma in _CONTRASTS for k in kids) or \
                not any(k.base == "nsubj" for k in kids) or any(k.base in ("ccomp", "obj", "xcomp") for k in kids):
            continue
        host = tokens[v.head]
        subject = next((k for k in kids_of[host.i] if k.base == "nsubj" and k.i > v.i), None)
        if subject is None or min(_span(tokens, subject.i)) not in (v.i + 1, v.i + 2):
            continue
        out[v.i] = v._replace(head=host.head, dep=host.dep, base=host.base)
        out[host.i] = host._replace(head=v.i, dep="ccomp", base="ccomp")
        comma = next((k for k in kids_of[host.i] if k.pos == "," and k.i > host.i), None)
        for k in kids_of[host.i]:
            if comma is not None and k.i >= comma.i:
                out[k.i] = k._replace(head=v.i)
    return out


_CONTRASTS = frozenset({"while", "although", "though", "whereas"})


_SAYING = frozenset({"say", "add", "claim", "insist", "note", "stress", "warn", "argue"})
# verbs of saying or denying whose reported clause a participle of saying may be misparsed onto
_SAYING_HOSTS = _REPORTING | frozenset({"deny", "insist", "reject", "dismiss", "confirm", "acknowledge", "admit"})


def _reattach_unmarked_reports(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in "Ukraine's army denied Vovchansk had been captured" the
    parser makes 'denied' a clausal subject of 'captured' and 'Vovchansk' its object; in 'denied
    the city had changed hands' it leaves 'changed' a bare dependent of 'denied' with 'the city' for
    its object. A clause with no 'that' after a verb of saying or denying, whose verb has an
    auxiliary and no subject, is what that verb reports, and the noun between them its subject."""
    if not any(t.lemma in _SAYING_HOSTS for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    kids_of = _children(tokens)
    for v in tokens:
        if v.lemma not in _SAYING_HOSTS or v.lemma == "tell" or not v.is_verb:
            continue  # (whom a speaker tells is no subject of what: 'Austin told Umerov the United States will ...')
        obj = next((k for k in kids_of[v.i] if k.base == "obj" and k.i > v.i), None)
        if obj is None:
            continue
        clause: Token | None = None
        if v.base == "csubj" and v.head > obj.i and tokens[v.head].is_verb:
            clause = tokens[v.head]  # 'denied Vovchansk had been captured', upside down
        else:  # (hung on the verb, or on the clause the verb is joined to: 'said ..., but Ukraine's
            # military denied the city had been captured')
            clause = next((k for k in tokens if k.base == "dep" and k.is_verb and k.i > obj.i), None)
        if clause is None or any(k.base in ("nsubj", "expl") for k in kids_of[clause.i]) or not any(
                k.base == "aux" and k.i < clause.i for k in kids_of[clause.i]):
            continue
        # (the clause's verb right after the noun, with only its own auxiliaries or adverbs between:
        # not a verb far on, after a comma and another clause)
        noun_end = max(_span(tokens, obj.i))
        if not all(tokens[k].head == clause.i and tokens[k].base in ("aux", "advmod")
                   for k in range(noun_end + 1, clause.i)):
            continue
        if clause.i == v.head:
            out[v.i] = v._replace(head=clause.head, dep=clause.dep, base=clause.base)
            for k in kids_of[clause.i]:  # (what the clause's verb held before the reporting verb is the latter's)
                if k.i < v.i or (k.pos == "." and k.i > clause.i):
                    out[k.i] = k._replace(head=v.i)
        out[clause.i] = out[clause.i]._replace(head=v.i, dep="ccomp", base="ccomp")
        passive = any(k.dep == "aux:pass" for k in kids_of[clause.i])
        role = "nsubj:pass" if passive else "nsubj"
        out[obj.i] = obj._replace(head=clause.i, dep=role, base="nsubj")
    return out


# words that open a clause of time the parser may take for a preposition
TIME_CONJUNCTIONS = frozenset({"after", "before", "since", "until", "as", "when", "while"})


def _reattach_clauses_read_as_phrases(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: in 'seven people were killed after Russian drones and
    missiles targeted Kyiv and surrounding areas' the parser reads 'after Russian drones' as a
    phrase, 'targeted' as an adjective of 'Kyiv' and 'Kyiv' as a bare dependent of the drones. A
    past form tagged an adjective of a noun that hangs bare on a noun of such a phrase, right
    after it, is the verb of a clause: the phrase's noun its subject, the noun after it its object."""
    if not any(t.lemma in TIME_CONJUNCTIONS and t.base == "case" for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for v in tokens:
        if v.pos not in ("VBD", "VBN") or v.base != "amod" or v.head != v.i + 1:
            continue
        obj = tokens[v.head]
        if obj.base != "dep" or obj.head < 0 or obj.head >= v.i:
            continue
        subj = tokens[obj.head]
        case = next((k for k in tokens if k.head == subj.i and k.base == "case" and k.lemma in TIME_CONJUNCTIONS
                     and k.i < subj.i), None)
        if case is None or subj.base != "obl" or not subj.is_noun or subj.head < 0:
            continue
        _clause_of_phrase(out, v, subj, case)
        out[obj.i] = obj._replace(head=v.i, dep="obj", base="obj")
    # ... or a finite verb right after the phrase, left a bare dependent without a subject: 'were
    # killed after Russian artillery recently hit a military base'
    kids_of = _children(out)
    for subj, case in _time_phrases(out, kids_of):
        k = max(_span(out, subj.i)) + 1
        between = []
        while k < len(out) and out[k].base == "advmod":
            between.append(k)
            k += 1
        if k >= len(out):
            continue
        v = out[k]
        if v.base != "dep" or v.pos not in ("VBD", "VBZ", "VBP") or any(c.base == "nsubj" for c in kids_of[v.i]):
            continue
        _clause_of_phrase(out, v, subj, case)
        for b in between:
            out[b] = out[b]._replace(head=v.i)
    # ... or a past form with an object of its own, hung on the phrase's noun as its participle:
    # 'Poland scrambled aircraft as Russian missiles and drones targeted Ukraine's western city of
    # Lviv' (a participle describing a noun takes no object: 'missiles fired at Lviv')
    kids_of = _children(out)
    for subj, case in _time_phrases(out, kids_of):
        part = next((k for k in kids_of[subj.i] if k.base == "acl" and k.pos in ("VBD", "VBN") and k.i > subj.i), None)
        if part is None or not any(c.base == "obj" for c in kids_of[part.i]) \
                or any(c.base in ("aux", "mark", "nsubj") for c in kids_of[part.i]):
            continue
        own = set(_span(out, part.i))
        if any(j not in own for j in range(part.i, max(_span(out, subj.i)) + 1)) or part.i != max(
                j for j in _span(out, subj.i) if j not in own) + 1:
            continue  # the verb right after the phrase, its words all after it
        _clause_of_phrase(out, part, subj, case)
    return out


def _time_phrases(tokens: list[Token], kids_of: list[list[Token]]) -> list[tuple[Token, Token]]:
    """(noun, conjunction) of each oblique noun opened by a conjunction of time read as a
    preposition ('after Russian artillery', 'as Russian missiles')."""
    out = []
    for noun in tokens:
        if noun.base != "obl" or not noun.is_noun or noun.head < 0:
            continue
        case = next((k for k in kids_of[noun.i] if k.base == "case" and k.lemma in TIME_CONJUNCTIONS
                     and k.i < noun.i), None)
        if case is not None:
            out.append((noun, case))
    return out


def _clause_of_phrase(out: list[Token], verb: Token, subj: Token, case: Token) -> None:
    """Make the verb a clause of time on the phrase's head: the noun its subject, the preposition
    its conjunction."""
    out[verb.i] = verb._replace(head=subj.head, dep="advcl", base="advcl")
    out[subj.i] = subj._replace(head=verb.i, dep="nsubj", base="nsubj")
    out[case.i] = case._replace(head=verb.i, dep="mark", base="mark")


def _reattach_embedded_saying(tokens: list[Token]) -> list[Token]:
    """'Ukrainian officials denied that the Russian army captured the city, saying its armed forces
    retreated': the parser hangs the participle of saying on the reported clause ('captured'),
    whose subject then seems to say it. A participle of saying after a comma, on a clause
    reported by a verb of saying or denying, is that verb's: its subject speaks."""
    if not any(t.lemma in _SAYING and t.pos == "VBG" for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for v in tokens:
        if v.lemma not in _SAYING or v.pos != "VBG" or v.dep not in ("dep", "advcl", "xcomp") or v.head < 0:
            continue
        if v.i == 0 or tokens[v.i - 1].lemma != ",":
            continue
        reported = tokens[v.head]
        if reported.dep != "ccomp" or reported.head < 0 or reported.head > reported.i:
            continue
        if tokens[reported.head].lemma not in _SAYING_HOSTS:
            continue
        out[v.i] = v._replace(head=reported.head, dep="advcl", base="advcl")
    return out


def _reattach_marked_saying(tokens: list[Token]) -> list[Token]:
    """'Ukraine launched an offensive into Kursk, saying it had seized hundreds of square
    kilometres': the parser takes the participle of saying for a subordinator ('mark') of the
    clause after it, which then hangs on the main verb as if it were the launch's own
    circumstance. A participle of saying after a comma, marking a clause with a subject of its
    own, is a verb: it hangs where the clause hung, and the clause is what it reports."""
    if not any(t.lemma in _SAYING and t.pos == "VBG" and t.dep == "mark" for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for v in tokens:
        if v.lemma not in _SAYING or v.pos != "VBG" or v.dep != "mark" or v.i == 0 or v.head <= v.i:
            continue
        if tokens[v.i - 1].lemma != ",":
            continue
        clause = tokens[v.head]
        if clause.head < 0 or clause.dep not in ("advcl", "dep", "parataxis"):
            continue
        if not any(t.head == clause.i and t.base == "nsubj" for t in tokens):
            continue
        out[v.i] = v._replace(head=clause.head, dep="advcl", base="advcl")
        out[clause.i] = clause._replace(head=v.i, dep="ccomp", base="ccomp")
    return out


# nouns of saying whose 'that' clause tells what was said, and the words of a time that may stand
# between the two ('claim last month that', 'statement on Tuesday that')
_CLAIM_NOUNS = frozenset({"claim", "statement", "report", "announcement", "assertion", "allegation", "warning"})
_TIME_FILLERS = frozenset({"last", "this", "earlier", "on", "in", "early", "late", "week", "month", "year", "day",
                           "weekend", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


def _reattach_claim_clauses(tokens: list[Token]) -> list[Token]:
    """'This follows Zelensky's claim last month that 11,000 North Korean troops were present':
    with a time between the noun of saying and its clause, the parser hangs the clause on the
    verb before the noun, and the claim seems the outlet's. A 'that' clause right after a noun of
    saying (a time aside) hung on a verb before that noun is the noun's."""
    if not any(t.lemma in _CLAIM_NOUNS and t.is_noun for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    for that in tokens:
        if that.lemma != "that" or that.dep not in ("dep", "mark") or that.head <= that.i:
            continue
        clause = tokens[that.head]
        k = that.i - 1
        while k >= 0 and tokens[k].lemma in _TIME_FILLERS:
            k -= 1
        if k < 0 or tokens[k].lemma not in _CLAIM_NOUNS or not tokens[k].is_noun:
            continue
        if clause.head < 0 or clause.head >= k or not tokens[clause.head].is_verb \
                or tokens[clause.head].lemma in _CLAUSE_TAKERS:
            continue  # ('said in its evening report on Saturday that ...': the verb's own clause)
        out[clause.i] = clause._replace(head=k, dep="acl", base="acl")
        out[that.i] = that._replace(dep="mark", base="mark")
    return out


# verbs that charge someone with an act told by a gerund: 'accuses Russia of targeting ...'
_CHARGING = frozenset({"accuse", "blame", "charge", "condemn", "criticize", "criticise", "denounce"})
# ... and the prepositions that introduce the act: 'accused of', 'blamed for', 'charged with'
_CHARGE_CASES = frozenset({"of", "for", "with"})


def _reattach_charged_obliques(tokens: list[Token]) -> list[Token]:
    """'Ukraine accuses Russia of targeting facilities at the Olvia port in a missile strike': the
    parser hangs the phrases after the gerund on 'accuses', and the strike seems the accuser's. A
    phrase after the act a verb of charging names ('of targeting', 'for shelling') is the act's."""
    if not any(t.lemma in _CHARGING for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    kids_of = _children(tokens)
    for v in tokens:
        if v.lemma not in _CHARGING or not v.is_verb:
            continue
        for k in kids_of[v.i]:
            # ('accused Moscow of deliberately targeting rescuers' may come back as 'of [targeting
            # rescuers]', the gerund an adjective of its object: the gerund is the act, its noun
            # the object)
            if k.lemma in _CHARGE_CASES and k.pos == "IN" and k.i > v.i:
                # ('accused Kyiv on Wednesday of using drones' may come back with 'of' as the
                # verb's own clause and the gerund hanging off it: the gerund is the act, 'of' its mark)
                act = next((m for m in kids_of[k.i] if m.pos == "VBG" and m.i == k.i + 1), None)
                if act is not None:
                    out[act.i] = act._replace(head=v.i, dep="advcl", base="advcl")
                    out[k.i] = k._replace(head=act.i, dep="mark", base="mark")
                continue
            case = next((m for m in kids_of[k.i] if m.base == "case" and m.lemma in _CHARGE_CASES), None)
            gerund = next((m for m in kids_of[k.i] if m.base == "amod" and m.pos == "VBG"), None)
            if k.base != "obl" or case is None or gerund is None or not case.i < gerund.i < k.i:
                continue
            out[gerund.i] = gerund._replace(head=v.i, dep="advcl", base="advcl")
            out[k.i] = k._replace(head=gerund.i, dep="obj", base="obj")
            out[case.i] = case._replace(head=gerund.i, dep="mark", base="mark")
        kids_of = _children(out)
        act = next((k for k in kids_of[v.i] if k.base == "advcl" and k.pos == "VBG" and k.i > v.i
                    and any(m.lemma in _CHARGE_CASES and m.base in ("mark", "case") for m in kids_of[k.i])), None)
        if act is None:
            continue
        for k in kids_of[v.i]:
            if k.base == "obl" and k.i > act.i:
                out[k.i] = k._replace(head=act.i)
    return out


def _relabel_headline_passives(tokens: list[Token]) -> list[Token]:
    """'Russia refinery hit by Ukrainian drone attack': a headline drops the passive's auxiliary, and
    the parser takes the participle's patient for its subject. A participle with a subject, a 'by'
    phrase and no auxiliary is a passive: the subject is what it befell."""
    if not any(t.lemma == "by" for t in tokens):
        return tokens  # most sentences
    out = list(tokens)
    kids_of = _children(tokens)
    for v in tokens:
        if v.pos != "VBN" or (v.head >= 0 and v.dep not in ("conj", "parataxis")):
            continue
        kids = kids_of[v.i]
        if any(k.base in ("aux", "aux:pass", "cop") for k in kids) or not any(
                k.base == "obl" and any(c.lemma == "by" and c.base == "case" for c in kids_of[k.i]) for k in kids):
            continue
        for k in kids:
            if k.dep == "nsubj":
                out[k.i] = k._replace(dep="nsubj:pass")
    return out


def _reattach_hyphened_prefixes(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Russian-appointed authorities in Donetsk said' comes back with
    'Russian' a bare dependent of 'appointed', outside the speaker's phrase. A word joined by a
    hyphen to the participle or adjective after it is a compound of it."""
    out = tokens
    for t in tokens:
        if t.dep != "dep" or t.head != t.i + 2 or t.i + 2 >= len(tokens):
            continue
        mid, nxt = tokens[t.i + 1], tokens[t.i + 2]
        if mid.pos != "HYPH" or t.end != mid.start or mid.end != nxt.start or nxt.pos not in ("VBN", "JJ"):
            continue
        if out is tokens:
            out = list(tokens)
        out[t.i] = t._replace(dep="compound", base="compound")
    return out


def _detach_extra_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'As Ukraine gears up for a counteroffensive, Moscow launched
    a wave of missile strikes' comes back with 'gears' a second subject of 'launched' (the
    opening clause's verb taken for a noun). A verb has one subject: of two set apart by a
    comma and more, the one nearer the verb is it, the other a bare dependent."""
    subjects: dict[int, list[int]] = {}
    for t in tokens:
        if t.dep == "nsubj" and t.head >= 0:
            subjects.setdefault(t.head, []).append(t.i)
    out = tokens
    for verb, found in subjects.items():
        if len(found) < 2:
            continue
        near = min(found, key=lambda i: abs(verb - i))
        for far in found:
            between = range(min(far, near) + 1, max(far, near))
            # ('Trump, Putin agreed to begin talks': two subjects listed with a comma are one)
            if far == near or len(between) < 2 or not any(tokens[c].word == "," for c in between):
                continue
            if out is tokens:
                out = list(tokens)
            out[far] = tokens[far]._replace(dep="dep", base="dep")
    return out


def _reattach_comma_participles(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'Ukraine conducted an incursion into Russia's Kursk region,
    deploying hundreds of troops and taking numerous villages' comes back with 'deploying' a bare
    dependent of the object noun. A participle set off by a comma after a clause's object, with
    no subject of its own, goes on from the clause: its verb's adverbial clause."""
    out = tokens
    for v in tokens:
        if v.pos != "VBG" or v.dep != "dep" or v.head < 0 or v.i == 0 or tokens[v.i - 1].word != ",":
            continue
        noun = tokens[v.head]
        if not noun.is_noun or noun.dep != "obj" or noun.head < 0 or not tokens[noun.head].is_verb:
            continue
        if any(t.head == v.i and t.base == "nsubj" for t in tokens):
            continue
        if out is tokens:
            out = list(tokens)
        out[v.i] = v._replace(head=noun.head, dep="advcl", base="advcl")
    return out


def _reattach_apposed_tolls(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'A Russian missile struck the city of Kryvyi Rih, Zelensky's
    birthplace, killing 16 people' comes back with 'killing' a clause on 'birthplace', an apposition
    the parser takes for a second subject of the speech tag (a bare dependent after
    `_detach_extra_subjects`, so this repair runs after it): the birthplace killed, and Zelensky's
    it was. A toll participle set off by a comma on a noun that is itself set off by a comma after a
    clause's object goes on from that clause: its verb's adverbial clause."""
    out = tokens
    for v in tokens:
        if v.lemma not in _TOLL_VERBS or v.pos != "VBG" or v.dep != "acl" or v.head < 0 \
                or v.i == 0 or tokens[v.i - 1].word != ",":
            continue
        noun = tokens[v.head]
        if noun.dep not in ("dep", "appos") or noun.lemma in _ATTACK_NOUNS:
            continue
        start = min(_span(tokens, noun.i))
        if start < 2 or tokens[start - 1].word != ",":
            continue
        # the object the apposition follows: up from the word before its comma
        j, verb = start - 2, None
        for _ in range(8):
            t = tokens[j]
            if t.dep == "obj" and t.head >= 0 and tokens[t.head].is_verb:
                verb = t.head
                break
            if t.head < 0 or t.head == noun.i:
                break
            j = t.head
        if verb is None:
            continue
        if out is tokens:
            out = list(tokens)
        out[v.i] = v._replace(head=verb, dep="advcl", base="advcl")
    return out


def _reattach_according_subjects(tokens: list[Token]) -> list[Token]:
    """Repair a known parser error: 'According to Commander-in-Chief Oleksandr Syrskyi, Ukrainian
    forces pushed Russian occupiers back' comes back with the source the verb's subject, 'According'
    a bare marker and the true subject an apposition of the source. The source is an 'according to'
    phrase on the verb, and the apposition after its comma the verb's subject."""
    out = tokens
    for t in tokens:
        if t.lemma != "accord" or t.dep == "case" or t.i + 2 >= len(tokens) or tokens[t.i + 1].lemma != "to":
            continue
        source = next((x for x in tokens if x.head == t.head and x.dep == "nsubj" and x.i > t.i + 1), None)
        if source is None or t.head < 0:
            continue
        verb = t.head
        subject = next((x for x in tokens if x.head == source.i and x.dep == "appos" and x.i > source.i
                        and any(tokens[c].word == "," for c in range(source.i + 1, x.i))), None)
        if subject is None:
            continue
        if out is tokens:
            out = list(tokens)
        out[t.i] = t._replace(head=source.i, dep="case", base="case")
        out[source.i] = source._replace(dep="obl", base="obl")
        out[subject.i] = subject._replace(head=verb, dep="nsubj", base="nsubj")
    return out


# Applied in this order: the gerund and range repairs only re-hang a word or two, the clause
# repairs then read the corrected heads (the purpose-relative repair reads the clause whose
# subject the clause-subject repair has restored).
_REPAIRS: tuple[Callable[[list[Token]], list[Token]], ...] = (
    _retag_adverbial_idioms, _retag_headline_verbs, _retag_nouns, _retag_predicate_nouns, _retag_infinitive_nouns,
    _retag_gerund_nouns,
    _retag_compass_offensives,
    _retag_participle_offensives,
    _retag_quoted_verbs,
    _reattach_gerunds,
    _reattach_gerund_subjects, _reattach_opening_gerund_objects,
    _reattach_ranges,
    _reattach_place_appositions, _relabel_titled_names, _reattach_opening_appositions, _reattach_dated_subjects,
    _reattach_reduced_relatives, _reattach_relatives_to_names, _reattach_tolls_to_attacks,
    _reattach_quoted_as_saying, _reattach_stranded_auxiliaries, _reattach_noun_complements, _reattach_inverted_reports,
    _relabel_adjective_complements,
    _reattach_inverted_speakers,
    _reattach_clause_subjects, _reattach_purpose_relatives, _reattach_listed_subjects,
    _reattach_reported_conjuncts, _reattach_listed_participles, _reattach_speech_tags,
    _reattach_dangling_tags, _reattach_clausal_subject_tags,
    _reattach_tag_obliques, _reattach_swallowed_speech_tags, _reattach_bare_relatives,
    _reattach_small_clause_objects, _reattach_participle_clause_subjects, _reattach_year_subjects,
    _reattach_phrasal_objects, _reattach_died_gerunds,
    _reattach_went_on, _reattach_approximate_objects, _reattach_money, _reattach_by_gerunds,
    _reattach_preposed_obliques, _reattach_noun_root_speakers, _reattach_prepositional_clauses,
    _reattach_with_participles,
    _reattach_opening_clause_subjects,
    _reattach_shared_possessives, _reattach_aspect_gerunds, _reattach_embedded_saying,
    _reattach_marked_saying, _reattach_unmarked_reports, _reattach_clauses_read_as_phrases, _reattach_claim_clauses,
    _reattach_supplied_with, _reattach_charged_obliques,
    _relabel_headline_passives, _reattach_hyphened_prefixes, _reattach_according_subjects, _reattach_comma_participles,
    _detach_extra_subjects, _reattach_apposed_tolls)
