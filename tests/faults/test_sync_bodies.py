"""Issue 23 items 3 and 4: hostile or oversized sync responses end as one failed source.

A local server on 127.0.0.1 plays the Federal Register API and answers with an endless body, a
body trickled a byte at a time, or a redirect; the eCFR and Congress.gov stubs answer normally,
so each case shows the others unaffected. Documents that could not be written whole (over the
size cap, a 300-character document number) fail their source before anything is written.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bot.errors import BuildInProgressError
from bot.service import Basis
from bot.sync.http import SourceFailure
from bot.sync.run import Plan, _writable
from bot.sync.state import read_state
from tests.helpers import Response
from tests.sync.fixtures import NOW, basis, recorder, stub, sync_settings
from tests.sync.stub import ApiStub, fr_doc

pytestmark = pytest.mark.faults
__all__ = ["basis", "stub", "sync_settings"]

HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
ENDLESS_CAP = 50_000_000  # the hostile server gives up here, so old code fails the test, not the machine
TRICKLE_SECONDS = 20.0


@contextmanager
def hostile(mode: str) -> Iterator[str]:
    """A server on 127.0.0.1 answering every request with an endless or a trickled body."""
    stop = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            self.request.recv(65536)
            try:
                self.request.sendall(HEAD)
                if mode == "endless":
                    for _ in range(ENDLESS_CAP // 65536):
                        if stop.is_set():
                            return
                        self.request.sendall(b" " * 65536)
                else:
                    end = time.monotonic() + TRICKLE_SECONDS
                    while time.monotonic() < end and not stop.is_set():
                        self.request.sendall(b" ")
                        time.sleep(0.05)
            except OSError:
                return  # the client gave up, as it should

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()


def _sync(basis: Basis):
    return basis.kb.sync(actor="test", now=NOW, sleep=recorder([]))


@pytest.mark.parametrize("mode", ["endless", "trickle"])
def test_an_endless_or_trickled_body_fails_only_its_source_in_bounded_time(
    basis: Basis, stub: ApiStub, mode: str
) -> None:
    with hostile(mode) as base:
        basis.settings = basis.settings.model_copy(
            update={
                "federal_register_api_base": base,
                "sync_timeout": 1.0,
                "sync_retries": 1,
                "max_document_bytes": 500_000,
            }
        )
        started = time.monotonic()
        report = _sync(basis)
        elapsed = time.monotonic() - started
    ecfr, fr, bills = report.sources
    expected = "larger than the 1,000,000-byte limit" if mode == "endless" else "did not answer within 1 s"
    assert expected in fr.failed
    assert len(ecfr.new) == 3 and bills.new == ["H.R. 3447 (119th Congress)"]
    assert "ecfr-15-cfr-734-13" in basis.answering.index.documents
    assert elapsed < 2 * 1.0 * 2 + 8  # two attempts, each within its deadline (plus the eCFR and bill work)


def test_the_writer_lock_is_free_while_a_sync_fetches(basis: Basis, stub: ApiStub) -> None:
    """A slow source no longer holds off every /kb add: the lock is taken only to write and rebuild."""
    with hostile("trickle") as base:
        basis.settings = basis.settings.model_copy(
            update={"federal_register_api_base": base, "sync_timeout": 3.0, "sync_retries": 0}
        )
        worker = threading.Thread(target=_sync, args=(basis,))
        worker.start()
        try:
            time.sleep(1.0)  # the sync is now reading the trickled body
            assert worker.is_alive()
            try:
                with basis.records.stores.writer.held():
                    free = True
            except BuildInProgressError:
                free = False
        finally:
            worker.join(30)
    assert free


def test_a_redirect_is_a_failure_not_an_empty_success(basis: Basis, stub: ApiStub) -> None:
    stub.fail["/api/v1/documents.json"] = Response(302, b"", {"Location": "http://169.254.169.254/"})
    report = _sync(basis)
    ecfr, fr, _ = report.sources
    assert fr.failed == "HTTP 302 from /api/v1/documents.json: a redirect, not followed"
    assert len(ecfr.new) == 3


def test_a_changed_document_over_the_size_cap_fails_its_source_and_is_retried(
    basis: Basis, stub: ApiStub
) -> None:
    _sync(basis)
    folder = basis.settings.knowledge_dir / "synced"
    state, before = read_state(folder), (folder / "ecfr" / "ecfr-15-cfr-734-13.md").read_bytes()
    stub.amend_734_13()
    stub.texts["734.13"] = stub.texts["734.13"].replace("</P>", " " + "widget " * 4000 + "</P>", 1)
    basis.settings = basis.settings.model_copy(update={"max_document_bytes": 20_000})

    report = _sync(basis)
    ecfr = report.sources[0]
    assert "15 CFR 734.13" in ecfr.failed and "over the 20,000-byte limit" in ecfr.failed
    assert read_state(folder) == state  # not recorded as synced, so the next sync tries again
    assert (folder / "ecfr" / "ecfr-15-cfr-734-13.md").read_bytes() == before  # never half-written

    basis.settings = basis.settings.model_copy(update={"max_document_bytes": 5_000_000})
    retried = _sync(basis)
    assert [c.key for c in retried.sources[0].changed] == ["15 CFR 734.13"]
    assert "widget widget" in basis.answering.index.documents["ecfr-15-cfr-734-13"].text
    assert basis.kb.unaudited() == []


def test_a_300_character_document_number_fails_its_source_and_writes_nothing(
    basis: Basis, stub: ApiStub
) -> None:
    number = "2026-" + "9" * 295
    stub.documents.append(fr_doc(number, "A very long number", "2026-11-20", 22005))
    stub.texts_fr[number] = "Rule text."
    report = _sync(basis)
    ecfr, fr, bills = report.sources
    assert "is not like 2026-01001" in fr.failed  # refused as it arrives, before a file name is made
    assert len(ecfr.new) == 3 and bills.new == ["H.R. 3447 (119th Congress)"]
    assert not (basis.settings.knowledge_dir / "synced" / "federal-register").exists()
    assert not [d for d in basis.answering.index.documents if d.startswith("fr-")]


def test_a_file_name_the_disk_would_refuse_fails_its_source_before_anything_is_written(
    tmp_path: Path,
) -> None:
    """The last guard, for a source whose ids are not checked as they arrive."""
    plan = Plan(tmp_path, {})
    with pytest.raises(SourceFailure, match="not a usable file name"):
        _writable("FR 2026-9…", f"federal-register/fr-2026-{'9' * 295}.md", b"Rule text.", plan)
    assert not plan.writes and not list(tmp_path.iterdir())
