"""Reading articles from files for `claimline push`: raw .txt pages, .json, .jsonl/.ndjson,
and directories of them. Pure parsing; validation is ingest's own (`validate_item`)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

SUFFIXES = {".txt", ".json", ".jsonl", ".ndjson"}


def txt_article(text: str) -> dict:
    """A raw page: the first non-empty line is the title, the whole page is the text."""
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    return {"title": title, "text": text}


def read_items(path: Path | None, stdin_text: str | None = None) -> Iterator[tuple[str, object]]:
    """(where, item) pairs; `where` names the file and line for error messages.
    An item that cannot even be parsed comes as an Exception."""
    if path is None:
        yield from _parse_text("<stdin>", stdin_text or "", kind=None)
        return
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES):
            yield from read_items(child)
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        yield str(path), error
        return
    yield from _parse_text(str(path), text, kind=path.suffix.lower())


def _parse_text(name: str, text: str, *, kind: str | None) -> Iterator[tuple[str, object]]:
    if kind == ".txt":
        yield name, txt_article(text)
        return
    stripped = text.lstrip()
    if kind == ".json" or (kind is None and stripped[:1] in "[{" and _is_one_document(stripped)):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            yield name, ValueError(f"not valid JSON: {error.msg} (line {error.lineno})")
            return
        items = document if isinstance(document, list) else [document]
        for index, item in enumerate(items):
            yield (f"{name}[{index}]" if isinstance(document, list) else name), item
        return
    if kind in (".jsonl", ".ndjson") or (kind is None and stripped[:1] == "{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield f"{name}:{number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f"{name}:{number}", ValueError(f"not valid JSON: {error.msg}")
        return
    yield name, txt_article(text)


def _is_one_document(text: str) -> bool:
    try:
        json.loads(text)
        return True
    except json.JSONDecodeError:
        return False
