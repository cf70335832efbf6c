"""The Redis projection of the timeline.

Layout (every key under `{prefix}:{namespace}`; `{prefix}:current` names the live
namespace, so a replay is written beside the live projection and switched in with one SET):

    events              hash  event id -> event JSON (current events only)
    artver              hash  article id -> extractor version in force
    artev:{article}     set   event ids of the article
    members:{entry}     set   event ids of the entry
    entries             hash  entry id -> entry JSON (every claim), deflated (see _pack)
    entries_list        hash  entry id -> the entry's list view JSON (a few claims)
    entryidx            hash  entry id -> JSON list of the index keys it is in
    entryver            hash  entry id -> a digest of its full JSON (8 bytes, `_version`): what a
                              process checks the documents it keeps (`DocumentCache`) against
    z:all               zset  entry id scored by event time (Entry.sort_score)
    z:type:{t} z:actor:{a} z:loc:{place} z:claimant:{party} z:contested z:word:{token}
                        zsets, same score: every filter is an index lookup
    z:actany:{a} z:locany:{place}
                        zsets same score: the entries some claim of which names the party as
                              actor or partner, or the place (its name and tokens, as
                              `z:loc`): an entry as at an as_of can only name those, so `as_of`
                              with `actor` or `location` walks them and rejects by them an
                              entry straddling the moment; `hasactany` says the namespace has them
    wsuf                zset  (lexicographic) the vocabulary of z:word: each byte suffix of a
                              word, NUL, the word; finds the words a `q` word ends, starts or is in
    qtext               hash  entry id -> its lower-cased evidence sentences, NUL between them
                              (what `q` is checked on, in Redis)
    z:long:{days} z:ahead
                        zsets the entries whose claims' times span more than each of
                              query.LONG_SPANS days, and those starting more than
                              query.LEAD_DAYS after their first ingestion: what a window query
                              reads before its `from`, and one with as_of after its day;
                              `haslong` says the namespace has them
    z:ingmin z:ingmax   zsets entry id scored by its first / last claim's ingestion time (µs;
                              +inf when a claim has none): what `as_of` reads
    ingb                hash  entry id -> the same two scores packed (`query.INGESTION_BOUNDS`):
                              what an as_of search reads for a chunk of rows in one call (an
                              entry without it, written before it was, is read by its scores)
    thull               hash  entry id -> "first last": day ordinals of its claims' earliest start
                              and latest end (an entry shown as at as_of lies within them)
    maxspan maxhull     strings the longest time span and hull of claims' times of an entry
                              written (days; they only grow): how far before `from` a window
                              query reads
    tknown              hash  entry id -> the window of its time as at any as_of, in steps by
                              ingestion score (`query.known_time_steps`): what `as_of` with
                              `from` / `to` reads instead of rebuilding the entry
    z:cfrom             zset  contested entry id scored by the ingestion score from which the
                              entry as at an as_of is contested (`core.query.contested_since`;
                              an entry never contested then is not in it): what `as_of` with
                              `contested` reads instead of rebuilding the entry; `hascfrom`
                              says the namespace has it
    pos:{topic}         hash  partition -> next offset, written in the same MULTI/EXEC
                              as the state it produced

`{prefix}:generation` (outside the namespaces) is set to a fresh random token by every
commit, in its MULTI/EXEC, and by every namespace switch or drop: whatever a reader could see
changed exactly when the token did. A process keeps the JSON pages it served keyed by it
(`page_json`, and GET /timeline its response bodies), so a repeated page costs one GET of
the token (see `store.GenerationCache`).

Changed entry ids are published on `{prefix}:changes` after each commit.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import zlib
from array import array
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from typing import Any, TypeVar

import hiredis
import redis
import redis.asyncio as aioredis
from pydantic import BaseModel
from redis.exceptions import DataError, WatchError

from schemas.events import Event, parse_event
from services.timeline.core.model import Entry
from services.timeline.query import (
    INGESTION_BOUNDS,
    SearchPlan,
    claims_known,
    entry_as_of,
    entry_index,
    index_is_exact,
    index_key_for,
    ingestion_micros,
    list_view,
    matches,
    score_after,
    word_suffixes,
)
from services.timeline.store import (
    PAGE_MEMO_ITEMS,
    ChangeSet,
    GenerationCache,
    JsonPage,
    NotLeader,
    Page,
    ProjectionLost,
    TimelineQuery,
    decode_cursor,
    encode_cursor,
)

DEFAULT_NAMESPACE = "v1"
T = TypeVar("T")

# The fast path of a timeline page, run inside Redis (one round trip, and atomic with a
# namespace switch). KEYS[1] is the namespace pointer; the namespaced keys are derived
# from it inside the script, which is fine on a single Redis server (not Redis Cluster).
# ARGV: fixed namespace or "", default namespace, key prefix, index set, documents hash,
# descending (1/0), limit, cursor score or "", cursor member, what to return of the shown
# entries (1: their documents, 0: their versions, `entryver`), the generation key. Returns
# {flat (member, score) list of up to limit+1 positions past the cursor, documents or
# versions of the first `limit`, the generation, the namespace}.
#
# The cursor walk both scripts share: a sorted set read in score order from a cursor.
_CURSOR_WALK = """
-- Byte order, as Redis orders equal scores (Lua's '<' would follow the server's locale).
local function before(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
-- A chunk of a sorted set by score, low to high or (desc) high to low.
local function score_range(key, low, high, desc, offset, chunk)
  if desc then
    return redis.call('ZRANGE', key, high, low, 'BYSCORE', 'REV', 'LIMIT', offset, chunk, 'WITHSCORES')
  end
  return redis.call('ZRANGE', key, low, high, 'BYSCORE', 'LIMIT', offset, chunk, 'WITHSCORES')
end
-- Whether a member comes after the cursor (score, member) in the walk's order.
local function past_cursor(score, member, cursor_score, cursor_member, desc)
  if not cursor_score then return true end
  if desc then
    return score < cursor_score or (score == cursor_score and before(member, cursor_member))
  end
  return score > cursor_score or (score == cursor_score and before(cursor_member, member))
end
"""


# Versions, not documents, are what a page normally asks for: Redis 7 turns a reply of
# redis.call into Lua values and back at about 1.5 us per KB (a page of 50 list views, 160 KiB:
# 250 us inside the script against 13 us for the same HMGET sent on its own), and the serving
# process keeps the documents it read by version (`DocumentCache`), so most pages need none.
PAGE_SCRIPT = _CURSOR_WALK + """
local ns = ARGV[1]
if ns == '' then ns = redis.call('GET', KEYS[1]) or ARGV[2] end
local base = ARGV[3] .. ns .. ':'
local key, docs = base .. ARGV[4], base .. ARGV[5]
local desc, limit = ARGV[6] == '1', tonumber(ARGV[7])
local cursor_score, cursor_member = tonumber(ARGV[8]), ARGV[9]
local low, high = '-inf', '+inf'
if cursor_score then
  if desc then high = ARGV[8] else low = ARGV[8] end
end
local positions = {}
local offset, chunk = 0, limit + 8
while #positions / 2 <= limit do
  local rows = score_range(key, low, high, desc, offset, chunk)
  offset = offset + #rows / 2
  for i = 1, #rows, 2 do
    local member, score = rows[i], tonumber(rows[i + 1])
    if past_cursor(score, member, cursor_score, cursor_member, desc) and #positions / 2 <= limit then
      positions[#positions + 1] = member
      positions[#positions + 1] = rows[i + 1]
    end
  end
  if #rows / 2 < chunk then break end
end
local shown = {}
for i = 1, math.min(#positions / 2, limit) do shown[i] = positions[2 * i - 1] end
local documents = {}
if #shown > 0 then
  documents = redis.call('HMGET', ARGV[10] == '1' and docs or base .. 'entryver', unpack(shown))
end
return {positions, documents, redis.call('GET', ARGV[11]), ns}
"""


# Every query that is not one exact index set, inside Redis (issue 14): exact filters, an
# event-time window, `contested=false`, text (`q`) and `as_of`. See `query.SearchPlan`.
#
# * Groups: an answer is in one set of each group. The `q` groups come from the needle's
#   words (`query.needle_runs`): a word inside the needle names its index set; a word at an
#   edge names the sets of every indexed word that ends / starts with / contains it, found by
#   a lexicographic range over `wsuf` (byte suffixes of the indexed words, see
#   `query.word_suffixes`). A `q` group of more than MAX_ALTERNATIVES words is not tested
#   (the text check below is exact anyway).
# * The driver, the smallest group (several sets: their union, stored in a scratch key that
#   the script deletes; with `as_of`, possibly the entries with a claim ingested by then,
#   `z:ingmin` read by score), is walked in score order from the cursor; each member must be
#   in one set of every other group, in no `excluded` set, in the event-time window (start
#   day + span, both in the score, see core.fold.sort_score: the walk starts `maxspan` days
#   before `from`), and its `qtext` (the entry's lower-cased evidence sentences, NUL between
#   them) must contain the needle.
# * `as_of`: an entry whose every claim was ingested before it (`z:ingmax` below the as_of
#   score) is shown as stored; one whose first claim came later (`z:ingmin`) is not shown;
#   any other is returned flagged 2 for the caller to rebuild as it was then and check
#   (only its type, claimants and words, which a subset of its claims keeps, and the window
#   against where its time as at as_of can lie, `tknown`, are tested here: an entry that
#   cannot meet `from` / `to` then is never rebuilt). `recheck` flags every member 2 (a
#   location whose spellings differ). Whether such an entry was contested then is known
#   too: from its `z:cfrom` score on (`contested_since`), so `contested` with as_of walks
#   `z:cfrom` up to as_of, and `contested=false` skips the entries contested by then.
# Stops after `want` members or `budget` rows read (then it says where it stopped).
# KEYS[1]: the namespace pointer. ARGV: fixed ns or "", default ns, key prefix, documents
# hash, desc (1/0), want, cursor score or "", cursor member, from ordinal or "", to
# ordinal or "", needle or "", as_of score or "", budget, recheck (1/0), documents (1) or versions
# (0) of the flag-1 members (as PAGE_SCRIPT), the number of
# groups, each as (count, keys..., kind 0/1/2), the number of excluded sets and their keys,
# the number of needle words and each as (kind, word), then contested ('1', '0' or '').
# Returns {flat (member, score, flag) list, documents or versions of the flag-1 members,
# {member, score} where the budget stopped it or {}, the namespace}.
SEARCH_SCRIPT = _CURSOR_WALK + """
local ns = ARGV[1]
if ns == '' then ns = redis.call('GET', KEYS[1]) or ARGV[2] end
local base = ARGV[3] .. ns .. ':'
local docs = base .. ARGV[4]
local desc, want = ARGV[5] == '1', tonumber(ARGV[6])
local cursor_score, cursor_member = tonumber(ARGV[7]), ARGV[8]
local from_ord, to_ord = tonumber(ARGV[9]), tonumber(ARGV[10])
local needle = ARGV[11]
if needle == '' then needle = nil end
local as_of = tonumber(ARGV[12])
local budget, recheck = tonumber(ARGV[13]), ARGV[14] == '1'
if ARGV[15] ~= '1' then docs = base .. 'entryver' end
local MAX_ALTERNATIVES = 64
local SHIFT, SPAN = 2 ^ 31, 2 ^ 21
local groups = {}
-- `i` is the index of the next argument to read.
local i = 17
for _ = 1, tonumber(ARGV[16]) do
  local n = tonumber(ARGV[i])
  local keys = {}
  for k = 1, n do keys[k] = base .. ARGV[i + k] end
  -- kind '1': partial; '2': a bound, what an entry straddling as_of must be in (`z:actany`),
  -- tested only on those, and a superset of the answers (a namespace written before the
  -- bounds, no `hasactany`, has none)
  local kind = ARGV[i + n + 1]
  if kind ~= '2' or redis.call('EXISTS', base .. 'hasactany') == 1 then
    groups[#groups + 1] = {keys = keys, partial = kind == '1', bound = kind == '2'}
  end
  i = i + n + 2
end
local excluded = {}
local n_excluded = tonumber(ARGV[i])
for k = 1, n_excluded do excluded[k] = base .. ARGV[i + k] end
i = i + 1 + n_excluded
local vocabulary = base .. 'wsuf'
local n_words = tonumber(ARGV[i])
i = i + 1
for _ = 1, n_words do
  local kind, word = ARGV[i], ARGV[i + 1]
  i = i + 2
  local keys = {}
  if kind == '=' then
    keys[1] = base .. 'z:word:' .. word
  else
    local rows
    if kind == '$' then
      rows = redis.call('ZRANGE', vocabulary, '[' .. word .. '\\0', '[' .. word .. '\\0\\255', 'BYLEX')
    else
      rows = redis.call('ZRANGE', vocabulary, '[' .. word, '[' .. word .. '\\255', 'BYLEX')
    end
    local seen = {}
    for _, row in ipairs(rows) do
      local cut = string.find(row, '\\0', 1, true)
      local suffix, whole = string.sub(row, 1, cut - 1), string.sub(row, cut + 1)
      if (kind ~= '^' or suffix == whole) and not seen[whole] then
        seen[whole] = true
        keys[#keys + 1] = base .. 'z:word:' .. whole
      end
    end
  end
  if #keys == 0 then return {{}, {}, {}, ns} end
  if #keys <= MAX_ALTERNATIVES then groups[#groups + 1] = {keys = keys, partial = true} end
end
-- `contested` ('1', '0' or ''): with as_of, an entry is contested as at as_of exactly when its
-- `z:cfrom` score (`query.EntryIndex.contested_from`) is at or below it (a namespace written
-- before that set, no `hascfrom`, rebuilds such entries to know).
local contested = ARGV[i]
if contested == '' or not as_of or redis.call('EXISTS', base .. 'hascfrom') == 0 then contested = nil end
local contested_from = base .. 'z:cfrom'
for _, group in ipairs(groups) do
  local n = 0
  for _, key in ipairs(group.keys) do n = n + redis.call('ZCARD', key) end
  if n == 0 then return {{}, {}, {}, ns} end
  group.card = n
end
local best = nil
for g, group in ipairs(groups) do
  -- (a bound holds every answer, whole or straddling as_of: it may drive the walk)
  if (group.partial or group.bound or not as_of) and (best == nil or group.card < groups[best].card) then
    best = g
  end
end
local scratch = {}
local driver
local ingested = base .. 'z:ingmin'
local by_ingestion = false
-- With as_of, the entries ingested by then may be few among the driver's: then the driver
-- is those entries (ZRANGESTORE + ZINTERSTORE, about 2 us an entry: 8 ms at 1M events).
-- When they are at least an eighth of it, the driver is first walked for a few rows
-- (`probe`): entries in event-time order are mostly ingested in that order too, so a page
-- is usually found in them; only when it is not is the set built and the walk started over.
local probe = nil
-- Rows a probe may pass over as not ingested by as_of, read by `ingb` (half a microsecond
-- each, against about 2 us an entry ingested by then to gather those): half of them.
local passed_over_probe = nil
-- The members of `scored` up to the as_of score, as a scratch set scored by event time, drive
-- the walk (each was ingested by then).
local function driver_up_to_as_of(scored, scratch_key)
  driver = base .. scratch_key
  scratch[#scratch + 1] = driver
  redis.call('ZRANGESTORE', driver, scored, '-inf', ARGV[12], 'BYSCORE')
  redis.call('ZINTERSTORE', driver, 2, base .. 'z:all', driver, 'WEIGHTS', 1, 0)
  by_ingestion = true
  best = nil
end
local function by_ingestion_driver() driver_up_to_as_of(ingested, 'tmp:asof') end
-- With `contested`, the entries contested as at as_of are among those contested now
-- (`z:contested`, each tested by its `z:cfrom` score), and exactly those of `z:cfrom` up to
-- as_of (each ingested by then). The first drive a first few rows (`probe`: a walk in
-- event-time order meets the entries ingested early, mostly contested by then too); when
-- they give no page, the second are gathered into a set (ZRANGESTORE + ZINTERSTORE, about 2
-- us an entry) and the walk starts over on it.
local function contested_driver() driver_up_to_as_of(contested_from, 'tmp:cfrom') end
if contested == '1' then
  for g, group in ipairs(groups) do
    if #group.keys == 1 and group.keys[1] == base .. 'z:contested' then best = g end
  end
  driver = base .. 'z:contested'
  probe = 4 * want + 64
elseif as_of then
  local n = redis.call('ZCOUNT', ingested, '-inf', ARGV[12])
  if n == 0 then return {{}, {}, {}, ns} end
  local card = best and groups[best].card or redis.call('ZCARD', base .. 'z:all')
  if n * 8 < card then
    by_ingestion_driver()
  elseif n < card then
    probe = 4 * want + 64
    passed_over_probe = math.max(probe, math.floor(n / 2))
  end
end
local others = {}
local function set_others()
  others = {}
  for g, group in ipairs(groups) do
    if g ~= best then others[#others + 1] = group end
  end
end
set_others()
if not driver then
  if best == nil then
    driver = base .. 'z:all'
  elseif #groups[best].keys == 1 then
    driver = groups[best].keys[1]
  else
    driver = base .. 'tmp:union'
    scratch[#scratch + 1] = driver
    redis.call('ZUNIONSTORE', driver, #groups[best].keys, unpack(groups[best].keys))
  end
end
local call = redis.call
-- Whether the member is in one of the group's sets.
local function in_group(group, member)
  local keys = group.keys
  for k = 1, #keys do
    if call('ZSCORE', keys[k], member) then return true end
  end
  return false
end
local text_key, latest, hulls = base .. 'qtext', base .. 'z:ingmax', base .. 'thull'
local ingestion_bounds = base .. 'ingb'
local known_times = base .. 'tknown'
-- The window (first start, last end) of the entry's time as at as_of: the last step of
-- `tknown` at or below the as_of score, found by bisection; nil when the entry has none.
local function known_window(member)
  local steps = call('HGET', known_times, member)
  if not steps or #steps == 0 then return nil end
  local lo, hi = 1, #steps / 16
  if struct.unpack('<d', steps, 1) > as_of then return nil end
  while lo < hi do
    local mid = math.floor((lo + hi + 1) / 2)
    if struct.unpack('<d', steps, (mid - 1) * 16 + 1) <= as_of then lo = mid else hi = mid - 1 end
  end
  local _, first, last = struct.unpack('<dii', steps, (lo - 1) * 16 + 1)
  return first, last
end
local n_excluded = #excluded
-- Tests cheapest first: the event-time window is arithmetic on the score, each set a call
-- from the script (most of a page of two filters' time in Redis: a window with another
-- filter now looks up only the entries in the window).
-- `first` and `last`: the member's ingestion scores read with its rows (`ingb`, see `walk`;
-- the caller has checked `first`), or nil: then they are read here.
local function flag_of(member, score, first, last)
  local whole = true
  if as_of then
    if not by_ingestion and not first then
      first = call('ZSCORE', ingested, member)
      if not first or tonumber(first) > as_of then return 0 end
    end
    if not last then last = tonumber(call('ZSCORE', latest, member)) end
    whole = last ~= nil and last < as_of
  end
  if whole and (from_ord or to_ord) then
    local start = math.floor(score / SHIFT)
    if to_ord and start > to_ord then return 0 end
    if from_ord then
      local span = math.floor(score / SPAN) % 1024
      if span < 1023 and start + span < from_ord then return 0 end
    end
  end
  for g = 1, #others do
    local group = others[g]
    if (whole and not group.bound or not whole and (group.partial or group.bound)) and not in_group(group, member) then
      return 0
    end
  end
  if whole then
    for k = 1, n_excluded do
      if call('ZSCORE', excluded[k], member) then return 0 end
    end
  elseif contested then
    local since = call('ZSCORE', contested_from, member)
    if (since and tonumber(since) <= as_of) ~= (contested == '1') then return 0 end
  end
  if not whole and (from_ord or to_ord) then
    -- Shown as at as_of, the entry's time lies within the window of the claims known then
    -- (`tknown`), or (a namespace written without it) the hull of all its claims' times.
    local first, last = known_window(member)
    if not first then
      local hull = call('HGET', hulls, member)
      if hull then
        local cut = string.find(hull, ' ', 1, true)
        first, last = tonumber(string.sub(hull, 1, cut - 1)), tonumber(string.sub(hull, cut + 1))
      end
    end
    if first and ((to_ord and first > to_ord) or (from_ord and last < from_ord)) then return 0 end
  end
  if needle then
    local text = call('HGET', text_key, member)
    if not text or not string.find(text, needle, 1, true) then return 0 end
  end
  if whole and not recheck then return 1 end
  return 2
end
-- What the walk reads, in score order (ranges that do not overlap), each entry of a range
-- other than the driver's also in the driver:
-- * the driver between `low` and `high`: with `from`, from LONG[1] days before it; with as_of,
--   up to LEAD days after as_of's day (an entry starting later was ingested more than LEAD
--   days before it starts: `z:ahead`, few);
-- * before that, with `from`, the long entries: an entry starting more than L days before
--   `from` reaches it only if its claims' times span more than L days (`z:long:L`, by the hull
--   of its claims' times, which holds its time as at any as_of too), so the days between
--   LONG[k+1] and LONG[k] before `from` are read in `z:long:LONG[k]`, and the days before the
--   last in the last (from `maxspan` days before `from`; an entry's span is capped at 1023
--   days in its score, so past that, and with as_of, from `maxhull` days before it, the
--   longest hull of an entry's claims' times, or the start in a namespace without it): a
--   window reads a few weeks of entries, not the longest story's span of them;
-- * after it, with as_of, the entries ahead (`z:ahead`).
-- A namespace written before these sets were (no `haslong`) is walked as it was then: from
-- `maxspan` days before `from` without as_of, from the start with it.
local LONG, LEAD = {7, 30, 90, 365}, 7
local spans_indexed = redis.call('EXISTS', base .. 'haslong') == 1
local low, high = '-inf', '+inf'
local long_ranges, ahead_from = {}, nil
local function day_score(day) return string.format('%.0f', day * SHIFT) end
if from_ord then
  local maxspan = tonumber(redis.call('GET', base .. 'maxspan') or '0') or 0
  if spans_indexed and (as_of or maxspan > LONG[1]) then
    low = day_score(from_ord - LONG[1])
    local bottom = (as_of or maxspan >= 1023) and '-inf' or day_score(from_ord - maxspan)
    -- an entry's time, as at any as_of too, lies within the hull of its claims' times, and
    -- its score's start too, so one that reaches `from` starts at most `maxhull` days before
    local maxhull = tonumber(redis.call('GET', base .. 'maxhull') or '')
    if bottom == '-inf' and maxhull then bottom = day_score(from_ord - maxhull) end
    for k = #LONG, 1, -1 do
      long_ranges[#long_ranges + 1] = {key = base .. 'z:long:' .. LONG[k],
                                       low = k == #LONG and bottom or day_score(from_ord - LONG[k + 1]),
                                       high = '(' .. day_score(from_ord - LONG[k])}
    end
  elseif not as_of then
    low = day_score(from_ord - maxspan)
  end
end
if to_ord and not as_of then high = '(' .. day_score(to_ord + 1) end
local main_high = high
if as_of and spans_indexed then
  ahead_from = day_score(math.floor(as_of / 86400000000) + 719163 + LEAD + 1)
  main_high = '(' .. ahead_from
end
local function from_cursor(lo, hi)
  if cursor_score then
    if desc then
      if hi == '+inf' or tonumber((string.gsub(hi, '%(', ''))) > cursor_score then hi = ARGV[7] end
    else
      if lo == '-inf' or tonumber(lo) < cursor_score then lo = ARGV[7] end
    end
  end
  return lo, hi
end
local positions, shown, kept, read, stopped, passed_over
-- Walks the driver from the cursor; false when it read `max_reads` rows without a page.
-- `max_passed_over`: how many of those rows may be rows not ingested by as_of, passed over by
-- their `ingb` alone (`max_reads` counts the others).
local function walk(max_reads, max_passed_over)
  positions, shown = {}, {}
  kept, read, stopped, passed_over = 0, 0, {}, 0
  local member_of = driver ~= base .. 'z:all' and driver or nil
  local segments = {}
  local function add(key, lo, hi, check)
    lo, hi = from_cursor(lo, hi)
    segments[#segments + 1] = {key = key, low = lo, high = hi, member_of = check}
  end
  for _, range in ipairs(long_ranges) do add(range.key, range.low, range.high, member_of) end
  add(driver, low, main_high, nil)
  if ahead_from then add(base .. 'z:ahead', ahead_from, high, member_of) end
  if desc then
    local reversed = {}
    for k = #segments, 1, -1 do reversed[#reversed + 1] = segments[k] end
    segments = reversed
  end
  for _, segment in ipairs(segments) do
    local offset, chunk = 0, want + 16
    local driver_check = segment.member_of
    while kept < want and #stopped == 0 do
      local rows = score_range(segment.key, segment.low, segment.high, desc, offset, chunk)
      offset = offset + #rows / 2
      -- With as_of, the rows' ingestion scores (`ingb`) in one call, not two a row: most rows
      -- of a window's walk are rejected by them alone (ingested after as_of).
      local bounds_of
      if as_of and #rows > 0 then
        local members = {}
        for k = 1, #rows, 2 do members[#members + 1] = rows[k] end
        bounds_of = call('HMGET', ingestion_bounds, unpack(members))
      end
      for k = 1, #rows, 2 do
        local member, score = rows[k], tonumber(rows[k + 1])
        if not cursor_score or past_cursor(score, member, cursor_score, cursor_member, desc) then
          read = read + 1
          local flag = 0
          local first, last
          local bounds = bounds_of and bounds_of[(k + 1) / 2]
          if bounds then first, last = struct.unpack('<dd', bounds) end
          if first and not by_ingestion and first > as_of then
            passed_over = passed_over + 1
          elseif not driver_check or call('ZSCORE', driver_check, member) then
            flag = flag_of(member, score, first, last)
          end
          if flag > 0 then
            kept = kept + 1
            positions[#positions + 1] = member
            positions[#positions + 1] = rows[k + 1]
            positions[#positions + 1] = flag
            if flag == 1 then shown[#shown + 1] = member end
          end
          if kept >= want then break end
          if max_reads and (read - passed_over >= max_reads or passed_over >= (max_passed_over or max_reads)) then
            return false
          end
          if read >= budget then
            stopped = {member, rows[k + 1]}
            break
          end
        end
      end
      if #rows / 2 < chunk then break end
    end
  end
  return true
end
if not walk(probe, passed_over_probe) then
  if contested == '1' then contested_driver() else by_ingestion_driver() end
  set_others()
  walk(nil)
end
for _, key in ipairs(scratch) do redis.call('DEL', key) end
local documents = {}
if #shown > 0 then documents = redis.call('HMGET', docs, unpack(shown)) end
return {positions, documents, stopped, ns}
"""

# After a commit removed entries from word index sets: the vocabulary members (`wsuf`) of
# each word whose set is now empty go too. KEYS: none (derived, single server). ARGV: the
# namespace base ('prefix:ns:'), then the words.
VOCABULARY_CLEANUP = """
local base = ARGV[1]
for k = 2, #ARGV do
  local word = ARGV[k]
  if redis.call('ZCARD', base .. 'z:word:' .. word) == 0 then
    local members = {}
    for j = 1, #word - 2 do members[#members + 1] = string.sub(word, j) .. '\\0' .. word end
    if #members > 0 then redis.call('ZREM', base .. 'wsuf', unpack(members)) end
  end
end
return 0
"""

# Rows a search reads per script call (a call holds Redis for its duration).
SEARCH_BUDGET = 4000

# How many bytes of stored documents a serving process keeps by version (`DocumentCache`):
# `CLAIMLINE_ENTRY_CACHE_MB`, 64 when unset; 0 keeps none (every page reads its documents).
ENTRY_CACHE_BYTES = int(float(os.environ.get("CLAIMLINE_ENTRY_CACHE_MB") or 64) * 1024 * 1024)


def _version(document: bytes | str) -> bytes:
    """An entry's version (`entryver`): 8 bytes of BLAKE2b over its full JSON. Every stored
    view of the entry (its full document, its list view) is a function of that JSON, so two
    reads that give the same version give the same documents."""
    return hashlib.blake2b(document.encode("utf-8") if isinstance(document, str) else document,
                           digest_size=8).digest()


class DocumentCache:
    """The stored documents (`entries_list`, `entries` inflated) a serving process read, by
    (hash, entry id), each with the entry's version when it was read; least recently used out
    past `max_bytes`. A page script returns the versions of its entries (read with the index,
    atomically), and a document is served from here only for the same version, so a page holds
    exactly the bytes Redis holds for it; the rest are read (`RedisTimelineStore._documents`)."""

    def __init__(self, max_bytes: int = ENTRY_CACHE_BYTES) -> None:
        self._items: OrderedDict[tuple[str, str], tuple[bytes, bytes]] = OrderedDict()
        self._bytes = 0
        self._max_bytes = max_bytes

    def get(self, kind: str, entry_id: str, version: bytes) -> bytes | None:
        found = self._items.get((kind, entry_id))
        if found is None or found[0] != version:
            return None
        self._items.move_to_end((kind, entry_id))
        return found[1]

    def get_many(self, kind: str, entry_ids: list[str], versions: list[bytes]) -> list[bytes | None]:
        """`get` of each entry: a page's fifty in one call (names held in locals), as this runs
        for every page served."""
        items = self._items
        recent = items.move_to_end
        out: list[bytes | None] = []
        for entry_id, version in zip(entry_ids, versions):
            key = (kind, entry_id)
            found = items.get(key)
            if found is None or found[0] != version:
                out.append(None)
            else:
                recent(key)
                out.append(found[1])
        return out

    def put(self, kind: str, entry_id: str, version: bytes, document: bytes) -> None:
        size = len(document) + 200
        if size > self._max_bytes // 8:
            return
        old = self._items.pop((kind, entry_id), None)
        if old is not None:
            self._bytes -= len(old[1]) + 200
        self._items[(kind, entry_id)] = (version, document)
        self._bytes += size
        while self._bytes > self._max_bytes:
            _, (_, dropped) = self._items.popitem(last=False)
            self._bytes -= len(dropped) + 200


class _Versioned:
    """A found entry whose document is still to be read, by its version (`_search`)."""

    __slots__ = ("version",)

    def __init__(self, version: bytes) -> None:
        self.version = version


def _text(value: bytes | str) -> str:
    """A reply as text: this store's client returns bytes (decode_responses=False), which
    redis's types do not know."""
    return value if isinstance(value, str) else value.decode()


# Full-entry documents are stored deflated. Every claim with its evidence is in them, so they
# are the largest part of a projection: deflating them (level 1, about 5x on this JSON) shrinks
# what a rebuild ships to Redis and what Redis holds, for a fraction of a millisecond per read.
# Events stay plain (deflating 800-byte documents one by one costs more than it saves), and so
# does the list view the first page serves. A deflate stream starts with 0x78 and a JSON
# document with '{', so a namespace written before entries were deflated still reads.
_DEFLATED = 0x78


def _json_bytes(model: BaseModel) -> bytes:
    """`model.model_dump_json()` encoded in UTF-8, as the serializer writes it."""
    return model.__pydantic_serializer__.to_json(model)


def _pack(document: bytes | str) -> bytes:
    return zlib.compress(document.encode("utf-8") if isinstance(document, str) else document, 1)


def _unpack(stored: bytes | str) -> bytes:
    if isinstance(stored, str):  # a client that decodes responses
        return stored.encode("utf-8")
    return zlib.decompress(stored) if stored[:1] == bytes([_DEFLATED]) else stored


def _hiredis_pack(*args: object) -> bytes:
    """One command in the Redis protocol, packed by hiredis (C). Accepts what redis-py's own
    packer accepts (str, bytes, int, float, memoryview; a first argument of several words, as in
    'CONFIG GET', is split) and refuses the rest with the same DataError."""
    first = args[0]
    if isinstance(first, str):
        args = (*first.encode().split(), *args[1:])
    elif isinstance(first, bytes) and b" " in first:
        args = (*first.split(), *args[1:])
    try:
        return hiredis.pack_command(tuple(bytes(a) if isinstance(a, bytearray) else a  # type: ignore[arg-type]
                                          for a in args))
    except TypeError as error:
        raise DataError(str(error)) from error


class _HiredisPacking:
    """A mixin for redis-py's connection classes: commands packed by hiredis, as redis-py's
    synchronous client does when hiredis is installed. Its asyncio client packs them in Python,
    which was most of a rebuild's write phase by the profile (hundreds of thousands of set
    members, scores and documents a rebuild)."""

    def pack_command(self, *args: Any) -> list[bytes]:
        return [_hiredis_pack(*args)]

    def pack_commands(self, commands: Iterable[Iterable[Any]]) -> list[bytes]:
        return [b"".join([_hiredis_pack(*command) for command in commands])]


_Client = TypeVar("_Client", aioredis.Redis, redis.Redis)


def _packing_with_hiredis(client: _Client) -> _Client:
    """`client` with its pool's connections packing through hiredis (TCP, TLS or Unix socket
    alike: the pool's connection class gets the packing methods). The synchronous client packs
    through hiredis already, but encodes every argument in Python first (`Encoder.encode`, one
    call an argument): a rebuild's writers send millions of arguments."""
    pool = client.connection_pool
    base = pool.connection_class
    if not issubclass(base, _HiredisPacking):
        pool.connection_class = type(f"HiredisPacking{base.__name__}", (_HiredisPacking, base), {})
    return client


def _new_generation() -> str:
    """A token no earlier state of any Redis had: random, so a store wiped and refilled with
    as many commits never repeats the token a reader cached a page under."""
    return os.urandom(12).hex()


class EventStager:
    """Writes event documents into a namespace's `events` hash while a rebuild still reads and
    decodes the log (`projection.rebuild`), so Redis stores them on the other core meanwhile
    instead of during the write phase, when the writer processes need both.

    The documents go out as one HSET per read batch over a connection of its own, sent from a
    worker thread (a blocking send gives up the GIL, so the rebuild decodes on while Redis
    reads) without waiting for the replies. The rebuild then queues the corrections its fold
    calls for (`write` of the copy it kept of an event, `drop` of the ids it did not keep,
    `add_article_sets`), partition by partition, and `finish` reads every reply, so an error
    surfaces before the rebuild writes anything that marks the namespace complete."""

    def __init__(self, url: str, events_key: str, article_key: Callable[[str], str] | None = None) -> None:
        self._client: redis.Redis = redis.Redis.from_url(url)
        self._key = events_key
        self._article_key = article_key
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimline-stage")
        self._conn: redis.connection.ConnectionInterface | None = None
        self._pending: asyncio.Future[None] | None = None
        self._replies = 0

    def _send(self, payload: bytes) -> None:
        if self._conn is None:
            self._conn = self._client.connection_pool.get_connection()
        self._conn.send_packed_command([payload], check_health=False)

    def _read_replies(self) -> None:
        assert self._conn is not None
        errors = []
        for _ in range(self._replies):
            try:
                self._conn.read_response()
            except redis.ResponseError as error:
                errors.append(error)
        self._replies = 0
        if errors:
            raise errors[0]

    async def _queue(self, command: tuple[str | bytes, ...]) -> None:
        # hiredis's stub types the argument as a 1-tuple; it takes any number of arguments.
        payload = hiredis.pack_command(command)  # type: ignore[arg-type]
        if self._pending is not None:
            await self._pending
        self._pending = asyncio.get_running_loop().run_in_executor(self._executor, self._send, payload)
        self._replies += 1

    async def _queue_packed(self, packed: list[bytes]) -> None:
        """Queue commands packed already, sent as one write."""
        if self._pending is not None:
            await self._pending
        self._pending = asyncio.get_running_loop().run_in_executor(self._executor, self._send, b"".join(packed))
        self._replies += len(packed)

    async def write(self, documents: Mapping[str, bytes]) -> None:
        """Queue one batch of documents (event id -> JSON); returns before Redis answers."""
        if documents:
            await self._queue(("HSET", self._key, *(part for item in documents.items() for part in item)))

    async def drop(self, event_ids: Iterable[str]) -> None:
        """Queue the removal of these ids (staged copies the fold did not keep)."""
        dropped = sorted(event_ids)
        for start in range(0, len(dropped), 10000):
            await self._queue(("HDEL", self._key, *dropped[start:start + 10000]))

    async def add_article_sets(self, articles: Iterable[tuple[str, Iterable[str]]]) -> None:
        """Queue each article's event set (`artev:{article}`, when the stager was given its key)."""
        if self._article_key is None:
            return
        # Many small SADDs: packed in runs, each run sent as one write.
        run: list[bytes] = []
        for article, ids in articles:
            run.append(hiredis.pack_command(("SADD", self._article_key(article), *sorted(ids))))  # type: ignore[arg-type]
            if len(run) >= 2000:
                await self._queue_packed(run)
                run = []
        if run:
            await self._queue_packed(run)

    async def finish(self) -> None:
        """Wait for every reply (the first error raises), then close."""
        if self._pending is not None:
            await self._pending
            self._pending = None
            await asyncio.get_running_loop().run_in_executor(self._executor, self._read_replies)
        await self.close()

    async def close(self) -> None:
        """Stop the worker thread (a rebuild forks its writers after this) and the connection."""
        if self._pending is not None:
            await asyncio.gather(self._pending, return_exceptions=True)
            self._pending = None
        self._executor.shutdown(wait=True)
        if self._conn is not None:
            self._conn.disconnect()
            self._conn = None
        self._client.close()


class RedisTimelineStore:
    def __init__(self, client: aioredis.Redis, prefix: str, namespace: str | None = None) -> None:
        """`namespace=None` follows the live pointer (re-read on every step and query);
        a fixed namespace is used by a replay that builds beside the live one."""
        self._r = client
        self._prefix = prefix
        self._fixed_ns = namespace
        self._ns = namespace or DEFAULT_NAMESPACE
        self._page_script = client.register_script(PAGE_SCRIPT)
        self._search_script = client.register_script(SEARCH_SCRIPT)
        self._url: str | None = None  # set by from_url; lets a forked rebuild process reconnect
        self._pages: GenerationCache[TimelineQuery, JsonPage] = GenerationCache(
            lambda page: sum(len(d) for d in page.entries), max_items=PAGE_MEMO_ITEMS)
        # Stored entries as parsed, and entries shown as at an as_of per (entry id, claims
        # known then) with their rendered views: see `_confirm`.
        self._parsed_entries: GenerationCache[str, tuple[Entry, array[int]]] = GenerationCache(
            lambda kept: 2000 + 1500 * kept[0].claims_total, max_items=4096, max_bytes=96 * 1024 * 1024)
        self._ingestion_times: GenerationCache[str, array[int]] = GenerationCache(
            lambda micros: 100 + 8 * len(micros), max_items=1 << 20, max_bytes=64 * 1024 * 1024)
        self._making: dict[tuple[Any, ...], asyncio.Future[Any]] = {}
        self._as_of_entries: GenerationCache[tuple[str, int], tuple[Entry | None, dict[str, bytes]]] = \
            GenerationCache(lambda built: 4000 + 1500 * (built[0].claims_total if built[0] else 0),
                            max_items=4096, max_bytes=96 * 1024 * 1024)
        self._documents_kept = DocumentCache()

    @classmethod
    def from_url(cls, url: str, prefix: str, namespace: str | None = None) -> RedisTimelineStore:
        store = cls(_packing_with_hiredis(aioredis.from_url(url, decode_responses=False)), prefix, namespace)
        store._url = url
        return store

    def forked_writer(self) -> Callable[[], RedisTimelineStore] | None:
        """How a forked rebuild process opens its own client on this store's namespace
        (None when the store was not made from a URL)."""
        if self._url is None:
            return None
        url, prefix, namespace = self._url, self._prefix, self._ns
        return lambda: RedisTimelineStore.from_url(url, prefix, namespace=namespace)

    def event_stager(self) -> EventStager | None:
        """What a rebuild streams the events' documents through while it reads the log (None
        when the store was not made from a URL)."""
        if self._url is None:
            return None
        return EventStager(self._url, self._k("events"), article_key=lambda article: self._k(f"artev:{article}"))

    def bulk_writer(self) -> Callable[[], BulkEntryWriter] | None:
        """How a rebuild's forked writer process opens a synchronous writer of entries on this
        store's namespace (None when the store was not made from a URL)."""
        if self._url is None:
            return None
        url, prefix, namespace = self._url, self._prefix, self._ns
        return lambda: BulkEntryWriter(url, prefix, namespace)

    # --- namespaces
    @property
    def pointer_key(self) -> str:
        return f"{self._prefix}:current"

    @property
    def generation_key(self) -> str:
        """Set to a new token by every commit and namespace change (outside the namespaces)."""
        return f"{self._prefix}:generation"

    @property
    def lease_key(self) -> str:
        """The projector lease (services.timeline.lease): outside the namespaces."""
        return f"{self._prefix}:projector:lease"

    async def _refresh_ns(self) -> str:
        if self._fixed_ns is None:
            current = await self._r.get(self.pointer_key)
            self._ns = _text(current) if current else DEFAULT_NAMESPACE
        return self._ns

    async def _refresh_ns_and_generation(self) -> bytes | str | None:
        """`_refresh_ns`, and the generation, in one round trip: as_of's rechecks need both on
        every page, and each command costs the serving process about 50 µs of CPU."""
        if self._fixed_ns is not None:
            return await self.generation()
        current, generation = await self._r.mget([self.pointer_key, self.generation_key])
        self._ns = _text(current) if current else DEFAULT_NAMESPACE
        return generation

    @property
    def namespace(self) -> str:
        return self._ns

    def _k(self, suffix: str) -> str:
        return f"{self._prefix}:{self._ns}:{suffix}"

    async def live_namespace(self) -> str:
        current = await self._r.get(self.pointer_key)
        return _text(current) if current else DEFAULT_NAMESPACE

    async def switch_to(self, namespace: str) -> str:
        """Make `namespace` the live one atomically; returns the one it replaced."""
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.getset(self.pointer_key, namespace)
            pipe.set(self.generation_key, _new_generation())
            old, _ = await pipe.execute()
        return _text(old) if old else DEFAULT_NAMESPACE

    async def drop_namespace(self, namespace: str) -> int:
        removed = 0
        async for key in self._r.scan_iter(match=f"{self._prefix}:{namespace}:*", count=1000):
            removed += await self._r.unlink(key)
        await self._r.set(self.generation_key, _new_generation())
        return removed

    # --- projector reads
    async def positions(self, topic: str) -> dict[int, int]:
        await self._refresh_ns()
        raw = await self._r.hgetall(self._k(f"pos:{topic}"))
        return {int(p): int(o) for p, o in raw.items()}

    async def article_state(self, article_ids: set[str]) -> tuple[dict[str, str], dict[str, Event]]:
        ids = sorted(article_ids)
        pipe = self._r.pipeline(transaction=False)
        pipe.hmget(self._k("artver"), ids)
        for article in ids:
            pipe.smembers(self._k(f"artev:{article}"))
        results = await pipe.execute()
        versions = {a: v.decode() for a, v in zip(ids, results[0]) if v is not None}
        event_ids = {e.decode() for members in results[1:] for e in members}
        return versions, await self.events(event_ids)

    async def entry_members(self, entry_ids: set[str]) -> dict[str, set[str]]:
        ids = sorted(entry_ids)
        pipe = self._r.pipeline(transaction=False)
        for entry_id in ids:
            pipe.smembers(self._k(f"members:{entry_id}"))
        results = await pipe.execute()
        return {e: {m.decode() for m in members} for e, members in zip(ids, results)}

    async def events(self, event_ids: set[str]) -> dict[str, Event]:
        if not event_ids:
            return {}
        ids = sorted(event_ids)
        raw = await self._r.hmget(self._k("events"), ids)
        return {i: parse_event(r) for i, r in zip(ids, raw) if r is not None}

    # --- the write
    async def commit(self, changes: ChangeSet) -> None:
        """One MULTI/EXEC with everything the change set does and the new positions.

        Writes are batched per key (one HSET per hash, one ZADD / ZREM per index set), so a
        commit costs a command per touched key, not per entry and key: a rebuild chunk
        touches thousands of word index sets, each for many entries."""
        changed = changes.changed_entry_ids
        old_index = {}
        if changed:
            raw = await self._r.hmget(self._k("entryidx"), changed)
            old_index = {e: json.loads(r) for e, r in zip(changed, raw) if r is not None}
        # The holder's own lease renewal (PEXPIRE) also trips the WATCH: check and try again.
        for _ in range(5):
            try:
                await self._commit_once(changes, old_index)
                break
            except WatchError:
                continue
        else:
            raise NotLeader("the positions or the lease kept changing during the commit")
        if changed:
            await self._r.publish(f"{self._prefix}:changes",
                                  json.dumps({"namespace": self._ns, "entries": changed}))

    async def _commit_once(self, changes: ChangeSet, old_index: dict[str, list[str]]) -> None:
        async with self._r.pipeline(transaction=True) as pipe:
            if changes.continues is not None or changes.fence is not None:
                # WATCH makes EXEC fail if the positions or the lease change between this
                # check and the write (a wipe, or another replica taking the lease).
                watched = [self._k(f"pos:{changes.continues}")] if changes.continues else []
                if changes.fence is not None:
                    watched.append(self.lease_key)
                await pipe.watch(*watched)
                if changes.continues is not None and not await pipe.exists(watched[0]):
                    raise ProjectionLost(f"no positions for {changes.continues} in namespace {self._ns}")
                if changes.fence is not None and await pipe.get(self.lease_key) != changes.fence.encode():
                    raise NotLeader("the projector lease is held by another process")
                pipe.multi()
            self._queue_commit(pipe, changes, old_index)
            await pipe.execute()

    def _queue_commit(self, pipe, changes: ChangeSet, old_index: dict[str, list[str]]) -> None:
        if changes.upsert_entries:
            # A namespace whose first entries this code writes has every long entry in `z:long`
            # (`haslong` says so to SEARCH_SCRIPT); one with entries from before never does.
            pipe.eval("if redis.call('EXISTS', KEYS[4]) == 0 then redis.call('SET', KEYS[1], '1') "
                      "redis.call('SET', KEYS[2], '1') redis.call('SET', KEYS[3], '1') end return 0",
                      4, self._k("haslong"), self._k("hascfrom"), self._k("hasactany"), self._k("entries"))
        if changes.add_events:
            raw = changes.raw_events
            if not changes.events_staged:
                pipe.hset(self._k("events"), mapping={i: raw.get(i) or e.model_dump_json()
                                                      for i, e in changes.add_events.items()})
            by_article: dict[str, list[str]] = {}
            for i, e in changes.add_events.items():
                by_article.setdefault(e.article, []).append(i)
            for article, ids in by_article.items():
                pipe.sadd(self._k(f"artev:{article}"), *ids)
        if changes.remove_events:
            removed = sorted(changes.remove_events)
            pipe.hdel(self._k("events"), *removed)
        if changes.article_versions:
            pipe.hset(self._k("artver"), mapping=dict(changes.article_versions))
        if changes.remove_events:
            # Superseded events belong to articles whose version just changed.
            for article in changes.article_versions:
                pipe.srem(self._k(f"artev:{article}"), *sorted(changes.remove_events))
        for entry_id, members in changes.member_add.items():
            pipe.sadd(self._k(f"members:{entry_id}"), *sorted(members))
        for entry_id, members in changes.member_remove.items():
            pipe.srem(self._k(f"members:{entry_id}"), *sorted(members))
        index_removals: dict[str, list[str]] = {}
        index_additions: dict[str, dict[str, float]] = {}
        # Text and as_of (issue 14): `qtext` holds each entry's lower-cased evidence sentences
        # (query.search_text), `wsuf` the vocabulary of the word sets (query.word_suffixes),
        # `z:ingmin` / `z:ingmax` its first and last ingestion (query.ingest_bounds).
        unindexed_ingestion: list[str] = []
        if changes.delete_entries:
            gone = sorted(changes.delete_entries)
            for field_hash in ("entries", "entries_list", "entryidx", "entryver", "qtext", "thull", "tknown", "ingb"):
                pipe.hdel(self._k(field_hash), *gone)
            pipe.delete(*(self._k(f"members:{entry_id}") for entry_id in gone))
            unindexed_ingestion += gone
            for entry_id in gone:
                for key in old_index.get(entry_id, []):
                    index_removals.setdefault(key, []).append(entry_id)
        documents: dict[str, bytes] = {}
        versions: dict[str, bytes] = {}
        list_documents: dict[str, bytes] = {}
        index_documents: dict[str, str] = {}
        texts: dict[str, bytes] = {}
        hulls: dict[str, str] = {}
        known_times: dict[str, bytes] = {}
        first_ingested: dict[str, float] = {}
        last_ingested: dict[str, float] = {}
        packed_bounds: dict[str, bytes] = {}
        contested_from: dict[str, float] = {}
        never_contested: list[str] = []
        longest_hull = 0
        new_words: set[str] = set()
        for entry_id, entry in changes.upsert_entries.items():
            index = entry_index(entry)
            keys = index.keys
            old = old_index.get(entry_id, [])
            for key in set(old).difference(keys):
                index_removals.setdefault(key, []).append(entry_id)
            for key in keys:
                index_additions.setdefault(key, {})[entry_id] = entry.sort_score
            new_words.update(key[7:] for key in set(keys).difference(old) if key.startswith("z:word:"))
            # The JSON as the serializer's bytes (model_dump_json's text, not decoded to a str
            # only to be encoded again for the hash, the deflate and the wire).
            full = _json_bytes(entry)
            documents[entry_id] = _pack(full)
            versions[entry_id] = _version(full)
            list_documents[entry_id] = _json_bytes(list_view(entry))
            index_documents[entry_id] = json.dumps(keys)
            texts[entry_id] = index.text
            hulls[entry_id] = " ".join(str(day) for day in index.hull)
            longest_hull = max(longest_hull, index.hull[1] - index.hull[0])
            known_times[entry_id] = index.known_times
            if index.contested_from is None:
                never_contested.append(entry_id)
            else:
                contested_from[entry_id] = index.contested_from
            bounds = index.bounds
            if bounds is None:
                unindexed_ingestion.append(entry_id)
            else:
                first_ingested[entry_id], last_ingested[entry_id] = bounds
                packed_bounds[entry_id] = INGESTION_BOUNDS.pack(*bounds)
        # An entry is never both removed from and added to the same set in one change
        # set (removals are old keys minus new ones), so the order of the two is free.
        for key, removed in index_removals.items():
            pipe.zrem(self._k(key), *removed)
        for key, scored in index_additions.items():
            pipe.zadd(self._k(key), scored)
        if new_words:
            pipe.zadd(self._k("wsuf"), {suffix: 0 for word in new_words for suffix in word_suffixes(word)})
        emptied = sorted({key[7:] for key in index_removals if key.startswith("z:word:")})
        if emptied:
            pipe.eval(VOCABULARY_CLEANUP, 0, self._k(""), *emptied)
        if unindexed_ingestion:
            pipe.zrem(self._k("z:ingmin"), *unindexed_ingestion)
            pipe.zrem(self._k("z:ingmax"), *unindexed_ingestion)
            pipe.hdel(self._k("ingb"), *unindexed_ingestion)
        if first_ingested:
            pipe.zadd(self._k("z:ingmin"), first_ingested)
            pipe.zadd(self._k("z:ingmax"), last_ingested)
            pipe.hset(self._k("ingb"), mapping=packed_bounds)
        if changes.delete_entries or never_contested:
            pipe.zrem(self._k("z:cfrom"), *sorted(changes.delete_entries), *never_contested)
        if contested_from:
            pipe.zadd(self._k("z:cfrom"), contested_from)
        if texts:
            pipe.hset(self._k("qtext"), mapping=texts)
            pipe.hset(self._k("thull"), mapping=hulls)
            pipe.hset(self._k("tknown"), mapping=known_times)
        if changes.upsert_entries:
            # The longest span stored (only grows): how far before `from` a window query looks.
            longest = max(min(max((e.time.end - e.time.start).days, 0), 1023) for e in changes.upsert_entries.values())
            raise_to = ("local v = tonumber(redis.call('GET', KEYS[1]) or '0') "
                        "if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 0")
            pipe.eval(raise_to, 1, self._k("maxspan"), longest)
            # The longest hull of an entry's claims' times (only grows, not capped): how far
            # before `from` an entry can start and still reach it, shown as at any as_of or not.
            pipe.eval(raise_to, 1, self._k("maxhull"), longest_hull)
        if documents:
            pipe.hset(self._k("entries"), mapping=documents)
            pipe.hset(self._k("entries_list"), mapping=list_documents)
            pipe.hset(self._k("entryidx"), mapping=index_documents)
            pipe.hset(self._k("entryver"), mapping=versions)
        for topic, positions in changes.positions.items():
            if positions:
                pipe.hset(self._k(f"pos:{topic}"), mapping={str(p): o for p, o in positions.items()})
        pipe.set(self.generation_key, _new_generation())

    # --- queries
    async def _range(self, key: str, low: str, high: str, *, descending: bool, offset: int, num: int):
        """(member, score) rows of an index set between two scores, in the query's order."""
        if descending:
            return await self._r.zrange(key, high, low, byscore=True, desc=True, offset=offset, num=num,
                                        withscores=True)
        return await self._r.zrange(key, low, high, byscore=True, offset=offset, num=num, withscores=True)

    async def page(self, query: TimelineQuery) -> Page:
        await self._refresh_ns()
        if not SearchPlan(query).searchable:
            return await self._scan_page(query)
        found, next_cursor = await self._search(query, "entries")
        return Page([e if isinstance(e, Entry) else Entry.model_validate_json(e) for e in found], next_cursor)

    async def _documents(self, namespace: str, kind: str, entry_ids: list[str],
                         versions: list[bytes | None]) -> list[bytes] | None:
        """The documents of `kind` (`entries_list`, or `entries` inflated) of these entries at
        these versions (a script read them with the index): kept ones from the process's
        `DocumentCache`, the rest read in one MULTI/EXEC with their versions. None when an entry
        has no version (a namespace written before versions were) or Redis no longer holds the
        version asked for (a commit landed meanwhile): the caller asks again."""
        if None in versions:
            return None
        kept = self._documents_kept
        out = kept.get_many(kind, entry_ids, versions)  # type: ignore[arg-type]  # (no None)
        missing = [k for k, document in enumerate(out) if document is None]
        if missing:
            base = f"{self._prefix}:{namespace}:"
            ids = [entry_ids[k] for k in missing]
            async with self._r.pipeline(transaction=True) as pipe:
                pipe.hmget(base + kind, ids)
                pipe.hmget(base + "entryver", ids)
                stored, now = await pipe.execute()
            for k, document, version in zip(missing, stored, now):
                if document is None or version != versions[k]:
                    return None
                document = _unpack(document)
                kept.put(kind, entry_ids[k], version, document)
                out[k] = document
        return out  # type: ignore[return-value]  # (every None was filled in above)

    async def _search(self, query: TimelineQuery, documents: str,
                      with_documents: bool = False) -> tuple[list[Entry | bytes], str | None]:
        """The entries of a page, in index order, by SEARCH_SCRIPT: each as its stored document
        in `documents` (bytes, inflated) when Redis could decide it, else (an entry shown as it
        was at `as_of`, or one to confirm) as the entry the core's filter accepted. The cursor
        is the index position of the last one.

        The script returns the versions of the documents (`_documents` reads or reuses them);
        when those changed before they were read, the search is made again with the documents
        read by the script itself (`with_documents`, as before versions were kept)."""
        plan = SearchPlan(query)
        runs = plan.runs or []
        fixed = [self._fixed_ns or "", DEFAULT_NAMESPACE, f"{self._prefix}:", documents,
                 1 if query.descending else 0]
        # (index sets, kind): 0 exact, 1 partial, 2 a bound (see SEARCH_SCRIPT)
        groups = [*((g, 0) for g in plan.groups), *((g, 1) for g in plan.partial_groups),
                  *((g, 2) for g in plan.bound_groups)]
        tail: list[str | int] = [query.start.toordinal() if query.start else "",
                                 query.end.toordinal() if query.end else "", plan.needle or "",
                                 repr(plan.as_of) if plan.as_of is not None else "", SEARCH_BUDGET,
                                 1 if plan.recheck else 0, 1 if with_documents else 0, len(groups)]
        for group, group_kind in groups:
            tail += [len(group), *group, group_kind]
        tail += [len(plan.excluded), *plan.excluded, len(runs)]
        for kind, word in runs:
            tail += [kind, word]
        tail.append("" if query.contested is None else 1 if query.contested else 0)
        # A found entry: an Entry or a document, or (with versions) the version of its document,
        # with its index position (score as the script wrote it, member).
        found: list[tuple[Entry | bytes | _Versioned, tuple[bytes, str]]] = []
        cursor = decode_cursor(query.cursor) if query.cursor else None
        namespace = self._ns
        while True:
            want = query.limit + 1 - len(found)
            positions, stored, stopped, ns = await self._search_script(
                keys=[self.pointer_key],
                args=[*fixed, want, repr(cursor[0]) if cursor else "", cursor[1] if cursor else "", *tail])
            namespace = _text(ns)
            # (member, score, flag) rows, read column by column: this loop runs for every row of
            # every page, and a row at a time it was a tenth of a page's CPU in the process.
            members = [member.decode() for member in positions[0::3]]
            scores: list[bytes] = positions[1::3]
            flags: list[int] = positions[2::3]
            confirmed: dict[str, Entry | bytes] = {}
            if 2 in flags:
                rechecks = [member for member, flag in zip(members, flags) if flag == 2]
                confirmed = await self._confirm(rechecks, query, documents)
            documents_of = iter(stored)
            for member, score, flag in zip(members, scores, flags):
                shown: Entry | bytes | _Versioned | None
                if flag == 1:
                    value: bytes = next(documents_of)
                    shown = _unpack(value) if with_documents else _Versioned(value)
                else:
                    shown = confirmed.get(member)
                    if shown is None:
                        continue
                    if isinstance(shown, bytes):
                        shown = _unpack(shown)
                found.append((shown, (score, member)))
            if len(found) > query.limit:
                break
            if stopped:
                cursor = (float(stopped[1]), stopped[0].decode())
            elif len(members) == want and members:
                cursor = (float(scores[-1]), members[-1])  # some were not confirmed: read on
            else:
                break
        next_cursor = None
        if len(found) > query.limit:
            last_score, last_member = found[query.limit - 1][1]
            next_cursor = encode_cursor(float(last_score), last_member)
        page = found[:query.limit]
        pending = [k for k, (shown, _) in enumerate(page) if isinstance(shown, _Versioned)]
        if pending:
            read = await self._documents(namespace, documents, [page[k][1][1] for k in pending],
                                         [page[k][0].version for k in pending])  # type: ignore[union-attr]
            if read is None:
                return await self._search(query, documents, with_documents=True)
            for k, document in zip(pending, read):
                page[k] = (document, page[k][1])
        return [shown for shown, _ in page], next_cursor  # type: ignore[misc]  # (no _Versioned left)

    async def _confirm(self, entry_ids: list[str], query: TimelineQuery, documents: str) -> dict[str, Entry | bytes]:
        """The entries Redis could not decide, read back, shown as at `as_of` and checked with
        the core's filter: each as an Entry (`entries` documents) or the JSON of its view.

        The process keeps, for the store's generation (`store.GenerationCache`), the entries
        shown as at an as_of, per (entry, k): the claims known then are always the first k in
        ingestion order (`query.claims_known`), so moments that leave the same claims share the
        rebuild; the ingestion times of each entry's claims (8 bytes a claim), which say k
        without the entry; and the stored entries as parsed (a long story's entry holds
        thousands of claims: parsing it costs more than the rest), needed only to build a
        (entry, k) not kept. Each is kept as soon as it is built, and one built by a request is
        awaited by the concurrent requests that need it instead of being built again by each
        (`_once`); a commit changes the generation and with it every answer."""
        generation = await self._refresh_ns_and_generation() if query.as_of is not None else None
        if query.as_of is None:
            await self._refresh_ns()
        shown_of: dict[str, tuple[Entry | None, dict[str, bytes]]] = {}
        need: list[str] = []
        for entry_id in entry_ids:
            if generation is not None and query.as_of is not None:
                micros = self._ingestion_times.get(generation, entry_id)
                built = (self._as_of_entries.get(generation, (entry_id, claims_known(micros, query.as_of)))
                         if micros is not None else None)
                if built is not None:
                    shown_of[entry_id] = built
                    continue
            need.append(entry_id)
        parsed = await self._parsed(need, generation) if need else {}
        for entry_id in need:
            if entry_id not in parsed:
                continue
            entry, micros = parsed[entry_id]
            if query.as_of is None:
                shown_of[entry_id] = (entry, {})
                continue
            as_of = query.as_of
            key = (entry_id, claims_known(micros, as_of))

            async def build(entry: Entry = entry, as_of: datetime = as_of) -> tuple[Entry | None, dict[str, bytes]]:
                built: tuple[Entry | None, dict[str, bytes]] = (entry_as_of(entry, as_of), {})
                await asyncio.sleep(0)  # (a rebuild takes milliseconds: let other replies be read)
                return built

            if generation is None:
                shown_of[entry_id] = await build()
            else:
                def keep(built: tuple[Entry | None, dict[str, bytes]], key: tuple[str, int] = key,
                         generation: bytes | str = generation) -> None:
                    self._as_of_entries.put(generation, key, built)

                shown_of[entry_id] = await self._once(("as_of", generation, key), build, keep)
        out: dict[str, Entry | bytes] = {}
        kind = "list" if documents == "entries_list" else "full" if query.full_claims else ""
        for entry_id in entry_ids:
            if entry_id not in shown_of:
                continue
            shown, views = shown_of[entry_id]
            if shown is None or not matches(shown, query):
                continue
            if not kind:
                out[entry_id] = shown
                continue
            if kind not in views:
                views[kind] = (list_view(shown) if kind == "list" else shown).model_dump_json().encode()
            out[entry_id] = views[kind]
        return out

    async def _parsed(self, entry_ids: list[str], generation: bytes | str | None
                      ) -> dict[str, tuple[Entry, array[int]]]:
        """The stored entries as parsed, with their claims' ingestion times (`_confirm`)."""
        out: dict[str, tuple[Entry, array[int]]] = {}
        for entry_id in entry_ids:
            kept = self._parsed_entries.get(generation, entry_id) if generation is not None else None
            if kept is not None:
                out[entry_id] = kept
                continue

            async def parse(entry_id: str = entry_id) -> tuple[Entry, array[int]] | None:
                stored = await self._r.hget(self._k("entries"), entry_id)
                if stored is None:
                    return None
                entry = Entry.model_validate_json(_unpack(stored))
                # A long entry takes milliseconds to parse: let the other requests' replies be
                # read meanwhile (a starved loop made their reads time out under load).
                await asyncio.sleep(0)
                return entry, array("q", ingestion_micros(entry))

            def keep(value: tuple[Entry, array[int]] | None, entry_id: str = entry_id) -> None:
                if value is not None and generation is not None:
                    self._parsed_entries.put(generation, entry_id, value)
                    self._ingestion_times.put(generation, entry_id, value[1])

            value = await (self._once(("parse", generation, entry_id), parse, keep) if generation is not None
                           else parse())
            if value is not None:
                out[entry_id] = value
        return out

    async def _once(self, key: tuple[Any, ...], make: Callable[[], Awaitable[T]], keep: Callable[[T], None]) -> T:
        """`make()`, kept with `keep`, made once for concurrent requests: a request that finds
        the same key being made awaits it (and makes it itself if that one failed)."""
        pending = self._making.get(key)
        if pending is not None:
            await asyncio.wait({pending})
            if not pending.cancelled() and pending.exception() is None:
                made: T = pending.result()
                return made
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._making[key] = future
        try:
            value = await make()
            keep(value)
            future.set_result(value)
            return value
        except BaseException:
            future.cancel()
            raise
        finally:
            if self._making.get(key) is future:
                del self._making[key]

    async def _scan_page(self, query: TimelineQuery) -> Page:
        """A page by reading entries back and checking them (a needle `SearchPlan` cannot
        check in Redis: NUL in it, or not encodable)."""
        key = self._k(index_key_for(query))
        low, high = "-inf", "+inf"
        if query.end is not None:
            # sort_score grows with the start day: nothing starting after `to` can match,
            # so the index range stops there.
            high = f"({score_after(query.end)!r}"
        cursor = decode_cursor(query.cursor) if query.cursor else None
        if cursor:
            if query.descending:
                high = repr(cursor[0]) if query.end is None else repr(min(cursor[0], score_after(query.end)))
            else:
                low = repr(cursor[0])
        found: list[Entry] = []
        last: tuple[float, str] | None = None
        offset = 0
        chunk = max(query.limit * 2, 64)
        has_more = False
        while True:
            rows = await self._range(key, low, high, descending=query.descending, offset=offset, num=chunk)
            if not rows:
                break
            offset += len(rows)
            candidates = [(m.decode(), s) for m, s in rows]
            if cursor:
                candidates = [(m, s) for m, s in candidates
                              if ((s, m) < cursor if query.descending else (s, m) > cursor)]
            if candidates:
                raw = await self._r.hmget(self._k("entries"), [m for m, _ in candidates])
                for (member, score), stored in zip(candidates, raw):
                    if stored is None:
                        continue
                    entry: Entry | None = Entry.model_validate_json(_unpack(stored))
                    if entry is not None and query.as_of is not None:
                        entry = entry_as_of(entry, query.as_of)
                    if entry is not None and matches(entry, query):
                        if len(found) == query.limit:
                            has_more = True
                            break
                        found.append(entry)
                        last = (score, member)
            if has_more or len(rows) < chunk:
                break
        next_cursor = encode_cursor(*last) if has_more and last else None
        return Page(entries=found, next_cursor=next_cursor)

    async def page_json(self, query: TimelineQuery, *, generation: bytes | str | None = None) -> JsonPage:
        """A page as stored JSON documents; a page this process served before is answered from
        memory while the store's generation token is unchanged (one GET). `generation`: the
        token as the caller read it just before (the route's memo does), so it is not read
        again; the page says the token it was computed under (`JsonPage`): read in its script
        (an exact index set), else read after it. With the page memos off
        (`CLAIMLINE_PAGE_MEMO_ITEMS=0`) the token is not read at all."""
        if self._fixed_ns is not None:
            return await self._page_json(query)
        if PAGE_MEMO_ITEMS <= 0:
            return replace(await self._page_json(query), generation=None)
        if generation is None:
            generation = await self.generation()
        cached = self._pages.get(generation, query)
        if cached is not None:
            return cached
        page = await self._page_json(query)
        under = page.generation if page.generation is not None else await self.generation()
        if generation is not None and under == generation:
            page = replace(page, generation=generation)
            self._pages.put(generation, query, page)
        else:
            page = replace(page, generation=None)
        return page

    async def generation(self) -> bytes | str | None:
        """The token every commit and namespace change replaces (None: no commit since the
        store was created or wiped). Whatever a reader sees changed only if it changed."""
        token: bytes | str | None = await self._r.get(self.generation_key)
        return token

    async def _page_json(self, query: TimelineQuery) -> JsonPage:
        if not index_is_exact(query):
            if not SearchPlan(query).searchable:
                page = await self._scan_page(query)
                view = (lambda e: e) if query.full_claims else list_view
                return JsonPage([view(e).model_dump_json().encode() for e in page.entries], page.next_cursor)
            found, next_cursor = await self._search(query, "entries" if query.full_claims else "entries_list")
            return JsonPage([d for d in found if isinstance(d, bytes)], next_cursor)
        # Fast path: the index set is the answer. One server-side script resolves the live
        # namespace, reads limit+1 members past the cursor, the versions of the shown entries and
        # the generation, atomically; their documents come from the process's `DocumentCache`
        # or one more read (`_documents`). When a commit changed them in between (twice), the
        # script reads the documents itself. No parsing either way.
        cursor = decode_cursor(query.cursor) if query.cursor else None
        kind = "entries" if query.full_claims else "entries_list"
        with_documents = False
        for attempt in range(3):
            positions, stored, generation, ns = await self._page_script(
                keys=[self.pointer_key],
                args=[self._fixed_ns or "", DEFAULT_NAMESPACE, f"{self._prefix}:", index_key_for(query),
                      kind, 1 if query.descending else 0, query.limit, repr(cursor[0]) if cursor else "",
                      cursor[1] if cursor else "", 1 if with_documents else 0, self.generation_key])
            if with_documents:
                documents = [_unpack(d) for d in stored if d is not None]
                break
            shown = [positions[2 * k].decode() for k in range(len(stored))]
            read = await self._documents(_text(ns), kind, shown, stored) if None not in stored else None
            if read is not None:
                documents = read
                break
            with_documents = attempt == 1 or None in stored
        has_more = len(positions) > 2 * query.limit
        next_cursor = None
        if has_more:
            last = 2 * (query.limit - 1)
            next_cursor = encode_cursor(float(positions[last + 1]), positions[last].decode())
        return JsonPage(documents, next_cursor, generation=generation)

    async def entry(self, entry_id: str) -> Entry | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("entries"), entry_id)
        return Entry.model_validate_json(_unpack(raw)) if raw else None

    async def entries(self, entry_ids: list[str]) -> list[Entry]:
        if not entry_ids:
            return []
        raw = await self._r.hmget(self._k("entries"), entry_ids)
        return [Entry.model_validate_json(_unpack(r)) for r in raw if r is not None]

    async def event(self, event_id: str) -> Event | None:
        await self._refresh_ns()
        raw = await self._r.hget(self._k("events"), event_id)
        return parse_event(raw) if raw else None

    async def article_event_ids(self, article_id: str) -> list[str]:
        await self._refresh_ns()
        return sorted(_text(m) for m in await self._r.smembers(self._k(f"artev:{article_id}")))

    async def counts(self) -> dict[str, int]:
        await self._refresh_ns()
        pipe = self._r.pipeline(transaction=False)
        pipe.hlen(self._k("events"))
        pipe.hlen(self._k("entries"))
        pipe.zcard(self._k("z:contested"))
        events, entries, contested = await pipe.execute()
        return {"events": events, "entries": entries, "contested": contested}

    async def subscribe(self) -> AsyncIterator[list[str]]:
        pubsub = self._r.pubsub()
        await pubsub.subscribe(f"{self._prefix}:changes")
        try:
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                payload = json.loads(message["data"])
                if payload.get("namespace") == await self.live_namespace():
                    yield payload["entries"]
        finally:
            await pubsub.unsubscribe()
            await pubsub.aclose()

    async def ping(self) -> bool:
        try:
            return bool(await asyncio.wait_for(self._r.ping(), timeout=1.0))
        except Exception:  # noqa: BLE001 - unreachable is the answer
            return False

    async def close(self) -> None:
        await self._r.aclose()


class BulkEntryWriter:
    """What a rebuild's writer process writes entries with: the commit of `RedisTimelineStore`
    (`_queue_commit`, the same keys and values) sent as one plain pipeline per commit by the
    synchronous client (commands packed by hiredis, replies read by its parser) instead of a
    MULTI/EXEC through the asyncio client, whose per-reply handling was a third of a rebuild's
    write phase by the profile. A rebuild writes into a namespace nobody reads until its
    last commit sets the positions, so the writes need no transaction; they are never used
    for a live commit. The events' documents and the articles' event sets are written by
    the rebuild itself (`EventStager`)."""

    def __init__(self, url: str, prefix: str, namespace: str) -> None:
        self._keys = RedisTimelineStore(aioredis.Redis(), prefix, namespace)  # key names only: never connects
        self._client: redis.Redis = _packing_with_hiredis(redis.Redis.from_url(url))
        self._prefix = prefix
        self._namespace = namespace

    def commit(self, changes: ChangeSet) -> None:
        pipe = self._client.pipeline(transaction=False)
        self._keys._queue_commit(pipe, changes, {})
        changed = changes.changed_entry_ids
        if changed:
            pipe.publish(f"{self._prefix}:changes", json.dumps({"namespace": self._namespace, "entries": changed}))
        pipe.execute()

    def close(self) -> None:
        self._client.close()
