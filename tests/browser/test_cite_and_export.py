"""Issue 10, items 4 and 5 on the demo's bundled articles: a claim's "Article" link opens the
citable article view with its evidence highlighted, the highlight leads back to the entry,
and the CSV and NDJSON exports are complete (downloaded, opened with Python's csv module).
"""
from __future__ import annotations

import csv
import io
import json
from urllib.parse import urlparse

import httpx
import pytest

pytest.importorskip("selenium", reason="the browser tests need selenium (test extra)")

from selenium.webdriver.common.by import By

from services.timeline.api.exports import CLAIM_COLUMNS, ENTRY_COLUMNS
from tests.browser.test_timeline_page import js_errors, open_page, shoot, wait

pytestmark = pytest.mark.browser


def download(demo, **params) -> httpx.Response:
    response = httpx.get(demo.url + "/timeline", params=params, timeout=60)
    response.raise_for_status()
    return response


def test_exports_hold_every_claim_and_every_entry(demo):
    entries = demo.all_entries()
    claims = sum(e["claims_total"] for e in entries)
    # more than one JSON page, so a first-page-only export would show: the default page of 50
    # when the demo has more entries, else a page of 20 asked for (paging stays optional)
    page = 50 if len(entries) > 50 else 20
    assert len(entries) > page
    assert len(download(demo, format="ndjson", limit=page).text.splitlines()) == page

    answer = download(demo, format="csv")
    assert answer.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(answer.text))
    rows = list(reader)
    assert reader.fieldnames == CLAIM_COLUMNS and len(rows) == claims
    assert [r["entry_id"] for r in rows if r["entry_id"]] == [
        e["entry_id"] for e in entries for _ in range(e["claims_total"])]
    assert all(r["article_id"] and r["evidence"] and r["published_at"] and r["modality"] for r in rows)
    assert any(r["url"].startswith("http") for r in rows), "the bundled articles give source URLs"
    assert any(r["figures"] for r in rows)

    reader = csv.DictReader(io.StringIO(download(demo, format="csv", rows="entries").text))
    assert reader.fieldnames == ENTRY_COLUMNS and [r["entry_id"] for r in reader] == [e["entry_id"] for e in entries]

    lines = download(demo, format="ndjson").text.splitlines()
    assert [json.loads(line)["entry_id"] for line in lines] == [e["entry_id"] for e in entries]
    assert len(download(demo, format="ndjson", rows="claims").text.splitlines()) == claims

    # Filters apply to the whole export.
    contested = demo.all_entries(contested="true")
    reader = csv.DictReader(io.StringIO(download(demo, format="csv", contested="true").text))
    assert len(list(reader)) == sum(e["claims_total"] for e in contested)


def test_the_article_link_opens_the_article_with_its_evidence_highlighted(browser, demo, shots):
    entries = demo.all_entries(claims="all")
    entry = next(e for e in entries if any(demo.get(f"/articles/{c['article']}")["article"] for c in e["claims"]))
    claim = entry["claims"][0]
    open_page(browser, f"{demo.url}/#e-{entry['entry_id']}")
    link = f'li.entry[data-entry-id="{entry["entry_id"]}"] li.claim[data-event-id="{claim["event_id"]}"] a.article-link'
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, link), message="the entry's claims never showed")
    anchor = browser.find_element(By.CSS_SELECTOR, link)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", anchor)
    anchor.click()

    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "article[data-article-id]"),
         message="the article view did not open")
    url = urlparse(browser.current_url)
    assert url.path == f"/articles/{claim['article']}" and url.fragment == f"ev-{claim['event_id']}"
    highlight = browser.find_element(By.ID, f"ev-{claim['event_id']}")
    # the claim's link sits in its sentence's highlight: the sentence itself for the first claim
    # on it, a numbered mark beside it for the others ('another claim on this sentence')
    mark = highlight.find_element(By.XPATH, "ancestor::mark[1]")
    assert claim["event_id"] in mark.get_attribute("data-events").split()
    assert claim["evidence"][0]["sentence"] in mark.text
    assert browser.find_element(By.CSS_SELECTOR, ".article-title").text
    outlet = browser.find_element(By.CSS_SELECTOR, ".article-meta .outlet").text
    assert outlet == (claim["source"] or "unknown outlet")
    assert browser.find_element(By.CSS_SELECTOR, ".article-meta .published time").get_attribute(
        "datetime") == claim["published_at"]
    shoot(browser, shots / "10-article-view.png")
    assert not js_errors(browser), js_errors(browser)

    # The highlight leads back to its entry on the timeline, opened.
    href = highlight.get_attribute("href")
    assert href == f"{demo.url}/#e-{entry['entry_id']}"
    highlight.click()
    wait(browser, lambda d: d.execute_script(
        "var item = document.querySelector('li.entry[data-entry-id=\"' + arguments[0] + '\"]');"
        "return !!item && !!item.querySelector('.claims-panel li.claim')", entry["entry_id"]),
         message="the highlight did not lead back to the opened entry")
