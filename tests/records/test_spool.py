"""The write spool: order, retries until the store is back, capped backoff, drops, close, never blocking."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

import pytest

from bot.records.spool import DROP_LOG_EVERY, DROP_LOG_SECONDS, WriteSpool
from tests.timing import PATIENCE

LOGGER = "bot.records.spool"


def is_connection_error(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionError)


class FlakySink:
    """A store that refuses the first `failures` writes with ConnectionError, then keeps every one."""

    def __init__(self, failures: int = 0, reject: frozenset[int] = frozenset()) -> None:
        self.failures = failures
        self.reject = reject
        self.attempts = 0
        self.rows: list[int] = []

    def writer(self, value: int) -> Callable[[], None]:
        def write() -> None:
            self.attempts += 1
            if self.failures:
                self.failures -= 1
                raise ConnectionError("connection refused")
            if value in self.reject:
                raise ValueError(f"row {value} violates a constraint")
            self.rows.append(value)

        return write


class Sleeps:
    """The backoff wait, recorded instead of waited."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def spools() -> Iterator[list[WriteSpool]]:
    made: list[WriteSpool] = []
    yield made
    for spool in made:
        spool.close(1.0)


@pytest.fixture
def make(spools: list[WriteSpool], sleeps: Sleeps) -> Callable[..., WriteSpool]:
    def make(capacity: int = 100, **options: object) -> WriteSpool:
        options.setdefault("sleep", sleeps)
        options.setdefault("transient", is_connection_error)
        spool = WriteSpool("feedback", capacity, **options)  # type: ignore[arg-type]
        spools.append(spool)
        return spool

    return make


def submit_all(spool: WriteSpool, sink: FlakySink, values: range) -> None:
    for value in values:
        spool.submit(f"row {value}", sink.writer(value))


def messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == level]


def test_writes_run_once_each_in_submission_order(make: Callable[..., WriteSpool]) -> None:
    sink = FlakySink()
    spool = make(capacity=200)
    spool.start()
    submit_all(spool, sink, range(200))
    assert spool.flush(PATIENCE)
    assert sink.rows == list(range(200))
    status = spool.status()
    assert (status.pending, status.written, status.dropped, status.failed) == (0, 200, 0, 0)


def test_an_unreachable_store_is_retried_until_back_then_each_write_lands_once(
    make: Callable[..., WriteSpool], sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    sink = FlakySink(failures=4)
    spool = make(retry_min=0.5, retry_max=30.0)
    submit_all(spool, sink, range(6))
    spool.start()
    assert spool.flush(PATIENCE)
    assert sink.rows == list(range(6)) and sink.attempts == 10
    assert sleeps.delays == [0.5, 1.0, 2.0, 4.0]
    assert messages(caplog, logging.WARNING) == [
        "feedback: store unreachable (ConnectionError: connection refused); 6 writes queued, retrying"
    ]
    assert messages(caplog, logging.INFO) == ["feedback: store reachable again; wrote 6 queued writes"]
    status = spool.status()
    assert status.last_error == "ConnectionError: connection refused" and not status.unreachable


def test_the_backoff_doubles_up_to_its_cap(make: Callable[..., WriteSpool], sleeps: Sleeps) -> None:
    sink = FlakySink(failures=8)
    spool = make(retry_min=1.0, retry_max=8.0)
    submit_all(spool, sink, range(1))
    spool.start()
    assert spool.flush(PATIENCE)
    assert sleeps.delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0, 8.0]
    assert sink.rows == [0]


def test_while_unreachable_the_status_says_so_and_counts_what_waits(make: Callable[..., WriteSpool]) -> None:
    release = threading.Event()
    sink = FlakySink(failures=10**9)
    spool = make(sleep=lambda _: release.wait(5.0))
    submit_all(spool, sink, range(3))
    spool.start()
    while sink.attempts == 0:
        release.wait(0.001)
    status = spool.status()
    assert status.unreachable and status.pending == 3 and status.written == 0
    sink.failures = 0
    release.set()
    assert spool.flush(PATIENCE) and sink.rows == [0, 1, 2]
    assert not spool.status().unreachable


def test_a_rejected_write_is_logged_counted_and_passed(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    sink = FlakySink(reject=frozenset({2}))
    spool = make()
    spool.start()
    submit_all(spool, sink, range(5))
    assert spool.flush(PATIENCE)
    assert sink.rows == [0, 1, 3, 4] and sink.attempts == 5  # not retried
    errors = messages(caplog, logging.ERROR)
    assert len(errors) == 1 and "row 2" in errors[0] and "violates a constraint" in errors[0]
    status = spool.status()
    assert (status.failed, status.written) == (1, 4)
    assert status.last_error == "ValueError: row 2 violates a constraint"


def test_a_full_queue_drops_the_oldest_and_states_the_total(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    sink = FlakySink()
    spool = make(capacity=3)
    submit_all(spool, sink, range(10))
    assert spool.status().dropped == 7
    assert messages(caplog, logging.ERROR) == [
        "feedback: queue full (3 writes), dropped the oldest: row 0 (1 dropped in all)"
    ]
    spool.start()
    assert spool.flush(PATIENCE)
    assert sink.rows == [7, 8, 9]
    assert messages(caplog, logging.ERROR)[1:] == [
        "feedback: dropped 6 more writes while the queue was full (7 dropped in all)"
    ]


def test_a_flood_of_drops_logs_every_hundred_or_every_minute(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    sink = FlakySink()
    spool = make(capacity=1, clock=clock)
    submit_all(spool, sink, range(2 * DROP_LOG_EVERY + 2))  # 201 drops
    totals = [m.rsplit("(", 1)[1] for m in messages(caplog, logging.ERROR)]
    assert totals == ["1 dropped in all)", "101 dropped in all)", "201 dropped in all)"]
    clock.now += DROP_LOG_SECONDS
    submit_all(spool, sink, range(1))
    assert messages(caplog, logging.ERROR)[-1].endswith("(202 dropped in all)")


def test_close_reports_what_was_left_unsent(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    sink = FlakySink(failures=10**9)
    spool = make(sleep=None, retry_min=0.01, retry_max=0.02)  # the real, interruptible wait
    submit_all(spool, sink, range(7))
    spool.start()
    assert not spool.flush(0.05)
    assert spool.close(0.1) == 7
    (report,) = messages(caplog, logging.ERROR)
    assert report.startswith(
        "feedback: closing with 7 writes unsent (row 0, row 1, row 2, row 3, row 4 and 2 more)"
    )
    assert report.endswith("last error: ConnectionError: connection refused")
    spool.submit("late vote", sink.writer(99))  # after close: counted and logged, never raised
    assert spool.status().dropped == 1 and "closed: late vote" in messages(caplog, logging.ERROR)[-1]


def test_close_after_everything_was_written_reports_nothing(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    sink = FlakySink()
    spool = make()
    spool.start()
    submit_all(spool, sink, range(3))
    assert spool.close(5.0) == 0
    assert sink.rows == [0, 1, 2] and messages(caplog, logging.ERROR) == []


def test_submit_never_waits_on_a_hung_store(make: Callable[..., WriteSpool]) -> None:
    unblock, entered = threading.Event(), threading.Event()
    rows: list[int] = []

    def hanging_write() -> None:
        entered.set()
        unblock.wait(30.0)
        rows.append(-1)

    spool = make(capacity=50)
    spool.start()
    spool.submit("hangs", hanging_write)
    assert entered.wait(PATIENCE)
    sink = FlakySink()
    submitter = threading.Thread(target=submit_all, args=(spool, sink, range(100)))
    submitter.start()
    submitter.join(5.0)  # 100 submits take milliseconds; a blocked one would hang for the write's 30 s
    try:
        assert not submitter.is_alive(), "submit waited on the store"
        status = spool.status()
        assert (status.pending, status.dropped) == (51, 50)  # the hung write and the 50 newest
    finally:
        unblock.set()
    assert spool.flush(PATIENCE)
    assert rows == [-1] and sink.rows == list(range(50, 100))


def test_a_failing_transient_test_counts_the_write_as_failed(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    def broken(exc: BaseException) -> bool:
        raise RuntimeError("bug in the classifier")

    sink = FlakySink(failures=1)
    spool = make(transient=broken)
    spool.start()
    submit_all(spool, sink, range(2))
    assert spool.flush(PATIENCE)
    assert sink.rows == [1] and spool.status().failed == 1


def test_writes_go_in_batches_and_a_rejected_one_fails_alone(make: Callable[..., WriteSpool]) -> None:
    sink, batches = FlakySink(reject=frozenset({4})), []

    def run(writes: list[Callable[[], None]]) -> None:
        """All or nothing, as a transaction is: a rejected write leaves no row of its batch."""
        rows = list(sink.rows)
        batches.append(len(writes))
        try:
            for write in writes:
                write()
        except ValueError:
            sink.rows[:] = rows
            raise

    spool = make(run=run, batch=3)
    submit_all(spool, sink, range(7))
    spool.start()
    assert spool.flush(PATIENCE)
    assert sink.rows == [0, 1, 2, 3, 5, 6]
    assert batches == [3, 3, 1, 1, 1, 1]  # 0-2; 3-5 rejected, then one by one; 6
    assert (spool.status().failed, spool.status().written) == (1, 6)


def test_close_hands_what_is_unsent_to_the_spill_without_waiting_out_the_outage(
    make: Callable[..., WriteSpool], caplog: pytest.LogCaptureFixture
) -> None:
    sink, kept = FlakySink(failures=10**9), []

    def spill(writes: list[Callable[[], None]]) -> list[Callable[[], None]]:
        kept.extend(writes)
        return writes[-1:]  # the last one could not be kept

    spool = make(sleep=None, retry_min=60.0, retry_max=60.0, spill=spill)
    submit_all(spool, sink, range(5))
    spool.start()
    assert spool.close(PATIENCE) == 1  # returns once the flusher waits out the failure, not after 60 s
    assert len(kept) == 5 and sink.rows == []
    assert (
        messages(caplog, logging.WARNING)[-1]
        == "feedback: closing with 5 writes unsent; 4 kept for the next start"
    )
    (lost,) = messages(caplog, logging.ERROR)
    assert lost.startswith("feedback: closing with 1 writes unsent (row 4)")
