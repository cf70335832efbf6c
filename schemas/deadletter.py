"""A parked message: the original bytes (base64) and why it could not be processed.

A dead letter must always fit on its topic, or parking would fail and the message would
be lost (the consumer could only stop or skip it). Kafka's producer and broker refuse
records over 1 MiB by default, and base64 grows the bytes by a third: values over
`MAX_VALUE_BYTES` are kept as a truncated copy with the original's size and SHA-256, so
the letter says exactly what was lost and the original can be matched if found elsewhere.
"""
from __future__ import annotations

import base64
import hashlib

from pydantic import BaseModel, ConfigDict

# 512 KiB raw -> ~683 KiB base64: with the reason and envelope well under 1 MiB.
MAX_VALUE_BYTES = 512 * 1024
MAX_REASON_CHARS = 4_000
MAX_KEY_CHARS = 1_000


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + f"… [{len(text) - limit} more characters]"


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
    # The original value was a null (a Kafka tombstone), not empty bytes.
    value_null: bool = False
    # Set when value_b64 holds only the first MAX_VALUE_BYTES of the original.
    value_truncated: bool = False
    value_size: int | None = None
    value_sha256: str | None = None

    @classmethod
    def of(cls, *, source_topic: str, value: bytes | None, key: bytes | None, reason: str, stage: str,
           failed_at_ms: int, partition: int | None = None, offset: int | None = None) -> DeadLetter:
        data = value if value is not None else b""
        truncated = len(data) > MAX_VALUE_BYTES
        return cls(
            source_topic=source_topic,
            source_partition=partition,
            source_offset=offset,
            key=_clip(key.decode("utf-8", "replace"), MAX_KEY_CHARS) if key is not None else None,
            value_b64=base64.b64encode(data[:MAX_VALUE_BYTES]).decode("ascii"),
            reason=_clip(reason, MAX_REASON_CHARS),
            stage=stage,
            failed_at_ms=failed_at_ms,
            value_null=value is None,
            value_truncated=truncated,
            value_size=len(data),
            value_sha256=hashlib.sha256(data).hexdigest(),
        )

    def original_value(self) -> bytes:
        """The parked bytes: the whole original unless `value_truncated`."""
        return base64.b64decode(self.value_b64)
