"""Issue 23 item 10: hostile API bodies fail their own source in one line; the other sources sync.

A newline in a Federal Register document number and JSON nested 100,000 deep used to end the
whole sync with a traceback (`InvalidURL`, `RecursionError`).
"""

from __future__ import annotations

import pytest

from bot.service import Basis
from tests.helpers import Response
from tests.sync.fixtures import NOW, basis, stub, sync_settings
from tests.sync.stub import ApiStub, fr_doc

__all__ = ["basis", "stub", "sync_settings"]

pytestmark = pytest.mark.faults


def _lines(basis: Basis) -> dict[str, str]:
    report = basis.kb.sync(actor="cron", now=NOW, sleep=lambda _: None)
    return {line.split(":", 1)[0]: line for line in report.lines()}


def test_a_newline_in_a_document_number_fails_only_the_federal_register(basis: Basis, stub: ApiStub) -> None:
    doc = fr_doc("2026-22004\nrm -rf", "Additions to the Entity List", "2026-11-20", 22004)
    stub.documents.append(doc)
    stub.texts_fr[doc["document_number"]] = "Additions to the Entity List. Rule text."
    stub.amend_734_13()
    lines = _lines(basis)
    assert "document number '2026-22004\\nrm -rf' is not like 2026-01001" in lines["Federal Register"]
    assert "failed" not in lines["eCFR"]


def test_json_nested_100k_deep_fails_only_its_source(basis: Basis, stub: ApiStub) -> None:
    stub.publish_fr()
    stub.amend_734_13()
    deep = b"[" * 100_000 + b"]" * 100_000
    stub.fail["/api/v1/documents.json"] = Response(200, deep, {"Content-Type": "application/json"})
    lines = _lines(basis)
    assert "JSON nested too deeply" in lines["Federal Register"]
    assert "failed" not in lines["eCFR"]
