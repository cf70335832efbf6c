"""Unit tests of the pieces: versions, sort scores, buckets, places, subjects, figures, query."""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schemas.events import Location
from services.timeline.core import (
    entry_key_parts,
    figure_history,
    filter_entries,
    fold,
    list_subjects,
    parse_subject,
    place_tokens,
    sort_score,
    time_bucket,
    version_key,
)
from services.timeline.core.contest import relative_difference
from services.timeline.core.model import Subject
from services.timeline.core.places import normalize_name
from tests.unit.timeline.builders import day, ev, month

# ----------------------------------------------------------------------------- versions


@pytest.mark.parametrize("older, newer", [
    ("0.9.2", "0.10.0"), ("1.0.0-rc1", "1.0.0"), ("1.0.0-rc1", "1.0.0-rc2"), ("1.0", "1.0.1"),
    ("1.0.0", "1.0.1-dev"),
])
def test_version_order(older, newer):
    assert version_key(older) < version_key(newer)


def test_version_build_metadata_is_ignored():
    assert version_key("1.2.0+abc") == version_key("1.2.0")


# ----------------------------------------------------------------------------- sort score


def test_sort_score_orders_by_start_then_end_and_is_exact():
    a = sort_score(date(2024, 8, 1), date(2024, 8, 1), "en_b")
    b = sort_score(date(2024, 8, 1), date(2024, 8, 31), "en_a")
    c = sort_score(date(2024, 8, 2), date(2024, 8, 2), "en_a")
    assert a < b < c
    top = sort_score(date(9999, 12, 31), date(9999, 12, 31), "en_z")
    assert top < 2 ** 53 and float(int(top)) == top
    assert sort_score(date(2024, 8, 1), date(2024, 8, 1), "en_b") == a


# ----------------------------------------------------------------------------- buckets


@pytest.mark.parametrize("event, bucket", [
    (ev("strike", time=day("2024-11-10")), "2024-W45"),
    (ev("strike", published="2024-11-11"), "2024-W46"),
    (ev("offensive_launched", time=day("2024-11-11")), "2024-11"),
    (ev("offensive_launched", time={"start": "2024-06-01", "end": "2024-08-31", "granularity": "season"}),
     "2024-summer"),
    (ev("offensive_launched", time={"start": "2024-01-01", "end": "2024-12-31", "granularity": "year"}), "2024"),
    (ev("casualties_claimed", published="2025-01-06"), "2024/25-winter"),
    (ev("casualties_claimed", time={"start": "2024-12-23", "end": "2024-12-29", "granularity": "week"}),
     "2024/25-winter"),
    (ev("troops_deployed", published="2024-11-30"), "2024-autumn"),
    (ev("troops_deployed", published="2025-03-01"), "2025-spring"),
    # "last week" across a month boundary keys at its midpoint
    (ev("offensive_launched", time={"start": "2024-12-28", "end": "2025-01-03", "granularity": "week"}), "2024-12"),
    (ev("offensive_launched", time={"start": "2024-12-30", "end": "2025-01-05", "granularity": "week"}), "2025-01"),
])
def test_time_bucket(event, bucket):
    assert time_bucket(event) == bucket


def test_key_parts():
    event = ev("territory_claimed", actor="UKR", against="RUS", locations=["Sudzha", "Kursk"], change="lost",
               time=month(2025, 3))
    # territory keys on the place: who holds it is what the claims say (and may dispute)
    assert entry_key_parts(event) == ("territory_claimed", "*", "sudzha", "held", "2025-03")
    event = ev("territory_claimed", actor="UKR", change="lost", time=month(2025, 3))
    assert entry_key_parts(event)[1] == "not:UKR"
    # a repulse keys on the attacker, like the launch it answers
    event = ev("offensive_repelled", actor="RUS", against="UKR", locations=["Berdin", "Kursk"], time=month(2025, 1))
    assert entry_key_parts(event)[:3] == ("offensive", "UKR", "kursk")
    event = ev("casualties_claimed", actor="PRK", locations=["Kursk"])
    assert entry_key_parts(event)[2] == "*"
    event = ev("troops_deployed", actor="RUS", locations=["Kursk"], movement="massed")
    assert entry_key_parts(event)[2:4] == ("russia", "deployed")
    event = ev("military_aid", actor="USA", recipient="UKR")
    assert entry_key_parts(event)[3] == "UKR"


# ----------------------------------------------------------------------------- places


@pytest.mark.parametrize("name, normalized", [
    ("Kursk", "kursk"), ("the Kursk region", "kursk"), ("Kursk Oblast", "kursk"), ("southern Russia", "russia"),
    ("South Korea", "south korea"), ("Kiev", "kyiv"), ("Odessa", "odesa"), ("U.S.", "united states"),
    ("Gebiet Kursk", "kursk"), ("Some Village", "some village"),
])
def test_normalize_name(name, normalized):
    assert normalize_name(name) == normalized


def test_place_tokens():
    assert place_tokens(Location(name="Sudzha")) == {"sudzha", "kursk", "russia"}
    assert place_tokens(Location(name="Nowhere", country="Ukraine")) == {"nowhere", "ukraine"}


# ----------------------------------------------------------------------------- tolerance


def test_relative_difference():
    assert relative_difference(3000, 1000) == pytest.approx(2 / 3)
    assert relative_difference(11000, 12000) == pytest.approx(1 / 12)
    assert relative_difference(0, 0) == 0


# ----------------------------------------------------------------------------- subjects


@pytest.mark.parametrize("text, actor, metric", [
    ("PRK troops", "PRK", "troops"), ("prk casualties", "PRK", "casualties"),
    ("North Korean troops", "PRK", "troops"), ("North Korea's casualties", "PRK", "casualties"),
    ("casualties of Russia", "RUS", "casualties"), ("troops", None, "troops"), ("ALL troops", None, "troops"),
    ("PRK killed or wounded", "PRK", "casualties"), ("ukrainian losses", "UKR", "casualties"),
    ("PRK soldiers", "PRK", "troops"), ("prk_killed", "PRK", "killed"),
])
def test_parse_subject(text, actor, metric):
    assert parse_subject(text) == Subject(actor=actor, metric=metric)


@pytest.mark.parametrize("text", ["", "PRK", "North Korean drones", "Republic of Atlantis troops"])
def test_parse_subject_rejects(text):
    with pytest.raises(ValueError):
        parse_subject(text)


def test_figure_history_claim_by_claim():
    # Given troop figures reported over months, one superseded by a re-extraction
    events = [
        ev(quantities=[("troops", 10000)], claimants=[("USA", "The Pentagon")], modality="claimed", article="n",
           published="2024-11-11"),
        ev(quantities=[{"kind": "troops", "low": 10000, "high": 12000, "approx": True}],
           claimants=["UKR", "KOR"], modality="claimed", article="m", published="2025-03-11"),
        ev(quantities=[("troops", 14000)], claimants=[(None, "various reports")], modality="estimated",
           article="a", published="2025-04-27", version="1.0.0"),
        ev(quantities=[("troops", 99999)], article="a", published="2025-04-27", version="0.9.0"),
        ev(quantities=[("troops", 50000)], actor="RUS", article="r", published="2024-12-30"),
        ev("casualties_claimed", quantities=[("killed", 300), ("wounded", 2700)], claimants=["KOR"], article="m",
           published="2025-03-11", modality="estimated"),
    ]
    # When asked for PRK troops
    points = figure_history(events, "PRK troops")
    # Then one point per claim, in published order, with who said it and how
    assert [(p.published_at.isoformat(), p.claimant, p.modality, p.mid) for p in points] == [
        ("2024-11-11", "USA", "claimed", 10000),
        ("2025-03-11", "UKR, KOR", "claimed", 11000),
        ("2025-04-27", "various reports", "estimated", 14000),
    ]
    assert points[1].low == 10000 and points[1].high == 12000 and points[1].approx
    assert all(p.evidence and p.article for p in points)
    entries = fold(events)
    assert figure_history(entries, "PRK troops") == points
    assert [p.kind for p in figure_history(entries, "PRK casualties")] == ["killed", "wounded"]
    assert [p.kind for p in figure_history(entries, "PRK killed")] == ["killed"]
    subjects = {s.subject: s for s in list_subjects(entries)}
    assert subjects["PRK troops"].points == 3 and subjects["RUS troops"].points == 1
    assert subjects["ALL troops"].points == 4
    assert subjects["PRK casualties"].points == 2 and subjects["PRK casualties"].entries == 1


# ----------------------------------------------------------------------------- query


@pytest.fixture()
def sample():
    return fold([
        ev("casualties_claimed", quantities=[("casualties", 3000)], claimants=[("UKR", "Zelensky")],
           modality="claimed", article="a", published="2025-01-06", sentence="Ukrainian claims put losses at 3,000.",
           ingested="2025-01-06T10:00:00+00:00"),
        ev("casualties_claimed", quantities=[("casualties", 1000)], claimants=[("WEST", "Western estimates")],
           modality="estimated", article="b", published="2025-01-08", sentence="Western estimates: about 1,000.",
           ingested="2025-01-08T10:00:00+00:00"),
        ev("territory_claimed", actor="RUS", partners=["PRK"], locations=["Sudzha"], change="captured",
           time=day("2025-03-12"), article="c", published="2025-03-13", sentence="Russia took Sudzha.",
           ingested="2025-03-13T10:00:00+00:00"),
        ev("strike", actor="RUS", locations=["Odesa"], article="d", published="2024-11-11",
           sentence="A strike hit Odesa.", ingested="2024-11-11T10:00:00+00:00"),
    ])


def ids(entries):
    return [(e.type, e.actor) for e in entries]


def test_filter_entries(sample):
    assert ids(filter_entries(sample)) == [("strike", "RUS"), ("casualties_claimed", "PRK"),
                                           ("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, type="strike")) == [("strike", "RUS")]
    assert ids(filter_entries(sample, actor="prk")) == [("casualties_claimed", "PRK"), ("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, location="kursk")) == [("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, location="Sudzha")) == [("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, claimant="west")) == [("casualties_claimed", "PRK")]
    assert ids(filter_entries(sample, claimant="article")) == [("strike", "RUS"), ("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, contested=True)) == [("casualties_claimed", "PRK")]
    assert ids(filter_entries(sample, start=date(2025, 3, 1))) == [("territory_claimed", "RUS")]
    assert ids(filter_entries(sample, end=date(2024, 12, 31))) == [("strike", "RUS")]
    assert ids(filter_entries(sample, q="ODESA")) == [("strike", "RUS")]
    assert ids(filter_entries(sample, party="UKR")) == []


def test_filter_as_of_rebuilds_entries(sample):
    # Before the Western estimate arrived, the casualty entry had one claim and was not contested
    (entry,) = filter_entries(sample, type="casualties_claimed", as_of=datetime(2025, 1, 7, tzinfo=UTC))
    assert len(entry.claims) == 1 and not entry.contested
    assert filter_entries(sample, contested=True, as_of=datetime(2025, 1, 7, tzinfo=UTC)) == []
    assert filter_entries(sample, as_of=datetime(2024, 1, 1)) == []
    assert len(filter_entries(sample, as_of=datetime(2030, 1, 1))) == 3


def test_filters_take_party_names_as_well_as_codes():
    from services.timeline.api import party_code

    assert party_code("North Korea") == "PRK" and party_code("prk") == "PRK"
    assert party_code("Zelensky") == "UKR"
    assert party_code("article") == "ARTICLE"  # matched case-insensitively by the index
    assert party_code("  ") is None
