"""The embedded mode as a user drives it: `claimline demo`, `push`, `dlq`, `timeline replay`.

Given a demo on a fresh data dir, when files are pushed, a producer writes junk straight
to the articles topic, and the demo restarts, then nothing is lost: the timeline comes
back from the SQLite log, the junk is parked with its reason, and a replay agrees."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx

from services.common.topics import ALL_TOPICS, ARTICLES
from services.embedded.sqlite_log import SqliteLog
from tests.support.infra import free_port
from tests.support.services import REPO, ServiceProcess, wait_http_ok


def claimline(*args: str, env: dict, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=REPO, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)


def settle(base: str) -> dict:
    for _ in range(1200):
        health = httpx.get(f"{base}/health", timeout=5).json()
        timeline = httpx.get(f"{base}/timeline", params={"limit": 500, "claims": "all"}, timeout=5).json()
        if health["pipeline_lag"] == 0:  # parsed, extracted and folded
            return timeline
        asyncio.run(asyncio.sleep(0.05))
    raise AssertionError("demo did not settle")


def test_demo_push_dlq_restart_and_replay(tmp_path, parser_url):
    import os

    data = tmp_path / "data"
    port = free_port()
    env = {**os.environ, "CLAIMLINE_DATA_DIR": str(data), "CLAIMLINE_PARSER_URL": parser_url}
    base = f"http://127.0.0.1:{port}"
    demo = lambda: ServiceProcess("demo", ["demo", "--port", str(port), "--no-samples"], env,  # noqa: E731
                                  tmp_path / "demo.log").start()

    # Given a demo, when a directory of mixed files is pushed
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("Kyiv pushes on\nUkraine launched a new offensive in the Kursk region last week.\n")
    (pages / "b.jsonl").write_text(json.dumps({"text": "Russia's defense ministry said its forces captured "
                                                       "Kurakhove on Monday.", "published_at": "2025-01-06"})
                                   + "\n{broken\n")
    (pages / "c.json").write_text(json.dumps({"title": "no text"}))
    process = demo()
    try:
        wait_http_ok(f"{base}/health", process)
        result = claimline("push", str(pages), "--url", base, "--published-at", "2025-01-06", env=env)
        assert result.returncode == 0, result.stderr
        assert "accepted 2, duplicates 0, rejected 2" in result.stdout
        assert "b.jsonl:2: not valid JSON" in result.stdout and "c.json: text: Field required" in result.stdout
        again = claimline("push", "-", "--url", base, env=env, stdin=(pages / "b.jsonl").read_text().splitlines()[0])
        assert "accepted 0, duplicates 1" in again.stdout
        before = settle(base)
        assert before["count"] >= 2
    finally:
        process.stop()

    # When a producer writes junk straight to the articles topic while the demo is down
    async def write_junk():
        log = SqliteLog(data / "claimline.sqlite")
        await log.ensure_topics(ALL_TOPICS)
        await log.publish(ARTICLES, "junk", b'{"text": 42}')
        await log.close()
    asyncio.run(write_junk())

    # Then after a restart the timeline is back from the log, and the junk is parked
    process = demo()
    try:
        wait_http_ok(f"{base}/health", process)
        after = settle(base)
        assert [e["entry_id"] for e in after["entries"]] == [e["entry_id"] for e in before["entries"]]
    finally:
        process.stop()
    listed = claimline("dlq", "list", "--embedded", env=env)
    assert listed.returncode == 0
    assert "key=junk" in listed.stdout and "text: Input should be a valid string" in listed.stdout
    retried = claimline("dlq", "retry", "--embedded", env=env)
    assert "still invalid 1" in retried.stdout
    replay = claimline("timeline", "replay", "--embedded", env=env)
    assert replay.returncode == 0 and f"entries {before['count']}" in replay.stdout


def test_a_page_pushed_without_a_date_is_warned_about_and_marked_inferred(tmp_path, parser_url):
    """Issue 10 item 4: a .txt pushed without --published-at is never silently dated today."""
    import csv
    import io
    import os

    from schemas.article import derive_article_id

    port = free_port()
    env = {**os.environ, "CLAIMLINE_DATA_DIR": str(tmp_path / "data"), "CLAIMLINE_PARSER_URL": parser_url}
    base = f"http://127.0.0.1:{port}"
    text = "Kyiv pushes on\nUkraine launched a new offensive in the Kursk region last week.\n"
    page = tmp_path / "page.txt"
    page.write_text(text)
    process = ServiceProcess("demo", ["demo", "--port", str(port), "--no-samples"], env, tmp_path / "demo.log").start()
    try:
        wait_http_ok(f"{base}/health", process)
        result = claimline("push", str(page), "--url", base, env=env)
        assert result.returncode == 0 and "accepted 1" in result.stdout, result.stderr
        assert "without a publication date" in result.stderr and "marked inferred" in result.stderr
        assert f"undated {page}" in result.stderr
        settle(base)
        article_id = derive_article_id(text)
        answer = httpx.get(f"{base}/articles/{article_id}", timeout=5).json()
        assert answer["article"]["published_at_inferred"] is True and answer["events"]
        view = httpx.get(f"{base}/articles/{article_id}", params={"format": "html"}, timeout=5).text
        assert "inferred: the article gave no date" in view
        rows = list(csv.DictReader(io.StringIO(httpx.get(f"{base}/timeline", params={"format": "csv"}, timeout=5).text)))
        assert rows and {r["published_at_inferred"] for r in rows} == {"true"}
        dated = tmp_path / "dated.txt"
        dated.write_text("Another page\nRussia's defense ministry said its forces captured Kurakhove on Monday.\n")
        quiet = claimline("push", str(dated), "--url", base, "--published-at", "2025-01-06", env=env)
        assert quiet.returncode == 0 and "publication date" not in quiet.stderr
    finally:
        process.stop()
