"""The text and as_of indexes' pure parts (issue 14): a store answers `q` from the word index
and `as_of` from ingestion scores, then checks candidates; these properties say the index
never loses an entry the reference query (`core.query.filter_entries`) returns."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from services.timeline.core import fold
from services.timeline.query import (
    EXACT,
    INFIX,
    PREFIX,
    SUFFIX,
    moment_score,
    needle_runs,
    search_text,
    word_suffixes,
    words,
)
from tests.support.events import make_event

# Letters, digits, punctuation, spaces and a few characters whose lower case is special
# (the Kelvin sign, dotted capital I, final sigma, sharp s, Latin-1 capitals).
ALPHABET = st.sampled_from([*"abcKRSUkrsu0129 .,-'\"/é", "\u212a", "\u0130", "\u03a3", "\u00df", "\u00c9"])
TEXT = st.text(ALPHABET, min_size=0, max_size=40)


def _held(kind: str, run: str, indexed: set[str]) -> bool:
    relation = {EXACT: lambda w: w == run, PREFIX: lambda w: w.startswith(run),
                SUFFIX: lambda w: w.endswith(run), INFIX: lambda w: run in w}[kind]
    return any(relation(w) for w in indexed)


@settings(max_examples=400, deadline=None)
@given(TEXT, st.integers(0, 40), st.integers(1, 40), st.booleans())
def test_every_needle_word_is_in_the_index_of_a_matching_sentence(sentence, start, size, upper):
    """For any q found in a sentence (case-insensitively), each run the index is asked for
    is held, as its kind says, by a word indexed for that sentence."""
    q = sentence.lower()[start:start + size]
    q = q.upper() if upper else q
    if not q or q.lower() not in sentence.lower():
        return
    runs = needle_runs(q)
    assert runs is not None
    indexed = words(sentence.lower())
    for kind, run in runs:
        assert _held(kind, run, indexed), (sentence, q, kind, run)


@settings(max_examples=200, deadline=None)
@given(TEXT, TEXT)
def test_the_byte_check_on_the_stored_text_is_the_reference_check(first, second):
    """`needle in sentence.lower()` for some sentence ⇔ the needle's UTF-8 bytes are in
    `search_text`, for every needle `needle_runs` accepts."""
    entry = next(iter(fold([make_event("a1", "strike", actor="UKR", sentence=first or "x"),
                            make_event("a2", "strike", actor="UKR", sentence=second or "y")]).values()))
    text = search_text(entry)
    sentences = {ev.sentence for c in entry.claims for ev in c.evidence}
    for s in sentences:
        for i in range(len(s)):
            for j in range(i + 1, min(len(s), i + 6) + 1):
                for q in (s[i:j], s[i:j].upper()):
                    if needle_runs(q) is None:
                        continue
                    reference = any(q.lower() in t.lower() for t in sentences)
                    assert (q.lower().encode() in text) == reference, (q, sentences)


def test_a_needle_the_store_cannot_check_is_refused():
    assert needle_runs("a\0b") is None
    assert needle_runs("\ud800x") is None
    assert needle_runs("ab") == []
    assert needle_runs("Kursk") == [(INFIX, "kursk")]
    assert needle_runs("near Kursk region") == [(SUFFIX, "near"), (EXACT, "kursk"), (PREFIX, "region")]


def test_word_suffixes_are_the_byte_suffixes_of_three_or_more():
    assert word_suffixes("kursk") == [b"kursk\0kursk", b"ursk\0kursk", b"rsk\0kursk"]
    assert word_suffixes("ab") == []


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
       st.sampled_from([None, UTC, timezone(timedelta(hours=5)), timezone(timedelta(hours=-3))]),
       st.sampled_from([None, UTC, timezone(timedelta(hours=2))]))
def test_ingestion_scores_keep_the_order_of_times(a, b, tz_a, tz_b):
    """Scores are monotone in time (naive times read as UTC, as core.query compares them),
    so a store may decide by scores what is surely before or after and leave only equal
    scores to the exact comparison."""
    a, b = a.replace(tzinfo=tz_a), b.replace(tzinfo=tz_b)
    as_utc = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in (a, b)]
    if as_utc[0] <= as_utc[1]:
        assert moment_score(a) <= moment_score(b)
    if moment_score(a) < moment_score(b):
        assert as_utc[0] < as_utc[1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20), st.booleans()), min_size=1, max_size=8),
       st.data())
def test_an_entry_as_at_any_moment_lies_within_the_hull_of_its_claims_times(times, data):
    """A store tests the event-time window of an entry shown as at `as_of` against the hull
    of all its claims' times (`thull`): any subset of the claims builds an entry inside it."""
    from datetime import date

    from services.timeline.core import build_entry
    from services.timeline.query import time_hull

    events = []
    for i, (offset, length, article_dated) in enumerate(times):
        event = make_event(f"a{i}", "strike", actor="UKR", location="Kursk", when=date(2025, 3, 1),
                           sentence=f"Strike {i}.")
        start = date(2025, 1, 1) + timedelta(days=offset)
        span = event.time.model_copy(update={"start": start, "end": start + timedelta(days=length),
                                             "from_article_date": article_dated})
        events.append(event.model_copy(update={"time": span}))
    full = build_entry("en_x", events)
    first, last = time_hull(full)
    subset = data.draw(st.lists(st.sampled_from(events), min_size=1, unique_by=lambda e: e.event_id))
    shown = build_entry("en_x", subset)
    assert first <= shown.time.start.toordinal() and shown.time.end.toordinal() <= last


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20), st.booleans(), st.one_of(st.none(), st.integers(0, 6)),
                          st.sampled_from(["asserted", "expected"])), min_size=1, max_size=8),
       st.integers(-1, 7), st.integers(0, 59))
def test_an_entry_as_at_any_moment_lies_within_its_known_time_step(claims, day, second):
    """A store tests the event-time window of an entry shown as at `as_of` against the step of
    `known_time_steps` at or below as_of (`tknown`): the entry as it was then lies within it."""
    import struct
    from datetime import date

    from services.timeline.core import build_entry
    from services.timeline.core.query import entry_as_of
    from services.timeline.query import known_time_steps

    events = []
    for i, (offset, length, article_dated, ingested_day, modality) in enumerate(claims):
        ingested = None if ingested_day is None else datetime(2025, 1, 1 + ingested_day, 12, tzinfo=UTC)
        event = make_event(f"a{i}", "strike", actor="UKR", location="Kursk", when=date(2025, 3, 1),
                           ingested=ingested, sentence=f"Strike {i}.", modality=modality)
        start = date(2025, 1, 1) + timedelta(days=offset)
        span = event.time.model_copy(update={"start": start, "end": start + timedelta(days=length),
                                             "from_article_date": article_dated})
        events.append(event.model_copy(update={"time": span}))
    full = build_entry("en_x", events)
    steps = known_time_steps(full)
    as_of = datetime(2025, 1, 1, 12, 0, second, tzinfo=UTC) + timedelta(days=day)
    shown = entry_as_of(full, as_of)
    window = [struct.unpack_from("<dii", steps, k) for k in range(0, len(steps), 16)]
    assert [w[0] for w in window] == sorted({w[0] for w in window})
    at = [w for w in window if w[0] <= moment_score(as_of)]
    if shown is None:
        assert not at
        return
    _, first, last = at[-1]
    assert first <= shown.time.start.toordinal() and shown.time.end.toordinal() <= last


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=1, max_size=8), st.integers(-1, 11),
       st.booleans())
def test_claims_known_by_bisection_are_the_reference_count(hours, at, naive):
    """A store counts the claims known at as_of on the sorted ingestion times; the count is the
    reference's (`core.query.claims_known_at`), and with the entry it fixes `entry_as_of`."""
    from services.timeline.core.query import claims_known_at
    from services.timeline.query import claims_known, ingestion_micros

    base = datetime(2025, 1, 1, tzinfo=UTC)
    events = [make_event(f"a{i}", "strike", actor="UKR", location="Kursk", sentence=f"Strike {i}.",
                         ingested=None if h is None else base + timedelta(hours=h)) for i, h in enumerate(hours)]
    [entry] = fold(events).values()
    moment = base + timedelta(hours=at, minutes=30 if at % 2 else 0)
    moment = moment.replace(tzinfo=None) if naive else moment
    assert claims_known(ingestion_micros(entry), moment) == claims_known_at(entry, moment)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["UKR", "RUS", "PRK", "USA", None]),
                          st.lists(st.sampled_from(["UKR", "RUS", "WEST"]), max_size=2, unique=True),
                          st.sampled_from(["diplomacy", "strike", "offensive_launched", "offensive_repelled"])),
                min_size=1, max_size=8), st.data())
def test_an_entry_as_at_any_moment_names_only_its_claims_parties(claims, data):
    """A store rejects an entry straddling `as_of` for an `actor` none of its claims names
    (`z:actany`, `EntryIndex.keys`): any subset of the claims builds an entry whose actor and
    partners are among its claims' actors and partners."""
    from services.timeline.core import build_entry
    from services.timeline.query import entry_index

    events = [make_event(f"a{i}", kind, actor=actor, partners=tuple(partners), location="Kursk",
                         sentence=f"Claim {i}.")
              for i, (actor, partners, kind) in enumerate(claims)]
    kind = events[0].type
    events = [e for e in events if e.type == kind or {e.type, kind} <= {"offensive_launched", "offensive_repelled"}]
    full = build_entry("en_x", events)
    named = {key.removeprefix("z:actany:") for key in entry_index(full).keys if key.startswith("z:actany:")}
    subset = data.draw(st.lists(st.sampled_from(events), min_size=1, unique_by=lambda e: e.event_id))
    shown = build_entry("en_x", subset)
    assert {p.upper() for p in (shown.actor, *shown.partners) if p} <= named


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Kursk", "Sudzha", "Kyiv", "Zolota Nyva", None]),
                          st.sampled_from([None, "Ukraine", "Russia"])),
                min_size=1, max_size=8), st.sampled_from(["kursk", "sudzha", "russia", "ukraine", "kyiv", "zolota nyva"]),
       st.data())
def test_an_entry_as_at_any_moment_is_only_where_its_claims_are(claims, query, data):
    """A store rejects an entry straddling `as_of` for a `location` none of its claims' places
    answers (`z:locany`): any subset of the claims builds an entry whose locations answer a
    location filter only if some claim's place is indexed under it, whatever spelling of a
    place (with or without a country, or with another one: a village the gazetteer lacks) the
    entry shows."""
    from schemas.events import Location
    from services.timeline.core import build_entry
    from services.timeline.core.query import filter_entries
    from services.timeline.query import entry_index

    events = []
    for i, (place, country) in enumerate(claims):
        event = make_event(f"a{i}", "strike", actor="RUS", location=place, sentence=f"Strike {i}.")
        if place and country:
            event = event.model_copy(update={"locations": (Location(name=place, country=country),)})
        events.append(event)
    full = build_entry("en_x", events)
    indexed = {key.removeprefix("z:locany:") for key in entry_index(full).keys if key.startswith("z:locany:")}
    subset = data.draw(st.lists(st.sampled_from(events), min_size=1, unique_by=lambda e: e.event_id))
    shown = build_entry("en_x", subset)
    if filter_entries([shown], location=query):
        assert query in indexed
