"""A bounded local retry queue for writes to a shared store (PostgreSQL, a remote log).

Feedback votes and question-log rows must not be lost when the store goes away for a while,
and must never hold up an answer. So callers hand each write to a `WriteSpool`: `submit` only
appends to an in-memory queue and returns; one flusher thread runs the writes in submission
order (a vote must follow the answer it refers to), up to `batch` at a time through `run`
(PostgreSQL: one transaction), keeps a batch whose failure is transient at the head and retries
it with capped exponential backoff, and moves past a write the store rejected (a rejected batch
is rerun one write at a time, so only the bad write fails). Nothing leaves the queue
unaccounted for: every write is written, failed (logged at ERROR), dropped because the queue was
full (oldest first, logged at ERROR with the running total), handed to `spill` at `close` (a
file the next start replays) or reported as lost by `close`. The queue lives in memory only, so
a process that is killed loses what it held.

The standard library suffices: a `deque` under one `Condition`, and an `Event` that cuts a
backoff short when the spool is closed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Monotonic

log = logging.getLogger(__name__)

DROP_LOG_EVERY = 100  # in a flood of drops, one ERROR line per this many …
DROP_LOG_SECONDS = 60.0  # … or per this many seconds, whichever comes first
UNSENT_SHOWN = 5  # descriptions `close` names before "and N more"

Write = Callable[[], None]


@dataclass(frozen=True)
class SpoolStatus:
    """Counts since the spool was made; `pending` includes the write in progress or being retried.

    `unreachable` is true from the first transient failure until that outage's backlog is written.
    """

    pending: int
    dropped: int
    failed: int
    last_error: str | None
    written: int = 0
    unreachable: bool = False


@dataclass(frozen=True)
class _Entry:
    description: str
    write: Write


class WriteSpool:
    """Writes to one store, in order, retried while the store is unreachable; see the module docstring.

    `transient(exc)` says whether a write that raised `exc` may succeed later (connection lost,
    server shutting down) rather than being wrong (constraint violation, bad SQL). `sleep`
    replaces the backoff wait and `clock` the monotonic clock, so tests run in milliseconds.
    Each write must carry its own timeout: a write that never returns holds up those behind it
    (they are still queued, and dropped oldest first once the queue is full). `run(writes)` runs a
    batch (default: each write in turn); it must be all or nothing, and each write must be
    harmless to repeat, since a batch whose acknowledgement was lost is run again. `spill(writes)`
    keeps what `close` could not send and returns those it could not keep.
    """

    def __init__(
        self,
        name: str,
        capacity: int,
        *,
        transient: Callable[[BaseException], bool],
        retry_min: float = 0.5,
        retry_max: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        clock: Monotonic = time.monotonic,
        run: Callable[[list[Write]], None] | None = None,
        batch: int = 1,
        spill: Callable[[list[Write]], list[Write]] | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError(f"{name}: a spool needs room for at least one write, not {capacity}")
        self.name = name
        self.capacity = capacity
        self._transient = transient
        self._retry_min = retry_min
        self._retry_max = retry_max
        self._sleep = sleep
        self._clock = clock
        self._run_batch = run or _each
        self._batch = batch
        self._spill = spill
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._queue: deque[_Entry] = deque()
        self._current: list[_Entry] = []  # the batch being written or retried …
        self._settled = 0  # … of which this many are done (a rejected batch is rerun one by one)
        self._retrying = False  # the flusher waits out a failure
        self._thread: threading.Thread | None = None
        self._closed = False
        self._written = 0
        self._failed = 0
        self._dropped = 0
        self._dropped_logged = 0
        self._drop_logged_at = 0.0
        self._last_error: str | None = None
        self._outage_written: int | None = None  # writes done since the outage began; None: reachable

    def start(self) -> None:
        """Start the daemon flusher thread (once; later calls do nothing)."""
        with self._cond:
            if self._thread is not None or self._closed:
                return
            self._thread = threading.Thread(target=self._run, name=f"spool-{self.name}", daemon=True)
            self._thread.start()

    def submit(self, description: str, write: Write) -> None:
        """Queue `write` behind every earlier one; never waits on the store and never raises.

        `description` names the write in log lines (e.g. "vote on answer 3f2a"); it must hold
        nothing secret.
        """
        entry = _Entry(description, write)
        with self._cond:
            closed = self._closed
            if closed:
                dropped: _Entry | None = entry
            else:
                dropped = self._queue.popleft() if len(self._queue) >= self.capacity else None
                self._queue.append(entry)
                self._cond.notify_all()
            if dropped is None:
                return
            self._dropped += 1
            report = self._drop_report_due()
            total = self._dropped
        if report:
            reason = "closed" if closed else f"queue full ({self.capacity} writes), dropped the oldest"
            log.error("%s: %s: %s (%d dropped in all)", self.name, reason, dropped.description, total)

    def flush(self, timeout: float) -> bool:
        """Wait until every queued write is done (written or failed); True when the queue is empty."""
        with self._cond:
            done = self._cond.wait_for(lambda: not self._queue and not self._current, timeout)
        self._report_unlogged_drops()
        return done

    def close(self, timeout: float) -> int:
        """Write what can be written within `timeout`, stop the flusher, hand what is left to
        `spill` and return how many writes were lost (neither written nor kept).

        With a spill, it stops waiting as soon as the store fails and the flusher waits to retry:
        the writes are then kept at once. Lost writes are logged at ERROR with their count and the
        first few descriptions.
        """
        deadline = self._clock() + timeout
        if self._thread is not None:
            with self._cond:
                self._cond.wait_for(
                    lambda: (not self._queue and not self._current) or (self._spill and self._retrying),
                    timeout,
                )
            self._report_unlogged_drops()
        with self._cond:
            self._closed = True
            self._stop.set()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(max(0.0, deadline - self._clock()))
        with self._cond:
            unsent = self._current[self._settled :] + list(self._queue)
            self._current = []
            self._queue.clear()
        self._report_unlogged_drops()
        if unsent and self._spill is not None:
            lost = {id(write) for write in self._spill([entry.write for entry in unsent])}
            log.warning(
                "%s: closing with %d writes unsent; %d kept for the next start",
                self.name,
                len(unsent),
                len(unsent) - len(lost),
            )
            unsent = [entry for entry in unsent if id(entry.write) in lost]
        if unsent:
            shown = ", ".join(entry.description for entry in unsent[:UNSENT_SHOWN])
            more = f" and {len(unsent) - UNSENT_SHOWN} more" if len(unsent) > UNSENT_SHOWN else ""
            log.error(
                "%s: closing with %d writes unsent (%s%s); last error: %s",
                self.name,
                len(unsent),
                shown,
                more,
                self._last_error,
            )
        return len(unsent)

    def status(self) -> SpoolStatus:
        with self._cond:
            return SpoolStatus(
                pending=len(self._queue) + len(self._current) - self._settled,
                dropped=self._dropped,
                failed=self._failed,
                last_error=self._last_error,
                written=self._written,
                unreachable=self._outage_written is not None,
            )

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stop.is_set())
                if self._stop.is_set():
                    return
                batch = [self._queue.popleft() for _ in range(min(self._batch, len(self._queue)))]
                self._current, self._settled = batch, 0
            if not self._deliver(batch):
                return  # closed while retrying: `close` counts what is left of the batch as unsent
            with self._cond:
                drained = not self._queue
            if drained:
                self._announce_recovery()  # before `flush` can return, so its line is already out
            with self._cond:
                self._current = []
                self._cond.notify_all()
                if self._stop.is_set():
                    return

    def _deliver(self, batch: list[_Entry]) -> bool:
        """Run a batch until it succeeds or fails for good (True), or the spool closes mid-retry."""
        delay = self._retry_min
        while True:
            try:
                self._run_batch([entry.write for entry in batch])
            except Exception as exc:
                if not self._is_transient(exc):
                    if len(batch) > 1:  # find the write the store rejected; the others land
                        return self._one_by_one(batch)
                    self._fail(batch[0], exc)
                    return True
                self._unreachable(exc)
                if self._pause(delay):
                    return False
                delay = min(delay * 2, self._retry_max)
            else:
                with self._cond:
                    self._written += len(batch)
                    if self._outage_written is not None:
                        self._outage_written += len(batch)
                return True

    def _one_by_one(self, batch: list[_Entry]) -> bool:
        for entry in batch:
            if not self._deliver([entry]):
                return False
            with self._cond:
                self._settled += 1
        return True

    def _is_transient(self, exc: BaseException) -> bool:
        try:
            return self._transient(exc)
        except Exception:
            log.exception(
                "%s: the transient-error test itself failed; treating the error as final", self.name
            )
            return False

    def _pause(self, delay: float) -> bool:
        """Wait `delay` seconds before the next retry; True when the spool was closed meanwhile."""
        with self._cond:
            self._retrying = True
            self._cond.notify_all()
        try:
            if self._sleep is None:
                return self._stop.wait(delay)
            self._sleep(delay)
            return self._stop.is_set()
        finally:
            with self._cond:
                self._retrying = False

    def _fail(self, entry: _Entry, exc: Exception) -> None:
        with self._cond:
            self._failed += 1
            self._last_error = _describe(exc)
            failed = self._failed
        log.error(
            "%s: write rejected, not retried: %s (%s; %d failed in all)",
            self.name,
            entry.description,
            _describe(exc),
            failed,
        )

    def _unreachable(self, exc: Exception) -> None:
        with self._cond:
            self._last_error = _describe(exc)
            first = self._outage_written is None
            if first:
                self._outage_written = 0
            queued = len(self._queue) + 1
        if first:
            log.warning(
                "%s: store unreachable (%s); %d writes queued, retrying", self.name, _describe(exc), queued
            )

    def _announce_recovery(self) -> None:
        """Once the backlog of an outage is written, say so once."""
        with self._cond:
            written, self._outage_written = self._outage_written, None
        if written is not None:
            log.info("%s: store reachable again; wrote %d queued writes", self.name, written)
        self._report_unlogged_drops()

    def _drop_report_due(self) -> bool:
        """Under the lock: log this drop? The first one, then every DROP_LOG_EVERY or DROP_LOG_SECONDS."""
        now = self._clock()
        due = (
            self._dropped_logged == 0
            or self._dropped - self._dropped_logged >= DROP_LOG_EVERY
            or now - self._drop_logged_at >= DROP_LOG_SECONDS
        )
        if due:
            self._dropped_logged, self._drop_logged_at = self._dropped, now
        return due

    def _report_unlogged_drops(self) -> None:
        """Drops since the last drop line are stated before the spool goes quiet, so none is silent."""
        with self._cond:
            unlogged = self._dropped - self._dropped_logged
            if unlogged:
                self._dropped_logged, self._drop_logged_at = self._dropped, self._clock()
            total = self._dropped
        if unlogged:
            log.error(
                "%s: dropped %d more writes while the queue was full (%d dropped in all)",
                self.name,
                unlogged,
                total,
            )


def _each(writes: list[Write]) -> None:
    for write in writes:
        write()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
