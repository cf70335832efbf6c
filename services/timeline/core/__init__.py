"""The pure timeline core: grouping events into entries, summarizing claims, superseding
older extractor versions. No Kafka, Redis, FastAPI or clock inside."""
from services.timeline.core.fold import (
    FoldState,
    apply,
    build_entry,
    entry_key,
    fold,
    version_key,
)
from services.timeline.core.model import ClaimView, Entry, FigureSummary

__all__ = ["ClaimView", "Entry", "FigureSummary", "FoldState", "apply", "build_entry", "entry_key", "fold", "version_key"]
