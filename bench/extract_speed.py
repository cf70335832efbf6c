"""Extraction and parsing throughput, per core.

Parsing: every corpus article through the CoreNLP server once (one request at a time, so one
server thread: a per-core figure). Extraction: `extract` over the stored parses (what
`claimline extract replay` does), several passes, CPU time of this process.

    python bench/extract_speed.py [--repeat N] [--corpus DIR] [--parser-url URL]

Without --parser-url the local server is started (deploy/local/corenlp.sh) when none answers.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.extract.core import EXTRACTOR_VERSION, extract  # noqa: E402
from services.offline import read_articles  # noqa: E402
from services.parse.cache import ParseCache  # noqa: E402


def corpus(shared: Path) -> list:
    files = [ROOT / "tests" / "data" / f"{n}-articles.jsonl" for n in ("seed", "voa", "pd", "pd2")]
    files.append(shared / "web-articles.jsonl")
    arts = []
    for f in files:
        if f.exists():
            arts += read_articles(f)
    return arts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="extraction passes over the corpus (default 20)")
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus",
                    help="folder with the shared corpus")
    ap.add_argument("--parser-url", default=None, help="a running CoreNLP server")
    args = ap.parse_args()
    url = args.parser_url
    if url is None:
        from services.parse.local import ensure_parser
        url = ensure_parser(None)
    arts = corpus(args.corpus)
    if not arts:
        sys.exit(f"no articles found under {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        cache = ParseCache(Path(tmp), url)
        cache.parse(arts[0])  # warm-up of the server's pipeline
        t = time.perf_counter()
        parsed = [cache.parse(a) for a in arts]
        parse_s = time.perf_counter() - t
    tokens = sum(len(s.words) for p in parsed for s in p.sentences)
    events = sum(len(extract(p)) for p in parsed)  # warm-up: rules loaded, caches filled
    best = float("inf")
    total_cpu = 0.0
    for _ in range(args.repeat):
        t = time.process_time()
        for p in parsed:
            extract(p)
        dt = time.process_time() - t
        total_cpu += dt
        best = min(best, dt)
    n = len(parsed) * args.repeat
    print(f"corpus: {len(arts)} articles, {tokens} tokens, {events} events")
    print(f"parsing (CoreNLP, one request at a time): {len(arts) / parse_s:.1f} articles/s, "
          f"{tokens / parse_s:.0f} tokens/s  [wall clock, first parse of each text]")
    print(f"extraction {EXTRACTOR_VERSION} over stored parses: mean {n / total_cpu:.0f} articles/s; "
          f"best pass {len(parsed) / best:.0f} articles/s  [one core, CPU time]")


if __name__ == "__main__":
    main()
