"""Calibrate the abstention threshold: relevance of in-scope vs out-of-scope questions (prints numbers).

In-scope: every dev question that expects an answer (on its own index). Out-of-scope: the dev
rows marked `expect_abstain` plus the off-topic questions below. The threshold should sit
between the two groups.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from bot.answering.answer import relevance  # noqa: E402
from bot.service import Basis  # noqa: E402
from bot.settings import load_settings  # noqa: E402

OFF_TOPIC = [
    "What's the capital of France?",
    "How do I fix a flat bicycle tyre?",
    "Recommend a good science fiction movie.",
    "Who won the 2022 football World Cup?",
    "How many calories are in an apple?",
    "What is the best way to learn the guitar?",
    "今天天气怎么样？",
    "红烧肉怎么做？",
    "推荐一部好看的电影。",
]


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: calibrate_abstention.py INDEX_DIR QUESTIONS.jsonl [INDEX_DIR QUESTIONS.jsonl ...]")
    inside: list[tuple[float, str]] = []
    outside: list[tuple[float, str]] = []
    for index_dir, questions in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
        basis = Basis.open(load_settings(index_dir=Path(index_dir)))
        for line in Path(questions).read_text().splitlines():
            row = json.loads(line)
            score = relevance(basis.search(row["question"]))
            (outside if row.get("expect_abstain") else inside).append((score, row["question"]))
        for question in OFF_TOPIC:
            outside.append((relevance(basis.search(question)), question))
    inside.sort()
    outside.sort()
    print(f"in scope:  n={len(inside)}, lowest {[round(s, 3) for s, _ in inside[:5]]}")
    print(f"           lowest question: {inside[0][1]!r}")
    print(f"off topic: n={len(outside)}, highest {[round(s, 3) for s, _ in outside[-5:]]}")
    print(f"           highest question: {outside[-1][1]!r}")
    print(f"midpoint between the groups: {(inside[0][0] + outside[-1][0]) / 2:.3f}")


if __name__ == "__main__":
    main()
