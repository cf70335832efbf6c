"""Who projects: one timeline process per store holds the projector lease, the others
only serve reads. Several `timeline serve` replicas on one Redis would otherwise fold the
same batches concurrently and overwrite each other's entries with stale claim lists.

The lease is a Redis key holding the holder's token with a TTL: taken with SET NX PX,
renewed by the holder only (compare-and-PEXPIRE in a script), released on a clean stop. A
killed holder's lease expires after the TTL and another replica takes it. Every projector
commit is fenced with the token (`ChangeSet.fence`), so a holder that stalled past its TTL
cannot write after the lease moved on.
"""
from __future__ import annotations

import uuid
from typing import Protocol

import redis.asyncio as aioredis

# Renew the lease if it is still ours; take it if it is free. Returns 1 when we hold it.
_HOLD = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Lease(Protocol):
    @property
    def token(self) -> str | None:
        """What commits are fenced with (None: nothing to fence, one process owns the store)."""

    async def hold(self) -> bool:
        """Take or renew the lease; True while this process holds it."""

    async def release(self) -> None: ...


class SoloLease:
    """The embedded mode (and tests): one process owns its store; commits are not fenced."""

    token = None

    async def hold(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class RedisLease:
    def __init__(self, client: aioredis.Redis, key: str, *, ttl_ms: int = 10_000) -> None:
        self._r = client
        self.key = key
        self.ttl_ms = ttl_ms
        self.token = uuid.uuid4().hex
        self._hold = client.register_script(_HOLD)
        self._release = client.register_script(_RELEASE)

    async def hold(self) -> bool:
        return bool(await self._hold(keys=[self.key], args=[self.token, self.ttl_ms]))

    async def release(self) -> None:
        await self._release(keys=[self.key], args=[self.token])
