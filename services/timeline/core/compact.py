"""The fold of a rebuild, keeping each event as its document instead of its object.

A rebuild reads the whole log before it writes an entry, because any later record may
supersede an article or join a claim to an entry. `fold.fold_state` keeps every decoded
`Event` for that, about 4 KB each, several times the 0.8 KB of the JSON it was read from:
1M events held 8 GB (issue 14). `CompactFold` takes the same records in the same order and
keeps, per current event, its id, article, entry key and the bytes it was decoded from;
a rebuild decodes the events again one chunk of entries at a time, when it builds them.

It is `fold_state` record by record (the property tests compare the two): per article only
the newest extractor version's events, a marker of a newer version drops the article's
events, and of two copies of one event id the better-ranked (`fold._event_rank`) stays.
Comparing two copies needs both events: the held one is decoded again, which only a
re-published article costs.
"""
from __future__ import annotations

from typing import NamedTuple

from schemas.events import Event, parse_event
from schemas.extraction import ArticleExtracted
from services.timeline.core.fold import _event_rank, _version_rank
from services.timeline.core.grouping import (
    KeyParts,
    base_key_of_parts,
    entry_key_parts,
    key_from_parts,
    resolve_keys,
)

__all__ = ["CompactFold", "Held"]


class Held(NamedTuple):
    """What the fold keeps of one current event."""

    event_id: str
    article: str
    key: str
    document: bytes


class CompactFold:
    """`fold_state` over (record, document) pairs, holding documents instead of events.
    Strings that many events share (articles, versions, keys) are kept once."""

    def __init__(self) -> None:
        self.held: dict[str, Held] = {}
        self.article_versions: dict[str, str] = {}
        self._by_article: dict[str, set[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._parts: dict[str, KeyParts] = {}
        self._shared: dict[str, str] = {}

    def _share(self, text: str) -> str:
        return self._shared.setdefault(text, text)

    def _remove(self, held: Held) -> None:
        del self.held[held.event_id]
        self._by_article.get(held.article, set()).discard(held.event_id)
        members = self._by_key.get(held.key)
        if members is not None:
            members.discard(held.event_id)
            if not members:
                del self._by_key[held.key]

    def _drop_article(self, article: str) -> None:
        for event_id in sorted(self._by_article.get(article, ())):
            held = self.held.get(event_id)
            if held is not None:
                self._remove(held)

    def apply(self, record: Event | ArticleExtracted, document: bytes | None) -> None:
        """Fold one record in (`document`: the bytes an event was decoded from; a marker's is
        not kept). The same decisions as `fold._apply_into`, in the same order."""
        if isinstance(record, ArticleExtracted):
            current = self.article_versions.get(record.article)
            if current is not None and _version_rank(record.extractor_version) <= _version_rank(current):
                return
            self._drop_article(record.article)
            self.article_versions[self._share(record.article)] = self._share(record.extractor_version)
            return
        if document is None:
            raise ValueError(f"event {record.event_id}: a compact fold keeps the document of every event")
        current = self.article_versions.get(record.article)
        if current is not None and _version_rank(record.extractor_version) < _version_rank(current):
            return
        newer = current is None or _version_rank(record.extractor_version) > _version_rank(current)
        held = self.held.get(record.event_id)
        if held is not None and not newer:
            old = parse_event(held.document)
            if old == record or _event_rank(old) >= _event_rank(record):
                return
        if current is not None and newer:
            self._drop_article(record.article)
        article = self._share(record.article)
        if newer:
            self.article_versions[article] = self._share(record.extractor_version)
        held = self.held.get(record.event_id)
        if held is None or _event_rank(record) > _event_rank(parse_event(held.document)):
            if held is not None:
                self._remove(held)
            parts = entry_key_parts(record)
            key = self._share(key_from_parts(parts))
            self._parts.setdefault(key, parts)
            self.held[record.event_id] = Held(record.event_id, article, key, document)
            self._by_key.setdefault(key, set()).add(record.event_id)
            self._by_article.setdefault(article, set()).add(record.event_id)

    def by_key(self) -> dict[str, frozenset[str]]:
        """Event ids by their own key (`FoldState.by_key`)."""
        return {key: frozenset(ids) for key, ids in self._by_key.items() if ids}

    def by_entry(self) -> dict[str, frozenset[str]]:
        """Event ids by entry (`FoldState.by_entry`): keys resolved over the current keys."""
        keys = [key for key, ids in self._by_key.items() if ids]
        resolved = resolve_keys(self._parts[key] for key in keys)
        out: dict[str, set[str]] = {}
        for key in keys:
            out.setdefault(key_from_parts(resolved[self._parts[key]]), set()).update(self._by_key[key])
        return {entry_id: frozenset(ids) for entry_id, ids in out.items()}

    def base_key(self, event_id: str) -> str | None:
        """`grouping.base_key` of a held event, from the parts of its key (the fold has them)."""
        return base_key_of_parts(self._parts[self.held[event_id].key])

    def events(self, event_ids: list[str]) -> dict[str, Event]:
        """The held events of these ids, decoded."""
        return {event_id: parse_event(self.held[event_id].document) for event_id in event_ids}
