"""When the claims of an entry disagree: figure spreads and denials.

Tolerance rule
--------------
Figures are compared per comparable kind (`KIND_ALIASES`: 'killed_or_wounded' is
'casualties'; 'area_sq_mi' is converted to 'area_km2'), each as its `value` or the midpoint
of its `low`..`high` range. Two figures disagree when their relative difference
|a - b| / max(|a|, |b|) exceeds `TOLERANCE` (25 %): "over 3,000" against "about 1,000"
(67 %) disagree; 11,000 against 12,000 (8 %), or 10,000-12,000 against 11,000 (0 %), do
not. The difference only contests the entry when the two figures come from different
sources (a party's later update of its own figure is no dispute; different parties, or
two articles asserting figures themselves, are different sources) and were published
within `CONTEMPORARY_DAYS` (45) of each other (a running tally that grew between two
reports a season apart is no dispute either). Figures of denied claims are not compared:
the denial itself contests the entry.

Denials
-------
An entry whose claims include a denial (modality 'denied') and at least one claim that is
not a denial is contested: "denied by UKR".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from schemas.events import Event, Quantity
from services.timeline.core.model import FigureSummary

TOLERANCE = 0.25
CONTEMPORARY_DAYS = 45
SQ_MI_TO_KM2 = 2.589988110336
# raw kind -> (comparable kind, factor)
KIND_ALIASES: dict[str, tuple[str, float]] = {
    "killed_or_wounded": ("casualties", 1.0),
    "area_sq_mi": ("area_km2", SQ_MI_TO_KM2),
}
ARTICLE = "article"

_VERBS = {"asserted": "says", "claimed": "says", "estimated": "estimates", "expected": "expects",
          "denied": "denies"}


def quantity_mid(quantity: Quantity) -> float | None:
    """A quantity as one number: its value, or the midpoint of its range."""
    if quantity.value is not None:
        return float(quantity.value)
    if quantity.low is not None and quantity.high is not None:
        return (float(quantity.low) + float(quantity.high)) / 2
    if quantity.low is not None:
        return float(quantity.low)
    if quantity.high is not None:
        return float(quantity.high)
    return None


def comparable_kind(kind: str) -> tuple[str, float]:
    return KIND_ALIASES.get(kind, (kind, 1.0))


def claimant_keys(event) -> tuple[str, ...]:
    """Who stands behind a claim: party codes, party-less claimants by name, or 'article'."""
    keys = {c.party or (c.name.strip() or "?") for c in event.claimants}
    return tuple(sorted(keys)) if keys else (ARTICLE,)


def source_identity(event) -> tuple[str, ...]:
    keys = claimant_keys(event)
    # Two articles asserting a figure themselves are two sources.
    return (ARTICLE, event.article) if keys == (ARTICLE,) else keys


def relative_difference(a: float, b: float) -> float:
    top = max(abs(a), abs(b))
    return 0.0 if top == 0 else abs(a - b) / top


def format_number(value: float) -> str:
    if abs(value - round(value)) < 1e-9:
        return str(round(value))
    if abs(value) >= 100:
        return str(round(value))
    return f"{value:.3g}"


@dataclass(frozen=True)
class _Point:
    kind: str
    raw_kind: str
    mid: float | None
    vague: str | None
    keys: tuple[str, ...]
    identity: tuple[str, ...]
    modality: str
    published_at: date
    event_id: str


def _points(claims: Iterable[Event]) -> list[_Point]:
    points = []
    for event in claims:
        if event.modality == "denied":
            continue
        keys, identity = claimant_keys(event), source_identity(event)
        for quantity in event.quantities:
            kind, factor = comparable_kind(quantity.kind)
            mid = quantity_mid(quantity)
            points.append(_Point(kind=kind, raw_kind=quantity.kind, mid=None if mid is None else mid * factor,
                                 vague=quantity.vague, keys=keys, identity=identity, modality=event.modality,
                                 published_at=event.published_at, event_id=event.event_id))
    return points


def _disagree(a: _Point, b: _Point) -> bool:
    return (a.identity != b.identity
            and abs((a.published_at - b.published_at).days) <= CONTEMPORARY_DAYS
            and relative_difference(a.mid, b.mid) > TOLERANCE)


def summarize_figures(claims: Sequence[Event]) -> tuple[tuple[FigureSummary, ...], tuple[str, ...]]:
    """Per comparable kind: min, max, value per claimant, spread, contested; and the
    reasons ('casualties: UKR says 3000, WEST estimates 1000') for contested kinds."""
    by_kind: dict[str, list[_Point]] = {}
    for point in _points(claims):
        by_kind.setdefault(point.kind, []).append(point)
    summaries, reasons = [], []
    for kind in sorted(by_kind):
        points = by_kind[kind]
        numeric = sorted((p for p in points if p.mid is not None),
                         key=lambda p: (p.published_at, p.event_id, p.mid))
        vague = tuple(sorted({p.vague for p in points if p.mid is None and p.vague}))
        if not numeric:
            continue
        latest: dict[str, _Point] = {}
        for point in numeric:  # ascending: the last one written wins
            for key in point.keys:
                latest[key] = point
        contested = any(_disagree(a, b) for i, a in enumerate(numeric) for b in numeric[i + 1:])
        low, high = min(p.mid for p in numeric), max(p.mid for p in numeric)
        summaries.append(FigureSummary(
            kind=kind, min=low, max=high, by_claimant={k: latest[k].mid for k in sorted(latest)},
            contested=contested, spread=relative_difference(low, high), count=len(numeric),
            raw_kinds=tuple(sorted({p.raw_kind for p in points})), vague=vague,
        ))
        if contested:
            ordered = sorted(latest.items(), key=lambda kv: (-kv[1].mid, kv[0]))
            said = ", ".join(f"{key} {_VERBS.get(p.modality, 'says')} {format_number(p.mid)}" for key, p in ordered)
            reasons.append(f"{kind}: {said}")
    return tuple(summaries), tuple(reasons)


def denial_reasons(claims: Sequence[Event]) -> tuple[str, ...]:
    denials = [e for e in claims if e.modality == "denied"]
    if not denials or len(denials) == len(claims):
        return ()
    keys = sorted({k for e in denials for k in claimant_keys(e)})
    who = ", ".join("the article" if k == ARTICLE else k for k in keys)
    return (f"denied by {who}",)
