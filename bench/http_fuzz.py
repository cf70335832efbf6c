"""HTTP fuzz run: random odd requests against `claimline ingest serve` and `timeline serve`
on real Kafka and Redis; counts the answers by status class (the target: no 5xx).

    .venv/bin/python bench/http_fuzz.py [--requests 3000] [--seed 11]
"""
from __future__ import annotations

import argparse
import base64
import collections
import json
import random
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from bench.common import serving_apis  # noqa: E402

ODD_STRINGS = ["", "%00", "\x00", "NaN", "Infinity", "-1", "0", "1e309", "9" * 40, "9999-12-31", "0001-01-01",
               "10000-01-01", "2025-02-30", "2025-01-01T25:00", "9999-12-31T23:59:59+14:00", "ü" * 300, "🙂",
               "../../etc/passwd", "a" * 5000, "<script>", "' OR 1=1 --", "[]", "{}", "null", "true", "%FF",
               "\ud800".encode("utf-8", "surrogatepass").decode("latin-1"), " ", "kursk", "PRK", "UKR"]
PARAMS = ["type", "actor", "location", "claimant", "contested", "from", "to", "as_of", "q", "order", "limit",
          "cursor", "format", "claims", "subject"]
PATHS = ["/timeline", "/timeline/stream?x=1", "/figures", "/timeline/{s}", "/events/{s}", "/articles/{s}",
         "/static/{s}", "/static/app.js{s}", "/{s}", "/health", "/metrics", "/docs", "/openapi.json"]


def odd_cursor(rng: random.Random) -> str:
    payload = rng.choice(['[NaN, "x"]', '[Infinity, "x"]', '[1e308, "x"]', '[-1, "x"]', '["a", 1]', '[1]',
                          '[' * 2000 + ']' * 2000, '{"a": 1}', '[1, "x", 3]', '"x"'])
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def odd_body(rng: random.Random) -> tuple[bytes, str]:
    kind = rng.randrange(10)
    if kind == 0:
        depth = rng.choice([10, 100, 1000, 5000])
        return ("[" * depth + "]" * depth).encode(), "application/json"
    if kind == 1:
        return json.dumps({"text": "a" + "\x01" * rng.choice([10, 180_000, 199_999])}).encode(), "application/json"
    if kind == 2:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))), rng.choice(
            ["application/json", "application/x-ndjson", "text/plain", ""])
    if kind == 3:
        return b"\n".join(json.dumps({"text": f"t{i}", "published_at": rng.choice(ODD_STRINGS)}).encode()
                          for i in range(rng.randrange(1, 50))), "application/x-ndjson"
    if kind == 4:
        return json.dumps({"text": rng.choice(ODD_STRINGS), "id": rng.choice(ODD_STRINGS),
                           "title": rng.choice(ODD_STRINGS),
                           "url": rng.choice(ODD_STRINGS)}).encode(), "application/json"
    if kind == 5:
        return json.dumps([{"text": f"Article {rng.random()}"}] * rng.randrange(1, 3000)).encode(), "application/json"
    if kind == 6:
        return b'{"text": "x", "published_at": "9999-12-31T23:59:59"}', "application/json"
    if kind == 7:
        return json.dumps({"text": {"nested": [1, {"a": [2]}]}}).encode(), "application/json"
    if kind == 8:
        return b"", rng.choice(["application/json", "application/x-ndjson"])
    return json.dumps({"text": "Russia said its forces shelled Kupiansk on Monday."}).encode(), "application/json"


def main(n: int, seed: int) -> None:
    rng = random.Random(seed)
    run_dir = Path(tempfile.mkdtemp(prefix="claimline-fuzz-"))
    with serving_apis(run_dir, "fuzz.") as urls:
        ingest, timeline = urls["ingest"], urls["timeline"]
        classes: collections.Counter = collections.Counter()
        fives = []
        with httpx.Client(timeout=60) as client:
            for _ in range(n):
                if rng.random() < 0.3:
                    body, ctype = odd_body(rng)
                    request = client.build_request("POST", f"{ingest}/articles", content=body,
                                                   headers={"Content-Type": ctype} if ctype else {})
                else:
                    path = rng.choice(PATHS).replace("{s}", quote(rng.choice(ODD_STRINGS), safe=""))
                    params = {}
                    for name in rng.sample(PARAMS, rng.randrange(0, 4)):
                        odd = name == "cursor" and rng.random() < 0.7
                        params[name] = odd_cursor(rng) if odd else rng.choice(ODD_STRINGS)
                    url = timeline + path
                    if path.startswith("/timeline/stream"):
                        url = timeline + "/timeline?" + "limit=1"  # streams never end; covered by their own tests
                    request = client.build_request("GET", url, params=params)
                try:
                    response = client.send(request)
                    status = response.status_code
                except httpx.HTTPError as error:
                    status = 599
                    response = None
                    print(f"transport error: {error}", file=sys.stderr)
                classes[f"{status // 100}xx"] += 1
                if status >= 500:
                    fives.append((request.method, str(request.url)[:200], status,
                                  response.text[:200] if response is not None else ""))
        print(f"{n} requests (seed {seed}): " + ", ".join(f"{k}: {v}" for k, v in sorted(classes.items())))
        print(f"5xx: {len(fives)}")
        for item in fives[:20]:
            print("  ", item)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    main(args.requests, args.seed)
