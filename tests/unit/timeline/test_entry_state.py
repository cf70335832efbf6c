"""The incremental entry state equals the full rebuild (`reference_entry`, the pass-by-pass
definition) after any sequence of adds, removes, re-published copies and re-extractions,
whether it was built claim by claim or in bulk from many claims (issue 14)."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from schemas.events import Event, parse_event
from services.timeline.core import build_entry, entry_key
from services.timeline.core.entry_state import EntryState, ModeTally, SortedTally
from services.timeline.core.fold import _event_rank, _mode, reference_entry
from tests.unit.timeline.test_properties import ARTICLES, PARTIES, event_data

# A running tally: casualty figures of one party in one season, so that one figure group
# holds more than 16 figures over several 45-day windows (the contest check's two regimes).
SEASON = date(2024, 12, 1)


@st.composite
def tally_claims(draw, index: int) -> Event:
    published = SEASON + timedelta(days=draw(st.integers(0, 89)))
    quantities = []
    for _ in range(draw(st.integers(1, 3))):
        quantity: dict[str, object] = {"kind": draw(st.sampled_from(["casualties", "killed_or_wounded", "killed"]))}
        shape = draw(st.sampled_from(["value", "range", "vague"]))
        if shape == "value":
            quantity["value"] = draw(st.sampled_from([800, 1000, 1100, 1500, 3000, 3200, 5000]))
        elif shape == "range":
            low = draw(st.sampled_from([900, 2000, 4000]))
            quantity.update(low=low, high=low + draw(st.sampled_from([100, 1000])))
        else:
            quantity["vague"] = draw(st.sampled_from(["thousands", "hundreds"]))
        quantity["bound"] = draw(st.sampled_from([None, None, "at_least", "at_most"]))
        quantity["approx"] = draw(st.booleans())
        quantity["scope"] = draw(st.sampled_from([None, None, "cumulative", "increment"]))
        quantities.append(quantity)
    claimants = [{"party": p, "name": p or "officials"}
                 for p in draw(st.lists(st.sampled_from(PARTIES), max_size=2, unique=True))]
    article = draw(st.sampled_from(ARTICLES))
    return parse_event({
        "type": "casualties_claimed", "event_id": f"ev_tally_{article}_{index}", "extractor_version": "0.9.0",
        "article": article, "published_at": published.isoformat(),
        "ingested_at": f"{published.isoformat()}T{draw(st.integers(0, 23)):02d}:00:00+00:00",
        "actor": draw(st.sampled_from(["PRK", "PRK", "RUS"])),
        "locations": [{"name": n} for n in draw(st.lists(st.sampled_from(["Kursk", "Russia"]), max_size=1))],
        "quantities": quantities,
        "time": {"start": published.isoformat(), "end": published.isoformat(), "granularity": "day",
                 "from_article_date": True},
        "claimants": claimants,
        "modality": draw(st.sampled_from(["claimed", "estimated", "asserted", "expected", "denied"])),
        "evidence": [{"sentence": f"Tally {index}.", "start": 0, "end": 8}],
    })


class EntryStateMachine(RuleBasedStateMachine):
    """The state under test beside the reference: the claims by id (the copy `reference_entry`
    keeps), from which the entry is rebuilt in full after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.claims: dict[str, Event] = {}
        self.count = 0
        self.entry_id = "en_none"
        self.state = EntryState(self.entry_id)

    def _next(self) -> int:
        self.count += 1
        return self.count

    def _add(self, event: Event) -> None:
        self.state.add(event)
        held = self.claims.get(event.event_id)
        if held is None or _event_rank(event) > _event_rank(held):
            self.claims[event.event_id] = event

    @initialize(data=st.data(), tally=st.booleans())
    def first_claim(self, data: st.DataObject, tally: bool) -> None:
        # The entry is named by its first claim's key, so that claims keyed alike are its own
        # (build_entry names the entry by them) and the others joined it.
        first = data.draw(tally_claims(0) if tally else event_data(0))
        self.entry_id = entry_key(first)
        self.state = EntryState(self.entry_id)
        self._add(first)

    @rule(data=st.data())
    def add_any_claim(self, data: st.DataObject) -> None:
        self._add(data.draw(event_data(self._next())))

    @rule(data=st.data())
    def add_tally_claims(self, data: st.DataObject) -> None:
        for _ in range(data.draw(st.integers(1, 6))):
            self._add(data.draw(tally_claims(self._next())))

    @precondition(lambda self: self.claims)
    @rule(data=st.data())
    def remove_a_claim(self, data: st.DataObject) -> None:
        event_id = data.draw(st.sampled_from(sorted(self.claims)))
        self.state.remove(event_id)
        del self.claims[event_id]

    @precondition(lambda self: self.claims)
    @rule(data=st.data(), hour=st.integers(0, 23))
    def republish_a_claim(self, data: st.DataObject, hour: int) -> None:
        # A re-published article: the same event with another ingestion time; the earlier wins.
        held = self.claims[data.draw(st.sampled_from(sorted(self.claims)))]
        ingested = held.ingested_at.replace(hour=hour) if held.ingested_at else None
        self._add(held.model_copy(update={"ingested_at": ingested}))

    @precondition(lambda self: self.claims)
    @rule(data=st.data())
    def reextract_an_article(self, data: st.DataObject) -> None:
        # A newer extractor version replaces every claim of the article with what it finds.
        article = data.draw(st.sampled_from(sorted({e.article for e in self.claims.values()})))
        for event_id in [i for i, e in self.claims.items() if e.article == article]:
            self.state.remove(event_id)
            del self.claims[event_id]
        for _ in range(data.draw(st.integers(0, 3))):
            new = data.draw(st.one_of(tally_claims(self._next()), event_data(self._next())))
            self._add(new.model_copy(update={"article": article, "extractor_version": "1.0.0",
                                             "event_id": f"{new.event_id}_v1"}))

    @precondition(lambda self: self.claims)
    @rule(data=st.data())
    def rebuild_in_bulk_then_change(self, data: st.DataObject) -> None:
        # A state built from many claims at once (a rebuild, `build_entry`), given repeats and
        # worse copies too, then changed before anything reads it: its lazily sorted parts
        # must take changes both before and after their first read.
        held = list(self.claims.values())
        worse = [e.model_copy(update={"ingested_at": e.ingested_at.replace(year=e.ingested_at.year + 1)})
                 for e in held if e.ingested_at]
        self.state = EntryState(self.entry_id, data.draw(st.permutations(held + held[:2] + worse)))
        if data.draw(st.booleans()):
            self.remove_a_claim(data)
        if data.draw(st.booleans()):
            self._add(data.draw(tally_claims(self._next())))

    @invariant()
    def equals_the_full_rebuild(self) -> None:
        assert len(self.state) == len(self.claims)
        assert self.state.event_ids == frozenset(self.claims)
        if not self.claims:
            return
        claims = list(self.claims.values())
        got, want = self.state.entry(), reference_entry(self.entry_id, claims)
        assert got.model_dump(mode="json") == want.model_dump(mode="json")
        assert got == want
        assert build_entry(self.entry_id, claims) == want


EntryStateMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestEntryState = EntryStateMachine.TestCase


def test_a_mode_tally_picks_the_mode_fold_picks():
    # Given values with ties and a None
    values = ["b", "a", None, "b", "a", None, "c"]
    tally: ModeTally[str | None] = ModeTally()
    for value in values:
        tally.add(value)
    # Then its mode is fold._mode's (None last among equals), and stays so as values leave
    assert tally.mode() == _mode(values) == "a"
    assert tally.mode(exclude="a") == _mode(v for v in values if v != "a") == "b"
    tally.discard("a")
    assert tally.mode() == _mode(["b", None, "b", "a", None, "c"]) == "b"
    tally.discard("b")
    tally.discard("b")
    assert tally.mode() == _mode([None, "a", None, "c"]) is None


def test_a_large_entry_is_built_in_one_read_of_its_claims_and_equals_the_reference():
    # Given a running tally of more claims than build_entry builds by passes
    from bench.entry_update import tally_claim
    from services.timeline.core.fold import STATE_MIN_CLAIMS

    claims = [tally_claim(i) for i in range(STATE_MIN_CLAIMS + 50)]
    entry_id = entry_key(claims[0])
    # When it is built (an EntryState), Then it is the reference's entry
    got, want = build_entry(entry_id, claims[::-1] + claims[:3]), reference_entry(entry_id, claims)
    assert got.model_dump(mode="json") == want.model_dump(mode="json")
    assert got == want


def test_tallies_loaded_in_bulk_equal_tallies_added_one_by_one():
    # Given the same values counted in bulk and one at a time
    values = ["b", "a", None, "b", "a", None, "c"]
    loaded: ModeTally[str | None] = ModeTally()
    loaded.load(values)
    added: ModeTally[str | None] = ModeTally()
    for value in values:
        added.add(value)
    # Then they agree, and keep agreeing as values come and go
    assert loaded.counts == added.counts and loaded.mode() == added.mode() == _mode(values)
    for tally in (loaded, added):
        tally.discard("a")
        tally.add("c")
        tally.add("c")
    assert loaded.mode() == added.mode() == "c"
    dates: SortedTally[str] = SortedTally()
    dates.load(["2024-12-03", "2024-12-01", "2024-12-03"])
    dates.add("2024-11-30")  # before the first read: sorted in with the loaded ones
    assert (dates.min(), dates.max(), dates.values()) == ("2024-11-30", "2024-12-03",
                                                          ("2024-11-30", "2024-12-01", "2024-12-03"))
    dates.discard("2024-12-03")
    dates.discard("2024-12-03")
    assert dates.values() == ("2024-11-30", "2024-12-01")


def test_an_empty_state_has_no_entry():
    state = EntryState("en_x")
    try:
        state.entry()
    except ValueError:
        return
    raise AssertionError("an entry needs at least one claim")
