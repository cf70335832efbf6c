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

With a `DocumentSpill` the documents themselves are not held either: each is appended to a
temporary file as it is folded and the fold keeps its place in the file (one integer), so
what a rebuild holds per event is its id, article and key, whatever the log's size.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
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

__all__ = ["CompactFold", "DocumentSpill", "Held"]


class DocumentSpill:
    """Documents appended to an unlinked temporary file, each found again by its handle
    (offset << 32 | length). The file's pages are the kernel's page cache, not the process's
    memory, and a process forked from the holder reads them through the same descriptor
    (`os.pread`, no shared file position). Closed (and so deleted) with `close`."""

    _FLUSH_AT = 1 << 20

    def __init__(self, directory: str | None = None) -> None:
        # Kept open for the spill's life (closed by `close`), so not a `with` block.
        self._file = tempfile.TemporaryFile(dir=directory, prefix="claimline-rebuild-")  # noqa: SIM115
        self.fd = self._file.fileno()
        self._flushed = 0  # bytes in the file; the rest of what was put is in _pending
        self._pending = bytearray()

    def put(self, document: bytes) -> int:
        length = len(document)
        if length >= 1 << 32:
            raise ValueError("a document of 4 GiB or more")
        handle = (self._flushed + len(self._pending)) << 32 | length
        self._pending += document
        if len(self._pending) >= self._FLUSH_AT:
            self.flush()
        return handle

    def flush(self) -> None:
        view = memoryview(self._pending)
        while view:
            view = view[os.write(self.fd, view):]
        self._flushed += len(self._pending)
        self._pending = bytearray()

    def get(self, handle: int) -> bytes:
        offset, length = handle >> 32, handle & 0xFFFFFFFF
        if offset >= self._flushed:
            return bytes(self._pending[offset - self._flushed:offset - self._flushed + length])
        return read_spilled(self.fd, handle)

    @property
    def size(self) -> int:
        return self._flushed + len(self._pending)

    def close(self) -> None:
        self._file.close()


def read_spilled(fd: int, handle: int) -> bytes:
    """A flushed document of a `DocumentSpill` by its descriptor (a forked writer's way)."""
    offset, length = handle >> 32, handle & 0xFFFFFFFF
    data = os.pread(fd, length, offset)
    if len(data) != length:
        raise OSError(f"spilled document at {offset}: read {len(data)} of {length} bytes")
    return data


class Held(NamedTuple):
    """What the fold keeps of one current event: its document, or with a spill its handle."""

    event_id: str
    article: str
    key: str
    document: bytes | int


class CompactFold:
    """`fold_state` over (record, document) pairs, holding documents instead of events (or,
    with `spill`, their places in a file). Strings that many events share (articles,
    versions, keys) are kept once."""

    def __init__(self, spill: DocumentSpill | None = None) -> None:
        self.held: dict[str, Held] = {}
        self.article_versions: dict[str, str] = {}
        self.spill = spill
        # Ids that were held and then dropped (a newer version of their article, a better
        # copy): what a store that took every accepted document must delete again.
        self.removed: set[str] = set()
        self._by_article: dict[str, set[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._parts: dict[str, KeyParts] = {}
        self._bases: dict[str, str | None] = {}
        self._shared: dict[str, str] = {}

    def _share(self, text: str) -> str:
        return self._shared.setdefault(text, text)

    def document(self, held: Held) -> bytes:
        """The document of a held event."""
        if self.spill is None:
            return held.document  # type: ignore[return-value]
        return self.spill.get(held.document)  # type: ignore[arg-type]

    def _remove(self, held: Held) -> None:
        del self.held[held.event_id]
        self.removed.add(held.event_id)
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

    def apply(self, record: Event | ArticleExtracted, document: bytes | None) -> bool:
        """Fold one record in (`document`: the bytes an event was decoded from; a marker's is
        not kept). The same decisions as `fold._apply_into`, in the same order. True when the
        record is an event the fold now holds (this copy of its id)."""
        if isinstance(record, ArticleExtracted):
            current = self.article_versions.get(record.article)
            if current is not None and _version_rank(record.extractor_version) <= _version_rank(current):
                return False
            self._drop_article(record.article)
            self.article_versions[self._share(record.article)] = self._share(record.extractor_version)
            return False
        if document is None:
            raise ValueError(f"event {record.event_id}: a compact fold keeps the document of every event")
        current = self.article_versions.get(record.article)
        if current is not None and _version_rank(record.extractor_version) < _version_rank(current):
            return False
        newer = current is None or _version_rank(record.extractor_version) > _version_rank(current)
        held = self.held.get(record.event_id)
        if held is not None and not newer:
            old = parse_event(self.document(held))
            if old == record or _event_rank(old) >= _event_rank(record):
                return False
        if current is not None and newer:
            self._drop_article(record.article)
        article = self._share(record.article)
        if newer:
            self.article_versions[article] = self._share(record.extractor_version)
        held = self.held.get(record.event_id)
        if held is None or _event_rank(record) > _event_rank(parse_event(self.document(held))):
            if held is not None:
                self._remove(held)
            parts = entry_key_parts(record)
            key = self._share(key_from_parts(parts))
            self._parts.setdefault(key, parts)
            kept = document if self.spill is None else self.spill.put(document)
            self.held[record.event_id] = Held(record.event_id, article, key, kept)
            self._by_key.setdefault(key, set()).add(record.event_id)
            self._by_article.setdefault(article, set()).add(record.event_id)
            return True
        return False

    def by_key(self) -> dict[str, frozenset[str]]:
        """Event ids by their own key (`FoldState.by_key`)."""
        return {key: frozenset(ids) for key, ids in self._by_key.items() if ids}

    def entry_keys(self) -> dict[str, list[str]]:
        """The keys of each entry (`by_entry` without expanding the keys into event ids)."""
        keys = [key for key, ids in self._by_key.items() if ids]
        resolved = resolve_keys(self._parts[key] for key in keys)
        out: dict[str, list[str]] = {}
        for key in keys:
            out.setdefault(key_from_parts(resolved[self._parts[key]]), []).append(key)
        return out

    def by_entry(self) -> dict[str, frozenset[str]]:
        """Event ids by entry (`FoldState.by_entry`): keys resolved over the current keys."""
        return {entry_id: frozenset(i for key in keys for i in self._by_key[key])
                for entry_id, keys in self.entry_keys().items()}

    def key_members(self, key: str) -> set[str]:
        """The held event ids of one key."""
        return self._by_key.get(key, set())

    def spilled(self, key: str) -> list[int]:
        """The spill handles of a key's held events, in event id order."""
        if self.spill is None:
            raise ValueError("a fold without a spill holds its documents")
        return [self.held[i].document for i in sorted(self._by_key.get(key, ()))]  # type: ignore[misc]

    def article_members(self) -> Iterator[tuple[str, set[str]]]:
        """(article, held event ids) of every article with a held event."""
        return ((article, ids) for article, ids in self._by_article.items() if ids)

    def parts_of_key(self, key: str) -> KeyParts:
        """The `entry_key_parts` of the events of a key."""
        return self._parts[key]

    def base_of_key(self, key: str) -> str | None:
        """`grouping.base_key` of the events of a key (computed once per key)."""
        if key not in self._bases:
            self._bases[key] = base_key_of_parts(self._parts[key])
        return self._bases[key]

    def base_key(self, event_id: str) -> str | None:
        """`grouping.base_key` of a held event, from the parts of its key (the fold has them)."""
        return self.base_of_key(self.held[event_id].key)

    def events(self, event_ids: list[str]) -> dict[str, Event]:
        """The held events of these ids, decoded."""
        return {event_id: parse_event(self.document(self.held[event_id])) for event_id in event_ids}
