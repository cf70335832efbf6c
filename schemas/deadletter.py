"""A parked message: the original bytes (base64) and why it could not be processed."""
from __future__ import annotations

import base64

from pydantic import BaseModel, ConfigDict


class DeadLetter(BaseModel):
    model_config = ConfigDict(frozen=True)

    source_topic: str
    source_partition: int | None = None
    source_offset: int | None = None
    key: str | None = None
    value_b64: str
    reason: str
    stage: str
    failed_at_ms: int

    @classmethod
    def of(cls, *, source_topic: str, value: bytes, key: bytes | None, reason: str, stage: str,
           failed_at_ms: int, partition: int | None = None, offset: int | None = None) -> "DeadLetter":
        return cls(
            source_topic=source_topic,
            source_partition=partition,
            source_offset=offset,
            key=key.decode("utf-8", "replace") if key is not None else None,
            value_b64=base64.b64encode(value).decode("ascii"),
            reason=reason,
            stage=stage,
            failed_at_ms=failed_at_ms,
        )

    def original_value(self) -> bytes:
        return base64.b64decode(self.value_b64)
