"""Where "today" and "now" come from: injectable providers, so date- and time-dependent code can be tested.

The `Basis` service holds a `Clock` (the system date by default) and reads it once per answer;
everything below it receives that day as a plain `date` argument, never reading the time itself.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

Clock = Callable[[], date]


def system_today() -> date:
    """The machine's local date: the default clock."""
    return date.today()


def fixed(day: date) -> Clock:
    """A clock frozen on `day` (tests, replaying an answer as it was given on a date)."""
    return lambda: day


Monotonic = Callable[[], float]
"""Seconds on a clock that only goes forward (`time.monotonic` by default).

What paces, backoffs and progress timers read: the shard identify gate, the write spool and the
index build's progress lines each take one (the question limiters take a clock of seconds too,
wall time by default, as discord.py's cooldown and Redis count in it), so a test passes a fake
clock and decides on exact times instead of racing the wall clock.
"""
