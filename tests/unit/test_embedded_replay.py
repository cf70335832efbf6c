"""`claimline timeline replay --embedded` rebuilds the store the demo serves.

Given a demo on a data dir with the bundled articles, when `timeline replay --data-dir` runs
beside it, then the demo's own store is rebuilt from its log (the same entries, and it goes
on folding what is pushed next), writers on that log refuse while it runs, and once it has
stopped the replay folds the log offline into the same store."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from tests.support.infra import free_port
from tests.support.services import REPO, ServiceProcess, wait_http_ok


def claimline(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)


def settled(base: str) -> tuple[dict, dict]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        health = httpx.get(f"{base}/health", timeout=5).json()
        if health.get("pipeline_lag") == 0 and health.get("ready"):
            timeline = httpx.get(f"{base}/timeline", params={"limit": 500, "claims": "all"}, timeout=5).json()
            return health, timeline
        time.sleep(0.1)
    raise AssertionError("the demo did not settle")


def test_replay_rebuilds_the_running_demos_store(tmp_path, parser_url):
    data = tmp_path / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CLAIMLINE_PARSER_URL": parser_url}
    env.pop("CLAIMLINE_DATA_DIR", None)
    demo = ServiceProcess("demo", ["demo", "--port", str(port), "--data-dir", str(data)], env,
                          tmp_path / "demo.log").start()
    try:
        wait_http_ok(f"{base}/health", demo, timeout_s=120)
        _, before = settled(base)
        assert before["count"] > 0
        assert (data / "demo.json").exists()

        replay = claimline("timeline", "replay", "--embedded", "--data-dir", str(data), env=env)
        assert replay.returncode == 0, replay.stderr
        assert f"entries {before['count']}," in replay.stdout
        assert f"the demo at {base} now serves the rebuilt store" in replay.stderr
        health, after = settled(base)
        # The demo serves the new store: its projector starts over from the fold's positions.
        assert health["folded_events"] == 0
        assert [e["entry_id"] for e in after["entries"]] == [e["entry_id"] for e in before["entries"]]

        # It goes on folding what arrives next.
        pushed = subprocess.run([sys.executable, "-m", "services.cli", "push", "-", "--url", base], cwd=REPO,
                                env=env, capture_output=True, text=True, timeout=60,
                                input='{"text": "Russia\'s defense ministry said its forces captured Kurakhove '
                                      'on Monday.", "published_at": "2025-01-06"}\n')
        assert "accepted 1" in pushed.stdout, pushed.stdout + pushed.stderr
        health, _ = settled(base)
        assert health["folded_events"] > 0

        # Writers on the log refuse while the demo appends to it.
        retry = claimline("dlq", "retry", "--data-dir", str(data), env=env)
        assert retry.returncode == 1 and "stop it before you re-drive parked articles" in retry.stderr
        assert "Traceback" not in retry.stderr
        _, served = settled(base)
    finally:
        demo.stop()

    assert not (data / "demo.json").exists()
    offline = claimline("timeline", "replay", "--embedded", "--data-dir", str(data), env=env)
    assert offline.returncode == 0, offline.stderr
    assert f"entries {served['count']}," in offline.stdout
    assert f"no demo is running on {data}" in offline.stderr
