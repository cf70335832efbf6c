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
