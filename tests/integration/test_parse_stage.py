"""The parse stage on real Kafka with the real CoreNLP server: `claimline parse run` and
`claimline extract run` as processes.

Given articles on the articles topic, the parse stage publishes each with its parse on
articles.parsed, and extract turns those into events and a marker per article; expected
events are the pure extractor's over the same parses (so these tests survive rule changes).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schemas.article import Article
from schemas.parse import PARSER_VERSION
from services.common.kafka_log import KafkaLog
from services.common.topics import ALL_TOPICS, ARTICLES, ARTICLES_DLQ, ARTICLES_PARSED, EVENTS, PARSED_DLQ
from services.extract.core import EXTRACTOR_VERSION, extract
from tests.support.parsed import markers, read_parsed, read_topic
from tests.support.proxy import SwitchableProxy
from tests.support.services import REPO, ServiceProcess, service_env, wait_http_ok

SEED = Path(__file__).resolve().parents[1] / "data" / "seed-articles.jsonl"
GERMAN = ("Die ukrainischen Streitkräfte haben nach eigenen Angaben einen russischen Angriff in der Region "
          "Charkiw abgewehrt. Das Verteidigungsministerium in Moskau widersprach dieser Darstellung und "
          "erklärte, seine Truppen hätten zwei Dörfer eingenommen.")


def seed_articles() -> list[Article]:
    return [Article.model_validate(json.loads(line)) for line in SEED.read_text().splitlines() if line.strip()]


async def publish(env: dict[str, str], spec, items: list[tuple[str, bytes]]) -> None:
    log = KafkaLog(env["CLAIMLINE_KAFKA_BOOTSTRAP"], env["CLAIMLINE_TOPIC_PREFIX"])
    try:
        await log.ensure_topics(ALL_TOPICS)
        await log.publish_many(spec, items)
    finally:
        await log.close()


def read(env: dict[str, str], spec, until, timeout_s: float = 120.0) -> list:
    return asyncio.run(read_topic(env["CLAIMLINE_KAFKA_BOOTSTRAP"], env["CLAIMLINE_TOPIC_PREFIX"], spec, until,
                                  timeout_s))


@pytest.fixture
def pipeline(kafka_bootstrap, redis_url, parser_url, unique_prefix, tmp_path):
    """start(parser_url=None) starts `parse run` and `extract run`; returns their env."""
    procs: list[ServiceProcess] = []

    def start(parser: str | None = None) -> dict[str, str]:
        env = service_env(kafka_bootstrap, redis_url, unique_prefix, parser or parser_url)
        asyncio.run(publish(env, ARTICLES, []))  # topics exist before the workers subscribe
        for name in ("parse", "extract"):
            procs.append(ServiceProcess(name, [name, "run"], env, tmp_path / f"{name}.log").start())
        port = {"parse": "CLAIMLINE_PARSE_WEB_PORT", "extract": "CLAIMLINE_EXTRACT_WEB_PORT"}
        for proc in procs:
            wait_http_ok(f"http://127.0.0.1:{env[port[proc.name]]}/health", proc)
        return env

    yield start
    for proc in procs:
        proc.stop()


def test_articles_are_parsed_then_extracted(pipeline):
    env = pipeline()
    seed = seed_articles()
    german = Article.model_validate({**seed[0].model_dump(mode="json"), "id": "de-1", "text": GERMAN})
    # A long article (~110,000 characters): its parsed record is past Kafka's 1 MB default.
    long = Article.model_validate({**seed[1].model_dump(mode="json"), "id": "long-1",
                                   "text": "\n\n".join(a.text for a in seed) * 7})
    articles = [*seed, german, long]
    asyncio.run(publish(env, ARTICLES, [(a.id, a.model_dump_json().encode()) for a in articles]))

    ids = [a.id for a in articles]
    parsed = asyncio.run(read_parsed(env["CLAIMLINE_KAFKA_BOOTSTRAP"], env["CLAIMLINE_TOPIC_PREFIX"], ids,
                                     timeout_s=240))
    for article in [*seed, long]:
        p = parsed[article.id]
        assert p.status == "parsed" and p.language == "en" and p.parser_version == PARSER_VERSION
        assert p.article == article and p.sentences
        for s in p.sentences:  # offsets point into the article's text
            assert all(article.text[a:b] == w for a, b, w in zip(s.starts, s.ends, s.words))
    assert parsed["de-1"].status == "unsupported_language" and parsed["de-1"].language == "de"
    assert not parsed["de-1"].sentences
    assert len(parsed["long-1"].model_dump_json()) > 1_048_576

    expected = {e.event_id for i in ids for e in extract(parsed[i])}
    records = read(env, EVENTS, lambda rs: {m["article"] for m in markers(rs)} >= set(ids), timeout_s=120)
    by_article = {m["article"]: m for m in markers(records)}
    assert {e for m in by_article.values() for e in m["event_ids"]} == expected
    assert {json.loads(r.value)["event_id"] for r in records if b"event_id" in r.value[:64]} >= expected
    assert by_article["de-1"] == {**by_article["de-1"], "language": "de", "status": "unsupported_language",
                                  "event_ids": [], "extractor_version": EXTRACTOR_VERSION}
    assert all(by_article[a.id]["status"] == "parsed" and by_article[a.id]["language"] == "en" for a in seed)


def test_a_parser_outage_delays_articles_but_skips_none(pipeline, parser_url):
    proxy = SwitchableProxy.to(parser_url).start()
    proxy.down()  # the parser is down before the first article arrives
    try:
        env = pipeline(proxy.url)
        articles = seed_articles()[:3]
        asyncio.run(publish(env, ARTICLES, [(a.id, a.model_dump_json().encode()) for a in articles]))
        time.sleep(6)  # several retries with backoff
        assert read(env, ARTICLES_PARSED, lambda rs: True, timeout_s=5) == []
        assert read(env, ARTICLES_DLQ, lambda rs: True, timeout_s=5) == []
        # When the parser is back, every article goes through, none skipped
        proxy.up()
        ids = [a.id for a in articles]
        records = read(env, EVENTS, lambda rs: {m["article"] for m in markers(rs)} >= set(ids), timeout_s=120)
        assert {m["article"] for m in markers(records)} == set(ids)
        assert read(env, ARTICLES_DLQ, lambda rs: True, timeout_s=2) == []
        assert proxy.connections > 0
    finally:
        proxy.close()


def test_invalid_parsed_records_are_dead_lettered_and_extract_goes_on(pipeline, parse_cache):
    env = pipeline()
    good = parse_cache.parse(seed_articles()[2])
    broken = json.loads(good.model_dump_json())
    broken["sentences"][0]["heads"] = broken["sentences"][0]["heads"][:-1]  # columns out of step
    asyncio.run(publish(env, ARTICLES_PARSED, [
        ("junk-1", b"not json at all"),
        ("junk-2", json.dumps(broken).encode()),
        (good.article.id, good.model_dump_json().encode()),
    ]))
    letters = [json.loads(r.value) for r in read(env, PARSED_DLQ, lambda rs: len(rs) >= 2)]
    by_key = {letter["key"]: letter for letter in letters}
    assert sorted(by_key) == ["junk-1", "junk-2"]
    assert all("not a valid parsed article" in letter["reason"] for letter in letters)
    assert "token columns differ in length" in by_key["junk-2"]["reason"]
    records = read(env, EVENTS, lambda rs: good.article.id in {m["article"] for m in markers(rs)})
    assert [m["event_ids"] for m in markers(records)] == [[e.event_id for e in extract(good)]]


def test_extract_replay_reads_parses_and_never_calls_the_parser(kafka_bootstrap, redis_url, parser_url,
                                                                 unique_prefix, parse_cache):
    env = service_env(kafka_bootstrap, redis_url, unique_prefix, parser_url)
    parsed = parse_cache.parse_all(seed_articles())
    asyncio.run(publish(env, ARTICLES_PARSED, [(p.article.id, p.model_dump_json().encode()) for p in parsed]))
    # The parser is "down": a proxy that refuses connections and counts any attempt
    proxy = SwitchableProxy.to(parser_url).start()
    proxy.down()
    try:
        result = subprocess.run([sys.executable, "-m", "services.cli", "extract", "replay"], cwd=REPO,
                                env={**os.environ, **env, "CLAIMLINE_PARSER_URL": proxy.url},
                                capture_output=True, text=True, timeout=180)
    finally:
        proxy.close()
    assert result.returncode == 0, result.stderr
    assert f"re-extracted {len(parsed)} articles" in result.stdout
    assert proxy.connections == 0
    records = read(env, EVENTS, lambda rs: len(markers(rs)) >= len(parsed))
    assert {m["article"]: m["event_ids"] for m in markers(records)} == {
        p.article.id: [e.event_id for e in extract(p)] for p in parsed}
