"""Extract failover on real Kafka: with two workers in the group, when one is killed, the
survivor takes its partitions over within the session timeout (6 s, not faust's 60 s);
when one stops cleanly, it leaves the group at once. The measured figures come from
bench/extract_failover.py; the bounds here only tell the two regimes apart with room for a
loaded machine."""
from __future__ import annotations

from bench.extract_failover import failover_seconds


async def test_a_killed_worker_is_replaced_within_the_session_timeout(kafka_bootstrap, redis_url, unique_prefix,
                                                                     tmp_path):
    seconds = await failover_seconds(kafka_bootstrap, redis_url, unique_prefix, tmp_path, mode="kill")
    assert seconds < 15, f"took {seconds:.1f} s"


async def test_a_stopped_worker_leaves_the_group_at_once(kafka_bootstrap, redis_url, unique_prefix, tmp_path):
    seconds = await failover_seconds(kafka_bootstrap, redis_url, unique_prefix, tmp_path, mode="stop")
    assert seconds < 5, f"took {seconds:.1f} s"
