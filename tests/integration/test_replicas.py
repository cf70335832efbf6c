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
