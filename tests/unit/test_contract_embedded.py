"""The embedded adapters against the port contracts."""
from services.embedded.sqlite_log import SqliteLog
from services.timeline.memory_store import MemoryTimelineStore
from tests.contract.event_log_contract import EventLogContract
from tests.contract.timeline_store_contract import TimelineStoreContract


class TestSqliteLogContract(EventLogContract):
    async def open_log(self, prefix):
        return SqliteLog(":memory:", prefix)


class TestMemoryStoreContract(TimelineStoreContract):
    async def open_store(self):
        return MemoryTimelineStore()
