"""Bad input gets a 4xx, never a 500; limits are enforced in the pure ingest core."""
from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import httpx
import pytest

from schemas.article import Article
from schemas.deadletter import DeadLetter
from services.cli import retry_article_letters
from services.common.settings import Settings
from services.common.topics import ALL_TOPICS, ARTICLES_DLQ
from services.embedded.runtime import create_embedded_app
from services.embedded.sqlite_log import SqliteLog
from services.ingest.core import MAX_DEPTH, parse_submission, too_deep
from services.ingest.seen import MemorySeenStore
from services.ingest.service import IngestService

NOW = datetime(2025, 1, 6, tzinfo=UTC)
DEEP = "[" * 1000 + "]" * 1000


def nan_cursor() -> str:
    return base64.urlsafe_b64encode(b'[NaN, "x"]').decode().rstrip("=")


@pytest.fixture
async def client(tmp_path, parser_url):
    # the session's parser: the embedded app would otherwise start one of its own
    app = create_embedded_app(Settings(data_dir=tmp_path, parser_url=parser_url), load_bundled=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            yield c


@pytest.mark.parametrize("body, content_type", [
    (DEEP, "application/json"),
    ('{"text": ' + "[" * 1000 + "]" * 1000 + "}", "application/json"),
    ('{"text": "a"}\n' + DEEP + "\n", "application/x-ndjson"),
    ('{"text": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}}', "application/json"),
])
async def test_deeply_nested_json_is_a_422(client, body, content_type):
    response = await client.post("/articles", content=body.encode(), headers={"Content-Type": content_type})
    assert response.status_code == 422, response.text


async def test_a_text_over_the_record_limit_once_escaped_is_a_413(client):
    text = "a" + "\x01" * 190_000  # 190k characters, ~1.1 MB once JSON-escaped
    response = await client.post("/articles", json={"text": text})
    assert response.status_code == 413, response.text
    assert "once encoded" in response.text


@pytest.mark.parametrize("path", [
    "/timeline?to=9999-12-31", "/timeline?from=9999-12-31&to=9999-12-31", "/timeline?to=0001-01-01",
    "/timeline?to=9999-12-31&order=desc", "/timeline?to=9999-12-31&format=csv", f"/timeline?cursor={nan_cursor()}",
    f"/timeline?cursor={nan_cursor()}&type=strike", "/timeline?cursor=%00", "/static/app.js%00.png",
    "/static/..%2Fapi.py", "/static/%2e%2e", "/timeline/%00", "/events/%00", "/articles/%00",
    "/figures?subject=%00%00", "/timeline?as_of=9999-12-31T23:59:59Z", "/timeline?q=%00%00",
    "/timeline?location=%00", "/timeline?limit=100000000000000000000",
])
async def test_odd_queries_are_answered_without_a_5xx(client, path):
    response = await client.get(path)
    assert response.status_code < 500, (path, response.status_code, response.text[:300])


async def test_a_nan_cursor_is_a_400(client):
    assert (await client.get(f"/timeline?cursor={nan_cursor()}")).status_code == 400


def test_depth_is_measured_without_recursion():
    value: object = 1
    for _ in range(100_000):
        value = [value]
    assert too_deep(value)
    assert not too_deep([{"text": "a", "title": "b"}])
    assert too_deep(json.loads("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)))


def test_items_per_request_are_limited():
    body = "\n".join(json.dumps({"text": f"article {i}"}) for i in range(4)).encode()
    submission = parse_submission(body, "application/x-ndjson", now=NOW, max_items=3)
    assert submission.too_large and not submission.articles
    assert len(parse_submission(body, "application/x-ndjson", now=NOW, max_items=4).articles) == 4


class CountingSeen(MemorySeenStore):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def get(self, article_id):  # the per-article path must not be used by submit
        raise AssertionError("submit looked articles up one by one")

    async def get_many(self, article_ids):
        self.calls += 1
        return await super().get_many(article_ids)


async def test_a_batch_is_looked_up_once_and_repeats_inside_it_are_duplicates(tmp_path):
    log = SqliteLog(tmp_path / "log.sqlite")
    await log.ensure_topics(ALL_TOPICS)
    seen = CountingSeen()
    service = IngestService(log, seen)
    articles = [Article.model_validate({"id": f"a{i % 500}", "text": "t", "published_at": "2025-01-01"})
                for i in range(1000)]
    receipts = await service.submit(articles)
    assert seen.calls == 1
    assert [r.status for r in receipts].count("accepted") == 500
    assert receipts[0].offset == receipts[500].offset and receipts[500].status == "duplicate"
    await log.close()


async def test_dlq_retry_reports_odd_letters_and_re_drives_the_rest(tmp_path):
    settings = Settings(data_dir=tmp_path)
    log = SqliteLog(tmp_path / "claimline.sqlite", settings.topic_prefix)
    await log.ensure_topics(ALL_TOPICS)

    def letter(value: bytes) -> bytes:
        return DeadLetter.of(source_topic="articles", value=value, key=b"k", reason="r", stage="validate",
                             failed_at_ms=0).model_dump_json().encode()

    nested = ("[" * 5000 + "]" * 5000).encode()
    await log.publish(ARTICLES_DLQ, "k", letter(nested))
    await log.publish(ARTICLES_DLQ, "k", letter(b'{"text": ' + b"[" * 50 + b"]" * 50 + b"}"))
    await log.publish(ARTICLES_DLQ, "k", letter(b'"just a string"'))
    await log.publish(ARTICLES_DLQ, "k", letter(b"{" * 10 + b"x" * 900_000))  # truncated when parked
    await log.publish(ARTICLES_DLQ, "k", b"not a dead letter at all")
    await log.publish(ARTICLES_DLQ, "k", letter(json.dumps({"text": "Ukraine said it repelled attacks.",
                                                            "published_at": "2025-01-01"}).encode()))
    report = await retry_article_letters(log, settings, embedded=True)
    assert report["accepted"] == 1
    assert len(report["still_invalid"]) == 5, report
    assert any("truncated" in reason for _, reason in report["still_invalid"])
    await log.close()
