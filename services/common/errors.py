"""Messages shared by every stage that parks records: one wording for a validation failure."""
from __future__ import annotations

from pydantic import ValidationError


def describe_validation_error(error: ValidationError) -> str:
    """The first five problems of a validation error, `field.path: message`, joined by `; `."""
    parts = []
    for e in error.errors()[:5]:
        where = ".".join(str(p) for p in e["loc"]) or "(message)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)
