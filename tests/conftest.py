"""Session-wide fixtures and guards.

- A run that collected no test fails instead of passing quietly.
- `parser_url`: one real Stanford CoreNLP server for the whole session (deploy/local/corenlp.sh
  on a free loopback port, 2 GB heap: started once, stopped at the end whatever happened;
  CLAIMLINE_TEST_PARSER_URL reuses a running one). Tests that use it are marked `parser`.
- `parse_cache`: parses of test articles through that server, kept in .cache/parses.
"""
from __future__ import annotations

import pytest

from tests.support.infra import start_corenlp


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "parser_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.parser)


@pytest.fixture(scope="session")
def parser_url(tmp_path_factory: pytest.TempPathFactory):
    handle = start_corenlp(tmp_path_factory.mktemp("corenlp"))
    try:
        yield handle.url
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def parse_cache(parser_url: str):
    from services.parse.cache import ParseCache
    from services.parse.local import DEFAULT_CACHE_DIR

    return ParseCache(DEFAULT_CACHE_DIR, parser_url)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.testscollected == 0 and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        msg = "ERROR: no tests were collected; a run that tests nothing counts as a failure"
        if tr is not None:
            tr.write_line(msg, red=True, bold=True)
        else:
            print(msg)
