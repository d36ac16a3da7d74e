"""Calibrate the LLM support check: how well do the two measures separate supported from
unsupported sentences? (prints numbers; not a test)

Unsupported pairs: a sentence from the top passage of a dev question checked against the
other top-5 passages of the same question (same topic, wrong passage: the hard case) and
against the top passage of a different question. Supported pairs: the same sentences,
reworded the way a model rewords them (a fifth of the words dropped, clauses swapped),
checked against their own passage.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from bot.answering.llm import LEXICAL_SUPPORT, SEMANTIC_SUPPORT, support_scores  # noqa: E402
from bot.service import Basis  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from bot.text import split_sentences  # noqa: E402


def reword(sentence: str, rng: random.Random) -> str:
    words = sentence.rstrip(".").split()
    kept = [w for w in words if rng.random() > 0.2] or words
    if "," in sentence:
        head, _, tail = sentence.rstrip(".").partition(",")
        kept = (tail.strip() + ", " + head).split()
    return " ".join(kept) + "."


def main() -> None:
    rng = random.Random(7)
    good: list[tuple[float, float]] = []
    bad: list[tuple[float, float]] = []
    for index_dir, questions in zip(sys.argv[1::2], sys.argv[2::2], strict=True):
        basis = Basis.open(load_settings(index_dir=Path(index_dir)))
        results = [
            basis.answering.search(json.loads(line)["question"])
            for line in Path(questions).read_text().splitlines()
        ]
        results = [r for r in results if len(r.passages) >= 2]
        for i, result in enumerate(results):
            top = result.passages[0]
            spans = split_sentences(top.chunk.text)
            for a, b in spans[:3]:
                sentence = top.chunk.text[a:b]
                if len(sentence) < 40:
                    continue
                good.append(
                    support_scores(reword(sentence, rng), top, basis.embedder, basis.answering.tokenizer)
                )
                for other in result.passages[1:]:
                    bad.append(support_scores(sentence, other, basis.embedder, basis.answering.tokenizer))
                stranger = results[(i + 7) % len(results)].passages[0]
                bad.append(support_scores(sentence, stranger, basis.embedder, basis.answering.tokenizer))
    g, b = np.array(good), np.array(bad)
    for name, column in (("lexical", 0), ("semantic", 1)):
        good_p5, good_mid = np.percentile(g[:, column], 5), np.median(g[:, column])
        bad_mid, bad_p95 = np.median(b[:, column]), np.percentile(b[:, column], 95)
        print(
            f"{name}: supported p5 {good_p5:.2f} median {good_mid:.2f}; "
            f"unsupported median {bad_mid:.2f} p95 {bad_p95:.2f}"
        )
    for lex, sem in ((0.5, 0.6), (0.6, 0.7), (0.6, 0.75), (0.7, 0.75), (0.7, 0.8)):
        kept_good = np.mean((g[:, 0] >= lex) & (g[:, 1] >= sem))
        kept_bad = np.mean((b[:, 0] >= lex) & (b[:, 1] >= sem))
        print(
            f"  lexical >= {lex}, semantic >= {sem}: "
            f"supported kept {kept_good:.1%}, unsupported kept {kept_bad:.1%}"
        )
    passed_good = np.mean((g[:, 0] >= LEXICAL_SUPPORT) & (g[:, 1] >= SEMANTIC_SUPPORT))
    passed_bad = np.mean((b[:, 0] >= LEXICAL_SUPPORT) & (b[:, 1] >= SEMANTIC_SUPPORT))
    print(f"thresholds lexical {LEXICAL_SUPPORT}, semantic {SEMANTIC_SUPPORT}:")
    print(f"  supported pairs kept: {passed_good:.1%} of {len(g)}")
    print(f"  unsupported pairs kept: {passed_bad:.1%} of {len(b)}")


if __name__ == "__main__":
    main()
