"""Reading what the parse stage published, for tests that compare the pipeline's output with
the pure extractor over the same parses (so they survive extraction-rule rewrites)."""
from __future__ import annotations

import json
import time

from schemas.parse import ParsedArticle
from services.common.kafka_log import KafkaLog
from services.common.ports import Record
from services.common.topics import ARTICLES_PARSED, TopicSpec


async def read_topic(bootstrap: str, prefix: str, spec: TopicSpec, until, timeout_s: float = 60.0) -> list:
    """Records of `spec` from the beginning, read until `until(records)` holds (or the timeout)."""
    log = KafkaLog(bootstrap, prefix, client_id="claimline-test-reader")
    records: list[Record] = []
    positions: dict[int, int] = {}
    deadline = time.monotonic() + timeout_s
    try:
        while not until(records):
            if time.monotonic() > deadline:
                raise AssertionError(f"{spec.suffix}: condition not reached in {timeout_s}s; {len(records)} records")
            for record in await log.read(spec, positions, timeout_s=0.5):
                records.append(record)
                positions[record.partition] = record.offset + 1
    finally:
        await log.close()
    return records


async def read_parsed(bootstrap: str, prefix: str, ids: list[str], timeout_s: float = 120.0) -> dict[str, ParsedArticle]:
    """The parsed article of every id in `ids` from `articles.parsed` (waits until all are there)."""
    wanted = set(ids)

    def have_all(records) -> bool:
        return wanted <= {r.key.decode() for r in records if r.key}

    records = await read_topic(bootstrap, prefix, ARTICLES_PARSED, have_all, timeout_s)
    out = {}
    for record in records:
        key = record.key.decode() if record.key else None
        if key in wanted:
            out[key] = ParsedArticle.model_validate_json(record.value)
    return out


def markers(records) -> list[dict]:
    return [json.loads(r.value) for r in records if b'"record_type":"article_extracted"' in r.value[:64]]
