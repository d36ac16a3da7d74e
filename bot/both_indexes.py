"""The two indexes Basis is measured and trained on: the knowledge base and the shared corpus.

`basis eval` scores each question set against its own index (a `dev-corpus*` set against the
shared-corpus index, the others against the knowledge base), `basis ranker train` fits the
ranking models on both, and `bench/answer_snapshot.py` answers every set as `eval --all` pairs
them. The shared-corpus index is read with the curated glossary for query expansion, as a
moderator's import of those texts would be, and built first when it is missing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from bot.answering_service import Answering
from bot.clock import Clock, system_today
from bot.errors import BasisError, IndexMissingError
from bot.evaluation import Report, heldout_rows, load_questions
from bot.indexing.build import Progress
from bot.knowledge_base import build, embedder_for
from bot.ranking.ranker import Ranker
from bot.service import Basis
from bot.settings import Settings

Building = Callable[[], AbstractContextManager[Progress]]  # progress shown while the corpus index builds
Notice = Callable[[str], None]


def is_corpus_set(path: Path) -> bool:
    """Whether a question set is about the shared corpus (scored against its index)."""
    return path.name.startswith("dev-corpus")


def question_sets(settings: Settings) -> list[Path]:
    """Every question set in BASIS_EVAL_DIR, by name; a readable error when there is none."""
    sets = sorted(settings.eval_dir.glob("*.jsonl"))
    if not sets:
        raise BasisError(f"No question sets (*.jsonl) in {settings.eval_dir}; set BASIS_EVAL_DIR.")
    return sets


def corpus_basis(
    settings: Settings,
    building: Building,
    notice: Notice,
    ranker: Ranker | None = None,
    clock: Clock = system_today,
) -> Basis:
    """The service over the shared-corpus index (built first when missing)."""
    reader = settings.model_copy(update={"index_dir": settings.corpus_index_dir})
    try:
        return Basis.open(reader, ranker=ranker, clock=clock)
    except IndexMissingError:
        notice(f"Building the index of {settings.shared_corpus_dir} in {settings.corpus_index_dir} …")
        with building() as progress:
            build(
                reader.model_copy(update={"knowledge_dir": settings.shared_corpus_dir}),
                embedder_for(reader),
                progress,
            )
        return Basis.open(reader, ranker=ranker, clock=clock)


def both(
    settings: Settings,
    building: Building,
    notice: Notice,
    ranker: Ranker | None = None,
    clock: Clock = system_today,
) -> dict[str, Answering]:
    """The answering services of the knowledge base and the shared corpus, by name."""
    knowledge = Basis.open(settings, ranker=ranker, clock=clock)
    corpus = corpus_basis(settings, building, notice, ranker, clock)
    return {"knowledge": knowledge.answering, "shared-corpus": corpus.answering}


def evaluate(answering: Answering, rows: list[dict[str, Any]], answers: bool = True) -> dict[str, Any]:
    """Retrieval (and, with `answers`, answer) metrics of one question set."""
    report = Report()
    for row in rows:
        result = answering.search(row["question"], k=int(row.get("k", 5)))
        answer = answering.answer(row["question"]) if answers else None
        report.add(row.get("lang", "en"), row, result, answer)
    return report.as_dict()


def evaluate_file(settings: Settings, file: Path, answers: bool = True) -> dict[str, Any]:
    """`basis eval FILE`: one set against the knowledge base."""
    return evaluate(Basis.open(settings).answering, load_questions(file), answers)


def evaluate_all(settings: Settings, building: Building, notice: Notice) -> dict[str, dict[str, Any]]:
    """`basis eval --all`: every set in BASIS_EVAL_DIR against its own index, by set name."""
    sets = question_sets(settings)
    knowledge = Basis.open(settings).answering
    corpus = corpus_basis(settings, building, notice).answering if any(map(is_corpus_set, sets)) else None
    return {
        p.stem: evaluate(corpus if is_corpus_set(p) and corpus else knowledge, load_questions(p))
        for p in sets
    }


def evaluate_heldout(settings: Settings, building: Building, notice: Notice) -> dict[str, dict[str, Any]]:
    """`basis eval --heldout`: the held-out 30 % of the training questions, each against its index."""
    indexes = both(settings, building, notice)
    return {
        f"heldout-{name}": evaluate(indexes[name], heldout_rows(name))
        for name in ("shared-corpus", "knowledge")
    }
