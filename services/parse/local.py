"""A parser for the offline tools and the embedded mode: the configured one when it answers,
else the local CoreNLP server of deploy/local/corenlp.sh, started (and fetched) on demand.

    url = ensure_parser(settings)            # or ensure_parser("http://127.0.0.1:9000")
    cache = local_parse_cache(settings)      # parses kept in .cache/parses; the parser is
    parsed = cache.parse_all(articles)       # only started when one is missing
"""
from __future__ import annotations

import logging
import os
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from schemas.article import Article
from schemas.parse import ParsedArticle
from services.common.settings import Settings
from services.parse.cache import ParseCache

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[2]
CORENLP_SH = REPO / "deploy" / "local" / "corenlp.sh"
# Where the offline tools keep their parses (a parse is a function of text + parser version).
DEFAULT_CACHE_DIR = REPO / ".cache" / "parses"

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class ParserNotAvailable(RuntimeError):
    """No parser answers and none could be started here."""


def parser_ready(url: str, timeout_s: float = 2.0) -> bool:
    """The CoreNLP server at `url` answers GET /ready."""
    try:
        return httpx.get(f"{url.rstrip('/')}/ready", timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _script(args: list[str], env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    if not CORENLP_SH.exists():
        raise ParserNotAvailable(f"{CORENLP_SH} is missing (not a source checkout): start a CoreNLP server and "
                                 "set CLAIMLINE_PARSER_URL")
    return subprocess.run(["bash", str(CORENLP_SH), *args], env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=timeout_s, check=False)


def ensure_parser(settings_or_url: Settings | str | None = None, *, owner_pid: int | None = None,
                  run_dir: Path | None = None, timeout_s: float = 900.0) -> str:
    """A CoreNLP URL that answers: the configured one, or the local server (started through
    deploy/local/corenlp.sh, which fetches the jars the first time).

    `owner_pid`: the started server stops once that process is gone (the demo passes its own
    pid); without it the server keeps running for the next call (`make parser-down` stops it).
    """
    if settings_or_url is None:
        settings_or_url = Settings()
    url = settings_or_url.parser_url if isinstance(settings_or_url, Settings) else settings_or_url
    url = url.rstrip("/")
    if parser_ready(url):
        return url
    parts = urlsplit(url)
    env: dict[str, str] = {}
    if run_dir is not None:
        env["CORENLP_LOCAL_RUN_DIR"] = str(run_dir)
    if owner_pid is not None:
        env["CORENLP_LOCAL_OWNER_PID"] = str(owner_pid)
    # A local server started earlier (by `make parser-up` or a previous call), on any port.
    running = _script(["url"], env, timeout_s=30)
    if running.returncode == 0 and parser_ready(running.stdout.strip()):
        return running.stdout.strip()
    if parts.hostname not in _LOOPBACK:
        raise ParserNotAvailable(f"no CoreNLP server answers at {url} (CLAIMLINE_PARSER_URL), and only a "
                                 "loopback one can be started here")
    port = parts.port or 9000
    if not _port_free(port):
        port = _free_port()  # something else holds the configured port
    log.info("starting the local CoreNLP server on 127.0.0.1:%d (deploy/local/corenlp.sh; the first time it "
             "fetches about 470 MB from Maven Central)", port)
    started = _script(["start", str(port)], env, timeout_s=timeout_s)
    if started.returncode != 0:
        raise ParserNotAvailable(f"deploy/local/corenlp.sh start {port} failed (exit {started.returncode}):\n"
                                 f"{started.stderr[-3000:]}")
    started_url = started.stdout.strip().splitlines()[-1]
    if owner_pid is None:
        log.info("CoreNLP runs on at %s for the next tools ('make parser-down' stops it)", started_url)
    return started_url


class _LazyParseCache(ParseCache):
    """A parse cache that finds (or starts) the parser only when a parse is missing."""

    def __init__(self, directory: Path, settings_or_url: Settings | str | None, owner_pid: int | None) -> None:
        super().__init__(directory, None)
        self._target = settings_or_url
        self._owner_pid = owner_pid

    def parse(self, article: Article) -> ParsedArticle:
        try:
            return super().parse(article)
        except LookupError:
            if self.parser_url is not None:
                raise
            self.parser_url = ensure_parser(self._target, owner_pid=self._owner_pid)
            return super().parse(article)


def local_parse_cache(settings_or_url: Settings | str | None = None, directory: Path | None = None, *,
                      owner_pid: int | None = None) -> ParseCache:
    """Parses from `directory` (default .cache/parses); a missing one is parsed by the
    configured parser, or the local one, started on the first miss."""
    return _LazyParseCache(directory or DEFAULT_CACHE_DIR, settings_or_url, owner_pid)
