"""`basis report` and `basis data purge`, and `basis ask` logging only when told to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.fakes import HashEmbedder

runner = CliRunner()
ASKED = ["What is a deemed export?", "Write a poem about pizza"]


@pytest.fixture
def index_dir(fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    built = runner.invoke(app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)])
    assert built.exit_code == 0, built.output
    return index


def _ask(index: Path, env: dict[str, str]) -> None:
    for question in ASKED:
        result = runner.invoke(app, ["ask", "--index", str(index), question], env=env)
        assert result.exit_code == 0, result.output


def _report(index: Path, *args: str) -> dict:
    result = runner.invoke(app, ["report", "--index", str(index), "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_ask_logs_only_with_the_cli_setting(index_dir: Path):
    _ask(index_dir, {})
    assert _report(index_dir)["questions"] == 0
    _ask(index_dir, {"BASIS_QUESTION_LOG_CLI": "true"})
    data = _report(index_dir, "--since", "3")
    assert (data["questions"], data["declined"], data["days"]) == (2, 1, 3)
    assert data["gaps"][0]["examples"] == ["Write a poem about pizza"]


def test_report_text_and_html(index_dir: Path, tmp_path: Path):
    _ask(index_dir, {"BASIS_QUESTION_LOG_CLI": "true"})
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--index", str(index_dir), "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert "Coverage report, last 30 days" in result.stdout and "Write a poem about pizza" in result.stdout
    assert f"Wrote {out}" in result.stderr
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "Write a poem about pizza" in html
    rows = [json.loads(line) for line in (tmp_path / "data" / "audit.jsonl").open()]
    (entry,) = [r for r in rows if r["action"] != "build"]  # `index build` is audited too
    assert (entry["action"], entry["actor"]) == ("report", "cli")


def test_purge_asks_first_then_deletes_everything(index_dir: Path):
    _ask(index_dir, {"BASIS_QUESTION_LOG_CLI": "true"})
    kept = runner.invoke(app, ["data", "purge"], input="n\n")
    assert kept.exit_code == 1 and _report(index_dir)["questions"] == 2
    purged = runner.invoke(app, ["data", "purge", "--yes"])
    assert purged.exit_code == 0, purged.output
    assert purged.stdout.strip() == "Deleted 2 questions, 0 feedback, 0 answers."
    assert _report(index_dir)["questions"] == 0
