"""The timeline's web page and its files (`static/`), served by
`services.timeline.api.routes.static` (at `/` in the timeline service and the embedded demo)."""
from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
