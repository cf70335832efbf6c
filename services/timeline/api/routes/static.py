"""The web pages and their files, open (no read token) and outside the API schema: the
timeline page `/`, the place page `/place/{name}`, `/static/{file}` and the map libraries and
basemap `make assets` vendored (`/static/vendor/{file}`)."""
import re

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse

from services.timeline.web import STATIC

VENDOR = STATIC / "vendor"
# Only plain file names reach the file system: a NUL byte, a separator or '..' would make
# path handling raise or escape the directory.
_FILE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}")

router = APIRouter(include_in_schema=False)


@router.get("/place/{name}", response_class=HTMLResponse)
async def place_page(name: str) -> FileResponse:
    return FileResponse(STATIC / "place.html", media_type="text/html")


@router.get("/static/vendor/{name}")
async def vendored(name: str) -> FileResponse:
    path = VENDOR / name if _FILE_NAME.fullmatch(name) else None
    if path is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found (run `make assets`)")
    # pinned by the lockfile: a browser may keep them for a day without asking again
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/", response_class=HTMLResponse)
async def index() -> FileResponse:
    return FileResponse(STATIC / "index.html", media_type="text/html")


@router.get("/static/{name}")
async def static(name: str) -> FileResponse:
    path = STATIC / name if _FILE_NAME.fullmatch(name) else None
    if path is None or not path.is_file():
        raise HTTPException(status_code=404, detail="not found")
    return FileResponse(path)
