"""The timeline over HTTP (FastAPI). Run: `claimline timeline serve`, or inside `claimline demo`.

Handlers only translate HTTP to store queries and back; filtering semantics live in
`services.timeline.query`, the fold in `services.timeline.core`.
"""

import asyncio
import csv
import io
import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import BaseModel

from schemas.events import EVENT_TYPES
from services.common.http import READ_TOKEN_COOKIE, SecurityHeaders, bearer_guard
from services.common.knowledge import party_table
from services.timeline.core.figures import METRICS, figure_history, list_subjects, parse_subject
from services.timeline.core.model import Entry, FigurePoint, ListedEntry, SubjectInfo
from services.timeline.fanout import RESYNC, Fanout
from services.timeline.query import list_view
from services.timeline.routes_places import places_router
from services.timeline.store import TimelineQuery, TimelineStore


@dataclass
class TimelineContext:
    """What the handlers need, built at start-up by the service or the embedded mode."""

    store: TimelineStore
    # Returns {"ok": bool, ...details}: Kafka (or log) reachability, Redis, consumer lag.
    health: Callable[[], Awaitable[dict[str, Any]]]
    metrics: Callable[[], Awaitable[dict[str, float]]]
    articles: Callable[[str], Awaitable[dict | None]] | None = None
    # The process's live-update fan-out (one store subscription), made on first use.
    fanout: Fanout | None = None

    def live(self) -> Fanout:
        if self.fanout is None:
            self.fanout = Fanout(self.store)
        return self.fanout


class TimelinePage(BaseModel):
    # claims=some (the default): ListedEntry, a few claims as briefs; claims=all: Entry.
    entries: list[ListedEntry | Entry]
    count: int
    next_cursor: str | None


class FiguresOut(BaseModel):
    subject: str | None
    points: list[FigurePoint]
    subjects: list[SubjectInfo]


class ArticleOut(BaseModel):
    id: str
    article: dict | None
    events: list[dict]


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


def build_router(get_ctx: Callable[[], Awaitable[TimelineContext]], *, read_token: str | None) -> APIRouter:
    router = APIRouter(dependencies=[Depends(bearer_guard(read_token, cookie=READ_TOKEN_COOKIE))])
    Ctx = Annotated[TimelineContext, Depends(get_ctx)]

    @router.get(
        "/timeline",
        response_model=TimelinePage,
        tags=["timeline"],
        summary="The chronology, filtered and paginated (JSON, CSV or NDJSON)",
        responses={200: {"content": {"text/csv": {}, "application/x-ndjson": {}}}, 400: {"description": "bad cursor"}},
    )
    async def get_timeline(
        request: Request,
        ctx: Ctx,
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
            view = (lambda e: e) if claims == "all" else list_view
            body = "".join(view(entry).model_dump_json() + "\n" for entry in page.entries)
            return Response(body, media_type="application/x-ndjson", headers=headers)
        raise AssertionError(f"unhandled format {fmt}")  # Literal[...] makes this unreachable

    @router.get("/timeline/stream", tags=["timeline"],
                summary="Server-sent events: new and changed entries, live",
                responses={200: {"content": {"text/event-stream": {}}}})
    async def stream(request: Request, ctx: Ctx) -> StreamingResponse:
        fanout = ctx.live()

        async def events():
            # Frames come rendered from the process's one subscription (services.timeline.fanout).
            listener = fanout.connect()
            try:
                yield "retry: 2000\n\n"
                while True:
                    try:
                        frames = await asyncio.wait_for(listener.queue.get(), timeout=15.0)
                    except TimeoutError:
                        if await request.is_disconnected():
                            break
                        yield ": keep-alive\n\n"
                        continue
                    yield frames
                    if frames == RESYNC:
                        break  # dropped as too slow: the client reconnects and reloads
            finally:
                fanout.disconnect(listener)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    async def entries_where(ctx: TimelineContext, **filters) -> list[Entry]:
        """Every entry matching the filters, through the store's index (page by page)."""
        found, cursor = [], None
        while True:
            page = await ctx.store.page(TimelineQuery(limit=500, cursor=cursor, **filters))
            found.extend(page.entries)
            cursor = page.next_cursor
            if not cursor:
                return found

    @router.get("/figures", response_model=FiguresOut, tags=["figures"],
                summary="How one figure evolved claim by claim (e.g. subject=PRK troops)",
                responses={422: {"description": "subject not understood"}})
    async def get_figures(
        ctx: Ctx,
        subject: Annotated[str | None, Query(description="'<party> <metric>', e.g. 'PRK troops', "
                                                        "'North Korean casualties'; omit to list subjects")] = None,
    ) -> FiguresOut:
        if subject is None:
            entries = []
            for metric_type in sorted({t for t, _ in METRICS.values()}):
                entries.extend(await entries_where(ctx, type=metric_type))
            return FiguresOut(subject=None, points=[], subjects=list_subjects(entries))
        try:
            wanted = parse_subject(subject)
        except ValueError as error:
            raise HTTPException(status_code=422, detail=f"subject: {error}") from error
        event_type, _ = METRICS[wanted.metric]
        entries = await entries_where(ctx, type=event_type, actor=wanted.actor)
        return FiguresOut(subject=wanted.label, points=figure_history(entries, wanted), subjects=[])

    @router.get("/timeline/{entry_id}", response_model=Entry, tags=["timeline"],
                summary="One entry with all its claims and sources", responses={404: {"description": "no such entry"}})
    async def get_entry(entry_id: str, ctx: Ctx) -> Entry:
        entry = await ctx.store.entry(entry_id)
        if entry is None:
            raise HTTPException(status_code=404, detail=f"no timeline entry {entry_id!r}")
        return entry

    @router.get("/events/{event_id}", tags=["events"], summary="One extracted event",
                responses={404: {"description": "no such event"}})
    async def get_event(event_id: str, ctx: Ctx) -> Response:
        event = await ctx.store.event(event_id)
        if event is None:
            raise HTTPException(status_code=404, detail=f"no event {event_id!r} in the timeline")
        return Response(event.model_dump_json(), media_type="application/json")

    @router.get("/articles/{article_id}", response_model=ArticleOut, tags=["articles"],
                summary="What was ingested, and what was extracted from it",
                responses={404: {"description": "no such article"}})
    async def get_article(article_id: str, ctx: Ctx) -> ArticleOut:
        article = await ctx.articles(article_id) if ctx.articles else None
        event_ids = await ctx.store.article_event_ids(article_id)
        if article is None and not event_ids:
            raise HTTPException(status_code=404, detail=f"no article {article_id!r}")
        events = await ctx.store.events(set(event_ids))
        return ArticleOut(id=article_id, article=article,
                          events=[json.loads(events[i].model_dump_json()) for i in event_ids if i in events])

    return router


def build_ops_router(get_ctx: Callable[[], Awaitable[TimelineContext]]) -> APIRouter:
    router = APIRouter(tags=["ops"])
    Ctx = Annotated[TimelineContext, Depends(get_ctx)]

    @router.get("/health", summary="Kafka (or embedded log) and Redis reachability, consumer lag")
    async def health(ctx: Ctx) -> JSONResponse:
        report = await ctx.health()
        return JSONResponse(status_code=200 if report.get("ok") else 503, content=report)

    @router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
    async def metrics(ctx: Ctx) -> PlainTextResponse:
        values = await ctx.metrics()
        lines = []
        for name, value in sorted(values.items()):
            metric = name.split("{", 1)[0]
            lines.append(f"# TYPE {metric} {'counter' if metric.endswith('_total') else 'gauge'}")
            lines.append(f"{name} {value}")
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")

    return router


def create_app(ctx_factory: Callable[[], Awaitable[TimelineContext]], *, read_token: str | None,
               on_shutdown: Callable[[], Awaitable[None]], extra_routers: Sequence[APIRouter] = ()) -> FastAPI:
    from contextlib import asynccontextmanager

    holder: dict[str, TimelineContext] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        holder["ctx"] = await ctx_factory()
        yield
        await on_shutdown()

    app = FastAPI(title="Claimline timeline", version="0.1.0", lifespan=lifespan,
                  description="A dated, source-attributed, queryable chronology of war claims.")
    app.add_middleware(SecurityHeaders)

    async def get_ctx() -> TimelineContext:  # a coroutine: a plain function would run in the thread pool
        return holder["ctx"]

    app.include_router(build_ops_router(get_ctx))
    app.include_router(build_router(get_ctx, read_token=read_token))
    app.include_router(places_router(get_ctx, read_token=read_token))
    for router in extra_routers:
        app.include_router(router)
    from services.timeline.web import web_router

    app.include_router(web_router())
    return app
