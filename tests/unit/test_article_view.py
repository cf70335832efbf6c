"""`GET /articles/{id}` as a person reads it (HTML: the citable article view) and as a
program does (JSON, unchanged), on the embedded adapters in process (issue 10, item 4)."""
from __future__ import annotations

from html.parser import HTMLParser

import httpx
import pytest

from schemas.events import parse_event
from services.common.settings import Settings
from services.embedded.runtime import create_embedded_app
from services.timeline.web.article import render_article_page

ARTICLE = {"text": "Russia's defense ministry said its forces captured Kurakhove on Monday. <script>alert(1)</script>\n\n"
                   "Ukraine's military said 3,000 North Korean soldiers were killed or wounded in Kursk. "
                   "Ukraine launched a new offensive in the Kursk region last week.",
           "title": "Kursk <img src=x onerror=alert(1)>", "published_at": "2025-01-06", "source": "Wire & <Co>",
           "url": "https://example.org/a?x=1&y=\"2\""}


class Page(HTMLParser):
    """What the checks need of a page: elements by id, links, the text under each tag."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str | None]] = {}
        self.links: list[dict[str, str | None]] = []
        self.tags: list[str] = []
        self.marks: list[str] = []
        self.text = ""
        self._in_mark = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        if attributes.get("id"):
            self.ids[str(attributes["id"])] = {"tag": tag, **attributes}
        if tag == "a":
            self.links.append(attributes)
        if tag == "mark":
            self._in_mark += 1
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._in_mark -= 1

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._in_mark:
            self.marks[-1] += data


@pytest.fixture
async def client(tmp_path, parser_url):
    app = create_embedded_app(Settings(data_dir=tmp_path, parser_url=parser_url), load_bundled=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            c.runtime = app.state.runtime
            yield c


async def _post(client, article: dict) -> str:
    receipt = (await client.post("/articles", json=article)).json()
    await client.runtime.settle()
    return str(receipt["articles"][0]["id"])


async def test_a_person_gets_the_article_with_every_evidence_sentence_highlighted(client):
    article_id = await _post(client, ARTICLE)
    as_json = (await client.get(f"/articles/{article_id}")).json()
    assert as_json["article"]["text"] == ARTICLE["text"] and as_json["events"]
    # JSON stays the default, for Accept: application/json too and with format=json.
    for headers, params in (({"Accept": "application/json"}, {}), ({"Accept": "text/html"}, {"format": "json"})):
        answer = await client.get(f"/articles/{article_id}", headers=headers, params=params)
        assert answer.headers["content-type"] == "application/json" and answer.json() == as_json

    by_accept = await client.get(f"/articles/{article_id}",
                                 headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    by_param = await client.get(f"/articles/{article_id}", params={"format": "html"})
    assert by_accept.status_code == by_param.status_code == 200
    assert by_accept.headers["content-type"].startswith("text/html") and by_accept.text == by_param.text
    assert "default-src 'self'" in by_accept.headers["content-security-policy"]
    assert by_accept.headers["x-content-type-options"] == "nosniff"
    page = Page(by_accept.text)

    # Readable: title, outlet, the source link that opens it, the date, the language, the text.
    assert "Kursk <img src=x onerror=alert(1)>" in page.text and "img" not in page.tags
    assert "Wire & <Co>" in page.text
    source = [a for a in page.links if a.get("class") == "source-link"]
    assert [a["href"] for a in source] == [ARTICLE["url"]]
    assert source[0]["target"] == "_blank" and "noopener" in str(source[0]["rel"])
    assert "2025-01-06" in page.text and "inferred" not in page.text
    assert "Language" in page.text and "en" in page.text
    assert "<script>alert(1)</script>" in page.text and "script" not in page.tags

    # Every claim's evidence is a highlight #ev-<event_id> linking to its entry on the page.
    entries = (await client.get("/timeline", params={"claims": "all", "limit": 500})).json()["entries"]
    entry_of = {c["event_id"]: e["entry_id"] for e in entries for c in e["claims"]}
    for event in as_json["events"]:
        anchor = page.ids[f"ev-{event['event_id']}"]
        assert anchor["tag"] == "a" and anchor["href"] == f"/#e-{entry_of[event['event_id']]}"
        for evidence in event["evidence"]:
            assert any(evidence["sentence"] in mark for mark in page.marks), evidence["sentence"]
    assert "".join(page.marks) != "" and "<script>" not in "".join(page.marks)


async def test_missing_date_outlet_and_url_are_said_so(client):
    bare = {"text": "Ukraine's military said 3,000 North Korean soldiers were killed or wounded in Kursk."}
    article_id = await _post(client, bare)
    article = (await client.get(f"/articles/{article_id}")).json()["article"]
    assert article["published_at_inferred"] is True and article["source"] is None
    page = Page((await client.get(f"/articles/{article_id}", params={"format": "html"})).text)
    assert "unknown outlet" in page.text and "no source URL given" in page.text
    assert "inferred: the article gave no date" in page.text
    assert f"ev-{(await client.get(f'/articles/{article_id}')).json()['events'][0]['event_id']}" in page.ids
    missing = await client.get("/articles/nope", params={"format": "html"})
    assert missing.status_code == 404 and "knows no article" in missing.text
    assert (await client.get("/articles/nope")).status_code == 404


async def test_a_script_url_never_becomes_a_link(client):
    article_id = await _post(client, {**ARTICLE, "url": "javascript:alert(1)", "id": "evil"})
    page = Page((await client.get(f"/articles/{article_id}", params={"format": "html"})).text)
    assert "javascript:alert(1)" in page.text
    assert not any(str(a.get("href", "")).lower().startswith("javascript") for a in page.links)


async def test_without_the_text_the_page_says_what_it_has(client):
    """The Kafka deployment's timeline holds the events, not the article: the page shows
    the claims and their evidence, and says the text is not here."""
    article_id = await _post(client, ARTICLE)
    events = [parse_event(e) for e in (await client.get(f"/articles/{article_id}")).json()["events"]]
    page = Page(render_article_page(article_id, None, events, {e.event_id: "en_x" for e in events}, {"en_x": "X"}))
    assert "does not hold the article’s text" in page.text
    assert "Wire & <Co>" in page.text and "2025-01-06" in page.text  # from the events
    for event in events:
        assert page.ids[f"ev-{event.event_id}"]["tag"] == "li"
        assert event.evidence[0].sentence in page.text
    assert not page.marks
