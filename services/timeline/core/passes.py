"""A rebuild's fold in partitioned passes, so that its memory is bounded whatever the log's
size (issue 14).

`CompactFold` keeps about 440 bytes for every current event (its id, article, key and the
place of its document), so a fold of the whole log in one pass grows with the log: 1.5 GB
for 3M events. A rebuild instead writes what the fold reads of each record (`FoldRecord`,
about 100 bytes) to one of `partitions` runs on disk as it reads the log, then folds one
partition at a time, and groups the kept events into entries one bucket at a time:

* Records are partitioned by **article**. What the fold decides for an event depends on
  its article's extractor versions (the article's markers and events) and on the other
  copies of its id; event ids are content hashes that include their article
  (`extract.core.extractor._event_id`), so every record that can change an event's fate
  lands in its partition, in log order, and the partitions fold apart to what the whole log
  folds to. A log where one id appears under articles of two partitions (a hand-made one:
  no extractor writes it) is checked for (`ids_cross_partitions`) and folded in one pass.
* Kept events are bucketed by their key's **base** (type, who, what and time bucket):
  `grouping.resolve_keys` only ever joins keys that share it, so each bucket resolves its
  own entries.

What a pass holds is then the fold of one partition (or the events of one bucket), about
1/partitions of the whole; `partitions_for` picks the count from the log's size and the
memory budget (`CLAIMLINE_REBUILD_MEMORY_MB`). The runs are unlinked temporary files, like
the documents' `DocumentSpill`: the kernel's page cache, not the process's memory.
"""
from __future__ import annotations

import marshal
import math
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from services.timeline.core.grouping import KeyParts, base_key_of_parts, key_from_parts, resolve_keys

__all__ = [
    "FOLD_BYTES_PER_RECORD", "EntryShare", "Runs", "article_partition", "entry_bucket", "entry_shares",
    "id_bucket", "ids_cross_partitions", "partitions_for",
]

# What a rebuild's fold holds per record, at most (measured: about 440 bytes per current event,
# ids, keys and places with their dict and set slots; markers and dropped copies hold less).
FOLD_BYTES_PER_RECORD = 512


def partitions_for(records: int, budget_mb: int) -> int:
    """How many passes fold `records` records within `budget_mb` MB of fold state (at least 1)."""
    return max(1, math.ceil(records * FOLD_BYTES_PER_RECORD / (budget_mb * 1024 * 1024)))


def article_partition(article: str, partitions: int) -> int:
    """The partition of an article's records. By `hash` (a fifth of crc32's cost with its
    encode): it differs between runs, but only the process that reads the log routes records,
    and what a rebuild writes does not depend on which partition folds what."""
    if partitions == 1:
        return 0
    return hash(article) % partitions


def id_bucket(event_id: str, buckets: int) -> int:
    """The bucket an event id is checked for crossing partitions in."""
    return hash(event_id) % buckets


def entry_bucket(parts: KeyParts, buckets: int) -> int:
    """The bucket of a kept event by its key's base (type, who, what, time bucket): every key
    that `resolve_keys` could join to it falls into the same one."""
    if buckets == 1:
        return 0
    return hash((parts[0], parts[1], parts[3], parts[4])) % buckets


class Runs:
    """Tuples appended to one of `count` unlinked temporary files, and read back file by file
    in the order they were added. Buffered per file and written as marshal frames (a tuple
    of strings and ints: several times quicker than pickle both ways, and a frame stores a
    string or tuple that its items share once)."""

    # Tuples buffered over all the files before they are written: each file's frame is its
    # share, so the buffers stay bounded however many partitions a long log needs.
    _BUFFERED = 65536

    def __init__(self, count: int, directory: str | None = None) -> None:
        self._frame = max(256, self._BUFFERED // count)
        # Open for the runs' life (closed by `close`), so not `with` blocks.
        self._files = [tempfile.TemporaryFile(dir=directory, prefix="claimline-runs-")  # noqa: SIM115
                       for _ in range(count)]
        self._buffers: list[list[tuple[Any, ...]]] = [[] for _ in range(count)]

    def __len__(self) -> int:
        return len(self._files)

    def add(self, k: int, item: tuple[Any, ...]) -> None:
        buffer = self._buffers[k]
        buffer.append(item)
        if len(buffer) >= self._frame:
            self._write(k)

    def _write(self, k: int) -> None:
        frame = marshal.dumps(self._buffers[k])
        self._files[k].write(len(frame).to_bytes(8, "little") + frame)
        self._buffers[k] = []

    def read(self, k: int) -> Iterator[tuple[Any, ...]]:
        """Every tuple of file `k`, in the order added; the file is emptied after (a partition
        is read once)."""
        if self._buffers[k]:
            self._write(k)
        file = self._files[k]
        file.flush()
        file.seek(0)
        while header := file.read(8):
            yield from marshal.loads(file.read(int.from_bytes(header, "little")))
        file.seek(0)
        file.truncate()

    def close(self) -> None:
        for file in self._files:
            file.close()
        self._buffers = []


def ids_cross_partitions(ids: Runs) -> bool:
    """Whether some event id was read under articles of two partitions (`ids`: (event id,
    partition) pairs bucketed by `id_bucket`). Holds one bucket's ids at a time."""
    for k in range(len(ids)):
        seen: dict[str, int] = {}
        for event_id, partition in ids.read(k):
            if seen.setdefault(event_id, partition) != partition:
                return True
    return False


# One entry's share of a writer's work: (key parts, base key or None, [document refs in event
# id order]) per key of the entry.
EntryShare = list[tuple[KeyParts, str | None, list[int]]]


def entry_shares(kept: Iterable[tuple[KeyParts, str, int]]) -> dict[str, EntryShare]:
    """The entries of one bucket's kept events ((key parts, event id, document ref) each):
    keys resolved over the bucket's keys (`resolve_keys`, as `CompactFold.entry_keys` over the
    whole fold), each key's refs in event id order (as `CompactFold.spilled`)."""
    by_parts: dict[KeyParts, list[tuple[str, int]]] = {}
    for parts, event_id, ref in kept:
        by_parts.setdefault(parts, []).append((event_id, ref))
    resolved = resolve_keys(by_parts)
    out: dict[str, EntryShare] = {}
    for parts, members in by_parts.items():
        members.sort()
        out.setdefault(key_from_parts(resolved[parts]), []).append(
            (parts, base_key_of_parts(parts), [ref for _, ref in members]))
    return out
