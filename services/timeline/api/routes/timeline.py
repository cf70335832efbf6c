"""`GET /timeline`: the chronology, filtered and paginated, as JSON, CSV or NDJSON.

JSON answers a page (`limit`, default 50, and `cursor`). CSV and NDJSON export the whole
selection by default, streamed (`services.timeline.api.exports`); with `limit` or `cursor`
they answer one page too. `rows` says what a row is: a claim (the CSV default) or an entry
(the NDJSON default)."""
import json
import re
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import replace
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel

from schemas.events import EVENT_TYPES
from services.common.knowledge import party_table
from services.timeline.api.deps import ContextDep, TimelineContext, get_context, require_read_token
from services.timeline.api.exports import EXPORT_PAGE, export_lines
from services.timeline.core.model import Entry, ListedEntry
from services.timeline.store import PAGE_MEMO_ITEMS, GenerationCache, TimelineQuery

# A JSON page's body and its X-Next-Cursor, by (raw query string, Accept header).
_MemoKey = tuple[bytes, str]
_Memo = GenerationCache[_MemoKey, tuple[bytes, str | None]]
_MEMO = "timeline_page_memo"


def _memo(app: FastAPI) -> _Memo:
    memo: _Memo | None = getattr(app.state, _MEMO, None)
    if memo is None:
        memo = GenerationCache(lambda item: len(item[0]), max_items=PAGE_MEMO_ITEMS)
        setattr(app.state, _MEMO, memo)
    return memo


# Set in the scope of a request `plain_page` was asked about before routing (`api.plain_pages`)
# and did not answer: the route does not ask again.
PLAIN_PAGE_TRIED = "claimline.plain_page_tried"


class MemoizedPages(APIRoute):
    """GET /timeline answered again, byte for byte, for a request the same as one answered
    before (query string and Accept header) while the store's generation is unchanged.

    FastAPI's handling of the route's seventeen query parameters cost about four times what
    the page itself did (profiled under load), so a repeated request skips it: the read token
    is checked, the generation read (one GET), the body sent. A JSON page asked for with plain
    parameters (`simple_query`) skips it too when it is computed (`plain_page`; the timeline
    service answers those before FastAPI's routing, `api.plain_pages`). Everything else (any
    error, exports, parameters written otherwise) goes through the route as declared, and only
    a 200 JSON page computed under an unchanged generation is kept (see `GenerationCache`);
    with the memos off (`CLAIMLINE_PAGE_MEMO_ITEMS=0`) the generation is not read at all."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def memoized(request: Request) -> Response:
            if not request.scope.get(PLAIN_PAGE_TRIED):
                try:
                    plain = await plain_page(request)
                except ValueError:  # a bad cursor: the route answers the 400
                    return await handler(request)
                if plain is not None:
                    return plain
            try:
                await require_read_token(request)
            except HTTPException:
                return await handler(request)  # answers the 401 as the route does
            ctx = await get_context(request)
            generation_of = getattr(ctx.store, "generation", None) if PAGE_MEMO_ITEMS > 0 else None
            if generation_of is None:
                return await handler(request)
            # Parameters written otherwise than `simple_query` reads them: kept by their spelling.
            return await _through_memo(request, generation_of, lambda: handler(request), _json_page_response)

        return memoized


async def plain_page(request: Request) -> Response | None:
    """A JSON page asked for with plain parameters (`simple_query`) by a reader the token lets
    in, answered without FastAPI's parameter handling: from the memo when an identical request
    was answered under the store's current generation, else computed (and kept). None when
    the route must answer as declared: no valid token (its 401), another spelling, an export.
    A bad cursor raises ValueError (the route answers its 400)."""
    try:
        await require_read_token(request)
    except HTTPException:
        return None
    query = simple_query(request)
    if query is None:
        return None
    ctx = await get_context(request)
    generation_of = getattr(ctx.store, "generation", None) if PAGE_MEMO_ITEMS > 0 else None
    if generation_of is None:
        return await json_page(ctx, query, request)
    return await _through_memo(request, generation_of, lambda: json_page(ctx, query, request), lambda _: True)


async def _through_memo(request: Request, generation_of: Callable[[], Awaitable[bytes | str | None]],
                        compute: Callable[[], Awaitable[Response]],
                        keepable: Callable[[Response], bool]) -> Response:
    """The page kept for this request (query string and Accept header) under the store's current
    generation, else `compute`d and kept when `keepable` and computed under that generation."""
    key = (request.scope.get("query_string", b""), request.headers.get("accept", ""))
    memo = _memo(request.app)
    generation = await generation_of()
    kept = memo.get(generation, key)
    if kept is not None:
        return _kept_response(kept)
    # The page passes the generation to the store and gets back the one it was computed under
    # (read in its script, or after it): at most two reads of the token a page, not four.
    request.state.timeline_generation = generation
    response = await compute()
    computed_under = getattr(request.state, "page_generation", None)
    if generation is not None and keepable(response) and (
            computed_under if computed_under is not None else await generation_of()) == generation:
        memo.put(generation, key, (bytes(response.body), response.headers.get("x-next-cursor")))
    return response


def _json_page_response(response: Response) -> bool:
    """A response the route computed that is a 200 JSON page (not an error, not an export)."""
    return response.status_code == 200 and type(response) is Response and response.media_type == "application/json"


def _kept_response(kept: tuple[bytes, str | None]) -> Response:
    body, cursor = kept
    return Response(body, media_type="application/json", headers={"X-Next-Cursor": cursor} if cursor else None)


router = APIRouter(route_class=MemoizedPages)


class TimelinePage(BaseModel):
    # claims=some (the default): ListedEntry, a few claims as briefs; claims=all: Entry.
    entries: list[ListedEntry | Entry]
    count: int
    next_cursor: str | None


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


_EVENT_TYPES = frozenset(EVENT_TYPES)
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?")
_LIMIT = re.compile(r"[1-9][0-9]{0,2}")


def simple_query(request: Request) -> TimelineQuery | None:
    """The query of a JSON page asked for with plain parameters, as `get_timeline` makes it,
    without FastAPI's parameter handling (by the profile, a third of a page's CPU): each
    parameter at most once, every value in the one plain spelling of its type (`true`/`false`,
    ISO days, ISO seconds with `Z` or an offset, a limit without leading zeros), nothing the
    route would refuse. None for anything else (another spelling, an unknown or repeated or
    empty parameter, an export): the route handles it as declared, so what a request is
    answered with never depends on which way it took (the unit tests compare both)."""
    params = request.query_params
    items = params.multi_items()
    if len(items) != len(params):
        return None
    args: dict[str, Any] = {}
    fmt: str | None = None
    for name, value in items:
        if not value:
            return None
        if name == "type":
            if value not in _EVENT_TYPES:
                return None
            args["type"] = value
        elif name in ("actor", "claimant"):
            args[name] = party_code(value)
        elif name == "location":
            args["location"] = value
        elif name == "contested":
            if value not in ("true", "false"):
                return None
            args["contested"] = value == "true"
        elif name in ("from", "to"):
            if not _DAY.fullmatch(value):
                return None
            try:
                args["start" if name == "from" else "end"] = date.fromisoformat(value)
            except ValueError:
                return None
        elif name == "as_of":
            if not _MOMENT.fullmatch(value):
                return None
            try:
                args["as_of"] = datetime.fromisoformat(value)
            except ValueError:
                return None
        elif name == "q":
            if not 2 <= len(value) <= 200:
                return None
            args["q"] = value
        elif name == "order":
            if value not in ("asc", "desc"):
                return None
            args["descending"] = value == "desc"
        elif name == "limit":
            if not _LIMIT.fullmatch(value) or int(value) > 500:
                return None
            args["limit"] = int(value)
        elif name == "cursor":
            args["cursor"] = value
        elif name == "format":
            fmt = value
        elif name == "claims":
            if value not in ("some", "all"):
                return None
            args["full_claims"] = value == "all"
        elif name == "rows":
            if value not in ("claims", "entries"):
                return None
        else:
            return None
    if _wanted_format(request, fmt) != "json" or fmt not in (None, "json"):
        return None
    if "start" in args and "end" in args and args["start"] > args["end"]:
        return None
    return TimelineQuery(**args)


async def json_page(ctx: TimelineContext, query: TimelineQuery, request: Request) -> Response:
    """A JSON page: the stored documents spliced in as bytes (no parse, no re-encode). Passes
    the store the generation the memo read (`request.state.timeline_generation`) and keeps the
    one the page was computed under (`page_generation`). A bad cursor raises ValueError."""
    raw = await ctx.store.page_json(query, generation=getattr(request.state, "timeline_generation", None))
    request.state.page_generation = raw.generation
    body = page_body(raw.entries, raw.next_cursor)
    headers = {"X-Next-Cursor": raw.next_cursor} if raw.next_cursor else None
    return Response(body, media_type="application/json", headers=headers)


def page_body(documents: list[bytes], next_cursor: str | None) -> bytes:
    """A JSON page's body around its documents, joined once: joining the documents first and
    the page around them after copied the page twice, and the second copy, made while the
    first was alive, cost 20 times the first (a fresh 160 KiB block of memory: page faults
    every time; 140 against 7 µs a page of 50)."""
    parts = [b'{"entries":[']
    for document in documents:
        parts += (document, b",")
    if documents:
        parts.pop()
    parts.append(f'],"count":{len(documents)},"next_cursor":{json.dumps(next_cursor)}}}'.encode())
    return b"".join(parts)


def _wanted_format(request: Request, fmt: str | None) -> str:
    if fmt:
        return fmt
    accept = request.headers.get("accept", "")
    if "text/csv" in accept:
        return "csv"
    if "application/x-ndjson" in accept or "application/ndjson" in accept:
        return "ndjson"
    return "json"


@router.get(
    "/timeline",
    response_model=TimelinePage,
    tags=["timeline"],
    summary="The chronology, filtered and paginated (JSON); CSV and NDJSON export the whole selection",
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
    limit: Annotated[int | None, Query(
        ge=1, le=500, description="entries per page (JSON: 50 when not given); CSV and NDJSON: "
                                  "export one page instead of the whole selection")] = None,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    format: Annotated[Literal["json", "csv", "ndjson"] | None, Query(description="overrides Accept")] = None,
    claims: Annotated[Literal["some", "all"], Query(
        description="'some': a few claims per entry (claims_total says how many; "
                    "GET /timeline/{entry_id} has all); 'all': every claim")] = "some",
    rows: Annotated[Literal["claims", "entries"] | None, Query(
        description="CSV and NDJSON: one row per claim (the CSV default: entry, type, claimants, modality, "
                    "figures, event time, outlet, URL, date, article, evidence) or per entry (the NDJSON "
                    "default)")] = None,
) -> Any:
    query = TimelineQuery(type=type, actor=party_code(actor), location=location,
                          claimant=party_code(claimant), contested=contested, start=from_,
                          end=to, as_of=as_of, q=q, descending=order == "desc", limit=limit or 50, cursor=cursor,
                          full_claims=claims == "all")
    if from_ and to and from_ > to:
        raise HTTPException(status_code=422, detail="'from' is after 'to'")
    fmt = _wanted_format(request, format)
    try:
        if fmt == "json":
            return await json_page(ctx, query, request)
        # An export is the whole selection unless a page is asked for.
        whole = limit is None and cursor is None
        if whole:
            query = replace(query, limit=EXPORT_PAGE)
        # The first page is read before the answer starts, so a bad cursor is still a 400.
        first = await ctx.store.page(query)
    except ValueError as error:
        raise HTTPException(status_code=400, detail=str(error)) from error
    row_kind = rows or ("claims" if fmt == "csv" else "entries")
    headers = {"X-Next-Cursor": first.next_cursor} if first.next_cursor and not whole else {}
    if whole:
        headers["Content-Disposition"] = f'attachment; filename="claimline-{row_kind}.{fmt}"'
    lines = export_lines(ctx, query, first, fmt=fmt, rows=row_kind, full_claims=claims == "all", whole=whole)
    media_type = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson"
    return StreamingResponse(lines, media_type=media_type, headers=headers)
