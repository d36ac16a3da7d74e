"""Issue 23 item 11: what askers type cannot harm the moderator's terminal or the report's layout,
and a question is not declined (or lost) for invisible characters in it.

Escape sequences and other C0/C1 controls are stripped when a question is taken in, so `basis
report` never prints them; zero-width characters and fullwidth letters do not change what is
asked. (A long unbroken question wrapping in the HTML report is tests/reporting/test_browser.py.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.service import Basis
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.faults

runner = CliRunner()
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31mWhat is a deemed export?\x1b[0m\x00"
LOG = {"BASIS_QUESTION_LOG_CLI": "true", "COLUMNS": "100"}


@pytest.fixture
def index_dir(fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    built = runner.invoke(app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)])
    assert built.exit_code == 0, built.output
    return index


def test_escape_sequences_never_reach_the_report(index_dir: Path) -> None:
    asked = runner.invoke(app, ["ask", "--index", str(index_dir), ESCAPES], env=LOG)
    assert asked.exit_code == 0, asked.output
    report = runner.invoke(app, ["report", "--index", str(index_dir), "--json"], env=LOG)
    assert "\x1b" not in report.stdout and "\\u001b" not in report.stdout and "\\u0000" not in report.stdout
    data = json.loads(report.stdout)
    assert data["questions"] == 1


@pytest.mark.parametrize(
    "spelled",
    [
        "What is a deemed\u200b ex\u00adport?",
        "What is a ｄｅｅｍｅｄ ｅｘｐｏｒｔ?",
        "What is a deemed\u2060 export?",
    ],
)
def test_invisible_and_fullwidth_characters_do_not_change_the_question(basis: Basis, spelled: str) -> None:
    plain = basis.answering.answer("What is a deemed export?")
    answer = basis.answering.answer(spelled)
    assert answer.question == "What is a deemed export?"
    assert (answer.abstained, [c.quote for c in answer.citations]) == (
        plain.abstained,
        [c.quote for c in plain.citations],
    )
