"""The SQLite side of the one store layer: an old file upgraded in place has exactly the shape
a new one gets from `schema`, and its old rows gain distinct write ids."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from bot.records.store import FILE_NAME, LATEST, Store
from tests.records.legacy import SQLITE_V3_FILE


def _shape(store: Store) -> dict[str, object]:
    with store.connect() as db:
        seen = inspect(db)
        return {
            table: (
                # SQLite lets an old `TEXT PRIMARY KEY` hold NULL; nothing writes one, so only the
                # other columns' NULL rules are compared
                sorted(
                    (c["name"], c["primary_key"] or c["nullable"], c["primary_key"])
                    for c in seen.get_columns(table)
                ),
                sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in seen.get_indexes(table)),
                sorted(tuple(u["column_names"]) for u in seen.get_unique_constraints(table)),
                sorted(c["sqltext"] for c in seen.get_check_constraints(table)),
            )
            for table in sorted(seen.get_table_names())
        }


def test_an_old_file_upgraded_in_place_has_the_shape_of_a_new_one(tmp_path: Path) -> None:
    old = tmp_path / "old"
    old.mkdir()
    with sqlite3.connect(old / FILE_NAME) as db:
        db.executescript(SQLITE_V3_FILE)
        db.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        db.executemany("INSERT INTO schema_version VALUES (?)", [(1,), (2,), (3,)])
        row = "'2026-11-30T00:00:00+00:00', 'cli', NULL, 'en', 'q', 0, '', '[]', '[]', 'a1', 'x', 1.0, ''"
        db.execute(f"INSERT INTO questions VALUES (1, {row})")
        db.execute(f"INSERT INTO questions VALUES (2, {row})")
    upgraded = Store.sqlite(old).prepare()
    fresh = Store.sqlite(tmp_path / "new").prepare()
    assert upgraded.schema_version() == fresh.schema_version() == LATEST
    assert _shape(upgraded) == _shape(fresh)
    assert _shape(fresh)["questions"][-1] == ["declined IN (0, 1)"]  # kept through the rebuild
    with upgraded.connect() as db:
        rows = db.exec_driver_sql("SELECT id, write_id, question FROM questions ORDER BY id").all()
    assert [(r[0], r[2]) for r in rows] == [(1, "q"), (2, "q")]  # kept, with their row numbers
    assert len({r[1] for r in rows}) == 2 and all(len(r[1]) == 32 for r in rows)
