"""Where "today" comes from: one injectable provider, so every date-dependent answer can be tested.

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
