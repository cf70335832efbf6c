"""Session-wide guard: a run that collected no test fails instead of passing quietly."""
from __future__ import annotations

import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.testscollected == 0 and exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        msg = "ERROR: no tests were collected; a run that tests nothing counts as a failure"
        if tr is not None:
            tr.write_line(msg, red=True, bold=True)
        else:
            print(msg)
