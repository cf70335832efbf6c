"""Re-driving parked articles (`claimline dlq retry`) through ingest's own validation and service.

The articles topic keeps one writer: a re-driven article is submitted like any other, and
what is still invalid stays parked and is reported with its reason. The seen-store comes
from the composition root (Redis, or the embedded mode's in-process one).
"""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from schemas.article import Article
from schemas.deadletter import DeadLetter
from services.common.dlq import read_dead_letters
from services.common.ports import EventLog
from services.ingest.core import MAX_DEPTH, too_deep, validate_item
from services.ingest.seen import SeenStore
from services.ingest.service import IngestService


def retry_refusal(letter: DeadLetter) -> str | None:
    """Why a parked article cannot be re-driven as it is (None: it can be tried)."""
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


async def redrive_articles(event_log: EventLog, seen: SeenStore) -> dict[str, Any]:
    """Re-submit every parked article; closes `seen` when done."""
    service = IngestService(event_log, seen)
    report: dict[str, Any] = {"accepted": 0, "duplicates": 0, "still_invalid": []}
    now = datetime.now(UTC)
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
