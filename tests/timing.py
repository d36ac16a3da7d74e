"""Time in tests without racing the wall clock (issue 24): a virtual clock, and one patience.

A test that decides on measured time at a boundary ("at least 2 s apart") fails on a busy
machine by a tenth of a millisecond. So code that paces, backs off or counts a window takes a
clock (`bot.clock.Monotonic`) and a sleep, and its tests pass a `VirtualTime`: sleeping moves
the virtual clock on at once, so the waits are exact numbers and cost nothing.

Where only a real process, socket or server can say that something happened, a test waits for
it, with `PATIENCE` as the limit: a passing test stops waiting as soon as the thing happens,
and only a broken one waits the whole limit, so the limit can be generous enough for any
loaded machine.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENCE = 60.0  # seconds a test waits for another thread, process or server before it fails


def wait_until(condition: Callable[[], T], what: str, timeout: float = PATIENCE, every: float = 0.02) -> T:
    """Poll `condition` until it returns something truthy, and return that; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g} s"
        time.sleep(every)
    return result


class VirtualTime:
    """A monotonic clock that moves only when something sleeps on it.

    `clock()` reads it; `await sleep(s)` moves it `s` seconds on at once (then yields to the event
    loop, as a real sleep does) and records `s` in `sleeps`. A caller that reads the clock and
    sleeps without yielding in between (as `IdentifyGate` does) wakes at exactly the time it
    asked for, even with several callers on one clock.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


class RecordingSleep:
    """`asyncio.sleep` for real, remembering each delay asked for (to tell "waited" from "did not")."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(seconds)
