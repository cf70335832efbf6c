"""The adapter to a Stanford CoreNLP server (started by deploy/local/corenlp.sh).

CoreNLP is GPL-3.0-or-later: it runs as a separate process fetched at install time, and
this module only speaks HTTP to it.
"""
from __future__ import annotations

import json
import os
import threading
from urllib.parse import quote

import httpx

from schemas.article import Article
from schemas.parse import PARSER_ANNOTATORS, ParsedArticle
from services.parse.core import detect_language, from_corenlp, is_supported, parser_text, unsupported

# CoreNLP's server reads the document as UTF-8 bytes and counts offsets in characters.
_PROPERTIES = quote(json.dumps({
    "annotators": PARSER_ANNOTATORS,
    "outputFormat": "json",
    "tokenize.options": "invertible=true,normalizeParentheses=false,normalizeOtherBrackets=false",
    # Every line break ends a sentence: a headline or a byline is no part of the next sentence
    # (a text wrapped inside its sentences is sent unwrapped: parser_input.yaml).
    "ssplit.newlineIsSentenceBreak": "always",
    # One line of JSON instead of an indented document: about half the bytes to send and to
    # decode; the parse is the same (the parse cache key does not depend on it).
    "output.prettyPrint": "false",
}))


class ParserUnavailable(RuntimeError):
    """The parser server could not be reached, or answered that it cannot serve now."""


class ParserFailed(ParserUnavailable):
    """The parser was reached but failed on this document (HTTP 4xx: e.g. too long; 500: an
    exception or its per-request timeout). Worth a few retries, not an endless wait."""


def _check(base_url: str, response: httpx.Response) -> None:
    if response.status_code == 200:
        return
    # 502/503/504 (a proxy, a restarting server) say "not now"; the others are about this document.
    error = ParserFailed if 400 <= response.status_code <= 500 else ParserUnavailable
    raise error(f"CoreNLP at {base_url} answered {response.status_code}: {response.text[:200]}")


def _url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/?properties={_PROPERTIES}"


class CoreNLPClient:
    """Async client: `await client.parse(article)`."""

    def __init__(self, base_url: str, timeout_s: float = 120.0) -> None:
        self.base_url = base_url
        self._http = httpx.AsyncClient(timeout=timeout_s)

    async def parse(self, article: Article) -> ParsedArticle:
        language = detect_language(article.text, article.language)
        if not is_supported(language):
            return unsupported(article, language)
        try:
            body = parser_text(article.text, article.title).encode("utf-8")
            response = await self._http.post(_url(self.base_url), content=body)
        except httpx.HTTPError as error:
            raise ParserUnavailable(f"CoreNLP at {self.base_url}: {type(error).__name__}: {error}") from error
        _check(self.base_url, response)
        return from_corenlp(article, response.json(), language)

    async def ready(self) -> bool:
        try:
            response = await self._http.get(f"{self.base_url.rstrip('/')}/ready")
            return response.status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._http.aclose()


_sync_client: tuple[int, httpx.Client] | None = None
_sync_lock = threading.Lock()


def _shared_client() -> httpx.Client:
    """One client per process for the blocking calls: its connections are kept alive between
    parses. (A new client per call, as `httpx.post` makes, builds a TLS context each time:
    35-160 ms here, as much as parsing a short article.) A forked child makes its own."""
    global _sync_client
    with _sync_lock:
        if _sync_client is None or _sync_client[0] != os.getpid():
            _sync_client = (os.getpid(), httpx.Client())
        return _sync_client[1]


def parse_sync(base_url: str, article: Article, timeout_s: float = 120.0) -> ParsedArticle:
    """Blocking parse, for tools and tests."""
    language = detect_language(article.text, article.language)
    if not is_supported(language):
        return unsupported(article, language)
    body = parser_text(article.text, article.title).encode("utf-8")
    try:
        try:
            response = _shared_client().post(_url(base_url), content=body, timeout=timeout_s)
        except httpx.RemoteProtocolError:
            # A kept-alive connection the server closed just as it was reused: once more, on a
            # new one (a parse is idempotent).
            response = _shared_client().post(_url(base_url), content=body, timeout=timeout_s)
    except httpx.HTTPError as error:
        raise ParserUnavailable(f"CoreNLP at {base_url}: {type(error).__name__}: {error}") from error
    _check(base_url, response)
    return from_corenlp(article, response.json(), language)
