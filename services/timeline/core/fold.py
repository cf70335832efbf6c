"""The fold: events -> timeline entries. Deterministic and order-independent.

An entry is identified by `entry_key(event)`, a pure function of the event alone, so the
grouping cannot depend on arrival order. An entry's content is `build_entry(id, claims)`,
a pure function of the *set* of its claims. `apply` keeps, per article, only the events of
the newest extractor version, so a re-extraction replaces what the old version said.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from schemas.events import Event
from services.timeline.core.model import ClaimView, Entry


def version_key(version: str) -> tuple:
    """Orders extractor versions: '0.10.0' > '0.9.2'."""
    return tuple(int(p) if p.isdigit() else p for p in version.replace("-", ".").split("."))


def entry_key(event: Event) -> str:
    parts = [event.type, event.actor or "-", event.locations[0].name.lower() if event.locations else "-",
             getattr(event, "change", None) or getattr(event, "movement", None) or "-",
             event.time.start.strftime("%Y-%m")]
    return "en_" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def build_entry(entry_id: str, claims: Sequence[Event]) -> Entry:
    ordered = sorted(claims, key=lambda e: e.event_id)
    first = ordered[0]
    start = min(e.time.start for e in ordered)
    end = max(e.time.end for e in ordered)
    time = first.time.model_copy(update={"start": start, "end": end})
    ingested = [e.ingested_at for e in ordered if e.ingested_at]
    return Entry(
        entry_id=entry_id, type=first.type, actor=first.actor, partners=first.partners, against=first.against,
        locations=first.locations, change=getattr(first, "change", None), movement=getattr(first, "movement", None),
        recipient=getattr(first, "recipient", None), time=time,
        time_known=not all(e.time.from_article_date for e in ordered),
        sort_score=float(start.toordinal()), contested=False, contested_reasons=(), figures=(),
        claimant_parties=tuple(sorted({c.party for e in ordered for c in e.claimants if c.party})),
        first_ingested_at=min(ingested) if ingested else None,
        claims=tuple(ClaimView(event_id=e.event_id, article=e.article, source=e.source, published_at=e.published_at,
                               ingested_at=e.ingested_at, extractor_version=e.extractor_version,
                               claimants=e.claimants, modality=e.modality, quantities=e.quantities,
                               time=e.time, evidence=e.evidence) for e in ordered),
    )


@dataclass(frozen=True)
class FoldState:
    """Current events (newest extractor version per article only)."""

    events: dict[str, Event] = field(default_factory=dict)
    article_versions: dict[str, str] = field(default_factory=dict)


def apply(state: FoldState, event: Event) -> FoldState:
    """Fold one event in. A redelivered event changes nothing; an event of an older
    extractor version than the article's current one is ignored; a newer one drops the
    article's older events."""
    current = state.article_versions.get(event.article)
    if event.event_id in state.events:
        return state
    if current is not None and version_key(event.extractor_version) < version_key(current):
        return state
    events = dict(state.events)
    versions = dict(state.article_versions)
    if current is not None and version_key(event.extractor_version) > version_key(current):
        events = {k: v for k, v in events.items() if v.article != event.article}
    versions[event.article] = event.extractor_version
    events[event.event_id] = event
    return FoldState(events=events, article_versions=versions)


def fold(events: Iterable[Event]) -> dict[str, Entry]:
    """The whole timeline from a sequence of events (the reference for every projection)."""
    state = FoldState()
    for event in events:
        state = apply(state, event)
    groups: dict[str, list[Event]] = {}
    for event in state.events.values():
        groups.setdefault(entry_key(event), []).append(event)
    return {key: build_entry(key, claims) for key, claims in sorted(groups.items())}
