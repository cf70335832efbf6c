"""Figures over time: how one figure ('PRK troops', 'PRK casualties') evolved claim by claim.

Independent of grouping: a figure's history crosses entries (a deployment reported in
November and revised in April lands in two entries but one history). Backs
`GET /figures?subject=...`.

Subjects are "<party> <metric>". Metrics (`METRICS`):
* troops: troops_deployed quantities of kind 'troops' (every movement; each point says
  which);
* casualties: casualties_claimed quantities of kind killed, wounded, killed_or_wounded,
  casualties;
* killed, wounded, captured: casualties_claimed quantities of that one kind.
The party may be a code ('PRK', 'prk') or a name ('North Korean', 'North Korea', 'DPRK');
'ALL' (or none) means every actor.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TypeAlias

from schemas.events import Event
from services.common.knowledge import party_table
from services.timeline.core.contest import claimant_keys, quantity_mid
from services.timeline.core.fold import current_events
from services.timeline.core.grouping import entry_ids
from services.timeline.core.model import ClaimView, Entry, FigurePoint, Subject, SubjectInfo

# metric -> (event type, quantity kinds)
METRICS: dict[str, tuple[str, frozenset[str]]] = {
    "troops": ("troops_deployed", frozenset({"troops"})),
    "casualties": ("casualties_claimed", frozenset({"killed", "wounded", "killed_or_wounded", "casualties"})),
    "killed": ("casualties_claimed", frozenset({"killed"})),
    "wounded": ("casualties_claimed", frozenset({"wounded"})),
    "captured": ("casualties_claimed", frozenset({"captured"})),
}

_METRIC_WORDS: dict[str, str] = {
    "troops": "troops", "troop": "troops", "soldiers": "troops", "soldier": "troops", "forces": "troops",
    "force": "troops", "personnel": "troops", "deployment": "troops", "deployments": "troops",
    "casualties": "casualties", "casualty": "casualties", "losses": "casualties", "loss": "casualties",
    "killed": "killed", "dead": "killed", "deaths": "killed", "death": "killed", "fatalities": "killed",
    "wounded": "wounded", "injured": "wounded",
    "captured": "captured", "prisoners": "captured", "pows": "captured", "pow": "captured",
}

# Names of parties beyond the shared party table (services/common/knowledge).
_EXTRA_PARTY_NAMES: dict[str, str] = {"nk": "PRK", "west": "WEST", "western": "WEST"}
_ALL = {"", "all", "any", "every", "*"}
_STOP = {"of", "the", "'s", "’s"}


def parse_subject(text: str | Subject) -> Subject:
    """'PRK troops', 'prk casualties', 'North Korean troops', 'casualties of Russia',
    'ALL troops' -> Subject(actor, metric). Raises ValueError when no metric or party is
    recognized."""
    if isinstance(text, Subject):
        return text
    lowered = re.sub(r"['’]s\b", "", text.strip().lower())
    lowered = re.sub(r"killed[\s_]+or[\s_]+wounded", "casualties", lowered)
    tokens = [t for t in re.split(r"[\s,+:/_]+", lowered) if t and t not in _STOP]
    metric_at = [i for i, t in enumerate(tokens) if t in _METRIC_WORDS]
    if not metric_at:
        raise ValueError(f"no figure named in subject {text!r}: use one of {', '.join(METRICS)}")
    index = metric_at[-1]
    metric = _METRIC_WORDS[tokens[index]]
    party_text = " ".join(tokens[:index] + tokens[index + 1:]).strip()
    if party_text in _ALL:
        return Subject(actor=None, metric=metric)
    code = _EXTRA_PARTY_NAMES.get(party_text) or party_table().code_of(party_text)
    if code is not None:
        return Subject(actor=code, metric=metric)
    if re.fullmatch(r"[a-z]{2,8}", party_text):
        return Subject(actor=party_text.upper(), metric=metric)
    raise ValueError(f"unknown party {party_text!r} in subject {text!r}")


# What figures are read from: events, or entries (a sequence, or a mapping by entry id).
Source: TypeAlias = Iterable[Event] | Iterable[Entry] | Mapping[str, Entry]


def _claims(source: Source) -> list[tuple[str, ClaimView | Event, str | None, str]]:
    """(entry_id, claim, actor, type) for entries, or for events (current ones only)."""
    items: list[Event | Entry] = list(source.values()) if isinstance(source, Mapping) else list(source)
    out: list[tuple[str, ClaimView | Event, str | None, str]] = []
    for item in items:
        if isinstance(item, Entry):
            for claim in item.claims:
                if claim.type:
                    out.append((item.entry_id, claim, claim.actor, claim.type))
                else:  # a claim view without its own slots
                    out.append((item.entry_id, claim, item.actor, item.type))
    events = [i for i in items if not isinstance(i, Entry)]
    current = current_events(events)
    entry_of = entry_ids(current)  # the entries these events make together (an unplaced claim may join)
    for event in current:
        out.append((entry_of[event.event_id], event, event.actor, event.type))
    return out


def _claimant_label(claim: ClaimView | Event) -> str:
    keys = claimant_keys(claim)
    parties = [c.party for c in claim.claimants if c.party]
    if parties:
        ordered = list(dict.fromkeys(parties))  # as written, without repeats
        named = [k for k in keys if k not in ordered]
        return ", ".join(ordered + named)
    return ", ".join(keys)


def figure_history(source: Source, subject: str | Subject) -> list[FigurePoint]:
    """Every claimed quantity of a subject, one point per claim and quantity, sorted by
    published_at, then event_id (then kind). `source` is events (superseded extractor
    versions and redeliveries are dropped as in the fold) or entries."""
    wanted = parse_subject(subject)
    event_type, kinds = METRICS[wanted.metric]
    points: list[tuple[tuple[date, str, str, int], FigurePoint]] = []
    for entry_id, claim, actor, claim_type in _claims(source):
        if claim_type != event_type or (wanted.actor is not None and actor != wanted.actor):
            continue
        evidence = claim.evidence[0]
        for index, q in enumerate(claim.quantities):
            if q.kind not in kinds:
                continue
            point = FigurePoint(
                subject=wanted.label, event_id=claim.event_id, entry_id=entry_id, type=claim_type, actor=actor,
                kind=q.kind, value=q.value, low=q.low, high=q.high, approx=q.approx, vague=q.vague,
                mid=quantity_mid(q), unit=q.unit, claimant=_claimant_label(claim),
                claimant_parties=tuple(sorted({c.party for c in claim.claimants if c.party})),
                claimants=claim.claimants, modality=claim.modality, movement=getattr(claim, "movement", None),
                published_at=claim.published_at, ingested_at=claim.ingested_at, article=claim.article,
                source=claim.source, time=claim.time,
                location=claim.locations[0].name if claim.locations else None,
                evidence=evidence.sentence, evidence_start=evidence.start, evidence_end=evidence.end,
            )
            points.append(((claim.published_at, claim.event_id, q.kind, index), point))
    seen: set[tuple[date, str, str, int]] = set()
    out: list[FigurePoint] = []
    for key, point in sorted(points, key=lambda kp: kp[0]):
        if key in seen:  # an entry given twice
            continue
        seen.add(key)
        out.append(point)
    return out


def list_subjects(source: Source) -> list[SubjectInfo]:
    """The figure series present, per party and metric (and 'ALL <metric>' when more than
    one party has it), with point and entry counts; sorted by subject."""
    # (event_id, quantity index, entry_id, numeric, published_at)
    points: dict[tuple[str | None, str], list[tuple[str, int, str, bool, date]]] = defaultdict(list)
    actors: dict[str, set[str | None]] = defaultdict(set)
    for entry_id, claim, actor, claim_type in _claims(source):
        for metric, (event_type, kinds) in METRICS.items():
            if claim_type != event_type:
                continue
            for index, q in enumerate(claim.quantities):
                if q.kind in kinds:
                    item = (claim.event_id, index, entry_id, quantity_mid(q) is not None, claim.published_at)
                    if actor is not None:
                        points[(actor, metric)].append(item)
                    points[(None, metric)].append(item)
                    actors[metric].add(actor)
    out: list[SubjectInfo] = []
    for (actor, metric), items in points.items():
        if actor is None and len(actors[metric]) < 2 and None not in actors[metric]:
            continue  # 'ALL x' would repeat the one party's series
        unique = {(i[0], i[1]): i for i in items}.values()
        dates = [i[4] for i in unique]
        out.append(SubjectInfo(subject=Subject(actor=actor, metric=metric).label, actor=actor, metric=metric,
                               points=len(unique), entries=len({i[2] for i in unique}),
                               numeric_points=sum(1 for i in unique if i[3]),
                               first_published_at=min(dates), last_published_at=max(dates)))
    return sorted(out, key=lambda s: (s.actor is None, s.actor or "", s.metric))
