"""Write the JSON Schema files of the wire models, generated from the pydantic models.

    python -m schemas.generate           # (re)write schemas/jsonschema/*.schema.json
    python -m schemas.generate --check   # exit 1 when a file is missing or out of date

`tests/unit/test_jsonschema.py` fails when the files are out of date, so a model change
must come with regenerated schemas.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from schemas.article import Article
from schemas.events import EVENT_ADAPTER, EVENT_SCHEMA_VERSION

OUT_DIR = Path(__file__).resolve().parent / "jsonschema"


def schemas() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema document."""
    event = EVENT_ADAPTER.json_schema()
    event = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Event",
             "description": f"An extracted event (schema_version {EVENT_SCHEMA_VERSION}), discriminated by 'type'.",
             **event}
    article = {"$schema": "https://json-schema.org/draft/2020-12/schema", **Article.model_json_schema()}
    return {"event.schema.json": event, "article.schema.json": article}


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale(out_dir: Path = OUT_DIR) -> list[str]:
    """Names of schema files that are missing or differ from the models."""
    out = []
    for name, doc in schemas().items():
        path = out_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != render(doc):
            out.append(name)
    return out


def write(out_dir: Path = OUT_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, doc in schemas().items():
        path = out_dir / name
        path.write_text(render(doc), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    if "--check" in argv:
        bad = stale()
        for name in bad:
            print(f"out of date: schemas/jsonschema/{name} (run: python -m schemas.generate)", file=sys.stderr)
        return 1 if bad else 0
    for p in write():
        print(f"wrote {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
