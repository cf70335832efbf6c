"""The fold/grouping faults of the demo review (docs/review-demo-entries.md, "What to fix
next", issue 10), each as the review's own case on hand-built events."""
from __future__ import annotations

import pytest

from services.timeline.core import entry_key, fold
from services.timeline.core.grouping import GROUP_MEMBERS, fold_members
from tests.unit.timeline.builders import day, ev


def only(entries, **attrs):
    found = [e for e in entries.values() if all(getattr(e, k) == v for k, v in attrs.items())]
    assert len(found) == 1, [e.group_key for e in entries.values()]
    return found[0]


# ----------------------------------------------------------------------------- one meeting, one entry (#49, #54)


@pytest.mark.parametrize(("parties", "folded"), [
    # a group and its members meet as the group
    ({"G7", "USA"}, {"G7"}),
    ({"CAN", "G7", "USA"}, {"G7"}),
    ({"G7", "UKR", "USA"}, {"G7", "UKR"}),  # Ukraine is no G7 member: a guest stays a party
    ({"NATO", "NLD", "EU"}, {"EU", "NATO"}),  # a member of two groups named together
    ({"EU", "POL"}, {"EU"}),
    ({"NATO", "TUR"}, {"NATO"}),
    # members without their group stay themselves: CAN-USA talks are no G7 meeting
    ({"CAN", "USA"}, {"CAN", "USA"}),
    ({"RUS", "USA"}, {"RUS", "USA"}),
])
def test_members_fold_into_the_group_they_meet_as(parties, folded):
    assert fold_members(frozenset(parties)) == frozenset(folded)


def test_group_members_are_parties_of_the_shared_table():
    from services.common.knowledge import party_table
    codes = set(party_table().parties)
    for group, members in GROUP_MEMBERS.items():
        assert group in codes and party_table().parties[group].multilateral
        assert members <= codes, members - codes


def test_one_g7_ministerial_is_one_entry_whoever_is_named_beside_the_g7():
    # Given the review's #50, #49 and #54: 'G7 foreign ministers in Charlevoix', 'Rubio to Canada for
    # meetings with G7 foreign ministers' (expected, Wednesday) and 'Rubio wrapping up meetings with G7
    # foreign ministers' (Friday) in one week of March 2025
    g7 = ev("diplomacy", actor="G7", locations=["Charlevoix"], time=day("2025-03-13"), article="a",
            published="2025-03-13")
    travel = ev("diplomacy", actor="USA", partners=["CAN", "G7"], locations=["Canada"], time=day("2025-03-12"),
                modality="expected", article="b", published="2025-03-11")
    wrap = ev("diplomacy", actor="USA", partners=["G7"], locations=["Canada"], time=day("2025-03-14"),
              claimants=[("USA", "Rubio")], modality="claimed", article="c", published="2025-03-14")
    # When folded, then one entry holds the three claims, titled on the group
    entries = fold([g7, travel, wrap])
    entry = only(entries, type="diplomacy")
    assert len(entry.claims) == 3
    assert entry.title in ("Talks: G7 in Canada", "Talks: G7 in Charlevoix")  # the most named place
    # the members stay findable as parties of the entry
    assert {"CAN", "USA"} <= {entry.actor, *entry.partners}


def test_a_members_own_talks_with_a_non_member_stay_apart_from_the_groups_meeting():
    g7 = ev("diplomacy", actor="G7", time=day("2025-03-13"), article="a")
    usa_rus = ev("diplomacy", actor="USA", partners=["RUS"], time=day("2025-03-13"), article="b")
    assert entry_key(g7) != entry_key(usa_rus)


# ----------------------------------------------------------------------------- a forecast in a reported entry (#38)


def _spring_reports():
    # the March and April 2025 reports of the North Korean deployment
    march = ev(actor="PRK", locations=["Kursk"], movement="deployed", claimants=["UKR"], modality="claimed",
               quantities=[{"kind": "troops", "value": 11000}], time=day("2025-03-11"), article="r1",
               published="2025-03-11")
    april = ev(actor="PRK", locations=["Russia"], movement="deployed", claimants=["KOR"], modality="estimated",
               quantities=[{"kind": "troops", "value": 14000}], time=day("2025-04-27"), article="r2",
               published="2025-04-27")
    return march, april


def test_a_forecast_of_a_later_window_is_its_own_expected_entry():
    # Given a U.S. official in December 2024: 'North Korea might deploy an additional 8,000 troops by next
    # spring' (expected, dated by its target window Mar-May 2025), and the spring's own reports
    forecast = ev(actor="PRK", locations=["Russia"], movement="deployed", claimants=[("USA", "A U.S. official")],
                  modality="expected", quantities=[{"kind": "troops", "value": 8000, "scope": "increment"}],
                  time={"start": "2025-03-01", "end": "2025-05-31", "granularity": "season"},
                  article="f", published="2024-12-30")
    march, april = _spring_reports()
    # When folded
    entries = fold([forecast, march, april])
    # Then the reports make one reported entry dated by the reports alone
    reported = only(entries, standing="reported")
    assert {c.event_id for c in reported.claims} == {march.event_id, april.event_id}
    assert (reported.time.start.isoformat(), reported.time.end.isoformat()) == ("2025-03-11", "2025-04-27")
    # and the forecast stands apart, as expected, in the same thread (the page can link them)
    expected = only(entries, standing="expected")
    assert [c.event_id for c in expected.claims] == [forecast.event_id]
    assert expected.title.startswith("Expected: ")
    assert expected.thread == reported.thread


def test_an_expectation_inside_its_own_window_joins_the_happening_but_does_not_date_it():
    # 'He is scheduled to travel to Canada on Wednesday' (published Tuesday) is the meeting of that
    # week, not a forecast of another window: it shares the entry, but the reports date it
    travel = ev("diplomacy", actor="USA", partners=["G7"], locations=["Canada"], time=day("2025-03-12"),
                modality="expected", article="b", published="2025-03-11")
    met = ev("diplomacy", actor="G7", locations=["Charlevoix"], time=day("2025-03-13"), article="a",
             published="2025-03-14")
    entry = only(fold([travel, met]), type="diplomacy")
    assert len(entry.claims) == 2 and entry.standing == "reported"
    assert entry.time.start.isoformat() == "2025-03-13" == entry.time.end.isoformat()


def test_a_lone_expectation_is_dated_by_itself():
    travel = ev("diplomacy", actor="USA", partners=["G7"], time=day("2025-03-12"), modality="expected",
                published="2025-03-11")
    entry = only(fold([travel]), type="diplomacy")
    assert entry.time.start.isoformat() == "2025-03-12" and entry.standing == "expected"


def test_a_denial_still_shares_the_entry_of_what_it_denies():
    # the forecast rule is about expectations only: a denial keys with its claim
    claim = ev("diplomacy", actor="USA", partners=["RUS"], time=day("2025-03-12"), published="2025-03-01")
    denial = ev("diplomacy", actor="USA", partners=["RUS"], time=day("2025-03-12"), modality="denied",
                published="2025-02-20", article="d")
    assert entry_key(claim) == entry_key(denial)


# ----------------------------------------------------------------------------- placeless claims (#10, #33)


def test_an_unplaced_claim_joins_the_one_placed_entry_of_its_happening():
    # Given the review's #10 and #11: Livemint's 'a surprise attack launched by Ukrainian forces ...
    # in August 2024' (its place dropped) and the August incursion into Kursk of three articles
    unplaced = ev("offensive_launched", actor="UKR", time={"start": "2024-08-01", "end": "2024-08-31",
                  "granularity": "month"}, article="livemint")
    placed = [ev("offensive_launched", actor="UKR", locations=["Kursk"], article=a,
                 time={"start": "2024-08-01", "end": "2024-08-31", "granularity": "month"})
              for a in ("a1", "a2", "a3")]
    # When folded, in any order
    for events in ([unplaced, *placed], [*placed, unplaced]):
        entries = fold(events)
        # Then one entry, named and placed by the placed claims
        entry = only(entries, type="offensive_launched")
        assert len(entry.claims) == 4 and entry.entry_id == entry_key(placed[0])
        assert entry.title == "UKR offensive in Kursk" and entry.place == "kursk"


def test_an_unplaced_claim_stays_apart_when_two_places_are_claimed():
    # guessing between two places would put it in the wrong one
    common = {"actor": "PRK", "movement": "deployed", "time": day("2024-12-30"), "published": "2024-12-30"}
    unplaced = ev(article="u", **common)
    russia = ev(article="r", locations=["Russia"], **common)
    ukraine = ev(article="k", locations=["Kurakhove"], **common)
    entries = fold([unplaced, russia, ukraine])
    assert len(entries) == 3
    # and joins the one left when the other goes (a re-extraction drops the wrong place)
    assert len(fold([unplaced, russia])) == 1


def test_settlement_level_types_never_join():
    # an unplaced strike is no strike on Odesa
    unplaced = ev("strike", actor="RUS", time=day("2024-11-11"), article="a")
    odesa = ev("strike", actor="RUS", locations=["Odesa"], time=day("2024-11-11"), article="b")
    assert len(fold([unplaced, odesa])) == 2


def test_incremental_apply_moves_an_unplaced_claim_into_and_out_of_its_entry():
    from services.timeline.core import FoldState, apply_changes, state_entries
    common = {"actor": "PRK", "movement": "deployed", "time": day("2024-12-30"), "published": "2024-12-30"}
    unplaced, russia = ev(article="u", **common), ev(article="r", locations=["Russia"], **common)
    ukraine = ev(article="k", locations=["Kurakhove"], **common)
    state, touched = apply_changes(FoldState(), unplaced)
    assert touched == {entry_key(unplaced)}
    state, touched = apply_changes(state, russia)
    # the unplaced claim's own entry is gone, the placed one holds both
    assert touched == {entry_key(unplaced), entry_key(russia)}
    assert list(state_entries(state)) == [entry_key(russia)]
    state, touched = apply_changes(state, ukraine)
    # a second place: the unplaced claim is on its own again
    assert touched == {entry_key(unplaced), entry_key(russia), entry_key(ukraine)}
    assert len(state_entries(state)) == 3
