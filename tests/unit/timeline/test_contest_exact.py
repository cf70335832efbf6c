"""The contest check is exact and monotone (issue 14): `contest.disagreeing_pair` finds a
disagreeing pair of figures exactly when comparing every pair does; `contest.is_contested`
is the entry's contested flag; and an entry as at an as_of is contested exactly from
`contested_since` on, which a store can then index as one score."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.timeline.core import build_entry, contested_since, entry_as_of
from services.timeline.core.contest import _disagree, _Figure, disagreeing_pair, is_contested
from tests.unit.timeline.test_entry_state import tally_claims
from tests.unit.timeline.test_properties import event_lists

DAY0 = date(2024, 12, 1)


@st.composite
def figures(draw) -> list[_Figure]:
    """Figures where the answer is delicate: mostly within the tolerance of each other, a
    few sources, a few outliers, over several 45-day windows (so that the pairs that
    disagree are few and lie at the edges of days, sources and bounds)."""
    sources = draw(st.lists(st.sampled_from([("UKR",), ("RUS",), ("WEST",), ("article", "a1"), ("article", "a2")]),
                            min_size=1, max_size=3, unique=True))
    # 750 against 1000 is exactly the tolerance (no disagreement); 0 against anything is.
    common = [760.0, 800.0, 900.0, 1000.0]
    rare = [0.0, 700.0, 750.0, 1200.0, 1250.0, 1300.0, 3000.0, -50.0]
    # Days at and around CONTEMPORARY_DAYS apart, or anywhere in up to three windows.
    days = draw(st.sampled_from([st.sampled_from([0, 1, 44, 45, 46, 89, 90, 91]), st.integers(0, 10),
                                 st.integers(0, 140)]))
    points = []
    for index in range(draw(st.integers(0, 60))):
        source = draw(st.sampled_from(sources))
        mid = draw(st.sampled_from(rare)) if draw(st.integers(0, 9)) == 0 else draw(st.sampled_from(common))
        points.append(_Figure(
            kind="casualties", scope="total", expected=False,
            bound=draw(st.sampled_from([None, None, "about", "at_least", "at_most"])), text="", raw_kind="casualties",
            vague=None, keys=source, identity=source, modality="claimed",
            published_at=DAY0 + timedelta(days=draw(days)), event_id=f"ev{index}", mid=mid))
    return points


@settings(max_examples=1000, deadline=None)
@given(points=figures())
def test_disagreeing_pair_is_every_pair_compared(points):
    every_pair = any(_disagree(a, b) for i, a in enumerate(points) for b in points[i + 1:])
    assert disagreeing_pair(points) == every_pair


def test_disagreeing_pair_finds_a_pair_among_many_that_agree():
    # A running tally, each report within 25 % of the last: no pair within 45 days
    # disagrees, until one source puts its figure at a third of the others.
    base = {"kind": "casualties", "scope": "total", "expected": False, "bound": None, "text": "",
            "raw_kind": "casualties", "vague": None, "modality": "claimed"}
    tally = [_Figure(**base, keys=("UKR",), identity=("UKR",), published_at=DAY0 + timedelta(days=d),
                     event_id=f"t{d}", mid=1000.0 + 10 * d) for d in range(40)]
    assert not disagreeing_pair(tally)
    low = _Figure(**base, keys=("RUS",), identity=("RUS",), published_at=DAY0 + timedelta(days=39),
                  event_id="r", mid=400.0)
    assert disagreeing_pair([*tally, low])
    # The same figure from the tally's own source is its update, no dispute.
    own = _Figure(**{**base, "modality": "claimed"}, keys=("UKR",), identity=("UKR",),
                  published_at=DAY0 + timedelta(days=39), event_id="u", mid=400.0)
    assert not disagreeing_pair([*tally, own])


def _ingested(events):
    return [e for e in events if e.ingested_at is not None]


@settings(max_examples=200, deadline=None)
@given(events=event_lists(max_size=20))
def test_is_contested_is_the_entrys_flag(events):
    if events:
        entry = build_entry("en_x", events)
        assert is_contested(entry.claims, entry.type) == entry.contested
        assert is_contested(events) == entry.contested


@st.composite
def one_entry_claims(draw) -> list:
    """Claims of one running tally (many figures over several windows) and some of any kind."""
    claims = [draw(tally_claims(i)) for i in range(draw(st.integers(1, 40)))]
    return claims + draw(event_lists(max_size=6))


@settings(max_examples=150, deadline=None)
@given(events=one_entry_claims())
def test_contested_from_one_ingestion_on(events):
    entry = build_entry("en_x", events)
    since = contested_since(entry)
    moments = sorted({c.ingested_at for c in entry.claims if c.ingested_at is not None})
    for moment in [datetime(2000, 1, 1, tzinfo=UTC), *moments]:
        shown = entry_as_of(entry, moment)
        contested = shown is not None and shown.contested
        assert contested == (since is not None and since <= moment), (moment, since)


def _figure(source: str, day: int, mid: float, bound: str | None = None, event_id: str = "") -> _Figure:
    return _Figure(kind="casualties", scope="total", expected=False, bound=bound, text="", raw_kind="casualties",
                   vague=None, keys=(source,), identity=(source,), modality="claimed",
                   published_at=DAY0 + timedelta(days=day), event_id=event_id or f"{source}{day}{mid}", mid=mid)


def test_the_edges_of_a_disagreement():
    cases = [
        ((_figure("RUS", 0, 100.0), _figure("WEST", 45, 1000.0)), True),   # 45 days apart: contemporary
        ((_figure("RUS", 0, 100.0), _figure("WEST", 46, 1000.0)), False),  # 46 days: a season apart
        ((_figure("RUS", 46, 100.0), _figure("WEST", 0, 1000.0)), False),
        ((_figure("RUS", 45, 100.0), _figure("WEST", 0, 1000.0)), True),
        ((_figure("RUS", 0, 100.0, "at_least"), _figure("WEST", 1, 1000.0)), False),  # 'at least 100' holds
        ((_figure("RUS", 0, 100.0), _figure("WEST", 1, 1000.0, "at_most")), False),   # 'at most 1000' holds
        ((_figure("RUS", 0, 100.0, "at_most"), _figure("WEST", 1, 1000.0, "at_least")), True),
        # Bounds that only a smaller ('at most') or a larger ('at least') figure can have.
        ((_figure("RUS", 0, 100.0, "at_most"), _figure("WEST", 45, 1000.0, "at_least")), True),
        ((_figure("RUS", 45, 100.0, "at_most"), _figure("WEST", 0, 1000.0, "at_least")), True),
        ((_figure("RUS", 0, 100.0, "at_most"), _figure("WEST", 46, 1000.0, "at_least")), False),
        ((_figure("RUS", 0, 750.0), _figure("WEST", 1, 1000.0)), False),   # exactly the tolerance
        ((_figure("RUS", 0, 749.0), _figure("WEST", 1, 1000.0)), True),
    ]
    far = [_figure("UKR", 200, 5.0 + i, event_id=f"g{i}") for i in range(2)]  # out of every window
    for pair, expected in cases:
        every_pair = any(_disagree(a, b) for a in pair for b in pair if a is not b)
        assert every_pair == expected, pair
        # Seventeen copies of the first figure (more than the pairwise regime's sixteen).
        copies = [replace(pair[0], event_id=f"c{i}") for i in range(17)]
        assert disagreeing_pair([*copies, *pair, *far]) == expected, pair
