"""`basis data migrate` against a real PostgreSQL: every row of a SQLite data directory arrives
as the same values, a second run copies nothing, votes keep their hashes, and a database whose
votes were hashed with another salt is refused. Also: an old PostgreSQL schema upgraded in
place equals one made from `schema`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect, select
from typer.testing import CliRunner

from bot.cli import app
from bot.errors import SharedStoreError
from bot.models import INTENT, record
from bot.records import schema
from bot.records.audit import FileAuditLog
from bot.records.feedback import FeedbackRecords, SqliteFeedback
from bot.records.migrate import migrate
from bot.records.store import LATEST, Store
from tests.fakes import ManualSpool
from tests.records.legacy import POSTGRES_V1
from tests.records.seed import USER_ID, Clock, answer, seeded_log
from tests.services import PostgresServer

pytestmark = pytest.mark.services

runner = CliRunner()
TABLES = ("answers", "feedback", "questions")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A SQLite data directory: questions (one Chinese, one declined), answers, votes, audit lines."""
    data = tmp_path / "data"
    seeded_log(
        data,
        Clock(),
        [
            (timedelta(hours=3), answer("What is EAR99?", answer_id="a9", cited=("ear99",), ms=12.5)),
            (timedelta(hours=2), answer("什么是出口管制？", lang="zh", answer_id="a2")),
            (timedelta(hours=1), answer("Write a poem", decline="request", answer_id="a3")),
        ],
    )
    feedback = SqliteFeedback.open(data)
    feedback.remember("a9", "What is EAR99?", "en", [{"rank": 1, "title": "EAR99", "text": "Not listed"}])
    feedback.remember("a2", "什么是出口管制？", "zh", [])
    assert feedback.vote("a9", USER_ID, up=False) and feedback.vote("a2", USER_ID + 1, up=True)
    entry = record("add", "imported/a.md", "mod#1", "a" * 64, "https://example.org/a")
    FileAuditLog(data).append(entry, INTENT)
    FileAuditLog(data).append(entry, "1 document")
    return data


@pytest.fixture
def target(postgres_server: PostgresServer) -> Iterator[Store]:
    store = Store.postgres(postgres_server.url)
    yield store
    store.close()


def _rows(store: Store, table: str) -> list[dict]:
    """Every row but the database's own row number, in key order."""
    t = schema.TABLES[table]
    columns = [c for c in t.columns if c.name != "id"]
    order = [t.c.write_id] if "write_id" in t.c else list(t.primary_key.columns)
    with store.connect() as db:
        return [row._asdict() for row in db.execute(select(*columns).order_by(*order))]


def test_migrate_copies_every_row_as_it_is_and_a_second_run_copies_nothing(
    data_dir: Path, target: Store, postgres_server: PostgresServer
) -> None:
    env = {"BASIS_DATA_DIR": str(data_dir), "BASIS_DATABASE_URL": postgres_server.url}
    first = runner.invoke(app, ["data", "migrate"], env=env)
    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        f"answers: 2 in {data_dir}, 2 added, 2 in PostgreSQL",
        f"feedback: 2 in {data_dir}, 2 added, 2 in PostgreSQL",
        f"questions: 3 in {data_dir}, 3 added, 3 in PostgreSQL",
        f"audit: 2 in {data_dir}, 2 added, 2 in PostgreSQL",
    ]
    source = Store.sqlite(data_dir)
    for table in TABLES:
        assert _rows(target, table) == _rows(source, table), table  # the same values, hashes included
    (zh,) = [q for q in _rows(target, "questions") if q["lang"] == "zh"]
    assert zh["question"] == "什么是出口管制？"
    assert [r["outcome"] for r in _rows(target, "audit")].count(INTENT) == 1
    assert target.salt() == source.salt()
    # A vote cast in PostgreSQL after the move replaces the voter's earlier one (same salt, same hash).
    spool = ManualSpool()
    assert FeedbackRecords(target, spool).vote("a9", USER_ID, up=True)
    spool.run()
    assert [(r["user_hash"], r["vote"]) for r in _rows(target, "feedback") if r["answer_id"] == "a9"] == [
        (SqliteFeedback.open(data_dir).user_hash(USER_ID), 1)
    ]

    again = runner.invoke(
        app, ["data", "migrate", "--to", postgres_server.url], env={"BASIS_DATA_DIR": str(data_dir)}
    )
    assert again.exit_code == 0, again.output
    assert [line.split(", ")[1] for line in again.stdout.splitlines()] == ["0 added"] * 4


def test_a_second_run_copies_only_what_was_logged_since(
    data_dir: Path, target: Store, postgres_server: PostgresServer
) -> None:
    migrate(data_dir, postgres_server.url)
    seeded_log(data_dir, Clock(), [(timedelta(minutes=5), answer("What is a deemed export?"))])
    copied = {c.table: c.added for c in migrate(data_dir, postgres_server.url)}
    assert copied == {"answers": 0, "feedback": 0, "questions": 1, "audit": 0}


def test_votes_under_another_salt_are_refused(
    data_dir: Path, target: Store, postgres_server: PostgresServer
) -> None:
    target.prepare()
    spool = ManualSpool()
    feedback = FeedbackRecords(target, spool)
    feedback.remember("other", "q", "en", [])
    spool.run()
    assert feedback.vote("other", 1, up=True)
    spool.run()
    with pytest.raises(SharedStoreError, match="another salt"):
        migrate(data_dir, postgres_server.url)


def test_a_missing_data_directory_says_so(tmp_path: Path, postgres_server: PostgresServer) -> None:
    with pytest.raises(SharedStoreError, match=r"no feedback\.sqlite3"):
        migrate(tmp_path / "nowhere", postgres_server.url)


def test_an_old_postgres_schema_upgraded_in_place_equals_a_new_one(
    target: Store, postgres_server: PostgresServer
) -> None:
    """A database made by the hand-written migration of before (version 1) is brought to
    `LATEST` and then has exactly the columns, types and indexes `schema` creates."""
    with psycopg.connect(postgres_server.url, autocommit=True) as admin:
        admin.execute("CREATE DATABASE old")
    old = Store.postgres(postgres_server.url.rsplit("/", 1)[0] + "/old")
    with old.connect() as db:
        db.exec_driver_sql(POSTGRES_V1)
        db.exec_driver_sql("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.exec_driver_sql("INSERT INTO schema_version VALUES (1)")
    old.prepare()
    target.prepare()
    assert old.schema_version() == target.schema_version() == LATEST
    assert _shape(old) == _shape(target)
    old.close()


def _shape(store: Store) -> dict[str, object]:
    with store.connect() as db:
        seen = inspect(db)
        return {
            table: (
                sorted((c["name"], str(c["type"]), c["nullable"]) for c in seen.get_columns(table)),
                sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in seen.get_indexes(table)),
                sorted(tuple(u["column_names"]) for u in seen.get_unique_constraints(table)),
            )
            for table in sorted(seen.get_table_names())
        }
