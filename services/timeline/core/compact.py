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
temporary file and the fold keeps its place in the file (one integer). What it still holds per
current event (its id, article, key and place: about 440 bytes) grows with the fold's records,
so a rebuild folds a long log in partitions, one at a time (`core.passes`), from `FoldRecord`s
it wrote to disk as it read the log.
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

__all__ = ["CompactFold", "DocumentSpill", "FoldRecord", "Held"]


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


class FoldRecord(NamedTuple):
    """What the fold reads of one record, without the decoded record: a rebuild writes these
    to its partition runs (`core.passes.Runs`, as plain tuples) while it reads the log, and
    folds each partition from them afterwards. `seq` is the record's place in the read order
    (partitions merged back into one fold are merged by it)."""

    seq: int
    event_id: str | None  # None: an extraction marker
    article: str
    version: str
    parts: KeyParts | None  # `entry_key_parts` of an event
    document: bytes | int  # an event's document, or its `DocumentSpill` handle (-1: a marker)


class CompactFold:
    """`fold_state` over (record, document) pairs, holding documents instead of events (or,
    with `spill`, their places in a file). Strings that many events share (articles,
    versions, keys) are kept once."""

    def __init__(self, spill: DocumentSpill | None = None) -> None:
        self.held: dict[str, Held] = {}
        self.article_versions: dict[str, str] = {}
        self.spill = spill
        # Ids whose last record is not the copy the fold holds (a worse copy came later, or
        # the id was dropped): a store that took every record's document as it was read
        # (`EventStager`) must write the held copy again, or delete the id. Only re-published
        # and re-extracted articles put ids here.
        self.stale: set[str] = set()
        self._by_article: dict[str, set[str]] = {}
        self._by_key: dict[str, set[str]] = {}
        self._parts: dict[str, KeyParts] = {}
        self._bases: dict[str, str | None] = {}
        self._shared: dict[str, str] = {}

    def _share(self, text: str) -> str:
        return self._shared.setdefault(text, text)

    def document(self, held: Held) -> bytes:
        """The document of a held event."""
        return self._document(held.document)

    def _document(self, ref: bytes | int) -> bytes:
        if isinstance(ref, bytes):
            return ref
        if self.spill is None:
            raise ValueError("a spill handle in a fold without a spill")
        return self.spill.get(ref)

    def _remove(self, held: Held) -> None:
        del self.held[held.event_id]
        self.stale.add(held.event_id)
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
        """Fold one decoded record in (`document`: the bytes an event was decoded from; a
        marker's is not kept): `apply_record` of what it reads of it."""
        if isinstance(record, ArticleExtracted):
            return self.apply_record(FoldRecord(0, None, record.article, record.extractor_version, None, -1))
        if document is None:
            raise ValueError(f"event {record.event_id}: a compact fold keeps the document of every event")
        ref = document if self.spill is None else self.spill.put(document)
        return self.apply_record(FoldRecord(0, record.event_id, record.article, record.extractor_version,
                                            entry_key_parts(record), ref))

    def apply_record(self, record: FoldRecord) -> bool:
        """Fold one record in: the same decisions as `fold._apply_into`, in the same order.
        True when the record is an event the fold now holds (this copy of its id). Two copies
        of one id are compared decoded (from their documents): only a re-published article
        costs that. Unpacked by position: a rebuild passes the plain tuples its runs give
        back, not rebuilt as FoldRecords (0.4 us a record)."""
        _, event_id, record_article, version, parts, document = record
        if event_id is None:
            current = self.article_versions.get(record_article)
            if current is not None and _version_rank(version) <= _version_rank(current):
                return False
            self._drop_article(record_article)
            self.article_versions[self._share(record_article)] = self._share(version)
            return False
        current = self.article_versions.get(record_article)
        if current is not None and _version_rank(version) < _version_rank(current):
            self.stale.add(event_id)
            return False
        newer = current is None or _version_rank(version) > _version_rank(current)
        held = self.held.get(event_id)
        event: Event | None = None
        if held is not None and not newer:
            old, event = parse_event(self.document(held)), parse_event(self._document(document))
            if old == event or _event_rank(old) >= _event_rank(event):
                self.stale.add(event_id)
                return False
        if current is not None and newer:
            self._drop_article(record_article)
        article = self._share(record_article)
        if newer:
            self.article_versions[article] = self._share(version)
        held = self.held.get(event_id)
        if held is not None and event is None:
            event = parse_event(self._document(document))
        if held is None or _event_rank(event) > _event_rank(parse_event(self.document(held))):  # type: ignore[arg-type]
            if held is not None:
                self._remove(held)
            if parts is None:
                raise ValueError(f"event {event_id}: a fold record without its key parts")
            key = self._share(key_from_parts(parts))
            self._parts.setdefault(key, parts)
            self.held[event_id] = Held(event_id, article, key, document)
            self.stale.discard(event_id)
            self._by_key.setdefault(key, set()).add(event_id)
            self._by_article.setdefault(article, set()).add(event_id)
            return True
        self.stale.add(event_id)
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
