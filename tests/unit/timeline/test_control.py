"""Control of a place over time (services/timeline/control.py): pure, on folded entries."""
from datetime import date

import pytest

from services.timeline.control import control_claims, holder_of, state_at, state_history
from services.timeline.core import fold
from tests.support.events import make_event

AUG, DEC, MAR, APR = date(2024, 8, 6), date(2024, 12, 30), date(2025, 3, 8), date(2025, 4, 27)


def claims_of(*events, place="Kursk"):
    return control_claims(fold(events).values(), place)


def captured_by_ukraine(when=AUG, location="Sudzha", **kw):
    return make_event("a1", "territory_claimed", actor="UKR", change="captured", location=location, when=when,
                      claimant="UKR", sentence="Ukraine said its forces captured Sudzha.", **kw)


def regained_by_russia(when=MAR, modality=None, claimant="RUS", article="a2"):
    return make_event(article, "territory_claimed", actor="RUS", change="regained", location="Kursk", when=when,
                      claimant=claimant, modality=modality, sentence="Russia said it regained full control of Kursk.")


def test_holders_by_change():
    assert holder_of("captured", "UKR") == "UKR"
    assert holder_of("regained", "RUS") == "RUS"
    assert holder_of("controls", "RUS") == "RUS"
    assert holder_of("lost", "UKR") == "RUS"  # the one opponent in the party table
    assert holder_of("lost", "WEST") is None  # no single opponent
    assert holder_of("captured", None) is None


def test_no_claim_before_the_date_is_unknown():
    claims = claims_of(captured_by_ukraine())
    state = state_at(claims, date(2024, 8, 1))
    assert (state.status, state.holder, state.since) == ("unknown", None, None)


def test_a_capture_is_held_from_its_day_and_a_region_finds_its_settlements():
    claims = claims_of(captured_by_ukraine())
    assert [c.locations for c in claims] == [("Sudzha",)]
    state = state_at(claims, date(2024, 9, 1))
    assert (state.status, state.holder, state.since) == ("held", "UKR", AUG)
    assert "UKR captured" in state.reason


def test_a_later_regain_changes_hands_and_a_denial_contests_it():
    claims = claims_of(captured_by_ukraine(), regained_by_russia(),
                       regained_by_russia(when=APR, article="a3"),
                       regained_by_russia(when=APR, modality="denied", claimant="UKR", article="a3"))
    assert state_at(claims, date(2025, 1, 1)).holder == "UKR"
    assert (state_at(claims, MAR).status, state_at(claims, MAR).holder) == ("held", "RUS")
    denied = state_at(claims, date(2025, 5, 1))
    assert denied.status == "contested" and denied.since == APR
    assert "denied by UKR" in denied.reason
    assert [(s.at, s.status, s.holder) for s in state_history(claims)] == [
        (AUG, "held", "UKR"), (MAR, "held", "RUS"), (APR, "contested", "RUS")]


def test_claims_naming_different_holders_on_one_day_are_contested():
    claims = claims_of(captured_by_ukraine(when=MAR, location="Kursk"), regained_by_russia(when=MAR))
    state = state_at(claims, MAR)
    assert (state.status, state.holder) == ("contested", None)
    assert state.reason.startswith("claims differ")


def test_a_loss_of_a_share_is_divided_control_and_expectations_do_not_count():
    half = make_event("a4", "territory_claimed", actor="UKR", change="lost", location="Kursk", when=DEC,
                      quantity=("share", 0.5), claimant="WEST", sentence="Ukraine has lost half of it.")
    expected = make_event("a4", "territory_claimed", actor="UKR", change="lost", location="Kursk",
                          when=date(2025, 2, 1), modality="expected", sentence="It could lose the rest.")
    claims = claims_of(captured_by_ukraine(), half, expected)
    assert state_at(claims, DEC).status == "contested" and state_at(claims, DEC).reason.startswith("divided")
    assert state_at(claims, date(2025, 3, 1)).since == DEC  # the expectation is listed but decides nothing
    assert any(c.modality == "expected" for c in claims)
    whole = make_event("a5", "territory_claimed", actor="UKR", change="lost", location="Kursk", when=DEC,
                       claimant="RUS", sentence="Ukraine lost Kursk.")
    assert (state_at(claims_of(whole), DEC).status, state_at(claims_of(whole), DEC).holder) == ("held", "RUS")


def test_other_places_and_other_types_are_left_out():
    elsewhere = captured_by_ukraine(location="Kurakhove")
    strike = make_event("a6", "strike", actor="RUS", location="Kursk", sentence="Russia struck Kursk.")
    assert claims_of(elsewhere, strike) == []


@pytest.mark.parametrize("place", ["Kursk", "kursk region", "Sudzha"])
def test_any_spelling_of_the_place(place):
    assert len(claims_of(captured_by_ukraine(), place=place)) == 1
