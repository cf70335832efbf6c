"""deploy/docker-compose.yml stays consistent with the code: images, health, order, settings."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from services.common.settings import Settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "deploy" / "docker-compose.yml"
APP_SERVICES = {"ingest": ("ingest", "serve"), "parse": ("parse", "run"), "extract": ("extract", "run"),
                "timeline": ("timeline", "serve")}


@pytest.fixture(scope="module")
def compose() -> dict:
    data = yaml.safe_load(COMPOSE.read_text())
    assert isinstance(data, dict) and isinstance(data.get("services"), dict)
    return data


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["NAME=value", ...]
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_expected_services(compose: dict) -> None:
    assert {"kafka", "redis", "corenlp", *APP_SERVICES} <= set(compose["services"])


def test_every_service_has_image_or_build_and_healthcheck(compose: dict) -> None:
    for name, svc in compose["services"].items():
        assert svc.get("image") or svc.get("build"), f"{name}: needs image or build"
        hc = svc.get("healthcheck")
        assert hc and hc.get("test"), f"{name}: needs a healthcheck"
        assert not hc.get("disable"), f"{name}: healthcheck disabled"


def test_depends_on_waits_for_health(compose: dict) -> None:
    services = compose["services"]
    for name in APP_SERVICES:
        deps = services[name].get("depends_on")
        assert isinstance(deps, dict) and "kafka" in deps, f"{name}: must depend on kafka (long form)"
    assert "redis" in services["timeline"]["depends_on"]
    assert "corenlp" in services["parse"]["depends_on"]
    for name, svc in services.items():
        deps = svc.get("depends_on") or {}
        assert isinstance(deps, dict), f"{name}: use the long depends_on form with a condition"
        for dep, spec in deps.items():
            assert dep in services, f"{name} depends on unknown service {dep}"
            assert spec.get("condition") == "service_healthy", f"{name} -> {dep}: condition must be service_healthy"


def test_kafka_is_apache_kafka_in_kraft_mode(compose: dict) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"] == "apache/kafka:3.9.1"
    env = _env(kafka)
    for key in ("KAFKA_NODE_ID", "KAFKA_PROCESS_ROLES", "KAFKA_LISTENERS", "KAFKA_ADVERTISED_LISTENERS",
                "KAFKA_CONTROLLER_QUORUM_VOTERS", "KAFKA_CONTROLLER_LISTENER_NAMES"):
        assert env.get(key), f"kafka: {key} missing"
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"].lower() == "false"
    assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "1"
    assert "ZOOKEEPER" not in " ".join(env)


def test_redis_image(compose: dict) -> None:
    assert str(compose["services"]["redis"]["image"]).startswith("redis:7")


def test_redis_is_durable(compose: dict) -> None:
    command = compose["services"]["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert any(v.endswith(":/data") for v in compose["services"]["redis"]["volumes"])


def test_claimline_env_vars_are_settings_fields(compose: dict) -> None:
    prefix = Settings.model_config.get("env_prefix", "CLAIMLINE_")
    known = {prefix + name.upper() for name in Settings.model_fields}
    seen = set()
    for name, svc in compose["services"].items():
        for var in _env(svc):
            if var.startswith("CLAIMLINE_"):
                seen.add(var)
                assert var in known, f"{name}: {var} is not a Settings field (known: {sorted(known)})"
    # The services are told where the infrastructure is, and bind beyond loopback.
    assert {"CLAIMLINE_KAFKA_BOOTSTRAP", "CLAIMLINE_REDIS_URL", "CLAIMLINE_INGEST_HOST", "CLAIMLINE_TIMELINE_HOST"} <= seen


def test_app_services_run_the_cli(compose: dict) -> None:
    for name, argv in APP_SERVICES.items():
        svc = compose["services"][name]
        cmd = svc["command"]
        cmd = cmd.split() if isinstance(cmd, str) else list(cmd)
        assert cmd == ["claimline", *argv], f"{name}: command {cmd}"
        assert svc.get("build"), f"{name}: built from the repo's Dockerfile"


def test_published_ports_match_settings_defaults(compose: dict) -> None:
    fields = Settings.model_fields
    ports = {
        name: {str(p).split(":")[-1] for p in compose["services"][name].get("ports", [])}
        for name in ("ingest", "timeline")
    }
    assert str(fields["ingest_port"].default) in ports["ingest"]
    assert str(fields["timeline_port"].default) in ports["timeline"]


def test_build_context_has_the_dockerfile(compose: dict) -> None:
    for name in APP_SERVICES:
        build = compose["services"][name]["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (COMPOSE.parent / context / dockerfile).resolve().is_file(), f"{name}: no {dockerfile} in {context}"


def test_corenlp_is_built_from_maven_central_and_the_parse_service_finds_it(compose: dict) -> None:
    corenlp = compose["services"]["corenlp"]
    build = corenlp["build"]
    dockerfile = (COMPOSE.parent / build["context"] / build.get("dockerfile", "Dockerfile")).resolve()
    text = dockerfile.read_text()
    # Fetched when the image is built (GPL-3.0-or-later: never in the repository), from the same pom as locally
    assert "dependency:copy-dependencies" in text and (dockerfile.parent / "pom.xml").is_file()
    assert "4.5.10" in (dockerfile.parent / "pom.xml").read_text()
    assert "StanfordCoreNLPServer" in text and "-preload" in text
    assert not corenlp.get("ports"), "the parser is for the services only: no port on the host"
    assert "/ready" in " ".join(corenlp["healthcheck"]["test"])
    env = _env(compose["services"]["parse"])
    assert env["CLAIMLINE_PARSER_URL"] == "http://corenlp:9000"
    assert env["CLAIMLINE_PARSE_WEB_PORT"] in " ".join(compose["services"]["parse"]["healthcheck"]["test"])
