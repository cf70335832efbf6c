"""What the timeline shows: entries, each with every claim behind it; figure histories."""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict

from schemas.events import Claimant, Evidence, Location, Modality, Quantity, TimeSpan

if TYPE_CHECKING:
    from schemas.events import Event

M = TypeVar("M", bound=BaseModel)


def construct_validated(cls: type[M], **values: object) -> M:
    """`cls.model_construct(**values)` for values that are already valid and name every
    field of `cls`, without model_construct's per-field default and alias handling. An
    entry is made again whenever one of its claims changes, so this is on the hot path of
    both the projector and a replay (the unit tests check it equals model_construct)."""
    missing = cls.model_fields.keys() - values.keys()
    if missing:
        raise TypeError(f"{cls.__name__}: construct_validated needs every field; missing {sorted(missing)}")
    return construct_complete(cls, values)


def construct_complete(cls: type[M], values: dict[str, object]) -> M:
    """`construct_validated` without the check that `values` names every field, for a caller
    whose fields are fixed in its code and tested (`core.fold.claim_view`: once per claim
    of every rebuilt entry)."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class ClaimView(_Frozen):
    """One event behind an entry: who claimed what, where it was written.

    It carries every field of its event, so `to_event()` gives the event back (used to
    rebuild an entry from a subset of its claims, e.g. `filter_entries(as_of=...)`).
    """

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
    # The event's own slots (an entry's slots summarize its claims; a claim may differ,
    # e.g. 'UKR lost Kursk' inside the entry 'RUS regained Kursk').
    type: str = ""
    schema_version: int = 1
    actor: str | None = None
    partners: tuple[str, ...] = ()
    against: str | None = None
    locations: tuple[Location, ...] = ()
    change: str | None = None
    movement: str | None = None
    recipient: str | None = None
    # 'UKR', 'WEST', a party-less claimant's name as written, or 'article' when the article
    # itself asserts it; sorted.
    claimant_keys: tuple[str, ...] = ()

    def to_event(self, event_type: str | None = None) -> Event:
        """The event this claim was built from (`event_type`: the entry's type, for a claim
        view that lacks its own).

        Its fields were validated when the event was (`core.fold.claim_view` copies them), so
        the event is constructed from them, not validated again: an entry as at an as_of is
        rebuilt from thousands of claims, and a JSON round trip each cost more than the
        rebuild itself (about 40 us a claim against 30). A type without a class, or a slot its
        class requires left empty, goes through validation, for its error."""
        fields = self.__dict__
        shape = _EVENT_SHAPES.get(fields["type"] or event_type)  # type: ignore[arg-type]
        if shape is None:
            return self._validated_event(event_type)
        # In the class's field order, as validation writes them (and the JSON follows).
        values = {name: fields[name] for name in shape.fields}
        values["type"] = shape.type
        for slot, default in shape.defaults:
            if values[slot] is None:
                if default is _REQUIRED:
                    return self._validated_event(event_type)
                values[slot] = default
        return construct_complete(shape.cls, values)  # type: ignore[return-value]

    def _validated_event(self, event_type: str | None) -> Event:
        """`to_event` through validation: a JSON round trip of the view's fields."""
        from schemas.events import parse_event

        data = self.model_dump(mode="json", exclude={"claimant_keys"})
        if not data.get("type"):
            data["type"] = event_type
        for slot in ("change", "movement", "recipient"):
            if data.get(slot) is None:
                data.pop(slot, None)
        return parse_event(data)


_REQUIRED = object()


class _EventShape(NamedTuple):
    """How a claim view's fields become an event of one class (`ClaimView.to_event`): the
    class, its type, its fields in order, and the default of each type slot it has
    (`_REQUIRED`: none)."""

    cls: type[BaseModel]
    type: str
    fields: tuple[str, ...]
    defaults: tuple[tuple[str, object], ...]


def _event_shapes() -> dict[str, _EventShape]:
    from schemas.events import EVENT_CLASS_OF_TYPE

    shapes = {}
    for event_type, cls in EVENT_CLASS_OF_TYPE.items():
        fields = cls.model_fields
        shapes[event_type] = _EventShape(
            cls, event_type, tuple(fields),
            tuple((s, _REQUIRED if fields[s].is_required() else fields[s].default)
                  for s in ("change", "movement", "recipient") if s in fields))
    return shapes


_EVENT_SHAPES = _event_shapes()


class ClaimBrief(_Frozen):
    """A claim as a timeline page shows it: who claimed what, how, when and where it was
    written, with the first evidence span (`evidence_total` says how many there are).
    `GET /timeline/{entry_id}` gives every claim as a full `ClaimView`."""

    event_id: str
    article: str
    source: str | None
    published_at: date
    ingested_at: datetime | None
    claimants: tuple[Claimant, ...]
    claimant_keys: tuple[str, ...] = ()
    modality: Modality
    quantities: tuple[Quantity, ...]
    time: TimeSpan
    evidence: tuple[Evidence, ...]
    evidence_total: int = 0


class FigureSummary(_Frozen):
    """The spread of one kind of figure across the claims of an entry.

    `kind` is the comparable kind: 'killed_or_wounded' is summarized as 'casualties' and
    'area_sq_mi' as 'area_km2' (converted); `raw_kinds` names the kinds as extracted.
    Values are a quantity's `value` or the midpoint of its `low`..`high` range.
    """

    kind: str
    min: float
    max: float
    # claimant party (or 'article' when the article itself asserts it) -> value
    # (the party's most recent claim when it gave several)
    by_claimant: dict[str, float]
    contested: bool
    # (max - min) / max, 0 when max is 0
    spread: float = 0.0
    count: int = 0
    raw_kinds: tuple[str, ...] = ()
    # vague amounts given for this kind without a figure ('thousands')
    vague: tuple[str, ...] = ()
    # What the figures count: 'total' (running totals and cumulative tallies), 'increment'
    # or 'single_action' (contest.SCOPE_CLASS); only figures of one scope are compared.
    scope: str = "total"
    # Figures of expected claims ('might deploy 8,000') are summarized apart, never contested.
    expected: bool = False
    # claimant -> the figure as written ('more than 3,000') and its bound, if any
    texts: dict[str, str] = {}
    bounds: dict[str, str] = {}


# The claims an entry carries: every claim in full (`Entry`), or a few as briefs (`ListedEntry`).
C = TypeVar("C", ClaimView, ClaimBrief)


class EntryFields(_Frozen, Generic[C]):
    """The fields of an entry, whatever form its claims take."""

    entry_id: str
    type: str
    actor: str | None
    partners: tuple[str, ...]
    against: str | None
    locations: tuple[Location, ...]
    change: str | None = None
    movement: str | None = None
    recipient: str | None = None
    # The merged interval of the claims' event times (of the claims that give a time when
    # any does); `time_known` is False when every claim was placed at its article's date
    # because the text gave no time.
    time: TimeSpan
    time_known: bool
    # Orders entries by event time (start, then end, then id); also the Redis index score.
    sort_score: float
    contested: bool
    contested_reasons: tuple[str, ...]
    figures: tuple[FigureSummary, ...]
    claimant_parties: tuple[str, ...]
    first_ingested_at: datetime | None
    claims: tuple[C, ...]
    # How many claims the entry has; in a list view `claims` holds only a few of them.
    claims_total: int = 0
    # --- display and indexing helpers ---
    # "PRK troops deployed: Kursk", "RUS regained Kursk", "PRK casualties".
    title: str = ""
    # One line: how many claims from which articles, figures, why contested.
    summary: str = ""
    # The figure series this entry belongs to ('PRK troops', 'PRK casualties'), if any.
    subject: str | None = None
    # True when only the report date is known (= not time_known).
    report_date_only: bool = False
    # The human-readable grouping key behind entry_id ("casualties_claimed|PRK|-|-|2024/25-winter").
    group_key: str = ""
    # The canonical place and time bucket of the key.
    place: str = "-"
    bucket: str = ""
    # Every change / movement among the claims (an entry may mix 'captured' and 'regained').
    changes: tuple[str, ...] = ()
    movements: tuple[str, ...] = ()
    modalities: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    # Every claimant key (see ClaimView.claimant_keys) of the claims.
    claimant_keys: tuple[str, ...] = ()
    last_published_at: date | None = None
    # What the entry rests on (issue 10): 'reported' (some claim says it happened),
    # 'expected' (only expectations, maybe denied), 'denied' (only denials: not a happening).
    standing: str = "reported"
    # The happening's key without its time bucket: entries of one thread (a denial a month
    # after the claim it denies, a tally revised next season) share it.
    thread: str = ""


# A timeline entry with every claim behind it (no docstring: it would become the schema's description).
class Entry(EntryFields[ClaimView]):
    pass


class ListedEntry(EntryFields[ClaimBrief]):
    """An entry on a timeline page (`claims=some`): every summary field, and a few claims
    as briefs; `claims_total` says how many claims there are."""


class FigurePoint(_Frozen):
    """One claim about a figure: a point of `GET /figures?subject=...`."""

    subject: str
    event_id: str
    entry_id: str
    type: str
    actor: str | None
    kind: str
    value: float | None
    low: float | None
    high: float | None
    approx: bool
    vague: str | None
    # value, or the midpoint of low..high; None for a vague amount
    mid: float | None
    unit: str | None
    # 'UKR', 'UKR, KOR', a party-less claimant's name, or 'article'
    claimant: str
    claimant_parties: tuple[str, ...]
    claimants: tuple[Claimant, ...]
    modality: Modality
    movement: str | None
    published_at: date
    ingested_at: datetime | None
    article: str
    source: str | None
    time: TimeSpan
    location: str | None
    evidence: str
    evidence_start: int
    evidence_end: int


class Subject(_Frozen):
    """A figure series: whose (actor) and which metric ('troops', 'casualties', ...)."""

    actor: str | None
    metric: str

    @property
    def label(self) -> str:
        return f"{self.actor or 'ALL'} {self.metric}"


class SubjectInfo(_Frozen):
    """An available figure series with how many points and entries it has."""

    subject: str
    actor: str | None
    metric: str
    points: int
    entries: int
    # points with a number (not only 'thousands')
    numeric_points: int
    first_published_at: date | None
    last_published_at: date | None
