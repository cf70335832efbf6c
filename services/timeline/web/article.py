"""The citable article view: `GET /articles/{id}` for a person (HTML).

One page per article: its title, outlet, a link to the source, its publication date (said to
be inferred when the article came without one), its language, and its text with the
evidence sentence of every claim extracted from it highlighted. Each highlight is the anchor
`#ev-<event_id>` and links back to the claim's entry on the timeline page (`/#e-<entry_id>`).

Where the timeline does not hold the article's text (the Kafka + Redis deployment: the text
stays on the articles topic), the page says so and shows what it has: the claims and their
evidence sentences.

Everything from an article or an event is escaped (`html.escape`); the page loads nothing but
its style sheet, within the timeline's content security policy (no inline style or script).
"""
from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from schemas.events import Event
from services.timeline.core.contest import figure_text, quantity_mid


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _entry_href(entry_id: str) -> str:
    return "/#e-" + quote(entry_id, safe="")


def _safe_url(url: str | None) -> str | None:
    """Only http(s) URLs become links (a `javascript:` or `data:` URL stays text)."""
    if not url:
        return None
    lowered = url.strip().lower()
    return url.strip() if lowered.startswith(("http://", "https://")) else None


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    event_ids: tuple[str, ...]


def evidence_spans(text: str, events: Sequence[Event]) -> tuple[list[_Span], set[str]]:
    """The highlights of a text: each evidence sentence where the text has it (at its
    offsets, else its first occurrence), overlapping ones merged into one highlight that
    carries every event id. Returns the spans in text order and the ids of the events
    whose evidence was found in the text."""
    raw: list[tuple[int, int, str]] = []
    for event in events:
        for evidence in event.evidence:
            start, end = evidence.start, evidence.end
            if text[start:end] != evidence.sentence:
                found = text.find(evidence.sentence) if evidence.sentence else -1
                if found < 0:
                    continue
                start, end = found, found + len(evidence.sentence)
            if end > start:
                raw.append((start, end, event.event_id))
    raw.sort()
    spans: list[_Span] = []
    for start, end, event_id in raw:
        if spans and start < spans[-1].end:
            last = spans[-1]
            ids = last.event_ids if event_id in last.event_ids else (*last.event_ids, event_id)
            spans[-1] = _Span(last.start, max(last.end, end), ids)
        else:
            spans.append(_Span(start, end, (event_id,)))
    return spans, {event_id for _, _, event_id in raw}


def _claim_label(event: Event) -> str:
    who = ", ".join(f"{c.name} ({c.party})" if c.party else c.name for c in event.claimants) or "the article itself"
    return f"{who} · {event.modality} · {event.type.replace('_', ' ')}"


def _figures(event: Event) -> str:
    parts = []
    for quantity in event.quantities:
        details = [d for d in (quantity.unit, quantity.bound and quantity.bound.replace("_", " "), quantity.scope)
                   if d]
        parts.append(f"{quantity.kind.replace('_', ' ')}: {figure_text(quantity, quantity_mid(quantity))}"
                     + (f" ({', '.join(details)})" if details else ""))
    return "; ".join(parts)


def _highlighted_text(text: str, spans: Sequence[_Span], entry_of: Mapping[str, str]) -> str:
    out: list[str] = []
    position = 0
    for span in spans:
        out.append(_e(text[position:span.start]))
        first, *others = span.event_ids
        mark = [f'<mark class="evidence" data-events="{_e(" ".join(span.event_ids))}">',
                f'<a id="ev-{_e(first)}" href="{_e(_entry_href(entry_of.get(first, "")))}" '
                f'title="the claim’s entry on the timeline">{_e(text[span.start:span.end])}</a>']
        for index, other in enumerate(others, start=2):
            mark.append(f'<sup><a id="ev-{_e(other)}" href="{_e(_entry_href(entry_of.get(other, "")))}" '
                        f'title="another claim on this sentence">[{index}]</a></sup>')
        mark.append("</mark>")
        out.append("".join(mark))
        position = span.end
    out.append(_e(text[position:]))
    # The text as given: its line breaks are kept by the style sheet (white-space: pre-wrap).
    return "".join(out)


def render_article_page(article_id: str, article: Mapping[str, Any] | None, events: Sequence[Event],
                        entry_of: Mapping[str, str], entry_titles: Mapping[str, str]) -> str:
    """The page (a complete HTML document). `article`: the ingested article as JSON (None when
    this timeline does not hold it); `events`: the claims extracted from it; `entry_of`: the
    entry id of each event; `entry_titles`: the title of each entry."""
    first = events[0] if events else None
    title = (article or {}).get("title") or f"Article {article_id}"
    source = (article or {}).get("source") or (first.source if first else None)
    url = (article or {}).get("url")
    published = (article or {}).get("published_at") or (first.published_at.isoformat() if first else None)
    inferred = bool((article or {}).get("published_at_inferred"))
    language = (article or {}).get("language")
    text = (article or {}).get("text")

    meta: list[str] = []
    meta.append('<div><dt>Outlet</dt><dd class="outlet'
                + ('">' + _e(source) if source else ' not-stated">unknown outlet') + "</dd></div>")
    link = _safe_url(url)
    if link:
        meta.append(f'<div><dt>Source</dt><dd class="source-url"><a class="source-link" href="{_e(link)}" '
                    f'target="_blank" rel="noopener noreferrer">{_e(link)}</a></dd></div>')
    elif url:
        meta.append(f'<div><dt>Source</dt><dd class="source-url">{_e(url)}</dd></div>')
    elif article is not None:
        meta.append('<div><dt>Source</dt><dd class="source-url not-stated">no source URL given</dd></div>')
    if published:
        note = (' <span class="date-inferred">(inferred: the article gave no date; this is the day it was '
                'ingested)</span>') if inferred else ""
        meta.append(f'<div><dt>Published</dt><dd class="published" data-inferred="{str(inferred).lower()}">'
                    f'<time datetime="{_e(published)}">{_e(published)}</time>{note}</dd></div>')
    else:
        meta.append('<div><dt>Published</dt><dd class="published not-stated">no date given</dd></div>')
    if language:
        status = "" if str(language).lower().startswith("en") else \
            " (not read: Claimline’s extraction rules read English only)"
        meta.append(f'<div><dt>Language</dt><dd class="language">{_e(language)}{_e(status)}</dd></div>')
    meta.append(f'<div><dt>Article id</dt><dd class="article-id"><code>{_e(article_id)}</code></dd></div>')

    claims_in_text: set[str] = set()
    if text:
        spans, claims_in_text = evidence_spans(str(text), events)
        body = (f'<section class="article-text" aria-label="Article text">'
                f'{_highlighted_text(str(text), spans, entry_of)}</section>')
    elif article is None and not events:
        body = '<p class="text-absent" role="note">This timeline knows no article with this id.</p>'
    elif article is None:
        body = ('<p class="text-absent" role="note">This timeline service does not hold the article’s text '
                '(in the Kafka deployment it stays on the articles topic). What it has: the claims extracted '
                'from the article and their evidence sentences, below.</p>')
    else:
        body = '<p class="text-absent" role="note">The article has no text.</p>'

    items: list[str] = []
    for event in events:
        entry_id = entry_of.get(event.event_id, "")
        # Without the text, the claim itself is the anchor of its evidence.
        anchor = "" if event.event_id in claims_in_text else f' id="ev-{_e(event.event_id)}"'
        sentences = "".join(f"<p>{_e(ev.sentence)}</p>" for ev in event.evidence)
        figures = _figures(event)
        jump = (f' · <a href="#ev-{_e(event.event_id)}">in the text</a>'
                if event.event_id in claims_in_text else "")
        items.append(
            f'<li class="claim modality-{_e(event.modality)}"{anchor} data-event-id="{_e(event.event_id)}">'
            f'<p class="claim-head">{_e(_claim_label(event))}</p>'
            + (f'<p class="claim-figures">{_e(figures)}</p>' if figures else "")
            + f'<blockquote class="evidence">{sentences}</blockquote>'
            f'<p class="claim-links">Entry: <a class="entry-link" href="{_e(_entry_href(entry_id))}">'
            f'{_e(entry_titles.get(entry_id) or entry_id)}</a>{jump}'
            f' · <a href="/events/{_e(quote(event.event_id, safe=""))}">event JSON</a></p></li>')
    claims = (f'<ol class="article-claims">{"".join(items)}</ol>' if items
              else '<p class="no-claims">No claims were extracted from this article.</p>')

    json_href = "/articles/" + quote(article_id, safe="") + "?format=json"
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} — Claimline</title>\n"
        '<link rel="icon" href="data:,">\n<link rel="stylesheet" href="/static/style.css">\n'
        '<link rel="stylesheet" href="/static/article.css">\n</head>\n'
        '<body class="article-page">\n<main class="wrap article-wrap">\n'
        '<p class="back"><a href="/">← Timeline</a></p>\n'
        f'<article data-article-id="{_e(article_id)}">\n<header>\n<h1 class="article-title">{_e(title)}</h1>\n'
        f'<dl class="article-meta">{"".join(meta)}</dl>\n</header>\n{body}\n'
        f'<section class="claims-section" aria-label="Claims extracted from this article">'
        f'<h2>Claims extracted from this article ({len(events)})</h2>{claims}</section>\n'
        f'<p class="as-json"><a href="{_e(json_href)}">This article as JSON</a></p>\n'
        "</article>\n</main>\n</body>\n</html>\n")
