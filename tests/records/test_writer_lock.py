"""The default single writer: one knowledge-base change per process at a time."""

from __future__ import annotations

import pytest

from bot.errors import BuildInProgressError
from bot.records.writer_lock import LocalWriterLock


def test_one_writer_at_a_time() -> None:
    lock = LocalWriterLock()
    with lock.held(), pytest.raises(BuildInProgressError, match="try again"), lock.held():
        pass
    with lock.held():  # the refused writer did not release the first one's lock
        pass
