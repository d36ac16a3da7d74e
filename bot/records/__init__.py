"""What Basis remembers in `data/`: one SQLite file, its schema versions, the question log;
and `spool`, the bounded retry queue in front of a shared store."""
