"""Every dev-set answer as one JSON line, timings removed: the check that a refactoring changed no answer.

Run it before and after a change and `diff` the two files; identical files mean `basis ask --json`
answered every question of every set in BASIS_EVAL_DIR the same way (the sets named `dev-corpus*`
against the shared-corpus index, the others against the knowledge index, as `basis eval --all`
pairs them). The questions are read only through `bot.evaluation.load_questions`, and the day the
answers are worded against is frozen (`--today`), so two runs on different days compare too.

    python bench/answer_snapshot.py --today 2026-12-07 > before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.cli_render import answer_json, error_json  # noqa: E402
from bot.clock import fixed  # noqa: E402
from bot.errors import BasisError  # noqa: E402
from bot.evaluation import load_questions  # noqa: E402
from bot.service import Basis, embedder_for  # noqa: E402
from bot.settings import load_settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(), help="YYYY-MM-DD")
    args = parser.parse_args()
    settings = load_settings()
    sets = sorted(settings.eval_dir.glob("*.jsonl"))
    if not sets:
        sys.exit(f"No question sets (*.jsonl) in {settings.eval_dir}; set BASIS_EVAL_DIR.")
    clock = fixed(args.today)
    embedder = embedder_for(settings)  # one model for both indexes
    knowledge = Basis.open(settings, embedder, clock=clock)
    reader = settings.model_copy(update={"index_dir": settings.corpus_index_dir})
    corpus = Basis.open(reader, embedder, clock=clock)
    for path in sets:
        basis = corpus if path.name.startswith("dev-corpus") else knowledge
        for row in load_questions(path):
            try:
                shown = answer_json(basis.answering.answer(row["question"]))
                shown.pop("timings_ms")
            except BasisError as exc:  # what `basis ask -` prints for a refused line
                shown = error_json(0, row["question"], exc)
            line = {"set": path.stem, "id": row["id"], **shown}
            print(json.dumps(line, ensure_ascii=False, sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
