"""Shard IDENTIFYs paced across processes through Redis (`shared_identify`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable

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
from tests.timing import RecordingSleep, VirtualTime

pytestmark = pytest.mark.services
INTERVAL = 0.6


def gate(
    url: str,
    max_concurrency: int = 2,
    *,
    local: VirtualTime | None = None,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> SharedIdentifyGate:
    """A gate as one process would hold it: its own local pace and its own Redis client.

    `local` puts the process's own pace on a virtual clock; `sleep` is the wait between claims
    of a key another process holds (which Redis, on the real clock, releases).
    """
    pace = {"clock": local.clock, "sleep": local.sleep} if local else {}
    return SharedIdentifyGate(
        redis_client(url), IdentifyGate(max_concurrency, interval=INTERVAL, **pace), sleep=sleep
    )


def test_without_redis_the_gate_is_this_process_alone() -> None:
    assert isinstance(identify_gate(Settings(_env_file=None), 4), IdentifyGate)  # type: ignore[call-arg]
    shared = identify_gate(Settings(_env_file=None, redis_url="redis://127.0.0.1:9/0"), 4)  # type: ignore[call-arg]
    assert isinstance(shared, SharedIdentifyGate) and shared.max_concurrency == 4


async def test_two_processes_identify_one_key_an_interval_apart(redis_server: RedisServer) -> None:
    waits = RecordingSleep()
    first, second = gate(redis_server.url), gate(redis_server.url, sleep=waits)
    try:
        started = time.monotonic()  # before the first claim: load can only lengthen what follows
        await first.wait(0)
        await second.wait(1)
        assert waits.delays == []  # key 1: not held up by key 0
        await second.wait(2)  # key 0 again, claimed by the other process a moment ago
        same_key = time.monotonic() - started
    finally:
        await first.aclose()
        await second.aclose()
    # Redis let the claim go no sooner than INTERVAL after it was made, which was after `started`
    # (whether `second` waited or, on a slow machine, found it expired); 5 % allows for Redis's
    # clock against ours and its rounding to milliseconds, never for load.
    assert same_key >= INTERVAL * 0.95


async def test_an_unreachable_redis_leaves_the_local_pace_and_warns_once(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    local, waits = VirtualTime(), RecordingSleep()
    shared = gate(redis_server.url, max_concurrency=1, local=local, sleep=waits)
    redis_server.kill()
    try:
        with caplog.at_level(logging.WARNING, logger="bot.discord_app.shared_identify"):
            await shared.wait(0)
            await shared.wait(1)  # the local gate still spaces this process's own identifies
    finally:
        await shared.aclose()
    assert local.sleeps == [INTERVAL] and waits.delays == []  # its own pace; no claim waited on
    warnings = [r.getMessage() for r in caplog.records if "Redis is unreachable" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.e2e
async def test_two_bots_started_together_identify_an_interval_apart(
    emulator: DiscordEmulator,
    make_settings: Callable[..., Settings],
    redis_server: RedisServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two `basis run`s with one shard each (max_concurrency 1: one key for the whole bot).

    Redis keeps a claim for the interval on the real clock, so this is timed for real, but only
    from before either gate was asked to after both let their shard through: the claims lie in
    between, so a busy machine can only lengthen what is measured (the gap between the two
    IDENTIFYs' arrivals could shrink, by however much longer the first took to arrive).
    """
    interval = 3.0
    monkeypatch.setattr(sharding, "IDENTIFY_INTERVAL", interval)
    spans: dict[int, tuple[float, float]] = {}  # shard id → (gate asked, gate let it through)
    real_wait = SharedIdentifyGate.wait

    async def timed_wait(self: SharedIdentifyGate, shard_id: int) -> None:
        asked = time.monotonic()
        await real_wait(self, shard_id)
        spans[shard_id] = (asked, time.monotonic())

    monkeypatch.setattr(SharedIdentifyGate, "wait", timed_wait)
    common = {"shard_count": 2, "redis_url": redis_server.url}
    bots = [
        asyncio.create_task(start(make_settings(shard_ids=ids, **common), embedder=HashEmbedder()))
        for ids in ("0", "1")
    ]
    try:
        connected = asyncio.create_task(emulator.wait_connected(shards=2))
        await asyncio.wait({connected, *bots}, return_when=asyncio.FIRST_COMPLETED)
        for bot in bots:
            if bot.done():
                bot.result()
        await connected
        assert sorted(shard_id for _, shard_id in emulator.identified_at) == [0, 1]
        asked, through = min(a for a, _ in spans.values()), max(t for _, t in spans.values())
        assert sorted(spans) == [0, 1] and through - asked >= interval * 0.95  # 5 %: Redis's clock
    finally:
        for bot in bots:
            bot.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await bot
