"""The schemas Basis shipped before its tables were defined once (`bot.records.schema`), as the
hand-written SQL of then: the old databases the upgrade tests start from."""

from bot.records.store import SQLITE_V2, SQLITE_V3

SQLITE_V1 = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, lang TEXT NOT NULL, passages TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL, user_hash TEXT NOT NULL, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    question TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (answer_id, user_hash)
);
"""
POSTGRES_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE answers (
    id TEXT PRIMARY KEY, question TEXT NOT NULL, lang TEXT NOT NULL, passages JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE feedback (
    answer_id TEXT NOT NULL, user_hash TEXT NOT NULL, vote SMALLINT NOT NULL CHECK (vote IN (-1, 1)),
    question TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (answer_id, user_hash)
);
CREATE INDEX feedback_created_at ON feedback (created_at);
CREATE TABLE questions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, write_id TEXT NOT NULL UNIQUE,
    asked_at TIMESTAMPTZ NOT NULL, origin TEXT NOT NULL, guild_id BIGINT, lang TEXT NOT NULL,
    question TEXT NOT NULL, declined BOOLEAN NOT NULL, decline_kind TEXT NOT NULL,
    passages JSONB NOT NULL, cited JSONB NOT NULL, answer_id TEXT NOT NULL, answer TEXT NOT NULL,
    latency_ms DOUBLE PRECISION NOT NULL, index_build TEXT NOT NULL
);
CREATE INDEX questions_asked_at ON questions (asked_at);
CREATE INDEX questions_answer_id ON questions (answer_id);
CREATE TABLE audit (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, write_id TEXT NOT NULL UNIQUE,
    action TEXT NOT NULL, target TEXT NOT NULL, actor TEXT NOT NULL, sha256 TEXT NOT NULL,
    at TEXT NOT NULL, source_url TEXT NOT NULL, change TEXT NOT NULL, outcome TEXT NOT NULL
)
"""
SQLITE_V3_FILE = SQLITE_V1 + SQLITE_V2 + SQLITE_V3 + ";"  # a file at version 3, the last before `schema`
