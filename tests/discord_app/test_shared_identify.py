"""Shard IDENTIFYs paced across processes through Redis (`shared_identify`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

import pytest

from bot.discord_app import sharding
from bot.discord_app.client import start
from bot.discord_app.rate_limit import redis_client
from bot.discord_app.sharding import IdentifyGate
from bot.discord_app.shared_identify import SharedIdentifyGate, identify_gate
from bot.settings import Settings
from tests.discord_app.emulator import DiscordEmulator
from tests.fakes import HashEmbedder
from tests.services import RedisServer

pytestmark = pytest.mark.services
INTERVAL = 0.6


def gate(url: str, max_concurrency: int = 2) -> SharedIdentifyGate:
    """A gate as one process would hold it: its own local pace and its own Redis client."""
    return SharedIdentifyGate(redis_client(url), IdentifyGate(max_concurrency, interval=INTERVAL))


def test_without_redis_the_gate_is_this_process_alone() -> None:
    assert isinstance(identify_gate(Settings(_env_file=None), 4), IdentifyGate)  # type: ignore[call-arg]
    shared = identify_gate(Settings(_env_file=None, redis_url="redis://127.0.0.1:9/0"), 4)  # type: ignore[call-arg]
    assert isinstance(shared, SharedIdentifyGate) and shared.max_concurrency == 4


async def test_two_processes_identify_one_key_an_interval_apart(redis_server: RedisServer) -> None:
    first, second = gate(redis_server.url), gate(redis_server.url)
    try:
        started = time.monotonic()
        await first.wait(0)
        await second.wait(1)  # key 1: not held up by key 0
        other_key = time.monotonic() - started
        await second.wait(2)  # key 0 again, claimed by the other process a moment ago
        same_key = time.monotonic() - started
    finally:
        await first.aclose()
        await second.aclose()
    assert other_key < INTERVAL / 2
    assert same_key >= INTERVAL * 0.95


async def test_an_unreachable_redis_leaves_the_local_pace_and_warns_once(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    shared = gate(redis_server.url, max_concurrency=1)
    redis_server.kill()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.discord_app.shared_identify"):
            started = time.monotonic()
            await shared.wait(0)
            await shared.wait(1)  # the local gate still spaces this process's own identifies
            elapsed = time.monotonic() - started
    finally:
        await shared.aclose()
    assert INTERVAL * 0.95 <= elapsed < INTERVAL * 3
    warnings = [r.getMessage() for r in caplog.records if "Redis is unreachable" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.e2e
async def test_two_bots_started_together_identify_an_interval_apart(
    emulator: DiscordEmulator,
    make_settings: Callable[..., Settings],
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two `basis run`s with one shard each (max_concurrency 1: one key for the whole bot)."""
    interval = 3.0
    monkeypatch.setattr(sharding, "IDENTIFY_INTERVAL", interval)
    common = {"shard_count": 2, "redis_url": redis_server.url}
    bots = [
        asyncio.create_task(start(make_settings(shard_ids=ids, **common), embedder=HashEmbedder()))
        for ids in ("0", "1")
    ]
    try:
        connected = asyncio.create_task(emulator.wait_connected(shards=2, timeout=30))
        await asyncio.wait({connected, *bots}, return_when=asyncio.FIRST_COMPLETED)
        for bot in bots:
            if bot.done():
                bot.result()
        await connected
        (first, _), (second, _) = sorted(emulator.identified_at)
        assert second - first >= interval * 0.95
    finally:
        for bot in bots:
            bot.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await bot
