"""The pure extraction core: `extract(parsed) -> list[Event]`, no I/O, no clock."""
from services.extract.core.extractor import extract, load_knowledge
from services.extract.core.version import EXTRACTOR_VERSION

__all__ = ["EXTRACTOR_VERSION", "extract", "load_knowledge"]
