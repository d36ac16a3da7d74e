"""Redis going away mid-run: questions are let through with one warning, and the limit returns with it."""

from __future__ import annotations

import logging

import pytest

from bot.discord_app.rate_limit import RedisLimiter
from tests.services import RedisServer

pytestmark = [pytest.mark.faults, pytest.mark.services]


async def test_limiter_fails_open_while_redis_is_down_then_limits_again(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.discord_app.rate_limit")
    limiter = RedisLimiter.from_url(redis_server.url, 2, 60)
    try:
        assert [await limiter.refusal(5) for _ in range(2)] == [None, None]
        assert await limiter.refusal(5) is not None

        redis_server.kill()
        assert [await limiter.refusal(5) for _ in range(10)] == [None] * 10  # fail open
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()

        redis_server.start()  # same port, empty: the budget starts again
        assert [await limiter.refusal(5) for _ in range(2)] == [None, None]
        assert "Please wait" in (await limiter.refusal(5) or "")
        assert any("reachable again" in r.getMessage() for r in caplog.records)
        assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    finally:
        await limiter.aclose()
