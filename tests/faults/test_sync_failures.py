"""A failing source is one report line and changes nothing of itself; the others still sync."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.indexing import store
from bot.knowledge_base import KnowledgeBase
from bot.service import Basis
from tests.helpers import Response
from tests.sync.fixtures import NOW, SOURCES, basis, recorder, stub, sync_settings
from tests.sync.stub import ApiStub

pytestmark = pytest.mark.faults
__all__ = ["basis", "stub", "sync_settings"]  # fixtures shared with tests/sync


def _files(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _ecfr_404(stub: ApiStub, basis: Basis) -> None:
    stub.amend_734_13()
    stub.fail["/api/versioner/v1/full/"] = Response.json({"error": "date is after up_to_date_as_of"}, 404)


def _ecfr_503(stub: ApiStub, basis: Basis) -> None:
    stub.amend_734_13()
    stub.fail["/api/versioner/v1/versions/"] = Response(503, b"upstream down")


def _ecfr_malformed_xml(stub: ApiStub, basis: Basis) -> None:
    stub.amend_734_13()
    stub.fail["/api/versioner/v1/full/"] = Response(
        200, b"<DIV8 N='734.13'", {"Content-Type": "application/xml"}
    )


def _fr_unknown_agency(stub: ApiStub, basis: Basis) -> None:
    stub.publish_fr()
    sources = basis.settings.knowledge_dir / "sources.yaml"
    sources.write_text(
        SOURCES.replace("[industry-and-security-bureau]", "[industry-and-security-bureau, no-such-bureau]")
    )


def _fr_malformed(stub: ApiStub, basis: Basis) -> None:
    stub.publish_fr()
    stub.fail["/api/v1/documents.json"] = Response(
        200, b"<html>maintenance</html>", {"Content-Type": "text/html"}
    )


def _congress_403(stub: ApiStub, basis: Basis) -> None:
    stub.act_on_bill()
    basis.settings = basis.settings.model_copy(update={"congress_api_key": SecretStr("wrong-key")})


def _congress_429(stub: ApiStub, basis: Basis) -> None:
    stub.act_on_bill()
    stub.fail["/v3/bill/"] = Response(429, b'{"error": {"code": "OVER_RATE_LIMIT"}}', {"Retry-After": "3600"})


def _congress_network(stub: ApiStub, basis: Basis) -> None:
    stub.act_on_bill()
    basis.settings = basis.settings.model_copy(update={"congress_api_base": "http://127.0.0.1:9"})


CASES: dict[str, tuple[Callable[[ApiStub, Basis], None], int, str]] = {
    "ecfr-404": (
        _ecfr_404,
        0,
        "eCFR: failed: HTTP 404 from /api/versioner/v1/full/2026-11-30/title-15.xml: date is after",
    ),
    "ecfr-503": (
        _ecfr_503,
        0,
        "eCFR: failed: HTTP 503 from /api/versioner/v1/versions/title-15.json after 3 attempts",
    ),
    "ecfr-xml": (_ecfr_malformed_xml, 0, "eCFR: failed: malformed body for 15 CFR 734.13: not XML"),
    "fr-400": (
        _fr_unknown_agency,
        1,
        "Federal Register: failed: HTTP 400 from /api/v1/documents.json: "
        "conditions: agencies: no-such-bureau is not a valid agency",
    ),
    "fr-malformed": (
        _fr_malformed,
        1,
        "Federal Register: failed: malformed body from /api/v1/documents.json: not JSON",
    ),
    "congress-403": (
        _congress_403,
        2,
        "Congress.gov: failed: HTTP 403 from /v3/bill/119/hr/3447: No api_key was supplied",
    ),
    "congress-429": (
        _congress_429,
        2,
        "Congress.gov: failed: HTTP 429 from /v3/bill/119/hr/3447 after 3 attempts",
    ),
    "congress-network": (_congress_network, 2, "Congress.gov: failed: network: cannot reach 127.0.0.1"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_failed_source_leaves_the_index_and_its_files_as_they_were(
    basis: Basis, stub: ApiStub, case: str
) -> None:
    basis.kb.sync(actor="test", now=NOW, sleep=recorder([]))
    synced = basis.settings.knowledge_dir / "synced"
    files, live = _files(synced), store.current_folder(basis.settings.index_dir)
    documents = dict(basis.answering.index.documents)
    breakage, failing, line = CASES[case]
    breakage(stub, basis)
    waits: list[float] = []

    report = basis.kb.sync(actor="test", now=NOW, sleep=recorder(waits))

    assert report.failed
    failed = [s for s in report.sources if s.failed]
    assert [report.sources.index(s) for s in failed] == [failing]
    (only,) = failed[0].lines()
    assert only.startswith(line) and only.endswith("(nothing of it changed)")
    others = [s for s in report.sources if not s.failed]
    assert all(not (s.new or s.changed or s.removed) for s in others)
    assert _files(synced) == files
    assert store.current_folder(basis.settings.index_dir) == live
    assert basis.answering.index.documents == documents
    assert all(w <= basis.settings.sync_max_wait for w in waits)


def test_429_waits_are_bounded_and_honour_retry_after(basis: Basis, stub: ApiStub) -> None:
    stub.fail["/v3/bill/"] = Response(429, b"{}", {"Retry-After": "3600"})
    waits: list[float] = []
    basis.kb.sync(actor="test", now=NOW, sleep=recorder(waits))
    assert waits == [basis.settings.sync_max_wait] * basis.settings.sync_retries

    stub.fail["/v3/bill/"] = Response(429, b"{}", {"Retry-After": "2"})
    waits.clear()
    basis.kb.sync(actor="test", now=NOW, sleep=recorder(waits))
    assert waits == [2.0, 2.0]


def test_the_other_sources_still_sync_when_one_fails(basis: Basis, stub: ApiStub) -> None:
    stub.fail["/api/v1/documents.json"] = Response(500, b"")
    report = basis.kb.sync(actor="test", now=NOW, sleep=recorder([]))
    ecfr, fr, bills = report.sources
    assert fr.failed.startswith("HTTP 500 from /api/v1/documents.json after 3 attempts")
    assert len(ecfr.new) == 3 and bills.new == ["H.R. 3447 (119th Congress)"]
    assert "ecfr-15-cfr-734-13" in basis.answering.index.documents
    assert not [d for d in basis.answering.index.documents if d.startswith("fr-")]
    assert not (basis.settings.knowledge_dir / "synced" / "federal-register").exists()


def test_a_failed_rebuild_undoes_the_sync(
    basis: Basis, stub: ApiStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = basis.settings.knowledge_dir
    before = _files(knowledge)

    def broken(self: KnowledgeBase, progress: object = None, *, strict: bool = False) -> object:
        raise OSError("disk full")

    monkeypatch.setattr(KnowledgeBase, "rebuild", broken)
    with pytest.raises(OSError, match="disk full"):
        basis.kb.sync(actor="test", now=NOW, sleep=recorder([]))
    assert _files(knowledge) == before
    assert "failed and undone: disk full" in (basis.settings.data_dir / "audit.jsonl").read_text()
