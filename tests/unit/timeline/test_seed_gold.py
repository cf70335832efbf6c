"""The fold on real data: the seed gold annotations turned into events."""
from __future__ import annotations

import pytest

from services.timeline.core import figure_history, filter_entries, fold, list_subjects
from tests.unit.timeline.builders import gold_events


@pytest.fixture(scope="module")
def events():
    return gold_events()


@pytest.fixture(scope="module")
def entries(events):
    return fold(events)


def entry_of(entries, event_id):
    (entry,) = [e for e in entries.values() if any(c.event_id == event_id for c in e.claims)]
    return entry


def test_every_gold_row_becomes_an_event_with_its_sentence(events):
    assert len(events) == 60
    for event in events:
        (evidence,) = event.evidence
        assert evidence.end > evidence.start


def test_prk_casualties_3000_vs_1000_land_in_one_contested_entry(entries):
    # Given Ukrainian claims of over 3,000 and Western estimates of about 1,000 North Korean casualties
    entry = entry_of(entries, "ev_a0-nk-3000-ukr")
    # Then both are claims of one entry
    assert entry is entry_of(entries, "ev_a0-nk-1000-west")
    # ... which is contested on the casualty figure
    assert entry.contested
    assert any(r.startswith("casualties: UKR says") and "WEST estimates" in r for r in entry.contested_reasons)
    casualties = {f.kind: f for f in entry.figures}["casualties"]
    assert (casualties.min, casualties.max) == (1000, 3000)
    assert casualties.by_claimant["WEST"] == 1000 and casualties.by_claimant["UKR"] == 3000
    # Zelenskyy's "last week" figure of ~3,000 killed or wounded (another article) is the same tally
    assert entry is entry_of(entries, "ev_a3-nk-3000")
    assert entry.time_known
    # the 13 soldiers killed in a Kursk raid (the gold gives no scope, so it reads as a tally)
    # are summarized apart, as 'killed', and contest nothing
    if entry_of(entries, "ev_a0-nk-13-killed") is entry:
        killed = {f.kind: f for f in entry.figures}["killed"]
        assert not killed.contested and all(not r.startswith("killed") for r in entry.contested_reasons)


def test_russian_claim_of_kursk_and_ukrainian_denial_are_one_contested_entry(entries):
    entry = entry_of(entries, "ev_a2-full-control")
    assert entry is entry_of(entries, "ev_a2-ukr-denies")
    assert entry.contested_reasons[0].startswith("denied by UKR; claimed by")


def test_the_august_incursion_is_one_entry_from_four_articles(entries):
    entry = entry_of(entries, "ev_a1-incursion-august")
    assert {c.event_id for c in entry.claims} == {"ev_a1-incursion-august", "ev_a2-aug-attack",
                                                  "ev_a3-aug-offensive", "ev_a4-aug-offensive"}
    assert not entry.contested and entry.time_known
    assert (entry.time.start.isoformat(), entry.time.end.isoformat()) == ("2024-08-01", "2024-08-31")


def test_different_talks_in_the_same_month_stay_apart(entries):
    call = entry_of(entries, "ev_a4-trump-zelensky-call")
    denied = entry_of(entries, "ev_a4-trump-putin-denied")
    assert call is not denied
    assert not call.contested and not denied.contested


def test_timeline_runs_by_event_time(entries):
    ordered = filter_entries(entries)
    starts = [e.time.start for e in ordered]
    assert starts == sorted(starts)
    assert ordered[0].type == "diplomacy"  # the agreement of early 2024 comes first


def test_prk_troop_figures_over_time(entries, events):
    points = figure_history(entries, "North Korean troops")
    assert points == figure_history(events, "PRK troops")
    assert [p.published_at for p in points] == sorted(p.published_at for p in points)
    mids = {(p.claimant, p.mid) for p in points}
    assert ("USA", 10000) in mids and ("various reports", 14000) in mids and ("UKR, KOR", 11000) in mids
    assert all(p.subject == "PRK troops" and p.evidence for p in points)
    subjects = {s.subject: s for s in list_subjects(entries)}
    assert subjects["PRK troops"].points == len(points)
    assert subjects["PRK casualties"].points == len(figure_history(entries, "prk casualties"))
