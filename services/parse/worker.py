"""Parsing over any `EventLog`, outside faust: the embedded mode's parse loop. Same handler
as the faust agent."""
from __future__ import annotations

import time
from collections.abc import Mapping

from services.common.ports import EventLog
from services.common.topics import ARTICLES
from services.parse.handler import Backoff, Parser, handle_article, publish_outcome


def _now_ms() -> int:
    return int(time.time() * 1000)


async def parse_records(event_log: EventLog, positions: Mapping[int, int], parser: Parser, *,
                        backoff: Backoff = Backoff(), max_records: int = 50,
                        timeout_s: float = 0.2) -> tuple[int, dict[int, int]]:
    """Parse one batch of articles read from `positions`; returns (count, new positions).
    Waits for an unreachable parser (the positions never move past an unparsed article)."""
    records = await event_log.read(ARTICLES, positions, max_records=max_records, timeout_s=timeout_s)
    new_positions = dict(positions)
    for record in records:
        outcome = await handle_article(record.value, record.key, topic=record.topic, partition=record.partition,
                                       offset=record.offset, now_ms=_now_ms, parser=parser, backoff=backoff)
        await publish_outcome(event_log, outcome)
        new_positions[record.partition] = record.offset + 1
    return len(records), new_positions
