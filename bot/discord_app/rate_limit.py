"""The per-user question budget behind one small interface: in-process, or shared through Redis.

With `BASIS_REDIS_URL` every process counts a user's questions in the same Redis sorted set
(a sliding-window log run atomically as one Lua script on the server's clock), so N processes
enforce one budget. Without it discord.py's in-process CooldownMapping counts, as before.
Redis going away never stops answers: the limiter fails open, warning once per outage.
Both take an optional `clock` (seconds) for tests; by default they read the real time (the
in-process one `time.time`, the Redis one the server's `TIME`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from bot.discord_app.checks import question_cooldown, rate_refusal, refusal_message
from bot.settings import Settings

log = logging.getLogger(__name__)

REDIS_TIMEOUT = 0.5  # seconds; a question never waits longer than this on an unreachable Redis
KEY_PREFIX = "basis:questions:"

# KEYS[1]: the user's log of question times. ARGV: budget, window in microseconds, and optionally
# the time in microseconds (a test's clock; else the server's TIME, one clock for every process).
# Returns -1 when the question is allowed (and logged), else microseconds until a slot frees.
SLIDING_WINDOW = """
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local now, stamp
if ARGV[3] then
  now, stamp = tonumber(ARGV[3]), ARGV[3]
else
  local clock = redis.call('TIME')
  now, stamp = tonumber(clock[1]) * 1000000 + tonumber(clock[2]), clock[1] .. '.' .. clock[2]
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used < limit then
  redis.call('ZADD', KEYS[1], now, stamp .. '-' .. used)
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return -1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + window - now
"""


def redis_client(url: str) -> redis.Redis:
    """A client that gives up quickly (no retries), so an outage costs a question little time."""
    return redis.from_url(
        url,
        socket_timeout=REDIS_TIMEOUT,
        socket_connect_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
    )


class RateLimiter(Protocol):
    """Counts a question against its asker's budget; a refusal text means it was over."""

    async def refusal(self, user_id: int, lang: str = "en") -> str | None: ...

    async def aclose(self) -> None: ...


class InProcessLimiter:
    """discord.py's CooldownMapping: the budget of this process alone (`clock`: seconds, `time.time`)."""

    def __init__(self, count: int, seconds: float, *, clock: Callable[[], float] | None = None) -> None:
        self.cooldown = question_cooldown(count, seconds)
        self._clock = clock

    async def refusal(self, user_id: int, lang: str = "en") -> str | None:
        return rate_refusal(self.cooldown, user_id, self._clock() if self._clock else None, lang)

    async def aclose(self) -> None:
        """Nothing to release."""


class RedisLimiter:
    """One budget shared by every process using the same Redis; fails open while it is unreachable.

    `clock` (seconds) replaces the server's clock; only for tests, as every process must read one clock.
    """

    def __init__(
        self, client: redis.Redis, count: int, seconds: float, *, clock: Callable[[], float] | None = None
    ) -> None:
        self.client = client
        self.count = count
        self.seconds = seconds
        self._clock = clock
        self._script = client.register_script(SLIDING_WINDOW)
        self._down = False

    @classmethod
    def from_url(
        cls, url: str, count: int, seconds: float, *, clock: Callable[[], float] | None = None
    ) -> RedisLimiter:
        return cls(redis_client(url), count, seconds, clock=clock)

    async def refusal(self, user_id: int, lang: str = "en") -> str | None:
        args = [self.count, round(self.seconds * 1_000_000)]
        if self._clock is not None:
            args.append(round(self._clock() * 1_000_000))
        try:
            wait_us = await self._script(keys=[f"{KEY_PREFIX}{user_id}"], args=args)
        except (RedisError, OSError) as exc:
            if not self._down:
                log.warning("Redis is unreachable, questions are not rate-limited until it returns: %s", exc)
                self._down = True
            return None
        if self._down:
            log.info("Redis is reachable again; the shared rate limit applies")
            self._down = False
        if wait_us < 0:
            return None
        return refusal_message(self.count, self.seconds, wait_us / 1_000_000, lang)

    async def aclose(self) -> None:
        await self.client.aclose()


def make_limiter(settings: Settings) -> RateLimiter:
    """Shared through Redis when BASIS_REDIS_URL is set, else this process's own cooldown."""
    if settings.redis_url:
        return RedisLimiter.from_url(
            settings.redis_url, settings.rate_limit_count, settings.rate_limit_seconds
        )
    return InProcessLimiter(settings.rate_limit_count, settings.rate_limit_seconds)
