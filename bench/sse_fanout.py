"""Live readers: N clients on GET /timeline/stream of one `timeline serve` process (real
Kafka and Redis), U updates published to the events topic one at a time; counts the
clients that received every update and the delay from publish to arrival at each client.

    .venv/bin/python bench/sse_fanout.py [--clients 1000] [--updates 20]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from schemas.events import dump_event  # noqa: E402
from services.common.kafka_log import KafkaLog  # noqa: E402
from services.common.topics import ALL_TOPICS, EVENTS  # noqa: E402
from services.timeline.core import entry_key  # noqa: E402
from tests.support.events import make_event  # noqa: E402
from tests.support.infra import start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402
from tests.support.sse import SseReader  # noqa: E402

# One client, requests back to back for the given seconds; prints [[status, ms], ...].
_SAMPLER = """
import json, sys, time, httpx
url, seconds = sys.argv[1], float(sys.argv[2])
out, end = [], time.monotonic() + seconds
with httpx.Client(timeout=10) as c:
    while time.monotonic() < end:
        t = time.perf_counter()
        try:
            code = c.get(url).status_code
        except httpx.HTTPError:
            code = 0
        out.append([code, (time.perf_counter() - t) * 1000])
print(json.dumps(out))
"""


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(clients: int, updates: int, kafka: str, redis_url: str, run_dir: Path) -> None:
    env = service_env(kafka, redis_url, "sse.")
    port = int(env["CLAIMLINE_TIMELINE_PORT"])
    log = KafkaLog(kafka, "sse.")
    await log.ensure_topics(ALL_TOPICS)
    proc = ServiceProcess("timeline", ["timeline", "serve"], env, run_dir / "timeline.log").start()
    readers: list[SseReader] = []
    try:
        await asyncio.to_thread(wait_http_ok, f"http://127.0.0.1:{port}/health", proc)
        started = time.monotonic()
        for start in range(0, clients, 100):  # connect in waves, as a crowd arrives
            wave = [SseReader("127.0.0.1", port).start() for _ in range(min(100, clients - start))]
            await asyncio.wait_for(asyncio.gather(*(r.connected.wait() for r in wave)), timeout=60)
            readers.extend(wave)
        print(f"{clients} clients connected in {time.monotonic() - started:.1f} s", flush=True)
        sent: dict[str, float] = {}
        # GET /timeline latency while the clients are connected and the updates arrive, measured
        # from a separate process so that the readers' event loop does not slow the sampler
        sampler = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _SAMPLER, f"http://127.0.0.1:{port}/timeline", str(updates * 0.2 + 2),
            stdout=asyncio.subprocess.PIPE)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            for i in range(updates):
                event = make_event(f"sse{i}", "strike", actor="RUS", location=f"Hamlet{i}")
                sent[entry_key(event)] = time.monotonic()
                await log.publish(EVENTS, event.article, dump_event(event))
                await asyncio.sleep(0.2)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not all(r.ids() >= set(sent) for r in readers):
                await asyncio.sleep(0.2)
            during = await client.get("/timeline")
            health = await client.get("/health")
        out, _ = await sampler.communicate()
        latencies = json.loads(out)
        complete = sum(r.ids() >= set(sent) for r in readers)
        delays = [(t - sent[i]) * 1000 for r in readers for e, i, t in r.events if e == "entry" and i in sent]
        print(f"clients: {clients}; updates: {updates}; clients that received every update: {complete}/{clients}; "
              f"deliveries {len(delays)}/{clients * updates}")
        if delays:
            print(f"publish -> arrival at a client: p50 {statistics.median(delays):.0f} ms, "
                  f"p95 {percentile(delays, 95):.0f} ms, max {max(delays):.0f} ms")
        print(f"GET /timeline meanwhile: {during.status_code}; /health: {health.status_code}")
        ok = [ms for code, ms in latencies if code == 200]
        if ok:
            print(f"GET /timeline while connected (one client in a separate process, {len(latencies)} requests, "
                  f"{len(ok)} answered 200): p50 {statistics.median(ok):.1f} ms, p99 {percentile(ok, 99):.1f} ms, "
                  f"max {max(ok):.1f} ms")
    finally:
        for reader in readers:
            await reader.stop()
        proc.stop()
        await log.close()


def main(clients: int, updates: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = min(hard, max(soft, 4 * clients + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))  # the service process inherits it
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-sse-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    try:
        asyncio.run(run(clients, updates, kafka.bootstrap, redis_.url, run_dir))
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--updates", type=int, default=20)
    args = parser.parse_args()
    main(args.clients, args.updates)
