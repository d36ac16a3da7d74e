"""The default single writer: one knowledge-base change per data directory at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.errors import BuildInProgressError
from bot.records.writer_lock import LocalWriterLock

HOLD = """
import sys, time
from pathlib import Path
from bot.records.writer_lock import LocalWriterLock
with LocalWriterLock(Path(sys.argv[1])).held():
    print("held", flush=True)
    time.sleep(60)
"""


def test_one_writer_at_a_time(tmp_path: Path) -> None:
    lock = LocalWriterLock(tmp_path)
    with lock.held(), pytest.raises(BuildInProgressError, match="try again"), lock.held():
        pass
    with lock.held():  # the refused writer did not release the first one's lock
        pass


def test_a_writer_in_another_process_excludes_this_one_until_it_dies(tmp_path: Path) -> None:
    """`basis kb add` and a running bot used to hold separate in-process locks; now they share one."""
    root = Path(__file__).resolve().parents[2]
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, cwd=root)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"held"
        with pytest.raises(BuildInProgressError), LocalWriterLock(tmp_path).held():
            pass
    finally:
        child.kill()
        child.wait(10)
    with LocalWriterLock(tmp_path).held():  # a killed holder leaves no stale lock behind
        pass
