"""Schemathesis against both HTTP APIs: `claimline ingest serve` and `timeline serve` on real
Kafka and Redis. Schemathesis reads each service's OpenAPI schema and generates requests from
it (valid and invalid ones, edge values, the coverage phase's boundary cases); the check is
`not_a_server_error`: no request may get a 5xx.

    .venv/bin/pip install -e ".[bench]"    # schemathesis
    .venv/bin/python bench/schemathesis_fuzz.py [--max-examples 200] [--seed 7]

The timeline is given a store to read first: a few thousand events of the bundled articles
are published on the events topic, so list, filter and figure requests reach real entries.
Prints schemathesis' own summary for each API, and exits non-zero when any 5xx was found.
The SSE stream is left out (it never ends; tests/integration covers it).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.common import serving_apis, synthetic_log  # noqa: E402


def schemathesis(base: str, max_examples: int, seed: int, report_dir: Path) -> int:
    st = shutil.which("st", path=str(Path(sys.executable).parent)) or "st"
    command = [st, "run", f"{base}/openapi.json", "--checks", "not_a_server_error",
               "--phases", "examples,coverage,fuzzing", "--max-examples", str(max_examples), "--seed", str(seed),
               "--exclude-path", "/timeline/stream", "--request-timeout", "30", "--workers", "2",
               "--report", "junit", "--report-dir", str(report_dir), "--no-color"]
    print("$ " + " ".join(command), flush=True)
    return subprocess.run(command, check=False).returncode


def main(max_examples: int, seed: int) -> int:
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-schemathesis-"))
    with serving_apis(run_dir, "fuzz.", events_before=synthetic_log(3000)) as urls:
        codes = {name: schemathesis(url, max_examples, seed, run_dir / name) for name, url in urls.items()}
    for name, code in codes.items():
        print(f"{name} API: {'no 5xx' if code == 0 else f'FAILED (schemathesis exit {code})'}; "
              f"junit report in {run_dir / name}")
    return 0 if all(code == 0 for code in codes.values()) else 1

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.exit(main(args.max_examples, args.seed))
