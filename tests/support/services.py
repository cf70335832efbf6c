"""Running the real services (`claimline ... serve|run`) as subprocesses for end-to-end tests."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx

from tests.support.infra import free_port

REPO = Path(__file__).resolve().parents[2]
CLAIMLINE = [sys.executable, "-m", "services.cli"]


@dataclass
class ServiceProcess:
    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen | None = None
    _log: BinaryIO | None = field(default=None, repr=False)

    def start(self) -> ServiceProcess:
        self._log = open(self.log_path, "ab")
        self.process = subprocess.Popen(CLAIMLINE + self.args, cwd=REPO, env={**os.environ, **self.env},
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash would be."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()
        if self._log:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_http_ok(url: str, process: ServiceProcess, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    last = None
    while time.monotonic() < deadline:
        if process.process and process.process.poll() is not None:
            raise RuntimeError(f"{process.name} exited with {process.process.returncode}:\n{process.log_tail()}")
        try:
            response = httpx.get(url, timeout=2.0)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
        except httpx.HTTPError as error:
            last = str(error)
        time.sleep(0.2)
    raise TimeoutError(f"{url} not healthy after {timeout_s}s ({last}):\n{process.log_tail()}")


def service_env(kafka_bootstrap: str, redis_url: str, prefix: str, parser_url: str | None = None) -> dict[str, str]:
    return {
        **({"CLAIMLINE_PARSER_URL": parser_url} if parser_url else {}),
        "CLAIMLINE_PARSE_GROUP": f"{prefix}parse",
        "CLAIMLINE_PARSE_WEB_PORT": str(free_port()),
        "CLAIMLINE_KAFKA_BOOTSTRAP": kafka_bootstrap,
        "CLAIMLINE_REDIS_URL": redis_url,
        "CLAIMLINE_TOPIC_PREFIX": prefix,
        "CLAIMLINE_REDIS_PREFIX": prefix.rstrip("."),
        "CLAIMLINE_EXTRACT_GROUP": f"{prefix}extract",
        "CLAIMLINE_INGEST_PORT": str(free_port()),
        "CLAIMLINE_TIMELINE_PORT": str(free_port()),
        "CLAIMLINE_EXTRACT_WEB_PORT": str(free_port()),
    }
