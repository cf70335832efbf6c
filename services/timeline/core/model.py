"""What the timeline shows: entries, each with every claim behind it."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from schemas.events import Claimant, Evidence, Location, Modality, Quantity, TimeSpan


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClaimView(_Frozen):
    """One event behind an entry: who claimed what, where it was written."""

    event_id: str
    article: str
    source: str | None
    published_at: date
    ingested_at: datetime | None
    extractor_version: str
    claimants: tuple[Claimant, ...]
    modality: Modality
    quantities: tuple[Quantity, ...]
    time: TimeSpan
    evidence: tuple[Evidence, ...]


class FigureSummary(_Frozen):
    """The spread of one kind of figure across the claims of an entry."""

    kind: str
    min: float
    max: float
    # claimant party (or 'article' when the article itself asserts it) -> value
    by_claimant: dict[str, float]
    contested: bool


class Entry(_Frozen):
    entry_id: str
    type: str
    actor: str | None
    partners: tuple[str, ...]
    against: str | None
    locations: tuple[Location, ...]
    change: str | None = None
    movement: str | None = None
    recipient: str | None = None
    # The merged interval of the claims' event times; `time_known` is False when every
    # claim was placed at its article's date because the text gave no time.
    time: TimeSpan
    time_known: bool
    # Orders entries by event time (start, then end, then id); also the Redis index score.
    sort_score: float
    contested: bool
    contested_reasons: tuple[str, ...]
    figures: tuple[FigureSummary, ...]
    claimant_parties: tuple[str, ...]
    first_ingested_at: datetime | None
    claims: tuple[ClaimView, ...]
