"""The scorer itself, on tiny hand-made gold/prediction pairs (ANNOTATION.md 'Scoring')."""
from __future__ import annotations

from datetime import date

import pytest

from services.extract.evaluation import format_report, matches, quantity_equal, score, slot_results

PUB = date(2024, 11, 11)


def gold(**kw):
    base = {"article": "a1", "id": "g", "type": "strike", "mentions": ["drone assault on Moscow"], "actor": "UKR",
            "partners": [], "against": "RUS", "locations": ["Moscow"], "quantities": [], "claimants": [],
            "modality": "asserted", "optional": False}
    base.update(kw)
    return base


def pred(**kw):
    base = {"article": "a1", "type": "strike", "actor": "UKR", "published_at": "2024-11-11",
            "locations": [{"name": "Moscow"}], "quantities": [], "claimants": [], "modality": "asserted",
            "time": {"start": "2024-11-11", "end": "2024-11-11", "granularity": "day"},
            "evidence": [{"sentence": "Ukraine launched its biggest drone assault on Moscow.", "start": 0, "end": 52}]}
    base.update(kw)
    return base


def test_match_needs_article_type_mention_and_actor() -> None:
    g = gold()
    assert matches(pred(), g)
    assert not matches(pred(article="a2"), g)
    assert not matches(pred(type="offensive_launched"), g)
    assert not matches(pred(actor="RUS"), g)
    assert not matches(pred(evidence=[{"sentence": "Something else happened.", "start": 0, "end": 24}]), g)
    # gold without an actor accepts any actor
    assert matches(pred(actor="RUS"), gold(actor=None))


def test_match_is_insensitive_to_quote_style_and_spacing() -> None:
    g = gold(mentions=["Ukraine’s  drone assault"])
    p = pred(evidence=[{"sentence": "It was Ukraine's drone assault.", "start": 0, "end": 31}])
    assert matches(p, g)


def test_denied_matches_only_denied() -> None:
    g = gold(modality="denied")
    assert not matches(pred(), g)
    assert matches(pred(modality="denied"), g)
    assert not matches(pred(modality="denied"), gold())


def test_precision_recall_duplicates_and_optional() -> None:
    golds = [gold(id="g1"), gold(id="g2", mentions=["wave of 145 Russian drones"], actor="RUS"),
             gold(id="g3", mentions=["artillery"], optional=True)]
    preds = [pred(), pred(),  # the second is a duplicate of g1, not a false alarm
             pred(evidence=[{"sentence": "heavy artillery fire", "start": 0, "end": 20}]),  # optional only: neither
             pred(evidence=[{"sentence": "Something unrelated.", "start": 0, "end": 20}])]  # false alarm
    s = score(golds, preds, {"a1": PUB})
    assert (s.overall.tp, s.overall.fn, s.overall.fp) == (1, 1, 1)
    assert s.overall.precision == pytest.approx(0.5)
    assert s.overall.recall == pytest.approx(0.5)
    assert s.overall.f1 == pytest.approx(0.5)
    assert len(s.duplicates) == 1 and len(s.optional_matches) == 1
    assert [m["id"] for m in s.misses] == ["g2"]
    report = format_report(s)
    assert "MISSES (1)" in report and "FALSE ALARMS (1)" in report and "Something unrelated." in report


def test_per_type_counts() -> None:
    golds = [gold(id="g1"), gold(id="d1", type="diplomacy", mentions=["phone call"], actor="USA")]
    preds = [pred(), pred(type="diplomacy", actor="USA",
                          evidence=[{"sentence": "a phone call between Trump and Zelensky", "start": 0, "end": 39}])]
    s = score(golds, preds, {"a1": PUB})
    assert s.per_type["strike"].f1 == 1.0 and s.per_type["diplomacy"].f1 == 1.0


def test_quantity_slot() -> None:
    assert quantity_equal({"kind": "troops", "value": 11000}, {"kind": "troops", "value": 11000.0, "approx": True})
    assert not quantity_equal({"kind": "troops", "value": 11000}, {"kind": "killed", "value": 11000})
    assert quantity_equal({"kind": "troops", "low": 10000, "high": 12000}, {"kind": "troops", "low": 10000, "high": 12000})
    assert not quantity_equal({"kind": "troops", "low": 10000, "high": 12000}, {"kind": "troops", "value": 10000})
    assert quantity_equal({"kind": "troops", "vague": "thousands"}, {"kind": "troops", "vague": "Thousands"})
    g = gold(quantities=[{"kind": "injured", "value": 1}, {"kind": "drones", "value": 145}])
    assert not slot_results(g, pred(quantities=[{"kind": "injured", "value": 1}]), PUB)["quantities"]
    assert slot_results(g, pred(quantities=[{"kind": "injured", "value": 1}, {"kind": "drones", "value": 145},
                                            {"kind": "killed", "value": 3}]), PUB)["quantities"]


def test_location_slot_takes_the_first_gold_place() -> None:
    g = gold(locations=["Berdin", "Kursk"])
    assert slot_results(g, pred(locations=[{"name": "Kursk"}, {"name": "Berdin"}]), PUB)["locations"]
    assert not slot_results(g, pred(locations=[{"name": "Kursk"}]), PUB)["locations"]
    assert "locations" not in slot_results(gold(locations=[]), pred(), PUB)  # not scored without gold places


def test_time_slot_exact_fuzzy_and_article_date() -> None:
    exact = gold(time={"start": "2024-11-10", "end": "2024-11-11", "granularity": "day"})
    assert slot_results(exact, pred(time={"start": "2024-11-10", "end": "2024-11-11"}), PUB)["time"]
    assert not slot_results(exact, pred(time={"start": "2024-11-11", "end": "2024-11-11"}), PUB)["time"]
    fuzzy = gold(time={"start": "2024-11-09", "end": "2024-11-10", "granularity": "day", "fuzzy": True})
    assert slot_results(fuzzy, pred(time={"start": "2024-11-10", "end": "2024-11-11"}), PUB)["time"]
    assert not slot_results(fuzzy, pred(time={"start": "2024-11-11", "end": "2024-11-11"}), PUB)["time"]
    # gold without time: the article's date
    assert slot_results(gold(), pred(), PUB)["time"]


def test_claimant_modality_and_type_slots() -> None:
    g = gold(claimants=[{"party": "UKR", "name": "Zelensky"}, {"party": "UKR", "name": "Ukrainian officials"}],
             modality="claimed", type="territory_claimed", change="captured")
    p = pred(claimants=[{"party": "UKR", "name": "Kyiv"}], modality="claimed", type="territory_claimed", change="captured")
    r = slot_results(g, p, PUB)
    assert r["claimants"] and r["modality"] and r["change"]
    r = slot_results(g, pred(claimants=[{"party": None, "name": "reports"}], modality="asserted", change="regained"), PUB)
    assert not r["claimants"] and not r["modality"] and not r["change"]
    assert "movement" not in r and "recipient" not in r


def test_slots_use_the_best_matching_prediction() -> None:
    g = gold(quantities=[{"kind": "drones", "value": 145}])
    s = score([g], [pred(), pred(quantities=[{"kind": "drones", "value": 145}])], {"a1": PUB})
    assert s.slots["quantities"].accuracy == 1.0
    assert len(s.duplicates) == 1
