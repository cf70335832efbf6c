"""Properties of the fold: order independence, idempotence, set semantics of build_entry."""
from __future__ import annotations

from datetime import UTC, date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.events import parse_event
from services.timeline.core import (
    FoldState,
    apply,
    apply_changes,
    build_entry,
    entry_key,
    entry_key_parts,
    filter_entries,
    fold,
    state_entries,
    timeline,
)
from services.timeline.core.fold import reference_entry
from services.timeline.core.grouping import JOINS_PLACED, entry_ids, key_from_parts, resolve_keys

ARTICLES = ["a1", "a2", "a3", "a4"]
VERSIONS = ["0.9.0", "0.10.0", "1.0.0-rc1", "1.0.0"]
PARTIES = ["RUS", "UKR", "PRK", "USA", "WEST", None]
PLACES = ["Kursk", "Sudzha", "Russia", "Odesa", "the Kursk region", "southern Russia"]
KINDS = ["troops", "casualties", "killed_or_wounded", "killed", "area_sq_mi", "area_km2"]
TYPES = ["troops_deployed", "casualties_claimed", "territory_claimed", "strike", "diplomacy", "military_aid",
         "offensive_launched"]
BASE = date(2024, 10, 20)


@st.composite
def event_data(draw, index: int):
    type_ = draw(st.sampled_from(TYPES))
    article = draw(st.sampled_from(ARTICLES))
    version = draw(st.sampled_from(VERSIONS))
    published = BASE + timedelta(days=draw(st.integers(0, 150)))
    if draw(st.booleans()):
        time = {"start": published.isoformat(), "end": published.isoformat(), "granularity": "day",
                "from_article_date": True}
    else:
        start = published - timedelta(days=draw(st.integers(0, 120)))
        granularity, length = draw(st.sampled_from([("day", 0), ("week", 6), ("month", 30), ("season", 91),
                                                    ("year", 365)]))
        time = {"start": start.isoformat(), "end": (start + timedelta(days=length)).isoformat(),
                "granularity": granularity, "fuzzy": draw(st.booleans())}
    quantities = []
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(KINDS))
        if draw(st.booleans()):
            quantities.append({"kind": kind, "value": draw(st.sampled_from([0, 13, 1000, 3000, 11000, 12000]))})
        elif draw(st.booleans()):
            quantities.append({"kind": kind, "low": 10000, "high": 12000, "approx": True})
        else:
            quantities.append({"kind": kind, "vague": "thousands"})
    claimants = [{"party": p, "name": p or "various reports"}
                 for p in draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True))]
    data = {
        "type": type_, "event_id": f"ev_{article}_{version}_{index}", "extractor_version": version,
        "article": article, "published_at": published.isoformat(),
        "ingested_at": f"{published.isoformat()}T{draw(st.integers(0, 23)):02d}:00:00+00:00",
        "actor": draw(st.sampled_from(PARTIES)),
        "partners": draw(st.lists(st.sampled_from([p for p in PARTIES if p]), max_size=2, unique=True)),
        "against": draw(st.sampled_from(PARTIES)),
        "locations": [{"name": n} for n in draw(st.lists(st.sampled_from(PLACES), max_size=2, unique=True))],
        "quantities": quantities, "time": time, "claimants": claimants,
        "modality": draw(st.sampled_from(["asserted", "claimed", "estimated", "expected", "denied"])),
        "evidence": [{"sentence": f"Sentence {index} about {type_}.", "start": 0, "end": 20}],
    }
    if type_ == "troops_deployed":
        data["movement"] = draw(st.sampled_from(["deployed", "massed", "redeployed", "withdrawn"]))
    if type_ == "territory_claimed":
        data["change"] = draw(st.sampled_from(["captured", "regained", "controls", "lost"]))
    if type_ == "military_aid":
        data["recipient"] = draw(st.sampled_from(PARTIES))
    return parse_event(data)


@st.composite
def event_lists(draw, max_size: int = 14):
    n = draw(st.integers(0, max_size))
    return [draw(event_data(i)) for i in range(n)]


def dump(entries):
    return [(k, e.model_dump(mode="json")) for k, e in entries.items()]


@settings(max_examples=150, deadline=None)
@given(events=event_lists(), data=st.data())
def test_any_permutation_gives_the_same_timeline(events, data):
    shuffled = data.draw(st.permutations(events))
    assert dump(fold(shuffled)) == dump(fold(events))


@settings(max_examples=100, deadline=None)
@given(events=event_lists(), data=st.data())
def test_duplicated_events_change_nothing(events, data):
    extra = data.draw(st.lists(st.sampled_from(events), max_size=10)) if events else []
    mixed = data.draw(st.permutations(events + extra))
    assert dump(fold(mixed)) == dump(fold(events))


@settings(max_examples=100, deadline=None)
@given(events=event_lists(), data=st.data())
def test_incremental_apply_equals_the_reference_fold(events, data):
    state = FoldState()
    touched_all: set[str] = set()
    for event in data.draw(st.permutations(events)):
        state, touched = apply_changes(state, event)
        touched_all |= touched
    assert dump(state_entries(state)) == dump(fold(events))
    assert set(fold(events)) <= touched_all
    # and redelivering everything afterwards changes nothing
    for event in events:
        assert apply(state, event) is state


@settings(max_examples=100, deadline=None)
@given(events=event_lists(), data=st.data())
def test_build_entry_ignores_claim_order_and_repeats(events, data):
    if not events:
        return
    claims = data.draw(st.lists(st.sampled_from(events), min_size=1, max_size=8))
    again = data.draw(st.permutations(claims + claims[:2]))
    assert build_entry("en_x", claims) == build_entry("en_x", again)


@settings(max_examples=100, deadline=None)
@given(events=event_lists(), data=st.data())
def test_build_entry_equals_its_reference_definition(events, data):
    # build_entry reads each claim once (EntryState); reference_entry is the definition
    if not events:
        return
    claims = data.draw(st.lists(st.sampled_from(events), min_size=1, max_size=12))
    entry_id = data.draw(st.sampled_from(["en_x", *sorted({entry_key(e) for e in claims})]))
    got, want = build_entry(entry_id, claims), reference_entry(entry_id, claims)
    assert got.model_dump(mode="json") == want.model_dump(mode="json")
    assert got == want


@settings(max_examples=100, deadline=None)
@given(events=event_lists())
def test_entries_hold_their_keys_and_sort_by_time(events):
    entries = fold(events)
    for entry_id, entry in entries.items():
        # an entry is named by the key of some claim of it; a claim keyed otherwise is an
        # unplaced claim that joined its one placed entry (grouping.resolve_keys)
        parts = {entry_key_parts(c.to_event()) for c in entry.claims}
        assert entry_id in {key_from_parts(p) for p in parts}
        for p in parts:
            assert key_from_parts(p) == entry_id or (p[2] == "-" and p[0] in JOINS_PLACED)
        assert [(c.published_at, c.event_id) for c in entry.claims] == sorted((c.published_at, c.event_id)
                                                                               for c in entry.claims)
        assert entry.time_known == (not entry.report_date_only)
        assert entry.contested == bool(entry.contested_reasons)
    ordered = timeline(entries)
    assert list(entries) == [e.entry_id for e in ordered]
    spans = [(e.time.start, min((e.time.end - e.time.start).days, 1023)) for e in ordered]
    assert spans == sorted(spans)
    assert all(e.sort_score == e.sort_score and abs(e.sort_score) < 2 ** 53 for e in ordered)


@settings(max_examples=60, deadline=None)
@given(events=event_lists(), day_offset=st.integers(0, 150), hour=st.integers(0, 23))
def test_as_of_equals_folding_what_was_ingested_by_then(events, day_offset, hour):
    from datetime import datetime

    as_of = datetime.combine(BASE + timedelta(days=day_offset), datetime.min.time(), UTC).replace(hour=hour)
    full = fold(events)
    # the current events (after supersession) that were ingested by as_of
    current = [c.to_event() for e in full.values() for c in e.claims]
    # as_of shows today's entries with the claims known by then: an unplaced claim that has
    # joined its placed entry since (grouping.resolve_keys) is shown in it, even before the
    # placed claim was ingested, so the entries are those of the full set
    entry_of = entry_ids(current)
    known: dict[str, list] = {}
    for event in current:
        if event.ingested_at <= as_of:
            known.setdefault(entry_of[event.event_id], []).append(event)
    expected = {e.entry_id: e for e in timeline(build_entry(k, claims) for k, claims in known.items())}
    got = {e.entry_id: e for e in filter_entries(full, as_of=as_of)}
    assert dump(got) == dump(expected)
    # and without unplaced claims that joined, that is folding what was ingested by then
    if all(entry_key_parts(e) == resolve_keys([entry_key_parts(x) for x in current])[entry_key_parts(e)]
           for e in current):
        assert dump(got) == dump(fold(e for e in current if e.ingested_at <= as_of))


@settings(max_examples=150, deadline=None)
@given(events=event_lists(), data=st.data())
def test_an_unplaced_claim_joins_its_one_placed_entry(events, data):
    entries = fold(data.draw(st.permutations(events)))
    entry_of = {c.event_id: e.entry_id for e in entries.values() for c in e.claims}
    current = [c.to_event() for e in entries.values() for c in e.claims]
    parts_of = {e.event_id: entry_key_parts(e) for e in current}
    for event_id, parts in parts_of.items():
        base = (parts[0], parts[1], parts[3], parts[4])
        placed = {p for p in parts_of.values() if (p[0], p[1], p[3], p[4]) == base and p[2] not in ("-", "*")}
        if parts[2] == "-" and parts[0] in JOINS_PLACED and len(placed) == 1:
            assert entry_of[event_id] == key_from_parts(next(iter(placed)))
        else:  # a placed claim, a settlement-level type, or no single placed entry: its own key
            assert entry_of[event_id] == key_from_parts(parts)
