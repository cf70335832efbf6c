"""The timeline web page, served at `/` by the timeline service and the embedded demo."""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

STATIC = Path(__file__).parent / "static"
_STATIC_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}")


def web_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/", response_class=HTMLResponse)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @router.get("/static/{name}")
    async def static(name: str) -> FileResponse:
        # Only plain file names reach the file system: a NUL byte, a separator or '..'
        # would make path handling raise or escape the directory.
        path = STATIC / name if _STATIC_NAME.fullmatch(name) else None
        if path is None or not path.is_file():
            raise HTTPException(status_code=404, detail="not found")
        return FileResponse(path)

    return router
