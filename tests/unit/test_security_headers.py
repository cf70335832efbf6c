"""Security headers on every response; a read token the web page can ask for."""
from __future__ import annotations

import httpx
import pytest

from services.common.http import READ_TOKEN_COOKIE
from services.common.settings import Settings
from services.embedded.runtime import create_embedded_app
from services.timeline.web import STATIC


@pytest.fixture
async def app_factory(tmp_path, parser_url):
    async def make(**settings):
        # the session's parser: the embedded app would otherwise start one of its own
        app = create_embedded_app(Settings(data_dir=tmp_path, parser_url=parser_url, **settings), load_bundled=False)
        return app
    return make


async def _client(app):
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.mark.parametrize("method, path", [
    ("GET", "/"), ("GET", "/static/app.js"), ("GET", "/timeline"), ("GET", "/health"), ("GET", "/metrics"),
    ("GET", "/timeline/nope"), ("GET", "/static/nope.js"), ("POST", "/articles"), ("GET", "/openapi.json"),
])
async def test_every_response_carries_the_security_headers(app_factory, method, path):
    app = await app_factory()
    async with app.router.lifespan_context(app), await _client(app) as c:
        response = await c.request(method, path, json={"text": "x"} if method == "POST" else None)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


async def test_the_api_docs_get_the_policy_swagger_ui_needs(app_factory):
    app = await app_factory()
    async with app.router.lifespan_context(app), await _client(app) as c:
        response = await c.get("/docs")
    assert response.status_code == 200
    assert "https://cdn.jsdelivr.net" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


async def test_with_a_read_token_the_page_loads_and_the_token_works_as_header_or_cookie(app_factory):
    app = await app_factory(read_token="r t/x")
    async with app.router.lifespan_context(app), await _client(app) as c:
        page = await c.get("/")
        assert page.status_code == 200 and 'id="token-form"' in page.text
        assert (await c.get("/timeline")).status_code == 401
        assert (await c.get("/timeline", headers={"Authorization": "Bearer wrong"})).status_code == 401
        assert (await c.get("/timeline", headers={"Authorization": "Bearer ö".encode()})).status_code == 401
        assert (await c.get("/timeline", headers={"Authorization": "Bearer r t/x"})).status_code == 200
        c.cookies.set(READ_TOKEN_COOKIE, "r%20t%2Fx")  # as the page's encodeURIComponent stores it
        assert (await c.get("/timeline")).status_code == 200
        c.cookies.set(READ_TOKEN_COOKIE, "nope")
        assert (await c.get("/timeline")).status_code == 401


async def test_writes_never_accept_the_cookie(app_factory):
    app = await app_factory(api_token="w")
    async with app.router.lifespan_context(app), await _client(app) as c:
        c.cookies.set(READ_TOKEN_COOKIE, "w")
        assert (await c.post("/articles", json={"text": "Some text."})).status_code == 401


def test_the_page_script_asks_for_the_token_on_a_401():
    script = (STATIC / "app.js").read_text()
    assert "response.status === 401" in script and "askForToken" in script and READ_TOKEN_COOKIE in script
