"""Timeline replicas: three `claimline timeline serve` processes on one Kafka and Redis,
events published in concurrent waves while the projecting replica is killed midway; every
surviving replica must then serve exactly what a clean rebuild (the pure fold of every
event) gives.

    .venv/bin/python bench/replicas.py [--rounds 6] [--events 3000]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from schemas.events import dump_event  # noqa: E402
from services.common.kafka_log import KafkaLog  # noqa: E402
from services.common.topics import ALL_TOPICS, EVENTS  # noqa: E402
from services.timeline.core import fold  # noqa: E402
from tests.support.events import make_event  # noqa: E402
from tests.support.infra import free_port, start_kafka, start_redis  # noqa: E402
from tests.support.services import ServiceProcess, service_env, wait_http_ok  # noqa: E402


def events(n: int) -> list:
    # Few places and parties: entries gather many claims from many articles, the case where
    # concurrent projectors used to overwrite each other's claim lists.
    return [make_event(f"rep{i}", "casualties_claimed", actor="RUS", location=f"Oblast{i % 40}",
                       claimant=("UKR", "RUS", "USA")[i % 3], quantity=("killed", float(100 + i)),
                       when=date(2025, 1, 1) + timedelta(days=i % 40), sentence=f"Claim number {i}.")
            for i in range(n)]


async def all_entries(client: httpx.AsyncClient) -> dict[str, dict]:
    found, cursor = {}, None
    while True:
        params: dict[str, str | int] = {"limit": 500, "claims": "all", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/timeline", params=params)).json()
        found.update({e["entry_id"]: e for e in page["entries"]})
        if not (cursor := page["next_cursor"]):
            return found


async def replica_round(kafka: str, redis_url: str, prefix: str, run_dir: Path, *, n: int = 3000,
                        replicas: int = 3, kill_leader: bool = True) -> dict:
    env = {**service_env(kafka, redis_url, prefix), "CLAIMLINE_LEASE_TTL_MS": "2000"}
    log = KafkaLog(kafka, prefix)
    await log.ensure_topics(ALL_TOPICS)
    ports = [free_port() for _ in range(replicas)]
    procs = [ServiceProcess(f"timeline{k}", ["timeline", "serve"], {**env, "CLAIMLINE_TIMELINE_PORT": str(p)},
                            run_dir / f"{prefix}timeline{k}.log").start() for k, p in enumerate(ports)]
    clients = [httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=30) for p in ports]
    try:
        for proc, port in zip(procs, ports):
            await asyncio.to_thread(wait_http_ok, f"http://127.0.0.1:{port}/health", proc, 90)
        published = events(n)
        waves = [published[k::10] for k in range(10)]
        killed = None
        for k, wave in enumerate(waves):
            await asyncio.gather(*(log.publish(EVENTS, e.article, dump_event(e)) for e in wave))
            if kill_leader and k == 4:
                roles = [(await c.get("/health")).json().get("role") for c in clients]
                killed = roles.index("projector") if "projector" in roles else None
                print(f"  roles after wave {k + 1}: {roles}", flush=True)
                if killed is not None:
                    procs[killed].kill()
        alive = [k for k in range(replicas) if k != killed]
        started = time.monotonic()
        while time.monotonic() - started < 120:
            reports = [(await clients[k].get("/health")).json() for k in alive]
            if all(r.get("ok") and r.get("consumer_lag") == 0 for r in reports):
                break
            await asyncio.sleep(0.2)
        settle_s = time.monotonic() - started
        expected = {e.entry_id: json.loads(e.model_dump_json()) for e in fold(published).values()}
        mismatched = {}
        for k in alive:
            served = await all_entries(clients[k])
            bad = [i for i in set(expected) | set(served) if served.get(i) != expected.get(i)]
            missing_claims = sum(max(0, len(expected[i]["claims"]) - len(served.get(i, {}).get("claims", [])))
                                 for i in expected)
            mismatched[k] = {"entries_differing": len(bad), "claims_missing": missing_claims}
        return {"events": n, "entries": len(expected), "replicas": replicas, "killed_projector": killed,
                "settled_s": round(settle_s, 1), "mismatched": mismatched}
    finally:
        for client in clients:
            await client.aclose()
        for proc in procs:
            proc.stop()
        await log.close()


def main(rounds: int, n: int) -> None:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-replicas-"))
    kafka, redis_ = start_kafka(run_dir / "kafka"), start_redis(run_dir / "redis")
    identical = 0
    try:
        for r in range(rounds):
            report = asyncio.run(replica_round(kafka.bootstrap, redis_.url, f"rep{r}.", run_dir, n=n))
            ok = all(m["entries_differing"] == 0 for m in report["mismatched"].values())
            identical += ok
            print(f"round {r + 1}: {report}", flush=True)
        print(f"{identical}/{rounds} rounds: every surviving replica identical to a clean rebuild")
    finally:
        kafka.stop()
        redis_.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--events", type=int, default=3000)
    args = parser.parse_args()
    main(args.rounds, args.events)
