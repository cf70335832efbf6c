"""Hand-built events for the timeline tests (no I/O)."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from schemas.events import Event, parse_event

CORPUS = Path(__file__).resolve().parents[2] / "data"  # tests/data: in every clone, so nothing skips
_COUNTER = iter(range(10**9))


def ev(type: str = "troops_deployed", *, article: str = "art1", version: str = "1.0.0", published: str = "2024-11-11",
       actor: str | None = "PRK", partners=(), against: str | None = None, locations=(), quantities=(),
       time: dict | None = None, claimants=(), modality: str = "asserted", sentence: str | None = None,
       event_id: str | None = None, ingested: str | None = None, source: str | None = None, **slots) -> Event:
    """One event. `time` None places it at the article's date; `claimants` are party codes or
    (party, name) pairs; `quantities` dicts or (kind, value) pairs."""
    if time is None:
        time = {"start": published, "end": published, "granularity": "day", "from_article_date": True}
    claimant_dicts = []
    for c in claimants:
        party, name = (c, c) if isinstance(c, str) else c
        claimant_dicts.append({"party": party, "name": name})
    quantity_dicts = [q if isinstance(q, dict) else {"kind": q[0], "value": q[1]} for q in quantities]
    sentence = sentence or f"{actor} {type} {' '.join(locations)} {quantity_dicts}."
    if type == "territory_claimed":
        slots.setdefault("change", "captured")
    data = {
        "type": type, "extractor_version": version, "article": article, "published_at": published,
        "source": source,
        "ingested_at": ingested or f"{published}T12:00:00+00:00",
        "actor": actor, "partners": list(partners), "against": against,
        "locations": [{"name": n} for n in locations], "quantities": quantity_dicts, "time": time,
        "claimants": claimant_dicts, "modality": modality,
        "evidence": [{"sentence": sentence, "start": 0, "end": len(sentence)}], **slots,
    }
    if event_id is None:
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]
        event_id = f"ev_{digest}"
    data["event_id"] = event_id
    return parse_event(data)


def month(year: int, m: int) -> dict:
    import calendar
    last = calendar.monthrange(year, m)[1]
    return {"start": f"{year}-{m:02d}-01", "end": f"{year}-{m:02d}-{last:02d}", "granularity": "month"}


def day(iso: str, fuzzy: bool = False) -> dict:
    return {"start": iso, "end": iso, "granularity": "day", "fuzzy": fuzzy}


# ----------------------------------------------------------------------------- gold


def load_articles() -> dict[str, dict]:
    with open(CORPUS / "seed-articles.jsonl", encoding="utf-8") as f:
        return {a["id"]: a for a in map(json.loads, f)}


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (line, or '. '-delimited piece of it) holding text[start:end]."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    s = line_start
    for i in range(start - 1, line_start, -1):
        if text[i - 1] in ".!?" and text[i] == " ":
            s = i + 1
            break
    e = line_end
    for i in range(end, line_end):
        if text[i] in ".!?" and (i + 1 == line_end or text[i + 1] == " "):
            e = i + 1
            break
    return s, e


def gold_events(version: str = "gold-1") -> list[Event]:
    """seed-gold.jsonl as Events: published_at from the articles, evidence = the sentence
    that holds the first mention found in the article text."""
    articles = load_articles()
    events = []
    with open(CORPUS / "seed-gold.jsonl", encoding="utf-8") as f:
        for row in map(json.loads, f):
            article = articles[row["article"]]
            text = article["text"]
            found = None
            for mention in row["mentions"]:
                at = text.find(mention)
                if at < 0:
                    at = text.lower().find(mention.lower())
                if at >= 0:
                    found = (at, at + len(mention))
                    break
            if found is None:
                raise AssertionError(f"no mention of {row['id']} in its article")
            s, e = _sentence_around(text, *found)
            published = article["published_at"]
            time = row.get("time") or {"start": published, "end": published, "granularity": "day",
                                       "from_article_date": True}
            data = {
                "type": row["type"], "event_id": f"ev_{row['id']}", "extractor_version": version,
                "article": row["article"], "published_at": published, "source": article.get("source"),
                "ingested_at": datetime.fromisoformat(published).replace(tzinfo=UTC).isoformat(),
                "actor": row.get("actor"), "partners": row.get("partners") or [], "against": row.get("against"),
                "locations": [{"name": n} for n in row.get("locations") or []],
                "quantities": row.get("quantities") or [], "time": time,
                "claimants": row.get("claimants") or [], "modality": row.get("modality", "asserted"),
                "evidence": [{"sentence": text[s:e], "start": s, "end": e}],
            }
            for slot in ("change", "movement", "recipient"):
                if row.get(slot):
                    data[slot] = row[slot]
            events.append(parse_event(data))
    return events
