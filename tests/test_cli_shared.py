"""The CLI with BASIS_DATABASE_URL: `kb add`, `ask`, `report` and `data purge` use PostgreSQL,
and nothing is written to `data/`. Queued writes are sent by each command's spool thread (and
at exit), so the checks wait for the rows to arrive."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.models import INTENT
from tests.fakes import HashEmbedder
from tests.services import PostgresServer
from tests.timing import PATIENCE

pytestmark = pytest.mark.services

runner = CliRunner()
NOTE = b"# Widget note\n\nWidgets bound for Ruritania need a widget licence.\n"


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


def _eventually(url: str, sql: str, expected: list[tuple]) -> None:
    deadline = time.monotonic() + PATIENCE
    while (found := _rows(url, sql)) != expected:
        assert time.monotonic() < deadline, found
        time.sleep(0.1)


def test_the_cli_keeps_its_state_in_postgres(
    postgres_server: PostgresServer, fake_model: HashEmbedder, knowledge_dir: Path, tmp_path: Path
) -> None:
    url = postgres_server.url
    env = {"BASIS_DATABASE_URL": url, "BASIS_QUESTION_LOG_CLI": "true"}
    index = tmp_path / "index"
    built = runner.invoke(
        app, ["index", "build", "--knowledge", str(knowledge_dir), "--index", str(index)], env=env
    )
    assert built.exit_code == 0, built.output
    note = tmp_path / "widget-note.md"
    note.write_bytes(NOTE)
    added = runner.invoke(
        app, ["kb", "add", str(note), "--index", str(index), "--knowledge", str(knowledge_dir)], env=env
    )
    assert added.exit_code == 0, added.output
    _eventually(
        url,
        "SELECT action, actor, outcome = 'intent' FROM audit WHERE action = 'add' ORDER BY id",
        [("add", "cli", True), ("add", "cli", False)],
    )

    for question in ("What is a deemed export?", "Write a poem about pizza"):
        asked = runner.invoke(app, ["ask", "--index", str(index), question], env=env)
        assert asked.exit_code == 0, asked.output
    _eventually(url, "SELECT COUNT(*) FROM questions", [(2,)])
    reported = runner.invoke(app, ["report", "--index", str(index), "--json"], env=env)
    assert reported.exit_code == 0, reported.output
    assert (json.loads(reported.stdout)["questions"], json.loads(reported.stdout)["declined"]) == (2, 1)
    _eventually(url, "SELECT COUNT(*) FROM audit WHERE action = 'report'", [(1,)])

    purged = runner.invoke(app, ["data", "purge", "--yes"], env=env)
    assert purged.exit_code == 0, purged.output
    assert purged.stdout.strip() == "Deleted 2 questions, 0 feedback, 0 answers."
    assert _rows(url, "SELECT COUNT(*) FROM questions") == [(0,)]
    assert _rows(url, "SELECT outcome FROM audit ORDER BY id")[0] == (INTENT,)  # the trail is kept
    assert not (tmp_path / "data").exists()  # no SQLite file, no audit.jsonl
