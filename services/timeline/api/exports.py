"""Exports of `GET /timeline` (CSV and NDJSON): rows and the stream that writes them.

By default an export is the whole selection: every filter applied, every page, streamed
page by page from the store (`EXPORT_PAGE` entries at a time), so nothing holds the whole
timeline in memory. With `limit` or `cursor` it is one page, as JSON pages are.

Rows (`rows=`):
* `claims` (the CSV default): one row per claim, what a citation needs: the claim's entry
  (id, title), type, claimants (names and parties), modality, figures (kind, value as
  written, unit, bound, scope), event time, outlet, URL, publication date (and whether it
  was inferred), article id and evidence sentences.
* `entries` (the NDJSON default, the shape it always had): one row per entry.

The source URL and the inferred-date flag are the article's, not the event's: they are
read once per article from the context's article reader (the embedded mode has one; the
Kafka deployment's timeline does not, and leaves them empty).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from typing import Any

from services.timeline.api.deps import TimelineContext
from services.timeline.core.contest import figure_text, quantity_mid
from services.timeline.core.model import ClaimView, Entry, ListedEntry
from services.timeline.query import list_view
from services.timeline.store import Page, TimelineQuery

EXPORT_PAGE = 200

ENTRY_COLUMNS = ["entry_id", "title", "type", "actor", "partners", "against", "locations", "time_start", "time_end",
                 "granularity", "time_known", "contested", "contested_reasons", "figures", "claimant_parties",
                 "claims", "first_evidence"]

CLAIM_COLUMNS = ["entry_id", "entry_title", "type", "event_id", "claimant_names", "claimant_parties", "modality",
                 "figures", "figure_kinds", "figure_values", "figure_units", "figure_bounds", "figure_scopes",
                 "event_time_start", "event_time_end", "event_time_text", "event_time_from_article_date",
                 "outlet", "url", "published_at", "published_at_inferred", "article_id", "evidence",
                 "entry_contested"]

# Several values in one CSV cell (claimants, figures, evidence sentences), in order.
SEP = " | "


def entry_csv_row(entry: Entry) -> list[str]:
    figures = "; ".join(
        f"{f.kind}: {f.min:g}" + (f"-{f.max:g}" if f.max != f.min else "") for f in entry.figures
    )
    first = entry.claims[0].evidence[0].sentence if entry.claims and entry.claims[0].evidence else ""
    return [entry.entry_id, entry.title, entry.type, entry.actor or "", " ".join(entry.partners), entry.against or "",
            "; ".join(place.name for place in entry.locations), entry.time.start.isoformat(),
            entry.time.end.isoformat(),
            entry.time.granularity, str(entry.time_known).lower(), str(entry.contested).lower(),
            " | ".join(entry.contested_reasons), figures, " ".join(entry.claimant_parties),
            str(entry.claims_total or len(entry.claims)), first]


class ArticleFacts:
    """The source URL and inferred-date flag of each article, read once per export."""

    def __init__(self, reader: Callable[[str], Any] | None) -> None:
        self._reader = reader
        self._known: dict[str, tuple[str | None, bool | None]] = {}

    async def of(self, article_id: str) -> tuple[str | None, bool | None]:
        if article_id not in self._known:
            article = await self._reader(article_id) if self._reader is not None else None
            self._known[article_id] = ((article.get("url"), bool(article.get("published_at_inferred")))
                                       if article else (None, None))
        return self._known[article_id]


def claim_record(entry: Entry, claim: ClaimView, url: str | None, inferred: bool | None) -> dict[str, Any]:
    """One claim as an NDJSON row (`rows=claims`): the CSV's columns with structured values."""
    return {
        "entry_id": entry.entry_id, "entry_title": entry.title, "type": claim.type or entry.type,
        "event_id": claim.event_id,
        "claimants": [{"name": c.name, "party": c.party} for c in claim.claimants],
        "modality": claim.modality,
        "figures": [{**q.model_dump(mode="json"), "as_written": figure_text(q, quantity_mid(q))}
                    for q in claim.quantities],
        "time": claim.time.model_dump(mode="json"),
        "outlet": claim.source, "url": url, "published_at": claim.published_at.isoformat(),
        "published_at_inferred": inferred, "article_id": claim.article,
        "evidence": [e.sentence for e in claim.evidence], "entry_contested": entry.contested,
    }


def _amount(claim_quantity: Any) -> str:
    q = claim_quantity
    if q.value is not None:
        return f"{q.value:g}"
    if q.low is not None and q.high is not None:
        return f"{q.low:g}-{q.high:g}"
    return q.vague or ""


def claim_csv_row(entry: Entry, claim: ClaimView, url: str | None, inferred: bool | None) -> list[str]:
    quantities = claim.quantities
    return [
        entry.entry_id, entry.title, claim.type or entry.type, claim.event_id,
        SEP.join(c.name for c in claim.claimants), SEP.join(c.party or "" for c in claim.claimants),
        claim.modality,
        SEP.join(f"{q.kind}: {figure_text(q, quantity_mid(q))}" for q in quantities),
        SEP.join(q.kind for q in quantities), SEP.join(_amount(q) for q in quantities),
        SEP.join(q.unit or "" for q in quantities), SEP.join(q.bound or "" for q in quantities),
        SEP.join(q.scope or "" for q in quantities),
        claim.time.start.isoformat(), claim.time.end.isoformat(), claim.time.text or "",
        str(claim.time.from_article_date).lower(),
        claim.source or "", url or "", claim.published_at.isoformat(),
        "" if inferred is None else str(inferred).lower(), claim.article,
        SEP.join(e.sentence for e in claim.evidence), str(entry.contested).lower(),
    ]


async def pages(ctx: TimelineContext, query: TimelineQuery, first: Page, *, whole: bool) -> AsyncIterator[list[Entry]]:
    """The entries of `first`, then (when `whole`) of every following page."""
    page = first
    while True:
        yield page.entries
        if not whole or not page.next_cursor:
            return
        page = await ctx.store.page(replace(query, cursor=page.next_cursor))


def _csv_line(row: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(row)
    return buffer.getvalue()


async def export_lines(ctx: TimelineContext, query: TimelineQuery, first: Page, *, fmt: str, rows: str,
                       full_claims: bool, whole: bool) -> AsyncIterator[str]:
    """The export's text, a page of rows at a time."""
    facts = ArticleFacts(ctx.articles)
    if fmt == "csv":
        yield _csv_line(CLAIM_COLUMNS if rows == "claims" else ENTRY_COLUMNS)
    view: Callable[[Entry], Entry | ListedEntry] = (lambda e: e) if full_claims else list_view
    async for entries in pages(ctx, query, first, whole=whole):
        chunk: list[str] = []
        for entry in entries:
            if rows == "entries":
                chunk.append(_csv_line(entry_csv_row(entry)) if fmt == "csv"
                             else view(entry).model_dump_json() + "\n")
                continue
            for claim in entry.claims:
                url, inferred = await facts.of(claim.article)
                chunk.append(_csv_line(claim_csv_row(entry, claim, url, inferred)) if fmt == "csv"
                             else json.dumps(claim_record(entry, claim, url, inferred), ensure_ascii=False) + "\n")
        if chunk:
            yield "".join(chunk)
