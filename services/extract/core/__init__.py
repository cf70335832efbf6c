"""The pure extraction core: `extract(parsed) -> list[Event]`, no I/O, no clock."""
from services.extract.core.extractor import EXTRACTOR_VERSION, extract

__all__ = ["EXTRACTOR_VERSION", "extract"]
