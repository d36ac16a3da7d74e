"""Writes as data: what the stores hand to the write spool, run in batches, and spill to a file.

Every write is a row to upsert, a vote, a vote's reason, or a prune, and each lands once however often it is
run: a question or audit row carries a `write_id`, an answer and a vote are keyed by their
primary key and replace the stored row only when they are not older. So the spool may retry a
batch whose acknowledgement was lost, and a spill file replayed after a crash mid-replay
changes nothing twice. `record` turns a write into JSON for the spill file (`spill`); a prune
has none, since the next start prunes anyway.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, select

from bot.records import schema
from bot.records.store import Store, upsert

# The key each table's rows are known by, and whether a row with that key is replaced (by one
# not older, `created_at`) or kept.
KEYS: dict[str, tuple[str, ...]] = {
    "questions": ("write_id",),
    "audit": ("write_id",),
    "answers": ("id",),
    "feedback": ("answer_id", "user_hash"),
}
REPLACED = {"answers", "feedback"}


class Op(Protocol):
    def apply(self, db: Connection) -> int:
        """Run the write in `db`'s transaction; returns the rows it changed."""

    def record(self) -> dict[str, Any] | None:
        """The write as JSON for a spill file, or None when it need not be kept."""


def put(db: Connection, table: str, row: dict[str, Any]) -> int:
    """Insert `row`, or (answers, votes) replace the stored one when `row` is not older."""
    target = schema.TABLES[table]
    statement = upsert(db.dialect.name, target).values(row)
    if table in REPLACED:
        newer = statement.excluded.created_at >= target.c.created_at
        changed = {c: statement.excluded[c] for c in row if c not in KEYS[table]}
        statement = statement.on_conflict_do_update(index_elements=KEYS[table], set_=changed, where=newer)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=KEYS[table])
    return db.execute(statement).rowcount


@dataclass(frozen=True)
class Row:
    """One row for `table`."""

    table: str
    values: dict[str, Any]

    def apply(self, db: Connection) -> int:
        return put(db, self.table, self.values)

    def record(self) -> dict[str, Any]:
        return {"op": "row", "table": self.table, "values": _jsonable(self.values)}


@dataclass(frozen=True)
class Vote:
    """A 👍 or 👎 on a remembered answer, by a salted hash; it carries the answer's question and
    lands only if the answer is known."""

    answer_id: str
    user_hash: str
    vote: int
    at: datetime

    def apply(self, db: Connection) -> int:
        question = db.scalar(select(schema.answers.c.question).where(schema.answers.c.id == self.answer_id))
        if question is None:
            return 0
        values = {"answer_id": self.answer_id, "user_hash": self.user_hash, "vote": self.vote}
        # a changed vote starts without a reason
        return put(db, "feedback", {**values, "question": question, "created_at": self.at, "reason": ""})

    def record(self) -> dict[str, Any]:
        return {"op": "vote", **_jsonable(asdict(self))}


@dataclass(frozen=True)
class Reason:
    """Why a 👎 was given, set on that user's 👎 of the answer; it lands only on a 👎 (queued
    after the vote, so in the PostgreSQL spool it lands on it), and setting it twice is one."""

    answer_id: str
    user_hash: str
    reason: str

    def apply(self, db: Connection) -> int:
        f = schema.feedback
        mine = (f.c.answer_id == self.answer_id) & (f.c.user_hash == self.user_hash) & (f.c.vote == -1)
        return db.execute(f.update().where(mine).values(reason=self.reason)).rowcount

    def record(self) -> dict[str, Any]:
        return {"op": "reason", **asdict(self)}


@dataclass(frozen=True)
class Prune:
    """Delete rows of `table` whose `column` is before `cutoff`."""

    table: str
    column: str
    cutoff: datetime

    def apply(self, db: Connection) -> int:
        target = schema.TABLES[self.table]
        return db.execute(target.delete().where(target.c[self.column] < self.cutoff)).rowcount

    def record(self) -> None:
        return None


def from_record(record: dict[str, Any]) -> Op:
    """A spilled write back as an `Op`."""
    if record["op"] == "vote":
        return Vote(
            record["answer_id"], record["user_hash"], record["vote"], datetime.fromisoformat(record["at"])
        )
    if record["op"] == "reason":
        return Reason(record["answer_id"], record["user_hash"], record["reason"])
    table = schema.TABLES[record["table"]]
    values = {
        name: datetime.fromisoformat(value) if isinstance(table.c[name].type, schema.Stamp) else value
        for name, value in record["values"].items()
    }
    return Row(record["table"], values)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


@dataclass(frozen=True)
class Pending:
    """An `Op` bound to its store: what the stores hand to a spool. Called alone it runs in a
    transaction of its own; the PostgreSQL spool runs several in one (`Store.apply`)."""

    store: Store
    op: Op

    def __call__(self) -> None:
        apply(self.store, [self.op])


def apply(store: Store, ops: list[Op]) -> int:
    """Run `ops` in one transaction; returns the rows they changed. In SQLite the transaction takes
    the write lock at once: one that read first (a vote looks up its answer) and then wrote while
    another connection was writing would fail at once ("database is locked") instead of waiting."""
    with store.connect(exclusive=True) as db:
        return sum(op.apply(db) for op in ops)


def run_batch(writes: list[Any]) -> None:
    """The PostgreSQL spool's runner: consecutive writes of one store in one transaction."""
    stores = {id(w.store): w.store for w in writes}
    (store,) = stores.values()
    apply(store, [w.op for w in writes])


class Spool(Protocol):
    """What the stores need of `bot.records.spool.WriteSpool` (tests hand in a manual one)."""

    def submit(self, description: str, write: Pending) -> None:
        """Queue `write`; never blocks, never raises."""

    def close(self, timeout: float) -> int:
        """Send (or keep) what it can within `timeout`, stop, and return how many writes were lost."""


class InlineWrites:
    """The spool of the SQLite file: each write runs at once, in the caller's thread, and its
    errors reach the caller."""

    def submit(self, description: str, write: Pending) -> None:
        write()

    def close(self, timeout: float) -> int:
        return 0
