"""The labelled training questions in `bot/ranking/questions/`: loading, their hash, and who
learns from which.

They were written for training only, never taken from the development sets. Each
names the phrases of the passage that answers it (`evidence_any`) and the key facts a
good answer states (`answer_any`); out-of-scope ones say `expect_abstain`. The split is
a hash of the id, so it never changes as questions are added.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from bot.indexing.chunking import VERSION as CHUNKER_VERSION

DATA = Path(__file__).parent / "questions"
HELD_OUT = 3  # of 10 hash buckets
ENCODER = 7  # buckets HELD_OUT..ENCODER-1 of answerable questions fine-tune the bi-encoder


def _bucket(question_id: str) -> int:
    return int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % 10


def split(question_id: str) -> str:
    """`heldout` for 30 % of ids, `train` for the rest; stable across runs and machines."""
    return "heldout" if _bucket(question_id) < HELD_OUT else "train"


def part(row: dict[str, Any]) -> str:
    """Who learns from a question: `heldout` (nobody, 30 %), `encoder` (the bi-encoder fine-tune,
    40 %, answerable questions only) or `stage` (the passage, sentence and scope models: the
    rest, out-of-scope questions included). Cross-fitting by sample split: the stage's dense
    features come from an encoder that never saw the stage's questions."""
    bucket = _bucket(row["id"])
    if bucket < HELD_OUT:
        return "heldout"
    if bucket < ENCODER and row.get("evidence_any"):
        return "encoder"
    return "stage"


def load_rows(corpus: str) -> list[dict[str, Any]]:
    """The labelled questions for one corpus (`knowledge` or `shared-corpus`)."""
    rows = []
    for path in sorted(DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row.get("corpus") == corpus:
                    rows.append(row)
    return rows


def data_hash() -> str:
    """What every shipped model was fitted on: the labelled questions and the chunker's version.

    Models learn from the chunks the questions' evidence falls in, so a model fitted on an older
    chunker's passages is stale even when no question changed; the tests compare this hash with
    each model's `trained_on`, and `make models` refits them.
    """
    digest = hashlib.sha256(f"chunker {CHUNKER_VERSION}\n".encode())
    for path in sorted(DATA.glob("*.jsonl")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
