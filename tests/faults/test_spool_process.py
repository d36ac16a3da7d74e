"""The write spool across a process boundary: the store's process is killed, writes wait, then land once."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.records.spool import WriteSpool
from tests.faults.spool_sink import rows, write_row
from tests.services import free_port
from tests.timing import PATIENCE, wait_until

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


class Sink:
    """The sink process, restartable on the same port and database file."""

    def __init__(self, db: Path) -> None:
        self.db, self.port = db, free_port()
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.spool_sink", str(self.db), str(self.port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None and self.process.stdout.readline() == "ready\n"

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[Sink]:
    sink = Sink(tmp_path / "store.sqlite")
    sink.start()
    yield sink
    sink.kill()


def test_writes_wait_out_a_killed_store_and_land_once_in_order(
    sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.records.spool")
    spool = WriteSpool(
        "question log", 100, transient=lambda e: isinstance(e, OSError), retry_min=0.05, retry_max=0.2
    )
    attempts: dict[str, int] = {}

    def write(value: str) -> None:
        attempts[value] = attempts.get(value, 0) + 1
        write_row(sink.port, value)

    spool.start()
    try:
        for n in range(5):
            spool.submit(f"row {n}", lambda n=n: write(f"row {n}"))
        assert spool.flush(PATIENCE)

        sink.kill()
        for n in range(5, 10):
            spool.submit(f"row {n}", lambda n=n: write(f"row {n}"))
        wait_until(lambda: spool.status().unreachable, "the spool never found the store unreachable")
        wait_until(lambda: attempts.get("row 5", 0) >= 4, "no retries against the dead port")
        assert spool.status().pending == 5 and spool.status().written == 5
        assert set(attempts) == {f"row {n}" for n in range(6)}  # nothing behind the head was tried

        sink.start()
        assert spool.flush(PATIENCE)
    finally:
        assert spool.close(PATIENCE) == 0
    assert rows(str(sink.db)) == [f"row {n}" for n in range(10)]  # each once, in order, across the restart
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(warnings) == 1 and "store unreachable (ConnectionRefusedError" in warnings[0]
    assert infos == ["question log: store reachable again; wrote 5 queued writes"]
