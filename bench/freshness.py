"""Freshness: from POST /articles to the article's entry in GET /timeline, end to end.

Starts Kafka, Redis, CoreNLP and the four services (`claimline ingest serve`, `parse run`,
`extract run`, `timeline serve`) as separate processes, posts N distinct articles one at a time and
polls GET /timeline?q=<a phrase unique to the article> every 5 ms until it shows up.

    .venv/bin/python bench/freshness.py [--articles 100]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.infra import start_corenlp, start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main(n: int) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-fresh-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    parser = start_corenlp(run_dir / "corenlp")
    procs: list[ServiceProcess] = []
    try:
        env = service_env(kafka.bootstrap, redis_.url, "fresh.", parser.url)
        procs = [ServiceProcess(name, [name, cmd], env, run_dir / f"{name}.log").start()
                 for name, cmd in (("ingest", "serve"), ("parse", "run"), ("extract", "run"), ("timeline", "serve"))]
        ingest = f"http://127.0.0.1:{env['CLAIMLINE_INGEST_PORT']}"
        timeline = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
        wait_http_ok(f"{ingest}/health", procs[0])
        wait_http_ok(f"http://127.0.0.1:{env['CLAIMLINE_PARSE_WEB_PORT']}/health", procs[1])
        wait_http_ok(f"http://127.0.0.1:{env['CLAIMLINE_EXTRACT_WEB_PORT']}/health", procs[2])
        wait_http_ok(f"{timeline}/health", procs[3])
        latencies: list[float] = []
        with httpx.Client(timeout=10) as client:
            for i in range(-3, n):  # the first three warm the pipeline up and are not counted
                place = f"Testovo{i + 3}x{int(time.time())}"
                text = (f"Russia's defense ministry said on Monday that its forces captured the village of "
                        f"{place} in the Donetsk region.")
                phrase = f"the village of {place} in the"
                started = time.perf_counter()
                response = client.post(f"{ingest}/articles", json={"text": text, "published_at": "2025-03-10"})
                assert response.status_code == 202, response.text
                while True:
                    page = client.get(f"{timeline}/timeline", params={"q": phrase, "limit": 5}).json()
                    if page["entries"]:
                        break
                    if time.perf_counter() - started > 30:
                        raise TimeoutError(f"article {i} not visible after 30 s")
                    time.sleep(0.005)
                if i >= 0:
                    latencies.append(time.perf_counter() - started)
        ms = [x * 1000 for x in latencies]
        print(f"articles: {len(ms)}; POST -> visible in GET /timeline: p50 {statistics.median(ms):.0f} ms, "
              f"p95 {percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms")
    finally:
        for proc in procs:
            proc.stop()
        kafka.stop()
        redis_.stop()
        parser.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100)
    main(parser.parse_args().articles)
