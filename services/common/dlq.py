"""Operating the dead-letter topics: park records, list what is parked, re-drive parked articles.

A re-driven article goes through ingest's own validation and service (the articles
topic keeps one writer); what is still invalid stays parked and is reported.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Sequence

from pydantic import ValidationError

from schemas.article import Article
from schemas.deadletter import DeadLetter
from services.common.ports import EventLog
from services.common.settings import Settings
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


def retry_refusal(letter: DeadLetter) -> str | None:
    """Why a parked article cannot be re-driven as it is (None: it can be tried)."""
    from services.ingest.core import MAX_DEPTH, too_deep

    if letter.value_truncated:
        return (f"only a truncated copy was parked ({letter.value_size} bytes, sha256 {letter.value_sha256}); "
                "re-send the original")
    try:
        item = json.loads(letter.original_value())
    except (ValueError, RecursionError):
        return "not JSON (or nested too deeply)"
    if too_deep(item):
        return f"JSON nested deeper than {MAX_DEPTH} levels"
    if not isinstance(item, dict):
        return f"expected a JSON object, got {type(item).__name__}"
    return None


async def retry_article_letters(event_log: EventLog, settings: Settings, *, embedded: bool) -> dict:
    from services.ingest.core import validate_item
    from services.ingest.service import IngestService

    if embedded:
        from services.embedded.runtime import warm_seen
        from services.ingest.seen import MemorySeenStore

        seen = MemorySeenStore()
        await warm_seen(event_log, seen)  # type: ignore[arg-type]
    else:
        import redis.asyncio as aioredis

        from services.ingest.seen import RedisSeenStore

        seen = RedisSeenStore(aioredis.from_url(settings.redis_url), settings.redis_prefix)
    service = IngestService(event_log, seen)
    report: dict = {"accepted": 0, "duplicates": 0, "still_invalid": []}
    now = datetime.now(timezone.utc)
    try:
        for where, letter in await read_dead_letters(event_log, "articles"):
            # One odd letter (truncated, not JSON, nested too deep, not an article) is
            # reported and stays parked; it never stops the others being re-driven.
            reason = retry_refusal(letter)
            if reason is not None:
                report["still_invalid"].append((where, reason))
                continue
            outcome = validate_item(0, json.loads(letter.original_value()), now=now)
            if not isinstance(outcome, Article):
                report["still_invalid"].append((where, "; ".join(f"{p.field}: {p.message}" for p in outcome)))
                continue
            try:
                receipt = (await service.submit([outcome]))[0]
            except Exception as error:  # noqa: BLE001 - e.g. too big for the log: report, go on
                report["still_invalid"].append((where, f"could not be published: {type(error).__name__}: {error}"))
                continue
            report["accepted" if receipt.status == "accepted" else "duplicates"] += 1
    finally:
        await seen.close()
    return report
