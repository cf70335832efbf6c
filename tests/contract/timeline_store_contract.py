"""The contract every `TimelineStore` adapter passes (in-process here, Redis in integration).

Subclasses provide an async `open_store()` returning a fresh, empty store. The same
batches folded by the projector must give the same answers from every adapter."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from services.timeline.core import fold
from services.timeline.core.query import filter_entries
from services.timeline.projection import plan
from services.timeline.query import LIST_CLAIMS, list_view
from services.timeline.store import TimelineQuery
from tests.support.events import make_event

TOPIC = "t.events"


def scenario():
    t1 = datetime(2025, 1, 1, tzinfo=UTC)
    t2 = datetime(2025, 2, 1, tzinfo=UTC)
    return [
        make_event("a1", "casualties_claimed", actor="PRK", claimant="UKR", quantity=("casualties", 3000),
                   when=date(2025, 1, 6), ingested=t1, sentence="Ukraine says 3,000 North Korean soldiers were hit."),
        make_event("a2", "casualties_claimed", actor="PRK", claimant="WEST", quantity=("casualties", 1000),
                   when=date(2025, 1, 6), ingested=t2, sentence="Western estimates say about 1,000.", modality="estimated"),
        make_event("a1", "territory_claimed", actor="RUS", claimant="RUS", location="Kursk", change="controls",
                   when=date(2025, 3, 12), ingested=t1, sentence="Russia says it controls all of Kursk."),
        make_event("a3", "strike", actor="UKR", location="Belaya", when=date(2024, 12, 30), ingested=t2,
                   sentence="Ukraine struck a command post near Belaya."),
        make_event("a3", "troops_deployed", actor="PRK", partners=("RUS",), location="Kursk", movement="deployed",
                   when=date(2024, 11, 4), ingested=t2, sentence="North Korean troops were deployed to Kursk."),
    ]


def search_scenario():
    """Entries whose claims were ingested at different times (aware, naive, unknown) and whose
    evidence has words at every position a needle can cut them: for the text and as_of
    indexes (issue 14)."""
    t = [datetime(2025, 1, d, 12, tzinfo=UTC) for d in (1, 5, 9, 13)]
    naive = datetime(2025, 1, 7, 12)  # read as UTC (alone in its entry: the core compares an entry's times)
    return [
        *scenario(),
        make_event("b1", "strike", actor="RUS", location="Sudzha", when=date(2025, 2, 2), ingested=t[0],
                   sentence="Russian drones hit Sudzha's water-pumping station overnight."),
        make_event("b2", "strike", actor="RUS", location="Sudzha", when=date(2025, 2, 2), ingested=t[2],
                   sentence="Officials in Kyiv denied that the Sudzha station was hit.", claimant="UKR",
                   modality="denied"),
        make_event("b3", "casualties_claimed", actor="PRK", claimant="UKR", quantity=("casualties", 4000),
                   when=date(2025, 1, 6), ingested=t[3], sentence="Ukraine now says 4,000 North Koreans fell."),
        make_event("b4", "casualties_claimed", actor="PRK", claimant="RUS", quantity=("casualties", 100),
                   when=date(2025, 1, 6), ingested=t[1].replace(day=7), sentence="Moscow: ÉTAT-MAJOR SAYS ONLY 100 CASUALTIES."),
        make_event("b5", "troops_deployed", actor="PRK", partners=("RUS",), location="Kursk", movement="deployed",
                   when=date(2024, 11, 4), sentence="Pyongyang's troops (KPA) arrived by rail."),
        make_event("b6", "diplomacy", actor="USA", when=date(2025, 3, 1), ingested=naive,
                   sentence="Talks in Riyadh \u212aelvin-style: a 30-day truce was floated."),
    ]


SEARCH_NEEDLES = ["kursk", "KURSK", "urs", "ursk", "kurs", "command post", "a command", "d a c", "sudzha's",
                  "zha's wat", "water-pump", "pumping", "-", "ar", "4,000", ",000 north", "état", "ÉTAT-MA",
                  "major says", "only 100 c", "(kpa)", "kpa) arr", "kelvin", "\u212aelvin", "riyadh k",
                  "30-day", "nothing like this", "xyz", "ukraine", "ine s", "  ", "s.", "hit", "hit.",
                  "was hit", "ed th"]
SEARCH_TIMES = [None, datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, 12, tzinfo=UTC),
                datetime(2025, 1, 3), datetime(2025, 1, 5, 12, tzinfo=UTC), datetime(2025, 1, 7, 12, tzinfo=UTC),
                datetime(2025, 1, 7, 14, tzinfo=timezone(timedelta(hours=2))), datetime(2025, 1, 10, tzinfo=UTC),
                datetime(2026, 1, 1, tzinfo=UTC)]
SEARCH_FILTERS: list[dict] = [{}, {"type": "strike"}, {"actor": "PRK"}, {"claimant": "ukr"}, {"contested": True},
                              {"contested": False}, {"location": "kursk"}, {"location": "Kursk Oblast"},
                              {"start": date(2025, 1, 1), "end": date(2025, 2, 28)}, {"end": date(2024, 12, 31)},
                              {"type": "casualties_claimed", "claimant": "rus"}]




class TimelineStoreContract:
    async def open_store(self):  # pragma: no cover - provided by subclasses
        raise NotImplementedError

    @pytest.fixture
    async def store(self):
        store = await self.open_store()
        yield store
        await store.close()

    async def fold_in(self, store, events, positions=None):
        changes = await plan(store, events)
        changes.positions = {TOPIC: positions or {}}
        await store.commit(changes)

    async def test_empty_store(self, store):
        assert await store.positions(TOPIC) == {}
        assert (await store.page(TimelineQuery())).entries == []
        assert await store.counts() == {"events": 0, "entries": 0, "contested": 0}

    async def test_positions_are_committed_with_the_state(self, store):
        await self.fold_in(store, scenario()[:2], {0: 2, 1: 5})
        assert await store.positions(TOPIC) == {0: 2, 1: 5}
        assert (await store.counts())["events"] == 2

    async def test_projection_equals_the_reference_fold(self, store):
        events = scenario()
        await self.fold_in(store, events[:2])
        await self.fold_in(store, events[2:])
        page = await store.page(TimelineQuery(limit=100))
        assert {e.entry_id: e for e in page.entries} == fold(events)
        assert [e.sort_score for e in page.entries] == sorted(e.sort_score for e in page.entries)

    async def test_redelivered_batch_changes_nothing(self, store):
        events = scenario()
        await self.fold_in(store, events)
        before = (await store.page(TimelineQuery(limit=100))).entries
        await self.fold_in(store, events)
        assert (await store.page(TimelineQuery(limit=100))).entries == before
        assert (await store.counts())["events"] == len(events)

    @pytest.mark.parametrize("filters", [
        {"type": "strike"}, {"actor": "PRK"}, {"actor": "RUS"}, {"location": "kursk"}, {"location": "Belaya"},
        {"location": "russia"}, {"claimant": "WEST"}, {"claimant": "ukr"}, {"q": "command post"},
        {"q": "struck a command"}, {"q": "Kursk"}, {"contested": True}, {"contested": False},
        {"start": date(2025, 1, 1), "end": date(2025, 1, 31)}, {"end": date(2024, 12, 31)},
        {"type": "troops_deployed", "location": "kursk", "actor": "PRK"},
    ])
    async def test_filters_answer_like_the_reference_query(self, store, filters):
        await self.fold_in(store, scenario())
        page = await store.page(TimelineQuery(limit=100, **filters))
        expected = filter_entries(fold(scenario()), **filters)
        assert [e.entry_id for e in page.entries] == [e.entry_id for e in expected]

    async def test_filters_find_what_a_reader_expects(self, store):
        await self.fold_in(store, scenario())
        async def types(**kw):
            return [e.type for e in (await store.page(TimelineQuery(limit=100, **kw))).entries]
        assert await types(type="strike") == ["strike"]
        assert set(await types(actor="PRK")) == {"troops_deployed", "casualties_claimed"}
        assert await types(claimant="WEST") == ["casualties_claimed"]
        assert await types(q="command post") == ["strike"]
        assert await types(start=date(2025, 1, 1), end=date(2025, 1, 31)) == ["casualties_claimed"]
        assert await types(contested=True) == ["casualties_claimed"]  # 3,000 vs about 1,000

    async def test_as_of_shows_only_what_was_ingested_by_then(self, store):
        await self.fold_in(store, scenario())
        page = await store.page(TimelineQuery(limit=100, as_of=datetime(2025, 1, 15, tzinfo=UTC)))
        assert sorted(e.type for e in page.entries) == ["casualties_claimed", "territory_claimed"]
        casualties = next(e for e in page.entries if e.type == "casualties_claimed")
        assert [c.article for c in casualties.claims] == ["a1"]

    async def test_cursor_pagination_walks_everything_once_in_both_orders(self, store):
        await self.fold_in(store, scenario())
        for descending in (False, True):
            seen, cursor = [], None
            while True:
                page = await store.page(TimelineQuery(limit=2, cursor=cursor, descending=descending))
                seen.extend(e.entry_id for e in page.entries)
                cursor = page.next_cursor
                if not cursor:
                    break
            ordered = sorted(fold(scenario()).values(), key=lambda e: (e.sort_score, e.entry_id), reverse=descending)
            assert seen == [e.entry_id for e in ordered]

    async def test_bad_cursor_is_a_value_error(self, store):
        with pytest.raises(ValueError):
            await store.page(TimelineQuery(cursor="not-a-cursor"))

    async def test_newer_extractor_version_replaces_an_article(self, store):
        events = scenario()
        await self.fold_in(store, events)
        newer = make_event("a3", "strike", actor="UKR", location="Belaya", when=date(2024, 12, 30),
                           sentence="Ukraine struck a command post near Belaya.", version="9.0.0")
        await self.fold_in(store, [newer])
        assert await store.article_event_ids("a3") == [newer.event_id]
        expected = fold([*events, newer])
        assert {e.entry_id: e for e in (await store.page(TimelineQuery(limit=100))).entries} == expected

    async def test_lookups(self, store):
        events = scenario()
        await self.fold_in(store, events)
        entry = (await store.page(TimelineQuery(limit=1))).entries[0]
        assert await store.entry(entry.entry_id) == entry
        assert await store.entry("missing") is None
        assert await store.event(events[0].event_id) == events[0]
        assert await store.event("missing") is None
        assert sorted(await store.article_event_ids("a1")) == sorted(e.event_id for e in events if e.article == "a1")
        assert await store.ping() is True

    async def test_cursor_pages_split_equal_scores_by_entry_id(self, store):
        # Equal sort scores are rare (the score carries a hash of the id) but legal: pages
        # must then follow (score, entry_id) and a cursor between two of them loses none.
        changes = await plan(store, scenario())
        changes.upsert_entries = {i: e.model_copy(update={"sort_score": 1000.0})
                                  for i, e in changes.upsert_entries.items()}
        changes.positions = {TOPIC: {}}
        await store.commit(changes)
        ids = sorted(changes.upsert_entries)
        for json_page in (False, True):
            ascending, descending = await self.walk(store, {}, json_pages=json_page)
            assert ascending == ids, (False, json_page)
            assert descending == ids[::-1], (True, json_page)

    @pytest.mark.parametrize("filters", [{}, {"type": "strike"}, {"actor": "PRK"}, {"claimant": "ukr"},
                                         {"contested": True}, {"location": "kursk"}, {"q": "Kursk"},
                                         # pairs and event-time windows: index intersections (issue 14)
                                         {"type": "troops_deployed", "actor": "PRK"},
                                         {"location": "kursk", "claimant": "ukr"},
                                         {"start": date(2024, 11, 12)}, {"end": date(2024, 11, 11)},
                                         {"start": date(2024, 11, 1), "end": date(2025, 1, 31), "actor": "PRK"},
                                         {"start": date(2025, 4, 1), "contested": True}])
    async def test_json_pages_equal_model_pages(self, store, filters):
        await self.fold_in(store, scenario())
        for descending in (False, True):
            cursor_a = cursor_b = None
            while True:
                a = await store.page(TimelineQuery(limit=2, cursor=cursor_a, descending=descending, **filters))
                b = await store.page_json(TimelineQuery(limit=2, cursor=cursor_b, descending=descending, **filters))
                assert [list_view(e).model_dump_json().encode() for e in a.entries] == b.entries
                full = await store.page_json(TimelineQuery(limit=2, cursor=cursor_b, descending=descending,
                                                           full_claims=True, **filters))
                assert [e.model_dump_json().encode() for e in a.entries] == full.entries
                assert (a.next_cursor is None) == (b.next_cursor is None)
                cursor_a, cursor_b = a.next_cursor, b.next_cursor
                if not cursor_a:
                    break

    async def test_list_view_keeps_both_sides_and_the_total(self, store):
        base = scenario()[0]
        claims = [make_event(f"b{i}", "casualties_claimed", actor="PRK", claimant="UKR", quantity=("casualties", 3000),
                             when=date(2025, 1, 6), sentence=f"Ukraine repeats its figure {i}.") for i in range(5)]
        await self.fold_in(store, [base, *claims, scenario()[1]])
        [entry] = list((await store.page(TimelineQuery(type="casualties_claimed"))).entries)
        [shown] = [json.loads(d) for d in (await store.page_json(TimelineQuery(type="casualties_claimed"))).entries]
        assert entry.claims_total == 7 and shown["claims_total"] == 7
        assert len(shown["claims"]) == LIST_CLAIMS
        assert {k for c in shown["claims"] for k in c["claimant_keys"]} == {"UKR", "WEST"}

    @pytest.mark.parametrize("filters", [{}, {"type": "strike"}, {"actor": "PRK", "type": "troops_deployed"},
                                         {"q": "Kursk"}, {"start": date(2024, 12, 1)}])
    async def test_a_json_page_shows_a_commit_on_the_next_read(self, store, filters):
        """Pages may be kept between requests (the Redis store keeps them per generation of the
        projection), but never past a commit: the next read after it shows what it changed."""
        events = scenario()
        await self.fold_in(store, events[:3])
        query = TimelineQuery(limit=50, **filters)
        first = await store.page_json(query)
        assert await store.page_json(query) == first  # a repeated read, unchanged
        newer = [make_event("a9", "strike", actor="UKR", location="Kursk", when=date(2024, 12, 20),
                            sentence="Ukraine struck a depot in Kursk."), *events[3:]]
        await self.fold_in(store, newer)
        after = await store.page_json(query)
        model = await store.page(query)
        assert after.entries == [list_view(e).model_dump_json().encode() for e in model.entries]
        expected = filter_entries(fold([*events, *newer]), **filters)
        assert [json.loads(d)["entry_id"] for d in after.entries] == [e.entry_id for e in expected]
        if filters in ({}, {"type": "strike"}):
            assert len(after.entries) > len(first.entries)

    # --- `q` and `as_of` (issue 14): alone, together and with every other filter, answered like
    # the reference query, page by page in both orders, as models and as JSON.
    async def walk(self, store, query_args, *, json_pages):
        seen = []
        for descending in (False, True):
            ids, cursor = [], None
            while True:
                query = TimelineQuery(limit=2, cursor=cursor, descending=descending, **query_args)
                if json_pages:
                    page = await store.page_json(query)
                    ids += [json.loads(d)["entry_id"] for d in page.entries]
                else:
                    page = await store.page(query)
                    ids += [e.entry_id for e in page.entries]
                cursor = page.next_cursor
                if not cursor:
                    break
            seen.append(ids)
        return seen

    @pytest.mark.parametrize("filters", SEARCH_FILTERS)
    async def test_text_and_as_of_answer_like_the_reference_query(self, store, filters):
        events = search_scenario()
        await self.fold_in(store, events[:6])
        await self.fold_in(store, events[6:])
        entries = fold(events)
        order = sorted(entries.values(), key=lambda e: (e.sort_score, e.entry_id))
        position = {e.entry_id: i for i, e in enumerate(order)}
        cases = [{"q": q} for q in SEARCH_NEEDLES] + [{"as_of": t} for t in SEARCH_TIMES[1:]]
        cases += [{"q": q, "as_of": t} for q in ("kursk", "hit", "says", "ine s") for t in SEARCH_TIMES[2:7]]
        for case in cases:
            args = {**filters, **case}
            expected = sorted((e.entry_id for e in filter_entries(entries, **args)), key=position.__getitem__)
            for json_pages in (False, True):
                ascending, descending = await self.walk(store, args, json_pages=json_pages)
                assert ascending == expected, (args, json_pages)
                assert descending == expected[::-1], (args, json_pages)
        # Entries shown as at as_of are the reference's, claim for claim.
        for t in SEARCH_TIMES[2:]:
            shown = (await store.page(TimelineQuery(limit=100, as_of=t, **filters))).entries
            assert {e.entry_id: e for e in shown} == {e.entry_id: e for e in filter_entries(entries, as_of=t, **filters)}

    async def test_text_follows_re_extraction_and_removal(self, store):
        events = search_scenario()
        await self.fold_in(store, events)
        assert [e.type for e in (await store.page(TimelineQuery(q="pumping"))).entries] == ["strike"]
        newer = make_event("b1", "strike", actor="RUS", location="Sudzha", when=date(2025, 2, 2),
                           sentence="A Russian glide bomb hit Sudzha overnight.", version="9.0.0")
        await self.fold_in(store, [newer])
        assert (await store.page(TimelineQuery(q="pumping"))).entries == []
        assert (await store.page(TimelineQuery(q="umpin"))).entries == []
        assert [e.type for e in (await store.page(TimelineQuery(q="glide b"))).entries] == ["strike"]
        assert [e.type for e in (await store.page(TimelineQuery(q="lide"))).entries] == ["strike"]

    async def test_as_of_follows_a_commit(self, store):
        """An entry shown as at `as_of` may be kept between requests (the Redis store keeps the
        rebuilt entries per generation), never past a commit."""
        events = search_scenario()
        await self.fold_in(store, events)
        moment = datetime(2025, 1, 10, tzinfo=UTC)
        for _ in range(2):
            shown = (await store.page(TimelineQuery(limit=100, as_of=moment))).entries
            assert {e.entry_id: e for e in shown} == {e.entry_id: e for e in filter_entries(fold(events), as_of=moment)}
        newer = make_event("b1", "strike", actor="RUS", location="Sudzha", when=date(2025, 2, 2),
                           ingested=datetime(2025, 1, 2, tzinfo=UTC), version="9.0.0",
                           sentence="A Russian glide bomb hit Sudzha overnight.")
        await self.fold_in(store, [newer])
        expected = {e.entry_id: e for e in filter_entries(fold([*events, newer]), as_of=moment)}
        for json_pages in (False, True):
            if json_pages:
                got = [json.loads(d) for d in (await store.page_json(TimelineQuery(limit=100, as_of=moment))).entries]
                assert {d["entry_id"]: d for d in got} == {
                    i: json.loads(list_view(e).model_dump_json()) for i, e in expected.items()}
            else:
                got_entries = (await store.page(TimelineQuery(limit=100, as_of=moment))).entries
                assert {e.entry_id: e for e in got_entries} == expected
