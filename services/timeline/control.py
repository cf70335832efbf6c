"""Control of a place over time: every claim of capture, regaining, control or loss of a
settlement or region, and the state those claims support at a date. Backs
`GET /places/{name}` (services/timeline/api/routes/places.py) and the place page.

Pure functions over entries (no I/O).

What a claim says about who holds the place (`holder_of`):
* captured, regained, controls by X: X holds it;
* lost by X: X's one opponent in the party table holds it (Ukraine's is Russia); with no
  single opponent, nobody is named.

The state at a date (`state_at`) reads the claims whose event time starts on or before it,
leaving out expectations ('could lose the remainder within months' says nothing about the
day). The latest such day decides:
* a claim of that day is denied (modality 'denied', e.g. Russia says it regained all of
  Kursk and Ukraine rejects it), or the claims of that day name different holders, or one
  says only part changed hands (a share below 1: 'lost half of its occupied territory'):
  **contested**;
* they name one holder: **held** by it;
* no claim on or before the date, or the latest claims name no holder: **unknown**.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from services.common.knowledge import party_table
from services.timeline.core.model import Entry
from services.timeline.core.places import place_matches

# A field is named `date`; annotations after it in the class name the type by this alias.
Day = date

CONTROL_CHANGES = ("captured", "regained", "controls", "lost")
Status = Literal["held", "contested", "unknown"]


@dataclass(frozen=True)
class ControlClaim:
    """One claim about who holds a place (a territory_claimed claim located there)."""

    event_id: str
    entry_id: str
    actor: str | None
    change: str
    modality: str
    claimant: str  # 'UKR', 'UKR, KOR', a party-less claimant's name, or 'the article itself'
    claimant_parties: tuple[str, ...]
    date: date  # the event time's start
    time_end: Day
    granularity: str
    published_at: Day
    source: str | None
    article: str
    evidence: str
    locations: tuple[str, ...]
    quantities: tuple[dict, ...]
    entry_contested: bool = False

    @property
    def holder(self) -> str | None:
        return holder_of(self.change, self.actor)

    @property
    def partial(self) -> bool:
        """Only a share of the place changed hands ('half of its occupied territory')."""
        return any(q.get("kind") == "share" and q.get("value") is not None and q["value"] < 1
                   for q in self.quantities)


@dataclass(frozen=True)
class PlaceState:
    at: date
    status: Status
    holder: str | None
    since: date | None  # the day of the claims that decide it
    reason: str
    event_ids: tuple[str, ...]


def holder_of(change: str, actor: str | None) -> str | None:
    """Who holds the place by a claim of `change` by `actor` (see the module docstring)."""
    if not actor:
        return None
    if change in ("captured", "regained", "controls"):
        return actor
    if change == "lost":
        info = party_table().parties.get(actor)
        opponents = info.opponents if info else ()
        return opponents[0] if len(opponents) == 1 else None
    return None


def _claimant(claim) -> tuple[str, tuple[str, ...]]:
    parties = tuple(dict.fromkeys(c.party for c in claim.claimants if c.party))
    if parties:
        return ", ".join(parties), parties
    names = [c.name for c in claim.claimants if c.name]
    return (", ".join(names) if names else "the article itself"), ()


def control_claims(entries: Iterable[Entry], place: str) -> list[ControlClaim]:
    """The territory claims of `place` (a name, as the location filter takes it: a region
    finds its settlements), oldest event time first, then by publication date."""
    out: dict[str, ControlClaim] = {}
    for entry in entries:
        if entry.type != "territory_claimed":
            continue
        for claim in entry.claims:
            locations = claim.locations or entry.locations
            change = claim.change or entry.change
            if change not in CONTROL_CHANGES or not any(place_matches(place, loc) for loc in locations):
                continue
            label, parties = _claimant(claim)
            evidence = claim.evidence[0].sentence if claim.evidence else ""
            out[claim.event_id] = ControlClaim(
                event_id=claim.event_id, entry_id=entry.entry_id, actor=claim.actor or entry.actor, change=change,
                modality=claim.modality, claimant=label, claimant_parties=parties, date=claim.time.start,
                time_end=claim.time.end, granularity=claim.time.granularity, published_at=claim.published_at,
                source=claim.source, article=claim.article, evidence=evidence,
                locations=tuple(dict.fromkeys(loc.name for loc in locations)),
                quantities=tuple(q.model_dump(exclude_none=True) for q in claim.quantities),
                entry_contested=entry.contested)
    return sorted(out.values(), key=lambda c: (c.date, c.published_at, c.event_id))


def _describe(claim: ControlClaim) -> str:
    source = claim.source or claim.article
    return (f"{claim.actor or 'someone'} {claim.change} ({claim.modality}, {claim.claimant}; {source}, "
            f"{claim.published_at})")


def state_at(claims: Iterable[ControlClaim], at: date) -> PlaceState:
    """The state the claims support on `at` (see the module docstring)."""
    relevant = [c for c in claims if c.date <= at and c.modality != "expected"]
    if not relevant:
        return PlaceState(at, "unknown", None, None,
                          f"no claim of capture, control or loss dated on or before {at}", ())
    day = max(c.date for c in relevant)
    current = [c for c in relevant if c.date == day]
    ids = tuple(c.event_id for c in current)
    denials = [c for c in current if c.modality == "denied"]
    standing = [c for c in current if c.modality != "denied"]
    holders = sorted({c.holder for c in standing if c.holder})
    if denials:
        reasons = [f"{c.actor or 'someone'} {c.change}: denied by {c.claimant} ({c.source or c.article}, "
                   f"{c.published_at})" for c in denials]
        return PlaceState(at, "contested", holders[0] if len(holders) == 1 else None, day, "; ".join(reasons), ids)
    if len(holders) > 1:
        return PlaceState(at, "contested", None, day,
                          "claims differ: " + "; ".join(_describe(c) for c in standing), ids)
    partial = [c for c in standing if c.partial]
    if partial:
        return PlaceState(at, "contested", None, day,
                          "divided: " + "; ".join(_describe(c) + " a share of it" for c in partial), ids)
    if holders:
        return PlaceState(at, "held", holders[0], day, "; ".join(_describe(c) for c in standing), ids)
    return PlaceState(at, "unknown", None, day,
                      "the latest claims name no holder: " + "; ".join(_describe(c) for c in standing), ids)


def state_history(claims: Iterable[ControlClaim]) -> list[PlaceState]:
    """The state on each day a claim is dated (the steps of the place's history)."""
    claims = list(claims)
    days = sorted({c.date for c in claims if c.modality != "expected"})
    return [state_at(claims, day) for day in days]
