"""Converters: API answers → documents the corpus schema accepts; short diffs; FR paging and slices."""

from __future__ import annotations

from datetime import date

import pytest

from bot.corpus.loaders import document_from_bytes
from bot.sync import congress, ecfr, federal_register
from bot.sync.documents import short_diff, units
from bot.sync.http import ApiClient, SourceFailure
from bot.sync.tracked import FederalRegisterSource, TrackedBill
from tests.helpers import LocalServer
from tests.sync.stub import ApiStub, section_xml


def _client(stub: ApiStub, server: LocalServer) -> ApiClient:
    stub.base = server.url("").rstrip("/")
    return ApiClient(stub.base, timeout=2, retries=0, max_wait=1)


def test_an_ecfr_section_becomes_a_regulation_document() -> None:
    stub = ApiStub.default()
    version = ecfr.SectionVersion("734.13", 734, "§ 734.13 Export.", date(2023, 9, 18), False)
    body = ecfr.section_markdown(stub.texts["734.13"], "734.13")
    assert body.startswith("§ 734.13 Export.\n\n(a) Except as set forth")
    assert "(a <I>" not in body and "(a deemed export)" in body
    assert body.rstrip().endswith("Source: 81 FR 35603, June 3, 2016")
    doc = ecfr.to_document(15, version, body, date(2026, 11, 27))
    loaded, problems = document_from_bytes(doc.render("2026-12-01T06:00:00+00:00"), f"{doc.doc_id}.md")
    assert problems == []
    assert (loaded.source_type, loaded.citation, loaded.published, loaded.as_of) == (
        "regulation",
        "15 CFR 734.13",
        date(2023, 9, 18),
        date(2026, 11, 27),
    )
    assert loaded.url == "https://www.ecfr.gov/current/title-15/section-734.13"
    assert loaded.fetched_at == "2026-12-01T06:00:00+00:00" and loaded.version == "2023-09-18"
    assert loaded.status is not None and loaded.status.state == "in_force"


def test_the_content_hash_ignores_fetch_time_and_as_of() -> None:
    stub = ApiStub.default()
    version = ecfr.SectionVersion("734.15", 734, "§ 734.15 Release.", date(2023, 9, 18), False)
    body = ecfr.section_markdown(stub.texts["734.15"], "734.15")
    a = ecfr.to_document(15, version, body, date(2026, 11, 27))
    b = ecfr.to_document(15, version, body, date(2026, 11, 30))
    assert a.sha256 == b.sha256
    assert a.sha256 != ecfr.to_document(15, version, body + "\n(b) More.\n", date(2026, 11, 27)).sha256


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        ("<DIV8", "not XML"),
        ('<DIV8 N="734.14" TYPE="SECTION"><HEAD>§ 734.14</HEAD><P>x</P></DIV8>', "no SECTION element"),
        ('<DIV8 N="734.13" TYPE="SECTION"><HEAD>§ 734.13 Export.</HEAD></DIV8>', "has no text"),
    ],
)
def test_malformed_section_xml_fails(xml: str, reason: str) -> None:
    with pytest.raises(SourceFailure) as caught:
        ecfr.section_markdown(xml, "734.13")
    assert reason in str(caught.value)


def test_latest_versions_ignore_dates_past_up_to_date_as_of() -> None:
    stub = ApiStub.default()
    with LocalServer(stub.handle) as server, _client(stub, server) as client:
        as_of = ecfr.up_to_date_as_of(client, 15)
        latest = ecfr.latest_versions(client, 15, 734, as_of)
    assert as_of == date(2026, 11, 27)
    assert latest["734.13"].version == "2023-09-18"
    assert latest["734.15"].version == "2023-09-18"  # the 2026-12-15 version is not yet in force


def test_units_nest_cfr_paragraph_labels() -> None:
    body = "\n\n".join(
        [
            "§ 1.1 X.",
            "(a) A.",
            "(1) One.",
            "(i) Roman.",
            "(ii) Two.",
            "(h) H.",
            "(i) Letter i.",
            "## Notes",
            "N.",
        ]
    )
    assert list(units(body)) == ["intro", "(a)", "(a)(1)", "(a)(1)(i)", "(a)(1)(ii)", "(h)", "(i)", "Notes"]


def test_short_diff_names_changed_added_and_removed_parts() -> None:
    old = "§ 1.1 X.\n\n(a) A.\n\n(b) B.\n\n(c) C."
    new = "§ 1.1 X.\n\n(a) A.\n\n(b) B, amended.\n\n(d) D."
    assert short_diff(old, new) == "changed (b); added (d); removed (c)"
    assert short_diff(old, old) == ""


def test_federal_register_pages_and_slices() -> None:
    stub = ApiStub.default()
    source = FederalRegisterSource(
        agencies=["industry-and-security-bureau"], since=date(2026, 1, 1), slice_days=366, per_page=2
    )
    with LocalServer(stub.handle) as server, _client(stub, server) as client:
        rows = federal_register.listed(client, source, date(2026, 12, 1))
    assert [r["document_number"] for r in rows] == ["2026-17003", "2026-09002", "2026-01001"]
    searches = [r for r in stub.requests if r.startswith("/api/v1/documents.json")]
    assert len(searches) == 2 and "&page=2" in searches[1] and "&page=" not in searches[0]
    assert "conditions%5Bagencies%5D%5B%5D=industry-and-security-bureau" in searches[0]
    assert "order=newest" in searches[0] and "fields%5B%5D=correction_of" in searches[0]


def test_windows_are_sliced_by_date_and_halved_past_the_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    assert list(federal_register.slices(date(2026, 1, 1), date(2026, 1, 10), 4)) == [
        (date(2026, 1, 1), date(2026, 1, 4)),
        (date(2026, 1, 5), date(2026, 1, 8)),
        (date(2026, 1, 9), date(2026, 1, 10)),
    ]
    monkeypatch.setattr(federal_register, "RESULT_CAP", 2)
    stub = ApiStub.default()
    source = FederalRegisterSource(
        agencies=["industry-and-security-bureau"], since=date(2026, 1, 1), slice_days=366, per_page=2
    )
    with LocalServer(stub.handle) as server, _client(stub, server) as client:
        rows = federal_register.listed(client, source, date(2026, 12, 1))
    assert len(rows) == 3
    windows = [r for r in stub.requests if "&page=" not in r]
    assert len(windows) == 3  # the whole year (3 > cap of 2), then its two halves


def test_a_correction_links_to_what_it_corrects() -> None:
    stub = ApiStub.default()
    with LocalServer(stub.handle) as server, _client(stub, server) as client:
        doc = federal_register.fetch_document(client, "2026-17003", {"2026-01001": "2026-01-15"})
    assert (
        "This document corrects FR Doc. 2026-01001: https://www.federalregister.gov/d/2026-01001" in doc.body
    )
    assert doc.meta["sources"][1]["url"] == "https://www.federalregister.gov/d/2026-01001"
    assert doc.meta["source_type"] == "rule" and doc.key == "FR Doc. 2026-17003"
    assert "The rule text in plain form." in doc.body


def test_a_bill_status_document_and_a_bill_that_became_law() -> None:
    stub = ApiStub.default()
    bill = TrackedBill(congress=119, type="hr", number=3447)
    info, actions = stub.bills["119/hr/3447"], stub.actions["119/hr/3447"]
    doc = congress.to_document(bill, info, actions, date(2026, 12, 1))
    loaded, _ = document_from_bytes(doc.render("2026-12-01T06:00:00+00:00"), f"{doc.doc_id}.md")
    assert loaded.source_type == "bill" and loaded.citation == "H.R. 3447 (119th Congress)"
    assert loaded.status.state == "proposed" and loaded.status.date == date(2026, 3, 26)
    assert loaded.url == "https://www.congress.gov/bill/119th-congress/house-bill/3447"
    law = {**info, "latestAction": {"actionDate": "2026-06-01", "text": "Became Public Law No: 119-99."}}
    enacted = congress.to_document(bill, law, actions, date(2026, 12, 1))
    assert enacted.meta["source_type"] == "statute" and enacted.meta["status"]["state"] == "in_force"


def test_section_xml_helper_matches_the_parser() -> None:
    xml = section_xml("1.1", "Scope.", ["(a) Text."], "1 FR 1")
    assert ecfr.section_markdown(xml, "1.1") == "§ 1.1 Scope.\n\n(a) Text.\n\nSource: 1 FR 1\n"
