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

from bisect import bisect_left, bisect_right
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
    """Whether two figures disagree (`_disagree`), exactly. Two figures published within
    CONTEMPORARY_DAYS lie in one publication window or in two neighbouring ones, so each
    window is checked with the next (`disagreeing_pair`), not every pair of the group (an
    entry may hold thousands of claims). Exact, so the answer can only turn from False to
    True as figures are added: an entry as at an as_of is contested from one ingestion on
    (`contested_since`)."""
    windows: dict[int, list[_Figure]] = {}
    for point in numeric:
        windows.setdefault(point.published_at.toordinal() // CONTEMPORARY_DAYS, []).append(point)
    return any(disagreeing_pair(windows[key] + windows.get(key + 1, [])) for key in sorted(windows))


def _best_two(points: Iterable[_Figure], largest: bool) -> list[_Figure]:
    """The largest (or smallest) figure, and the largest (smallest) of another source."""
    ordered = sorted(points, key=lambda p: p.mid, reverse=largest)
    if not ordered:
        return []
    first = ordered[0]
    second = next((p for p in ordered if p.identity != first.identity), None)
    return [first] if second is None else [first, second]


def disagreeing_pair(points: Sequence[_Figure]) -> bool:
    """Whether two of the figures disagree (`_disagree`), without comparing every pair.

    For figures 0 <= a < b, `_disagree` holds exactly when their sources differ, they were
    published within CONTEMPORARY_DAYS of each other, a < (1 - TOLERANCE) * b, a is no 'at
    least' bound and b no 'at most' one (a bound is satisfied by any figure beyond it). So
    for each day a smaller figure was published on, the two smallest of that day from two
    sources and the two largest published within CONTEMPORARY_DAYS of it from two sources
    decide: if any pair with that day's figures disagrees, one of these four pairs does (the
    largest b of another source than a is at least as far from a). The largest pairs of a
    range of days come from a sparse table over the days: O(n log n), not O(n^2)."""
    if len(points) <= 16 or any(p.mid < 0 for p in points):
        return any(_disagree(a, b) for i, a in enumerate(points) for b in points[i + 1:])
    lows: dict[int, list[_Figure]] = {}
    highs: dict[int, list[_Figure]] = {}
    for point in points:
        day = point.published_at.toordinal()
        if point.bound != "at_least":
            lows.setdefault(day, []).append(point)
        if point.bound != "at_most":
            highs.setdefault(day, []).append(point)
    days = sorted(highs)
    table = [[_best_two(highs[day], largest=True) for day in days]]
    width = 1
    while width * 2 <= len(days):
        below = table[-1]
        table.append([_best_two(below[i] + below[i + width], largest=True) for i in range(len(days) - 2 * width + 1)])
        width *= 2
    for day, smaller in lows.items():
        first, last = bisect_left(days, day - CONTEMPORARY_DAYS), bisect_right(days, day + CONTEMPORARY_DAYS)
        if first == last:
            continue
        level = (last - first).bit_length() - 1
        larger = _best_two(table[level][first] + table[level][last - (1 << level)], largest=True)
        if any(_disagree(a, b) for a in _best_two(smaller, largest=False) for b in larger):
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


def is_contested(claims: Sequence[Event | ClaimView], entry_type: str | None = None) -> bool:
    """Whether an entry built from these claims is contested (`fold.reference_entry`'s
    `contested`: any of its reasons), without writing the reasons. Each reason is that some
    claim or pair of claims exists (figures that disagree, a denial beside an affirmation, a
    launch beside a repulse, two holders), so adding claims never turns it off: an entry as
    at an as_of is contested from one ingestion on (`core.query.contested_since`).
    `entry_type`: the type of claim views that lack their own."""
    modalities = {claim.modality for claim in claims}
    if "denied" in modalities and len(modalities) > 1:
        return True
    launched = repelled = False
    holders: set[str] = set()
    for claim in claims:
        if claim.modality in ("denied", "expected"):
            continue
        kind = claim.type or entry_type
        launched = launched or kind == "offensive_launched"
        repelled = repelled or kind == "offensive_repelled"
        if kind == "territory_claimed" and (side := holder(claim)):  # type: ignore[arg-type]
            holders.add(side)
    if (launched and repelled) or len(holders) > 1:
        return True
    groups: dict[tuple[str, str], list[_Figure]] = {}
    for point in _points(claims):  # type: ignore[arg-type]
        if isinstance(point, _Figure) and not point.expected:
            groups.setdefault((point.kind, point.scope), []).append(point)
    return any(_contested(numeric) for numeric in groups.values())
