"""Browser tests: the timeline page in Debian's headless chromium, driven by Selenium.

Nothing is downloaded but Debian packages: when /usr/bin/chromium or /usr/bin/chromedriver
is missing, `deploy/local/browser.sh install` apt-installs them; Selenium is pointed at
/usr/bin/chromedriver so selenium-manager never fetches a driver or a browser.

The server is the embedded demo (`claimline demo`: SQLite log, in-process store, the
bundled seed and VOA articles through the real ingest -> extract -> timeline pipeline) in a
subprocess on a free port with a temporary data dir. Screenshots go to
test-output/browser/ (kept after the run; a failing test also leaves FAILED-<test>.png).
"""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.infra import free_port
from tests.support.services import REPO, ServiceProcess, wait_http_ok

CHROMIUM = Path(os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
INSTALLER = REPO / "deploy" / "local" / "browser.sh"
SHOTS = REPO / "test-output" / "browser"

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-translate",
    "--no-proxy-server", "--window-size=1280,1500", "--force-device-scale-factor=1", "--lang=en-US",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        driver = getattr(item, "funcargs", {}).get("browser")
        if driver is not None:
            try:
                SHOTS.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(SHOTS / f"FAILED-{item.name}.png"))
            except Exception:  # the browser may be gone; the report matters more
                pass


# ---------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium and chromedriver, apt-installed by deploy/local/browser.sh when missing."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        result = subprocess.run(["bash", str(INSTALLER), "install"], capture_output=True, text=True, timeout=900)
        if result.returncode != 0 or not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
            pytest.fail(f"could not install chromium with {INSTALLER} (exit {result.returncode}):\n"
                        f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: Path, tmp_path_factory: pytest.TempPathFactory, demo, events_demo_factory):
    # (It asks for the servers so that it closes first: an open page keeps a stream open,
    # which would hold up the servers' shutdown.)
    webdriver = pytest.importorskip("selenium.webdriver", reason="the browser tests need selenium (test extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(chromium)
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=str(tmp_path_factory.mktemp("chromedriver") / "log"))
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):
        old.unlink()
    return SHOTS


# ---------------------------------------------------------------- the server

@dataclass
class Demo:
    url: str
    process: ServiceProcess
    data_dir: Path

    def get(self, path: str, **params) -> dict:
        response = httpx.get(self.url + path, params={k: v for k, v in params.items() if v is not None}, timeout=10)
        response.raise_for_status()
        return response.json()

    def timeline(self, **params) -> dict:
        params.setdefault("limit", 500)
        return self.get("/timeline", **params)

    def all_entries(self, **params) -> list[dict]:
        entries, cursor = [], None
        while True:
            page = self.timeline(cursor=cursor, **params)
            entries += page["entries"]
            cursor = page["next_cursor"]
            if not cursor:
                return entries

    def post_articles(self, articles: list[dict]) -> dict:
        response = httpx.post(self.url + "/articles", json=articles, timeout=10)
        assert response.status_code == 202, response.text
        return response.json()

    def settled(self, timeout_s: float = 180.0, quiet_s: float = 1.0) -> list[dict]:
        """Wait until every article is parsed, extracted and folded (pipeline lag 0) and the
        timeline stops changing."""
        deadline = time.monotonic() + timeout_s
        last, since = None, time.monotonic()
        while time.monotonic() < deadline:
            health = httpx.get(self.url + "/health", timeout=5).json()
            entries = self.all_entries()
            snapshot = (health.get("folded_events"), [(e["entry_id"], len(e["claims"])) for e in entries])
            if snapshot != last:
                last, since = snapshot, time.monotonic()
            elif health.get("pipeline_lag", 0) == 0 and time.monotonic() - since >= quiet_s:
                return entries
            time.sleep(0.2)
        raise TimeoutError(f"the demo did not settle in {timeout_s}s:\n{self.process.log_tail()}")


def start_demo(data_dir: Path, log_path: Path, parser_url: str, *, samples: bool = True) -> Demo:
    port = free_port()
    args = ["demo", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    if not samples:
        args.append("--no-samples")
    process = ServiceProcess("demo", args, {"PYTHONUNBUFFERED": "1", "CLAIMLINE_PARSER_URL": parser_url},
                             log_path).start()
    demo = Demo(f"http://127.0.0.1:{port}", process, data_dir)
    try:
        wait_http_ok(demo.url + "/health", process, timeout_s=60)
    except BaseException:
        process.stop()
        raise
    return demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory, parser_url: str):
    """`claimline demo` with the bundled articles, settled, with entries on the timeline."""
    root = tmp_path_factory.mktemp("demo")
    server = start_demo(root / "data", root / "demo.log", parser_url)
    try:
        entries = server.settled()
        assert entries, f"the demo has no timeline entries:\n{server.process.log_tail()}"
        yield server
    finally:
        server.process.stop()


def write_events(data_dir: Path, events: Iterable) -> None:
    """Put hand-made events on the events topic of a data dir's SQLite log (before a demo
    starts on it: its projector folds them as it would extracted ones)."""
    from schemas.events import dump_event
    from services.common.settings import Settings
    from services.common.topics import ALL_TOPICS, EVENTS
    from services.embedded.sqlite_log import SqliteLog

    async def write() -> None:
        log = SqliteLog(data_dir / "claimline.sqlite", Settings().topic_prefix)
        try:
            await log.ensure_topics(ALL_TOPICS)
            await log.publish_many(EVENTS, [(e.article, dump_event(e)) for e in events])
        finally:
            await log.close()

    data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(write())


@pytest.fixture(scope="session")
def events_demo_factory(tmp_path_factory: pytest.TempPathFactory, parser_url: str):
    """Starts demos (no bundled articles) on a log pre-filled with given events."""
    started: list[Demo] = []

    def factory(events: list) -> Demo:
        root = tmp_path_factory.mktemp("events-demo")
        write_events(root / "data", events)
        server = start_demo(root / "data", root / "demo.log", parser_url, samples=False)
        started.append(server)
        server.settled()
        return server

    try:
        yield factory
    finally:
        for server in started:
            server.process.stop()
            shutil.rmtree(server.data_dir, ignore_errors=True)
