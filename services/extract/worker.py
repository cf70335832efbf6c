"""Extraction over any `EventLog`, outside faust: the embedded mode's extract loop and
`claimline extract replay`. Same handler as the faust agent. Reads parsed articles only:
nothing here calls the parser."""
from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from services.common.ports import EventLog
from services.common.topics import ARTICLES_PARSED
from services.extract.handler import handle_parsed, publish_outcome


async def extract_records(event_log: EventLog, positions: Mapping[int, int], *, max_records: int = 100,
                          timeout_s: float = 0.2, time_limit_s: float | None = None) -> tuple[int, dict[int, int]]:
    """Extract one batch of parsed articles read from `positions`; returns (count, new positions).
    `time_limit_s`: the most one article's extraction may take before it is parked."""
    records = await event_log.read(ARTICLES_PARSED, positions, max_records=max_records, timeout_s=timeout_s)
    new_positions = dict(positions)
    for record in records:
        outcome = handle_parsed(record.value, record.key, topic=record.topic, partition=record.partition,
                                offset=record.offset, now_ms=int(time.time() * 1000),
                                time_limit_s=time_limit_s)
        await publish_outcome(event_log, outcome)
        new_positions[record.partition] = record.offset + 1
    return len(records), new_positions


async def replay_articles(event_log: EventLog, *, progress: Callable[[int, int], None] | None = None,
                          time_limit_s: float | None = None) -> int:
    """Re-extract every parsed article from the start of `articles.parsed` with the current
    extractor (the parses are reused: the parser is not needed)."""
    ends = await event_log.end_offsets(ARTICLES_PARSED)
    total = sum(ends.values())
    positions: dict[int, int] = {}
    done = 0
    while any(positions.get(p, 0) < end for p, end in ends.items()):
        count, positions = await extract_records(event_log, positions, timeout_s=1.0,
                                                 time_limit_s=time_limit_s)
        done += count
        if progress:
            progress(done, total)
        if count == 0:
            break  # nothing more within the read timeout: a retention gap, or the end
    return done
