"""A rebuild's fold over documents (`CompactFold`) keeps what `fold_state` keeps, record by
record: the same events (the same copy of each id), keys, entries and article versions,
whatever the mix of events, re-published copies, re-extractions and markers (issue 14)."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.events import Event, dump_event
from schemas.extraction import ArticleExtracted
from services.timeline.core.compact import CompactFold
from services.timeline.core.fold import fold_state
from services.timeline.core.grouping import base_key
from tests.unit.timeline.test_properties import VERSIONS, event_lists


@st.composite
def logs(draw) -> list[Event | ArticleExtracted]:
    events = draw(event_lists(max_size=16))
    records: list[Event | ArticleExtracted] = list(events)
    for event in draw(st.lists(st.sampled_from(events), max_size=4)) if events else []:
        # the same event re-published: another ingestion time (the earlier copy wins) or the same
        hour = draw(st.integers(0, 23))
        records.append(event.model_copy(update={"ingested_at": event.ingested_at.replace(hour=hour)}))
    for article in draw(st.lists(st.sampled_from(sorted({e.article for e in events}) or ["a1"]), max_size=3)):
        records.append(ArticleExtracted(article=article, extractor_version=draw(st.sampled_from(VERSIONS)),
                                        published_at=events[0].published_at if events else "2024-10-20"))
    return draw(st.permutations(records))


@settings(max_examples=200, deadline=None)
@given(records=logs())
def test_the_compact_fold_keeps_what_fold_state_keeps(records):
    # Given a log folded both ways
    state = fold_state(records)
    compact = CompactFold()
    for record in records:
        compact.apply(record, None if isinstance(record, ArticleExtracted) else dump_event(record))
    # Then they hold the same copies of the same events (as documents), by the same keys and entries
    assert set(compact.held) == set(state.events)
    assert compact.events(sorted(compact.held)) == state.events
    assert compact.by_key() == state.by_key
    assert compact.by_entry() == state.by_entry
    assert compact.article_versions == state.article_versions
    assert {i: compact.base_key(i) for i in compact.held} == {i: base_key(e) for i, e in state.events.items()}


def test_a_rebuild_writes_its_entries_in_runs_bounded_by_claims():
    from services.timeline.projection import CLAIMS_PER_COMMIT, _commit_chunks

    # Given entries of many claims, a big one among them
    sizes = {"en_a": 3, "en_b": CLAIMS_PER_COMMIT - 2, "en_c": 1, "en_d": 2 * CLAIMS_PER_COMMIT, "en_e": 4}
    by_entry = {e: frozenset(f"{e}_{i}" for i in range(n)) for e, n in sizes.items()}
    # When they are cut into commits of at most 2 entries
    chunks = list(_commit_chunks(sorted(by_entry), by_entry, 2))
    # Then every entry is written once, in order, and a run exceeds the claim bound only as a
    # lone entry larger than it
    assert [e for chunk in chunks for e in chunk] == sorted(by_entry)
    assert chunks == [["en_a"], ["en_b", "en_c"], ["en_d"], ["en_e"]]
    for chunk in chunks:
        assert len(chunk) <= 2
        assert sum(sizes[e] for e in chunk) <= CLAIMS_PER_COMMIT or len(chunk) == 1
