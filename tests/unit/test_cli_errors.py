"""The CLI answers: bad input and missing services give one line on stderr and an exit code.

Every case runs `claimline` as a user does (a subprocess) and checks the exit code (2: bad
arguments or input files, 1: something the command needs is down), that stderr ends with
one `claimline...: error: ...` line naming what to change, and that no traceback shows.
Kafka, Redis, the ingest server and the parser are pointed at closed ports.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.infra import free_port

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Every service the CLI could reach is on a closed port; the data dir is empty."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMLINE_")}
    return {**base, "PYTHONPATH": str(REPO),
            "CLAIMLINE_KAFKA_BOOTSTRAP": f"127.0.0.1:{free_port()}",
            "CLAIMLINE_REDIS_URL": f"redis://:s3cret@127.0.0.1:{free_port()}/0",
            "CLAIMLINE_INGEST_URL": f"http://127.0.0.1:{free_port()}",
            "CLAIMLINE_PARSER_URL": f"http://127.0.0.1:{free_port()}",
            "CLAIMLINE_DATA_DIR": str(tmp_path / "data")}


def claimline(*args: str, env: dict[str, str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, timeout=60)


def fails(result: subprocess.CompletedProcess, code: int, *says: str) -> str:
    """The run exited with `code`, printed no traceback, and its last stderr line is the one
    error message, containing each of `says`. Returns that line."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    message = lines[-1]
    assert message.startswith("claimline") and ": error: " in message, result.stderr
    assert sum(": error: " in line for line in lines) == 1, result.stderr
    for fragment in says:
        assert fragment in message, (fragment, message)
    return message


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    page = tmp_path / "page.txt"
    page.write_text("Kyiv pushes on\nUkraine launched a new offensive in the Kursk region last week.\n")
    not_article = tmp_path / "bad.jsonl"
    not_article.write_text(json.dumps({"text": 42}) + "\n")
    a_list = tmp_path / "list.jsonl"
    a_list.write_text("[1, 2]\n")
    article = tmp_path / "ok.jsonl"
    article.write_text(json.dumps({"text": "Russia said its forces captured Kurakhove.",
                                   "published_at": "2025-01-06"}) + "\n")
    return {"txt": page, "bad": not_article, "list": a_list, "ok": article, "missing": tmp_path / "missing.jsonl"}


# --- bad input files and options: exit 2
def test_extract_file_refuses_a_txt_page(env, tmp_path, files):
    result = claimline("extract", "file", "--input", str(files["txt"]), "--output", str(tmp_path / "o.jsonl"),
                       env=env, cwd=tmp_path)
    fails(result, 2, f"{files['txt']}:1", "not JSON", "claimline push")
    assert not (tmp_path / "o.jsonl").exists()


@pytest.mark.parametrize("which, says", [("missing", "no such file"), ("bad", "not an article: text"),
                                         ("list", "not an object")])
def test_extract_file_names_the_bad_input(env, tmp_path, files, which, says):
    result = claimline("extract", "file", "--input", str(files[which]), "--output", "-", env=env, cwd=tmp_path)
    fails(result, 2, str(files[which]), says)
    assert result.stdout == ""


def test_extract_file_output_must_be_a_file(env, tmp_path, files):
    fails(claimline("extract", "file", "--input", str(files["ok"]), "--output", str(tmp_path), env=env, cwd=tmp_path),
          2, "is a directory")


@pytest.mark.parametrize("gold, articles, says", [
    ("missing", "ok", "no such file"),
    ("txt", "ok", "not JSON"),
    ("list", "ok", "not an object"),
    ("ok", "missing", "no such file"),
    ("ok", "bad", "not an article"),
])
def test_eval_names_the_bad_file(env, tmp_path, files, gold, articles, says):
    result = claimline("eval", "--gold", str(files[gold]), "--articles", str(files[articles]), env=env, cwd=tmp_path)
    fails(result, 2, says)


@pytest.mark.parametrize("args, says", [
    (["push", "PAGE", "--batch", "0"], "--batch: 0 is not a positive number"),
    (["push", "PAGE", "--batch", "many"], "--batch: 'many' is not a whole number"),
    (["push", "PAGE", "--published-at", "2025-13-01"], "--published-at: '2025-13-01' is not a date"),
    (["push", "NOWHERE"], "no such file or directory"),
    (["demo", "--port", "70000"], "--port: 70000 is not a TCP port"),
    (["dlq", "list", "--topic", "nope"], "invalid choice: 'nope'"),
    (["extract"], "required"),
    (["frobnicate"], "invalid choice"),
])
def test_malformed_options_are_usage_errors(env, tmp_path, files, args, says):
    args = [str(files["txt"]) if a == "PAGE" else str(tmp_path / "nowhere") if a == "NOWHERE" else a for a in args]
    fails(claimline(*args, env=env, cwd=tmp_path), 2, says)


def test_a_bad_setting_is_a_usage_error(env, tmp_path):
    result = claimline("dlq", "list", env={**env, "CLAIMLINE_REBUILD_WORKERS": "lots"}, cwd=tmp_path)
    fails(result, 2, "invalid setting", "CLAIMLINE_REBUILD_WORKERS")


# --- what a command needs is down: exit 1, naming the address and the setting
@pytest.mark.parametrize("args", [["dlq", "list"], ["dlq", "retry"], ["timeline", "replay"], ["extract", "replay"],
                                  ["topics", "list"], ["topics", "create"]])
def test_no_kafka(env, tmp_path, args):
    message = fails(claimline(*args, env=env, cwd=tmp_path), 1, "cannot reach Kafka at",
                    env["CLAIMLINE_KAFKA_BOOTSTRAP"], "CLAIMLINE_KAFKA_BOOTSTRAP")
    assert "--embedded" in message


@pytest.fixture
def fake_kafka():
    """A port that accepts connections (the Kafka probe passes), so the next check is reached."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield f"127.0.0.1:{server.getsockname()[1]}"


@pytest.mark.parametrize("args", [["timeline", "replay"], ["dlq", "retry"]])
def test_no_redis(env, tmp_path, fake_kafka, args):
    message = fails(claimline(*args, env={**env, "CLAIMLINE_KAFKA_BOOTSTRAP": fake_kafka}, cwd=tmp_path), 1,
                    "cannot reach Redis at redis://:***@127.0.0.1", "CLAIMLINE_REDIS_URL")
    assert "s3cret" not in message


def test_push_to_a_server_that_is_down(env, tmp_path, files):
    result = claimline("push", str(files["ok"]), env=env, cwd=tmp_path)
    fails(result, 1, "cannot reach ingest at", env["CLAIMLINE_INGEST_URL"], "--url", "CLAIMLINE_INGEST_URL")


# --- the embedded tools: --data-dir, and never an empty log created in passing
@pytest.mark.parametrize("args", [["dlq", "list"], ["dlq", "retry"], ["timeline", "replay"], ["extract", "replay"],
                                  ["topics", "list"]])
def test_embedded_tools_want_an_existing_log(env, tmp_path, args):
    elsewhere = tmp_path / "elsewhere"
    result = claimline(*args, "--data-dir", str(elsewhere), env=env, cwd=tmp_path)
    fails(result, 1, f"no embedded log at {elsewhere / 'claimline.sqlite'}", "--data-dir", "CLAIMLINE_DATA_DIR")
    assert not elsewhere.exists()


def write_events(data_dir: Path, events: list) -> None:
    from schemas.events import dump_event
    from services.common.settings import Settings
    from services.common.topics import ALL_TOPICS, EVENTS
    from services.embedded.sqlite_log import SqliteLog

    async def write() -> None:
        log = SqliteLog(data_dir / "claimline.sqlite", Settings().topic_prefix)
        try:
            await log.ensure_topics(ALL_TOPICS)
            await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events])
        finally:
            await log.close()

    asyncio.run(write())


def test_embedded_tools_take_data_dir(env, tmp_path):
    from tests.support.events import make_event

    data = tmp_path / "demo-data"
    write_events(data, [make_event("a1", "strike", actor="RUS"), make_event("a2", "strike", actor="UKR")])
    replay = claimline("timeline", "replay", "--data-dir", str(data), env=env, cwd=tmp_path)
    assert replay.returncode == 0, replay.stderr
    assert "records 2," in replay.stdout and "events 2," in replay.stdout
    assert f"no demo is running on {data}" in replay.stderr
    topics = claimline("topics", "list", "--data-dir", str(data), env=env, cwd=tmp_path)
    assert topics.returncode == 0, topics.stderr
    assert "claimline.events\twritten=2" in topics.stdout
    listed = claimline("dlq", "list", "--topic", "events", "--data-dir", str(data), env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "0 parked message(s)" in listed.stderr


# --- the traceback, when asked for
@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(env, tmp_path, how):
    args = ["dlq", "list", "--debug"] if how == "flag" else ["dlq", "list"]
    result = claimline(*args, env={**env, "CLAIMLINE_DEBUG": "1"} if how == "env" else env, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "cannot reach Kafka" in result.stderr.splitlines()[-1]


# --- make demo PORT=...
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_demo_passes_the_port_on(tmp_path):
    result = subprocess.run(["make", "-n", "demo", "PORT=8123", "HOST=0.0.0.0", f"DATA_DIR={tmp_path}",
                             f"VENV={Path(sys.executable).parents[1]}"], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    command = [line for line in result.stdout.splitlines() if "claimline demo" in line]
    assert command and command[-1].split("claimline demo", 1)[1].split() == [
        "--host", "0.0.0.0", "--port", "8123", "--data-dir", str(tmp_path)]


# --- --output -
def test_extract_file_output_dash_is_stdout(env, tmp_path, parser_url):
    samples = REPO / "services" / "embedded" / "samples" / "seed-articles.jsonl"
    env = {**env, "CLAIMLINE_PARSER_URL": parser_url}
    to_file = claimline("extract", "file", "--input", str(samples), "--output", str(tmp_path / "events.jsonl"),
                        env=env, cwd=tmp_path)
    assert to_file.returncode == 0, to_file.stderr
    to_stdout = claimline("extract", "file", "--input", str(samples), "--output", "-", env=env, cwd=tmp_path)
    assert to_stdout.returncode == 0, to_stdout.stderr
    written = (tmp_path / "events.jsonl").read_text(encoding="utf-8")
    assert written and to_stdout.stdout == written
    assert f"wrote {len(written.splitlines())} events to standard output" in to_stdout.stderr
    assert not (tmp_path / "-").exists()
