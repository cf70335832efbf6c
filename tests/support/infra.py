"""Real Kafka, Redis and CoreNLP for the tests, started through deploy/local/{kafka,redis,corenlp}.sh.

One code path: the same scripts back `make kafka-up` / `make redis-up` / `make parser-up` and
these helpers. Each call picks free loopback ports and uses the run dir it is given, so two
test sessions never collide. Set CLAIMLINE_TEST_KAFKA_BOOTSTRAP / CLAIMLINE_TEST_REDIS_URL /
CLAIMLINE_TEST_PARSER_URL to reuse a broker / server that is already running instead
(nothing is then started or stopped).

    kafka = start_kafka(tmp_dir / "kafka")       # kafka.bootstrap == "127.0.0.1:PORT"
    redis = start_redis(tmp_dir / "redis")       # redis.url == "redis://127.0.0.1:PORT/0"
    parser = start_corenlp(tmp_dir / "corenlp")  # parser.url == "http://127.0.0.1:PORT"
    ...
    kafka.stop(); redis.stop(); parser.stop()
"""
from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KAFKA_SH = REPO / "deploy" / "local" / "kafka.sh"
REDIS_SH = REPO / "deploy" / "local" / "redis.sh"
CORENLP_SH = REPO / "deploy" / "local" / "corenlp.sh"

KAFKA_ENV = "CLAIMLINE_TEST_KAFKA_BOOTSTRAP"
REDIS_ENV = "CLAIMLINE_TEST_REDIS_URL"
PARSER_ENV = "CLAIMLINE_TEST_PARSER_URL"


class InfraError(RuntimeError):
    """The broker or server could not be started (the message carries the script's output)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int) -> list[int]:
    """n distinct free ports (all sockets held open while choosing, so they differ)."""
    socks = []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def _run(script: Path, args: list[str], env: dict[str, str], timeout: float) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["bash", str(script), *args],
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as e:
        # TimeoutExpired carries the output read so far as bytes, even with text=True.
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr or ""
        raise InfraError(f"{script.name} {' '.join(args)} timed out after {timeout}s\n{stderr}") from e


@dataclass
class _Handle:
    run_dir: Path | None
    owned: bool
    _env: dict[str, str] = field(default_factory=dict, repr=False)
    _stopped: bool = field(default=False, repr=False)

    _script: Path = field(default=KAFKA_SH, repr=False)

    def stop(self) -> None:
        """Stop what this handle started (idempotent; a reused external server is left alone)."""
        if self._stopped or not self.owned:
            self._stopped = True
            return
        self._stopped = True
        r = _run(self._script, ["stop"], self._env, timeout=60)
        if r.returncode != 0:
            raise InfraError(f"{self._script.name} stop failed:\n{r.stderr}")

    @property
    def log_file(self) -> Path | None:
        if self.run_dir is None:
            return None
        return self.run_dir / {KAFKA_SH: "kafka.log", REDIS_SH: "redis.log", CORENLP_SH: "corenlp.log"}[self._script]


@dataclass
class KafkaHandle(_Handle):
    bootstrap: str = ""
    start_seconds: float = 0.0


@dataclass
class RedisHandle(_Handle):
    url: str = ""
    start_seconds: float = 0.0


@dataclass
class CoreNLPHandle(_Handle):
    url: str = ""
    start_seconds: float = 0.0


_started: list[_Handle] = []


@atexit.register
def _stop_leftovers() -> None:  # pragma: no cover - safety net for an interrupted session
    for h in _started:
        with contextlib.suppress(Exception):
            h.stop()


def fetch_kafka(timeout: float = 900) -> None:
    """Resolve the broker jars (cached; a no-op when they are already there)."""
    r = _run(KAFKA_SH, ["fetch"], {}, timeout=timeout)
    if r.returncode != 0:
        raise InfraError(f"kafka.sh fetch failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")


def start_kafka(run_dir: Path | str, *, timeout: float = 90, attempts: int = 3, reuse_env: bool = True) -> KafkaHandle:
    """Start a single-node KRaft broker on free loopback ports with its data and logs in run_dir."""
    if reuse_env and os.environ.get(KAFKA_ENV):
        return KafkaHandle(run_dir=None, owned=False, bootstrap=os.environ[KAFKA_ENV], _script=KAFKA_SH)
    fetch_kafka()
    run_dir = Path(run_dir)
    errors = []
    for attempt in range(1, attempts + 1):
        port, cport = free_ports(2)
        env = {
            "KAFKA_LOCAL_RUN_DIR": str(run_dir),
            "KAFKA_LOCAL_START_TIMEOUT": str(int(timeout)),
            "KAFKA_LOCAL_OWNER_PID": str(os.getpid()),
        }
        t0 = time.monotonic()
        r = _run(KAFKA_SH, ["start", str(port), str(cport)], env, timeout=timeout + 60)
        if r.returncode == 0:
            h = KafkaHandle(
                run_dir=run_dir, owned=True, _env=env, _script=KAFKA_SH,
                bootstrap=f"127.0.0.1:{port}", start_seconds=time.monotonic() - t0,
            )
            _started.append(h)
            return h
        errors.append(f"attempt {attempt} (ports {port}/{cport}), exit {r.returncode}:\n{r.stderr[-6000:]}")
        # A port taken between choosing and binding is worth another try; anything else is not.
        if "already in use" not in r.stderr and "Address already in use" not in r.stderr:
            break
    raise InfraError("could not start Kafka:\n" + "\n".join(errors))


def start_redis(run_dir: Path | str, *, timeout: float = 30, attempts: int = 3, reuse_env: bool = True) -> RedisHandle:
    """Start redis-server (installed with apt when missing) on a free loopback port."""
    if reuse_env and os.environ.get(REDIS_ENV):
        return RedisHandle(run_dir=None, owned=False, url=os.environ[REDIS_ENV], _script=REDIS_SH)
    run_dir = Path(run_dir)
    errors = []
    for attempt in range(1, attempts + 1):
        port = free_port()
        env = {
            "REDIS_LOCAL_RUN_DIR": str(run_dir),
            "REDIS_LOCAL_START_TIMEOUT": str(int(timeout)),
            "REDIS_LOCAL_OWNER_PID": str(os.getpid()),
        }
        t0 = time.monotonic()
        # The first call may apt-get install redis-server: allow for it.
        r = _run(REDIS_SH, ["start", str(port)], env, timeout=timeout + 600)
        if r.returncode == 0:
            h = RedisHandle(
                run_dir=run_dir, owned=True, _env=env, _script=REDIS_SH,
                url=f"redis://127.0.0.1:{port}/0", start_seconds=time.monotonic() - t0,
            )
            _started.append(h)
            return h
        errors.append(f"attempt {attempt} (port {port}), exit {r.returncode}:\n{r.stderr[-4000:]}")
        if "already in use" not in r.stderr:
            break
    raise InfraError("could not start Redis:\n" + "\n".join(errors))


def fetch_corenlp(timeout: float = 1800) -> None:
    """Resolve the CoreNLP jars and models (cached; a no-op when they are already there)."""
    r = _run(CORENLP_SH, ["fetch"], {}, timeout=timeout)
    if r.returncode != 0:
        raise InfraError(f"corenlp.sh fetch failed (exit {r.returncode}):\n{r.stdout}\n{r.stderr}")


def start_corenlp(run_dir: Path | str, *, timeout: float = 180, attempts: int = 3,
                  reuse_env: bool = True) -> CoreNLPHandle:
    """Start a Stanford CoreNLP server (2 GB heap) on a free loopback port, its log in run_dir."""
    if reuse_env and os.environ.get(PARSER_ENV):
        return CoreNLPHandle(run_dir=None, owned=False, url=os.environ[PARSER_ENV].rstrip("/"), _script=CORENLP_SH)
    fetch_corenlp()
    run_dir = Path(run_dir)
    errors = []
    for attempt in range(1, attempts + 1):
        port = free_port()
        env = {
            "CORENLP_LOCAL_RUN_DIR": str(run_dir),
            "CORENLP_LOCAL_START_TIMEOUT": str(int(timeout)),
            "CORENLP_LOCAL_OWNER_PID": str(os.getpid()),
        }
        t0 = time.monotonic()
        r = _run(CORENLP_SH, ["start", str(port)], env, timeout=timeout + 60)
        if r.returncode == 0:
            h = CoreNLPHandle(run_dir=run_dir, owned=True, _env=env, _script=CORENLP_SH,
                              url=f"http://127.0.0.1:{port}", start_seconds=time.monotonic() - t0)
            _started.append(h)
            return h
        errors.append(f"attempt {attempt} (port {port}), exit {r.returncode}:\n{r.stderr[-4000:]}")
        if "already in use" not in r.stderr:
            break
    raise InfraError("could not start CoreNLP:\n" + "\n".join(errors))
