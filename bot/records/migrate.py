"""`basis data migrate`: copy a SQLite data directory into PostgreSQL, when a community outgrows
one process.

Both databases have the tables of `schema`, so each row is read from SQLite and written to
PostgreSQL as the same values, through the same keyed writes the spool uses: a question by its
`write_id`, an answer and a vote by their primary key (replaced only by a row not older), an
audit line by a key derived from its content. So running it twice copies nothing twice, and a
second run after more questions were logged copies only those. The salt comes along, so a vote
cast after the move by someone who voted before it replaces their vote rather than adding one;
PostgreSQL must not already hold votes hashed with another salt.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, func, select

from bot.errors import SharedStoreError
from bot.records import schema
from bot.records.audit import FileAuditLog
from bot.records.store import FILE_NAME, Store, salt
from bot.records.writes import Op, Row, apply

BATCH = 500  # rows per transaction
COPIED = ("answers", "feedback", "questions")  # in this order: a vote refers to its answer


@dataclass(frozen=True)
class Copied:
    """One table: rows in the SQLite directory, and rows PostgreSQL had before and after."""

    table: str
    source: int
    before: int
    after: int

    @property
    def added(self) -> int:
        return self.after - self.before


def migrate(data_dir: Path, url: str) -> list[Copied]:
    """Copy `data_dir`'s SQLite file and `audit.jsonl` into the PostgreSQL database at `url`."""
    if not (data_dir / FILE_NAME).is_file():
        raise SharedStoreError(f"There is no {FILE_NAME} in {data_dir} to migrate.")
    source = Store.sqlite(data_dir).prepare()
    target = Store.postgres(url)
    try:
        target.prepare()
        before = _counts(target)
        _adopt_salt(source, target)
        sizes = {}
        for table in COPIED:
            sizes[table] = _copy(source, target, schema.TABLES[table])
        audit = FileAuditLog(data_dir).rows()
        for start in range(0, len(audit), BATCH):
            apply(target, [_audit_row(n, row) for n, row in enumerate(audit[start : start + BATCH], start)])
        sizes["audit"] = len(audit)
        after = _counts(target)
    finally:
        target.close()
    return [Copied(t, sizes[t], before[t], after[t]) for t in (*COPIED, "audit")]


def _counts(store: Store) -> dict[str, int]:
    with store.connect() as db:
        return {t: db.scalar(select(func.count()).select_from(schema.TABLES[t])) for t in (*COPIED, "audit")}


def _adopt_salt(source: Store, target: Store) -> None:
    """Give PostgreSQL the SQLite file's salt, unless votes there were hashed with another one."""
    with source.connect() as db:
        wanted = salt(db)
    with target.connect() as db:
        if salt(db) == wanted:
            return
        if db.scalar(select(func.count()).select_from(schema.feedback)):
            raise SharedStoreError(
                "The shared database already holds votes hashed with another salt, so the votes "
                "cannot be merged; run `basis data purge` against it first, or migrate into an empty one."
            )
        db.execute(schema.meta.update().where(schema.meta.c.key == "salt").values(value=wanted))


def _copy(source: Store, target: Store, table: Table) -> int:
    """Every row of `table`, oldest first, in batches; returns how many SQLite holds."""
    columns = [c for c in table.columns if c.name != "id" or table.name != "questions"]
    order = [table.c.id] if table.name == "questions" else list(table.primary_key.columns)
    copied = 0
    with source.connect() as db:
        rows = db.execute(select(*columns).order_by(*order))
        while chunk := rows.fetchmany(BATCH):
            ops: list[Op] = [Row(table.name, row._asdict()) for row in chunk]
            apply(target, ops)
            copied += len(ops)
    return copied


def _audit_row(n: int, row: dict[str, str]) -> Row:
    """An `audit.jsonl` line with a `write_id` from its place and content, so it is copied once."""
    line = json.dumps(row, sort_keys=True, ensure_ascii=False)
    key = hashlib.sha256(f"{n}:{line}".encode()).hexdigest()[:32]
    fields = {
        c.name: str(row.get(c.name, "")) for c in schema.audit.columns if c.name not in ("id", "write_id")
    }
    return Row("audit", {"write_id": key, **fields})
