"""The README and the docs it points to stay readable where users read them.

GitHub renders only the first 512,000 bytes of a README: past that, the sections at its end
(commands, HTTP API, configuration) silently disappear from the project's front page. The
extraction log outgrew that once; its history now lives in docs/.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GITHUB_README_LIMIT = 512_000
# Room for a session's notes before the limit is reached.
README_BUDGET = 400_000
DOCS = ("README.md", "docs/extraction-gold-sets.md", "docs/extraction-rule-work.md", "docs/measured-figures.md")
# A repository path written as code: `docs/x.md`, `bench/replay_speed.py --events 100000`.
_PATH = re.compile(r"`((?:docs|bench|services|tests|schemas|deploy|\.ci)/[^`\s]+)")


def test_the_readme_is_rendered_whole_by_github():
    size = (ROOT / "README.md").stat().st_size
    assert size <= README_BUDGET < GITHUB_README_LIMIT, (
        f"README.md is {size:,} bytes; move history to docs/ (GitHub renders {GITHUB_README_LIMIT:,})"
    )


@pytest.mark.parametrize("name", DOCS)
def test_every_path_a_document_names_exists(name):
    text = (ROOT / name).read_text(encoding="utf-8")
    # Patterns ({100k,1m}, *, webXX) name a family of files, not one.
    named = {
        p.split("::")[0].rstrip(".,;:)")  # a test's node id names its file
        for p in _PATH.findall(text)
        if not re.search(r"[{}*]|XX|X-", p)
    }
    assert named, f"{name} names no repository path: the pattern no longer matches"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"{name} names paths that do not exist: {missing}"


def test_the_readme_points_to_the_extraction_history():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in DOCS[1:]:
        assert f"`{doc}`" in readme, f"README.md does not point to {doc}"
