"""Extraction and parsing throughput, per core.

Parsing: every corpus article through the CoreNLP server once (one request at a time, so one
server thread: a per-core figure), after a warm-up on other articles (the gold sets pd3-pd8:
the server's JIT compiles and its parser's feature cache fills as in a long-running server,
without having seen the timed texts). Articles/s counts the articles sent to the parser; the
non-English ones (skipped without a request) are reported beside it. With --parser-pid, the
server's own CPU time is read from /proc, a per-core figure that holds on a busy machine.
Extraction: `extract` over the stored parses (what `claimline extract replay` does), several
passes, CPU time of this process.

    python bench/extract_speed.py [--repeat N] [--corpus DIR] [--parser-url URL] [--parser-pid PID]

Without --parser-url the local server is started (deploy/local/corenlp.sh) when none answers.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from services.extract.core import EXTRACTOR_VERSION, extract  # noqa: E402
from services.offline import read_articles  # noqa: E402
from services.parse.cache import ParseCache  # noqa: E402


def warmup_articles() -> list:
    arts = []
    for n in ("pd3", "pd4", "pd5", "pd6", "pd7", "pd8"):
        f = ROOT / "tests" / "data" / f"{n}-articles.jsonl"
        if f.exists():
            arts += read_articles(f)
    return arts


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of process `pid` (all its threads), 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    ap.add_argument("--parser-pid", type=int, default=None, help="that server's pid: report its CPU time too")
    args = ap.parse_args()
    url = args.parser_url
    if url is None:
        from services.parse.local import ensure_parser
        url = ensure_parser(None)
    arts = corpus(args.corpus)
    if not arts:
        sys.exit(f"no articles found under {args.corpus}")
    with tempfile.TemporaryDirectory() as tmp:
        ParseCache(Path(tmp) / "warm-up", url).parse_all(warmup_articles() or arts[:1])
        cache = ParseCache(Path(tmp) / "timed", url)
        load = os.getloadavg()
        cpu = cpu_seconds(args.parser_pid)
        t = time.perf_counter()
        parsed = [cache.parse(a) for a in arts]
        parse_s = time.perf_counter() - t
        server_cpu = cpu_seconds(args.parser_pid) - cpu
        load_after = os.getloadavg()
    sent = sum(p.status == "parsed" for p in parsed)
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
    print(f"parsing (CoreNLP, one request at a time): {sent / parse_s:.1f} articles/s, "
          f"{tokens / parse_s:.0f} tokens/s  [wall clock, first parse of each text; {sent} articles parsed, "
          f"{len(arts) - sent} not English, not sent; load average {load[0]:.2f} -> {load_after[0]:.2f}]")
    if args.parser_pid is not None:
        print(f"parsing, the server's CPU time: {server_cpu:.1f} s, {sent / server_cpu:.1f} articles/s, "
              f"{tokens / server_cpu:.0f} tokens/s per CPU second  [all its threads: JIT, GC included]")
    print(f"extraction {EXTRACTOR_VERSION} over stored parses: mean {n / total_cpu:.0f} articles/s; "
          f"best pass {len(parsed) / best:.0f} articles/s  [one core, CPU time]")


if __name__ == "__main__":
    main()
