"""How far two annotators of the same articles agree, by the scoring rules the extractor is held to.

Each annotation is scored as if it were an extractor's output against the other: its non-optional
events become predictions (type, actor, modality, claimants and slots as annotated; the evidence is
the sentence of the article each mention lies in), so an event one annotator marks optional is
neither counted against the other nor required of it, as `claimline eval` treats optional gold.
Agreement is reported both ways (B scored against A, A against B) with the extractor's own figures
on the same articles against each annotation beside them: the ceiling two careful readers reach
is the yardstick for the extractor's F1, claimant and modality targets.

    python bench/annotator_agreement.py --set ARTICLES GOLD_A GOLD_B [--set ...] [--parser-url URL]

ARTICLES is an articles file (`id`, `text`, `published_at`, ...); GOLD_A and GOLD_B are two
independent annotations of it in the format of the annotation guide. Sentences come from the
stored parses (the parser is asked only for texts never parsed).
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from schemas.parse import ParsedArticle  # noqa: E402
from services.extract.core import EXTRACTOR_VERSION  # noqa: E402
from services.extract.evaluation import Scores, gold_span, normalize_text, score  # noqa: E402
from services.offline import predict, read_articles, read_jsonl  # noqa: E402
from services.parse.local import local_parse_cache  # noqa: E402

_SLOTS_COPIED = ("actor", "partners", "against", "recipient", "change", "movement", "modality", "claimants",
                 "quantities", "locations")


def _sentence_of(parsed: ParsedArticle, mention: str) -> str | None:
    """The sentence of the article the mention lies in (None when it lies in none)."""
    text = parsed.article.text
    wanted = normalize_text(mention)
    for s in parsed.sentences:
        if wanted in normalize_text(text[s.start:s.end]):
            return text[s.start:s.end]
    return None


def as_predictions(gold: Sequence[Mapping[str, Any]], parsed: Mapping[str, ParsedArticle],
                   published: Mapping[str, date]) -> list[dict[str, Any]]:
    """One annotation's non-optional events as an extractor's output."""
    out = []
    for g in gold:
        if g.get("optional") or g.get("article") not in parsed:
            continue
        sentences = [s for m in g.get("mentions") or () if (s := _sentence_of(parsed[g["article"]], m))]
        if not sentences:
            continue  # a mention that lies in no sentence (across a boundary) cannot be matched
        start, end, _ = gold_span(g, published[g["article"]])
        pred = {k: g.get(k) for k in _SLOTS_COPIED}
        pred.update(article=g["article"], type=g["type"], evidence=[{"sentence": s} for s in sentences],
                    time={"start": start.isoformat(), "end": end.isoformat()},
                    published_at=published[g["article"]].isoformat())
        out.append(pred)
    return out


def _f1(tp: int, fn: int, fp: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return (2 * p * r / (p + r) if p + r else 0.0), p, r


@dataclass
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    slots: dict[str, list[int]] = field(default_factory=lambda: {"claimants": [0, 0], "modality": [0, 0]})
    per_type: dict[str, list[int]] = field(default_factory=dict)  # type -> [tp, fn, fp]

    def add(self, s: Scores) -> None:
        self.tp += s.overall.tp
        self.fn += s.overall.fn
        self.fp += s.overall.fp
        for type_, c in s.per_type.items():
            counts = self.per_type.setdefault(type_, [0, 0, 0])
            counts[0], counts[1], counts[2] = counts[0] + c.tp, counts[1] + c.fn, counts[2] + c.fp
        for name, pair in self.slots.items():
            pair[0] += s.slots[name].correct
            pair[1] += s.slots[name].total

    def line(self) -> str:
        f1, p, r = _f1(self.tp, self.fn, self.fp)
        slots = " ".join(f"{n} {c / t:.3f} ({c}/{t})" if t else f"{n} -" for n, (c, t) in self.slots.items())
        return f"F1 {f1:.3f} (P {p:.3f}, R {r:.3f}; tp {self.tp} fn {self.fn} fp {self.fp}) {slots}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", nargs=3, action="append", metavar=("ARTICLES", "GOLD_A", "GOLD_B"))
    ap.add_argument("--parser-url", default=None, help="a CoreNLP server for texts never parsed")
    args = ap.parse_args()
    if not args.set:
        # (`make bench` runs every script bare: the second annotations quote copyrighted news and
        # live outside the repository, bench/results/annotator-agreement.txt has the last figures)
        print("annotator_agreement: nothing to compare without --set ARTICLES GOLD_A GOLD_B")
        return
    cache = local_parse_cache(args.parser_url)
    rows = {k: Tally() for k in ("B against A", "A against B", "extractor against A", "extractor against B")}
    for articles_path, gold_a_path, gold_b_path in args.set:
        articles = read_articles(articles_path)
        parses = cache.parse_all(articles)
        parsed = {p.article.id: p for p in parses}
        published = {a.id: a.published_at for a in articles}
        gold_a, gold_b = read_jsonl(gold_a_path), read_jsonl(gold_b_path)
        extracted = predict(parses)
        per_set = {
            "B against A": score(gold_a, as_predictions(gold_b, parsed, published), published),
            "A against B": score(gold_b, as_predictions(gold_a, parsed, published), published),
            "extractor against A": score(gold_a, extracted, published),
            "extractor against B": score(gold_b, extracted, published),
        }
        for k, s in per_set.items():
            rows[k].add(s)
        print(f"{Path(articles_path).name}: B against A F1 {per_set['B against A'].overall.f1:.3f}, "
              f"extractor against A {per_set['extractor against A'].overall.f1:.3f}, "
              f"against B {per_set['extractor against B'].overall.f1:.3f}")
    print(f"\n{len(args.set)} sets; extractor {EXTRACTOR_VERSION}")
    for k, t in rows.items():
        print(f"{k:<22} {t.line()}")
    types = sorted({type_ for t in rows.values() for type_ in t.per_type})
    print("\nF1 by type (tp fn fp) | " + " | ".join(rows))
    for type_ in types:
        cells = []
        for t in rows.values():
            tp, fn, fp = t.per_type.get(type_, [0, 0, 0])
            cells.append(f"{_f1(tp, fn, fp)[0]:.3f} ({tp} {fn} {fp})")
        print(f"{type_:<20} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
