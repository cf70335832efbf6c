"""The extractor's version, which follows its knowledge.

`EXTRACTOR_VERSION` is `2.<generation>+<digest>.<parser>`: the digest hashes every rule and
vocabulary file, the core's own code and the parser's full version (stand-ins included); the
generation is a counter recorded beside the rules (`rules/VERSION`) and bumped whenever the
digest changes, because the timeline orders versions (a replay must *replace* what an older
extractor said, so versions must grow). A unit test fails when the recorded digest is stale;
`python -m services.extract.core.version --bump` records the new digest under the next generation.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

from schemas.parse import PARSER_RELEASE, PARSER_VERSION
from services.extract.core.rules import RULES_DIR, rules_digest

VERSION_FILE = RULES_DIR / "VERSION"
CORE_DIR = Path(__file__).resolve().parent


def current_digest() -> str:
    """Rules, vocabularies, the core's code and the parser's version (with what it is sent),
    hashed: a new parse of the same text is a new extraction."""
    h = hashlib.sha256(rules_digest().encode())
    h.update(PARSER_VERSION.encode())
    for path in sorted(CORE_DIR.glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def recorded() -> tuple[int, str]:
    generation, digest = VERSION_FILE.read_text(encoding="utf-8").split()[:2]
    return int(generation), digest


def _version() -> str:
    generation, digest = recorded()
    return f"2.{generation}+{digest}.corenlp{PARSER_RELEASE}"


EXTRACTOR_VERSION = _version()


def bump() -> str:
    generation, digest = recorded()
    now = current_digest()
    if now != digest:
        VERSION_FILE.write_text(f"{generation + 1} {now}\n", encoding="utf-8")
        generation += 1
    return f"2.{generation}+{now}"


if __name__ == "__main__":
    if "--bump" in sys.argv:
        print(bump())
    else:
        g, d = recorded()
        print(f"recorded 2.{g}+{d}; current digest {current_digest()}")
