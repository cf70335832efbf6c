"""Whether a timeline process serves the truth right now (pure; `/health` reports it).

Ready means: both backends answer, the projection is complete (the store has positions:
a rebuild writes them last, so a store without them while the log has records is empty or
half rebuilt, e.g. right after Redis lost its data), and it is not stalled (consumer lag
that has not moved for `stall_after_s`).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Readiness:
    ready: bool
    state: str  # "live", "down", "rebuilding", "stalled"
    reason: str = ""


def assess(*, store_up: bool, log_up: bool, has_positions: bool, log_records: int, lag: int,
           stalled_for_s: float, stall_after_s: float) -> Readiness:
    if not store_up or not log_up:
        return Readiness(False, "down", "the store or the event log does not answer")
    if not has_positions and log_records > 0:
        return Readiness(False, "rebuilding",
                         "the projection is incomplete (no positions yet): rebuilding from the log")
    if lag > 0 and stalled_for_s >= stall_after_s:
        return Readiness(False, "stalled", f"{lag} records behind and no progress for {stalled_for_s:.0f} s")
    return Readiness(True, "live")


class ProgressWatch:
    """Remembers when the stored positions last moved (or the lag was last zero)."""

    def __init__(self) -> None:
        self._seen: dict[int, int] | None = None
        self._since: float | None = None

    def stalled_for(self, positions: Mapping[int, int], lag: int, now: float) -> float:
        """Seconds the projection has been behind without moving (0 when it is caught up)."""
        if lag == 0 or self._seen != dict(positions) or self._since is None:
            self._seen = dict(positions)
            self._since = now
            return 0.0
        return now - self._since
