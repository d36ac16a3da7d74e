"""Issue 11 item 15: in `basis ask --json -` a bad line gets an error object and the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import QuestionError
from bot.service import Basis
from tests.fakes import HashEmbedder

pytestmark = pytest.mark.faults

runner = CliRunner()

GOOD = b"What is a deemed export?"
BATCH = b"\n".join(
    [
        GOOD,
        b"why " * 200,  # 800 characters: over the 600 limit
        b"What is an \xff\xfe export?",  # invalid UTF-8
        "Is a lone \ud800 surrogate a question?".encode("utf-8", "surrogatepass"),
        b"",
        b"What is a release?",
    ]
)


@pytest.fixture
def cli_index(fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path) -> Path:
    index = tmp_path / "index"
    built = runner.invoke(app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)])
    assert built.exit_code == 0, built.output
    return index


@pytest.mark.parametrize("command", ["ask", "search"])
def test_bad_lines_get_an_error_object_and_the_batch_goes_on(cli_index: Path, command: str) -> None:
    result = runner.invoke(app, [command, "--json", "-", "--index", str(cli_index)], input=BATCH)
    assert result.exit_code == 1  # some line failed
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    assert "error" not in rows[0] and rows[0]["question"] == GOOD.decode()
    assert [r.get("line") for r in rows[1:4]] == [2, 3, 4]
    assert "under 600" in rows[1]["error"]
    assert "not valid text" in rows[2]["error"] and "\\xff" in rows[2]["question"]
    assert "not valid text" in rows[3]["error"]
    assert "error" not in rows[4] and rows[4]["question"] == "What is a release?"  # answered after them


def test_a_clean_batch_exits_zero(cli_index: Path) -> None:
    batch = GOOD + b"\nWhat is a release?\n"
    result = runner.invoke(app, ["ask", "-", "--index", str(cli_index)], input=batch)
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["question"] for line in result.stdout.splitlines()] == [
        GOOD.decode(),
        "What is a release?",
    ]


def test_the_library_refuses_a_lone_surrogate_with_a_question_error(basis: Basis) -> None:
    with pytest.raises(QuestionError, match="Character 3 is not valid text"):
        basis.answering.answer("ab\ud800 export")
    with pytest.raises(QuestionError):
        basis.answering.search("\udcff")
