"""The single knowledge-base writer: one change at a time, a second one is told to wait, not queued.

By default the lock is a `threading.Lock` in this process; with BASIS_DATABASE_URL it is a
PostgreSQL advisory lock shared by every process (`bot.records.shared.AdvisoryWriterLock`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from bot.errors import BuildInProgressError

BUSY = "Another knowledge-base change is running; try again in a minute."


class WriterLock(Protocol):
    def held(self) -> AbstractContextManager[None]:
        """Hold the lock for the `with` block; BuildInProgressError when another writer has it."""


class LocalWriterLock:
    """One writer per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._lock.acquire(blocking=False):
            raise BuildInProgressError(BUSY)
        try:
            yield
        finally:
            self._lock.release()
