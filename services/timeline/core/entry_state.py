"""An entry kept up to date claim by claim: `EntryState`.

`fold.reference_entry(entry_id, claims)` is the definition of an entry (`fold.build_entry`
computes it): a pure function of the set of its claims. Rebuilding it from all its claims
whenever one arrives costs O(n) per claim, and a running story (a casualty tally reported
every day for a season) makes one entry of thousands of claims, so the live projector slowed
down day by day (issue 14).

`EntryState` keeps what `reference_entry` derives from the claims as aggregates that a claim
can be added to or taken out of: counts per value for every mode and every set (type,
actor, places, claimants, modalities, articles...), sorted multisets for every minimum and
maximum (dates, figures), and per figure group the figures sorted by value within their
publication window, so that the contest check reads the windows a claim changed
(`contest.disagreeing_pair`), not every pair. `add` and `remove` cost O(log n) for the entry;
`entry()` gives exactly the `Entry` `reference_entry` gives for the same claims (a
Hypothesis state machine checks it for any sequence of adds, removes and re-extractions,
from a state built claim by claim or in bulk: tests/unit/timeline/test_entry_state.py).
Built from many claims at once (`EntryState(entry_id, claims)`: a rebuild's large entries,
the projector loading an entry from its store), it reads each claim once and counts in
bulk; its sorted parts are sorted on their first read. Producing that `Entry` still copies the claims
into its `claims` tuple (and the articles into `articles`): a C-level copy, not a rebuild.

The parts that a value count cannot give (the order of the distinct locations, the
partners, the summaries of figure groups) are computed from the distinct values, which
are few whatever the number of claims: parties, places, figure kinds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, NamedTuple, TypeVar

from sortedcontainers import SortedKeyList, SortedList

from schemas.events import Event, Location, TimeSpan
from services.timeline.core.contest import (
    _VERBS,
    CONTEMPORARY_DAYS,
    _disagree,
    _Figure,
    _Point,
    _points,
    _who,
    disagreeing_pair,
    holder,
    relative_difference,
)
from services.timeline.core.fold import (
    _GRANULARITY_RANK,
    _RANK_GRANULARITY,
    _event_rank,
    _span_granularity,
    _standing_title,
    _subject,
    _summary,
    _title,
    claim_view,
    sort_score,
    standing_of,
    where_part_of,
)
from services.timeline.core.grouping import KeyParts, entry_key_parts, key_from_parts
from services.timeline.core.model import ClaimView, Entry, FigureSummary, construct_validated

__all__ = ["EntryState"]

T = TypeVar("T", bound=Hashable)
S = TypeVar("S", bound=Hashable)


class Tally(Generic[T]):
    """A multiset: how many claims carry each value."""

    def __init__(self) -> None:
        self.counts: dict[T, int] = {}

    def add(self, value: T) -> None:
        self.counts[value] = self.counts.get(value, 0) + 1

    def discard(self, value: T) -> None:
        left = self.counts[value] - 1
        if left:
            self.counts[value] = left
        else:
            del self.counts[value]

    def load(self, values: Iterable[T]) -> None:
        """Count many values into an empty tally at once (C-level counting)."""
        self.counts = dict(Counter(values))

    def __contains__(self, value: object) -> bool:
        return value in self.counts

    def __len__(self) -> int:
        return len(self.counts)

    def __iter__(self) -> Iterator[T]:
        return iter(self.counts)


class Sorted(Generic[T]):
    """Values kept sorted (repeats allowed), sorted once on the first read. An entry built from
    all its claims at once (a rebuild) appends them and sorts them in one C-level pass; from
    the first read on, each value goes in or out by bisection, O(log n), as the live projector
    needs. Inserting each of n values by bisection costs several times the one sort, and made
    building an entry from its claims slower than the passes of `fold.reference_entry`."""

    __slots__ = ("_key", "_list", "_pending")

    def __init__(self, key: Callable[[Any], Any] | None = None) -> None:
        self._key = key
        self._pending: list[T] | None = []
        self._list: SortedList | None = None

    def add(self, value: T) -> None:
        if self._pending is not None:
            self._pending.append(value)
        else:
            self.sorted().add(value)

    def extend(self, values: Iterable[T]) -> None:
        if self._pending is not None:
            self._pending.extend(values)
        else:
            self.sorted().update(values)

    def remove(self, value: T) -> None:
        self.sorted().remove(value)

    def sorted(self) -> SortedList:
        """The values as a SortedList (SortedKeyList with a key)."""
        if self._list is None:
            pending = self._pending or []
            self._list = SortedList(pending) if self._key is None else SortedKeyList(pending, key=self._key)
            self._pending = None
        return self._list

    def __len__(self) -> int:
        return len(self._pending) if self._pending is not None else len(self.sorted())


class SortedTally(Tally[T]):
    """A multiset whose distinct values are also kept sorted: `min`, `max`, and the values
    in order without sorting them again (articles, claimant keys, dates). A SortedList
    beside the counts, because copying it out is a C-level walk over its sublists (a
    SortedDict's key view yields one key at a time in Python)."""

    def __init__(self) -> None:
        super().__init__()
        self._sorted: Sorted[T] = Sorted()

    def add(self, value: T) -> None:
        if value not in self.counts:
            self._sorted.add(value)
        super().add(value)

    def discard(self, value: T) -> None:
        super().discard(value)
        if value not in self.counts:
            self._sorted.remove(value)

    def load(self, values: Iterable[T]) -> None:
        super().load(values)
        self._sorted = Sorted()
        self._sorted.extend(self.counts)

    def min(self) -> T:
        value: T = self._sorted.sorted()[0]
        return value

    def max(self) -> T:
        value: T = self._sorted.sorted()[-1]
        return value

    def values(self) -> tuple[T, ...]:
        return tuple(self._sorted.sorted())


def _rank_text(value: object) -> tuple[bool, str]:
    # fold._most_common's order after the count: None last, then by text.
    return (value is None, "" if value is None else str(value))


class ModeTally(Tally[T]):
    """A multiset that knows its most common value as `fold._mode` picks it (ties go to the
    smallest text, None last), in O(log d) per change once ranked. The ranking is built on
    the first `mode()`: a bulk load only counts."""

    def __init__(self) -> None:
        super().__init__()
        self._ranked: SortedList | None = None
        self._by_rank: dict[tuple[bool, str], T] = {}

    def add(self, value: T) -> None:
        if self._ranked is None:
            super().add(value)
            return
        count = self.counts.get(value, 0)
        rank = _rank_text(value)
        if count:
            self._ranked.remove((-count, *rank))
        self._by_rank[rank] = value
        self._ranked.add((-count - 1, *rank))
        super().add(value)

    def discard(self, value: T) -> None:
        if self._ranked is None:
            super().discard(value)
            return
        count = self.counts[value]
        rank = _rank_text(value)
        self._ranked.remove((-count, *rank))
        if count > 1:
            self._ranked.add((-count + 1, *rank))
        else:
            del self._by_rank[rank]
        super().discard(value)

    def _ranking(self) -> SortedList:
        if self._ranked is None:
            self._by_rank = {_rank_text(value): value for value in self.counts}
            self._ranked = SortedList((-count, *_rank_text(value)) for value, count in self.counts.items())
        return self._ranked

    def mode(self, exclude: object = ...) -> T | None:
        """The most common value other than `exclude` (None: no value)."""
        for _, *rank in self._ranking().islice(0, 2):
            value = self._by_rank[(rank[0], rank[1])]
            if exclude is ... or value != exclude:
                return value
        return None

    def mode_of(self) -> T:
        value = self.mode()
        if value is None and None not in self.counts:
            raise ValueError("the mode of no values")
        return value  # type: ignore[return-value]  # None only when None is the most common value


# ----------------------------------------------------------------------------- one claim


class _Claim(NamedTuple):
    """What the aggregates took from one event, so that removing it undoes exactly that.
    A named tuple: n of them are made when an entry is built from all its claims, and a
    frozen dataclass sets each of its fields through object.__setattr__."""

    event: Event
    view: ClaimView
    parts: KeyParts
    own: bool
    type: str
    actor: str | None
    against: str | None
    partners: tuple[str, ...]
    modality: str
    article: str
    ingested_at: datetime | None
    actor_change: tuple[str | None, str | None]
    movement: str | None
    recipient: str | None
    change: str | None
    keys: tuple[str, ...]
    parties: tuple[str, ...]
    time: TimeSpan
    side: str | None
    # (lower-cased name, index in the event, the location's fields, the location)
    locations: tuple[tuple[str, int, tuple[object, ...], Location], ...]
    time_cell: tuple[bool, bool]
    # (figure group, sort keys, the point) per quantity of a claim that is not a denial
    points: tuple[tuple[tuple[str, str, bool], int, _Point], ...]


def _claim_order(view: ClaimView) -> tuple[date, str]:
    return (view.published_at, view.event_id)


def _claim(entry_id: str, event: Event) -> _Claim:
    # Everything the aggregates need, read from the event once: an entry's claims lie
    # scattered over a rebuild's whole log, and each further pass over the events pays the
    # cache misses again (what made `fold.reference_entry` slower per claim as entries grew).
    fields = event.__dict__
    parts = entry_key_parts(event)
    change = fields.get("change")
    actor, modality = fields["actor"], fields["modality"]
    side = None
    if event.type == "territory_claimed" and modality not in ("denied", "expected"):
        side = holder(event)
    view = claim_view(event)
    keys = view.claimant_keys
    return _Claim(
        event, view, parts, key_from_parts(parts) == entry_id, fields["type"], actor, fields["against"],
        fields["partners"], modality, fields["article"], fields["ingested_at"], (actor, change),
        fields.get("movement"), fields.get("recipient"), change, keys,
        tuple(c.party for c in fields["claimants"] if c.party), fields["time"], side,
        tuple((loc.name.strip().lower(), index, tuple(loc.__dict__.values()), loc)
              for index, loc in enumerate(fields["locations"])),
        (modality == "expected", fields["time"].from_article_date),
        tuple(((p.kind, p.scope, p.expected), index, p) for index, p in enumerate(_points([event], keys))),
    )


# ----------------------------------------------------------------------------- time


class _TimeCell:
    """The time aggregates of one class of claims (expected or not, dated by the text or by
    the article): `fold._merged_time` dates an entry by exactly one class."""

    def __init__(self) -> None:
        self.count = 0
        self.starts: SortedTally[date] = SortedTally()
        self.ends: SortedTally[date] = SortedTally()
        self.granularity: SortedTally[int] = SortedTally()
        self.spans: Tally[tuple[date, date]] = Tally()
        self.texts: ModeTally[str] = ModeTally()
        self.fuzzy = 0

    def change(self, event: Event, sign: int) -> None:
        time = event.time
        end, rank, span = max(time.end, time.start), _GRANULARITY_RANK[time.granularity], (time.start, time.end)
        if sign > 0:
            self.starts.add(time.start)
            self.ends.add(end)
            self.granularity.add(rank)
            self.spans.add(span)
            if time.text:
                self.texts.add(time.text)
        else:
            self.starts.discard(time.start)
            self.ends.discard(end)
            self.granularity.discard(rank)
            self.spans.discard(span)
            if time.text:
                self.texts.discard(time.text)
        self.fuzzy += sign * time.fuzzy
        self.count += sign

    def load(self, times: list[TimeSpan]) -> None:
        """`change(event, 1)` for the times of many claims, on an empty cell."""
        self.count = len(times)
        self.starts.load(t.start for t in times)
        self.ends.load(max(t.end, t.start) for t in times)
        self.granularity.load(_GRANULARITY_RANK[t.granularity] for t in times)
        self.spans.load((t.start, t.end) for t in times)
        self.texts.load(t.text for t in times if t.text)
        self.fuzzy = sum(t.fuzzy for t in times)


# ----------------------------------------------------------------------------- figures

# (mid, published_at, event_id, quantity index): a figure's place in its window, by value
_ByValue = tuple[float, date, str, int]
# (published_at, event_id, mid, quantity index): the order a claimant's figures were written in
_Written = tuple[date, str, float, int]


class _FigureGroup:
    """The figures of one comparable kind, scope class and expectation
    (`contest.summarize_figures`' groups), kept so that its summary and its contest check
    need no pass over every figure."""

    def __init__(self) -> None:
        self.numeric: dict[_ByValue, _Figure] = {}
        self.by_value: Sorted[_ByValue] = Sorted()
        self.windows: dict[int, Sorted[_ByValue]] = {}
        # window -> whether the window and the next one hold disagreeing figures (None: to check)
        self.window_contested: dict[int, bool | None] = {}
        self.latest: dict[str, Sorted[_Written]] = {}
        self.raw_kinds: SortedTally[str] = SortedTally()
        self.vague: SortedTally[str] = SortedTally()
        self.summary: tuple[FigureSummary | None, str | None] | None = None

    def change(self, index: int, point: _Point, sign: int) -> None:
        self.summary = None
        self.raw_kinds.add(point.raw_kind) if sign > 0 else self.raw_kinds.discard(point.raw_kind)
        if not isinstance(point, _Figure):
            if point.vague:
                self.vague.add(point.vague) if sign > 0 else self.vague.discard(point.vague)
            return
        by_value: _ByValue = (point.mid, point.published_at, point.event_id, index)
        written: _Written = (point.published_at, point.event_id, point.mid, index)
        window = point.published_at.toordinal() // CONTEMPORARY_DAYS
        if sign > 0:
            self.numeric[by_value] = point
            self.by_value.add(by_value)
            in_window = self.windows.get(window)
            if in_window is None:
                in_window = self.windows[window] = Sorted()
            in_window.add(by_value)
            for key in point.keys:
                latest = self.latest.get(key)
                if latest is None:
                    latest = self.latest[key] = Sorted()
                latest.add(written)
        else:
            del self.numeric[by_value]
            self.by_value.remove(by_value)
            self.windows[window].remove(by_value)
            if not self.windows[window]:
                del self.windows[window]
                self.window_contested.pop(window, None)
            for key in point.keys:
                self.latest[key].remove(written)
                if not self.latest[key]:
                    del self.latest[key]
        # A window's check reads it and the next one: both checks that read this window change.
        for affected in (window - 1, window):
            if affected in self.windows:
                self.window_contested[affected] = None

    def _window_check(self, window: int) -> bool:
        """`contest._contested` for the pool of a window and the next one."""
        pool = [self.numeric[k] for k in self.windows[window].sorted()]
        if window + 1 in self.windows:
            pool += [self.numeric[k] for k in self.windows[window + 1].sorted()]
        return disagreeing_pair(pool)

    def contested(self) -> bool:
        if len(self.by_value) <= 16:  # as contest._contested: every pair of a few figures
            few = [self.numeric[k] for k in self.by_value.sorted()]
            return any(_disagree(a, b) for i, a in enumerate(few) for b in few[i + 1:])
        found = False
        for window, known in self.window_contested.items():
            if known is None:
                known = self.window_contested[window] = self._window_check(window)
            found = found or known
        return found

    def summarize(self, group: tuple[str, str, bool]) -> tuple[FigureSummary | None, str | None]:
        """`contest.summarize_figures` for this group: its summary (None without a number)
        and its reason when contested."""
        if self.summary is not None:
            return self.summary
        if not self.by_value:
            self.summary = (None, None)
            return self.summary
        kind, scope, expected = group
        latest: dict[str, _Figure] = {}
        for key in sorted(self.latest):
            published_at, event_id, mid, index = self.latest[key].sorted()[-1]  # the last one written wins
            latest[key] = self.numeric[(mid, published_at, event_id, index)]
        contested = not expected and self.contested()
        by_value = self.by_value.sorted()
        low, high = by_value[0][0], by_value[-1][0]
        summary = FigureSummary(
            kind=kind, min=low, max=high, by_claimant={k: latest[k].mid for k in latest},
            contested=contested, spread=relative_difference(low, high), count=len(self.by_value),
            raw_kinds=self.raw_kinds.values(), vague=self.vague.values(),
            scope=scope, expected=expected, texts={k: latest[k].text for k in latest},
            bounds={k: b for k in latest if (b := latest[k].bound)},
        )
        reason = None
        if contested:
            ordered = sorted(latest.items(), key=lambda kv: (-kv[1].mid, kv[0]))
            said = ", ".join(f"{key} {_VERBS.get(p.modality, 'says')} {p.text}" for key, p in ordered)
            label = kind if scope == "total" else f"{kind} ({scope.replace('_', ' ')})"
            reason = f"{label}: {said}"
        self.summary = (summary, reason)
        return self.summary


# ----------------------------------------------------------------------------- the entry


@dataclass
class _Side:
    """The claims behind one side of a counter-claim: how many, by whom, with which changes."""

    count: int = 0
    keys: Tally[str] = field(default_factory=Tally)
    changes: Tally[str] = field(default_factory=Tally)

    def change(self, claim: _Claim, sign: int) -> None:
        self.count += sign
        for key in claim.keys:
            self.keys.add(key) if sign > 0 else self.keys.discard(key)
        if claim.change:
            self.changes.add(claim.change) if sign > 0 else self.changes.discard(claim.change)

    def load(self, claims: list[_Claim]) -> None:
        """`change(claim, 1)` for many claims, on an empty side."""
        self.count = len(claims)
        self.keys.load(k for c in claims for k in c.keys)
        self.changes.load(c.change for c in claims if c.change)


class EntryState:
    """One entry's claims and the aggregates `reference_entry` derives from them.

    `add(event)` puts a claim in (of two copies of one event id, the one `reference_entry`
    would keep stays), `remove(event_id)` takes one out, `entry()` is
    `reference_entry(entry_id, claims)`. Not thread-safe; `entry()` caches its answer until
    the next change.
    """

    def __init__(self, entry_id: str, claims: Iterable[Event] = ()) -> None:
        self.entry_id = entry_id
        self._claims: dict[str, _Claim] = {}
        # The claim views in `build_entry`'s order: by (published_at, event_id)
        self._ordered: Sorted[ClaimView] = Sorted(key=_claim_order)
        self._parts: ModeTally[KeyParts] = ModeTally()
        self._own: SortedTally[KeyParts] = SortedTally()
        self._types: ModeTally[str] = ModeTally()
        self._actor_change: dict[str, ModeTally[tuple[str | None, str | None]]] = {}
        self._actor_by_type: dict[str, ModeTally[str | None]] = {}
        self._movement: ModeTally[str | None] = ModeTally()
        self._recipient: ModeTally[str | None] = ModeTally()
        self._against: ModeTally[str] = ModeTally()
        self._partners: Tally[str] = Tally()
        self._actors: Tally[str] = Tally()
        # Where the claims are, at the country level: only an entry keyed without a place shows
        # it, so it is counted on the first `entry()` that needs it, and kept from then on.
        self._where: ModeTally[str] | None = None
        self._keys: SortedTally[str] = SortedTally()
        self._parties: SortedTally[str] = SortedTally()
        self._ingested: SortedTally[datetime] = SortedTally()
        self._changes: SortedTally[str] = SortedTally()
        self._movements: SortedTally[str] = SortedTally()
        self._modalities: SortedTally[str] = SortedTally()
        self._articles: SortedTally[str] = SortedTally()
        # name -> [hits, indexes, spellings (fields -> location)]
        self._location_hits: Tally[str] = Tally()
        self._location_index: dict[str, SortedTally[int]] = {}
        self._spellings: dict[str, dict[tuple[object, ...], tuple[Location, int]]] = {}
        self._time: dict[tuple[bool, bool], _TimeCell] = {(e, a): _TimeCell() for e in (False, True)
                                                           for a in (False, True)}
        self._figures: dict[tuple[str, str, bool], _FigureGroup] = {}
        self._denied = _Side()
        self._affirmed = _Side()
        self._affirmed_expected = 0
        self._launched = _Side()
        self._repelled = _Side()
        self._holders: dict[str, _Side] = {}
        self._entry: Entry | None = None
        # The copy of each event id `add` would keep (`fold._unique`), then all of them in bulk.
        chosen: dict[str, Event] = {}
        for event in claims:
            held = chosen.get(event.event_id)
            if held is None or (held is not event and _event_rank(event) > _event_rank(held)):
                chosen[event.event_id] = event
        if chosen:
            self._claims = {event_id: _claim(entry_id, event) for event_id, event in chosen.items()}
            self._load(list(self._claims.values()))

    # --- changes

    def __len__(self) -> int:
        return len(self._claims)

    def __contains__(self, event_id: object) -> bool:
        return event_id in self._claims

    @property
    def event_ids(self) -> frozenset[str]:
        return frozenset(self._claims)

    def events(self) -> list[Event]:
        return [c.event for c in self._claims.values()]

    def event_of(self, event_id: str) -> Event | None:
        claim = self._claims.get(event_id)
        return claim.event if claim is not None else None

    def add(self, event: Event) -> None:
        """Put a claim in; a copy of a held event id replaces it only when `build_entry`
        would keep it (`fold._unique`: the newer version, the earlier ingestion, the JSON)."""
        held = self._claims.get(event.event_id)
        if held is not None:
            if held.event is event or _event_rank(event) <= _event_rank(held.event):
                return
            self._change(held, -1)
        claim = _claim(self.entry_id, event)
        self._claims[event.event_id] = claim
        self._change(claim, 1)

    def remove(self, event_id: str) -> None:
        """Take a claim out (nothing when it is not there)."""
        claim = self._claims.pop(event_id, None)
        if claim is not None:
            self._change(claim, -1)

    def _change(self, claim: _Claim, sign: int) -> None:
        self._entry = None

        def tally(target: Tally[S], value: S) -> None:
            if sign > 0:
                target.add(value)
            else:
                target.discard(value)

        if sign > 0:
            self._ordered.add(claim.view)
        else:
            self._ordered.remove(claim.view)
        tally(self._parts, claim.parts)
        if claim.own:
            tally(self._own, claim.parts)
        tally(self._types, claim.type)
        tally(self._actor_change.setdefault(claim.type, ModeTally()), claim.actor_change)
        tally(self._actor_by_type.setdefault(claim.type, ModeTally()), claim.actor)
        tally(self._movement, claim.movement)
        tally(self._recipient, claim.recipient)
        if claim.against:
            tally(self._against, claim.against)
        for partner in claim.partners:
            tally(self._partners, partner)
        if claim.actor:
            tally(self._actors, claim.actor)
        if self._where is not None:
            tally(self._where, where_part_of(claim.event))
        for key in claim.keys:
            tally(self._keys, key)
        for party in claim.parties:
            tally(self._parties, party)
        if claim.ingested_at:
            tally(self._ingested, claim.ingested_at)
        if claim.change:
            tally(self._changes, claim.change)
        if claim.movement:
            tally(self._movements, claim.movement)
        tally(self._modalities, claim.modality)
        tally(self._articles, claim.article)
        self._change_structures(claim, sign)

    def _load(self, claims: list[_Claim]) -> None:
        """`_change(claim, 1)` for every claim of an empty state, the counts taken in bulk: what
        `_change` tallies one claim at a time, counted here in one C-level pass per aggregate
        over the claims (the property test builds states both ways)."""
        self._entry = None
        self._ordered.extend(c.view for c in claims)
        self._parts.load(c.parts for c in claims)
        self._own.load(c.parts for c in claims if c.own)
        self._types.load(c.type for c in claims)
        by_type: dict[str, list[_Claim]] = {}
        for claim in claims:
            by_type.setdefault(claim.type, []).append(claim)
        for type_, of_type in by_type.items():
            self._actor_change[type_] = ModeTally()
            self._actor_change[type_].load(c.actor_change for c in of_type)
            self._actor_by_type[type_] = ModeTally()
            self._actor_by_type[type_].load(c.actor for c in of_type)
        self._movement.load(c.movement for c in claims)
        self._recipient.load(c.recipient for c in claims)
        self._against.load(c.against for c in claims if c.against)
        self._partners.load(p for c in claims for p in c.partners)
        self._actors.load(c.actor for c in claims if c.actor)
        self._keys.load(k for c in claims for k in c.keys)
        self._parties.load(p for c in claims for p in c.parties)
        self._ingested.load(c.ingested_at for c in claims if c.ingested_at)
        self._changes.load(c.change for c in claims if c.change)
        self._movements.load(c.movement for c in claims if c.movement)
        self._modalities.load(c.modality for c in claims)
        self._articles.load(c.article for c in claims)
        cells: dict[tuple[bool, bool], list[TimeSpan]] = {}
        holders: dict[str, list[_Claim]] = {}
        for claim in claims:
            self._change_places_and_figures(claim, 1)
            cells.setdefault(claim.time_cell, []).append(claim.time)
            if claim.side:
                holders.setdefault(claim.side, []).append(claim)
        for cell, times in cells.items():
            self._time[cell].load(times)
        for side, held in holders.items():
            self._holders[side] = _Side()
            self._holders[side].load(held)
        denied = [c for c in claims if c.modality == "denied"]
        affirmed = [c for c in claims if c.modality != "denied"]
        self._denied.load(denied)
        self._affirmed.load(affirmed)
        self._affirmed_expected = sum(c.modality == "expected" for c in affirmed)
        reported = [c for c in affirmed if c.modality != "expected"]
        self._launched.load([c for c in reported if c.type == "offensive_launched"])
        self._repelled.load([c for c in reported if c.type == "offensive_repelled"])

    def _change_structures(self, claim: _Claim, sign: int) -> None:
        """The aggregates that are more than a count per value: locations, time, figures, sides."""
        self._change_places_and_figures(claim, sign)
        self._time[claim.time_cell].change(claim.event, sign)
        modality = claim.modality
        if modality == "denied":
            self._denied.change(claim, sign)
        else:
            self._affirmed.change(claim, sign)
            self._affirmed_expected += sign * (modality == "expected")
            if modality != "expected":
                if claim.type == "offensive_launched":
                    self._launched.change(claim, sign)
                elif claim.type == "offensive_repelled":
                    self._repelled.change(claim, sign)
        if claim.side:
            side = self._holders.setdefault(claim.side, _Side())
            side.change(claim, sign)
            if not side.count:
                del self._holders[claim.side]

    def _change_places_and_figures(self, claim: _Claim, sign: int) -> None:
        for name, index, fields, location in claim.locations:
            if sign > 0:
                self._location_hits.add(name)
            else:
                self._location_hits.discard(name)
            indexes = self._location_index.get(name)
            if indexes is None:
                indexes = self._location_index[name] = SortedTally()
            if sign > 0:
                indexes.add(index)
            else:
                indexes.discard(index)
            spellings = self._spellings.setdefault(name, {})
            held = spellings.get(fields)
            count = (held[1] if held else 0) + sign
            if count:
                spellings[fields] = (held[0] if held else location, count)
            else:
                del spellings[fields]
            if not indexes:
                del self._location_index[name], self._spellings[name]
        for group, index, point in claim.points:
            figures = self._figures.get(group)
            if figures is None:
                figures = self._figures[group] = _FigureGroup()
            figures.change(index, point, sign)
            if not figures.raw_kinds:
                del self._figures[group]

    # --- the entry

    def _merged_time(self) -> tuple[TimeSpan, bool]:
        """`fold._merged_time` from the one class of claims that dates the entry: reports
        dated by their text, else reports, else expectations dated by their text, else all."""
        cell = next(c for key in ((False, False), (False, True), (True, False), (True, True))
                    if (c := self._time[key]).count)
        explicit = cell is self._time[(False, False)] or cell is self._time[(True, False)]
        start, end = cell.starts.min(), cell.ends.max()
        coarsest = cell.granularity.max()
        granularity = _RANK_GRANULARITY[max(coarsest, _GRANULARITY_RANK[_span_granularity(start, end)])]
        time = TimeSpan(text=cell.texts.mode(), start=start, end=end, granularity=granularity,
                        fuzzy=cell.fuzzy > 0 or len(cell.spans) > 1, from_article_date=not explicit)
        return time, explicit

    def _locations(self) -> tuple[Location, ...]:
        names = sorted(self._location_index, key=lambda n: (-self._location_hits.counts[n],
                                                             self._location_index[n].min(), n))
        return tuple(min((loc for loc, _ in self._spellings[n].values()),
                         key=lambda loc: (loc.country is None, loc.lat is None, loc.model_dump_json()))
                     for n in names)

    def _reasons(self, place_name: str | None) -> tuple[str, ...]:
        """`contest.denial_reasons`, `offensive_reasons` and `holder_reasons` from the sides."""
        out: list[str] = []
        if self._denied.count and self._affirmed.count:
            verb = "expected by" if self._affirmed_expected == self._affirmed.count else "claimed by"
            out.append(f"denied by {_who(self._denied.keys)}; {verb} {_who(self._affirmed.keys)}")
        launched, repelled = self._launched, self._repelled
        if launched.count and repelled.count:
            out.append(f"offensive: {_who(launched.keys)} report{'s' if launched.count == 1 else ''} "
                       f"it; {_who(repelled.keys)} say{'s' if repelled.count == 1 else ''} it was repelled")
        if len(self._holders) >= 2:
            parts = []
            for side in sorted(self._holders):
                held = self._holders[side]
                parts.append(f"{_who(held.keys)} say{'s' if held.count == 1 else ''} "
                             f"{side} ({', '.join(sorted(held.changes))})")
            out.append(f"{place_name or 'the place'} held by: " + "; ".join(parts))
        return tuple(out)

    def entry(self) -> Entry:
        """`build_entry(entry_id, claims)` for the claims held."""
        if self._entry is not None:
            return self._entry
        if not self._claims:
            raise ValueError("an entry needs at least one claim")
        own = self._own.values()
        parts = own[0] if own else self._parts.mode_of()
        entry_type = self._types.mode_of()
        actor, change = self._actor_change[entry_type].mode_of()
        movement = self._movement.mode()
        recipient = self._recipient.mode()
        against = self._against.mode(exclude=actor)
        partners = tuple(sorted({p for p in self._partners if p != actor}
                                | ({a for a in self._actors if a != actor} if entry_type == "diplomacy" else set())))
        locations = self._locations()
        time, time_known = self._merged_time()
        summaries: list[FigureSummary] = []
        figure_reasons: list[str] = []
        for group in sorted(self._figures):
            summary, reason = self._figures[group].summarize(group)
            if summary is not None:
                summaries.append(summary)
            if reason is not None:
                figure_reasons.append(reason)
        figures = tuple(summaries)
        if "offensive_launched" in self._types:
            entry_type = "offensive_launched"
            actor = self._actor_by_type[entry_type].mode()
            against = self._against.mode(exclude=actor)
        place_name = locations[0].name if locations else None
        reasons = tuple(figure_reasons) + self._reasons(place_name)
        standing_ = standing_of(self._modalities.counts.keys())
        keys = self._keys.values()
        title = _standing_title(_title(entry_type, actor, partners, against, place_name, change, movement, recipient),
                                standing_, keys)
        place = parts[2]
        if place == "*":
            if self._where is None:
                self._where = ModeTally()
                self._where.load(where_part_of(c.event) for c in self._claims.values())
            place = self._where.mode() or "-"
        articles = self._articles.values()
        ordered = self._ordered.sorted()
        claims: tuple[ClaimView, ...] = tuple(ordered)
        # Every field of an Entry, each already of its type (as `build_entry` makes them, which
        # the property test compares field by field): validating the tuple of claims again
        # would cost O(n) per change.
        self._entry = construct_validated(
            Entry, entry_id=self.entry_id, type=entry_type, actor=actor, partners=partners, against=against,
            locations=locations, change=change, movement=movement, recipient=recipient, time=time,
            time_known=time_known, sort_score=sort_score(time.start, time.end, self.entry_id),
            contested=bool(reasons), contested_reasons=reasons, figures=figures,
            claimant_parties=self._parties.values(),
            first_ingested_at=self._ingested.min() if self._ingested else None,
            claims=claims, claims_total=len(claims),
            title=title, summary=_summary(len(claims), len(articles), figures, reasons, keys),
            subject=_subject(entry_type, actor),
            report_date_only=not time_known, group_key="|".join(parts), place=place, bucket=parts[4],
            changes=self._changes.values(), movements=self._movements.values(),
            modalities=self._modalities.values(), articles=articles, claimant_keys=keys,
            last_published_at=ordered[-1].published_at,
            standing=standing_, thread=key_from_parts(parts[:4]).replace("en_", "th_", 1),
        )
        return self._entry

