"""The extraction rules, loaded once from `services/extract/rules/*.yaml` and indexed.

Knowledge is data: triggers (lemma + part of speech + what the arguments must hold), semantic
classes of argument words, attribution and modality cues, noise rules and figure kinds all live
in the YAML files, each with example sentences that `tests/unit/extract/test_rule_examples.py`
runs through the real parser. `RULES_DIGEST` is a hash of the files' content: it is part of the
extractor version, so changing any rule makes `extract replay` replace what an older rule set said.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from services.common.knowledge import party_table

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
RULE_FILES = ("triggers.yaml", "classes.yaml", "attribution.yaml", "modality.yaml", "noise.yaml", "figures.yaml")
# Vocabularies shared with the timeline (parties, places) and page-furniture patterns.
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_FILES = ("lexicon.json",)

POS_CLASSES = {"verb": ("VB",), "noun": ("NN",), "adj": ("JJ",)}


@dataclass(frozen=True)
class TriggerRule:
    id: str
    type: str
    lemmas: tuple[str, ...]
    pos: tuple[str, ...]
    requires: tuple[tuple[str, str], ...] = ()
    forbids: tuple[tuple[str, str], ...] = ()
    actor: str = "subject"
    change: str | None = None
    movement: str | None = None
    modality: str | None = None
    deps: tuple[str, ...] = ()
    happened_only: bool = False  # what is only threatened or planned is rhetoric, not an event
    single: bool = False  # a count of them ('more than 60 meetings') is a tally, not one event


@dataclass(frozen=True)
class Example:
    """One example sentence of a rule file: it must (or, with `expect: None`, must not) give
    an event with the expected slots."""

    source: str
    text: str
    published_at: str
    expect: dict[str, Any] | None
    forbidden_type: str | None = None
    outlet: str | None = None  # the article's source, where the rule reads it ('DOD News')
    title: str | None = None  # the article's title, where the rule reads it (a headline line)


@dataclass
class Rules:
    triggers: tuple[TriggerRule, ...]
    # (lemma, pos class) -> rules; multi-word lemmas are keyed by their last word
    trigger_index: dict[tuple[str, str], tuple[TriggerRule, ...]]
    classes: dict[str, frozenset[str]]
    attribution_verbs: dict[str, str]  # lemma -> modality
    attribution_nouns: dict[str, str]
    evidence_nouns: frozenset[str]
    pronouns: frozenset[str]
    hedges: frozenset[str]
    hedge_reports: frozenset[str]  # 'reports that ...' with nobody named: a claim of an unnamed source
    speakers: frozenset[str]
    unaffiliated_speakers: frozenset[str]
    regional_speakers: frozenset[str]
    time_owners: frozenset[str]  # 'Tuesday's announcement': a time, not who announced
    speech_occasions: frozenset[str]  # 'Speaking after his meeting ..., Rubio said': when, not what
    occasion_marks: frozenset[str]  # 'said after meeting Erdogan that ...': when it was said, not what
    background_marks: frozenset[str]  # '..., since Russian forces seized the plant': the writer's, not the speaker's
    background_cases: frozenset[str]  # 'amid overnight attacks': the writer's background
    statement_verbs: frozenset[str]  # 'Indonesia issued a statement': whose statement it is
    byline_leads: tuple[str, ...]  # a statement's lead-in up to its colon: the outlet's own voice
    negations: frozenset[str]
    modals: frozenset[str]
    expect_verbs: frozenset[str]
    halted_talks: frozenset[tuple[str, str]]  # (preposition, noun): 'off the table'
    refuse_verbs: frozenset[str]
    authorizing_verbs: frozenset[str]
    expect_adjectives: frozenset[str]
    achieved_adjectives: frozenset[str]
    estimate_modals: frozenset[str]  # 'may have captured': a guess at what happened
    estimate_adjectives: frozenset[str]  # 'it is likely that ... has begun': an estimate of what is
    estimate_modifiers: frozenset[str]
    estimate_adverbs: frozenset[str]  # 'had likely captured': the clause is an estimate
    prepare_verbs: frozenset[str]
    awaited_modifiers: frozenset[str]
    estimate_nouns: frozenset[str]
    noise: dict[str, dict[str, Any]]
    unit_kinds: dict[str, str]
    casualty_lemmas: dict[str, frozenset[str]]
    death_phrases: tuple[frozenset[str], ...]  # words that together name deaths ('lost their lives')
    civilian_lemmas: frozenset[str]
    people_lemmas: frozenset[str]
    appraisal_verbs: frozenset[str] = frozenset()  # 'Kyiv put Russian losses at 38,000'
    multilateral: frozenset[str] = frozenset()  # party codes that can meet on their own
    figure_scopes: dict[str, frozenset[str]] = field(default_factory=dict)
    examples: tuple[Example, ...] = field(default=())

    @property
    def measure_nouns(self) -> frozenset[str]:
        """Nouns that count or shape a noun trigger: 'eight hours of talks', 'a wave of strikes'."""
        return self.classes.get("measure", frozenset())

    @cached_property
    def trigger_lemmas(self) -> frozenset[str]:
        """The lemmas `trigger_index` is keyed by: a token with another is no trigger."""
        return frozenset(lemma for lemma, _ in self.trigger_index)

    @cached_property
    def casualty_words(self) -> frozenset[str]:
        """Every word of the casualty classes (killed, wounded, captured, ...)."""
        return frozenset().union(*self.casualty_lemmas.values())

    @cached_property
    def conditional_marks(self) -> frozenset[str]:
        """Markers of a clause that does not report a fact: 'if', 'unless' (noise.yaml)."""
        return frozenset(self.noise["conditional"]["marks"])

    @cached_property
    def purpose_governors(self) -> frozenset[str]:
        """Words an aim hangs off: 'needs systems to repel' (noise.yaml)."""
        return frozenset(self.noise["purpose"]["purpose_governors"])

    @cached_property
    def strike_causes(self) -> frozenset[str]:
        """What can cause a strike's harm: its weapons and attacks, blasts and debris."""
        return self.classes["strike_weapon"] | self.classes["strike_cause"]


def _load_yaml(name: str) -> dict[str, Any]:
    with open(RULES_DIR / name, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _examples(source: str, items: list[Any] | None, rule_type: str | None) -> list[Example]:
    out: list[Example] = []
    for item in items or ():
        if isinstance(item, str):
            item = {"text": item, "expect": None}
        expect = item.get("expect")
        if expect == "none":
            expect = None
        out.append(Example(source=source, text=item["text"], published_at=str(item.get("published_at", "2025-01-15")),
                           expect=expect,
                           # a negative example forbids its rule's type, or what it names ('forbid:'),
                           # or any event when it belongs to no rule; a positive one may forbid a
                           # type beside the event it expects
                           forbidden_type=item.get("forbid", rule_type or "*" if expect is None else None),
                           outlet=item.get("outlet"), title=item.get("title")))
    return out


@lru_cache(maxsize=1)
def rules() -> Rules:
    tdata = _load_yaml("triggers.yaml")
    triggers = []
    examples: list[Example] = []
    for r in tdata["rules"]:
        triggers.append(TriggerRule(
            id=r["id"], type=r["type"], lemmas=tuple(lemma.lower() for lemma in _tuple(r["lemmas"])),
            pos=_tuple(r.get("pos", "verb")),
            requires=tuple((k, v) for k, v in (r.get("requires") or {}).items()),
            forbids=tuple((k, v) for k, v in (r.get("forbids") or {}).items()),
            actor=r.get("actor", "subject"), change=r.get("change"), movement=r.get("movement"),
            modality=r.get("modality"), deps=_tuple(r.get("deps")), happened_only=bool(r.get("happened_only")),
            single=bool(r.get("single"))))
        examples += _examples(f"triggers.yaml:{r['id']}", r.get("examples"), r["type"])
    index: dict[tuple[str, str], list[TriggerRule]] = {}
    for t in triggers:
        for lemma in t.lemmas:
            for pos in t.pos:
                # a lemma of several words is indexed by its head word: the last ('ground operation')
                # or, for a particle verb, the first ('push back', 'fend off')
                words = lemma.split()
                for key in {words[-1], words[0]}:
                    bucket = index.setdefault((key, pos), [])
                    if t not in bucket:
                        bucket.append(t)
    cdata = _load_yaml("classes.yaml")
    classes = {k: frozenset(str(w).lower() for w in v) for k, v in cdata.items()}
    classes["weapon"] |= classes["weapon_models"]  # (named systems are weapons: classes.yaml weapon_models)
    adata = _load_yaml("attribution.yaml")
    mdata = _load_yaml("modality.yaml")
    ndata = _load_yaml("noise.yaml")
    fdata = _load_yaml("figures.yaml")
    examples += _examples("attribution.yaml", adata.get("examples"), None)
    examples += _examples("modality.yaml", mdata.get("examples"), None)
    examples += _examples("figures.yaml", fdata.get("examples"), None)
    noise = {n["id"]: n for n in ndata["rules"]}
    for n in ndata["rules"]:
        for item in n.get("examples") or ():
            item = {"text": item} if isinstance(item, str) else item
            # a counter-example ('expect': an event the rule must let through) or what it forbids
            expect = item.get("expect")
            examples.append(Example(source=f"noise.yaml:{n['id']}", text=item["text"],
                                    published_at=str(item.get("published_at", "2025-01-15")),
                                    expect=expect if isinstance(expect, dict) else None,
                                    forbidden_type=item.get("forbid", None if isinstance(expect, dict) else "*"),
                                    outlet=item.get("outlet"), title=item.get("title")))
    return Rules(
        triggers=tuple(triggers), trigger_index={k: tuple(v) for k, v in index.items()}, classes=classes,
        attribution_verbs={w: mod for mod, ws in adata["verbs"].items() for w in ws},
        attribution_nouns={w: ("claimed" if mod == "evidence" else mod)
                           for mod, ws in adata["nouns"].items() for w in ws},
        evidence_nouns=frozenset(adata["nouns"].get("evidence", ())),
        pronouns=frozenset(adata["pronouns"]), hedges=frozenset(adata["hedges"]),
        hedge_reports=frozenset(adata["hedge_reports"]), speakers=frozenset(adata["speakers"]),
        unaffiliated_speakers=frozenset(adata["unaffiliated_speakers"]),
        regional_speakers=frozenset(adata["regional_speakers"]),
        time_owners=frozenset(adata["time_owners"]),
        speech_occasions=frozenset(adata["speech_occasions"]),
        occasion_marks=frozenset(adata["occasion_marks"]),
        background_marks=frozenset(adata["background_marks"]),
        background_cases=frozenset(adata["background_cases"]),
        statement_verbs=frozenset(adata["statement_verbs"]),
        byline_leads=tuple(str(x).lower() for x in adata["byline_leads"]),
        negations=frozenset(mdata["negations"]), modals=frozenset(mdata["modals"]),
        expect_verbs=frozenset(mdata["expect_verbs"]),
        halted_talks=frozenset((str(case), str(noun)) for case, noun in mdata["halted_talks"]),
        refuse_verbs=frozenset(mdata["refuse_verbs"]),
        authorizing_verbs=frozenset(mdata["authorizing_verbs"]),
        expect_adjectives=frozenset(mdata["expect_adjectives"]),
        achieved_adjectives=frozenset(mdata["achieved_adjectives"]),
        estimate_modals=frozenset(mdata["estimate_modals"]),
        estimate_adjectives=frozenset(mdata["estimate_adjectives"]),
        estimate_modifiers=frozenset(mdata["estimate_modifiers"]),
        estimate_adverbs=frozenset(mdata["estimate_adverbs"]), prepare_verbs=frozenset(mdata["prepare_verbs"]),
        awaited_modifiers=frozenset(mdata["awaited_modifiers"]),
        estimate_nouns=frozenset(mdata["estimate_nouns"]), noise=noise,
        unit_kinds=dict(fdata["unit_kinds"]),
        casualty_lemmas={k: frozenset(v) for k, v in fdata["casualty_lemmas"].items()},
        death_phrases=tuple(frozenset(p) for p in fdata["death_phrases"]),
        civilian_lemmas=frozenset(fdata["civilian_lemmas"]),
        people_lemmas=frozenset(fdata["people_lemmas"]), examples=tuple(examples),
        appraisal_verbs=frozenset(fdata["appraisal_verbs"]),
        multilateral=frozenset(p.code for p in party_table().parties.values() if p.multilateral),
        figure_scopes={k: frozenset(v) for k, v in fdata["scopes"].items()})


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A hash of every rule and vocabulary file: the extractor's version follows its knowledge."""
    h = hashlib.sha256()
    from services.common.knowledge import KNOWLEDGE_DIR, KNOWLEDGE_FILES
    for directory, names in ((RULES_DIR, RULE_FILES), (DATA_DIR, DATA_FILES), (KNOWLEDGE_DIR, KNOWLEDGE_FILES)):
        for name in names:
            h.update(name.encode())
            h.update((directory / name).read_bytes())
    # ... and the loader that builds the gazetteer from them and GeoNames (which spellings it reads)
    h.update((KNOWLEDGE_DIR / "__init__.py").read_bytes())
    return h.hexdigest()[:12]
