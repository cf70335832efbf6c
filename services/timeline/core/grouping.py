"""Which entry an event belongs to: a canonical key computed from the event alone, and one
rule over the set of keys (an unplaced claim joins its one placed entry: "No place is not a
place" below).

Why a key and not clustering
----------------------------
The timeline is folded incrementally from a log whose order is arbitrary (partitions,
redeliveries, re-extractions). If an event's entry depended on which other events had
arrived, two replicas fed the same events in another order could disagree. So the entry of
an event is `entry_key(event)`, a pure function of that one event: grouping is then
order-independent by construction, and an incremental projection touches exactly one
entry per event (two, plus the unplaced claims of its base, for the one set rule below,
which depends on the set of events and never on their order). The price is that "near"
events on both sides of a bucket boundary (30 November / 1 December) cannot meet; the
bucket sizes below are chosen so that claims about one happening usually fall together,
and the figure history (`figures.py`), which does not depend on grouping, shows the
evolution of a figure across entries.

The key: type | who | where | what | when
------------------------------------------
* type: the event type.
* who: the actor. Partners are left out (one article says "Russia, with North Korean
  troops", the next only "Russia"). A missing actor keys as '?', refined by the target
  ('?>UKR') so that unattributed strikes on Ukraine and on Russia stay apart. Two types need
  more than the actor:
  - diplomacy: the *set* of participants (actor + partners, sorted: 'RUS+USA'), since a
    Trump-Putin call and a Trump-Zelensky call in the same week are different talks, and
    'USA talks with RUS' is 'RUS talks with USA'. Members of a named group that is itself a
    participant fold into it (`fold_members`, data in `services/common/knowledge/groups.json`):
    one G7 ministerial is reported as 'G7 foreign ministers met', 'Rubio travels to Canada for
    G7 meetings' and 'Rubio wrapped up meetings with the G7', and keyed on the raw set it
    split into 'G7', 'CAN+G7+USA' and 'G7+USA' (review #49, #54). Members without their group
    stay themselves (CAN-USA talks are no G7 meeting), and so do guests that are no members.
  - territory_claimed: the party that holds the place afterwards. 'captured',
    'regained' and 'controls' by A are A holding it; 'lost' by A against B is B holding it
    ('lost' with no opponent keys as 'not:A'). So "Russia regained Kursk", "Russia claims
    full control of Kursk" and "Ukraine lost Kursk (to Russia)" are one happening.
* where: the first (most specific) location, normalized by `places.canonical_place` at a
  level that fits the type (`PLACE_LEVEL`): strikes and territory changes are about a
  settlement (a strike on Odesa is not one on Kyiv); offensives are fought over an oblast
  (repelled near Berdin = repelled in Kursk); troop deployments, casualty tallies, talks
  and aid are about a country or theatre (North Korean troops "in Kursk", "in southern
  Russia" and "in Russia" are one deployment). No location keys as '-'.
* what: `movement` for troops_deployed ('massed' counts as 'deployed': both put troops
  somewhere), 'held' for territory (the holder is in "who"), `recipient` for military_aid.
* when: a time bucket (`time_bucket`), not the modality: a denial must land in the entry of
  the claim it denies, and a scheduled meeting in that of the meeting. One exception, a
  forecast (`is_forecast`): an expected claim whose time lies in a later bucket than the day
  it was published ("North Korea might deploy an additional 8,000 troops by next spring",
  said in December) keys as '<bucket>~forecast'. Keyed by its target window it would sit in,
  and date, the entry of what is *reported* in that window (review #38), and an analyst
  citing the spring entry would cite a December guess as a spring report. A forecast is a
  claim about the future made at one time, so it stands as its own expected entry; the key
  without its bucket (the entry's `thread`) stays the reported entry's, so the two are
  linked. An expectation inside its own window (published Tuesday: "will travel on
  Wednesday") is no forecast and joins the happening; `fold._merged_time` keeps it from
  dating an entry that has reports.

No place is not a place (review #10, #33): a claim whose place was dropped or never named
("a surprise attack launched by Ukrainian forces ... in August 2024", the place in the
sentence before) keys as '-', beside the placed entry of the same happening. For the types
keyed at a region or a country (`JOINS_PLACED`: offensives, deployments, casualties, talks,
aid), an unplaced claim joins *the one* placed entry with the same type, who, what and
bucket (`resolve_keys`); with two or more placed entries it stays on its own, since
guessing between places would put it in the wrong one. Settlement-level types (strikes,
territory) never join: an unplaced strike is no strike on Odesa. This one rule reads the
set of keys, not the event alone, so an entry's id is `entry_ids(events)` over the whole
set (still order-independent: a function of the set) and a projection keeps, per `base_key`
(the key without its place), the events whose entries the rule may move.

Claims and counter-claims of one happening share a key (issue 10):
* 'UKR launched an offensive near Belaya' and 'RUS repelled Ukrainian attacks near Berdin'
  are one fight: both offensive types key as 'offensive' with the *attacker* as who (the
  actor of a launch, the `against` of a repulse; an unknown attacker keys as '?>defender').
* territory keys on the place alone ('held' by anyone, `who` = '*'): 'RUS regained Kursk',
  'UKR lost Kursk' and 'UKR still controls Kursk' are claims about who holds one place, and
  disagreeing holders contest the entry (`contest.holder_reasons`). Without a place the
  holder stays in the key (two unplaced changes are nothing alike).
* casualty tallies key on whose casualties alone (`where` = '*'): 'more than 3,000 North
  Korean casualties in Kursk' and 'about 1,000 North Korean casualties' (no place) are two
  tallies of one figure and must meet to contest each other. A single action's toll
  (scope 'single_action': 'the raid killed 13') is its own happening: place and ISO week.

Time buckets
------------
Each type has a base bucket size (`BASE_BUCKET`), the smallest period over which two
claims of that type, same who/where/what, are taken to be one happening:
* strike: the ISO week. Strikes recur often on the same place, but reports of one strike
  differ by a day at most ("overnight", "on the weekend").
* casualties_claimed and troops_deployed: the meteorological season (Dec-Feb, Mar-May,
  Jun-Aug, Sep-Nov). These are running figures (how many North Korean troops are in
  Russia, how many were killed or wounded), mostly reported without a time of their own
  and repeated or revised weeks apart ("3,000" in a late-December speech, "about 1,000"
  in a Western estimate in early January), and a tally stated "last week" is still the
  same tally. A month would split most of them; a season keeps one campaign phase
  together while a tally from the next phase starts a new entry.
* everything else (offensives, territory, talks, aid): the calendar month.
An event's own time can only make the bucket coarser: a 'season' time ("over the summer")
keys at the season, a 'year' time at the year, whatever the type. Events placed at their
article's date (no time in the text) key like a 'day' event on that date. The date the
bucket is taken from is the midpoint of the event's interval, so "last week" spanning a
month boundary falls where most of it lies.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from schemas.events import Event
from services.common.knowledge import group_members
from services.timeline.core.places import PlaceLevel, canonical_place

PLACE_LEVEL: dict[str, PlaceLevel] = {
    "strike": "settlement",
    "territory_claimed": "settlement",
    "offensive_launched": "region",
    "offensive_repelled": "region",
    "troops_deployed": "country",
    "casualties_claimed": "country",
    "diplomacy": "country",
    "military_aid": "country",
}

# Bucket sizes, finest first.
BUCKET_ORDER: tuple[str, ...] = ("week", "month", "season", "year")
BASE_BUCKET: dict[str, str] = {
    "strike": "week",
    "casualties_claimed": "season",
    "troops_deployed": "season",
}
DEFAULT_BASE_BUCKET = "month"
_GRANULARITY_BUCKET = {"day": "week", "week": "week", "month": "month", "season": "season", "year": "year"}

# Movements that put troops somewhere count as one.
CANONICAL_MOVEMENT = {"deployed": "deployed", "massed": "deployed", "redeployed": "redeployed",
                      "withdrawn": "withdrawn"}


def _coarser(a: str, b: str) -> str:
    return a if BUCKET_ORDER.index(a) >= BUCKET_ORDER.index(b) else b


def bucket_size(event: Event) -> str:
    base = BASE_BUCKET.get(event.type, DEFAULT_BASE_BUCKET)
    if event.type == "casualties_claimed" and any(q.scope == "single_action" for q in event.quantities):
        base = "week"
    own = "week" if event.time.from_article_date else _GRANULARITY_BUCKET[event.time.granularity]
    return _coarser(base, own)


def _season_label(day: date) -> str:
    if day.month == 12:
        return f"{day.year}/{str(day.year + 1)[-2:]}-winter"
    if day.month <= 2:
        return f"{day.year - 1}/{str(day.year)[-2:]}-winter"
    name = {3: "spring", 4: "spring", 5: "spring", 6: "summer", 7: "summer", 8: "summer"}.get(day.month, "autumn")
    return f"{day.year}-{name}"


@lru_cache(maxsize=65536)  # pure; a stream's events fall on a few thousand days
def bucket_label(day: date, size: str) -> str:
    if size == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if size == "month":
        return f"{day.year}-{day.month:02d}"
    if size == "season":
        return _season_label(day)
    return f"{day.year}"


def anchor_date(event: Event) -> date:
    """The date an event's bucket is taken from: the midpoint of its interval."""
    start, end = event.time.start, event.time.end
    if end < start:
        start, end = end, start
    return start + timedelta(days=(end - start).days // 2)


def is_forecast(event: Event) -> bool:
    """An expected claim about a later time bucket than the day it was published in (see the
    module docstring, 'when')."""
    if event.modality != "expected":
        return False
    size = bucket_size(event)
    anchor, published = anchor_date(event), event.published_at
    return anchor > published and bucket_label(anchor, size) != bucket_label(published, size)


FORECAST_SUFFIX = "~forecast"


def time_bucket(event: Event) -> str:
    label = bucket_label(anchor_date(event), bucket_size(event))
    return label + FORECAST_SUFFIX if is_forecast(event) else label


def _unknown(event: Event) -> str:
    return f"?>{event.against}" if event.against else "?"


# Types that are one happening seen from two sides share the key's type part.
TYPE_FAMILY: dict[str, str] = {"offensive_launched": "offensive", "offensive_repelled": "offensive"}


# Named groups -> the member parties that meet as them (shared knowledge, loaded once).
GROUP_MEMBERS: dict[str, frozenset[str]] = group_members()


@lru_cache(maxsize=4096)  # pure; a stream's talks have a few hundred party sets
def fold_members(parties: frozenset[str]) -> frozenset[str]:
    """Talks' participants with the members of every named group among them folded into the
    group: {CAN, G7, USA} -> {G7}; {NATO, EU, NLD} -> {EU, NATO}; {CAN, USA} stays."""
    present = [g for g in GROUP_MEMBERS if g in parties]
    if not present:
        return parties
    members = frozenset().union(*(GROUP_MEMBERS[g] for g in present))
    return frozenset(p for p in parties if p not in members)


def who_part(event: Event) -> str:
    if event.type == "offensive_repelled":
        # The attacker, as for a launch: 'RUS repelled UKR' is UKR's offensive.
        if event.against:
            return event.against
        return f"?>{event.actor}" if event.actor else "?"
    if event.type == "offensive_launched" and not event.actor:
        return f"?>{event.against}" if event.against else "?"
    if event.type == "diplomacy":
        parties = sorted(fold_members(frozenset(p for p in (event.actor, *event.partners) if p)))
        if not parties:
            return _unknown(event)
        return "+".join(parties) if event.actor else "+".join(["?", *parties])
    if event.type == "territory_claimed":
        if event.locations:
            return "*"  # the place is the happening; who holds it is the claim
        if event.change == "lost":
            if event.against:
                return event.against
            return f"not:{event.actor}" if event.actor else "?"
        return event.actor or _unknown(event)
    return event.actor or _unknown(event)


def what_part(event: Event) -> str:
    if event.type == "troops_deployed":
        return CANONICAL_MOVEMENT.get(event.movement, event.movement)
    if event.type == "territory_claimed":
        return "held"
    if event.type == "military_aid":
        return event.recipient or "?"
    return "-"


def where_part(event: Event) -> str:
    if event.type == "casualties_claimed" and not any(q.scope == "single_action" for q in event.quantities):
        return "*"  # a tally; a single action's toll is a happening at its place
    if not event.locations:
        return "-"
    return canonical_place(event.locations[0], PLACE_LEVEL.get(event.type, "settlement"))


def entry_key_parts(event: Event) -> tuple[str, str, str, str, str]:
    """(type, who, where, what, when): see the module docstring for why."""
    return (TYPE_FAMILY.get(event.type, event.type), who_part(event), where_part(event), what_part(event),
            time_bucket(event))


@lru_cache(maxsize=65536)  # pure; a rebuild asks once per event, and most events share their key
def key_from_parts(parts: tuple[str, ...]) -> str:
    return "en_" + hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]


KeyParts = tuple[str, str, str, str, str]

# Key types (type part) whose unplaced claims join their one placed entry: the types keyed at
# a region or a country (PLACE_LEVEL), whose happenings a missing place does not tell apart.
JOINS_PLACED: frozenset[str] = frozenset(
    TYPE_FAMILY.get(t, t) for t, level in PLACE_LEVEL.items() if level in ("region", "country"))
_NO_PLACE = "-"


def _joins(parts: tuple[str, ...]) -> bool:
    return parts[0] in JOINS_PLACED


def _base(parts: tuple[str, ...]) -> tuple[str, ...]:
    return (parts[0], parts[1], parts[3], parts[4])


def base_key(event: Event) -> str | None:
    """The key without its place, for the types whose unplaced claims may join a placed entry
    (None for the others): the events whose entries `resolve_keys` may move together. A
    projection indexes events by it ('bs_' ids, beside the entries' 'en_' ids)."""
    return base_key_of_parts(entry_key_parts(event))


def base_key_of_parts(parts: KeyParts) -> str | None:
    """`base_key` of an event whose key parts are known already."""
    if not _joins(parts):
        return None
    return "bs_" + hashlib.sha256("|".join(_base(parts)).encode("utf-8")).hexdigest()[:16]


def resolve_keys(keys: Iterable[KeyParts]) -> dict[KeyParts, KeyParts]:
    """Each event key of a set -> the key of its entry: an unplaced key of a `JOINS_PLACED`
    type goes to the one placed key with the same type, who, what and bucket; every other key
    is its own entry. A function of the set (order and repeats do not matter)."""
    distinct = set(keys)
    placed: dict[tuple[str, ...], set[KeyParts]] = {}
    for parts in distinct:
        if _joins(parts) and parts[2] not in (_NO_PLACE, "*"):
            placed.setdefault(_base(parts), set()).add(parts)
    out: dict[KeyParts, KeyParts] = {}
    for parts in distinct:
        target = parts
        if _joins(parts) and parts[2] == _NO_PLACE:
            candidates = placed.get(_base(parts), set())
            if len(candidates) == 1:
                target = next(iter(candidates))
        out[parts] = target
    return out


def entry_ids(events: Iterable[Event]) -> dict[str, str]:
    """event id -> entry id for a set of events (the entry of each is `entry_key` but for an
    unplaced claim that joins its placed entry: `resolve_keys`)."""
    parts_of = {e.event_id: entry_key_parts(e) for e in events}
    resolved = resolve_keys(parts_of.values())
    return {event_id: key_from_parts(resolved[parts]) for event_id, parts in parts_of.items()}


def entry_key(event: Event) -> str:
    """The key of an event alone: its entry, unless it is an unplaced claim that joins a placed
    entry (`entry_ids` over the set). Modality is deliberately not part of it."""
    return key_from_parts(entry_key_parts(event))
