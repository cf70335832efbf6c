"""Extractor throughput: articles per second on one core.

Runs `extract` over the corpus (seed + VOA + web articles, all languages, as ingest would see
them) several times and prints the figure. CPU time of this process is used, so other load on
the machine disturbs the figure less than wall-clock time would.

    python bench/extract_speed.py [--repeat N] [--corpus DIR]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.extract.cli_commands import read_articles  # noqa: E402
from services.extract.core import EXTRACTOR_VERSION, extract  # noqa: E402


def corpus(shared: Path) -> list:
    files = [shared / "seed-articles.jsonl", ROOT / "tests" / "data" / "voa-articles.jsonl", shared / "web-articles.jsonl"]
    arts = []
    for f in files:
        if f.exists():
            arts += read_articles(f)
    return arts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="passes over the corpus (default 20)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus", help="folder with the shared corpus")
    args = ap.parse_args()
    arts = corpus(args.corpus)
    if not arts:
        sys.exit(f"no articles found under {args.corpus}")
    events = sum(len(extract(a)) for a in arts)  # warm-up: rules compiled, caches filled
    chars = sum(len(a.text) for a in arts)
    best = float("inf")
    total_cpu = 0.0
    for _ in range(args.repeat):
        t = time.process_time()
        for a in arts:
            extract(a)
        dt = time.process_time() - t
        total_cpu += dt
        best = min(best, dt)
    n = len(arts) * args.repeat
    print(f"extractor {EXTRACTOR_VERSION}: {len(arts)} articles ({chars / 1e3:.0f}k chars, {events} events), {args.repeat} passes")
    print(f"mean {n / total_cpu:.0f} articles/s ({chars * args.repeat / total_cpu / 1e6:.2f} MB/s); "
          f"best pass {len(arts) / best:.0f} articles/s  [one core, CPU time]")


if __name__ == "__main__":
    main()
