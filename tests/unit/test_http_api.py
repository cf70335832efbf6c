"""The HTTP surface (ingest + timeline) on the embedded adapters, in process.

The same routers serve the Kafka + Redis deployment; what differs there is covered by
the end-to-end tests."""
import csv
import io
import json

import httpx
import pytest

from services.common.settings import Settings
from services.embedded.runtime import create_embedded_app

ARTICLE = {"text": "Russia's defense ministry said its forces captured Kurakhove on Monday. "
                   "Ukraine's military said 3,000 North Korean soldiers were killed or wounded in Kursk. "
                   "Ukraine launched a new offensive in the Kursk region last week.",
           "title": "Test", "published_at": "2025-01-06", "source": "Test Wire"}


@pytest.fixture
async def client(tmp_path, parser_url):
    app = create_embedded_app(Settings(data_dir=tmp_path, api_token="s3cret", max_body_bytes=200_000,
                                       parser_url=parser_url), load_bundled=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            c.runtime = app.state.runtime
            yield c


AUTH = {"Authorization": "Bearer s3cret"}


async def test_writes_need_the_token_when_one_is_configured(client):
    assert (await client.post("/articles", json=ARTICLE)).status_code == 401
    assert (await client.post("/articles", json=ARTICLE, headers={"Authorization": "Bearer wrong"})).status_code == 401
    assert (await client.post("/articles", json=ARTICLE, headers=AUTH)).status_code == 202
    assert (await client.get("/timeline")).status_code == 200  # reads stay open


async def test_posting_then_reading_the_timeline(client):
    response = await client.post("/articles", json=ARTICLE, headers=AUTH)
    receipt = response.json()
    assert receipt["accepted"] == 1 and receipt["articles"][0]["status"] == "accepted"
    article_id = receipt["articles"][0]["id"]
    await client.runtime.settle()
    again = (await client.post("/articles", json=ARTICLE, headers=AUTH)).json()
    assert again["duplicates"] == 1 and again["articles"][0]["id"] == article_id
    assert again["articles"][0]["offset"] == receipt["articles"][0]["offset"]

    article = (await client.get(f"/articles/{article_id}")).json()
    assert article["article"]["text"] == ARTICLE["text"]
    for event in article["events"]:
        assert ARTICLE["text"][event["evidence"][0]["start"]:event["evidence"][0]["end"]] == event["evidence"][0]["sentence"]
        assert (await client.get(f"/events/{event['event_id']}")).json()["event_id"] == event["event_id"]
    page = (await client.get("/timeline")).json()
    assert page["count"] == len(page["entries"]) >= 1
    first = page["entries"][0]
    full = (await client.get(f"/timeline/{first['entry_id']}")).json()
    # A page shows the same entry with its claims as briefs: each brief is its full claim
    # cut down to the brief's fields and the first evidence span.
    assert {k: v for k, v in full.items() if k != "claims"} == {k: v for k, v in first.items() if k != "claims"}
    assert len(first["claims"]) == min(len(full["claims"]), 3) and first["claims_total"] == len(full["claims"])
    by_id = {c["event_id"]: c for c in full["claims"]}
    for brief in first["claims"]:
        claim = by_id[brief["event_id"]]
        assert brief["evidence"] == claim["evidence"][:1] and brief["evidence_total"] == len(claim["evidence"])
        assert {k: v for k, v in brief.items() if k not in ("evidence", "evidence_total")} == \
            {k: claim[k] for k in brief if k not in ("evidence", "evidence_total")}


async def test_errors_are_precise(client):
    r = await client.post("/articles", json={"title": 3}, headers=AUTH)
    assert r.status_code == 422
    assert {(p["field"], p["problem"]) for p in r.json()["problems"]} >= {("text", "Field required")}
    r = await client.post("/articles", content=b"x" * 300_000, headers={**AUTH, "Content-Type": "application/json"})
    assert r.status_code == 413
    assert (await client.get("/timeline/en_missing")).status_code == 404
    assert (await client.get("/events/ev_missing")).status_code == 404
    assert (await client.get("/articles/nope")).status_code == 404
    assert (await client.get("/timeline", params={"cursor": "garbage"})).status_code == 400
    assert (await client.get("/timeline", params={"type": "picnic"})).status_code == 422
    assert (await client.get("/timeline", params={"from": "2025-02-01", "to": "2025-01-01"})).status_code == 422
    assert (await client.get("/figures", params={"subject": "bananas"})).status_code == 422


async def test_exports_in_csv_and_ndjson(client):
    await client.post("/articles", json=ARTICLE, headers=AUTH)
    await client.runtime.settle()
    as_json = (await client.get("/timeline")).json()["entries"]
    r = await client.get("/timeline", headers={"Accept": "text/csv"}, params={"rows": "entries"})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [row["entry_id"] for row in rows] == [e["entry_id"] for e in as_json]
    # By default a CSV row is a claim, with its article's URL and date.
    claims = list(csv.DictReader(io.StringIO((await client.get("/timeline", params={"format": "csv"})).text)))
    assert len(claims) == sum(e["claims_total"] for e in as_json)
    assert {row["outlet"] for row in claims} == {"Test Wire"} and {row["published_at"] for row in claims} == {"2025-01-06"}
    assert {row["published_at_inferred"] for row in claims} == {"false"}
    r = await client.get("/timeline", params={"format": "ndjson"})
    assert r.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line)["entry_id"] for line in r.text.splitlines()] == [e["entry_id"] for e in as_json]


async def test_health_metrics_and_openapi(client):
    health = (await client.get("/health")).json()
    assert health["ok"] is True and health["consumer_lag"] == 0
    metrics = (await client.get("/metrics")).text
    assert "claimline_timeline_entries " in metrics and "# TYPE claimline_projector_records_total counter" in metrics
    spec = (await client.get("/openapi.json")).json()
    for path in ("/articles", "/timeline", "/timeline/{entry_id}", "/timeline/stream", "/events/{event_id}",
                 "/articles/{article_id}", "/figures", "/health", "/metrics"):
        assert path in spec["paths"], path


async def test_reads_can_require_a_token_too(tmp_path, parser_url):
    app = create_embedded_app(Settings(data_dir=tmp_path, read_token="r", parser_url=parser_url), load_bundled=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            assert (await c.get("/timeline")).status_code == 401
            assert (await c.get("/timeline", headers={"Authorization": "Bearer r"})).status_code == 200
            assert (await c.get("/health")).status_code == 200  # ops endpoints stay open for probes


async def test_a_raw_bad_message_on_the_articles_topic_is_parked_not_fatal(client):
    from services.common.dlq import read_dead_letters
    from services.common.topics import ARTICLES

    log = client.runtime.log
    await log.publish(ARTICLES, "junk", b"\xff not json")
    await client.post("/articles", json=ARTICLE, headers=AUTH)
    await client.runtime.settle()
    letters = await read_dead_letters(log, "articles")
    assert [(letter.key, letter.stage) for _, letter in letters] == [("junk", "validate")]
    assert "not a valid article" in letters[0][1].reason
    assert letters[0][1].original_value() == b"\xff not json"
    assert (await client.get("/timeline")).json()["count"] >= 1  # the good article still went through


async def test_an_article_the_rules_cannot_read_is_kept_and_said_so(client):
    german = {"text": "Die ukrainischen Streitkräfte haben nach eigenen Angaben einen russischen Angriff "
                      "in der Region Charkiw abgewehrt.", "published_at": "2025-01-06"}
    english = await client.post("/articles", json=ARTICLE, headers=AUTH)
    response = await client.post("/articles", json=german, headers=AUTH)
    assert response.status_code == 202
    receipt = response.json()["articles"][0]
    assert receipt["status"] == "accepted" and receipt["language"] == "de"
    assert receipt["note"].startswith("unsupported_language")
    assert english.json()["articles"][0]["language"] == "en" and english.json()["articles"][0]["note"] is None


async def test_health_and_metrics_count_every_dead_letter_topic(client):
    """Issue 10 item 7: a record parked by parse, by extract and by the timeline each show."""
    from services.common.topics import ARTICLES, ARTICLES_PARSED, EVENTS

    health = (await client.get("/health")).json()
    assert health["dead_letter_topics"] == {"articles.deadletter": 0, "articles.parsed.deadletter": 0,
                                            "events.deadletter": 0}
    log = client.runtime.log
    await log.publish(ARTICLES, "junk-article", b"\xff not json")
    await log.publish(ARTICLES_PARSED, "junk-parsed", b'{"not": "a parsed article"}')
    await log.publish(ARTICLES_PARSED, "junk-parsed-2", b"[]")
    await log.publish(EVENTS, "junk-event", b'{"type": "picnic"}')
    await client.runtime.settle()
    health = (await client.get("/health")).json()
    assert health["dead_letter_topics"] == {"articles.deadletter": 1, "articles.parsed.deadletter": 2,
                                            "events.deadletter": 1}
    assert health["dead_letters_parked"] == 4 and health["dead_letters"] == 1  # this projector parked one
    metrics = (await client.get("/metrics")).text.splitlines()
    assert 'claimline_dead_letters_total{topic="articles.deadletter"} 1' in metrics
    assert 'claimline_dead_letters_total{topic="articles.parsed.deadletter"} 2' in metrics
    assert 'claimline_dead_letters_total{topic="events.deadletter"} 1' in metrics
    assert metrics.count("# TYPE claimline_dead_letters_total counter") == 1
