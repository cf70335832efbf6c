"""Typed settings, one place for every service; read from CLAIMLINE_* environment variables.

Clients are built from these at start-up, never at import time.
"""
from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CLAIMLINE_", extra="ignore")

    # Infrastructure
    kafka_bootstrap: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers, host:port[,host:port]")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis connection URL")
    topic_prefix: str = Field("claimline.", description="Prefix of every Kafka topic name")
    redis_prefix: str = Field("claimline", description="Prefix of every Redis key")

    # HTTP services
    ingest_host: str = Field("127.0.0.1", description="Address the ingest API binds to")
    ingest_port: int = Field(8001, description="Port of the ingest API")
    timeline_host: str = Field("127.0.0.1", description="Address the timeline API binds to")
    timeline_port: int = Field(8000, description="Port of the timeline API")
    timeline_workers: int = Field(1, ge=1, le=64, description="Processes `timeline serve` answers requests with "
                                                               "on its port, each a replica of its own (one "
                                                               "folds, holding the projector lease)")
    extract_web_port: int = Field(6066, description="Port of the extract worker's health page")
    parser_url: str = Field("http://127.0.0.1:9000", description="The Stanford CoreNLP server the parse stage "
                                                                 "asks (deploy/local/corenlp.sh)")
    parse_web_port: int = Field(6067, description="Port of the parse worker's health page")
    ingest_url: str = Field("http://127.0.0.1:8001", description="Where `claimline push` sends articles")
    api_token: str | None = Field(None, description="Bearer token required by write endpoints when set")
    read_token: str | None = Field(None, description="Bearer token required by read endpoints when set")

    # Limits
    max_body_bytes: int = Field(5_000_000, description="Largest request body ingest accepts (413 past it)")
    rebuild_workers: int = Field(0, ge=0, le=64, description="Processes a timeline rebuild (replay, or a start "
                                                              "on an empty Redis) builds entries with; 0: one "
                                                              "per CPU, at most 4")
    rebuild_memory_mb: int = Field(256, ge=16, description="Fold state a timeline rebuild may hold, in MB: a log "
                                                           "whose fold would need more is folded in that many "
                                                           "more passes over article partitions spilled to disk "
                                                           "(about 0.5 KB a record)")

    # Timeline replicas and readiness
    lease_ttl_ms: int = Field(10_000, ge=1_000, description="TTL of the projector lease: a killed projector is "
                                                           "replaced by another replica within it")
    stall_after_s: float = Field(30.0, gt=0, description="/health says 'stalled' (503) when the consumer lag has "
                                                         "not moved for this long")

    # Embedded mode
    data_dir: Path = Field(Path(".claimline"), description="Where the embedded mode keeps its SQLite event log")

    # Extract worker
    extract_group: str = Field("claimline-extract", description="Consumer group (faust app id) of the extract service")
    extract_session_timeout_s: float = Field(6.0, ge=2.0, le=300.0, description="Consumer session timeout of the "
                                             "extract worker: a killed worker's partitions move to the others "
                                             "after it (heartbeats every quarter of it)")
    extract_time_limit_s: float = Field(4.0, ge=0.0, description="Most wall time one article's extraction may "
                                        "take (milliseconds is usual); past it the article is parked on the "
                                        "dead-letter topic and the stream goes on. Keep it below the session "
                                        "timeout: a worker busy longer stops heartbeating. 0: no limit")

    # Parse worker
    parse_group: str = Field("claimline-parse", description="Consumer group (faust app id) of the parse service")


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
