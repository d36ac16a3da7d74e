"""Every table Basis keeps, defined once (SQLAlchemy Core) for the SQLite file and PostgreSQL.

Two column types differ by dialect so each database keeps what it did before: `Stamp` is UTC
ISO text to the second in SQLite (it sorts in time order) and TIMESTAMPTZ in PostgreSQL; `Json`
is JSON text in SQLite and JSONB in PostgreSQL. Values pass through the same Python on the way
in, so a row written to either database holds the same values. `audit` lives only in
PostgreSQL: the SQLite deployment keeps the trail in `audit.jsonl` (`bot.records.audit`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Dialect,
    Float,
    Identity,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP
from sqlalchemy.types import TypeEngine


def second(moment: datetime) -> datetime:
    """UTC, to the second: what every stamp column stores."""
    return moment.astimezone(UTC).replace(microsecond=0)


class Stamp(TypeDecorator[datetime]):
    """An aware UTC datetime to the second: ISO text in SQLite, TIMESTAMPTZ in PostgreSQL."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(TIMESTAMP(timezone=True))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = second(value)
        return value if dialect.name == "postgresql" else value.isoformat()

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return moment.astimezone(UTC)


Json = JSON().with_variant(JSONB(), "postgresql")
RowId = BigInteger().with_variant(Integer(), "sqlite")  # INTEGER PRIMARY KEY is SQLite's rowid

metadata = MetaData()

schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

meta = Table(
    "meta",
    metadata,
    Column("key", Text, primary_key=True),
    Column("value", Text, nullable=False),
)

answers = Table(
    "answers",
    metadata,
    Column("id", Text, primary_key=True),
    Column("question", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("passages", Json, nullable=False),
    Column("created_at", Stamp, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("answer_id", Text, primary_key=True),
    Column("user_hash", Text, primary_key=True),
    Column("vote", SmallInteger, CheckConstraint("vote IN (-1, 1)"), nullable=False),
    Column("question", Text, nullable=False),
    Column("created_at", Stamp, nullable=False),
    # Why a 👎, one of `bot.records.feedback.REASONS`; "" until one is chosen (or for a 👍).
    Column("reason", Text, nullable=False, server_default=""),
    Index("feedback_created_at", "created_at"),
)

questions = Table(
    "questions",
    metadata,
    Column("id", RowId, Identity(always=True), primary_key=True),
    Column("write_id", Text, nullable=False, unique=True),
    Column("asked_at", Stamp, nullable=False),
    Column("origin", Text, nullable=False),
    Column("guild_id", BigInteger),
    Column("lang", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("declined", Boolean(create_constraint=True), nullable=False),  # a CHECK in SQLite
    Column("decline_kind", Text, nullable=False),
    Column("passages", Json, nullable=False),
    Column("cited", Json, nullable=False),
    Column("answer_id", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("latency_ms", Float, nullable=False),
    Column("index_build", Text, nullable=False),
    Index("questions_asked_at", "asked_at"),
    Index("questions_answer_id", "answer_id"),
)

audit = Table(
    "audit",
    metadata,
    Column("id", RowId, Identity(always=True), primary_key=True),
    Column("write_id", Text, nullable=False, unique=True),
    *(Column(name, Text, nullable=False) for name in ("action", "target", "actor", "sha256", "at")),
    *(Column(name, Text, nullable=False) for name in ("source_url", "change", "outcome")),
)

LOCAL = (schema_version, meta, answers, feedback, questions)  # the SQLite file's tables
SHARED = (*LOCAL, audit)  # PostgreSQL's
PURGED = (questions, feedback, answers)  # what `basis data purge` empties
TABLES = {table.name: table for table in SHARED}
