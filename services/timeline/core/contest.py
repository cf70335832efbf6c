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

Only like figures are compared (issue 10): figures group by comparable kind *and* scope
class (`SCOPE_CLASS`: a running total and a cumulative tally are one class; an increment
'an additional 8,000' and a single action's toll 'the strike killed 13' are each their own),
and figures of expected claims ('might deploy 8,000') are summarized apart and never
contest. A bound is read as one ('more than 3,000' is at least 3,000): a figure at least
x does not disagree with one at or above x, nor one at most x with one at or below it.
Reasons quote the figures as written when the text is known ('UKR says more than 3,000').

Denials
-------
An entry whose claims include a denial (modality 'denied') and at least one claim that is
not a denial is contested, naming both sides: "denied by UKR; claimed by RUS".

Counter-claims
--------------
* An offensive entry holding a launch and a repulse ('UKR launched attacks near Belaya',
  'RUS repelled attacks near Berdin') is contested: "offensive: UKR reports it; RUS says
  it repelled it".
* A territory entry whose claims name different holders of the place (by side:
  `SIDE_OF`) is contested: "Kursk held by: RUS says RUS (regained); UKR says UKR (controls)".
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from schemas.events import Event, Quantity
from services.timeline.core.model import ClaimView, FigureSummary

TOLERANCE = 0.25
CONTEMPORARY_DAYS = 45
SQ_MI_TO_KM2 = 2.589988110336
# raw kind -> (comparable kind, factor)
KIND_ALIASES: dict[str, tuple[str, float]] = {
    "killed_or_wounded": ("casualties", 1.0),
    "area_sq_mi": ("area_km2", SQ_MI_TO_KM2),
}
ARTICLE = "article"

# Scopes that count the same thing: a running total and a tally since a start.
SCOPE_CLASS: dict[str | None, str] = {None: "total", "total": "total", "cumulative": "total",
                                      "increment": "increment", "single_action": "single_action"}
# Parties fighting on one side: who holds a place is a side (North Korean troops retaking a
# village for Russia is Russia holding it); a loser's opponent is the other side.
SIDE_OF: dict[str, str] = {"PRK": "RUS", "BLR": "RUS"}
OPPONENT: dict[str, str] = {"RUS": "UKR", "UKR": "RUS"}
_BOUND_WORDS = {"about": "about ", "at_least": "at least ", "at_most": "at most "}

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


def claimant_keys(event: Event | ClaimView) -> tuple[str, ...]:
    """Who stands behind a claim: party codes, party-less claimants by name, or 'article'."""
    keys = {c.party or (c.name.strip() or "?") for c in event.claimants}
    return tuple(sorted(keys)) if keys else (ARTICLE,)


def source_identity(event: Event) -> tuple[str, ...]:
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
    """A claimed quantity; one without a number (`mid`) is a plain `_Point`, one with a
    number a `_Figure`."""

    kind: str
    scope: str
    expected: bool
    bound: str | None
    text: str
    raw_kind: str
    vague: str | None
    keys: tuple[str, ...]
    identity: tuple[str, ...]
    modality: str
    published_at: date
    event_id: str


@dataclass(frozen=True)
class _Figure(_Point):
    mid: float


def _points(claims: Iterable[Event], keys_of_one: tuple[str, ...] | None = None) -> list[_Point]:
    """The claims' quantities as points (`keys_of_one`: the claimant keys of a single claim,
    when the caller has them already)."""
    points: list[_Point] = []
    for event in claims:
        if event.modality == "denied":
            continue
        keys = keys_of_one if keys_of_one is not None else claimant_keys(event)
        identity = (ARTICLE, event.article) if keys == (ARTICLE,) else keys  # source_identity, keys reused
        for quantity in event.quantities:
            kind, factor = comparable_kind(quantity.kind)
            mid = quantity_mid(quantity)
            mid = None if mid is None else mid * factor
            # The fields of `_Point`, in order.
            fields = (kind, SCOPE_CLASS.get(quantity.scope, "total"), event.modality == "expected",
                      quantity.bound or ("about" if quantity.approx else None), figure_text(quantity, mid),
                      quantity.kind, quantity.vague, keys, identity, event.modality, event.published_at,
                      event.event_id)
            points.append(_Point(*fields) if mid is None else _Figure(*fields, mid))
    return points


def figure_text(quantity: Quantity, mid: float | None = None) -> str:
    """A figure as a reader should see it: as written when known, else with its bound."""
    if quantity.text:
        return quantity.text
    if quantity.value is None and quantity.low is not None and quantity.high is not None:
        return f"{format_number(quantity.low)}–{format_number(quantity.high)}"
    if mid is None:
        return quantity.vague or "?"
    bound = quantity.bound or ("about" if quantity.approx else None)
    return _BOUND_WORDS.get(bound or "", "") + format_number(mid)


def _compatible_bound(a: _Figure, b: _Figure) -> bool:
    """One figure is a bound the other satisfies (within the tolerance)."""
    for x, y in ((a, b), (b, a)):
        if x.bound == "at_least" and y.mid >= x.mid * (1 - TOLERANCE):
            return True
        if x.bound == "at_most" and y.mid <= x.mid * (1 + TOLERANCE):
            return True
    return False


def _disagree(a: _Figure, b: _Figure) -> bool:
    return (a.identity != b.identity
            and abs((a.published_at - b.published_at).days) <= CONTEMPORARY_DAYS
            and relative_difference(a.mid, b.mid) > TOLERANCE
            and not _compatible_bound(a, b))


def _contested(numeric: Sequence[_Figure]) -> bool:
    """Whether two figures disagree. Sorted by value, a disagreement (beyond the tolerance)
    shows between the extremes first: checks the pairs of distinct sources among the
    smallest and largest few, not every pair (an entry may hold thousands of claims)."""
    by_value = sorted(numeric, key=lambda p: (p.mid, p.published_at, p.event_id))
    if len(by_value) <= 16:
        return any(_disagree(a, b) for i, a in enumerate(by_value) for b in by_value[i + 1:])
    # Per source, the points within 45 days matter: bucket by publication window.
    windows: dict[int, list[_Figure]] = {}
    for point in by_value:
        windows.setdefault(point.published_at.toordinal() // CONTEMPORARY_DAYS, []).append(point)
    keys = sorted(windows)
    for index, key in enumerate(keys):
        pool = windows[key] + (windows[keys[index + 1]] if index + 1 < len(keys) and keys[index + 1] == key + 1 else [])
        pool.sort(key=lambda p: (p.mid, p.published_at, p.event_id))
        edge = pool[:8] + pool[-8:]
        if any(_disagree(a, b) for i, a in enumerate(edge) for b in edge[i + 1:]):
            return True
    return False


def summarize_figures(claims: Sequence[Event]) -> tuple[tuple[FigureSummary, ...], tuple[str, ...]]:
    """Per comparable kind: min, max, value per claimant, spread, contested; and the
    reasons ('casualties: UKR says 3000, WEST estimates 1000') for contested kinds."""
    by_kind: dict[tuple[str, str, bool], list[_Point]] = {}
    for point in _points(claims):
        by_kind.setdefault((point.kind, point.scope, point.expected), []).append(point)
    summaries: list[FigureSummary] = []
    reasons: list[str] = []
    for group in sorted(by_kind):
        kind, scope, expected = group
        points = by_kind[group]
        numeric = sorted((p for p in points if isinstance(p, _Figure)),
                         key=lambda p: (p.published_at, p.event_id, p.mid))
        vague = tuple(sorted({p.vague for p in points if not isinstance(p, _Figure) and p.vague}))
        if not numeric:
            continue
        latest: dict[str, _Figure] = {}
        for point in numeric:  # ascending: the last one written wins
            for key in point.keys:
                latest[key] = point
        contested = not expected and _contested(numeric)
        low, high = min(p.mid for p in numeric), max(p.mid for p in numeric)
        summaries.append(FigureSummary(
            kind=kind, min=low, max=high, by_claimant={k: latest[k].mid for k in sorted(latest)},
            contested=contested, spread=relative_difference(low, high), count=len(numeric),
            raw_kinds=tuple(sorted({p.raw_kind for p in points})), vague=vague,
            scope=scope, expected=expected, texts={k: latest[k].text for k in sorted(latest)},
            bounds={k: latest[k].bound for k in sorted(latest) if latest[k].bound},
        ))
        if contested:
            ordered = sorted(latest.items(), key=lambda kv: (-kv[1].mid, kv[0]))
            said = ", ".join(f"{key} {_VERBS.get(p.modality, 'says')} {p.text}" for key, p in ordered)
            label = kind if scope == "total" else f"{kind} ({scope.replace('_', ' ')})"
            reasons.append(f"{label}: {said}")
    return tuple(summaries), tuple(reasons)


def _who(keys: Iterable[str]) -> str:
    return ", ".join("the article" if k == ARTICLE else k for k in sorted(set(keys)))


def denial_reasons(claims: Sequence[Event]) -> tuple[str, ...]:
    denials = [e for e in claims if e.modality == "denied"]
    if not denials or len(denials) == len(claims):
        return ()
    deniers = _who(k for e in denials for k in claimant_keys(e))
    affirmers = [e for e in claims if e.modality != "denied"]
    verb = "expected by" if all(e.modality == "expected" for e in affirmers) else "claimed by"
    return (f"denied by {deniers}; {verb} {_who(k for e in affirmers for k in claimant_keys(e))}",)


def offensive_reasons(claims: Sequence[Event]) -> tuple[str, ...]:
    """A launch and a repulse of one offensive: the attacker's side and the defender's."""
    reported = [e for e in claims if e.modality not in ("denied", "expected")]
    launched = [e for e in reported if e.type == "offensive_launched"]
    repelled = [e for e in reported if e.type == "offensive_repelled"]
    if not launched or not repelled:
        return ()
    reporters = _who(k for e in launched for k in claimant_keys(e))
    return (f"offensive: {reporters} report{'s' if len(launched) == 1 else ''} "
            f"it; {_who(k for e in repelled for k in claimant_keys(e))} say{'s' if len(repelled) == 1 else ''} "
            "it was repelled",)


def holder(event: Event) -> str | None:
    """The side holding the place after a territory claim (None: unknown)."""
    change: str | None = getattr(event, "change", None) or event.__dict__.get("change")
    if change == "lost":
        if event.against:
            return SIDE_OF.get(event.against, event.against)
        side = SIDE_OF.get(event.actor, event.actor) if event.actor else None
        return OPPONENT.get(side) if side else None
    return SIDE_OF.get(event.actor, event.actor) if event.actor else None


def holder_reasons(claims: Sequence[Event], place: str | None) -> tuple[str, ...]:
    """Territory claims that disagree on who holds the place."""
    by_holder: dict[str, list[Event]] = {}
    for event in claims:
        if event.type != "territory_claimed" or event.modality in ("denied", "expected"):
            continue
        side = holder(event)
        if side:
            by_holder.setdefault(side, []).append(event)
    if len(by_holder) < 2:
        return ()
    parts = []
    for side in sorted(by_holder):
        events = by_holder[side]
        changes = ", ".join(sorted({c for e in events if (c := e.__dict__.get("change"))}))
        parts.append(f"{_who(k for e in events for k in claimant_keys(e))} say{'s' if len(events) == 1 else ''} "
                     f"{side} ({changes})")
    return (f"{place or 'the place'} held by: " + "; ".join(parts),)
