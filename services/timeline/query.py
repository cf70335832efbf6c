"""Timeline query semantics shared by every store: the filter predicate, the as-of view,
and which index sets an entry belongs to."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from schemas.events import Event
from services.timeline.core import build_entry
from services.timeline.core.model import Entry
from services.timeline.store import TimelineQuery

_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]{3,}")


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def entry_index_keys(entry: Entry) -> list[str]:
    """The index zsets an entry belongs to (relative to the namespace base)."""
    keys = ["z:all", f"z:type:{entry.type}"]
    for party in {entry.actor, *entry.partners} - {None}:
        keys.append(f"z:actor:{party}")
    for location in entry.locations:
        keys.append(f"z:loc:{location.name.lower()}")
    for party in entry.claimant_parties:
        keys.append(f"z:claimant:{party}")
    if entry.contested:
        keys.append("z:contested")
    tokens: set[str] = set()
    for claim in entry.claims:
        for evidence in claim.evidence:
            tokens |= words(evidence.sentence)
    keys.extend(f"z:word:{t}" for t in sorted(tokens))
    return keys


def matches(entry: Entry, query: TimelineQuery) -> bool:
    """The filters as a predicate (index lookups narrow first; this confirms)."""
    if query.type and entry.type != query.type:
        return False
    if query.actor and query.actor not in ({entry.actor} | set(entry.partners)):
        return False
    if query.location and query.location.lower() not in {l.name.lower() for l in entry.locations}:
        return False
    if query.claimant and query.claimant not in entry.claimant_parties:
        return False
    if query.contested is not None and entry.contested != query.contested:
        return False
    if query.start and entry.time.end < query.start:
        return False
    if query.end and entry.time.start > query.end:
        return False
    if query.q:
        needle = query.q.lower()
        if not any(needle in ev.sentence.lower() for c in entry.claims for ev in c.evidence):
            return False
    return True


def as_of_view(entry: Entry, events: dict[str, Event], as_of: datetime) -> Entry | None:
    """The entry as it stood at `as_of`: only claims ingested by then."""
    cutoff = as_of if as_of.tzinfo else as_of.replace(tzinfo=timezone.utc)
    kept = []
    for claim in entry.claims:
        event = events.get(claim.event_id)
        if event is None or event.ingested_at is None:
            continue
        at = event.ingested_at if event.ingested_at.tzinfo else event.ingested_at.replace(tzinfo=timezone.utc)
        if at <= cutoff:
            kept.append(event)
    return build_entry(entry.entry_id, kept) if kept else None


def score_floor(day) -> float:
    """The smallest sort_score an entry starting on `day` can have (see core.fold.sort_score)."""
    from services.timeline.core.fold import _SPAN_BITS, _TIE_BITS

    return float(day.toordinal() << (_SPAN_BITS + _TIE_BITS))
