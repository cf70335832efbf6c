"""Typed, source-attributed events: the records on the events topic.

Field names follow the annotation guide (`shared/corpus/ANNOTATION.md`), so predictions
and gold can be compared field by field. Every event carries an explicit envelope
(`event_id`, `schema_version`, `extractor_version`, article, `published_at`, `source`)
and is discriminated by a stable `type` string, never by a class path.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

EVENT_SCHEMA_VERSION = 1

EventType = Literal[
    "offensive_launched",
    "offensive_repelled",
    "troops_deployed",
    "territory_claimed",
    "casualties_claimed",
    "strike",
    "diplomacy",
    "military_aid",
]
EVENT_TYPES: tuple[str, ...] = EventType.__args__  # type: ignore[attr-defined]

# Party codes are data (see services/common/knowledge/parties.json), not an enum in code: a new party
# must not need a schema change. The pattern only keeps them code-shaped (a capital letter,
# then capitals or digits: 'UKR', 'G7').
Party = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,7}$")]

Modality = Literal["asserted", "claimed", "estimated", "expected", "denied"]
Granularity = Literal["day", "week", "month", "season", "year"]


class _Frozen(BaseModel):
    # allow_inf_nan=False: NaN and ±Infinity are valid JSON floats to pydantic but no figure
    # anyone reported; they poison comparisons and integer conversions in the fold, so an
    # event carrying one is invalid (and dead-lettered) instead.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Location(_Frozen):
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


QuantityBound = Literal["about", "at_least", "at_most"]
# What a figure counts in time: a running total ('11,000 troops are in Russia'), an addition to
# it ('an additional 8,000'), a tally since a start ('62,400 since August', 'in total'), or the
# toll of one action ('the strike killed 13').
QuantityScope = Literal["total", "increment", "cumulative", "single_action"]


class Quantity(_Frozen):
    kind: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    vague: str | None = None
    unit: str | None = None
    # 'more than 3,000' is at least 3,000, not about 3,000
    bound: QuantityBound | None = None
    scope: QuantityScope | None = None
    # the figure as the text gives it, with its unit: 'about 500 square miles'
    text: str | None = None


class TimeSpan(_Frozen):
    text: str | None = None
    start: date
    end: date
    granularity: Granularity
    fuzzy: bool = False
    # True when the text gave no time and the event sits at the article's date.
    from_article_date: bool = False


class Claimant(_Frozen):
    party: Party | None = None
    name: str


class Evidence(_Frozen):
    sentence: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class _EventBase(_Frozen):
    event_id: str
    schema_version: int = EVENT_SCHEMA_VERSION
    extractor_version: str
    article: str
    published_at: date
    source: str | None = None
    # Copied from the article: when Claimline first accepted it (the timeline's `as_of`).
    ingested_at: datetime | None = None

    actor: Party | None = None
    partners: tuple[Party, ...] = ()
    against: Party | None = None
    locations: tuple[Location, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    time: TimeSpan
    claimants: tuple[Claimant, ...] = ()
    modality: Modality = "asserted"
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class OffensiveLaunched(_EventBase):
    type: Literal["offensive_launched"] = "offensive_launched"


class OffensiveRepelled(_EventBase):
    type: Literal["offensive_repelled"] = "offensive_repelled"


class TroopsDeployed(_EventBase):
    type: Literal["troops_deployed"] = "troops_deployed"
    movement: Literal["deployed", "massed", "redeployed", "withdrawn"] = "deployed"


class TerritoryClaimed(_EventBase):
    type: Literal["territory_claimed"] = "territory_claimed"
    change: Literal["captured", "regained", "controls", "lost"]


class CasualtiesClaimed(_EventBase):
    type: Literal["casualties_claimed"] = "casualties_claimed"


class Strike(_EventBase):
    type: Literal["strike"] = "strike"


class Diplomacy(_EventBase):
    type: Literal["diplomacy"] = "diplomacy"


class MilitaryAid(_EventBase):
    type: Literal["military_aid"] = "military_aid"
    recipient: Party | None = None


# Any event class (`Event` is this union told apart by `type`).
EventModel = (
    OffensiveLaunched
    | OffensiveRepelled
    | TroopsDeployed
    | TerritoryClaimed
    | CasualtiesClaimed
    | Strike
    | Diplomacy
    | MilitaryAid
)
Event = Annotated[EventModel, Field(discriminator="type")]

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

# The event class of each `type` (what the discriminator picks).
EVENT_CLASS_OF_TYPE: dict[str, type[EventModel]] = {
    cls.model_fields["type"].default: cls for cls in get_args(EventModel)}


def parse_event(data: bytes | str | dict[str, Any]) -> Event:
    """Validate one event from JSON bytes, a JSON string or a dict."""
    if isinstance(data, dict):
        return EVENT_ADAPTER.validate_python(data)
    return EVENT_ADAPTER.validate_json(data)


def dump_event(event: Event) -> bytes:
    return event.model_dump_json().encode("utf-8")
