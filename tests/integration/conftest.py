"""Integration tests run against a real Apache Kafka broker and a real Redis server.

Both are started once per session by tests/support/infra.py (deploy/local/*.sh) on free
loopback ports, and stopped at the end whatever happened. If they cannot be started the
tests ERROR: they are never skipped. Set CLAIMLINE_TEST_KAFKA_BOOTSTRAP /
CLAIMLINE_TEST_REDIS_URL to use servers that are already running.

Fixtures:
    kafka_bootstrap  "127.0.0.1:PORT"            (session)
    redis_url        "redis://127.0.0.1:PORT/0"  (session)
    unique_prefix    "t1a2b3c4d."                (per test: prefix topics and keys with it)
"""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.support.infra import start_kafka, start_redis

_HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(item.path).resolve().is_relative_to(_HERE):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory):
    handle = start_kafka(tmp_path_factory.mktemp("kafka"))
    try:
        yield handle.bootstrap
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory):
    handle = start_redis(tmp_path_factory.mktemp("redis"))
    try:
        yield handle.url
    finally:
        handle.stop()


@pytest.fixture
def unique_prefix() -> str:
    return f"t{uuid.uuid4().hex[:8]}."
