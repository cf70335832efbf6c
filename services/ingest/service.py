"""The ingest use case: publish validated articles once, keyed by their stable id."""
from __future__ import annotations

from dataclasses import dataclass

from schemas.article import Article
from services.common.language import is_supported
from services.common.ports import EventLog, Written
from services.common.topics import ARTICLES
from services.ingest.seen import SeenStore


@dataclass(frozen=True)
class Receipt:
    id: str
    status: str  # "accepted" (published now) or "duplicate" (published before)
    topic: str
    partition: int
    offset: int
    language: str | None = None
    # Said when the article will give no events: its language is not one the rules read.
    note: str | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "topic": self.topic,
                "partition": self.partition, "offset": self.offset, "language": self.language,
                "note": self.note}


def language_note(article: Article) -> str | None:
    if article.language is None or is_supported(article.language):
        return None
    return (f"unsupported_language: the article is in '{article.language}'; it is kept, parsed as "
            f"unsupported and gives no events (the extraction rules read English)")


class IngestService:
    def __init__(self, log: EventLog, seen: SeenStore) -> None:
        self._log = log
        self._seen = seen

    async def submit(self, articles: list[Article]) -> list[Receipt]:
        """Publish the articles not published before; every article gets a receipt, in order.
        The same article twice in one submission is a duplicate of its first occurrence.
        Linear in the number of articles: one seen-store look-up and one write per chunk."""
        first: dict[str, Article] = {}
        for article in articles:
            first.setdefault(article.id, article)
        where_is: dict[str, Written] = await self._seen.get_many(list(first))
        fresh = [a for article_id, a in first.items() if article_id not in where_is]
        if fresh:
            written = await self._log.publish_many(
                ARTICLES, [(a.id, a.model_dump_json().encode("utf-8")) for a in fresh])
            placed = {a.id: where for a, where in zip(fresh, written)}
            await self._seen.put_many(placed)
            where_is.update(placed)
        receipts: list[Receipt] = []
        accepted = {a.id for a in fresh}
        for article in articles:
            where = where_is[article.id]
            status = "accepted" if article.id in accepted else "duplicate"
            accepted.discard(article.id)  # a repeat within the submission is a duplicate
            receipts.append(Receipt(article.id, status, where.topic, where.partition, where.offset,
                                    article.language, language_note(article)))
        return receipts


async def recover_seen(log: EventLog, seen: SeenStore, *, batch: int = 5000) -> int:
    """Refill an empty seen-store from the articles topic (its keys are the article ids),
    so re-posts of acknowledged articles are recognised even after the store lost its data.
    Reads up to the end offsets at call time; the first placement of an id stays."""
    ends = await log.end_offsets(ARTICLES)
    positions: dict[int, int] = {}
    count = 0
    while any(positions.get(p, 0) < end for p, end in ends.items()):
        records = await log.read(ARTICLES, positions, max_records=batch, timeout_s=1.0)
        if not records:
            break
        placed: dict[str, Written] = {}
        for record in records:
            positions[record.partition] = record.offset + 1
            if record.key and record.offset < ends.get(record.partition, 0):
                placed.setdefault(record.key.decode("utf-8", "replace"), Written(record.topic, record.partition,
                                                                                 record.offset))
        await seen.put_many(placed)
        count += len(placed)
    return count
