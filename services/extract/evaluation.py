"""Scoring of predicted events against gold events, as `shared/corpus/ANNOTATION.md` defines it.

Everything here is pure: it works on plain dicts (gold lines and predicted events in the
annotation's field names) and returns numbers; `format_report` renders them as text.

Rules (ANNOTATION.md, "Scoring"):

- A prediction matches a gold event of the same article and type when one of its evidence
  sentences contains one of the gold `mentions` and, where gold gives an `actor`, the actors
  are equal. A `denied` gold event only matches a `denied` prediction and the other way round.
- Precision, recall and F1 are counted over non-optional gold events, per type and overall:
  a gold event is found when at least one prediction matches it; a prediction that matches no
  gold event is a false alarm; further predictions matching an already found event are
  duplicates (no false alarm); a prediction matching only optional gold is neither.
- Slots are scored on found non-optional gold events, each slot apart. When several
  predictions match one gold event, the one agreeing on most slots is scored (preferring a
  prediction not already scored for another gold event). Quantities and locations are scored
  where gold gives some; `change` / `movement` / `recipient` where gold gives them; time,
  claimants and modality always (gold without time means the article's date).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

SLOTS = ("quantities", "locations", "time", "claimants", "modality", "change", "movement", "recipient")

_WS = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalize_text(text: str) -> str:
    """Whitespace- and quote-insensitive form used to test that a mention lies in a sentence."""
    return _WS.sub(" ", text.translate(_QUOTES)).strip()


def normalize_place(name: str) -> str:
    name = normalize_text(name).casefold()
    return re.sub(r"^the ", "", name)


# --- matching ------------------------------------------------------------------------------

def evidence_sentences(pred: Mapping[str, Any]) -> list[str]:
    out = []
    for ev in pred.get("evidence") or ():
        out.append(ev["sentence"] if isinstance(ev, Mapping) else str(ev))
    return out


def matches(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """True when `pred` matches `gold` by the annotation guide's rule."""
    if pred.get("article") != gold.get("article") or pred.get("type") != gold.get("type"):
        return False
    if gold.get("actor") is not None and pred.get("actor") != gold.get("actor"):
        return False
    if (gold.get("modality") == "denied") != (pred.get("modality") == "denied"):
        return False
    sentences = [normalize_text(s) for s in evidence_sentences(pred)]
    for mention in gold.get("mentions") or ():
        m = normalize_text(mention)
        if any(m in s for s in sentences):
            return True
    return False


# --- slots ---------------------------------------------------------------------------------

def _num_eq(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))


def quantity_equal(gold_q: Mapping[str, Any], pred_q: Mapping[str, Any]) -> bool:
    if gold_q.get("kind") != pred_q.get("kind"):
        return False
    if gold_q.get("value") is not None:
        return _num_eq(gold_q["value"], pred_q.get("value"))
    if gold_q.get("low") is not None or gold_q.get("high") is not None:
        return _num_eq(gold_q.get("low"), pred_q.get("low")) and _num_eq(gold_q.get("high"), pred_q.get("high"))
    if gold_q.get("vague"):
        predicted = normalize_text(str(pred_q.get("vague") or "")).casefold()
        return normalize_text(str(gold_q["vague"])).casefold() == predicted
    return True


def _place_names(locations: Iterable[Any]) -> list[str]:
    names = []
    for loc in locations or ():
        names.append(normalize_place(loc["name"] if isinstance(loc, Mapping) else str(loc)))
    return names


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def gold_span(gold: Mapping[str, Any], published_at: date) -> tuple[date, date, bool]:
    t = gold.get("time")
    if not t:
        return published_at, published_at, False
    return _as_date(t["start"]), _as_date(t["end"]), bool(t.get("fuzzy"))


def pred_span(pred: Mapping[str, Any]) -> tuple[date, date]:
    t = pred.get("time")
    if not t:
        d = _as_date(pred["published_at"])
        return d, d
    return _as_date(t["start"]), _as_date(t["end"])


def claimant_parties(claimants: Iterable[Any] | None) -> frozenset[str | None]:
    return frozenset((c.get("party") if isinstance(c, Mapping) else None) for c in claimants or ())


def slot_results(gold: Mapping[str, Any], pred: Mapping[str, Any], published_at: date) -> dict[str, bool]:
    """Per-slot agreement of one prediction with one gold event; slots gold does not score are absent."""
    res: dict[str, bool] = {}
    gq = gold.get("quantities") or []
    if gq:
        pq = pred.get("quantities") or []
        res["quantities"] = all(any(quantity_equal(g, p) for p in pq) for g in gq)
    gl = gold.get("locations") or []
    if gl:
        first = normalize_place(gl[0] if not isinstance(gl[0], Mapping) else gl[0]["name"])
        res["locations"] = first in _place_names(pred.get("locations") or [])
    gs, ge, fuzzy = gold_span(gold, published_at)
    ps, pe = pred_span(pred)
    res["time"] = (ps <= ge and gs <= pe) if fuzzy else (ps == gs and pe == ge)
    res["claimants"] = claimant_parties(gold.get("claimants")) == claimant_parties(pred.get("claimants"))
    res["modality"] = (gold.get("modality") or "asserted") == (pred.get("modality") or "asserted")
    for slot in ("change", "movement", "recipient"):
        if gold.get(slot) is not None:
            res[slot] = gold[slot] == pred.get(slot)
    return res


# --- scoring -------------------------------------------------------------------------------

@dataclass
class Counts:
    tp: int = 0  # non-optional gold events found
    fn: int = 0  # non-optional gold events missed
    fp: int = 0  # predictions matching no gold event

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fn": self.fn, "fp": self.fp, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class SlotCounts:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class Scores:
    overall: Counts = field(default_factory=Counts)
    per_type: dict[str, Counts] = field(default_factory=dict)
    slots: dict[str, SlotCounts] = field(default_factory=lambda: {s: SlotCounts() for s in SLOTS})
    misses: list[dict] = field(default_factory=list)  # non-optional gold events nobody found
    false_alarms: list[dict] = field(default_factory=list)  # predictions matching no gold
    duplicates: list[tuple[dict, dict]] = field(default_factory=list)  # (prediction, gold it repeats)
    optional_matches: list[tuple[dict, dict]] = field(default_factory=list)
    slot_errors: list[tuple[dict, dict, list[str]]] = field(default_factory=list)  # (gold, pred, wrong slots)

    def as_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall.as_dict(),
            "per_type": {t: c.as_dict() for t, c in sorted(self.per_type.items())},
            "slots": {s: {"accuracy": round(c.accuracy, 4), "correct": c.correct, "total": c.total}
                      for s, c in self.slots.items()},
            "misses": len(self.misses),
            "false_alarms": len(self.false_alarms),
            "duplicates": len(self.duplicates),
        }


def score(gold: Sequence[Mapping[str, Any]], predictions: Sequence[Mapping[str, Any]],
          published: Mapping[str, date] | None = None) -> Scores:
    """Score `predictions` against `gold` (both lists of dicts in annotation field names).

    `published` maps article ids to publication dates, for gold events without a time;
    by default the date is taken from a prediction of the same article.
    """
    published = dict(published or {})
    for p in predictions:
        if p.get("article") not in published and p.get("published_at"):
            published[p["article"]] = _as_date(p["published_at"])

    scores = Scores()

    def counts(t: str) -> Counts:
        return scores.per_type.setdefault(t, Counts())

    matched_by: list[list[int]] = [[] for _ in predictions]  # gold indices each prediction matches
    gold_matches: list[list[int]] = []
    for gi, g in enumerate(gold):
        hits = [pi for pi, p in enumerate(predictions) if matches(p, g)]
        gold_matches.append(hits)
        for pi in hits:
            matched_by[pi].append(gi)

    used: set[int] = set()
    representative: dict[int, int] = {}
    # Score gold events with fewer candidates first, so a shared prediction goes where it is needed.
    order = sorted(range(len(gold)), key=lambda gi: (len(gold_matches[gi]), gi))
    for gi in order:
        g = gold[gi]
        if g.get("optional"):
            continue
        hits = gold_matches[gi]
        if not hits:
            continue
        pub = published.get(g["article"]) or pred_span(predictions[hits[0]])[0]
        best = max(hits, key=lambda pi: (sum(slot_results(g, predictions[pi], pub).values()), pi not in used, -pi))
        used.add(best)
        representative[gi] = best

    for gi, g in enumerate(gold):
        if g.get("optional"):
            continue
        c = counts(g["type"])
        if gi in representative:
            c.tp += 1
            scores.overall.tp += 1
            p = predictions[representative[gi]]
            pub = published.get(g["article"]) or pred_span(p)[0]
            res = slot_results(g, p, pub)
            for slot, ok in res.items():
                scores.slots[slot].total += 1
                scores.slots[slot].correct += int(ok)
            wrong = [s for s, ok in res.items() if not ok]
            if wrong:
                scores.slot_errors.append((dict(g), dict(p), wrong))
        else:
            c.fn += 1
            scores.overall.fn += 1
            scores.misses.append(dict(g))

    rep_preds = set(representative.values())
    for pi, p in enumerate(predictions):
        hits = matched_by[pi]
        if not hits:
            counts(p["type"]).fp += 1
            scores.overall.fp += 1
            scores.false_alarms.append(dict(p))
        elif pi in rep_preds:
            continue
        elif any(not gold[gi].get("optional") for gi in hits):
            gi = next(gi for gi in hits if not gold[gi].get("optional"))
            scores.duplicates.append((dict(p), dict(gold[gi])))
        else:
            scores.optional_matches.append((dict(p), dict(gold[hits[0]])))
    return scores


# --- report --------------------------------------------------------------------------------

def _short(text: str, limit: int = 220) -> str:
    text = normalize_text(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _slot_value(event: Mapping[str, Any], slot: str, published_at: date | None = None) -> str:
    if slot == "time":
        t = event.get("time")
        if not t:
            return f"(article date {published_at})" if published_at else "(none)"
        return f"{t.get('start')}..{t.get('end')}" + (" fuzzy" if t.get("fuzzy") else "")
    if slot == "claimants":
        return str(sorted((c.get("party") or "-") for c in event.get("claimants") or ()))
    if slot == "locations":
        return str(_place_names(event.get("locations") or []))
    if slot == "quantities":
        out = []
        for q in event.get("quantities") or ():
            v = q.get("value")
            if v is None and (q.get("low") is not None or q.get("high") is not None):
                v = f"{q.get('low')}-{q.get('high')}"
            if v is None:
                v = q.get("vague")
            out.append(f"{q.get('kind')}={v}")
        return "[" + ", ".join(out) + "]"
    return str(event.get(slot))


def format_report(scores: Scores, title: str = "Extraction scores") -> str:
    lines = [title, "=" * len(title), ""]
    lines.append(f"{'type':<20} {'P':>6} {'R':>6} {'F1':>6}   tp  fn  fp")
    for t, c in sorted(scores.per_type.items()):
        lines.append(f"{t:<20} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  {c.tp:3d} {c.fn:3d} {c.fp:3d}")
    o = scores.overall
    lines.append(f"{'overall':<20} {o.precision:6.3f} {o.recall:6.3f} {o.f1:6.3f}  {o.tp:3d} {o.fn:3d} {o.fp:3d}")
    lines.append("")
    lines.append("slot accuracy (on found non-optional gold events)")
    for s, slot in scores.slots.items():
        if slot.total:
            lines.append(f"  {s:<11} {slot.accuracy:6.3f}  ({slot.correct}/{slot.total})")
    lines.append(f"duplicates: {len(scores.duplicates)}   "
                 f"predictions matching only optional gold: {len(scores.optional_matches)}")
    if scores.misses:
        lines += ["", f"MISSES ({len(scores.misses)})"]
        for g in scores.misses:
            lines.append(f"- [{g['article']}] {g['type']} actor={g.get('actor')} id={g.get('id')}: " + " | ".join(
                _short(m, 120) for m in g.get("mentions") or ()))
    if scores.false_alarms:
        lines += ["", f"FALSE ALARMS ({len(scores.false_alarms)})"]
        for p in scores.false_alarms:
            sents = evidence_sentences(p)
            lines.append(f"- [{p['article']}] {p['type']} actor={p.get('actor')} modality={p.get('modality')}: "
                         + " || ".join(_short(s) for s in sents[:3]))
    if scores.slot_errors:
        lines += ["", f"SLOT ERRORS ({len(scores.slot_errors)})"]
        for g, p, wrong in scores.slot_errors:
            pub = _as_date(p["published_at"]) if p.get("published_at") else None
            detail = "; ".join(f"{s}: gold {_slot_value(g, s, pub)} / predicted {_slot_value(p, s, pub)}"
                               for s in wrong)
            lines.append(f"- [{g['article']}] {g.get('id')} ({g['type']}): {detail}")
    return "\n".join(lines) + "\n"
