"""The pure timeline core: grouping events into entries, summarizing claims, superseding
older extractor versions, figure histories and the reference query. No Kafka, Redis,
FastAPI or clock inside.

* `grouping`: `entry_key(event)`, the canonical key (type | who | where | what | when) and
  why it is built that way.
* `contest`: figure summaries, the 25 % tolerance rule, denials.
* `fold`: `build_entry`, `FoldState`, `apply`, `fold`, `version_key`, `sort_score` (and the
  bounds `score_floor` / `score_after` of a day's scores, for indexed stores);
  `reference_entry`, the pass-by-pass definition of an entry the tests hold the others to.
* `entry_state`: `EntryState`, an entry kept claim by claim (O(log n) per added or removed
  claim), equal to `reference_entry` over the same claims; `build_entry` builds one for an
  entry of many claims.
* `figures`: `parse_subject`, `figure_history`, `list_subjects`.
* `query`: `filter_entries`, the reference for the Redis projection.
* `places`: place-name normalization and the small gazetteer.
"""
from services.timeline.core.contest import CONTEMPORARY_DAYS, TOLERANCE, claimant_keys
from services.timeline.core.figures import METRICS, figure_history, list_subjects, parse_subject
from services.timeline.core.fold import (
    FoldState,
    apply,
    apply_changes,
    build_entry,
    current_events,
    entries_of,
    entry_key,
    fold,
    sort_score,
    state_entries,
    timeline,
    version_key,
)
from services.timeline.core.grouping import entry_key_parts, time_bucket
from services.timeline.core.model import ClaimView, Entry, FigurePoint, FigureSummary, Subject, SubjectInfo
from services.timeline.core.places import canonical_place, normalize_name, place_tokens
from services.timeline.core.query import contested_since, entry_as_of, filter_entries

__all__ = [
    "CONTEMPORARY_DAYS", "METRICS", "TOLERANCE",
    "ClaimView", "Entry", "FigurePoint", "FigureSummary", "FoldState", "Subject", "SubjectInfo",
    "apply", "apply_changes", "build_entry", "canonical_place", "claimant_keys", "contested_since", "current_events",
    "entries_of", "entry_as_of", "entry_key", "entry_key_parts", "figure_history", "filter_entries", "fold",
    "list_subjects", "normalize_name", "parse_subject", "place_tokens", "sort_score", "state_entries",
    "time_bucket", "timeline", "version_key",
]
