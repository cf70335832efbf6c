"""The extractor's version follows its rules: a changed rule file or core module without a
new recorded version fails here (run `python -m services.extract.core.version --bump`)."""
from __future__ import annotations

from services.extract.core.version import EXTRACTOR_VERSION, current_digest, recorded


def test_recorded_version_matches_the_rules_and_code() -> None:
    generation, digest = recorded()
    assert digest == current_digest(), (
        "rules or extractor code changed: run `python -m services.extract.core.version --bump`")
    assert EXTRACTOR_VERSION.startswith(f"2.{generation}+{digest}")
