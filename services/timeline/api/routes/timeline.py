"""`GET /timeline`: the chronology, filtered and paginated, as JSON, CSV or NDJSON."""
import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from schemas.events import EVENT_TYPES
from services.common.knowledge import party_table
from services.timeline.api.deps import ContextDep
from services.timeline.core.model import Entry, ListedEntry
from services.timeline.query import list_view
from services.timeline.store import TimelineQuery

router = APIRouter()


class TimelinePage(BaseModel):
    # claims=some (the default): ListedEntry, a few claims as briefs; claims=all: Entry.
    entries: list[ListedEntry | Entry]
    count: int
    next_cursor: str | None


CSV_COLUMNS = ["entry_id", "type", "actor", "partners", "against", "locations", "time_start", "time_end",
               "granularity", "time_known", "contested", "contested_reasons", "figures", "claimant_parties",
               "claims", "first_evidence"]


def entry_csv_row(entry: Entry) -> list[str]:
    figures = "; ".join(
        f"{f.kind}: {f.min:g}" + (f"-{f.max:g}" if f.max != f.min else "") for f in entry.figures
    )
    first = entry.claims[0].evidence[0].sentence if entry.claims and entry.claims[0].evidence else ""
    return [entry.entry_id, entry.type, entry.actor or "", " ".join(entry.partners), entry.against or "",
            "; ".join(place.name for place in entry.locations), entry.time.start.isoformat(),
            entry.time.end.isoformat(),
            entry.time.granularity, str(entry.time_known).lower(), str(entry.contested).lower(),
            " | ".join(entry.contested_reasons), figures, " ".join(entry.claimant_parties),
            str(entry.claims_total or len(entry.claims)), first]


_CODE = re.compile(r"[A-Za-z][A-Za-z0-9]{1,7}")


def party_code(text: str | None) -> str | None:
    """A filter's party as a code: a code as given ('prk' -> 'PRK'), else a name the shared
    party table knows ('North Korea', 'Zelensky' -> its party), else the text as written (a
    party-less claimant's name, matched case-insensitively)."""
    if not text or not text.strip():
        return None
    text = text.strip()
    code = party_table().code_of(text)
    if code is not None:
        return code
    return text.upper() if _CODE.fullmatch(text) else text


def _wanted_format(request: Request, fmt: str | None) -> str:
    if fmt:
        return fmt
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return "csv"
    if "application/x-ndjson" in accept or "application/ndjson" in accept:
        return "ndjson"
    return "json"


def _full(entry: Entry) -> Entry:
    return entry


@router.get(
    "/timeline",
    response_model=TimelinePage,
    tags=["timeline"],
    summary="The chronology, filtered and paginated (JSON, CSV or NDJSON)",
    responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}, 400: {"description": "bad cursor"}},
)
async def get_timeline(
    request: Request,
    ctx: ContextDep,
    type: Annotated[Literal[EVENT_TYPES] | None, Query(description="event type")] = None,  # type: ignore[valid-type]
    actor: Annotated[str | None, Query(
        description="party code or name of the actor or a partner, e.g. PRK or North Korea")] = None,
    location: Annotated[str | None, Query(description="place name, e.g. Kursk")] = None,
    claimant: Annotated[str | None, Query(
        description="party code or name of a claimant, e.g. UKR or Zelensky")] = None,
    contested: Annotated[bool | None, Query(description="only contested (true) or uncontested (false)")] = None,
    from_: Annotated[date | None, Query(alias="from", description="event time on or after (ISO date)")] = None,
    to: Annotated[date | None, Query(description="event time on or before (ISO date)")] = None,
    as_of: Annotated[datetime | None, Query(description="only what had been ingested by then")] = None,
    q: Annotated[str | None,
                 Query(min_length=2, max_length=200, description="text in an evidence sentence")] = None,
    order: Annotated[Literal["asc", "desc"], Query(description="by event time")] = "asc",
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    format: Annotated[Literal["json", "csv", "ndjson"] | None, Query(description="overrides Accept")] = None,
    claims: Annotated[Literal["some", "all"], Query(
        description="'some': a few claims per entry (claims_total says how many; "
                    "GET /timeline/{entry_id} has all); 'all': every claim")] = "some",
) -> Any:
    query = TimelineQuery(type=type, actor=party_code(actor), location=location,
                          claimant=party_code(claimant), contested=contested, start=from_,
                          end=to, as_of=as_of, q=q, descending=order == "desc", limit=limit, cursor=cursor,
                          full_claims=claims == "all")
    if from_ and to and from_ > to:
        raise HTTPException(status_code=422, detail="'from' is after 'to'")
    fmt = _wanted_format(request, format)
    try:
        if fmt == "json":
            raw = await ctx.store.page_json(query)
            # Stored documents are spliced in as bytes: no parse, no re-encode.
            body = b'{"entries":[' + b",".join(raw.entries) + b"]"
            body += f',"count":{len(raw.entries)},"next_cursor":{json.dumps(raw.next_cursor)}}}'.encode()
            headers = {"X-Next-Cursor": raw.next_cursor} if raw.next_cursor else {}
            return Response(body, media_type="application/json", headers=headers)
        page = await ctx.store.page(query)
    except ValueError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    headers = {"X-Next-Cursor": page.next_cursor} if page.next_cursor else {}
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        for entry in page.entries:
            writer.writerow(entry_csv_row(entry))
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    if fmt == "ndjson":
        view: Callable[[Entry], Entry | ListedEntry] = _full if claims == "all" else list_view
        ndjson = "".join(view(entry).model_dump_json() + "\n" for entry in page.entries)
        return Response(ndjson, media_type="application/x-ndjson", headers=headers)
    raise AssertionError(f"unhandled format {fmt}")  # Literal[...] makes this unreachable
