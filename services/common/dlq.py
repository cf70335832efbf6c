"""Operating the dead-letter topics: park records and list what is parked.

Re-driving parked articles is ingest's job (`services/ingest/redrive.py`: the articles topic
keeps one writer); the composition root hands it the seen-store.
"""
from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from schemas.deadletter import DeadLetter
from services.common.ports import EventLog
from services.common.topics import ARTICLES_DLQ, EVENTS_DLQ, PARSED_DLQ, TopicSpec

DEAD_LETTER_TOPICS = {"articles": ARTICLES_DLQ, "parsed": PARSED_DLQ, "events": EVENTS_DLQ}


def letter_coordinates(letter: DeadLetter) -> tuple[str, int | None, int | None]:
    """Where the parked record came from: the same record parked twice has equal coordinates."""
    return (letter.source_topic, letter.source_partition, letter.source_offset)


async def park(event_log: EventLog, spec: TopicSpec, letters: Sequence[DeadLetter], *,
               already: set[tuple[str, int | None, int | None]] | None = None) -> int:
    """Publish dead letters and wait until the log has them (the caller commits past the
    records only after this returns). Letters whose source coordinates are in `already`
    are skipped, and `already` is updated: a rebuild or a retried batch parks a record once.
    Returns how many were published."""
    fresh = []
    for letter in letters:
        where = letter_coordinates(letter)
        if already is not None and where[2] is not None and where in already:
            continue
        fresh.append(letter)
    if fresh:
        await event_log.publish_many(spec, [(letter.key, letter.model_dump_json().encode()) for letter in fresh])
        if already is not None:
            already.update(letter_coordinates(letter) for letter in fresh)
    return len(fresh)


async def parked_coordinates(event_log: EventLog, which: str) -> set[tuple[str, int | None, int | None]]:
    """The source coordinates of every letter parked on a dead-letter topic."""
    return {letter_coordinates(letter) for _, letter in await read_dead_letters(event_log, which)}


async def read_dead_letters(event_log: EventLog, which: str) -> list[tuple[str, DeadLetter]]:
    spec = DEAD_LETTER_TOPICS[which]
    await event_log.ensure_topics([spec])
    ends = await event_log.end_offsets(spec)
    positions: dict[int, int] = {}
    letters: list[tuple[str, DeadLetter]] = []
    while any(positions.get(p, 0) < end for p, end in ends.items()):
        records = await event_log.read(spec, positions, max_records=1000, timeout_s=1.0)
        if not records:
            break
        for record in records:
            where = f"{record.partition}:{record.offset}"
            try:
                letters.append((where, DeadLetter.model_validate_json(record.value or b"")))
            except (ValidationError, ValueError):
                letters.append((where, DeadLetter.of(source_topic="?", value=record.value, key=record.key,
                                                     reason="unreadable dead letter", stage="dlq", failed_at_ms=0)))
            positions[record.partition] = record.offset + 1
    return letters


async def dead_letter_counts(event_log: EventLog) -> dict[str, int]:
    """How many letters each dead-letter topic holds (its end offsets: letters are never
    removed but by retention), by topic suffix: `articles.deadletter` (parse),
    `articles.parsed.deadletter` (extract), `events.deadletter` (timeline)."""
    return {spec.suffix: sum((await event_log.end_offsets(spec)).values())
            for spec in DEAD_LETTER_TOPICS.values()}
