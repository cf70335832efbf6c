"""How a store answers a timeline query with the core's semantics.

The filter semantics are the core's reference (`core.query.filter_entries`); this module
only adds what an indexed store needs: which index sets an entry belongs to, and which
index key narrows a query first. Every store confirms candidates with `matches`.
"""
from __future__ import annotations

import math
import re
import struct
from bisect import bisect_right
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple

from schemas.events import Location
from services.timeline.core.fold import score_after, score_floor
from services.timeline.core.model import ClaimBrief, ClaimView, Entry, ListedEntry
from services.timeline.core.places import normalize_name, place_tokens
from services.timeline.core.query import contested_since, entry_as_of, filter_entries
from services.timeline.store import TimelineQuery

_WORD = re.compile(r"[0-9a-zA-Z\u00c0-\u024f]{3,}")

__all__ = [
    "LEAD_DAYS",
    "LIST_CLAIMS",
    "LONG_SPANS",
    "EntryIndex",
    "SearchPlan",
    "claim_brief",
    "claims_known",
    "entry_as_of",
    "entry_index",
    "entry_index_keys",
    "index_is_exact",
    "index_key_for",
    "ingest_bounds",
    "ingestion_micros",
    "known_time_steps",
    "list_view",
    "matches",
    "moment_micros",
    "moment_score",
    "needle_runs",
    "score_after",
    "score_day",
    "score_floor",
    "search_text",
    "time_hull",
    "word_suffixes",
    "words",
]


LIST_CLAIMS = 3

# An entry whose claims' times span more days than one of these is in its index set
# `z:long:{days}`: a window query reads every entry from LONG_SPANS[0] days before its `from`
# on, and further back only those long enough to reach it, in the set of each span. One that
# starts more days than LEAD_DAYS after its first claim was ingested is `ahead` (`z:ahead`): a
# query with as_of reads the others only up to LEAD_DAYS after as_of's day, and the ahead ones
# past it. (redis_store.SEARCH_SCRIPT has the same figures.)
LONG_SPANS = (7, 30, 90, 365)
LEAD_DAYS = 7
_DAY_MICROS = 86_400_000_000
_EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal()


def score_day(score: float) -> int:
    """The day ordinal of an ingestion score (`moment_score`), as SEARCH_SCRIPT computes it."""
    return math.floor(score / _DAY_MICROS) + _EPOCH_ORDINAL


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
    # The claims are chosen by their places in the entry (an entry's claims have distinct
    # event ids, so a place stands for its claim): no comparison of claims, and no map of
    # every claim's place to put the few chosen back in the entry's order.
    claims = entry.claims
    chosen: list[int] = []
    seen: set[tuple[str, ...]] = set()
    for index, claim in enumerate(claims):
        key = claim.claimant_keys
        if key not in seen:
            seen.add(key)
            chosen.append(index)
        if len(chosen) == LIST_CLAIMS:
            break
    for index in range(len(claims)):
        if len(chosen) == LIST_CLAIMS:
            break
        if index not in chosen:
            chosen.append(index)
    shown = [claims[index] for index in sorted(chosen)]
    # `articles` grows with every claim too: the list view names those of the shown claims.
    articles = tuple(a for a in entry.articles if a in {c.article for c in shown})
    fields = {**entry.__dict__, "claims": tuple(claim_brief(c) for c in shown), "articles": articles}
    return ListedEntry.model_construct(**fields)


def words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def search_text(entry: Entry) -> bytes:
    """What a store checks `q` against on a candidate entry: the distinct lower-cased evidence
    sentences in UTF-8, separated by NUL. A needle without NUL is a substring of it exactly
    when it is one of a sentence (`needle_runs` refuses a needle with NUL), and a UTF-8
    substring of UTF-8 text always starts on a character, so a byte search answers it."""
    return entry_index(entry).text


def word_suffixes(word: str) -> list[bytes]:
    """The vocabulary members of an indexed word: each byte suffix of at least 3 bytes,
    NUL, the word (a lexicographic range over them finds every word containing, starting
    with or ending with a needle's word; see `needle_runs`)."""
    raw = word.encode("utf-8", "surrogatepass")
    return [raw[i:] + b"\0" + raw for i in range(len(raw) - 2)]


# How each word of a needle must appear in an indexed word of a matching sentence.
EXACT, PREFIX, SUFFIX, INFIX = "=", "^", "$", "~"


def needle_runs(q: str) -> list[tuple[str, str]] | None:
    """What the word index can say about `q` (a case-insensitive substring search): for every
    run of word characters of at least 3 in `q.lower()`, how an indexed word of a matching
    sentence must hold it: equal to it (a run inside the needle), ending with it (the run
    starts the needle), starting with it (it ends the needle) or containing it (the whole
    needle is one run). Every matching entry is in the index sets these name, so their
    intersection is a superset of the answer and the substring check on its members is exact.
    None when a store cannot check the needle on its stored text (NUL in it, or not
    encodable), so it must compare the entries themselves."""
    needle = q.lower()
    if "\0" in needle:
        return None
    try:
        needle.encode("utf-8")
    except UnicodeEncodeError:
        return None
    runs = []
    for match in _WORD.finditer(needle):
        at_start, at_end = match.start() == 0, match.end() == len(needle)
        kind = INFIX if at_start and at_end else SUFFIX if at_start else PREFIX if at_end else EXACT
        runs.append((kind, match.group(0)))
    return runs


def moment_micros(moment: datetime) -> int:
    """Microseconds since 1970 (a naive time is UTC, as `core.query` compares them): exact,
    and ordered as the times are."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICROSECOND


def ingestion_micros(entry: Entry) -> tuple[int, ...]:
    """The ingestion times of the entry's claims that have one, sorted (`moment_micros`)."""
    return tuple(sorted(moment_micros(c.ingested_at) for c in entry.claims if c.ingested_at is not None))


def claims_known(micros: Sequence[int], as_of: datetime) -> int:
    """How many claims of an entry whose `ingestion_micros` are `micros` were known at
    `as_of` (`core.query.claims_known_at`, by bisection). They are always its first ones in
    ingestion order, so this count and the entry determine `entry_as_of(entry, as_of)`."""
    return bisect_right(micros, moment_micros(as_of))


def moment_score(moment: datetime) -> float:
    """An ingestion time as an index score: microseconds since 1970 (a naive time is UTC, as
    `core.query` compares them), rounded to a double. The rounding keeps order (a <= b gives
    score(a) <= score(b)), so a store can decide by scores what is surely in or out and
    leaves only equal scores to an exact comparison."""
    return float(moment_micros(moment))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - _EPOCH


def ingest_bounds(entry: Entry) -> tuple[float, float] | None:
    """(earliest, latest) ingestion score of the entry's claims; the latest is infinite when a
    claim has no ingestion time (as_of never shows it, so the entry is never whole at any
    as_of). None when no claim has one (the entry shows at no as_of)."""
    return entry_index(entry).bounds


def time_hull(entry: Entry) -> tuple[int, int]:
    """(first start, last end) over all the entry's claims, as day ordinals: the entry's time
    built from any subset of its claims (as at an as_of) lies within it (`fold._merged_time`
    takes the earliest start and the latest end of some of the claims)."""
    return entry_index(entry).hull


KNOWN_TIME_STEP = struct.Struct("<dii")
# An entry's first and last ingestion scores (`EntryIndex.bounds`) as a store keeps them beside
# its `z:ingmin` / `z:ingmax` scores: 16 bytes a search script reads for a chunk of rows in one
# call, where a score costs a call a row (and Redis 7.0 formats every score it returns).
INGESTION_BOUNDS = struct.Struct("<dd")


def known_time_steps(entry: Entry) -> bytes:
    """Where the time of the entry as at an as_of can lie, for every as_of: the entry's claims
    that have an ingestion time, in ingestion order, as steps of 16 bytes (`KNOWN_TIME_STEP`:
    an ingestion score, `moment_score`, then the earliest start and the latest end, as day
    ordinals, of every claim ingested at or before it), one step for each score where either
    changes. The entry as at `as_of` is built from some of the claims known then
    (`fold._merged_time`), so its time lies within the last step at or below as_of's score
    (score rounding only ever adds claims of the same score: the window can only be wider).
    A store reads the step by bisection instead of rebuilding the entry."""
    return entry_index(entry).known_times


def _time_steps(known: list[tuple[float, int, int]]) -> bytes:
    """`known_time_steps` from the (ingestion score, start, end) of the claims that have one."""
    known.sort()
    steps: list[bytes] = []
    low = high = None
    last: tuple[int, int] | None = None
    for k, (score, start, end) in enumerate(known):
        low = start if low is None else min(low, start)
        high = end if high is None else max(high, end)
        if k + 1 < len(known) and known[k + 1][0] == score:
            continue  # one step per score: its last claim's window
        if (low, high) != last:
            steps.append(KNOWN_TIME_STEP.pack(score, low, high))
            last = (low, high)
    return b"".join(steps)


class SearchPlan:
    """How an indexed store answers a query that is not one exact index set (`q`, `as_of`,
    `contested=false`, several filters, an event-time window).

    `groups`: index sets an answer is in, as alternatives (an entry must be in one set of
    each group); `partial_groups`: those of them that also hold for an entry shown as it was
    at `as_of` (its claims are a subset: its type, claimants and words stay in them);
    `bound_groups`: sets an entry straddling `as_of` must be in (`z:actany`, `z:locany`); `excluded`:
    sets an answer is not in; `needle`: the lower-cased `q` (checked on
    `search_text`); `runs`: `needle_runs(q)`; `as_of`: `moment_score(as_of)`."""

    def __init__(self, query: TimelineQuery) -> None:
        self.groups: list[list[str]] = []
        self.partial_groups: list[list[str]] = []
        self.excluded: list[str] = []
        if query.claimant:
            self.partial_groups.append([f"z:claimant:{query.claimant.lower()}"])
        if query.type:
            self.partial_groups.append([f"z:type:{query.type}"])
        # The index holds an entry under each location's name and its place tokens, so when
        # the raw and normalized spellings of the query differ, the union of the two sets is
        # a superset of the answer: its members are confirmed on the entries (`recheck`).
        self.recheck = False
        # Index sets an entry straddling `as_of` must be in (it is rebuilt to know the rest):
        # its actor and places then are among its claims' (`z:actany`, `z:locany`), whatever
        # the full entry's.
        self.bound_groups: list[list[str]] = []
        if query.location:
            raw, normalized = query.location.strip().lower(), normalize_name(query.location)
            self.groups.append(sorted({f"z:loc:{raw}", f"z:loc:{normalized}"}))
            self.recheck = raw != normalized
            if query.as_of is not None:
                self.bound_groups.append(sorted({f"z:locany:{raw}", f"z:locany:{normalized}"}))
        if query.actor:
            self.groups.append([f"z:actor:{query.actor.upper()}"])
            if query.as_of is not None:
                self.bound_groups.append([f"z:actany:{query.actor.upper()}"])
        if query.contested:
            self.groups.append(["z:contested"])
        if query.contested is False:
            self.excluded.append("z:contested")
        self.needle: str | None = query.q.lower() if query.q else None
        self.runs: list[tuple[str, str]] | None = needle_runs(query.q) if query.q else []
        self.as_of: float | None = moment_score(query.as_of) if query.as_of is not None else None

    @property
    def searchable(self) -> bool:
        """False when the store must compare entries itself (see `needle_runs`)."""
        return self.runs is not None


def matches(entry: Entry, query: TimelineQuery) -> bool:
    """The query's filters (all but as_of, applied before) as a predicate on one entry."""
    return bool(filter_entries([entry], type=query.type, actor=query.actor, location=query.location,
                               claimant=query.claimant, contested=query.contested, start=query.start,
                               end=query.end, q=query.q))


def entry_index_keys(entry: Entry) -> list[str]:
    """The index sets an entry belongs to (relative to the store's namespace)."""
    return entry_index(entry).keys


class EntryIndex(NamedTuple):
    """What a store indexes one entry by: its index sets (`entry_index_keys`), `search_text`,
    `time_hull`, `ingest_bounds`, `known_time_steps` and `contested_from`. A store writing an
    entry needs them all, and a rebuild writes every claim of the log this way: computed
    apart, each walked every claim again (a third of a rebuild writer's indexing time went to
    those walks)."""

    keys: list[str]
    text: bytes
    hull: tuple[int, int]
    bounds: tuple[float, float] | None
    known_times: bytes
    # The ingestion score from which the entry as at an as_of is contested
    # (`core.query.contested_since`); None when it never is.
    contested_from: float | None = None


def entry_index(entry: Entry) -> EntryIndex:
    """`EntryIndex` of an entry, in one pass over its claims."""
    claims = entry.claims
    if not claims:
        raise ValueError(f"entry {entry.entry_id} has no claims")
    raw_sentences: set[str] = set()
    claimant_keys: set[tuple[str, ...]] = set()
    parties: set[str] = set()  # every claim's actor and partners: `z:actany`
    places: dict[tuple[object, ...], Location] = {}  # every claim's distinct locations: `z:locany`
    known: list[tuple[float, int, int]] = []
    first = last = claims[0].time.start.toordinal()
    for claim in claims:
        for evidence in claim.evidence:
            raw_sentences.add(evidence.sentence)
        claimant_keys.add(claim.claimant_keys)
        if claim.actor:
            parties.add(claim.actor)
        if claim.partners:
            parties.update(claim.partners)
        for location in claim.locations:
            places.setdefault(tuple(location.__dict__.values()), location)
        time = claim.time
        start, end = time.start.toordinal(), time.end.toordinal()
        end = max(end, start)
        if start < first:
            first = start
        if end > last:
            last = end
        if claim.ingested_at is not None:
            known.append((moment_score(claim.ingested_at), start, end))
    # Lower-cased one by one as `q` compares them (`core.query.filter_entries`:
    # `q.lower() in sentence.lower()`); claims of one article often quote the same sentence.
    sentences = {sentence.lower() for sentence in raw_sentences}
    bounds = None
    if known:
        scores = [score for score, _, _ in known]
        # The latest is infinite when a claim has no ingestion time (as_of never shows it, so
        # the entry is never whole at any as_of).
        bounds = (min(scores), math.inf if len(known) < len(entry.claims) else max(scores))
    keys = {"z:all", f"z:type:{entry.type}"}
    keys |= {f"z:actor:{p.upper()}" for p in (entry.actor, *entry.partners) if p}
    keys |= {f"z:actany:{p.upper()}" for p in parties}
    for location in places.values():
        keys.add(f"z:locany:{location.name.strip().lower()}")
        keys |= {f"z:locany:{token}" for token in place_tokens(location)}
    for location in entry.locations:
        keys.add(f"z:loc:{location.name.strip().lower()}")
        keys |= {f"z:loc:{token}" for token in place_tokens(location)}
    keys |= {f"z:claimant:{k.lower()}" for claim_keys in claimant_keys for k in claim_keys}
    if entry.contested:
        keys.add("z:contested")
    # What a window query reads before its `from`, and one with as_of after its day (see
    # LONG_SPANS): by the hull of the claims' times, which holds the entry's time as at any as_of.
    keys.update(f"z:long:{days}" for days in LONG_SPANS if last - first > days)
    if bounds is not None and entry.time.start.toordinal() - score_day(bounds[0]) > LEAD_DAYS:
        keys.add("z:ahead")
    # Claims of one article often quote the same sentence: tokenize each sentence once,
    # in one pass (a space between sentences cannot join two words). Words are taken from
    # the lower-cased sentences, as `q` compares them (lower-casing can change what a word
    # is: the Kelvin sign is no letter, its lower case is 'k'), so `needle_runs` holds.
    keys.update("z:word:" + t for t in words(" ".join(sentences)))
    since = contested_since(entry) if entry.contested else None
    return EntryIndex(keys=sorted(keys), text="\0".join(sorted(sentences)).encode("utf-8", "surrogatepass"),
                      hull=(first, last), bounds=bounds, known_times=_time_steps(known),
                      contested_from=None if since is None else moment_score(since))


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
    needle = q.lower()  # the index holds the words of the lower-cased sentences
    found = [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(needle)]
    out = []
    for start, end, word in found:
        if start > 0 and end < len(needle):
            out.append(word)
    return out
