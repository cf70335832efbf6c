"""End to end on real Kafka, Redis and CoreNLP: HTTP in, four real service processes, HTTP out.

Given the ingest, parse, extract and timeline services running as `claimline` processes,
when the seed articles are posted to ingest, then the timeline serves exactly the entries
the pure extractor and fold compute from the parses on `articles.parsed`, with evidence
quoted from the articles.
"""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import httpx
import pytest
import redis

from services.common.kafka_log import KafkaLog
from services.common.topics import ARTICLES, ARTICLES_DLQ
from services.extract.core import extract
from services.timeline.core import fold
from tests.support.parsed import read_parsed
from tests.support.services import ServiceProcess, service_env, wait_http_ok

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-articles.jsonl"


def seed_articles() -> list[dict]:
    return [json.loads(line) for line in SEED.read_text().splitlines() if line.strip()]


def poll(fetch, done, timeout_s: float = 90.0, interval: float = 0.25):
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = fetch()
        if done(value):
            return value
        time.sleep(interval)
    raise AssertionError(f"not reached within {timeout_s}s; last value: {str(value)[:500]}")


def all_entries(base: str) -> list[dict]:
    entries, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 200, "claims": "all", **({"cursor": cursor} if cursor else {})}
        page = httpx.get(f"{base}/timeline", params=params, timeout=10).json()
        entries.extend(page["entries"])
        cursor = page["next_cursor"]
        if not cursor:
            return entries


@pytest.fixture
def stack(kafka_bootstrap, redis_url, parser_url, unique_prefix, tmp_path):
    env = service_env(kafka_bootstrap, redis_url, unique_prefix, parser_url)
    procs = {
        "ingest": ServiceProcess("ingest", ["ingest", "serve"], env, tmp_path / "ingest.log"),
        "parse": ServiceProcess("parse", ["parse", "run"], env, tmp_path / "parse.log"),
        "extract": ServiceProcess("extract", ["extract", "run"], env, tmp_path / "extract.log"),
        "timeline": ServiceProcess("timeline", ["timeline", "serve"], env, tmp_path / "timeline.log"),
    }
    for proc in procs.values():
        proc.start()
    ingest = f"http://127.0.0.1:{env['CLAIMLINE_INGEST_PORT']}"
    timeline = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
    try:
        wait_http_ok(f"{ingest}/health", procs["ingest"])
        wait_http_ok(f"{timeline}/health", procs["timeline"])
        wait_http_ok(f"http://127.0.0.1:{env['CLAIMLINE_EXTRACT_WEB_PORT']}/health", procs["extract"])
        wait_http_ok(f"http://127.0.0.1:{env['CLAIMLINE_PARSE_WEB_PORT']}/health", procs["parse"])
        yield {"env": env, "procs": procs, "ingest": ingest, "timeline": timeline}
    finally:
        for proc in procs.values():
            proc.stop()


def expected_timeline(env: dict[str, str], ids: list[str], timeout_s: float = 120.0):
    """What the pure extractor and fold compute from the parse stage's own parses of `ids`."""
    parsed = asyncio.run(read_parsed(env["CLAIMLINE_KAFKA_BOOTSTRAP"], env["CLAIMLINE_TOPIC_PREFIX"], ids,
                                     timeout_s=timeout_s))
    events = [e for i in ids for e in extract(parsed[i])]
    return events, fold(events)


def test_seed_articles_flow_from_http_through_kafka_to_the_timeline(stack):
    raw = seed_articles()
    # When: the five seed articles are posted one by one
    ids = []
    for article in raw:
        response = httpx.post(f"{stack['ingest']}/articles", json=article, timeout=30)
        assert response.status_code == 202, response.text
        receipt = response.json()["articles"][0]
        assert receipt["status"] == "accepted" and receipt["topic"].endswith("articles")
        ids.append(receipt["id"])
    assert ids == [a["id"] for a in raw]

    # Then: the timeline converges on what the pure extractor + fold compute
    events, expected = expected_timeline(stack["env"], ids)
    assert events, "the extractor found nothing in the seed articles"
    served = poll(lambda: all_entries(stack["timeline"]),
                  lambda entries: sum(len(e["claims"]) for e in entries) >= len(events))
    assert {e["entry_id"] for e in served} == set(expected)
    served_event_ids = {c["event_id"] for e in served for c in e["claims"]}
    assert served_event_ids == {e.event_id for e in events}
    by_id = {a["id"]: a["text"] for a in raw}
    for entry in served:
        assert entry["type"] == expected[entry["entry_id"]].type
        assert entry["contested"] == expected[entry["entry_id"]].contested
        for claim in entry["claims"]:
            for evidence in claim["evidence"]:
                assert by_id[claim["article"]][evidence["start"]:evidence["end"]] == evidence["sentence"]
    # Entries come in event-time order
    assert [e["sort_score"] for e in served] == sorted(e["sort_score"] for e in served)

    # And: re-posting an article publishes nothing new and answers with the same id
    again = httpx.post(f"{stack['ingest']}/articles", json=raw[0], timeout=30).json()
    assert again["duplicates"] == 1 and again["articles"][0]["id"] == raw[0]["id"]

    # And: health reports both backends up and the consumer caught up
    health = poll(lambda: httpx.get(f"{stack['timeline']}/health").json(), lambda h: h.get("consumer_lag") == 0)
    assert health["store"] == "up" and health["log"] == "up"


def test_bad_input_gets_a_clear_error_or_is_parked(stack):
    # A malformed article over HTTP: 422 naming the field, nothing published
    response = httpx.post(f"{stack['ingest']}/articles", json={"title": "no text"}, timeout=10)
    assert response.status_code == 422
    assert {"item": 0, "field": "text", "problem": "Field required"} in response.json()["problems"]
    response = httpx.post(f"{stack['ingest']}/articles", json={"text": "x", "published_at": "yesterday"}, timeout=10)
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "published_at"

    # A raw message on the articles topic that is not an article goes to the dead-letter
    # topic with the reason (the parse stage validates), and the pipeline keeps going.
    env = stack["env"]

    async def produce_and_read():
        log = KafkaLog(env["CLAIMLINE_KAFKA_BOOTSTRAP"], env["CLAIMLINE_TOPIC_PREFIX"])
        try:
            await log.publish(ARTICLES, "junk-1", b"this is not json")
            await log.publish(ARTICLES, "junk-2", json.dumps({"id": "x1", "text": "no date"}).encode())
            deadline = time.monotonic() + 60
            letters, positions = [], {}
            while time.monotonic() < deadline and len(letters) < 2:
                for record in await log.read(ARTICLES_DLQ, positions, timeout_s=1.0):
                    letters.append(json.loads(record.value))
                    positions[record.partition] = record.offset + 1
            return letters
        finally:
            await log.close()

    letters = asyncio.run(produce_and_read())
    by_key = {letter["key"]: letter for letter in letters}  # two partitions: no order between them
    assert sorted(by_key) == ["junk-1", "junk-2"]
    assert "not a valid article" in by_key["junk-1"]["reason"]
    assert "published_at" in by_key["junk-2"]["reason"]

    article = seed_articles()[1]
    assert httpx.post(f"{stack['ingest']}/articles", json=article, timeout=30).status_code == 202
    poll(lambda: httpx.get(f"{stack['timeline']}/articles/{article['id']}").status_code, lambda s: s == 200)


def test_killed_timeline_resumes_with_nothing_lost_or_counted_twice(stack, redis_url, tmp_path):
    """Given a long stream of events, when the timeline process is SIGKILLed mid-stream and
    started again, then its final state equals an uninterrupted fold of the same log."""
    raw = seed_articles()
    copies = []
    for i in range(30):  # 150 articles -> thousands of events
        for article in raw:
            copies.append({**article, "id": f"{article['id']}-{i}", "text": article["text"] + f"\nCopy {i}."})
    body = "".join(json.dumps(a) + "\n" for a in copies)
    timeline = stack["procs"]["timeline"]
    # Kill the timeline while the stream is being produced and folded
    response = httpx.post(f"{stack['ingest']}/articles", content=body.encode(),
                          headers={"Content-Type": "application/x-ndjson"}, timeout=120)
    assert response.status_code == 202 and response.json()["accepted"] == len(copies)
    time.sleep(1.0)
    timeline.kill()
    partial = redis.Redis.from_url(redis_url)
    prefix = stack["env"]["CLAIMLINE_REDIS_PREFIX"]
    folded_at_kill = partial.hlen(f"{prefix}:v1:events")
    timeline.start()
    wait_http_ok(f"{stack['timeline']}/health", timeline)

    events, expected = expected_timeline(stack["env"], [a["id"] for a in copies], timeout_s=240)
    served = poll(lambda: all_entries(stack["timeline"]),
                  lambda entries: sum(len(e["claims"]) for e in entries) >= len(events), timeout_s=180)
    health = poll(lambda: httpx.get(f"{stack['timeline']}/health").json(), lambda h: h.get("consumer_lag") == 0)
    assert folded_at_kill < len(events), "the kill came too late to interrupt the stream"
    assert {e["entry_id"] for e in served} == set(expected)
    claims = [c["event_id"] for e in served for c in e["claims"]]
    assert len(claims) == len(set(claims)) == len(events)  # nothing lost, nothing twice
    for entry in served:
        assert len(entry["claims"]) == len(expected[entry["entry_id"]].claims)
        assert entry["contested"] == expected[entry["entry_id"]].contested
    assert health["consumer_lag"] == 0


def test_stream_pushes_new_entries_live(stack):
    """Given a client on /timeline/stream, when an article is posted, then its entries arrive."""
    article = seed_articles()[2]
    received: list[dict] = []
    with httpx.Client(timeout=httpx.Timeout(60.0, connect=5.0)) as client:
        with client.stream("GET", f"{stack['timeline']}/timeline/stream") as stream:
            lines = stream.iter_lines()
            assert next(lines).startswith("retry:")
            assert httpx.post(f"{stack['ingest']}/articles", json=article, timeout=30).status_code == 202
            event = None
            for line in lines:
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: ") and event == "entry":
                    received.append(json.loads(line[len("data: "):]))
                    break
    assert received and any(c["article"] == article["id"] for c in received[0]["claims"])
