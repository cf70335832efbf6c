"""The Kafka and Redis adapters against the same port contracts as the embedded ones."""
import uuid

import pytest

from services.common.kafka_log import KafkaLog
from services.timeline.redis_store import RedisTimelineStore
from tests.contract.event_log_contract import EventLogContract
from tests.contract.timeline_store_contract import TimelineStoreContract


class TestKafkaLogContract(EventLogContract):
    @pytest.fixture(autouse=True)
    def _bootstrap(self, kafka_bootstrap):
        self.bootstrap = kafka_bootstrap

    async def open_log(self, prefix):
        return KafkaLog(self.bootstrap, prefix)


class TestRedisStoreContract(TimelineStoreContract):
    @pytest.fixture(autouse=True)
    def _url(self, redis_url):
        self.url = redis_url

    async def open_store(self):
        return RedisTimelineStore.from_url(self.url, f"t{uuid.uuid4().hex[:8]}")


async def test_the_word_vocabulary_follows_the_claims(redis_url):
    """`wsuf` (the vocabulary a `q` word at a needle's edge is looked up in) loses a word when
    the last entry holding it does (issue 14)."""
    from datetime import date

    from services.timeline.projection import plan
    from tests.support.events import make_event

    store = RedisTimelineStore.from_url(redis_url, f"t{uuid.uuid4().hex[:8]}")
    try:
        old = make_event("a1", "strike", actor="RUS", when=date(2025, 2, 2), sentence="Drones hit a pumping station.")
        new = make_event("a1", "strike", actor="RUS", when=date(2025, 2, 2), sentence="A glide bomb hit a station.",
                         version="9.0.0")
        for events in ([old], [new]):
            changes = await plan(store, events)
            changes.positions = {"t": {}}
            await store.commit(changes)
        vocabulary = {m.split(b"\0")[1] for m in await store._r.zrange(store._k("wsuf"), 0, -1)}
        assert vocabulary == {b"glide", b"bomb", b"hit", b"station"}
        assert await store._r.zcard(store._k("z:ingmin")) == 0  # no claim has an ingestion time
    finally:
        await store.close()
