"""Readiness is a pure judgement of what /health sees."""
from services.timeline.readiness import ProgressWatch, assess

BASE = {"store_up": True, "log_up": True, "has_positions": True, "log_records": 10, "lag": 0, "stalled_for_s": 0.0,
            "stall_after_s": 30.0}


def test_live_when_complete_and_moving():
    assert assess(**BASE).state == "live" and assess(**BASE).ready


def test_down_beats_everything():
    assert assess(**{**BASE, "store_up": False, "has_positions": False}).state == "down"


def test_no_positions_while_the_log_has_records_is_rebuilding():
    assert assess(**{**BASE, "has_positions": False}).state == "rebuilding"
    assert assess(**{**BASE, "has_positions": False, "log_records": 0}).ready  # an empty log is complete


def test_lag_that_does_not_move_is_stalled():
    assert assess(**{**BASE, "lag": 3, "stalled_for_s": 29.0}).ready
    assert assess(**{**BASE, "lag": 3, "stalled_for_s": 30.0}).state == "stalled"


def test_the_watch_measures_time_without_movement():
    watch = ProgressWatch()
    assert watch.stalled_for({0: 5}, lag=2, now=100.0) == 0.0
    assert watch.stalled_for({0: 5}, lag=2, now=112.0) == 12.0
    assert watch.stalled_for({0: 6}, lag=1, now=113.0) == 0.0  # moved
    assert watch.stalled_for({0: 6}, lag=0, now=200.0) == 0.0  # caught up
    assert watch.stalled_for({0: 6}, lag=4, now=201.0) == 1.0  # behind again: counted from when it was caught up
