"""What Basis remembers: feedback, the question log, the audit trail and the single-writer lock,
in `data/` (one SQLite file and `audit.jsonl`) or in PostgreSQL (`stores` picks). The tables
(`schema`) and queries are written once for both databases (`store`, `writes`, `questions`,
`feedback`); `spool` is the bounded retry queue in front of PostgreSQL and `spill` keeps what it
could not send at shutdown for the next start; `migrate` copies a SQLite directory into
PostgreSQL."""
