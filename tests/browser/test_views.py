"""The map, the figure charts and the place page (issue 13) in a real headless browser, on
the demo's bundled articles. Expectations come from the API the views read (`/timeline`,
`/figures`, `/areas`, `/places`), so they follow the extractor instead of pinning numbers;
the Kursk checks name what the bundled articles actually say.
"""
from __future__ import annotations

import json
from urllib.parse import urlparse

import pytest

pytest.importorskip("selenium", reason="the browser tests need selenium (test extra)")

from selenium.webdriver.common.by import By

from tests.browser.test_timeline_page import js_errors, open_page, query_of, shoot, wait

pytestmark = pytest.mark.browser

TYPE_COLORS = {
    "offensive_launched": "#d95f02", "offensive_repelled": "#7570b3", "troops_deployed": "#1b9e77",
    "territory_claimed": "#e7298a", "casualties_claimed": "#a6761d", "strike": "#e6ab02",
    "diplomacy": "#1f78b4", "military_aid": "#66a61e",
}
# The target is 1 s (README); the assertion only catches a page that became far slower.
FIRST_LOAD_LIMIT_MS = 5000


def views_ready(browser) -> bool:
    return browser.execute_script(
        "var m = document.getElementById('map-panel'), c = document.getElementById('charts-panel');"
        "return document.body.getAttribute('data-state') === 'ready' && m && c &&"
        " m.getAttribute('data-state') === 'ready' && c.getAttribute('data-state') === 'ready'")


def open_views(browser, url: str) -> None:
    open_page(browser, url)
    wait(browser, views_ready, message=f"the map or the charts of {url} never finished")


def markers(browser) -> list[dict]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#map circle.marker')).map(m => ({id: m.dataset.entryId,"
        " type: m.dataset.type, contested: m.dataset.contested, fill: m.getAttribute('fill'),"
        " ring: m.classList.contains('marker-contested'), place: m.dataset.place}))")


def located_ids(demo, entries: list[dict]) -> set[str]:
    names = sorted({loc["name"] for e in entries for loc in e["locations"]})
    known = {p["query"]: p for p in demo.get("/places", name=names)["places"]} if names else {}
    return {e["entry_id"] for e in entries if any(
        loc.get("lat") is not None or (known.get(loc["name"]) or {}).get("lat") is not None for loc in e["locations"])}


def test_map_marks_every_located_entry_by_type_and_contested_status(browser, demo, shots):
    entries = demo.all_entries()
    by_id = {e["entry_id"]: e for e in entries}
    open_views(browser, demo.url + "/")
    theatre = markers(browser)
    assert theatre, "no marker in the theatre view"
    assert any(m["place"] == "Kursk" for m in theatre)
    shoot(browser, shots / "10-map-theatre.png")

    browser.find_element(By.CSS_SELECTOR, "#map-panel [data-view='world']").click()
    wait(browser, views_ready)
    world = markers(browser)
    assert {m["id"] for m in world} == located_ids(demo, entries)
    for m in world:
        entry = by_id[m["id"]]
        assert m["type"] == entry["type"] and m["fill"] == TYPE_COLORS[entry["type"]]
        assert m["ring"] == entry["contested"] and m["contested"] == str(entry["contested"]).lower()
    assert any(m["ring"] for m in world), "the demo has contested entries: some marker should show it"
    shoot(browser, shots / "11-map-world.png")

    # Clicking a marker opens its entry in the list.
    target = next(m for m in theatre if m["place"] == "Kursk" and m["ring"]) if any(
        m["place"] == "Kursk" and m["ring"] for m in theatre) else theatre[0]
    browser.find_element(By.CSS_SELECTOR, "#map-panel [data-view='theatre']").click()
    wait(browser, views_ready)
    browser.execute_script(
        "document.querySelector('#map circle.marker[data-entry-id=\"' + arguments[0] + '\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))", target["id"])
    node_id = "e-" + "".join(c if c.isalnum() or c in "_-" else "_" for c in target["id"])
    wait(browser, lambda d: d.find_element(By.ID, node_id).get_attribute("class").split().count("open") == 1,
         message="the marker's entry did not open")
    assert urlparse(browser.current_url).fragment == node_id
    detail = browser.find_element(By.ID, "map-detail")
    assert detail.is_displayed() and target["place"] in detail.text
    assert js_errors(browser) == []


def test_filters_apply_to_list_map_and_charts_and_stay_in_the_url(browser, demo, shots):
    chosen = "territory_claimed"
    expected = located_ids(demo, demo.all_entries(type=chosen))
    open_views(browser, demo.url + "/?type=" + chosen)
    browser.find_element(By.CSS_SELECTOR, "#map-panel [data-view='world']").click()
    wait(browser, views_ready)
    assert {m["id"] for m in markers(browser)} == expected
    assert {m["type"] for m in markers(browser)} == {chosen}
    listed = browser.execute_script("return Array.from(document.querySelectorAll('#timeline li.entry')).map(e => e.dataset.type)")
    assert set(listed) == {chosen}
    # Only territory claims: the casualty and troop charts have no point left; the area chart keeps its own.
    counts = browser.execute_script(
        "return Object.fromEntries(Array.from(document.querySelectorAll('#charts figure.chart'))"
        ".map(f => [f.dataset.subject, +f.dataset.points]))")
    assert all(n == 0 for s, n in counts.items() if "troops" in s or "casualties" in s or "killed" in s), counts

    # The form's claimant and date fields write the URL; every view follows.
    browser.get(demo.url + "/")
    wait(browser, views_ready)
    browser.find_element(By.ID, "f-claimant").send_keys("UKR")
    browser.execute_script("var f = document.getElementById('f-from'); f.value = '2024-11-01';"
                           "f.dispatchEvent(new Event('change'))")
    wait(browser, lambda d: query_of(d).get("claimant") == ["UKR"] and query_of(d).get("from") == ["2024-11-01"],
         message="claimant/from not kept in the URL")
    wait(browser, views_ready)
    claimants = browser.execute_script(
        "return Array.from(document.querySelectorAll('#charts a.point')).map(p => p.dataset.claimant)")
    assert claimants and all("UKR" in c for c in claimants), claimants
    wanted = {e["entry_id"] for e in demo.all_entries(claimant="UKR", **{"from": "2024-11-01"})}
    assert {m["id"] for m in markers(browser)} <= wanted
    shoot(browser, shots / "12-filtered-claimant-ukr.png")


def test_charts_draw_every_claimed_value_per_claimant(browser, demo, shots):
    listing = demo.get("/figures")["subjects"]
    subjects = [s for s in listing if s["actor"] and s["numeric_points"] > 0]
    assert any(s["subject"] == "PRK troops" for s in subjects)
    open_views(browser, demo.url + "/")
    drawn = browser.execute_script(
        "return Array.from(document.querySelectorAll('#charts figure.chart')).map(f => ({subject: f.dataset.subject,"
        " points: Array.from(f.querySelectorAll('a.point')).map(p => ({event: p.dataset.eventId, entry: p.dataset.entryId,"
        " claimant: p.dataset.claimant, modality: p.dataset.modality, value: p.dataset.value, low: p.dataset.low,"
        " high: p.dataset.high, shape: p.querySelector('.point-mark').tagName}))}))")
    by_subject = {c["subject"]: c["points"] for c in drawn}
    for s in subjects:
        points = [p for p in demo.get("/figures", subject=s["subject"])["points"] if p["mid"] is not None]
        assert len(by_subject[s["subject"]]) == len(points), s["subject"]
        assert {p["event_id"] for p in points} == {p["event"] for p in by_subject[s["subject"]]}
        for api, page in zip(sorted(points, key=lambda p: (p["event_id"], p["kind"])),
                             sorted(by_subject[s["subject"]], key=lambda p: p["event"])):
            assert page["claimant"] == api["claimant"] and page["modality"] == api["modality"]
            if api["low"] is not None and api["high"] is not None and api["low"] != api["high"]:
                assert (float(page["low"]), float(page["high"])) == (api["low"], api["high"])  # a range as a range
            if api["modality"] in ("estimated", "expected"):
                assert page["shape"] == "path"  # ◆ or △, not a plain dot
    areas = demo.get("/areas", actor="UKR")["points"]
    assert len(by_subject["UKR territory (km²)"]) == len([p for p in areas if p["mid"] is not None])
    prk = by_subject["PRK troops"]
    assert len({p["claimant"] for p in prk}) >= 2, "PRK troops: one series per claimant"
    shoot(browser, shots / "13-charts.png")
    browser.execute_script("document.getElementById('charts-panel').scrollIntoView()")
    shoot(browser, shots / "13-charts-panel.png")


def test_a_chart_point_opens_its_claim(browser, demo):
    """Every point of a chart opens the entry holding its claim, with that claim marked in the
    entry's full claims. (Issue 13 note: the page's claim briefs were marked, then replaced by
    the full claims fetched on opening, which dropped the mark once counter-claims made
    entries bigger than their briefs.)"""
    open_views(browser, demo.url + "/")
    points = browser.execute_script(
        "var f = document.querySelector('#charts figure.chart[data-subject=\"PRK troops\"]');"
        "return Array.from(f.querySelectorAll('a.point')).map(p => ({event: p.dataset.eventId, entry: p.dataset.entryId}))")
    assert points
    briefs = {e["entry_id"]: {c["event_id"] for c in e["claims"]} for e in demo.all_entries()}
    # The case that broke: a claim that is in its entry's brief, in an entry with more claims than its brief.
    assert any(p["event"] in briefs.get(p["entry"], ()) and demo.get(f"/timeline/{p['entry']}")["claims_total"]
               > len(briefs[p["entry"]]) for p in points), "no point exercises the brief-then-full case"
    for point in points:
        browser.execute_script(
            "document.querySelector('#charts a.point[data-event-id=\"' + arguments[0] + '\"]')"
            ".dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}))", point["event"])
        node_id = "e-" + point["entry"]
        wait(browser, lambda d: d.execute_script(
            "var marked = document.querySelectorAll('li.claim.claim-target');"
            "if (marked.length !== 1) return null;"
            "var panel = marked[0].closest('.claims-panel'), entry = marked[0].closest('li.entry');"
            "return [marked[0].dataset.eventId, entry.id, panel.dataset.full, entry.classList.contains('open')]")
            == [point["event"], node_id, "true", True],
            message=f"the chart point {point['event']} did not open its claim in entry {point['entry']}")
        assert urlparse(browser.current_url).fragment == node_id
    assert js_errors(browser) == []


def test_kursk_place_page_lists_control_claims_and_the_state_on_a_date(browser, demo, shots):
    api = demo.get("/places/Kursk")
    claims = api["claims"]
    captured = [i for i, c in enumerate(claims) if c["actor"] == "UKR" and c["change"] == "captured"]
    regained_denied = [i for i, c in enumerate(claims) if c["actor"] == "RUS" and c["change"] == "regained"
                       and c["modality"] == "denied" and "UKR" in c["claimant_parties"]]
    # What the bundled articles say: Ukraine took (parts of) Kursk in August 2024; Russia said in
    # April 2025 it had regained full control, which Ukrainian officials rejected.
    assert captured and regained_denied and max(captured) < min(regained_denied)
    assert claims[min(regained_denied)]["date"] > claims[max(captured)]["date"]
    assert api["latest"]["status"] == "contested" and "denied by UKR" in api["latest"]["reason"]

    open_page(browser, demo.url + "/place/Kursk")
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#control-claims tbody tr')).map(r => ({event: r.dataset.eventId,"
        " actor: r.dataset.actor, change: r.dataset.change, modality: r.dataset.modality, claimant: r.dataset.claimant,"
        " text: r.textContent}))")
    assert [r["event"] for r in rows] == [c["event_id"] for c in claims]
    first_capture = next(i for i, r in enumerate(rows) if r["actor"] == "UKR" and r["change"] == "captured")
    denial = next(i for i, r in enumerate(rows) if r["change"] == "regained" and r["modality"] == "denied")
    assert first_capture < denial and rows[denial]["claimant"] == "UKR"
    assert "Livemint" in rows[denial]["text"] and "full control" in rows[denial]["text"]
    state = browser.find_element(By.ID, "place-state")
    assert state.get_attribute("data-status") == "contested"
    shoot(browser, shots / "14-place-kursk.png", full=True)

    # The state on a date, as the API computes it, and kept in the URL.
    day = claims[max(captured)]["date"]
    on_day = demo.get("/places/Kursk", at=day)["state"]
    assert on_day["status"] == "held" and on_day["holder"] == "UKR"
    browser.execute_script("var f = document.getElementById('at-input'); f.value = arguments[0];", day)
    browser.find_element(By.CSS_SELECTOR, "#at-form button[type=submit]").click()
    wait(browser, lambda d: d.find_element(By.ID, "place-state").get_attribute("data-holder") == "UKR",
         message="the state on the chosen date was not shown")
    assert query_of(browser).get("at") == [day]
    assert browser.find_element(By.ID, "place-state").get_attribute("data-status") == "held"
    shoot(browser, shots / "15-place-kursk-at.png")
    assert js_errors(browser) == []


def test_assets_are_served_locally(browser, demo):
    origin = demo.url
    open_views(browser, origin + "/")
    urls = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)"
        ".concat(Array.from(document.querySelectorAll('script[src], link[href], img[src]')).map(e => e.src || e.href))")
    external = [u for u in urls if not (u.startswith(origin + "/") or u.startswith("data:"))]
    assert not external, external
    assert any(u.endswith("/static/vendor/d3-geo.min.js") for u in urls)
    assert any(u.endswith("/static/vendor/theatre-basemap.json") for u in urls)
    assert int(browser.find_element(By.ID, "map-panel").get_attribute("data-markers")) > 0
    assert browser.execute_script("return document.querySelectorAll('#map path.country').length") > 5


def test_first_load_with_map_and_charts_is_measured(browser, demo, shots):
    """Navigation Timing of fresh navigations to the page: the load event, and the marks the
    map and the charts set once drawn. The best of five counts (the test machine is shared).
    The figure (target: under 1 s) is written to first-load.json and reported in the README;
    the test fails only far beyond it, so a busy CI machine does not fail a timing."""
    runs = []
    for _ in range(5):
        browser.get("about:blank")
        browser.get(demo.url + "/")
        wait(browser, views_ready)
        runs.append(browser.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            "var mark = function (name) { var m = performance.getEntriesByName(name)[0]; return m ? m.startTime : null; };"
            "return {dom: n.domContentLoadedEventEnd, load: n.loadEventEnd, map: mark('claimline-map-ready'),"
            " charts: mark('claimline-charts-ready'), transfer: n.transferSize}"))
    for run in runs:
        run["all"] = max(run["load"], run["map"], run["charts"])
    best = min(runs, key=lambda r: r["all"])
    shots.joinpath("first-load.json").write_text(json.dumps({"runs": runs, "best": best}, indent=1))
    print("first load (ms):", json.dumps(best))
    assert best["all"] < FIRST_LOAD_LIMIT_MS, runs
