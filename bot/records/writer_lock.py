"""The single knowledge-base writer: one change at a time, a second one is told to wait, not queued.

By default the lock is an exclusive `flock` on `data/.writer.lock`, so `basis kb add`, `basis sync`
and `basis index build` exclude each other and a running `basis run` across processes (the
kernel drops it when a holder dies, even by kill -9), plus a `threading.Lock` for the threads of
one process. With BASIS_DATABASE_URL it is a PostgreSQL advisory lock shared by every process
(`bot.records.shared.AdvisoryWriterLock`).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from bot.errors import BuildInProgressError

BUSY = "Another knowledge-base change is running; try again in a minute."
LOCK_FILE = ".writer.lock"


class WriterLock(Protocol):
    def held(self) -> AbstractContextManager[None]:
        """Hold the lock for the `with` block; BuildInProgressError when another writer has it."""


class LocalWriterLock:
    """One writer per data directory: across this process's threads and across processes."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._lock = threading.Lock()

    @contextmanager
    def held(self) -> Iterator[None]:
        if not self._lock.acquire(blocking=False):
            raise BuildInProgressError(BUSY)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a") as handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    raise BuildInProgressError(BUSY) from None
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            self._lock.release()
