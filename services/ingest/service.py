"""The ingest use case: publish validated articles once, keyed by their stable id."""
from __future__ import annotations

from dataclasses import dataclass

from schemas.article import Article
from services.common.ports import EventLog
from services.common.topics import ARTICLES
from services.ingest.seen import SeenStore


@dataclass(frozen=True)
class Receipt:
    id: str
    status: str  # "accepted" (published now) or "duplicate" (published before)
    topic: str
    partition: int
    offset: int

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "topic": self.topic,
                "partition": self.partition, "offset": self.offset}


class IngestService:
    def __init__(self, log: EventLog, seen: SeenStore) -> None:
        self._log = log
        self._seen = seen

    async def submit(self, articles: list[Article]) -> list[Receipt]:
        receipts: list[Receipt] = []
        # Within one submission, the same article twice is a duplicate of the first.
        first_in_batch: dict[str, int] = {}
        fresh: list[Article] = []
        known: dict[int, Receipt] = {}
        for index, article in enumerate(articles):
            where = await self._seen.get(article.id)
            if where is not None:
                known[index] = Receipt(article.id, "duplicate", where.topic, where.partition, where.offset)
            elif article.id in first_in_batch:
                known[index] = Receipt(article.id, "duplicate", "", -1, -1)  # filled in below
            else:
                first_in_batch[article.id] = index
                fresh.append(article)
        written = await self._log.publish_many(
            ARTICLES, [(a.id, a.model_dump_json().encode("utf-8")) for a in fresh]
        ) if fresh else []
        by_id = {}
        for article, where in zip(fresh, written):
            await self._seen.put(article.id, where)
            by_id[article.id] = where
        for index, article in enumerate(articles):
            if index in known:
                receipt = known[index]
                if receipt.partition == -1:
                    where = by_id[article.id]
                    receipt = Receipt(article.id, "duplicate", where.topic, where.partition, where.offset)
                receipts.append(receipt)
            else:
                where = by_id[article.id]
                receipts.append(Receipt(article.id, "accepted", where.topic, where.partition, where.offset))
        return receipts
