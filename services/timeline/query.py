"""How a store answers a timeline query with the core's semantics.

The filter semantics are the core's reference (`core.query.filter_entries`); this module
only adds what an indexed store needs: which index sets an entry belongs to, and which
index key narrows a query first. Every store confirms candidates with `matches`.
"""
from __future__ import annotations

import re

from services.timeline.core.fold import score_after, score_floor
from services.timeline.core.model import ClaimBrief, ClaimView, Entry, ListedEntry
from services.timeline.core.places import normalize_name, place_tokens
from services.timeline.core.query import entry_as_of, filter_entries
from services.timeline.store import TimelineQuery

_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]{3,}")

__all__ = ["LIST_CLAIMS", "claim_brief", "entry_as_of", "entry_index_keys", "index_is_exact", "index_key_for",
           "index_keys_for", "list_view", "matches", "score_after", "score_floor", "words"]


LIST_CLAIMS = 3


def claim_brief(claim: ClaimView) -> ClaimBrief:
    return ClaimBrief.model_construct(
        event_id=claim.event_id, article=claim.article, source=claim.source, published_at=claim.published_at,
        ingested_at=claim.ingested_at, claimants=claim.claimants, claimant_keys=claim.claimant_keys,
        modality=claim.modality, quantities=claim.quantities, time=claim.time, evidence=claim.evidence[:1],
        evidence_total=len(claim.evidence))


def list_view(entry: Entry) -> ListedEntry:
    """The entry as a timeline page shows it: every summary field, but only a few claims
    (one per distinct claimant first, so both sides of a dispute show), each as a brief
    with its first evidence span. `claims_total` says how many claims there are and
    GET /timeline/{entry_id} gives them all in full. Pages are most of what the service
    sends, so they carry what a reader scans, not every slot of every claim."""
    chosen, seen = [], set()
    for claim in entry.claims:
        key = claim.claimant_keys
        if key not in seen:
            seen.add(key)
            chosen.append(claim)
        if len(chosen) == LIST_CLAIMS:
            break
    for claim in entry.claims:
        if len(chosen) == LIST_CLAIMS:
            break
        if claim not in chosen:
            chosen.append(claim)
    order = {c.event_id: i for i, c in enumerate(entry.claims)}
    shown = sorted(chosen, key=lambda c: order[c.event_id])
    # `articles` grows with every claim too: the list view names those of the shown claims.
    articles = tuple(a for a in entry.articles if a in {c.article for c in shown})
    fields = {**entry.__dict__, "claims": tuple(claim_brief(c) for c in shown), "articles": articles}
    return ListedEntry.model_construct(**fields)


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def matches(entry: Entry, query: TimelineQuery) -> bool:
    """The query's filters (all but as_of, applied before) as a predicate on one entry."""
    return bool(filter_entries([entry], type=query.type, actor=query.actor, location=query.location,
                               claimant=query.claimant, contested=query.contested, start=query.start,
                               end=query.end, q=query.q))


def entry_index_keys(entry: Entry) -> list[str]:
    """The index sets an entry belongs to (relative to the store's namespace)."""
    keys = {"z:all", f"z:type:{entry.type}"}
    keys |= {f"z:actor:{p.upper()}" for p in (entry.actor, *entry.partners) if p}
    for location in entry.locations:
        keys.add(f"z:loc:{location.name.strip().lower()}")
        keys |= {f"z:loc:{token}" for token in place_tokens(location)}
    keys |= {f"z:claimant:{k.lower()}" for claim in entry.claims for k in claim.claimant_keys}
    if entry.contested:
        keys.add("z:contested")
    # Claims of one article often quote the same sentence: tokenize each sentence once,
    # in one pass (a space between sentences cannot join two words).
    sentences = {evidence.sentence for claim in entry.claims for evidence in claim.evidence}
    keys.update("z:word:" + t for t in words(" ".join(sentences)))
    return sorted(keys)


def index_keys_for(query: TimelineQuery) -> list[str] | None:
    """Every index set an answer must be in, when their intersection (with the event-time
    window) is exactly the answer; None when the entries must be read back and checked
    (`q`, `as_of`, `contested=false`, a location whose raw and normalized spellings differ).
    A store intersects them by walking the smallest in order and testing membership in
    the others, so no filter reads every entry."""
    if query.q is not None or query.as_of is not None or query.contested is False:
        return None
    keys = []
    if query.claimant:
        keys.append(f"z:claimant:{query.claimant.lower()}")
    if query.location:
        normalized = normalize_name(query.location)
        if normalized != query.location.strip().lower():
            return None
        keys.append(f"z:loc:{normalized}")
    if query.actor:
        keys.append(f"z:actor:{query.actor.upper()}")
    if query.contested:
        keys.append("z:contested")
    if query.type:
        keys.append(f"z:type:{query.type}")
    return keys or ["z:all"]


def index_is_exact(query: TimelineQuery) -> bool:
    """Whether the index set of `index_key_for` holds exactly the matching entries, so a
    page can be served without reading the entries back (the fast path of GET /timeline)."""
    narrowing = [query.claimant, query.actor, query.type, query.contested is True]
    return (sum(bool(f) for f in narrowing) <= 1 and query.location is None and query.q is None
            and query.start is None and query.end is None and query.as_of is None and query.contested is not False)


def index_key_for(query: TimelineQuery) -> str:
    """The index set that narrows a query first (the rest is confirmed by `matches`)."""
    if query.claimant:
        return f"z:claimant:{query.claimant.lower()}"
    if query.location:
        normalized = normalize_name(query.location)
        # The entry is indexed under its raw name and its normalized tokens; when the two
        # spellings of the query differ, only a scan finds both kinds of match.
        return f"z:loc:{normalized}" if normalized == query.location.strip().lower() else "z:all"
    if query.actor:
        return f"z:actor:{query.actor.upper()}"
    if query.contested:
        return "z:contested"
    if query.type:
        return f"z:type:{query.type}"
    if query.q:
        inner = sorted(_inner_words(query.q), key=len, reverse=True)
        if inner:
            return f"z:word:{inner[0]}"
    return "z:all"


def _inner_words(q: str) -> list[str]:
    """Words of q that must be whole words wherever q occurs (q is a substring search, so a
    word touching q's edge may be part of a longer word in the text: "rebuffed" in "buffed")."""
    found = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(q)]
    out = []
    for start, end, word in found:
        if start > 0 and end < len(q):
            out.append(word)
    return out
