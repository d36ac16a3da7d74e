"""IDENTIFY pacing shared by every process through Redis (BASIS_REDIS_URL).

Discord counts session starts per bot, not per process: shard `s` has the rate-limit key
`s % max_concurrency`, and each key allows one IDENTIFY per 5 seconds. The in-process
`IdentifyGate` cannot see the shards of another process, so two processes started together
would both identify on key 0 at once and Discord would refuse one of them. With Redis, an
IDENTIFY that this process's own gate lets through then claims its key for the interval with
one atomic `SET NX PX`; finding the key claimed by another process, it waits until the claim
expires and tries again. While Redis is unreachable the local gate paces this process alone,
as without Redis, and one warning says so.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

import redis.asyncio as redis
from redis.exceptions import RedisError

from bot.discord_app.rate_limit import redis_client
from bot.discord_app.sharding import IdentifyGate
from bot.settings import Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "basis:identify:"
RETRY_FLOOR = 0.05  # seconds: the shortest wait before claiming a key again


class Gate(Protocol):
    """What `BasisBot` asks before each IDENTIFY (`IdentifyGate` or `SharedIdentifyGate`)."""

    max_concurrency: int

    async def wait(self, shard_id: int) -> None: ...

    async def aclose(self) -> None: ...


class SharedIdentifyGate:
    """One IDENTIFY per key and interval across every process that uses the same Redis."""

    def __init__(
        self,
        client: redis.Redis,
        local: IdentifyGate,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.client = client
        self.local = local
        self.max_concurrency = local.max_concurrency
        self._sleep = sleep
        self._down = False

    async def wait(self, shard_id: int) -> None:
        await self.local.wait(shard_id)
        key = f"{KEY_PREFIX}{shard_id % self.max_concurrency}"
        claim_ms = max(1, round(self.local.interval * 1000))
        while True:
            try:
                if await self.client.set(key, str(shard_id), nx=True, px=claim_ms):
                    break
                left_ms = await self.client.pttl(key)  # -2: it expired meanwhile
            except (RedisError, OSError) as exc:
                if not self._down:
                    log.warning("Redis is unreachable; shards identify at this process's own pace: %s", exc)
                    self._down = True
                return
            await self._sleep(max(left_ms / 1000, RETRY_FLOOR))
        if self._down:
            log.info("Redis is reachable again; shard identifies are paced across processes")
            self._down = False

    async def aclose(self) -> None:
        await self.client.aclose()


def identify_gate(settings: Settings, max_concurrency: int) -> Gate:
    """Shared through Redis when BASIS_REDIS_URL is set, else this process's own pace."""
    local = IdentifyGate(max_concurrency)
    if settings.redis_url:
        return SharedIdentifyGate(redis_client(settings.redis_url), local)
    return local
