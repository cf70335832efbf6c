"""The fold: events -> timeline entries. Deterministic and order-independent.

An entry is identified by `entry_key(event)`, a pure function of the event alone, so the
grouping cannot depend on arrival order (`grouping.py` explains the key). An entry's
content is `build_entry(id, claims)`, a pure function of the *set* of its claims
(duplicates and order of the sequence do not matter). `apply` keeps, per article, only the
events of the newest extractor version, so a re-extraction replaces what the old version
said; it is idempotent, and folding any permutation of the same events gives the same
state. `fold` is the reference every projection is tested against.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property, lru_cache
from typing import TypeAlias, TypeVar

from schemas.events import Event, Location, TimeSpan
from schemas.extraction import ArticleExtracted
from services.timeline.core.contest import (
    claimant_keys,
    denial_reasons,
    format_number,
    holder_reasons,
    offensive_reasons,
    summarize_figures,
)
from services.timeline.core.grouping import (
    KeyParts,
    entry_ids,
    entry_key,
    entry_key_parts,
    fold_members,
    key_from_parts,
    resolve_keys,
)
from services.timeline.core.model import ClaimView, Entry, FigureSummary, construct_complete

__all__ = [
    "SCORE_SPAN_BITS", "SCORE_TIE_BITS", "STATE_MIN_CLAIMS", "FoldState", "VersionKey", "apply", "apply_changes",
    "build_entry", "claim_view", "current_events", "entries_of", "entry_key", "fold", "reference_entry",
    "score_after", "score_floor", "sort_score", "state_entries", "timeline", "version_key",
]

T = TypeVar("T", bound=Hashable)

# ----------------------------------------------------------------------------- versions

# A dotted version's parts: (1, number, "") for a number, (0, 0, word) for a word.
_VersionParts: TypeAlias = tuple[tuple[int, int, str], ...]
# (release parts, (1,) for a release or (0, pre-release parts)).
VersionKey: TypeAlias = tuple[_VersionParts, tuple[int] | tuple[int, _VersionParts]]
_VersionRank: TypeAlias = tuple[VersionKey, str]
# (has ingested_at, minus its timestamp), (the version rank, the ingested rank, the JSON).
_IngestedRank: TypeAlias = tuple[int, float]
_EventRank: TypeAlias = tuple[_VersionRank, _IngestedRank, str]


@lru_cache(maxsize=1024)  # pure; a log holds a handful of extractor versions
def version_key(version: str) -> VersionKey:
    """Orders extractor versions: '0.10.0' > '0.9.2'; '1.0.0-rc1' < '1.0.0'; build metadata
    ('+abc') ignored. Total on any strings (numbers and words never compare directly)."""
    release, _, pre = version.strip().partition("-")
    release = release.split("+")[0]
    pre = pre.split("+")[0]

    def parts(text: str) -> _VersionParts:
        out: list[tuple[int, int, str]] = []
        for piece in re.split(r"[.]", text):
            if piece.isdigit():
                out.append((1, int(piece), ""))
            elif piece:
                out.append((0, 0, piece))
        return tuple(out)

    # A release sorts after its pre-releases.
    return (parts(release), (1,) if not pre else (0, parts(pre)))


@lru_cache(maxsize=1024)
def _version_rank(version: str) -> _VersionRank:
    # The string itself breaks ties between spellings with equal keys ('1.0' / '1.00').
    return (version_key(version), version)


def _ingested_rank(ingested_at: datetime | None) -> _IngestedRank:
    # Earlier is better; a copy without ingested_at loses to any copy that has one.
    if ingested_at is None:
        return (0, 0.0)
    aware = ingested_at if ingested_at.tzinfo is not None else ingested_at.replace(tzinfo=UTC)
    return (1, -aware.timestamp())


def _event_rank(event: Event) -> _EventRank:
    """Which of two different events that share an id wins; higher wins. Ids are
    content-derived, so two copies differ when an article was published again (a retried
    post after a restart gets a new ingested_at): the newest extractor version first, then
    the earliest ingested copy (when Claimline first knew it, what `as_of` should see),
    then the JSON as a total tie-break. Live folding and a rebuild both use this rank,
    so they keep the same copy whatever order the copies arrive in."""
    return (_version_rank(event.extractor_version), _ingested_rank(event.ingested_at), event.model_dump_json())


# ----------------------------------------------------------------------------- entries


_GRANULARITY_RANK = {"day": 0, "week": 1, "month": 2, "season": 3, "year": 4}
_RANK_GRANULARITY = {v: k for k, v in _GRANULARITY_RANK.items()}


def _span_granularity(start: date, end: date) -> str:
    days = (end - start).days
    if days <= 0:
        return "day"
    if days <= 6:
        return "week"
    if days <= 30:
        return "month"
    if days <= 92:
        return "season"
    return "year"


def _mode(values: Iterable[T]) -> T | None:
    """The most common value; ties go to the smallest (None last). Order-independent."""
    counts = Counter(values)
    if not counts:
        return None
    return _most_common(counts)


def _mode_of(values: Iterable[T]) -> T:
    """`_mode` of values there is at least one of."""
    counts = Counter(values)
    if not counts:
        raise ValueError("the mode of no values")
    return _most_common(counts)


def _most_common(counts: Counter[T]) -> T:
    return min(counts, key=lambda v: (-counts[v], v is None, "" if v is None else str(v)))


def _merged_time(claims: Sequence[Event]) -> tuple[TimeSpan, bool]:
    # An entry is dated by what is said to have happened: when some claim reports it, an
    # expectation ('he will travel on Wednesday') does not stretch the span, as a schedule
    # is not when the thing took place (review #38). Denials still count: a denial of talks
    # 'on Friday' dates the talks it denies as well as a claim does.
    reports = [e for e in claims if e.modality != "expected"] or list(claims)
    explicit = [e for e in reports if not e.time.from_article_date]
    basis = explicit or reports
    start = min(e.time.start for e in basis)
    end = max(max(e.time.end, e.time.start) for e in basis)
    coarsest = max(_GRANULARITY_RANK[e.time.granularity] for e in basis)
    granularity = _RANK_GRANULARITY[max(coarsest, _GRANULARITY_RANK[_span_granularity(start, end)])]
    spans = {(e.time.start, e.time.end) for e in basis}
    text = _mode(e.time.text for e in basis if e.time.text)
    time = TimeSpan(text=text, start=start, end=end, granularity=granularity,
                    fuzzy=any(e.time.fuzzy for e in basis) or len(spans) > 1,
                    from_article_date=not explicit)
    return time, bool(explicit)


# sort_score layout (an exact integer below 2**53, so a float orders it exactly):
#   start day ordinal (22 bits: 1..3,652,059) | span in days, capped (10 bits) | id hash (21 bits)
SCORE_SPAN_BITS, SCORE_TIE_BITS = 10, 21


def sort_score(start: date, end: date, entry_id: str) -> float:
    """Orders entries by event time: start, then end (span), then a stable hash of the id.
    A finite float, exact, usable as a Redis sorted-set score."""
    span = min(max((end - start).days, 0), (1 << SCORE_SPAN_BITS) - 1)
    tie = int(hashlib.sha256(entry_id.encode("utf-8")).hexdigest()[:8], 16) & ((1 << SCORE_TIE_BITS) - 1)
    return float((start.toordinal() << (SCORE_SPAN_BITS + SCORE_TIE_BITS)) | (span << SCORE_TIE_BITS) | tie)


def score_floor(day: date) -> float:
    """The smallest sort_score an entry starting on `day` can have."""
    return float(day.toordinal() << (SCORE_SPAN_BITS + SCORE_TIE_BITS))


def score_after(day: date) -> float:
    """The smallest sort_score an entry starting after `day` can have. Computed on the
    ordinal, not as `day + 1 day`, which overflows for 9999-12-31."""
    return float((day.toordinal() + 1) << (SCORE_SPAN_BITS + SCORE_TIE_BITS))


def claim_view(event: Event) -> ClaimView:
    """An event as a claim of its entry."""
    # Every field comes from an already validated event: construct without re-validating,
    # reading the event's own dict (every field of ClaimView, as test_construct checks).
    fields = event.__dict__
    return construct_complete(ClaimView, {
        "event_id": fields["event_id"], "article": fields["article"], "source": fields["source"],
        "published_at": fields["published_at"], "ingested_at": fields["ingested_at"],
        "extractor_version": fields["extractor_version"], "claimants": fields["claimants"],
        "modality": fields["modality"], "quantities": fields["quantities"], "time": fields["time"],
        "evidence": fields["evidence"], "type": fields["type"], "schema_version": fields["schema_version"],
        "actor": fields["actor"], "partners": fields["partners"], "against": fields["against"],
        "locations": fields["locations"], "change": fields.get("change"), "movement": fields.get("movement"),
        "recipient": fields.get("recipient"), "claimant_keys": claimant_keys(event),
    })


def _locations(claims: Sequence[Event]) -> tuple[Location, ...]:
    seen: dict[str, list[tuple[int, Location]]] = {}
    for event in claims:
        for index, location in enumerate(event.locations):
            seen.setdefault(location.name.strip().lower(), []).append((index, location))
    def rank(item: tuple[str, list[tuple[int, Location]]]) -> tuple[int, int, str]:
        name, hits = item
        return (-len(hits), min(i for i, _ in hits), name)
    out: list[Location] = []
    for _name, hits in sorted(seen.items(), key=rank):
        # The most informative spelling among equal names, chosen without regard to order.
        # Distinct spellings first: a running story repeats one Location in hundreds of claims
        # (by their fields, as the models compare, which is cheaper than hashing the models).
        distinct: dict[tuple[object, ...], Location] = {}
        for _, loc in hits:
            distinct.setdefault(tuple(loc.__dict__.values()), loc)
        out.append(min(distinct.values(),
                       key=lambda loc: (loc.country is None, loc.lat is None, loc.model_dump_json())))
    return tuple(out)


def _title(entry_type: str, actor: str | None, partners: Sequence[str], against: str | None, place: str | None,
           change: str | None, movement: str | None, recipient: str | None) -> str:
    who = actor or "Unknown party"
    where = f" in {place}" if place else ""
    if entry_type == "offensive_launched":
        return f"{who} offensive{where}"
    if entry_type == "offensive_repelled":
        return f"{who} repels {against + ' ' if against else ''}attacks{where}"
    if entry_type == "troops_deployed":
        return f"{who} troops {movement or 'deployed'}{where}"
    if entry_type == "territory_claimed":
        return f"{who} {change or 'controls'} {place or 'territory'}"
    if entry_type == "casualties_claimed":
        return f"{who} casualties{where}"
    if entry_type == "strike":
        target = place or against
        return f"{who} strike" + (f" on {target}" if target else "")
    if entry_type == "diplomacy":
        # titled as keyed: members beside their group are the group's meeting (grouping.fold_members)
        parties = sorted(fold_members(frozenset(p for p in (actor, *partners) if p)))
        return "Talks: " + (" – ".join(parties) if parties else "unknown parties") + where
    if entry_type == "military_aid":
        return f"{who} military aid to {recipient or 'unknown recipient'}"
    return f"{who} {entry_type.replace('_', ' ')}{where}"


def _summary(claims: int, articles: int, figures: Sequence[FigureSummary], reasons: Sequence[str],
             keys: Sequence[str]) -> str:
    """One line: `claims` claims from `articles` articles, who claims, the figures, why contested."""
    parts = [f"{claims} claim{'s' if claims != 1 else ''} from {articles} "
             f"article{'s' if articles != 1 else ''}"]
    named = [k for k in keys if k != "article"]
    if named:
        parts.append("claimed by " + ", ".join(named))
    for fig in figures:
        span = format_number(fig.min) if fig.min == fig.max else f"{format_number(fig.min)}–{format_number(fig.max)}"
        if fig.min == fig.max and len(set(fig.texts.values())) == 1:
            span = next(iter(fig.texts.values()))  # as written: 'more than 3,000', not ≈
        label = fig.kind if fig.scope == "total" else f"{fig.kind} ({fig.scope.replace('_', ' ')})"
        parts.append(f"{'expected ' if fig.expected else ''}{label} {span}")
    if reasons:
        parts.append("contested: " + "; ".join(reasons))
    return "; ".join(parts)


def _subject(entry_type: str, actor: str | None) -> str | None:
    if not actor:
        return None
    if entry_type == "troops_deployed":
        return f"{actor} troops"
    if entry_type == "casualties_claimed":
        return f"{actor} casualties"
    return None


def where_part_of(event: Event) -> str:
    """The place of an event at its type's level, even for types keyed without one."""
    if not event.locations:
        return "-"
    from services.timeline.core.places import canonical_place
    return canonical_place(event.locations[0], "country")


def standing(claims: Sequence[Event]) -> str:
    """What an entry rests on: 'reported' when some claim says it happened (asserted,
    claimed, estimated), else 'expected' when some claim expects it, else 'denied'."""
    return standing_of({e.modality for e in claims})


def standing_of(modalities: Collection[str]) -> str:
    """`standing` from the claims' modalities alone."""
    if set(modalities) - {"expected", "denied"}:
        return "reported"
    return "expected" if "expected" in modalities else "denied"


def _standing_title(title: str, standing_: str, keys: Iterable[str]) -> str:
    # An entry that rests on no report of a happening never reads as one. `keys`: the
    # claimant keys of every claim (all of them deniers when the entry stands 'denied').
    if standing_ == "denied":
        who = ", ".join("the article" if k == "article" else k for k in sorted(set(keys)))
        return f"Denied by {who}: {title}"
    if standing_ == "expected":
        return f"Expected: {title}"
    return title


def _unique(claims: Iterable[Event]) -> list[Event]:
    by_id: dict[str, Event] = {}
    for event in claims:
        held = by_id.get(event.event_id)
        if held is None or _event_rank(event) > _event_rank(held):
            by_id[event.event_id] = event
    return sorted(by_id.values(), key=lambda e: (e.published_at, e.event_id))


# From this many claims on, `build_entry` reads each claim once (`EntryState`); below, the
# passes of `reference_entry` are quicker, as a few thousand claims stay in the CPU caches.
# Measured with bench/entry_update.py's tally (both paths, gc off): the state costs about 25
# us a claim at any size; the passes 18 us at 100 claims, 24 at 1,000, 36 at 3,000 and 46-53 at
# 10,000-30,000.
STATE_MIN_CLAIMS = 2000


def build_entry(entry_id: str, claims: Iterable[Event], parts_of: Mapping[str, KeyParts] | None = None) -> Entry:
    """An entry from its claims: a pure function of the set of claims (their order and
    repetitions do not matter). Claims are sorted by published_at, then event_id.

    `reference_entry` makes some thirty passes over the claims; once an entry's claims
    outgrow the CPU caches each pass costs more per claim, so a large entry is built as
    `EntryState(entry_id, claims).entry()`, the live projector's own path, which reads
    each claim once (the property tests hold both to `reference_entry`). `parts_of`: the
    claims' `entry_key_parts` by event id, when the caller has them already (a rebuild's fold
    computed them as it read the log)."""
    claims = claims if isinstance(claims, Sequence) else list(claims)
    if len(claims) < STATE_MIN_CLAIMS:
        return reference_entry(entry_id, claims, parts_of)
    from services.timeline.core.entry_state import EntryState  # it builds on this module's helpers

    return EntryState(entry_id, claims).entry()


def reference_entry(entry_id: str, claims: Sequence[Event], parts_of: Mapping[str, KeyParts] | None = None) -> Entry:
    """`build_entry` as its definition: passes over the claims, each deriving one field. The
    reference the property tests compare `EntryState` to; slower per claim as an entry
    grows past a few thousand claims (see `build_entry`)."""
    ordered = _unique(claims)
    if not ordered:
        raise ValueError("an entry needs at least one claim")
    all_parts = ([parts_of[e.event_id] for e in ordered] if parts_of is not None
                 else [entry_key_parts(e) for e in ordered])
    # Hashed once per distinct parts: an entry's claims share a handful of keys.
    own = sorted(p for p in set(all_parts) if key_from_parts(p) == entry_id)
    # The key the entry is named by (an unplaced claim that joined it has another); claims
    # grouped by anything but their keys (never by the fold itself): the most common parts.
    parts = own[0] if own else _mode_of(all_parts)
    # The claims' fields read from the models' dicts: the per-type ones (change, movement,
    # recipient) with `get`, which avoids pydantic's slow attribute-miss path on the types
    # that lack them, and the others without an attribute lookup per claim.
    fields = [e.__dict__ for e in ordered]
    entry_type: str = _mode_of(f["type"] for f in fields)
    actor, change = _mode_of((f["actor"], f.get("change")) for f in fields if f["type"] == entry_type)
    movement = _mode(f.get("movement") for f in fields)
    recipient = _mode(f.get("recipient") for f in fields)
    against = _mode(e.against for e in ordered if e.against and e.against != actor)
    partners = tuple(sorted({p for e in ordered for p in e.partners if p != actor}
                            | ({e.actor for e in ordered if e.actor and e.actor != actor}
                               if entry_type == "diplomacy" else set())))
    locations = _locations(ordered)
    time, time_known = _merged_time(ordered)
    figures, figure_reasons = summarize_figures(ordered)
    if "offensive_launched" in {e.type for e in ordered}:
        entry_type = "offensive_launched"  # a launch and its repulse: the offensive is the happening
        actor = _mode(e.actor for e in ordered if e.type == entry_type)
        against = _mode(e.against for e in ordered if e.against and e.against != actor)
    place_name = locations[0].name if locations else None
    reasons = (figure_reasons + denial_reasons(ordered) + offensive_reasons(ordered)
               + holder_reasons(ordered, place_name))
    standing_ = standing(ordered)
    views = tuple(claim_view(e) for e in ordered)
    keys = tuple(sorted({k for v in views for k in v.claimant_keys}))
    ingested = [e.ingested_at for e in ordered if e.ingested_at]
    title = _standing_title(_title(entry_type, actor, partners, against, place_name, change, movement, recipient),
                            standing_, keys)
    place = parts[2]
    if place == "*":  # keyed without a place (grouping.where_part): show the most common one
        place = _mode(where_part_of(e) for e in ordered) or "-"
    return Entry(
        entry_id=entry_id, type=entry_type, actor=actor, partners=partners, against=against,
        locations=locations, change=change, movement=movement, recipient=recipient, time=time,
        time_known=time_known, sort_score=sort_score(time.start, time.end, entry_id),
        contested=bool(reasons), contested_reasons=reasons, figures=figures,
        claimant_parties=tuple(sorted({c.party for e in ordered for c in e.claimants if c.party})),
        first_ingested_at=min(ingested) if ingested else None,
        claims=views, claims_total=len(ordered),
        title=title, summary=_summary(len(ordered), len({e.article for e in ordered}), figures, reasons, keys),
        subject=_subject(entry_type, actor),
        report_date_only=not time_known, group_key="|".join(parts), place=place, bucket=parts[4],
        changes=tuple(sorted({c for f in fields if (c := f.get("change"))})),
        movements=tuple(sorted({m for f in fields if (m := f.get("movement"))})),
        modalities=tuple(sorted({e.modality for e in ordered})),
        articles=tuple(sorted({e.article for e in ordered})),
        claimant_keys=keys,
        last_published_at=max(e.published_at for e in ordered),
        standing=standing_, thread=key_from_parts(parts[:4]).replace("en_", "th_", 1),
    )


def timeline(entries: Mapping[str, Entry] | Iterable[Entry]) -> list[Entry]:
    """Entries in timeline order (sort_score, then entry_id)."""
    values = entries.values() if isinstance(entries, Mapping) else entries
    return sorted(values, key=lambda e: (e.sort_score, e.entry_id))


# ----------------------------------------------------------------------------- state


@dataclass(frozen=True)
class FoldState:
    """Current events (newest extractor version per article only).

    `article_versions` remembers, per article, the newest extractor version seen (even when
    the event that brought it lost an id clash), `by_key` indexes event ids by their own key
    (`entry_key`), `by_entry` (derived) by their entry: the keys after `resolve_keys` joins
    unplaced claims to their placed entry. Treat as immutable: `apply` returns a new state
    and never changes the old one.
    """

    events: dict[str, Event] = field(default_factory=dict)
    article_versions: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A state built from stored events alone (a projection loading part of its state)
        # gets its key index here.
        if self.events and not self.by_key:
            index: dict[str, set[str]] = {}
            for event_id, event in self.events.items():
                index.setdefault(entry_key(event), set()).add(event_id)
            object.__setattr__(self, "by_key", {k: frozenset(v) for k, v in index.items()})

    @cached_property
    def entry_of_key(self) -> dict[str, str]:
        """Each key of the state -> its entry (`grouping.resolve_keys` over the state's keys)."""
        parts_of = {k: entry_key_parts(self.events[min(ids)]) for k, ids in self.by_key.items() if ids}
        resolved = resolve_keys(parts_of.values())
        return {k: key_from_parts(resolved[parts]) for k, parts in parts_of.items()}

    @cached_property
    def by_entry(self) -> dict[str, frozenset[str]]:
        """Event ids by entry."""
        out: dict[str, frozenset[str]] = {}
        for key, entry_id in self.entry_of_key.items():
            out[entry_id] = out.get(entry_id, frozenset()) | self.by_key[key]
        return out


class _Indexes:
    """What a rebuild keeps beside the state so that it stays linear in records: each article's
    event ids (a marker drops them without scanning every event) and mutable entry sets (adding
    a claim to an entry of thousands does not copy it)."""

    def __init__(self) -> None:
        self.by_article: dict[str, set[str]] = {}
        # Used in place of the state's `by_entry` (frozen sets) while the index is kept.
        self.by_entry: dict[str, set[str]] = {}


def _remove_into(events: dict[str, Event], by_entry: dict[str, frozenset[str]], old: Event, touched: set[str],
                 index: _Indexes | None = None) -> None:
    key = entry_key(old)
    events.pop(old.event_id, None)
    if index is not None:
        index.by_article.get(old.article, set()).discard(old.event_id)
        members = index.by_entry.get(key)
        if members is not None:
            members.discard(old.event_id)
            if not members:
                index.by_entry.pop(key, None)
        touched.add(key)
        return
    remaining = by_entry.get(key, frozenset()) - {old.event_id}
    if remaining:
        by_entry[key] = remaining
    else:
        by_entry.pop(key, None)
    touched.add(key)


def _article_events(events: dict[str, Event], article: str, index: _Indexes | None) -> list[Event]:
    if index is not None:
        return [events[i] for i in sorted(index.by_article.get(article, ())) if i in events]
    return [e for e in events.values() if e.article == article]


def _supersede_into(events: dict[str, Event], versions: dict[str, str], by_entry: dict[str, frozenset[str]],
                    marker: ArticleExtracted, index: _Indexes | None = None) -> set[str]:
    """An extraction marker: a newer version than the article's drops its older events,
    even when the newer extractor found nothing in the article."""
    current = versions.get(marker.article)
    if current is not None and _version_rank(marker.extractor_version) <= _version_rank(current):
        return set()
    touched: set[str] = set()
    for old in _article_events(events, marker.article, index):
        _remove_into(events, by_entry, old, touched, index)
    versions[marker.article] = marker.extractor_version
    return touched


def _apply_into(events: dict[str, Event], versions: dict[str, str], by_entry: dict[str, frozenset[str]],
                event: Event | ArticleExtracted, index: _Indexes | None = None) -> set[str]:
    """`apply` on mutable containers; returns the touched entry ids (empty: nothing changed).
    With `index` (a rebuild), entry sets are the index's mutable sets (`by_entry` is left alone)
    and each article's events are indexed."""
    if isinstance(event, ArticleExtracted):
        return _supersede_into(events, versions, by_entry, event, index)
    current = versions.get(event.article)
    if current is not None and _version_rank(event.extractor_version) < _version_rank(current):
        return set()
    newer = current is None or _version_rank(event.extractor_version) > _version_rank(current)
    held = events.get(event.event_id)
    if held is not None and not newer and (held == event or _event_rank(held) >= _event_rank(event)):
        return set()
    touched: set[str] = set()

    def remove(old: Event) -> None:
        _remove_into(events, by_entry, old, touched, index)

    if current is not None and newer:
        for old in _article_events(events, event.article, index):
            remove(old)
    if newer:  # else the article's version stays `current`
        versions[event.article] = event.extractor_version
    held = events.get(event.event_id)
    if held is None or _event_rank(event) > _event_rank(held):
        if held is not None:
            remove(held)
        key = entry_key(event)
        events[event.event_id] = event
        if index is not None:
            index.by_entry.setdefault(key, set()).add(event.event_id)
            index.by_article.setdefault(event.article, set()).add(event.event_id)
        else:
            by_entry[key] = by_entry.get(key, frozenset()) | {event.event_id}
        touched.add(key)
    return touched


def apply_changes(state: FoldState, event: Event | ArticleExtracted) -> tuple[FoldState, frozenset[str]]:
    """Fold one event in; also return the ids of the entries whose claims changed (the
    ones a projection must rebuild with `entries_of`, or delete when they have no claims
    left). A redelivered event changes nothing (the same state object, no entries)."""
    current = state.article_versions.get(event.article)
    if current is not None and _version_rank(event.extractor_version) < _version_rank(current):
        return state, frozenset()
    if isinstance(event, ArticleExtracted):
        if current is not None and _version_rank(event.extractor_version) <= _version_rank(current):
            return state, frozenset()
    elif state.events.get(event.event_id) == event:
        return state, frozenset()
    events, versions, by_key = dict(state.events), dict(state.article_versions), dict(state.by_key)
    touched = _apply_into(events, versions, by_key, event)
    if not touched and versions == state.article_versions:
        return state, frozenset()
    after = FoldState(events=events, article_versions=versions, by_key=by_key)
    # The touched keys' entries, before and after, and every entry a key moved from or to
    # (a second placed entry sends an unplaced claim back to its own: resolve_keys).
    old, new = state.entry_of_key, after.entry_of_key
    entries = {old[k] for k in touched if k in old} | {new[k] for k in touched if k in new}
    entries |= {e for k in old.keys() | new.keys() if old.get(k) != new.get(k)
                for e in (old.get(k), new.get(k)) if e is not None}
    return after, frozenset(entries)


def apply(state: FoldState, event: Event | ArticleExtracted) -> FoldState:
    """Fold one event in. A redelivered event changes nothing; an event of an older
    extractor version than the article's current one is ignored; a newer one drops the
    article's older events. An `ArticleExtracted` marker only moves the article's version
    (dropping older events)."""
    return apply_changes(state, event)[0]


def entries_of(state: FoldState, entry_ids: Iterable[str]) -> dict[str, Entry | None]:
    """The current content of some entries (None for an entry that has no claims left)."""
    out: dict[str, Entry | None] = {}
    for entry_id in sorted(set(entry_ids)):
        ids = state.by_entry.get(entry_id)
        out[entry_id] = build_entry(entry_id, [state.events[i] for i in ids]) if ids else None
    return out


def state_entries(state: FoldState) -> dict[str, Entry]:
    """Every entry of a state, in timeline order."""
    built = entries_of(state, state.by_entry)
    return {e.entry_id: e for e in timeline(e for e in built.values() if e is not None)}


def current_events(events: Iterable[Event]) -> list[Event]:
    """The events a fold keeps: per article only the newest extractor version's, one per
    event id; sorted by (published_at, event_id). Equal to the events of the state that
    `apply` folds them into, in any order."""
    held: dict[str, Event] = {}
    versions: dict[str, str] = {}
    by_entry: dict[str, frozenset[str]] = {}
    for event in events:
        _apply_into(held, versions, by_entry, event)
    return sorted(held.values(), key=lambda e: (e.published_at, e.event_id))


def fold_state(records: Iterable[Event | ArticleExtracted]) -> FoldState:
    """The state after folding every record, built in place (linear time): what a rebuild
    from the start of the log uses. Equal to applying them one by one with `apply`."""
    events: dict[str, Event] = {}
    versions: dict[str, str] = {}
    unused: dict[str, frozenset[str]] = {}
    index = _Indexes()
    for record in records:
        _apply_into(events, versions, unused, record, index)
    return FoldState(events=events, article_versions=versions,
                     by_key={k: frozenset(v) for k, v in index.by_entry.items() if v})


def fold(events: Iterable[Event]) -> dict[str, Entry]:
    """The whole timeline from a sequence of events (the reference for every projection),
    as entry_id -> Entry in timeline order."""
    groups: dict[str, list[Event]] = {}
    current = current_events(events)
    entry_of = entry_ids(current)
    for event in current:
        groups.setdefault(entry_of[event.event_id], []).append(event)
    return {e.entry_id: e for e in timeline(build_entry(key, claims) for key, claims in groups.items())}
