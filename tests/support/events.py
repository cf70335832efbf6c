"""Building events by hand for tests."""
from __future__ import annotations

import hashlib
from datetime import date, datetime

from schemas.events import Event, parse_event


def make_event(article: str, type_: str, *, actor: str | None = None, partners: tuple[str, ...] = (),
               against: str | None = None, claimant: str | None = None, location: str | None = None,
               quantity: tuple[str, float] | None = None, when: date = date(2025, 1, 1),
               ingested: datetime | None = None, sentence: str = "Something happened.",
               modality: str | None = None, change: str | None = None, movement: str | None = None,
               version: str = "1.0.0", published: date | None = None) -> Event:
    data = {
        "type": type_, "article": article, "extractor_version": version,
        "published_at": (published or when).isoformat(), "source": "Test Wire",
        "ingested_at": ingested.isoformat() if ingested else None,
        "actor": actor, "partners": list(partners), "against": against,
        "locations": [{"name": location}] if location else [],
        "quantities": [{"kind": quantity[0], "value": quantity[1]}] if quantity else [],
        "time": {"start": when.isoformat(), "end": when.isoformat(), "granularity": "day"},
        "claimants": [{"party": claimant, "name": claimant}] if claimant else [],
        "modality": modality or ("claimed" if claimant else "asserted"),
        "evidence": [{"sentence": sentence, "start": 0, "end": len(sentence)}],
    }
    if change:
        data["change"] = change
    if movement:
        data["movement"] = movement
    digest = hashlib.sha256(repr(sorted(data.items())).encode()).hexdigest()[:16]
    data["event_id"] = f"ev_{digest}"
    return parse_event(data)
