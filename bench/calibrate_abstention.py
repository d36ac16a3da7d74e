"""Calibrate the decline threshold on the development sets' in-scope and out-of-scope rows (prints numbers).

Every row is answered with the threshold at 0, so only the two rule-based declines act
(a request that is not Basis's job; a name no retrieved passage mentions). The relevance
of each row (the learned scope model's probability that the knowledge base covers it) is then printed for both
groups, and the threshold is set where the in-scope rows lose at most `BUDGET` of their
answers in all (rule-based false declines included): as strict as that budget allows.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.answering.answer import relevance  # noqa: E402
from bot.service import Basis  # noqa: E402
from bot.settings import load_settings  # noqa: E402

BUDGET = 0.05


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit("usage: calibrate_abstention.py INDEX_DIR QUESTIONS.jsonl [INDEX_DIR QUESTIONS.jsonl ...]")
    inside: list[float] = []
    outside: list[float] = []
    rule_false = rule_caught = 0
    for index_dir, questions in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
        basis = Basis.open(load_settings(index_dir=Path(index_dir), abstain_threshold=0.0))
        for line in Path(questions).read_text().splitlines():
            row = json.loads(line)
            if row.get("abstain_optional"):
                continue
            declined = basis.answer(row["question"]).abstained
            score = relevance(basis.search(row["question"]), basis.ranker)
            if row.get("expect_abstain"):
                rule_caught += declined
                if not declined:
                    outside.append(score)
            elif declined:
                rule_false += 1
            else:
                inside.append(score)
    total_in = len(inside) + rule_false
    total_out = len(outside) + rule_caught
    inside.sort()
    allowed = int(BUDGET * total_in) - rule_false
    threshold = (inside[allowed] if 0 <= allowed < len(inside) else 0.0) - 1e-4
    print(f"in scope: {total_in} rows, {rule_false} declined by the rules")
    print(f"  relevance, lowest 10: {[round(s, 3) for s in inside[:10]]}")
    print(f"out of scope: {total_out} rows, {rule_caught} declined by the rules")
    print(f"  relevance of the rest: {[round(s, 3) for s in sorted(outside)]}")
    caught = rule_caught + sum(s < threshold for s in outside)
    false = rule_false + sum(s < threshold for s in inside)
    print(
        f"threshold {threshold:.4f}: declines {caught}/{total_out} out of scope, {false}/{total_in} in scope"
    )


if __name__ == "__main__":
    main()
