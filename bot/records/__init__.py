"""What Basis remembers in `data/`: one SQLite file, its schema versions, the question log."""
