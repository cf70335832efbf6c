"""Replicas on real Kafka and Redis: three `timeline serve` processes on one store, the
projecting one killed midway through concurrent waves of events; the survivors (one takes
the lease over) serve exactly the entries of a clean rebuild. bench/replicas.py runs more
rounds and reports the figure."""
from __future__ import annotations

from bench.replicas import replica_round


async def test_replicas_serve_what_a_clean_rebuild_gives(kafka_bootstrap, redis_url, unique_prefix, tmp_path):
    report = await replica_round(kafka_bootstrap, redis_url, unique_prefix, tmp_path, n=2000)
    assert report["killed_projector"] is not None, report  # one replica held the lease
    assert len(report["mismatched"]) == 2
    assert all(m == {"entries_differing": 0, "claims_missing": 0} for m in report["mismatched"].values()), report


async def test_worker_processes_on_one_port_serve_one_projection(kafka_bootstrap, redis_url, unique_prefix, tmp_path):
    """`CLAIMLINE_TIMELINE_WORKERS=2`: two worker processes behind one port, one folding (the
    lease), both answering what a clean fold gives; stopped with the process group."""
    import asyncio
    import json
    import time

    import httpx

    from bench.replicas import all_entries, events
    from schemas.events import dump_event
    from services.common.kafka_log import KafkaLog
    from services.common.topics import ALL_TOPICS, EVENTS
    from services.timeline.core import fold
    from tests.support.services import ServiceProcess, service_env, wait_http_ok

    env = {**service_env(kafka_bootstrap, redis_url, unique_prefix), "CLAIMLINE_TIMELINE_WORKERS": "2"}
    log = KafkaLog(kafka_bootstrap, unique_prefix)
    await log.ensure_topics(ALL_TOPICS)
    published = events(300)
    await asyncio.gather(*(log.publish(EVENTS, e.article, dump_event(e)) for e in published))
    proc = ServiceProcess("timeline", ["timeline", "serve"], env, tmp_path / "timeline.log").start()
    base = f"http://127.0.0.1:{env['CLAIMLINE_TIMELINE_PORT']}"
    try:
        await asyncio.to_thread(wait_http_ok, f"{base}/health", proc, 90)
        # A connection a request, several at once, so both workers are asked: the workers share one
        # listening socket, and one after the other the kernel may hand every connection to the
        # same idle worker (it did so for 90 s once on this 2-core machine); a worker busy with one
        # leaves the next to the other.
        async with httpx.AsyncClient(base_url=base, timeout=30,
                                     limits=httpx.Limits(max_keepalive_connections=0)) as client:
            started, roles = time.monotonic(), set()
            while time.monotonic() - started < 90:
                reports = [r.json() for r in await asyncio.gather(*(client.get("/health") for _ in range(8)))]
                roles.update(r.get("role") for r in reports)
                if any(r.get("ok") and r.get("consumer_lag") == 0 for r in reports) \
                        and roles >= {"projector", "reader"}:
                    break
                await asyncio.sleep(0.1)
            assert roles >= {"projector", "reader"}, roles  # two processes answer, one of them folds
            expected = {e.entry_id: json.loads(e.model_dump_json()) for e in fold(published).values()}
            for _ in range(4):  # whichever worker answers
                assert await all_entries(client) == expected
    finally:
        proc.stop()
        await log.close()
    assert proc.process is not None and proc.process.returncode is not None
