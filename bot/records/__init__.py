"""What Basis remembers: feedback, the question log, the audit trail and the single-writer lock,
in `data/` (one SQLite file and `audit.jsonl`) or in PostgreSQL (`stores` picks); and `spool`,
the bounded retry queue in front of the shared store."""
