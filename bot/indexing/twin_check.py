"""`basis kb check` for the Chinese twins: coverage, stale keys and figures that differ.

The quotable sentences come from chunking, so this check sits above `corpus/` and runs beside
the file checks there. A missing twin is a warning (the composer then quotes the English); a
twin whose key matches no quotable sentence, that holds no Chinese, or whose numbers, dates or
section numbers differ from its English sentence, is an error, because it would be shown as a
quote of the source. Traditional characters are a warning (askers may write either; the
knowledge base writes Simplified).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus.check import check_knowledge
from bot.corpus.figures import mismatch
from bot.corpus.knowledge import load_knowledge
from bot.corpus.twins import FOLDER
from bot.indexing.chunking import ChunkerConfig
from bot.indexing.quotable import needs_twins, twinned_sentences
from bot.models import Document, Problem, twin_key
from bot.text import CJK, traditional_characters


@dataclass(frozen=True)
class TwinCoverage:
    """How much of the knowledge base a Chinese asker can read in Chinese."""

    documents: int = 0
    complete: int = 0
    sentences: int = 0
    twinned: int = 0

    def __add__(self, other: TwinCoverage) -> TwinCoverage:
        return TwinCoverage(
            self.documents + other.documents,
            self.complete + other.complete,
            self.sentences + other.sentences,
            self.twinned + other.twinned,
        )

    def summary(self) -> str:
        share = f" ({self.twinned / self.sentences:.1%})" if self.sentences else ""
        return (
            f"Chinese twins: {self.twinned} of {self.sentences} quotable sentences{share}; "
            f"{self.complete} of {self.documents} documents complete."
        )


@dataclass(frozen=True)
class KnowledgeReview:
    problems: list[Problem]
    coverage: TwinCoverage


def document_twin_problems(doc: Document, config: ChunkerConfig) -> tuple[list[Problem], TwinCoverage]:
    """The twin problems of one document and its coverage."""
    sentences = {twin_key(s): s for s in twinned_sentences(doc, config)}
    twin_file = f"{FOLDER}/{doc.id}.yaml"
    problems: list[Problem] = []
    for key, zh in doc.twins:
        english = sentences.get(key)
        if english is None:
            problems.append(
                Problem(
                    twin_file,
                    f"key {key}",
                    f"matches no quotable sentence of {doc.path}: the English was changed or removed; "
                    f"translate the new sentence (`basis kb twins {doc.id}`) and delete this one",
                )
            )
        elif not CJK.search(zh):
            problems.append(
                Problem(twin_file, f"key {key}", "the twin holds no Chinese (is it still the English?)")
            )
        elif difference := mismatch(english, zh):
            problems.append(
                Problem(twin_file, f"key {key}", f"figures differ from the English: {difference}")
            )
        elif traditional := traditional_characters(zh):
            problems.append(
                Problem(
                    twin_file,
                    f"key {key}",
                    f"write Simplified Chinese: {''.join(traditional)} "
                    f"{'is' if len(traditional) == 1 else 'are'} Traditional",
                    "warning",
                )
            )
    twinned = len(sentences.keys() & {key for key, _ in doc.twins})
    if missing := len(sentences) - twinned:
        problems.append(
            Problem(
                doc.path,
                "twins",
                f"{missing} of {len(sentences)} quotable sentences have no Chinese twin "
                f"(`basis kb twins {doc.id}`)",
                "warning",
            )
        )
    coverage = TwinCoverage(1, int(not missing), len(sentences), twinned) if sentences else TwinCoverage()
    return problems, coverage


def twin_problems(documents: Iterable[Document], config: ChunkerConfig) -> tuple[list[Problem], TwinCoverage]:
    """The twin problems of every document that takes twins, and the coverage of them all."""
    problems: list[Problem] = []
    coverage = TwinCoverage()
    for doc in documents:
        if needs_twins(doc):
            found, covered = document_twin_problems(doc, config)
            problems.extend(found)
            coverage += covered
    return problems, coverage


def review_knowledge(directory: Path, config: ChunkerConfig) -> KnowledgeReview:
    """`basis kb check`: the file checks of `corpus/`, then the twin checks and coverage."""
    problems = check_knowledge(directory)
    found, coverage = twin_problems(load_knowledge(directory).documents, config)
    return KnowledgeReview(problems + found, coverage)
