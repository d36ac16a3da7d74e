"""`basis sync [--dry-run] [--json]` against the stub: the report, and the exit code on a failure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.fakes import HashEmbedder
from tests.helpers import Response
from tests.sync.fixtures import SOURCES
from tests.sync.stub import KEY, ApiStub

runner = CliRunner()


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch,
    knowledge_dir: Path,
    tmp_path: Path,
    stub: ApiStub,
    fake_model: HashEmbedder,
) -> list[str]:
    (knowledge_dir / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    for name in ("ECFR", "FEDERAL_REGISTER", "CONGRESS"):
        monkeypatch.setenv(f"BASIS_{name}_API_BASE", stub.base)
    monkeypatch.setenv("BASIS_CONGRESS_API_KEY", KEY)
    monkeypatch.setenv("BASIS_DATA_DIR", str(tmp_path / "data"))
    paths = ["--knowledge", str(knowledge_dir), "--index", str(tmp_path / "index")]
    assert runner.invoke(app, ["index", "build", *paths]).exit_code == 0
    return paths


def test_sync_prints_the_report_and_rebuilds(cli_env: list[str]) -> None:
    result = runner.invoke(app, ["sync", *cli_env])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "eCFR: 3 new, 0 changed, 0 removed, 0 unchanged"
    assert lines[-1].startswith("Index: Documents: 7 added")
    again = runner.invoke(app, ["sync", "--json", *cli_env])
    report = json.loads(again.stdout)
    assert [s["unchanged"] for s in report["sources"]] == [3, 3, 1] and report["build"] == ""


def test_dry_run_json_writes_nothing(cli_env: list[str], knowledge_dir: Path) -> None:
    result = runner.invoke(app, ["sync", "--dry-run", "--json", *cli_env])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and report["failed"] is False
    assert report["sources"][0]["new"] == ["15 CFR 734.13", "15 CFR 734.15", "15 CFR 744.11"]
    assert not (knowledge_dir / "synced").exists()


def test_a_failed_source_exits_1_with_one_line(cli_env: list[str], stub: ApiStub) -> None:
    stub.fail["/api/v1/documents.json"] = Response.json(
        {"errors": {"agencies": ["bad is not a valid agency"]}}, 400
    )
    result = runner.invoke(app, ["sync", *cli_env])
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if "failed" in line]
    assert failed == [
        "Federal Register: failed: HTTP 400 from /api/v1/documents.json: agencies: bad is not a valid agency "
        "(nothing of it changed)"
    ]


def test_without_a_congress_key_bills_are_skipped_in_one_line(
    cli_env: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("BASIS_CONGRESS_API_KEY")
    result = runner.invoke(app, ["sync", "--dry-run", *cli_env])
    assert result.exit_code == 0
    assert "Congress.gov: skipped: no API key; set BASIS_CONGRESS_API_KEY" in result.stdout
