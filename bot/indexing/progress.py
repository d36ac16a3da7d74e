"""Build progress as plain lines, for logs and pipes where a live progress bar shows nothing.

A long build must be visibly alive: a line when a stage starts, when it finishes,
and at most one every `interval` seconds in between.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.clock import Monotonic

INTERVAL = 5.0


class ProgressLines:
    """A build `Progress` callback that writes lines such as `embedding 128/2,048 (12 s)`."""

    def __init__(
        self,
        write: Callable[[str], None],
        interval: float = INTERVAL,
        clock: Monotonic | None = None,
    ) -> None:
        self._write = write
        self._interval = interval
        self._clock = clock or time.monotonic
        self._started = self._clock()
        self._stage = ""
        self._last = self._started

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = self._clock()
        finished = bool(total) and done >= total
        if stage == self._stage and not finished and now - self._last < self._interval:
            return
        self._stage, self._last = stage, now
        count = f" {done:,}/{total:,}" if total else ""
        self._write(f"{stage}{count} ({now - self._started:.0f} s)")
