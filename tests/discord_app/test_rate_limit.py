"""The question limiter: the in-process default, and the Redis one shared by several processes."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.discord_app.rate_limit import InProcessLimiter, RedisLimiter, make_limiter
from bot.settings import Settings
from tests.discord_app.emulator import EPHEMERAL
from tests.services import RedisServer
from tests.timing import PATIENCE, VirtualTime

DEEMED = "What is a deemed export of technology to a foreign person?"


def test_the_limiter_is_chosen_by_redis_url() -> None:
    assert isinstance(make_limiter(Settings(_env_file=None)), InProcessLimiter)  # type: ignore[call-arg]
    shared = make_limiter(Settings(_env_file=None, redis_url="redis://127.0.0.1:9/0"))  # type: ignore[call-arg]
    assert isinstance(shared, RedisLimiter)  # no connection is made until a question


async def test_in_process_limiter_refuses_after_the_budget() -> None:
    limiter = InProcessLimiter(2, 60)
    assert await limiter.refusal(1) is None
    assert await limiter.refusal(1) is None
    assert "asked 2 questions in the last 60 seconds" in (await limiter.refusal(1) or "")


async def test_in_process_window_reopens_once_it_has_passed() -> None:
    """discord.py's cooldown is a fixed window from the first question; a virtual clock shows its edge."""
    virtual = VirtualTime(start=1_000.0)  # discord.py reads 0.0 as "no time given" and takes the real one
    limiter = InProcessLimiter(2, 60, clock=virtual.clock)
    assert [await limiter.refusal(1) for _ in range(2)] == [None, None]
    virtual.now = 1_059.5
    assert await limiter.refusal(1) == (
        "You have asked 2 questions in the last 60 seconds. Please wait 1 s and ask again."
    )
    virtual.now = 1_060.0  # exactly 60 s on: still the same window
    assert await limiter.refusal(1) is not None
    virtual.now = 1_060.001
    assert await limiter.refusal(1) is None


@pytest.mark.e2e
@pytest.mark.services
async def test_redis_limiters_share_one_budget_end_to_end(
    emulator, run_bot, redis_server: RedisServer
) -> None:
    """Two bots' worth of budget is one: a limiter next to the bot spends the user's first question."""
    await run_bot(rate_limit_count=2, redis_url=redis_server.url)
    ada = emulator.make_user("ada")
    other_process = RedisLimiter.from_url(redis_server.url, 2, 60)
    try:
        assert await other_process.refusal(int(ada["id"])) is None
    finally:
        await other_process.aclose()
    sent = await emulator.slash("ask", user=ada, question=DEEMED)
    assert (await emulator.callback(sent)).body["type"] == 5  # deferred: being answered
    refused = await emulator.slash("ask", user=ada, question=DEEMED)
    reply = (await emulator.callback(refused)).body
    assert reply["type"] == 4 and reply["data"]["flags"] & EPHEMERAL
    assert "You have asked 2 questions in the last 60 seconds" in reply["data"]["content"]
    other = await emulator.slash("ask", user=emulator.make_user("bob"), question=DEEMED)
    assert (await emulator.callback(other)).body["type"] == 5


@pytest.mark.services
async def test_two_redis_limiters_share_one_budget(redis_server: RedisServer) -> None:
    """On a virtual clock both processes read (as both read the server's): the window's exact edge."""
    virtual = VirtualTime(start=1_000.0)
    first, second = (RedisLimiter.from_url(redis_server.url, 3, 60, clock=virtual.clock) for _ in range(2))
    try:
        allowed = []
        for at, limiter in ((1_000, first), (1_010, second), (1_020, first)):
            virtual.now = at
            allowed.append(await limiter.refusal(7))
        assert allowed == [None, None, None]
        virtual.now = 1_030
        refusal = await second.refusal(7)
        assert refusal == "You have asked 3 questions in the last 60 seconds. Please wait 30 s and ask again."
        assert await first.refusal(7) is not None  # a refusal does not spend budget but is not let through
        virtual.now = 1_059.999
        assert await first.refusal(7) is not None
        virtual.now = 1_060  # the first question (at 1,000) has left the sliding window; this one counts
        assert await first.refusal(7) is None
        assert "Please wait 10 s" in (await second.refusal(7) or "")  # until the one at 1,010 leaves
    finally:
        await first.aclose()
        await second.aclose()


@pytest.mark.services
async def test_the_window_slides_on_the_servers_clock(redis_server: RedisServer) -> None:
    """Without a test clock the server's TIME counts; real time is the point, so only order is checked."""
    limiter = RedisLimiter.from_url(redis_server.url, 1, 0.5)
    try:
        started = time.monotonic()  # before the question: load can only lengthen what follows
        assert await limiter.refusal(7) is None
        while await limiter.refusal(7) is not None:  # refused at once, unless the machine is that slow
            assert time.monotonic() - started < PATIENCE, "the window never reopened"
            await asyncio.sleep(0.05)
        assert time.monotonic() - started >= 0.45  # not before it slid past the question (10 %: two clocks)
    finally:
        await limiter.aclose()


@pytest.mark.services
async def test_redis_budget_is_per_user(redis_server: RedisServer) -> None:
    first, second = (RedisLimiter.from_url(redis_server.url, 1, 60) for _ in range(2))
    try:
        assert await first.refusal(1) is None
        assert await second.refusal(1) is not None
        assert await second.refusal(2) is None
        assert "Please wait 60 s" in (await first.refusal(2) or "")
    finally:
        await first.aclose()
        await second.aclose()
