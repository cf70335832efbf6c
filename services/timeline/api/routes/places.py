"""Places over HTTP: where entries happened (coordinates from the shared gazetteer), who
claimed to hold a place over time, and territory figures. The place page and the vendored
map assets are served by `routes.static`.

| route | what |
| --- | --- |
| `GET /places?name=Kursk&name=Sudzha` | the gazetteer's entry for each name (kind, region, country, lat/lon) |
| `GET /places/{name}?at=YYYY-MM-DD` | every capture/regain/control/loss claim of the place, the state on `at`
  and at each claim day |
| `GET /areas?actor=UKR&place=Kursk` | every claimed territory area (km², square miles converted), one point per claim |
"""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi import Path as PathParam
from pydantic import BaseModel

from services.common.knowledge import Place, gazetteer
from services.timeline.api.deps import ContextDep
from services.timeline.control import ControlClaim, PlaceState, control_claims, state_at, state_history
from services.timeline.core.model import Entry, FigurePoint
from services.timeline.core.places import place_matches

# A field is named `date`; annotations after it in the class name the type by this alias.
Day = date

SQ_MI_KM2 = 2.589988110336
MAX_NAMES = 300


class PlaceInfo(BaseModel):
    query: str
    name: str | None  # the gazetteer's canonical name; None when it does not know the place
    kind: str | None = None
    region: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    rank: int | None = None  # 0 village/settlement, 1 town/city, 2 region/area, 3 other, 4 country


class PlacesOut(BaseModel):
    places: list[PlaceInfo]


class ControlClaimOut(BaseModel):
    event_id: str
    entry_id: str
    actor: str | None
    change: str
    holder: str | None  # who holds the place by this claim (a loss: the loser's opponent)
    modality: str
    claimant: str
    claimant_parties: list[str]
    date: date
    time_end: Day
    granularity: str
    published_at: Day
    source: str | None
    article: str
    evidence: str
    locations: list[str]
    quantities: list[dict]
    partial: bool
    entry_contested: bool


class PlaceStateOut(BaseModel):
    at: date
    status: str  # held, contested, unknown
    holder: str | None
    since: date | None
    reason: str
    event_ids: list[str]


class PlaceControlOut(BaseModel):
    place: PlaceInfo
    at: date | None
    state: PlaceStateOut | None  # on `at` (when given)
    latest: PlaceStateOut | None  # after the last claim
    history: list[PlaceStateOut]  # on each day a claim is dated
    claims: list[ControlClaimOut]


class AreasOut(BaseModel):
    subject: str
    points: list[FigurePoint]


def resolve_place(name: str) -> Place | None:
    """The gazetteer's place for a name: its canonical name as written first, then any alias."""
    gaz = gazetteer()
    stripped = name.strip()
    for candidate in (stripped, stripped.title()):
        if candidate in gaz.places:
            return gaz.places[candidate]
    return gaz.lookup(stripped)


def place_info(name: str) -> PlaceInfo:
    place = resolve_place(name)
    if place is None:
        return PlaceInfo(query=name, name=None)
    return PlaceInfo(query=name, name=place.name, kind=place.kind, region=place.region, country=place.country,
                     lat=place.lat, lon=place.lon, rank=place.rank)


def _state_out(state: PlaceState) -> PlaceStateOut:
    return PlaceStateOut(at=state.at, status=state.status, holder=state.holder, since=state.since,
                         reason=state.reason, event_ids=list(state.event_ids))


def _claim_out(claim: ControlClaim) -> ControlClaimOut:
    return ControlClaimOut(
        event_id=claim.event_id, entry_id=claim.entry_id, actor=claim.actor, change=claim.change,
        holder=claim.holder, modality=claim.modality, claimant=claim.claimant,
        claimant_parties=list(claim.claimant_parties), date=claim.date, time_end=claim.time_end,
        granularity=claim.granularity, published_at=claim.published_at, source=claim.source, article=claim.article,
        evidence=claim.evidence, locations=list(claim.locations), quantities=list(claim.quantities),
        partial=claim.partial, entry_contested=claim.entry_contested)


def area_points(entries: list[Entry], *, actor: str | None, place: str | None) -> list[FigurePoint]:
    """Every claimed area of territory (km²; square miles converted), one point per claim and
    quantity, by publication date."""
    points: dict[tuple, FigurePoint] = {}
    for entry in entries:
        for claim in entry.claims:
            claim_actor = claim.actor or entry.actor
            if actor and claim_actor != actor:
                continue
            locations = claim.locations or entry.locations
            if place and not any(place_matches(place, loc) for loc in locations):
                continue
            for index, q in enumerate(claim.quantities):
                if q.kind not in ("area_km2", "area_sq_mi"):
                    continue
                factor = SQ_MI_KM2 if q.kind == "area_sq_mi" else 1.0

                def km2(v: float | None, factor: float = factor) -> float | None:
                    return None if v is None else round(v * factor, 1)

                value, low, high = km2(q.value), km2(q.low), km2(q.high)
                mid = value if value is not None else (None if low is None or high is None else (low + high) / 2)
                parties = tuple(sorted({c.party for c in claim.claimants if c.party}))
                label = ", ".join(dict.fromkeys(c.party or c.name for c in claim.claimants)) or "article"
                evidence = claim.evidence[0]
                points[(claim.event_id, index)] = FigurePoint(
                    subject=f"{actor or 'ALL'} territory (km²)", event_id=claim.event_id, entry_id=entry.entry_id,
                    type=entry.type, actor=claim_actor, kind="area_km2", value=value, low=low, high=high,
                    approx=q.approx, vague=q.vague, mid=mid, unit="km²", claimant=label, claimant_parties=parties,
                    claimants=claim.claimants, modality=claim.modality, movement=None,
                    published_at=claim.published_at, ingested_at=claim.ingested_at, article=claim.article,
                    source=claim.source, time=claim.time, location=locations[0].name if locations else None,
                    evidence=evidence.sentence, evidence_start=evidence.start, evidence_end=evidence.end)
    return [points[k] for k in sorted(points, key=lambda k: (points[k].published_at, k))]


router = APIRouter(tags=["places"])


@router.get("/places", response_model=PlacesOut, summary="Where places are: the gazetteer's entry for each name")
async def get_places(name: Annotated[list[str] | None, Query(
        description="place names, e.g. Kursk; repeat for more")] = None) -> PlacesOut:
    name = name or []
    if len(name) > MAX_NAMES:
        raise HTTPException(status_code=422, detail=f"at most {MAX_NAMES} names")
    return PlacesOut(places=[place_info(n[:200]) for n in dict.fromkeys(name)])


@router.get("/places/{name}", response_model=PlaceControlOut,
            summary="Who claimed to hold a place over time, and the state on a date",
            responses={404: {"description": "a place neither the gazetteer nor any claim knows"}})
async def get_place(
    ctx: ContextDep,
    name: Annotated[str, PathParam(max_length=200)],
    at: Annotated[date | None, Query(description="the state on this day (ISO date)")] = None,
) -> PlaceControlOut:
    info = place_info(name)
    entries = await ctx.entries_where(type="territory_claimed", location=name)
    claims = control_claims(entries, name)
    if info.name is None and not claims:
        raise HTTPException(status_code=404, detail=f"no place {name!r} in the gazetteer or in any claim")
    history = state_history(claims)
    return PlaceControlOut(
        place=info, at=at, state=_state_out(state_at(claims, at)) if at else None,
        latest=_state_out(history[-1]) if history else None, history=[_state_out(s) for s in history],
        claims=[_claim_out(c) for c in claims])


@router.get("/areas", response_model=AreasOut, tags=["figures"],
            summary="Claimed areas of territory over time (km²), one point per claim")
async def get_areas(
    ctx: ContextDep,
    actor: Annotated[str | None, Query(description="party code of who took or holds it, e.g. UKR")] = None,
    place: Annotated[str | None, Query(max_length=200, description="only claims located there")] = None,
) -> AreasOut:
    code = actor.upper() if actor else None
    entries = await ctx.entries_where(type="territory_claimed", actor=code)
    return AreasOut(subject=f"{code or 'ALL'} territory (km²)",
                    points=area_points(entries, actor=code, place=place))
