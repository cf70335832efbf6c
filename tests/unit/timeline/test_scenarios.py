"""Scenarios of the fold, Given/When/Then, with hand-built events."""
from __future__ import annotations

from services.timeline.core import FoldState, apply, apply_changes, entry_key, fold, state_entries, timeline
from tests.unit.timeline.builders import day, ev, month


def only(entries, **attrs):
    found = [e for e in entries.values() if all(getattr(e, k) == v for k, v in attrs.items())]
    assert len(found) == 1, [e.group_key for e in entries.values()]
    return found[0]


# ----------------------------------------------------------------------------- contested


def test_ukr_3000_vs_west_1000_casualties_is_contested():
    # Given Ukraine claims over 3,000 North Korean casualties and Western estimates say about 1,000
    ukr = ev("casualties_claimed", actor="PRK", against="UKR", quantities=[{"kind": "casualties", "value": 3000,
             "approx": True}], claimants=[("UKR", "Ukrainian claims")], modality="claimed", published="2025-01-06")
    west = ev("casualties_claimed", actor="PRK", against="UKR", quantities=[{"kind": "casualties", "value": 1000,
              "approx": True}], claimants=[("WEST", "Western estimates")], modality="estimated",
              published="2025-01-06")
    # When they are folded
    entries = fold([ukr, west])
    # Then both land in one entry, contested on the casualty figure
    assert len(entries) == 1
    entry = only(entries, type="casualties_claimed")
    assert {c.event_id for c in entry.claims} == {ukr.event_id, west.event_id}
    assert entry.contested
    assert entry.contested_reasons == ("casualties: UKR says about 3000, WEST estimates about 1000",)
    (figure,) = entry.figures
    assert (figure.kind, figure.min, figure.max) == ("casualties", 1000, 3000)
    assert figure.by_claimant == {"UKR": 3000, "WEST": 1000}
    assert figure.contested and figure.spread > 0.6
    assert entry.subject == "PRK casualties"


def test_figures_within_tolerance_are_not_contested():
    # Given 11,000 (Ukraine) and 12,000 (South Korea) North Korean troops in Russia
    a = ev(quantities=[("troops", 11000)], claimants=["UKR"], locations=["Kursk"], article="a", published="2024-11-11")
    b = ev(quantities=[("troops", 12000)], claimants=["KOR"], locations=["Russia"], article="b", published="2024-11-20")
    # When folded
    entries = fold([a, b])
    # Then one entry (Kursk is in Russia: deployments key by country), not contested
    entry = only(entries, type="troops_deployed")
    assert len(entry.claims) == 2
    assert not entry.contested and entry.contested_reasons == ()
    assert entry.figures[0].by_claimant == {"UKR": 11000, "KOR": 12000}


def test_range_is_compared_by_its_midpoint():
    a = ev(quantities=[{"kind": "troops", "low": 10000, "high": 12000}], claimants=["UKR"], article="a")
    b = ev(quantities=[("troops", 11000)], article="b")
    entry = only(fold([a, b]), type="troops_deployed")
    assert entry.figures[0].by_claimant == {"UKR": 11000, "article": 11000}
    assert not entry.contested


def test_same_party_revising_its_figure_is_no_dispute():
    a = ev(quantities=[("troops", 8000)], claimants=["USA"], article="a", published="2024-11-01")
    b = ev(quantities=[("troops", 11000)], claimants=["USA"], article="b", published="2024-11-20")
    entry = only(fold([a, b]), type="troops_deployed")
    assert not entry.contested
    assert entry.figures[0].by_claimant == {"USA": 11000}  # the latest claim
    assert (entry.figures[0].min, entry.figures[0].max) == (8000, 11000)


def test_figures_published_far_apart_are_no_dispute():
    # A running tally reported in early December and again in late February (same season)
    a = ev("casualties_claimed", quantities=[("casualties", 1000)], claimants=["UKR"], article="a",
           published="2024-12-02")
    b = ev("casualties_claimed", quantities=[("casualties", 4000)], claimants=["KOR"], article="b",
           published="2025-02-25")
    entry = only(fold([a, b]), type="casualties_claimed")
    assert len(entry.claims) == 2
    assert not entry.contested


def test_killed_or_wounded_is_compared_with_casualties():
    a = ev("casualties_claimed", quantities=[("killed_or_wounded", 3000)], claimants=["UKR"], article="a")
    b = ev("casualties_claimed", quantities=[("casualties", 1000)], claimants=["WEST"], article="b")
    entry = only(fold([a, b]), type="casualties_claimed")
    assert entry.contested
    assert entry.figures[0].raw_kinds == ("casualties", "killed_or_wounded")


def test_russia_controls_kursk_vs_ukrainian_denial_is_contested():
    # Given Russia claims full control of Kursk and Kyiv denies it, in the same article
    claim = ev("territory_claimed", actor="RUS", partners=["PRK"], against="UKR", locations=["Kursk"],
               change="controls", claimants=[("RUS", "Valery Gerasimov")], modality="claimed",
               quantities=[{"kind": "area_km2", "value": 1300, "approx": True}], published="2025-04-27")
    denial = ev("territory_claimed", actor="RUS", against="UKR", locations=["Kursk region"], change="controls",
                claimants=[("UKR", "Ukrainian officials")], modality="denied", published="2025-04-27")
    # When folded
    entries = fold([claim, denial])
    # Then they are one contested entry: modality is not part of the key
    assert entry_key(claim) == entry_key(denial)
    entry = only(entries, type="territory_claimed")
    assert entry.contested
    assert entry.contested_reasons == ("denied by UKR; claimed by RUS",)
    assert entry.actor == "RUS" and entry.change == "controls"
    assert entry.claimant_parties == ("RUS", "UKR")
    assert entry.modalities == ("claimed", "denied")


def test_denial_reported_by_another_article_days_later_joins_the_claim():
    claim = ev("territory_claimed", actor="RUS", locations=["Kursk"], change="regained", claimants=["RUS"],
               modality="claimed", article="a", published="2025-04-26")
    denial = ev("territory_claimed", actor="RUS", locations=["Kursk"], change="regained", claimants=["UKR"],
                modality="denied", article="b", published="2025-04-28")
    entry = only(fold([claim, denial]), type="territory_claimed")
    assert entry.contested_reasons == ("denied by UKR; claimed by RUS",)


def test_lone_denial_is_not_contested():
    denial = ev("diplomacy", actor="USA", partners=["RUS"], claimants=[("RUS", "Dmitry Peskov")], modality="denied")
    entry = only(fold([denial]), type="diplomacy")
    assert not entry.contested


def test_ukraine_lost_is_russia_regained():
    lost = ev("territory_claimed", actor="UKR", against="RUS", locations=["Kursk"], change="lost", article="a",
              time=day("2025-03-09"))
    regained = ev("territory_claimed", actor="RUS", against="UKR", locations=["Kursk"], change="regained",
                  article="b", time=day("2025-03-10"))
    entry = only(fold([lost, regained]), type="territory_claimed")
    assert entry.changes == ("lost", "regained")
    assert len(entry.claims) == 2


# ----------------------------------------------------------------------------- grouping


def test_two_articles_reporting_the_same_north_korean_deployment_group_into_one_entry():
    # Given the Pentagon (article A) and Zelensky (article B, ten days later) report the deployment
    pentagon = ev(actor="PRK", partners=["RUS"], locations=["Russia"], quantities=[{"kind": "troops",
                  "value": 10000, "approx": True}], claimants=[("USA", "The Pentagon")], modality="claimed",
                  article="A", published="2024-11-11", movement="deployed")
    zelensky = ev(actor="PRK", locations=["Kursk"], quantities=[("troops", 11000)],
                  claimants=[("UKR", "Zelenskyy")], modality="claimed", article="B", published="2024-11-21",
                  movement="deployed")
    # When folded
    entries = fold([pentagon, zelensky])
    # Then one entry holds both claims, in published order
    entry = only(entries, type="troops_deployed")
    assert [c.event_id for c in entry.claims] == [pentagon.event_id, zelensky.event_id]
    assert entry.articles == ("A", "B")
    assert entry.partners == ("RUS",)
    assert entry.title == "PRK troops deployed in Kursk" or entry.title == "PRK troops deployed in Russia"
    assert not entry.contested


def test_unrelated_events_do_not_merge():
    # Given events that differ in type, actor, place, change or month
    events = [
        ev("strike", actor="RUS", locations=["Odesa"], time=day("2024-11-10")),
        ev("strike", actor="RUS", locations=["Kyiv"], time=day("2024-11-10")),
        ev("strike", actor="UKR", locations=["Odesa"], time=day("2024-11-10")),
        ev("strike", actor="RUS", locations=["Odesa"], time=day("2024-11-20")),
        ev("offensive_launched", actor="RUS", locations=["Kursk"], time=month(2024, 11)),
        ev("offensive_launched", actor="RUS", locations=["Kursk"], time=month(2025, 1)),
        ev("offensive_launched", actor="RUS", locations=["Donetsk"], time=month(2024, 11)),
        ev("territory_claimed", actor="RUS", locations=["Kursk"], change="captured", time=month(2024, 11)),
        ev("territory_claimed", actor="RUS", locations=["Sudzha"], change="captured", time=month(2024, 11)),
        ev("troops_deployed", actor="PRK", locations=["Russia"], movement="deployed"),
        ev("troops_deployed", actor="PRK", locations=["Russia"], movement="withdrawn"),
        ev("troops_deployed", actor="RUS", locations=["Russia"], movement="deployed"),
        ev("diplomacy", actor="USA", partners=["UKR"], time=day("2024-11-06")),
        ev("diplomacy", actor="USA", partners=["RUS"], modality="denied"),
        ev("military_aid", actor="USA", recipient="UKR"),
        ev("military_aid", actor="PRK", recipient="RUS"),
    ]
    # When folded, then every event is its own entry
    entries = fold(events)
    assert len(entries) == len(events)


def test_talks_key_on_the_set_of_participants():
    a = ev("diplomacy", actor="USA", partners=["RUS"], article="a")
    b = ev("diplomacy", actor="RUS", partners=["USA"], article="b")
    assert entry_key(a) == entry_key(b)


def test_missing_actor_groups_with_missing_actor_on_the_same_target():
    a = ev("strike", actor=None, against="UKR", locations=["Odesa"], time=day("2024-11-12"), article="a")
    b = ev("strike", actor=None, against="UKR", locations=["Odesa"], time=day("2024-11-13", fuzzy=True), article="b")
    c = ev("strike", actor=None, against="RUS", locations=["Odesa"], time=day("2024-11-12"), article="c")
    assert entry_key(a) == entry_key(b) != entry_key(c)
    entry = only(fold([a, b]), type="strike")
    assert entry.actor is None and entry.title.startswith("Unknown party strike")


def test_season_and_month_of_the_same_offensive():
    # 'over the summer' keys at the season; 'in August' at the month: they stay apart
    summer = ev("offensive_launched", actor="UKR", locations=["Kursk"],
                time={"start": "2024-06-01", "end": "2024-08-31", "granularity": "season"})
    august = ev("offensive_launched", actor="UKR", locations=["Kursk"], time=month(2024, 8))
    august2 = ev("offensive_launched", actor="UKR", locations=["Kursk region"], time=month(2024, 8), article="x")
    assert entry_key(summer) != entry_key(august) == entry_key(august2)


# ----------------------------------------------------------------------------- time


def test_entries_are_ordered_by_event_time_not_arrival():
    # Given an article from April about August, and one from November about November
    late_report = ev("offensive_launched", actor="UKR", locations=["Kursk"], time=month(2024, 8),
                     article="april", published="2025-04-27", ingested="2025-04-27T08:00:00+00:00")
    early_report = ev("offensive_launched", actor="RUS", locations=["Kursk"], time=day("2024-11-11"),
                      article="nov", published="2024-11-11", ingested="2024-11-11T08:00:00+00:00")
    summer = ev("offensive_launched", actor="UKR", locations=["Kursk"], article="jan", published="2025-01-06",
                time={"start": "2024-06-01", "end": "2024-08-31", "granularity": "season"})
    # When folded in arrival order
    entries = fold([early_report, late_report, summer])
    ordered = timeline(entries)
    # Then the timeline runs by event time: start, then end
    assert [e.time.start.isoformat() for e in ordered] == ["2024-06-01", "2024-08-01", "2024-11-11"]
    assert list(entries) == [e.entry_id for e in ordered]
    scores = [e.sort_score for e in ordered]
    assert scores == sorted(scores) and all(isinstance(s, float) for s in scores)


def test_same_start_orders_by_end():
    day_event = ev("offensive_launched", actor="UKR", locations=["Kursk"], time=day("2024-08-01"))
    month_event = ev("offensive_launched", actor="RUS", locations=["Kursk"], time=month(2024, 8))
    ordered = timeline(fold([month_event, day_event]))
    assert [e.actor for e in ordered] == ["UKR", "RUS"]


def test_report_date_only_entries_are_flagged():
    # Given an event whose text gives no time
    event = ev("strike", actor="RUS", locations=["Odesa"], published="2024-11-11", claimants=["UKR"],
               modality="claimed")
    # When folded
    entry = only(fold([event]), type="strike")
    # Then the entry sits at the report date and says so
    assert not entry.time_known and entry.report_date_only
    assert entry.time.from_article_date
    assert entry.time.start.isoformat() == entry.time.end.isoformat() == "2024-11-11"


def test_an_explicit_time_wins_over_report_dates():
    dated = ev("casualties_claimed", quantities=[("casualties", 3000)], claimants=["UKR"], article="a",
               published="2024-12-30", time={"start": "2024-12-23", "end": "2024-12-29", "granularity": "week",
                                             "fuzzy": True, "text": "last week"})
    undated = ev("casualties_claimed", quantities=[("casualties", 3100)], claimants=["KOR"], article="b",
                 published="2025-01-06")
    entry = only(fold([dated, undated]), type="casualties_claimed")
    assert entry.time_known and not entry.report_date_only
    assert (entry.time.start.isoformat(), entry.time.end.isoformat()) == ("2024-12-23", "2024-12-29")
    assert entry.time.text == "last week"


# ----------------------------------------------------------------------------- versions


def test_newer_extractor_version_replaces_the_articles_old_events():
    # Given an article extracted by 0.9.0 into two events
    old_a = ev("strike", actor="RUS", locations=["Odesa"], version="0.9.0", article="art")
    old_b = ev("strike", actor="RUS", locations=["Kyiv"], version="0.9.0", article="art")
    other = ev("strike", actor="RUS", locations=["Odesa"], version="0.9.0", article="other")
    state = FoldState()
    for event in (old_a, old_b, other):
        state = apply(state, event)
    # When 0.10.0 re-extracts it into one event
    new = ev("strike", actor="RUS", locations=["Kharkiv"], version="0.10.0", article="art")
    state, touched = apply_changes(state, new)
    # Then only the new event is left of that article; the other article keeps its event
    assert set(state.events) == {new.event_id, other.event_id}
    assert state.article_versions["art"] == "0.10.0"
    assert touched == {entry_key(old_a), entry_key(old_b), entry_key(new)}
    entries = state_entries(state)
    assert entries == fold([old_a, old_b, other, new])
    assert [c.event_id for c in entries[entry_key(other)].claims] == [other.event_id]


def test_older_extractor_version_is_ignored():
    new = ev("strike", actor="RUS", locations=["Odesa"], version="1.2.0", article="art")
    old = ev("strike", actor="RUS", locations=["Kyiv"], version="1.1.9", article="art")
    state = apply(FoldState(), new)
    assert apply(state, old) is state
    assert fold([new, old]) == fold([old, new]) == fold([new])


def test_redelivery_is_a_no_op():
    event = ev("strike", actor="RUS", locations=["Odesa"])
    state = apply(FoldState(), event)
    again, touched = apply_changes(state, event)
    assert again is state and touched == frozenset()
    assert fold([event, event, event]) == fold([event])


def test_state_built_from_stored_events_indexes_its_entries():
    a = ev("strike", actor="RUS", locations=["Odesa"], article="a")
    b = ev("strike", actor="RUS", locations=["Odesa"], article="b")
    state = FoldState(events={a.event_id: a}, article_versions={"a": a.extractor_version})
    state = apply(state, b)
    assert state.by_entry == {entry_key(a): frozenset({a.event_id, b.event_id})}


# ----------------------------------------------------------------------------- counter-claims (issue 10)


def test_kyiv_offensive_near_belaya_and_moscow_repelling_near_berdin_are_one_contested_entry():
    # Given Kyiv reports new offensive actions near Belaya and Moscow says it repelled attacks near Berdin
    kyiv = ev("offensive_launched", actor="UKR", against="RUS", locations=["Belaya", "Kursk"], claimants=["UKR"],
              modality="claimed", article="a", time=day("2025-01-05"))
    moscow = ev("offensive_repelled", actor="RUS", against="UKR", locations=["Berdin", "Kursk"], claimants=["RUS"],
                modality="claimed", article="b", time=day("2025-01-06"))
    # When folded
    entry = only(fold([kyiv, moscow]), type="offensive_launched")
    # Then one entry, the offensive, contested with who says what
    assert len(entry.claims) == 2 and entry.actor == "UKR"
    assert entry.contested_reasons == ("offensive: UKR reports it; RUS says it was repelled",)


def test_regained_and_still_held_by_the_other_side_is_contested():
    regained = ev("territory_claimed", actor="RUS", locations=["Kursk"], change="regained", claimants=["RUS"],
                  modality="claimed", article="a", time=day("2025-03-12"))
    holds = ev("territory_claimed", actor="UKR", locations=["Kursk"], change="controls", claimants=["UKR"],
               modality="claimed", article="b", time=day("2025-03-13"))
    lost = ev("territory_claimed", actor="UKR", locations=["Kursk"], change="lost", article="c",
              time=day("2025-03-14"))
    entry = only(fold([regained, holds, lost]), type="territory_claimed")
    assert len(entry.claims) == 3
    assert entry.contested_reasons == ("Kursk held by: RUS, the article say RUS (lost, regained); UKR says UKR (controls)",)


def test_an_increment_or_a_single_action_never_contests_a_total():
    total = ev("troops_deployed", actor="PRK", quantities=[{"kind": "troops", "value": 11000, "scope": "total"}],
               claimants=["UKR"], modality="claimed", article="a", movement="deployed")
    more = ev("troops_deployed", actor="PRK", quantities=[{"kind": "troops", "value": 8000, "scope": "increment"}],
              claimants=["USA"], modality="expected", article="b", movement="deployed")
    entry = only(fold([total, more]), type="troops_deployed")
    assert not entry.contested
    figures = {(f.scope, f.expected): f for f in entry.figures}
    assert figures[("total", False)].max == 11000 and figures[("increment", True)].max == 8000
    toll = ev("casualties_claimed", actor="PRK", quantities=[{"kind": "killed", "value": 13, "scope": "single_action"}],
              claimants=["UKR"], article="c")
    tally = ev("casualties_claimed", actor="PRK", quantities=[{"kind": "killed", "value": 300, "scope": "cumulative"}],
               claimants=["KOR"], article="d")
    entries = fold([toll, tally])
    assert len(entries) == 2 and not any(e.contested for e in entries.values())


def test_at_least_is_shown_as_written_and_read_as_a_bound():
    ukr = ev("casualties_claimed", actor="PRK", claimants=["UKR"], article="a",
             quantities=[{"kind": "casualties", "value": 3000, "bound": "at_least", "text": "more than 3,000"}])
    west = ev("casualties_claimed", actor="PRK", claimants=["WEST"], article="b", modality="estimated",
              quantities=[{"kind": "casualties", "value": 1000, "bound": "about", "approx": True}])
    agrees = ev("casualties_claimed", actor="PRK", claimants=["KOR"], article="c",
                quantities=[{"kind": "casualties", "value": 3500}])
    entry = only(fold([ukr, west, agrees]), type="casualties_claimed")
    assert entry.contested_reasons == ("casualties: KOR says 3500, UKR says more than 3,000, WEST estimates about 1000",)
    assert entry.figures[0].texts["UKR"] == "more than 3,000" and entry.figures[0].bounds["UKR"] == "at_least"
    # 'more than 3,000' and 3,500 alone do not disagree
    assert not only(fold([ukr, agrees]), type="casualties_claimed").contested


def test_entries_resting_on_expectations_or_denials_say_so():
    expected = ev("offensive_launched", actor="RUS", locations=["Kursk"], modality="expected", time=month(2025, 2))
    entry = only(fold([expected]), type="offensive_launched")
    assert entry.standing == "expected" and entry.title.startswith("Expected: ")
    denial = ev("diplomacy", actor="USA", partners=["RUS"], claimants=["RUS"], modality="denied")
    entry = only(fold([denial]), type="diplomacy")
    assert entry.standing == "denied" and entry.title.startswith("Denied by RUS: ")
    assert not entry.contested
    claim = ev("diplomacy", actor="USA", partners=["RUS"], claimants=["USA"], modality="claimed", article="z")
    entry = only(fold([denial, claim]), type="diplomacy")
    assert entry.standing == "reported" and not entry.title.startswith("Denied")
    assert entry.contested_reasons == ("denied by RUS; claimed by USA",)


def test_a_single_actions_toll_is_its_own_happening():
    raid = ev("casualties_claimed", actor="PRK", locations=["Kursk"], claimants=["UKR"], article="a",
              quantities=[{"kind": "killed", "value": 13, "scope": "single_action"}])
    tally = ev("casualties_claimed", actor="PRK", locations=["Kursk"], claimants=["UKR"], article="b",
               quantities=[{"kind": "casualties", "value": 3000, "scope": "total"}])
    assert entry_key(raid) != entry_key(tally)
