"""Batch ingest: one POST /articles body of N distinct articles, through `claimline ingest
serve` on real Kafka and Redis. Linear means 100,000 take about ten times 10,000.

    .venv/bin/python bench/ingest_batch.py [--sizes 1000,10000,100000]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from tests.support.infra import start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def main(sizes: list[int]) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-batch-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    proc = None
    try:
        env = service_env(kafka.bootstrap, redis_.url, "batch.")
        proc = ServiceProcess("ingest", ["ingest", "serve"], env, run_dir / "ingest.log").start()
        ingest = f"http://127.0.0.1:{env['CLAIMLINE_INGEST_PORT']}"
        wait_http_ok(f"{ingest}/health", proc)
        with httpx.Client(timeout=600) as client:
            for n in sizes:
                # Short texts, so 100,000 fit under the default 5 MB body limit.
                body = "".join(json.dumps({"text": f"Report {n}-{i}."}, separators=(",", ":")) + "\n"
                               for i in range(n)).encode()
                started = time.perf_counter()
                response = client.post(f"{ingest}/articles", content=body,
                                       headers={"Content-Type": "application/x-ndjson"})
                seconds = time.perf_counter() - started
                assert response.status_code == 202, response.text[:500]
                assert response.json()["accepted"] == n
                print(f"{n:>7} distinct articles ({len(body) / 1e6:.1f} MB) in one body: {seconds:.2f} s "
                      f"({n / seconds:,.0f} articles/s)", flush=True)
    finally:
        if proc:
            proc.stop()
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    main([int(s) for s in parser.parse_args().sizes.split(",")])
