"""The reference query: which entries a timeline request returns. The Redis projection
and the API are tested against it.

Semantics (all filters combine with AND; None means "no filter"):
* as_of (datetime): the timeline as it was known then: only claims with
  `ingested_at <= as_of` (claims without `ingested_at` are left out), each entry rebuilt
  with `build_entry` from its remaining claims (its figures, contested flag and time can
  change), entries with none left dropped. Applied first; the other filters see the
  rebuilt entries. A naive as_of is compared with naive ingested_at as is; against aware
  ones it is taken as UTC.
* type: the entry type, exactly.
* actor: a party acting in the entry: its actor or one of its partners (party code,
  case-insensitive); `party` matches any role (actor, partners, against, recipient).
* location: a place name equal (case-insensitive) to one of the entry's location names,
  or naming its normalized place, region or country (`places.place_tokens`: 'kursk' finds
  Sudzha and 'the Kursk region', 'russia' finds Kursk). A projection indexes each
  location under `location.name.lower()` and every `place_tokens(location)`.
* claimant: a party code, a party-less claimant's name, or 'article' (the article asserts
  it), case-insensitive, behind at least one claim.
* contested: the entry's contested flag.
* start / end (dates): the entry's time interval overlaps [start, end].
* q: a case-insensitive substring of at least one claim's evidence sentence.
Result: entries in timeline order (sort_score, entry_id).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from services.timeline.core.contest import claimant_keys, is_contested
from services.timeline.core.fold import build_entry, timeline
from services.timeline.core.model import ClaimView, Entry
from services.timeline.core.places import place_matches


def _comparable(moment: datetime, like: datetime) -> datetime:
    if (moment.tzinfo is None) == (like.tzinfo is None):
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(tzinfo=None)


def _known(entry: Entry, as_of: datetime) -> list[ClaimView]:
    return [c for c in entry.claims if c.ingested_at is not None and c.ingested_at <= _comparable(as_of, c.ingested_at)]


def claims_known_at(entry: Entry, as_of: datetime) -> int:
    """How many of the entry's claims were known at `as_of`. They are always its first ones
    in ingestion order, so an entry and this count determine `entry_as_of(entry, as_of)`."""
    return len(_known(entry, as_of))


def entry_as_of(entry: Entry, as_of: datetime) -> Entry | None:
    """The entry as it was known at `as_of` (None when none of its claims was known)."""
    kept = _known(entry, as_of)
    if not kept:
        return None
    if len(kept) == len(entry.claims):
        return entry
    events = [c.to_event(entry.type) for c in kept]
    return build_entry(entry.entry_id, events)


def contested_since(entry: Entry) -> datetime | None:
    """The earliest as_of at which `entry_as_of(entry, as_of)` is contested (it is from then
    on: `contest.is_contested` never turns off as claims are added), or None when it never
    is. The claims known at an as_of are the first ones in ingestion order, so the answer is
    one of their ingestion times, found by galloping then bisecting over them: O(k log k)
    for a contest that shows at the k-th ingestion, not a rebuild per ingestion."""
    if not entry.contested:
        return None
    known = sorted((c for c in entry.claims if c.ingested_at is not None), key=lambda c: _utc(c.ingested_at))
    if not known:
        return None
    # The claims known at the j-th distinct ingestion time are known[:ends[j]].
    ends = [k + 1 for k in range(len(known))
            if k + 1 == len(known) or _utc(known[k + 1].ingested_at) != _utc(known[k].ingested_at)]

    def contested_at(j: int) -> bool:
        return is_contested(known[:ends[j]], entry.type)

    low, high = -1, 0  # not contested at `low` (or before the first), contested at `high`?
    while not contested_at(high):
        if high == len(ends) - 1:
            return None  # contested only by claims without an ingestion time, never shown
        low, high = high, min(2 * high + 1, len(ends) - 1)
    while high - low > 1:
        middle = (low + high) // 2
        if contested_at(middle):
            high = middle
        else:
            low = middle
    return known[ends[high] - 1].ingested_at


def _utc(moment: datetime | None) -> datetime:
    """A claim's ingestion time comparable with any other (a naive one is UTC, as `_known`
    compares them)."""
    assert moment is not None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def filter_entries(entries: Mapping[str, Entry] | Iterable[Entry], *, type: str | None = None,
                   actor: str | None = None, location: str | None = None, claimant: str | None = None,
                   contested: bool | None = None, start: date | None = None, end: date | None = None,
                   as_of: datetime | None = None, q: str | None = None, party: str | None = None) -> list[Entry]:
    """See the module docstring."""
    values = list(entries.values()) if isinstance(entries, Mapping) else list(entries)
    if as_of is not None:
        values = [e for e in (entry_as_of(entry, as_of) for entry in values) if e is not None]
    out = []
    actor_u = actor.upper() if actor else None
    party_u = party.upper() if party else None
    claimant_l = claimant.lower() if claimant else None
    needle = q.lower() if q else None
    for entry in values:
        if type is not None and entry.type != type:
            continue
        if actor_u is not None and actor_u not in {p.upper() for p in (entry.actor, *entry.partners) if p}:
            continue
        if party_u is not None and party_u not in {p.upper() for p in (entry.actor, *entry.partners, entry.against,
                                                                        entry.recipient) if p}:
            continue
        if location is not None and not any(
                loc.name.strip().lower() == location.strip().lower() or place_matches(location, loc)
                for loc in entry.locations):
            continue
        if claimant_l is not None and claimant_l not in {k.lower() for c in entry.claims for k in claimant_keys(c)}:
            continue
        if contested is not None and entry.contested != contested:
            continue
        if start is not None and entry.time.end < start:
            continue
        if end is not None and entry.time.start > end:
            continue
        if needle is not None and not any(needle in ev.sentence.lower() for c in entry.claims for ev in c.evidence):
            continue
        out.append(entry)
    return timeline(out)
