"""`GET /health` and `GET /metrics`: open, for probes and Prometheus."""
from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse

from services.timeline.api.deps import ContextDep

router = APIRouter(tags=["ops"])


@router.get("/health", summary="Kafka (or embedded log) and Redis reachability, consumer lag")
async def health(ctx: ContextDep) -> JSONResponse:
    report = await ctx.health()
    return JSONResponse(status_code=200 if report.get("ok") else 503, content=report)


@router.get("/metrics", response_class=PlainTextResponse, summary="Prometheus metrics")
async def metrics(ctx: ContextDep) -> PlainTextResponse:
    values = await ctx.metrics()
    lines = []
    typed: set[str] = set()
    for name, value in sorted(values.items()):
        metric = name.split("{", 1)[0]
        if metric not in typed:  # one TYPE line per metric, however many labelled series
            typed.add(metric)
            lines.append(f"# TYPE {metric} {'counter' if metric.endswith('_total') else 'gauge'}")
        lines.append(f"{name} {value}")
    return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4")
